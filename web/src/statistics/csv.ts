import { saveBlob } from '../activity/saveBlob';

/**
 * CSV built in the browser from the rows a page shows (for the aggregated tables),
 * written the way the server writes its exports: RFC 4180 quoting, CRLF line ends,
 * and cells that a spreadsheet would run as a formula prefixed with '.
 */

export function csvField(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
}

export function toCsv<T>(rows: readonly T[], columns: ReadonlyArray<CsvColumn<T>>): string {
  const lines = [columns.map((column) => csvField(column.header)).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvField(column.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Saves rows as a CSV file. */
export function downloadCsv<T>(filename: string, rows: readonly T[], columns: ReadonlyArray<CsvColumn<T>>): void {
  saveBlob(new Blob([toCsv(rows, columns)], { type: 'text/csv;charset=utf-8' }), filename);
}

function slug(value: string): string {
  return value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** "top-risks-7d.csv", "top-risks-7d-acme-dental.csv": what, for which range and customer, safe as a file name. */
export function csvFilename(what: string, range: string, customerName?: string | null): string {
  const parts = [what, range, customerName ?? ''].map(slug).filter(Boolean);
  return `${parts.join('-') || 'export'}.csv`;
}
