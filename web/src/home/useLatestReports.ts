import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { fetchReport } from '../reports/api';
import { fetchSchedules } from '../reports/schedules/api';
import type { Frequency } from '../reports/types';
import { useReportFiles, viewFormat, type FileFailure } from '../reports/useReportFiles';

/** One of the automatic reports Quick Tasks links to (the guide's Table 1-1). */
export interface LatestReport {
  frequency: Frequency;
  label: string;
  /** When the first one comes, shown while there is none. */
  first: string;
  testId: string;
  /** The report its latest run made; null until it first ran. */
  reportId: string | null;
}

/**
 * Every partner's automatic reports, told apart by how often they run: the weekly MSP
 * Executive Summary (Mondays) and the monthly Service Utilization and Billing report
 * (the 1st).
 */
const AUTOMATIC: readonly Omit<LatestReport, 'reportId'>[] = [
  {
    frequency: 'weekly',
    label: 'Latest MSP Executive Summary',
    first: 'first one on Monday',
    testId: 'quick-latest-weekly',
  },
  {
    frequency: 'monthly',
    label: 'Latest Service Utilization and Billing report',
    first: 'first one on the 1st',
    testId: 'quick-latest-monthly',
  },
];

/**
 * The latest report of each automatic schedule, from the Scheduled Reports list, and a
 * way to open it as the Reports tab does (its HTML, or its PDF, in a new window). An
 * automatic schedule the partner deleted, or a list that cannot be read, shows nothing.
 */
export function useLatestReports() {
  const navigate = useNavigate();
  const files = useReportFiles();
  const [items, setItems] = useState<LatestReport[]>([]);
  const [opening, setOpening] = useState(false);
  const [failure, setFailure] = useState<FileFailure | null>(null);

  useEffect(() => {
    let live = true;
    void fetchSchedules().then((result) => {
      if (!live || !result.ok) return;
      const automatic = result.data.filter((schedule) => schedule.automatic);
      setItems(
        AUTOMATIC.flatMap((item) => {
          const schedule = automatic.find((candidate) => candidate.frequency === item.frequency);
          return schedule ? [{ ...item, reportId: schedule.lastReportId ?? null }] : [];
        }),
      );
    });
    return () => {
      live = false;
    };
  }, []);

  /** Opens the report; one still being made (or failed) is shown on the Reports page instead. */
  async function open(item: LatestReport) {
    if (item.reportId === null || opening || files.busy !== null) return;
    setOpening(true);
    setFailure(null);
    const result = await fetchReport(item.reportId);
    if (!result.ok) {
      setOpening(false);
      setFailure({ title: `The ${item.label.replace(/^Latest /, '')} could not be opened`, problem: result.problem });
      return;
    }
    const report = result.data;
    if (report.status !== 'ready' || viewFormat(report) === null) {
      void navigate('/reports');
      return;
    }
    await files.open(report);
    setOpening(false);
  }

  return { items, open, busy: opening || files.busy !== null, failure: failure ?? files.failure };
}
