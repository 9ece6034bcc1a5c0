import { useEffect, useRef } from 'react';

/**
 * Moves focus after a failed action: whenever `key` changes (and is not 0), focus
 * goes to the element behind the ref or, with a selector, to the first element
 * inside it that matches (nothing happens when none does).
 */
export function useFocusOnChange<T extends HTMLElement>(key: number, selector?: string) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (key === 0) return;
    const root = ref.current;
    if (!root) return;
    if (selector === undefined) root.focus();
    else root.querySelector<HTMLElement>(selector)?.focus();
  }, [key, selector]);
  return ref;
}
