import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { customRoleMe } from '../customers/fixtures';
import { formatDate, formatDateTime } from '../customers/labels';
import { formatDay } from './labels';
import { json, mockFetch, problem, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import {
  failedReport,
  finishedReport,
  processingReport,
  readyReport,
  reportPage,
  sampleReports,
} from './fixtures';
import type { Report } from './types';
import { REFRESH_MS } from './useProcessingRefresh';

const LIST = 'GET /api/v1/reports';

function renderReports(me: MeResponse = sampleMe, path = '/reports') {
  tokenStore.set(sampleToken);
  return renderApp(path, me);
}

function rows(): HTMLElement[] {
  return screen.getAllByTestId('report-row');
}

function row(id: string): HTMLElement {
  const found = rows().find((element) => element.dataset.reportId === id);
  if (!found) throw new Error(`No row for ${id}`);
  return found;
}

function requestsTo(requests: RecordedRequest[], method: string, path: string): RecordedRequest[] {
  return requests.filter((request) => request.method === method && request.path === path);
}

beforeEach(() => {
  tokenStore.clear();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Reports page', () => {
  it('lists the reports with the columns of Table 3-1, newest first', async () => {
    const { requests } = mockFetch({ [LIST]: () => json(200, reportPage(sampleReports)) });
    renderReports();

    const table = await screen.findByTestId('reports-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      '',
      'Status',
      'Report Name',
      'Format',
      'Report Type',
      'Requested Date',
    ]);
    expect(rows().map((element) => element.dataset.reportId)).toEqual(['rpt_3', 'rpt_2', 'rpt_1']);

    const cells = (id: string) => within(row(id)).getAllByRole('cell').slice(1).map((cell) => cell.textContent);
    expect(cells('rpt_3')).toEqual([
      'Processing',
      'March endpoints',
      'PDF, CSV',
      'Endpoint Summary',
      `${formatDateTime(processingReport.requestedAt)}expires ${formatDate(processingReport.expiresAt)}`,
    ]);
    expect(cells('rpt_2')).toEqual([
      'ReadyDownload PDFDownload HTML',
      'Acme quarterly',
      'PDF, HTML',
      'Customer Executive Summary',
      `${formatDateTime(readyReport.requestedAt)}expires ${formatDate(readyReport.expiresAt)}`,
    ]);
    expect(cells('rpt_1')?.slice(0, 4)).toEqual([
      'FailedThe report took too long to make. Try again.',
      'Old firewall history',
      'PDF',
      'Firewall History',
    ]);

    // Only a ready report's name opens it; the others are plain text.
    expect(within(row('rpt_2')).getByRole('button', { name: 'Acme quarterly' })).toBeInTheDocument();
    expect(within(row('rpt_3')).queryByRole('button', { name: 'March endpoints' })).not.toBeInTheDocument();
    expect(within(row('rpt_1')).queryByRole('button', { name: 'Old firewall history' })).not.toBeInTheDocument();
    expect(within(row('rpt_2')).getByRole('button', { name: 'Download Acme quarterly as PDF' })).toBeInTheDocument();

    expect(requestsTo(requests, 'GET', '/api/v1/reports').map((request) => Object.fromEntries(request.query))).toEqual([
      { limit: '25' },
    ]);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Reports' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('add-report')).toHaveAttribute('href', '/reports/new');
    expect(screen.getByTestId('report-customization-link')).toHaveAttribute('href', '/admin/report-customization');
    // The guide's three tabs, Reports shown.
    expect(screen.getAllByRole('tab').map((tab) => [tab.textContent, tab.getAttribute('aria-selected')])).toEqual([
      ['Reports', 'true'],
      ['Report Templates', 'false'],
      ['Scheduled Reports', 'false'],
    ]);
  });

  it('says which recipients its email left out because their address is suppressed', async () => {
    const emailed = { ...readyReport, notEmailed: ['gone@example.com'] };
    mockFetch({ [LIST]: () => json(200, reportPage([emailed, failedReport])) });
    renderReports();
    await screen.findAllByTestId('report-row');
    expect(within(row(readyReport.id)).getByTestId('report-not-emailed')).toHaveTextContent(
      'Not emailed to gone@example.com: the address bounced or marked mail as spam.',
    );
    expect(within(row(failedReport.id)).queryByTestId('report-not-emailed')).not.toBeInTheDocument();
  });

  it('opens a report’s HTML in a new window, or its PDF when it has no HTML', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const pdfOnly: Report = { ...readyReport, id: 'rpt_9', name: 'Only a PDF', formats: ['pdf'], files: [{ format: 'pdf', size: 10 }] };
    const { requests } = mockFetch({
      [LIST]: () => json(200, reportPage([readyReport, pdfOnly])),
      'GET /api/v1/reports/rpt_2/files/html': () =>
        json(200, { url: 'https://files.example/rpt_2.html?sig=a', expiresAt: '2026-03-10T10:05:00Z' }),
      'GET /api/v1/reports/rpt_9/files/pdf': () =>
        json(200, { url: 'https://files.example/rpt_9.pdf?sig=b', expiresAt: '2026-03-10T10:05:00Z' }),
    });
    const { user } = renderReports();
    await screen.findByTestId('reports-table');

    await user.click(within(row('rpt_2')).getByRole('button', { name: 'Acme quarterly' }));
    await waitFor(() => expect(open).toHaveBeenCalledWith('https://files.example/rpt_2.html?sig=a', '_blank', 'noopener'));
    await user.click(within(row('rpt_9')).getByRole('button', { name: 'Only a PDF' }));
    await waitFor(() => expect(open).toHaveBeenCalledWith('https://files.example/rpt_9.pdf?sig=b', '_blank', 'noopener'));
    expect(requests.filter((request) => request.path.includes('/files/')).map((request) => request.path)).toEqual([
      '/api/v1/reports/rpt_2/files/html',
      '/api/v1/reports/rpt_9/files/pdf',
    ]);
  });

  it('downloads a file through a short-lived link, and says when the link is refused', async () => {
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.href);
    });
    mockFetch({
      [LIST]: () => json(200, reportPage([readyReport])),
      'GET /api/v1/reports/rpt_2/files/pdf': () =>
        json(200, { url: 'https://files.example/rpt_2.pdf?sig=c', expiresAt: '2026-03-10T10:05:00Z' }),
      'GET /api/v1/reports/rpt_2/files/html': () =>
        problem(404, { title: 'Not Found', detail: 'The report’s files have expired.' }),
    });
    const { user } = renderReports();
    await screen.findByTestId('reports-table');

    await user.click(screen.getByRole('button', { name: 'Download Acme quarterly as PDF' }));
    await waitFor(() => expect(clicked).toEqual(['https://files.example/rpt_2.pdf?sig=c']));

    await user.click(screen.getByRole('button', { name: 'Download Acme quarterly as HTML' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The HTML of “Acme quarterly” could not be downloaded');
    expect(alert).toHaveTextContent('The report’s files have expired.');
    expect(clicked).toHaveLength(1);
  });

  it('deletes the selected reports after a confirmation', async () => {
    const { requests } = mockFetch({
      [LIST]: () => json(200, reportPage(sampleReports)),
      'DELETE /api/v1/reports/rpt_2': () => new Response(null, { status: 204 }),
      'DELETE /api/v1/reports/rpt_1': () => new Response(null, { status: 204 }),
    });
    const { user } = renderReports();
    await screen.findByTestId('reports-table');
    expect(screen.getByTestId('delete-reports')).toBeDisabled();

    await user.click(within(row('rpt_2')).getByRole('checkbox', { name: 'Select Acme quarterly' }));
    await user.click(within(row('rpt_1')).getByRole('checkbox', { name: 'Select Old firewall history' }));
    expect(screen.getByTestId('reports-selected')).toHaveTextContent('2 selected.');

    // Keep closes the dialog and deletes nothing.
    await user.click(screen.getByTestId('delete-reports'));
    let dialog = screen.getByRole('dialog', { name: 'Delete 2 reports?' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(requests.filter((request) => request.method === 'DELETE')).toEqual([]);

    await user.click(screen.getByTestId('delete-reports'));
    dialog = screen.getByRole('dialog', { name: 'Delete 2 reports?' });
    expect(dialog).toHaveTextContent('The reports and their files are deleted. This cannot be undone.');
    await user.click(within(dialog).getByTestId('delete-reports-confirm'));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(requests.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual([
      '/api/v1/reports/rpt_2',
      '/api/v1/reports/rpt_1',
    ]);
    expect(rows().map((element) => element.dataset.reportId)).toEqual(['rpt_3']);
    expect(screen.getByText('2 reports deleted.')).toBeInTheDocument();
    expect(screen.getByTestId('delete-reports')).toBeDisabled();
  });

  it('keeps the reports that could not be deleted, selected, and says why', async () => {
    mockFetch({
      [LIST]: () => json(200, reportPage(sampleReports)),
      'DELETE /api/v1/reports/rpt_3': () => new Response(null, { status: 204 }),
      'DELETE /api/v1/reports/rpt_2': () => problem(403, { title: 'Forbidden', detail: 'Your role cannot delete this report.' }),
    });
    const { user } = renderReports();
    await screen.findByTestId('reports-table');
    await user.click(screen.getByTestId('reports-select-all'));
    await user.click(screen.getByTestId('delete-reports'));
    const dialog = screen.getByRole('dialog', { name: 'Delete 3 reports?' });
    await user.click(within(dialog).getByTestId('delete-reports-confirm'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Not every report could be deleted');
    expect(alert).toHaveTextContent('Your role cannot delete this report.');
    // The first was deleted before the refusal; the refused one and the rest stay.
    expect(rows().map((element) => element.dataset.reportId)).toEqual(['rpt_2', 'rpt_1']);
    expect(screen.getByTestId('reports-selected')).toHaveTextContent('2 selected.');
  });

  it('asks again for a Processing report every few seconds until it is ready, then stops', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    let answers = 0;
    const { requests } = mockFetch({
      [LIST]: () => json(200, reportPage([processingReport, readyReport])),
      'GET /api/v1/reports/rpt_3': () => {
        answers += 1;
        return json(200, answers < 2 ? processingReport : finishedReport);
      },
    });
    renderReports();
    await screen.findByTestId('reports-table');
    expect(row('rpt_3')).toHaveAttribute('data-status', 'processing');
    const polls = () => requestsTo(requests, 'GET', '/api/v1/reports/rpt_3').length;
    expect(polls()).toBe(0);

    await act(() => vi.advanceTimersByTimeAsync(REFRESH_MS));
    await waitFor(() => expect(polls()).toBe(1));
    expect(row('rpt_3')).toHaveAttribute('data-status', 'processing');

    await act(() => vi.advanceTimersByTimeAsync(REFRESH_MS));
    await waitFor(() => expect(row('rpt_3')).toHaveAttribute('data-status', 'ready'));
    expect(within(row('rpt_3')).getByRole('button', { name: 'Download March endpoints as CSV' })).toBeInTheDocument();
    expect(within(row('rpt_3')).getByRole('button', { name: 'March endpoints' })).toBeInTheDocument();

    // Nothing is Processing any more: no further requests.
    await act(() => vi.advanceTimersByTimeAsync(REFRESH_MS * 3));
    expect(polls()).toBe(2);
    // Only the Processing report was asked for; the ready one was not.
    expect(requestsTo(requests, 'GET', '/api/v1/reports/rpt_2')).toEqual([]);
    expect(requestsTo(requests, 'GET', '/api/v1/reports')).toHaveLength(1);
  });

  it('stops asking when the page is left', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    const { requests } = mockFetch({
      [LIST]: () => json(200, reportPage([processingReport])),
      'GET /api/v1/reports/rpt_3': () => json(200, processingReport),
    });
    const { unmount } = renderReports();
    await screen.findByTestId('reports-table');
    unmount();
    await act(() => vi.advanceTimersByTimeAsync(REFRESH_MS * 3));
    expect(requestsTo(requests, 'GET', '/api/v1/reports/rpt_3')).toEqual([]);
  });

  it('drops a Processing report deleted elsewhere', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout'] });
    mockFetch({
      [LIST]: () => json(200, reportPage([processingReport, readyReport])),
      'GET /api/v1/reports/rpt_3': () => problem(404, { title: 'Not Found' }),
    });
    renderReports();
    await screen.findByTestId('reports-table');
    await act(() => vi.advanceTimersByTimeAsync(REFRESH_MS));
    await waitFor(() => expect(rows().map((element) => element.dataset.reportId)).toEqual(['rpt_2']));
  });

  it('pages with the cursor and offers Try again when the list cannot be loaded', async () => {
    let fail = true;
    const { requests } = mockFetch({
      [LIST]: (request) => {
        if (fail) return problem(503, { title: 'Service Unavailable', detail: 'Try again in a moment.' });
        return request.query.get('cursor') === 'c2'
          ? json(200, reportPage([failedReport]))
          : json(200, reportPage([processingReport, readyReport], 'c2'));
      },
      'GET /api/v1/reports/rpt_3': () => json(200, processingReport),
    });
    const { user } = renderReports();
    expect(await screen.findByRole('alert')).toHaveTextContent('The reports could not be loaded');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('reports-table');
    expect(rows()).toHaveLength(2);

    await user.click(screen.getByTestId('reports-more'));
    await waitFor(() => expect(rows().map((element) => element.dataset.reportId)).toEqual(['rpt_3', 'rpt_2', 'rpt_1']));
    expect(screen.queryByTestId('reports-more')).not.toBeInTheDocument();
    expect(
      requestsTo(requests, 'GET', '/api/v1/reports')
        .slice(1)
        .map((request) => Object.fromEntries(request.query)),
    ).toEqual([{ limit: '25' }, { limit: '25', cursor: 'c2' }]);
  });

  it('is open to every role, without the Report Customization link for a custom role', async () => {
    mockFetch({ [LIST]: () => json(200, reportPage([])) });
    renderReports(customRoleMe);
    expect(await screen.findByTestId('reports-empty')).toHaveTextContent('No reports yet.');
    expect(screen.queryByTestId('report-customization-link')).not.toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Reports' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Report Customization' })).not.toBeInTheDocument();
  });
});

