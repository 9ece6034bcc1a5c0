import { useEffect, useRef, useState } from 'react';

/**
 * The rendered width of an element, followed with a ResizeObserver, so a chart draws
 * its axes in real pixels (labels stay readable at narrow widths). Where there is no
 * ResizeObserver or no layout (tests), the fallback stands.
 */
export function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const measured = entries[0]?.contentRect.width ?? 0;
      if (measured > 0) setWidth(Math.round(measured));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}
