import type { Problem } from '../api/problem';
import { ProblemAlert } from '../customers/problems';
import { periodLabel, reportTypeTitle } from './labels';
import { ReportName, StatusCell } from './ReportsTable';
import type { Format, Report } from './types';

/** The report a link names, read on its own when it is not on the listing's first page. */
export type LinkedReportState =
  | { status: 'loading' }
  | { status: 'loaded'; report: Report }
  | { status: 'failed'; problem: Problem };

interface LinkedReportProps {
  state: LinkedReportState;
  onOpen: (report: Report) => void;
  onDownload: (report: Report, format: Format) => void;
  /** `reportId/format` of the file whose link is being fetched. */
  busy: string | null;
}

/** The "Linked report" panel above the table: the report with its file actions, or why it cannot be shown. */
export function LinkedReport({ state, onOpen, onDownload, busy }: LinkedReportProps) {
  return (
    <section className="linked-report" aria-labelledby="linked-report-heading" data-testid="linked-report">
      <h3 id="linked-report-heading" className="linked-report__title">
        Linked report
      </h3>
      {state.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading the report…
        </p>
      ) : null}
      {state.status === 'failed' && state.problem.status === 404 ? (
        <p className="panel__note" data-testid="linked-report-gone">
          This report is no longer available, or you may not see it.
        </p>
      ) : null}
      {state.status === 'failed' && state.problem.status !== 404 ? (
        <ProblemAlert title="The linked report could not be loaded" problem={state.problem} />
      ) : null}
      {state.status === 'loaded' ? (
        <LinkedReportDetails report={state.report} onOpen={onOpen} onDownload={onDownload} busy={busy} />
      ) : null}
    </section>
  );
}

function LinkedReportDetails({ report, onOpen, onDownload, busy }: Omit<LinkedReportProps, 'state'> & { report: Report }) {
  return (
    <dl className="details details--compact" data-report-id={report.id}>
      <div className="details__row">
        <dt>Name</dt>
        <dd>
          <ReportName report={report} onOpen={onOpen} busy={busy} testId="linked-report" />
        </dd>
      </div>
      <div className="details__row">
        <dt>Status</dt>
        <dd className="linked-report__status" data-testid="linked-report-status">
          <StatusCell report={report} onDownload={onDownload} busy={busy} />
        </dd>
      </div>
      <div className="details__row">
        <dt>Report Type</dt>
        <dd>{reportTypeTitle(report.type)}</dd>
      </div>
      <div className="details__row">
        <dt>Period</dt>
        <dd>{periodLabel(report.options.period)}</dd>
      </div>
    </dl>
  );
}
