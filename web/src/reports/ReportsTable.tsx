import { useEffect, useRef } from 'react';
import { SelectAll } from '../components/SelectAll';
import { formatDate, formatDateTime } from '../customers/labels';
import { FORMAT_LABELS, formatSize, inFormatOrder, reportTypeTitle, STATUS_LABELS } from './labels';
import type { Format, Report } from './types';
import { viewFormat } from './useReportFiles';

interface ReportsTableProps {
  reports: readonly Report[];
  selected: ReadonlySet<string>;
  onSelect: (id: string, on: boolean) => void;
  onSelectAll: (on: boolean) => void;
  onOpen: (report: Report) => void;
  onDownload: (report: Report, format: Format) => void;
  /** `reportId/format` of the file whose link is being fetched. */
  busy: string | null;
  /** The report a link names (`?report=`): its row is marked and scrolled into view. */
  highlighted?: string | null;
}

/**
 * The report's name: a button that opens it in a new window when it is ready in a format
 * the browser shows, plain text otherwise. `testId` names the button (`<testId>-open`) or
 * the text (`<testId>-name`).
 */
export function ReportName({
  report,
  onOpen,
  busy,
  testId,
}: Pick<ReportsTableProps, 'onOpen' | 'busy'> & { report: Report; testId: string }) {
  const opens = report.status === 'ready' && viewFormat(report) !== null;
  return opens ? (
    <button
      type="button"
      className="link-button"
      onClick={() => onOpen(report)}
      disabled={busy !== null}
      title="Opens the report in a new window"
      data-testid={`${testId}-open`}
    >
      {report.name}
    </button>
  ) : (
    <span data-testid={`${testId}-name`}>{report.name}</span>
  );
}

/** The Status column: Processing, Ready with a download per file, or Failed with the reason. */
export function StatusCell({ report, onDownload, busy }: Pick<ReportsTableProps, 'onDownload' | 'busy'> & { report: Report }) {
  if (report.status === 'processing') {
    return (
      <span className="report-status report-status--processing">
        <span className="report-status__spinner" aria-hidden="true" />
        {STATUS_LABELS.processing}
      </span>
    );
  }
  if (report.status === 'failed') {
    return (
      <>
        <span className="status status--report-failed">{STATUS_LABELS.failed}</span>
        <span className="table__secondary" data-testid="report-failure">
          {report.failure ?? 'The report could not be made.'}
        </span>
      </>
    );
  }
  const files = inFormatOrder(report.files.map((file) => file.format));
  return (
    <>
      <span className="status status--report-ready">{STATUS_LABELS.ready}</span>
      <span className="report-downloads">
        {files.map((format) => {
          const file = report.files.find((candidate) => candidate.format === format);
          return (
            <button
              key={format}
              type="button"
              className="link-button"
              onClick={() => onDownload(report, format)}
              disabled={busy !== null}
              aria-label={`Download ${report.name} as ${FORMAT_LABELS[format]}`}
              title={file ? formatSize(file.size) : undefined}
              data-testid={`report-download-${format}`}
            >
              {busy === `${report.id}/${format}` ? 'Downloading…' : `Download ${FORMAT_LABELS[format]}`}
            </button>
          );
        })}
      </span>
      {report.notEmailed && report.notEmailed.length > 0 ? (
        <span className="table__secondary" data-testid="report-not-emailed">
          Not emailed to {report.notEmailed.join(', ')}: the address bounced or marked mail as spam.
        </span>
      ) : null}
    </>
  );
}

/** The guide's Table 3-1: check box, Status, Report Name, Format, Report Type and Requested Date. */
export function ReportsTable({
  reports,
  selected,
  onSelect,
  onSelectAll,
  onOpen,
  onDownload,
  busy,
  highlighted = null,
}: ReportsTableProps) {
  const selectedCount = reports.filter((report) => selected.has(report.id)).length;
  const highlightedRow = useRef<HTMLTableRowElement>(null);
  const highlightedShown = highlighted !== null && reports.some((report) => report.id === highlighted);
  // Scrolled to once, when the linked report's row first appears.
  useEffect(() => {
    const row = highlightedRow.current;
    if (highlightedShown && row && typeof row.scrollIntoView === 'function') row.scrollIntoView({ block: 'center' });
  }, [highlightedShown]);
  return (
    <div className="table-scroll">
      <table className="table reports-table" data-testid="reports-table">
        <caption className="visually-hidden">Reports</caption>
        <thead>
          <tr>
            <th scope="col" className="reports-table__check">
              <SelectAll
                total={reports.length}
                selected={selectedCount}
                onChange={onSelectAll}
                label="Select all reports on this page"
                testId="reports-select-all"
              />
            </th>
            <th scope="col">Status</th>
            <th scope="col">Report Name</th>
            <th scope="col">Format</th>
            <th scope="col">Report Type</th>
            <th scope="col">Requested Date</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((report) => {
            const linked = report.id === highlighted;
            return (
              <tr
                key={report.id}
                ref={linked ? highlightedRow : undefined}
                className={linked ? 'reports-table__row--linked' : undefined}
                aria-current={linked ? 'true' : undefined}
                data-testid="report-row"
                data-report-id={report.id}
                data-status={report.status}
              >
                <td className="reports-table__check">
                  <input
                    type="checkbox"
                    className="checkbox__input"
                    checked={selected.has(report.id)}
                    onChange={(event) => onSelect(report.id, event.target.checked)}
                    aria-label={`Select ${report.name}`}
                    data-testid="report-select"
                  />
                </td>
                <td className="reports-table__status" data-testid="report-status">
                  <StatusCell report={report} onDownload={onDownload} busy={busy} />
                </td>
                <td className="table__primary">
                  <ReportName report={report} onOpen={onOpen} busy={busy} testId="report" />
                </td>
                <td>{inFormatOrder(report.formats).map((format) => FORMAT_LABELS[format]).join(', ')}</td>
                <td>{reportTypeTitle(report.type)}</td>
                <td className="reports-table__time">
                  <time dateTime={report.requestedAt}>{formatDateTime(report.requestedAt)}</time>
                  <small className="table__secondary">
                    expires <time dateTime={report.expiresAt}>{formatDate(report.expiresAt)}</time>
                  </small>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