describe('Reports page, opened from a report email (?report=)', () => {
  const scrollIntoView = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollIntoView');
  let scroll: ReturnType<typeof vi.fn<(arg?: boolean | ScrollIntoViewOptions) => void>>;

  beforeEach(() => {
    scroll = vi.fn<(arg?: boolean | ScrollIntoViewOptions) => void>();
    Element.prototype.scrollIntoView = scroll;
  });

  afterEach(() => {
    if (scrollIntoView) Object.defineProperty(Element.prototype, 'scrollIntoView', scrollIntoView);
    else delete (Element.prototype as Partial<Element>).scrollIntoView;
  });

  const olderReport: Report = {
    ...readyReport,
    id: 'rpt_old',
    name: 'January summary',
    options: { period: { kind: 'days', from: '2026-01-01', to: '2026-01-31' }, customers: ['cus_1'] },
  };

  it('shows the Reports tab and marks the linked report’s row, scrolled into view', async () => {
    const { requests } = mockFetch({ [LIST]: () => json(200, reportPage(sampleReports)) });
    renderReports(sampleMe, '/reports?tab=schedules&report=rpt_2');

    await screen.findByTestId('reports-table');
    expect(screen.getByRole('tab', { name: 'Reports' })).toHaveAttribute('aria-selected', 'true');
    expect(row('rpt_2')).toHaveAttribute('aria-current', 'true');
    expect(row('rpt_2')).toHaveClass('reports-table__row--linked');
    for (const id of ['rpt_3', 'rpt_1']) {
      expect(row(id)).not.toHaveAttribute('aria-current');
      expect(row(id)).not.toHaveClass('reports-table__row--linked');
    }
    await waitFor(() => expect(scroll).toHaveBeenCalledTimes(1));
    expect(scroll.mock.contexts[0]).toBe(row('rpt_2'));
    // Listed on the first page: not read again, no panel.
    expect(requestsTo(requests, 'GET', '/api/v1/reports/rpt_2')).toEqual([]);
    expect(screen.queryByTestId('linked-report')).not.toBeInTheDocument();
  });

  it('reads a report not on the first page and shows it above the table, with its files', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.href);
    });
    const { requests } = mockFetch({
      [LIST]: () => json(200, reportPage(sampleReports, 'c2')),
      'GET /api/v1/reports/rpt_old': () => json(200, olderReport),
      'GET /api/v1/reports/rpt_old/files/html': () =>
        json(200, { url: 'https://files.example/rpt_old.html?sig=a', expiresAt: '2026-03-10T10:05:00Z' }),
      'GET /api/v1/reports/rpt_old/files/pdf': () =>
        json(200, { url: 'https://files.example/rpt_old.pdf?sig=b', expiresAt: '2026-03-10T10:05:00Z' }),
    });
    const { user } = renderReports(sampleMe, '/reports?report=rpt_old');

    const panel = await screen.findByTestId('linked-report');
    expect(within(panel).getByRole('heading', { name: 'Linked report' })).toBeInTheDocument();
    await within(panel).findByRole('button', { name: 'January summary' });
    expect(within(panel).getByTestId('linked-report-status')).toHaveTextContent('ReadyDownload PDFDownload HTML');
    expect(panel).toHaveTextContent('Customer Executive Summary');
    expect(panel).toHaveTextContent(`${formatDay('2026-01-01')} to ${formatDay('2026-01-31')}`);
    expect(rows().map((element) => element.dataset.reportId)).toEqual(['rpt_3', 'rpt_2', 'rpt_1']);
    expect(rows().filter((element) => element.hasAttribute('aria-current'))).toEqual([]);
    expect(requestsTo(requests, 'GET', '/api/v1/reports/rpt_old')).toHaveLength(1);

    await user.click(within(panel).getByRole('button', { name: 'January summary' }));
    await waitFor(() => expect(open).toHaveBeenCalledWith('https://files.example/rpt_old.html?sig=a', '_blank', 'noopener'));
    await user.click(within(panel).getByRole('button', { name: 'Download January summary as PDF' }));
    await waitFor(() => expect(clicked).toEqual(['https://files.example/rpt_old.pdf?sig=b']));
  });

  it('says so when the linked report is gone or not the user’s to see', async () => {
    mockFetch({
      [LIST]: () => json(200, reportPage(sampleReports)),
      'GET /api/v1/reports/rpt_gone': () => problem(404, { title: 'Not Found' }),
    });
    renderReports(sampleMe, '/reports?report=rpt_gone');

    const panel = await screen.findByTestId('linked-report');
    expect(await within(panel).findByTestId('linked-report-gone')).toHaveTextContent(
      'This report is no longer available, or you may not see it.',
    );
    expect(rows()).toHaveLength(3);
    expect(scroll).not.toHaveBeenCalled();
  });
});
