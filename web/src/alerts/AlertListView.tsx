import { CopyButton } from '../components/CopyButton';
import { formatDateTime } from '../customers/labels';
import { ALERT_STATUS_LABELS, alertKindLabel, SERVICE_LABELS, SEVERITY_LABELS } from './labels';
import type { Alert } from './types';

interface Column {
  header: string;
  value: (alert: Alert) => string;
  className?: string;
}

/** Every column of an alert, for the plain table and its copy. */
const COLUMNS: readonly Column[] = [
  { header: 'Severity', value: (alert) => SEVERITY_LABELS[alert.severity] ?? alert.severity },
  { header: 'Delivered to', value: (alert) => alert.customerName ?? '—' },
  { header: 'Subject', value: (alert) => alert.subject },
  { header: 'Date and Time', value: (alert) => formatDateTime(alert.raisedAt) },
  { header: 'Alert type', value: (alert) => alertKindLabel(alert.kind) },
  { header: 'Service', value: (alert) => SERVICE_LABELS[alert.service] ?? alert.service },
  { header: 'Computer', value: (alert) => alert.computer ?? '' },
  { header: 'User', value: (alert) => alert.userName ?? '' },
  { header: 'Status', value: (alert) => ALERT_STATUS_LABELS[alert.status] ?? alert.status },
  { header: 'Occurrences', value: (alert) => String(alert.occurrences) },
  { header: 'Updated', value: (alert) => formatDateTime(alert.updatedAt) },
  { header: 'Body', value: (alert) => alert.body, className: 'alerts-plain__body' },
];

/**
 * A cell of tab-separated text as spreadsheets read it from the clipboard: a cell with
 * a tab, a line break or a quote is quoted, and one a spreadsheet would run as a
 * formula is prefixed with ' (as the CSV exports do).
 */
export function tsvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /["\t\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The alerts as tab-separated text with a header row, for "Copy table". */
export function alertsTsv(alerts: readonly Alert[]): string {
  const lines = [COLUMNS.map((column) => tsvField(column.header)).join('\t')];
  for (const alert of alerts) lines.push(COLUMNS.map((column) => tsvField(column.value(alert))).join('\t'));
  return `${lines.join('\r\n')}\r\n`;
}

/** The list view: the alerts shown as a plain table, to select and paste into a spreadsheet, or to copy at once. */
export function AlertListView({ alerts }: { alerts: readonly Alert[] }) {
  return (
    <>
      <div className="alerts-selection">
        <p className="panel__note">A plain table of the alerts shown, to paste into a spreadsheet.</p>
        <CopyButton text={alertsTsv(alerts)} what="table" testId="alerts-copy-table" />
      </div>
      <div className="table-scroll">
        <table className="table table--compact alerts-plain" data-testid="alerts-list-view">
          <caption className="visually-hidden">Alerts</caption>
          <thead>
            <tr>
              {COLUMNS.map((column) => (
                <th key={column.header} scope="col">
                  {column.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert) => (
              <tr key={alert.id}>
                {COLUMNS.map((column) => (
                  <td key={column.header} className={column.className}>
                    {column.value(alert)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
