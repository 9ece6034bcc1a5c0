import { useState } from 'react';
import { followDownloadLink } from '../activity/saveBlob';
import type { Problem } from '../api/problem';
import { fetchReportFile } from './api';
import { FORMAT_LABELS } from './labels';
import type { Format, Report } from './types';

/** The file a report's name opens: its HTML, or its PDF when it has no HTML. */
export function viewFormat(report: Report): Format | null {
  const formats = report.files.map((file) => file.format);
  if (formats.includes('html')) return 'html';
  if (formats.includes('pdf')) return 'pdf';
  return formats[0] ?? null;
}

export interface FileFailure {
  title: string;
  problem: Problem;
}

/**
 * Opening and downloading a ready report's files. Each asks the API for a short-lived
 * link first, so a link is never kept in the page after it expires.
 */
export function useReportFiles() {
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<FileFailure | null>(null);

  async function withLink(report: Report, format: Format, title: string, follow: (url: string) => void) {
    if (busy !== null) return;
    setBusy(`${report.id}/${format}`);
    setFailure(null);
    const result = await fetchReportFile(report.id, format);
    setBusy(null);
    if (result.ok) follow(result.data.url);
    else setFailure({ title, problem: result.problem });
  }

  /** Opens the report in a new window (the guide: clicking the name). */
  function open(report: Report) {
    const format = viewFormat(report);
    if (format === null) return Promise.resolve();
    return withLink(report, format, `“${report.name}” could not be opened`, (url) => {
      window.open(url, '_blank', 'noopener');
    });
  }

  function download(report: Report, format: Format) {
    return withLink(report, format, `The ${FORMAT_LABELS[format]} of “${report.name}” could not be downloaded`, (url) =>
      followDownloadLink(url),
    );
  }

  return { open, download, busy, failure };
}
