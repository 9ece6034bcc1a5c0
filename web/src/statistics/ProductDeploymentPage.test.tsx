import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { exspMe, sampleRows } from '../customers/fixtures';
import { captureDownloads } from '../test/downloads';
import { json, mockFetch, problem, type RecordedRequest } from '../test/fetchMock';
import { processingReport } from '../reports/fixtures';
import type { ReportRequest } from '../reports/types';
import { emptyDeploymentStatistics, moreOffline, sampleDeploymentStatistics, sampleOffline } from './fixtures';
import { blobText, renderAt } from './testing';

const STATS = 'GET /api/v1/statistics/deployment';
const OFFLINE = 'GET /api/v1/statistics/offline-computers';
const CUSTOMERS = 'GET /api/v1/customers';

function queries(requests: RecordedRequest[], route: string): Record<string, string>[] {
  return requests
    .filter((request) => `${request.method} ${request.path}` === route)
    .map((request) => Object.fromEntries(request.query));
}

function routes(extra: Parameters<typeof mockFetch>[0] = {}) {
  return mockFetch({
    [STATS]: (request) => json(200, { ...sampleDeploymentStatistics, range: request.query.get('range') ?? '7d' }),
    [OFFLINE]: (request) =>
      request.query.get('cursor') === 'next-1'
        ? json(200, { items: moreOffline, nextCursor: null })
        : json(200, { items: sampleOffline, nextCursor: 'next-1' }),
    [CUSTOMERS]: () => json(200, { items: sampleRows }),
    ...extra,
  });
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Product Deployment page', () => {
  it('shows the products deployed and the operating systems', async () => {
    const { requests } = routes();
    renderAt('/statistics/deployment', exspMe);
    expect(await screen.findByTestId('deployed-total')).toHaveTextContent('142');
    expect(screen.getByTestId('deployed-installed')).toHaveTextContent('12');
    expect(screen.getByTestId('deployed-removed')).toHaveTextContent('3');
    expect(within(screen.getByTestId('deployed-chart')).getByRole('img')).toHaveAccessibleName(
      expect.stringContaining('Computers deployed from 133 to 139, highest 139') as string,
    );
    expect(within(screen.getByTestId('installs-chart')).getByRole('img')).toHaveAccessibleName(
      expect.stringContaining('Installed 12, Removed 3') as string,
    );
    const os = screen.getByRole('list', { name: 'Computers deployed by operating system' });
    expect(within(os).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Windows70%100',
      'Windows Server14%20',
      'Mac11%15',
      'Linux5%7',
    ]);
    expect(screen.getByTestId('sync-delay-note')).toBeInTheDocument();
    expect(queries(requests, STATS)).toEqual([{ range: '7d' }]);
    expect(queries(requests, OFFLINE)).toEqual([{ range: '7d', limit: '50' }]);
  });

  it('lists offline computers page by page, with Manage only when manageable', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { requests } = routes({
      'POST /api/v1/customers/cus_1/manage': () =>
        json(201, { token: 'tok', customerId: 'cus_1', expiresAt: '2026-03-10T10:30:00Z' }),
    });
    const { user } = renderAt('/statistics/deployment?range=30d&customer=cus_1', exspMe);
    const section = await screen.findByTestId('offline-computers');
    expect(within(section).getByTestId('offline-count')).toHaveTextContent('3');
    const table = await within(section).findByTestId('offline-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Customer',
      'Computer',
      'OS',
      'Group',
      'Agent version',
      'Last seen',
    ]);
    let rows = within(table).getAllByTestId('offline-row');
    expect(rows.map((row) => within(row).getAllByRole('cell').slice(1, 5).map((cell) => cell.textContent))).toEqual([
      ['RECEPTION-PC', 'Windows 11', 'Default', '22.1.4'],
      ['TILL-2', 'Windows 10', 'Shop', '21.9.0'],
    ]);
    expect(within(rows[0] as HTMLElement).getByRole('button', { name: 'Manage Acme Dental' })).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).queryByRole('button')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('offline-load-more'));
    await waitFor(() => expect(within(table).getAllByTestId('offline-row')).toHaveLength(3));
    expect(screen.queryByTestId('offline-load-more')).not.toBeInTheDocument();
    expect(queries(requests, OFFLINE)).toEqual([
      { range: '30d', customer: 'cus_1', limit: '50' },
      { range: '30d', customer: 'cus_1', limit: '50', cursor: 'next-1' },
    ]);

    rows = within(table).getAllByTestId('offline-row');
    await user.click(within(rows[2] as HTMLElement).getByRole('button', { name: 'Manage Acme Dental' }));
    await waitFor(() => expect(open).toHaveBeenCalledWith('/manage/cus_1#delegation=tok', '_blank', 'noopener'));
  });

  it('exports the offline computers as CSV from the server, with the same filters', async () => {
    const downloads = captureDownloads();
    try {
      const csv = 'Customer,Computer\r\nAcme Dental,RECEPTION-PC\r\n';
      const { requests } = routes({
        [OFFLINE]: (request) =>
          request.query.get('format') === 'csv'
            ? new Response(csv, { status: 200, headers: { 'Content-Type': 'text/csv' } })
            : json(200, { items: sampleOffline, nextCursor: null }),
      });
      const { user } = renderAt('/statistics/deployment?range=3m&customer=cus_2', exspMe);
      await screen.findByTestId('offline-table');
      await user.click(screen.getByTestId('offline-csv'));
      await waitFor(() => expect(downloads.names).toEqual(['offline-computers.csv']));
      const download = requests.find((request) => request.query.get('format') === 'csv');
      expect(Object.fromEntries(download?.query ?? [])).toEqual({ range: '3m', customer: 'cus_2', format: 'csv' });
      expect(download?.headers.get('Accept')).toBe('text/csv');
      await expect(blobText(downloads.blobs[0])).resolves.toBe(csv);

      await user.click(screen.getByTestId('os-csv'));
      expect(downloads.names.at(-1)).toBe('computers-by-os-3m-bright-bakery.csv');
      await expect(blobText(downloads.blobs[1])).resolves.toBe(
        'Operating system,Computers\r\nWindows,100\r\nWindows Server,20\r\nMac,15\r\nLinux,7\r\n',
      );
    } finally {
      downloads.restore();
    }
  });

  it('says when no computers report yet', async () => {
    routes({
      [STATS]: () => json(200, emptyDeploymentStatistics),
      [OFFLINE]: () => json(200, { items: [], nextCursor: null }),
    });
    renderAt('/statistics/deployment', exspMe);
    expect(await screen.findByTestId('no-computers')).toHaveTextContent('No computers report yet.');
    expect(screen.queryByTestId('products-deployed')).not.toBeInTheDocument();
    expect(await screen.findByText('No computers are offline in this period.')).toBeInTheDocument();
  });

  it('goes to the offline computers from the Home link', async () => {
    const scroll = vi.fn();
    Element.prototype.scrollIntoView = scroll;
    routes();
    renderAt('/statistics/deployment#offline', exspMe);
    await screen.findByTestId('offline-table');
    await waitFor(() => expect(screen.getByTestId('offline-computers')).toHaveFocus());
    expect(scroll).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('offline-computers')).toHaveAttribute('id', 'offline');
  });

  it('shows failures of the offline list and the CSV', async () => {
    const downloads = captureDownloads();
    try {
      routes({
        [OFFLINE]: (request) =>
          request.query.get('format') === 'csv'
            ? problem(429, { title: 'Too many requests' }, { 'Retry-After': '30' })
            : problem(500, { title: 'Internal error' }),
      });
      const { user } = renderAt('/statistics/deployment', exspMe);
      expect(await screen.findByText('The offline computers could not be loaded')).toBeInTheDocument();
      await user.click(screen.getByTestId('offline-csv'));
      expect(await screen.findByText('The CSV could not be downloaded')).toBeInTheDocument();
      expect(downloads.names).toEqual([]);
    } finally {
      downloads.restore();
    }
  });

  it('skips pages left empty by customers the user may not see', async () => {
    const { requests } = routes({
      [OFFLINE]: (request) =>
        request.query.get('cursor') === 'next-1'
          ? json(200, { items: moreOffline, nextCursor: null })
          : json(200, { items: [], nextCursor: 'next-1' }),
    });
    renderAt('/statistics/deployment', exspMe);
    const table = await screen.findByTestId('offline-table');
    expect(within(table).getAllByTestId('offline-row')).toHaveLength(1);
    expect(screen.queryByTestId('offline-load-more')).not.toBeInTheDocument();
    expect(queries(requests, OFFLINE).map((query) => query.cursor ?? null)).toEqual([null, 'next-1']);
  });

  it('asks for a Product Deployment Summary PDF of the range shown, for all customers', async () => {
    const { requests } = routes({
      'POST /api/v1/reports': (request) =>
        json(202, { ...processingReport, id: 'rpt_pdf', ...(request.body as ReportRequest) }),
    });
    const { user } = renderAt('/statistics/deployment?range=3m', exspMe);
    await screen.findByTestId('deployed-total');
    await user.click(screen.getByRole('button', { name: 'Generate PDF report' }));
    expect(await screen.findByTestId('pdf-report-requested')).toHaveTextContent(
      '“Product Deployment – Last 3 months” is being made.',
    );
    expect(requests.filter((request) => request.method === 'POST').map((request) => request.body)).toEqual([
      {
        name: 'Product Deployment – Last 3 months',
        type: 'productDeploymentSummary',
        formats: ['pdf'],
        options: { period: { kind: 'last', range: '3m' }, customers: [], allCustomers: true },
      },
    ]);
  });

  it('asks for the one customer the page is filtered to', async () => {
    const { requests } = routes({
      'POST /api/v1/reports': (request) =>
        json(202, { ...processingReport, id: 'rpt_pdf', ...(request.body as ReportRequest) }),
    });
    const { user } = renderAt('/statistics/deployment?range=7d&customer=cus_2', exspMe);
    await screen.findByTestId('deployed-total');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Customer' })).toHaveDisplayValue('Bright Bakery'));
    await user.click(screen.getByRole('button', { name: 'Generate PDF report' }));
    await screen.findByTestId('pdf-report-requested');
    const body = requests.find((request) => request.method === 'POST')?.body as ReportRequest;
    expect(body.type).toBe('productDeploymentSummary');
    expect(body.name).toBe('Product Deployment – Bright Bakery – Last 7 days');
    expect(body.options).toEqual({ period: { kind: 'last', range: '7d' }, customers: ['cus_2'] });
  });
});

