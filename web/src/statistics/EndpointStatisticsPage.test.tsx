import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { exspMe, sampleRows } from '../customers/fixtures';
import { captureDownloads } from '../test/downloads';
import { json, mockFetch, problem, type RecordedRequest } from '../test/fetchMock';
import { processingReport } from '../reports/fixtures';
import type { ReportRequest } from '../reports/types';
import { sampleEndpointStatistics } from './fixtures';
import { blobText, renderAt } from './testing';

const STATS = 'GET /api/v1/statistics/endpoint';
const CUSTOMERS = 'GET /api/v1/customers';

function statsQueries(requests: RecordedRequest[]): Record<string, string>[] {
  return requests
    .filter((request) => `${request.method} ${request.path}` === STATS)
    .map((request) => Object.fromEntries(request.query));
}

function routes(extra: Parameters<typeof mockFetch>[0] = {}) {
  return mockFetch({
    [STATS]: (request) => json(200, { ...sampleEndpointStatistics, range: request.query.get('range') ?? '7d' }),
    [CUSTOMERS]: () => json(200, { items: sampleRows }),
    ...extra,
  });
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Endpoint Statistics page', () => {
  it('shows risk detections and intrusion detection for the default range', async () => {
    const { requests } = routes();
    renderAt('/statistics/endpoint', exspMe);

    expect(await screen.findByTestId('risks-total')).toHaveTextContent('57');
    expect(screen.getByRole('heading', { name: 'Endpoint Statistics', level: 1 })).toBeInTheDocument();
    expect(screen.getByTestId('sync-delay-note')).toHaveTextContent('There may be a short delay before the latest information appears');
    expect(screen.getByTestId('risks-blocked')).toHaveTextContent('40');
    expect(screen.getByTestId('risks-quarantined')).toHaveTextContent('9');
    expect(screen.getByTestId('risks-cleaned')).toHaveTextContent('5');
    expect(screen.getByTestId('risks-unresolved')).toHaveTextContent('3');
    expect(within(screen.getByTestId('risks-chart')).getByRole('img')).toHaveAccessibleName(
      expect.stringContaining('Total 57: Blocked 40, Quarantined 9, Cleaned 5, Unresolved 3') as string,
    );

    const risks = screen.getByTestId('top-risks-table');
    expect(within(risks).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Risk',
      'Detections',
      'Customers affected',
      'Last detected',
      'Spread across customers',
    ]);
    const rows = within(risks).getAllByTestId('top-risk-row');
    expect(rows.map((row) => within(row).getAllByRole('cell').slice(0, 3).map((cell) => cell.textContent))).toEqual([
      ['W32.Downadup', '30', '2'],
      ['=HYPERLINK("x")', '27', '1'],
    ]);

    expect(screen.getByTestId('intrusions-total')).toHaveTextContent('12');
    expect(screen.getByTestId('intrusions-firewall')).toHaveTextContent('30');
    const signatures = screen.getByTestId('top-signatures-table');
    expect(within(signatures).getAllByRole('row').map((row) => row.textContent)).toEqual([
      'SignatureCount',
      'Attack: SMB Double Pulsar Ping8',
      'Web Attack: Fake Scan, "Tech Support"4',
    ]);

    expect(statsQueries(requests)).toEqual([{ range: '7d' }]);
    expect(screen.getByTestId('statistics-period')).toHaveTextContent(/^All customers, last 7 days:/);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Endpoint Statistics' })).toHaveAttribute('aria-current', 'page');
  });

  it('keeps the range and customer in the address and fetches again when they change', async () => {
    const { requests } = routes();
    const { user } = renderAt('/statistics/endpoint?range=3m&customer=cus_1', exspMe);
    await screen.findByTestId('risks-total');
    expect(statsQueries(requests)).toEqual([{ range: '3m', customer: 'cus_1' }]);
    expect(screen.getByRole('combobox', { name: 'Date range' })).toHaveValue('3m');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Customer' })).toHaveDisplayValue('Acme Dental'));

    await user.selectOptions(screen.getByRole('combobox', { name: 'Date range' }), 'Last 24 hours');
    await waitFor(() => expect(statsQueries(requests).at(-1)).toEqual({ range: '24h', customer: 'cus_1' }));
    expect(screen.getByTestId('location')).toHaveTextContent('/statistics/endpoint?range=24h&customer=cus_1');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Customer' }), 'All customers');
    await waitFor(() => expect(statsQueries(requests).at(-1)).toEqual({ range: '24h' }));
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/statistics\/endpoint\?range=24h$/);
    expect(await screen.findByTestId('risks-total')).toHaveTextContent('57');
    expect(screen.getByTestId('statistics-period')).toHaveTextContent(/^All customers, last 24 hours:/);
  });

  it('shows how a risk spread, with Manage only for customers the user may manage', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { requests } = routes({
      'POST /api/v1/customers/cus_1/manage': () =>
        json(201, { token: 'tok/1', customerId: 'cus_1', expiresAt: '2026-03-10T10:30:00Z' }),
    });
    const { user } = renderAt('/statistics/endpoint', exspMe);
    const [first] = await screen.findAllByTestId('top-risk-row');
    const toggle = within(first as HTMLElement).getByRole('button', { name: 'Spread of W32.Downadup across customers' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');

    const spread = screen.getByTestId('risk-spread');
    expect(spread).toHaveTextContent('W32.Downadup across 2 customers');
    const items = within(spread).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Acme Dental');
    expect(items[0]).toHaveTextContent('25');
    expect(within(items[0] as HTMLElement).getByRole('button', { name: 'Manage Acme Dental' })).toBeInTheDocument();
    expect(items[1]).toHaveTextContent('Bright Bakery');
    expect(within(items[1] as HTMLElement).queryByRole('button', { name: /Manage/ })).not.toBeInTheDocument();

    await user.click(within(items[0] as HTMLElement).getByRole('button', { name: 'Manage Acme Dental' }));
    await waitFor(() => expect(open).toHaveBeenCalledWith('/manage/cus_1#delegation=tok%2F1', '_blank', 'noopener'));
    expect(screen.getByTestId('manage-notice')).toHaveTextContent('Acme Dental’s console opened in a new tab.');
    expect(requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual([
      '/api/v1/customers/cus_1/manage',
    ]);

    await user.click(toggle);
    expect(screen.queryByTestId('risk-spread')).not.toBeInTheDocument();
  });

  it('exports the shown tables as CSV, defusing formulas', async () => {
    const downloads = captureDownloads();
    try {
      routes();
      const { user } = renderAt('/statistics/endpoint?range=30d', exspMe);
      await screen.findByTestId('top-risks-table');
      await user.click(screen.getByTestId('top-risks-csv'));
      await user.click(screen.getByTestId('top-signatures-csv'));
      expect(downloads.names).toEqual(['top-risks-30d.csv', 'top-intrusions-30d.csv']);
      await expect(blobText(downloads.blobs[0])).resolves.toBe(
        'Risk,Detections,Customers affected,Last detected\r\n' +
          'W32.Downadup,30,2,2026-03-09T14:00:00Z\r\n' +
          '"\'=HYPERLINK(""x"")",27,1,2026-03-08T10:00:00Z\r\n',
      );
      await expect(blobText(downloads.blobs[1])).resolves.toBe(
        'Signature,Count\r\nAttack: SMB Double Pulsar Ping,8\r\n"Web Attack: Fake Scan, ""Tech Support""",4\r\n',
      );

      const [first] = screen.getAllByTestId('top-risk-row');
      await user.click(within(first as HTMLElement).getByTestId('spread-toggle'));
      await user.click(screen.getByTestId('risk-spread-csv'));
      expect(downloads.names.at(-1)).toBe('risk-spread-w32-downadup-30d.csv');
      await expect(blobText(downloads.blobs[2])).resolves.toBe(
        'Customer,Management,Detections,Last detected\r\n' +
          'Acme Dental,Partner Managed,25,2026-03-09T14:00:00Z\r\n' +
          'Bright Bakery,Customer Managed,5,2026-03-05T08:00:00Z\r\n',
      );
    } finally {
      downloads.restore();
    }
  });

  it('says when nothing was detected', async () => {
    routes({
      [STATS]: () =>
        json(200, {
          ...sampleEndpointStatistics,
          risks: { total: 0, byAction: { blocked: 0, quarantined: 0, cleaned: 0, unresolved: 0 }, series: [], top: [] },
          intrusions: { total: 0, firewall: 0, series: [], top: [] },
        }),
    });
    renderAt('/statistics/endpoint', exspMe);
    expect(await screen.findByText('No risks were detected in this period.')).toBeInTheDocument();
    expect(screen.getByText('No intrusions were detected in this period.')).toBeInTheDocument();
    expect(screen.queryByTestId('top-risks-csv')).not.toBeInTheDocument();
  });

  it('offers all customers when the chosen one is not in the list, and retries other failures', async () => {
    let fail = true;
    const { requests } = routes({
      [STATS]: (request) => {
        if (request.query.get('customer') === 'cus_gone') return problem(404, { title: 'Not found' });
        if (fail) {
          fail = false;
          return problem(503, { title: 'Service unavailable', detail: 'Try again shortly.' });
        }
        return json(200, sampleEndpointStatistics);
      },
    });
    const { user } = renderAt('/statistics/endpoint?customer=cus_gone', exspMe);
    expect(await screen.findByTestId('statistics-unknown-customer')).toHaveTextContent('not in your customer list');
    await user.click(screen.getByRole('button', { name: 'Show all customers' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Service unavailable: Try again shortly.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('risks-total')).toHaveTextContent('57');
    expect(statsQueries(requests)).toEqual([{ range: '7d', customer: 'cus_gone' }, { range: '7d' }, { range: '7d' }]);
  });

  it('asks for a Security Overview PDF of the range and customer shown, and links to the Reports page', async () => {
    const { requests } = routes({
      'POST /api/v1/reports': (request) =>
        json(202, { ...processingReport, id: 'rpt_pdf', ...(request.body as ReportRequest) }),
      'GET /api/v1/reports': () => json(200, { items: [] }),
    });
    const { user } = renderAt('/statistics/endpoint?range=30d&customer=cus_1', exspMe);
    await screen.findByTestId('risks-total');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Customer' })).toHaveDisplayValue('Acme Dental'));

    await user.click(screen.getByRole('button', { name: 'Generate PDF report' }));
    const requested = await screen.findByTestId('pdf-report-requested');
    expect(requested).toHaveTextContent('“Endpoint Statistics – Acme Dental – Last 30 days” is being made.');
    const posted = requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/reports');
    expect(posted.map((request) => request.body)).toEqual([
      {
        name: 'Endpoint Statistics – Acme Dental – Last 30 days',
        type: 'securityOverview',
        formats: ['pdf'],
        options: { period: { kind: 'last', range: '30d' }, customers: ['cus_1'] },
      },
    ]);
    expect(posted[0]?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);

    await user.click(within(requested).getByRole('link', { name: 'Reports page' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Reports' })).toBeInTheDocument();
  });

  it('asks for all customers when the page shows all, and says when the report is refused', async () => {
    const { requests } = routes({
      'POST /api/v1/reports': () => problem(403, { title: 'Forbidden', detail: 'Your role cannot run this report.' }),
    });
    const { user } = renderAt('/statistics/endpoint?range=24h', exspMe);
    await screen.findByTestId('risks-total');
    await user.click(screen.getByRole('button', { name: 'Generate PDF report' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The PDF report could not be asked for');
    expect(alert).toHaveTextContent('Your role cannot run this report.');
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      name: 'Endpoint Statistics – Last 24 hours',
      type: 'securityOverview',
      formats: ['pdf'],
      options: { period: { kind: 'last', range: '24h' }, customers: [], allCustomers: true },
    });
  });
});
