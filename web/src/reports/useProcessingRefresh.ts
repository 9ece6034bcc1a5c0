import { useEffect, useState } from 'react';
import { fetchReport } from './api';
import type { Report } from './types';

/** How long the list waits before asking again for the reports still Processing. */
export const REFRESH_MS = 4_000;

/**
 * While any of `reports` is Processing, asks for those reports again every few seconds
 * and hands on what came back: the reports as they are now, and the ids of those that
 * are gone (deleted meanwhile). It stops once none is Processing, and on unmount.
 * A request that fails is simply asked again next time.
 */
export function useProcessingRefresh(
  reports: readonly Report[],
  apply: (updated: Report[], gone: string[]) => void,
): void {
  const [round, setRound] = useState(0);
  const processing = reports
    .filter((report) => report.status === 'processing')
    .map((report) => report.id)
    .join(' ');

  useEffect(() => {
    if (processing === '') return;
    const ids = processing.split(' ');
    let live = true;
    const timer = window.setTimeout(() => {
      void Promise.all(ids.map((id) => fetchReport(id))).then((results) => {
        if (!live) return;
        const updated: Report[] = [];
        const gone: string[] = [];
        results.forEach((result, index) => {
          if (result.ok) updated.push(result.data);
          else if (result.problem.status === 404) gone.push(ids[index] ?? '');
        });
        apply(updated, gone);
        setRound((count) => count + 1);
      });
    }, REFRESH_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [processing, round, apply]);
}
