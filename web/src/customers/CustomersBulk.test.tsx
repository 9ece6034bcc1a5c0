import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerRow } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { captureDownloads } from '../test/downloads';
import { json, mockFetch, problem, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { exspMe, manyRows, readOnlyRow, sampleCatalog, sampleRows } from './fixtures';

const LIST = 'GET /api/v1/customers';
const CATALOG = 'GET /api/v1/catalog';
const BULK = 'POST /api/v1/customers/bulk';
const EXPORT = 'POST /api/v1/customers/export';

interface BulkBody {
  action: string;
  customerIds: string[];
  product?: string;
  management?: string;
  confirm?: boolean;
}

function bulkCalls(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === BULK);
}

/** Answers a bulk call: every customer done, except those in `refuse` (with their reason). */
function answer(request: RecordedRequest, refuse: Record<string, string> = {}): Response {
  const body = request.body as BulkBody;
  const results = body.customerIds.map((customerId) =>
    refuse[customerId]
      ? {
          customerId,
          outcome: 'refused',
          customerName: `Name of ${customerId}`,
          problem: { type: '/problems/conflict', title: 'Conflict', status: 409, detail: refuse[customerId] },
        }
      : { customerId, outcome: 'done', customerName: `Name of ${customerId}` },
  );
  const refused = results.filter((row) => row.outcome === 'refused').length;
  return json(200, { action: body.action, done: results.length - refused, refused, failed: 0, notAttempted: 0, results });
}

function listCalls(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === LIST);
}

/** The list in pages of the size asked, with cursors that are the next row's index. */
function pagedList(rows: CustomerRow[]) {
  return (request: RecordedRequest) => {
    const limit = Number(request.query.get('limit') ?? '25');
    const start = Number(request.query.get('cursor') ?? '0');
    const items = rows.slice(start, start + limit);
    const next = start + limit < rows.length ? String(start + limit) : undefined;
    return json(200, next === undefined ? { items } : { items, nextCursor: next });
  };
}

/** The text of a blob the page built (jsdom's Blob has no `text()`). */
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.readAsText(blob);
  });
}

function render(path = '/customers') {
  tokenStore.set(sampleToken);
  return renderApp(path, exspMe);
}

function checkbox(name: string): HTMLElement {
  return screen.getByRole('checkbox', { name: `Select ${name}` });
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Bulk actions on the Customers page', () => {
  it('starts a trial for the selected customers and shows each one’s outcome', async () => {
    const rows = [...sampleRows, { ...sampleRows[1]!, id: 'cus_4', name: 'Delta Dentistry' }];
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: rows }),
      [BULK]: (request) => answer(request, { cus_1: 'Acme Dental already has a trial of Endpoint Protection Cloud' }),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    expect(screen.queryByTestId('bulk-toolbar')).not.toBeInTheDocument();

    for (const name of ['Acme Dental', 'Bright Bakery', 'Delta Dentistry']) await user.click(checkbox(name));
    expect(screen.getByTestId('customers-selected')).toHaveTextContent('3 selected.');
    expect(screen.getByTestId('customers-select-all')).toBeChecked();

    await user.click(screen.getByTestId('bulk-start-trial'));
    const dialog = screen.getByRole('dialog', { name: 'Start a trial' });
    // Only products with a trial are offered.
    expect(within(dialog).getAllByRole('option').map((option) => option.textContent)).toEqual([
      'Choose a product',
      'Endpoint Protection Cloud',
      'Email Security.cloud',
    ]);
    await user.click(within(dialog).getByTestId('bulk-trial-confirm'));
    expect(within(dialog).getByTestId('bulk-trial-product')).toHaveAccessibleDescription('Choose a product.');
    expect(bulkCalls(requests)).toHaveLength(0);

    await user.selectOptions(within(dialog).getByTestId('bulk-trial-product'), 'endpoint-protection');
    await user.click(within(dialog).getByTestId('bulk-trial-confirm'));

    const results = await screen.findByTestId('bulk-results');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(results).toHaveFocus();
    expect(within(results).getByRole('heading', { level: 2 })).toHaveTextContent('Start a trial of Endpoint Protection Cloud');
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent('2 done, 1 refused.');
    expect(within(results).getAllByTestId('bulk-result-refused').map((item) => item.textContent)).toEqual([
      'Name of cus_1: Acme Dental already has a trial of Endpoint Protection Cloud',
    ]);
    expect(within(results).getAllByTestId('bulk-result-done').map((item) => item.textContent)).toEqual([
      'Name of cus_2',
      'Name of cus_4',
    ]);
    expect(screen.getByTestId('bulk-announcement')).toHaveTextContent(
      'Start a trial of Endpoint Protection Cloud: 2 done, 1 refused.',
    );

    const [call] = bulkCalls(requests);
    expect(call?.body).toEqual({ action: 'startTrial', customerIds: ['cus_1', 'cus_2', 'cus_4'], product: 'endpoint-protection' });
    expect(call?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
    // The list is read again so that the new trials show.
    await waitFor(() => expect(requests.filter((request) => `${request.method} ${request.path}` === LIST)).toHaveLength(2));
  });

  it('selects all matching customers page by page and acts on them 100 at a time, each call with its own key', async () => {
    const rows = manyRows(101);
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: pagedList(rows),
      [BULK]: (request) =>
        (request.body as BulkBody).customerIds.length === 1
          ? problem(503, { title: 'Service Unavailable', detail: 'Try again in a moment.' })
          : answer(request),
    });
    const { user } = render('/customers?management=customerManaged');
    await screen.findByTestId('customers-table');
    expect(screen.queryByTestId('select-all-matching')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('customers-select-all'));
    expect(screen.getByTestId('customers-selected')).toHaveTextContent('25 selected.');
    await user.click(screen.getByTestId('select-all-matching'));
    await waitFor(() =>
      expect(screen.getByTestId('customers-selected')).toHaveTextContent(
        'All 101 customers matching the search and filters are selected.',
      ),
    );
    const matchingReads = requests.filter((request) => request.query.get('limit') === '100');
    expect(matchingReads.map((request) => Object.fromEntries(request.query))).toEqual([
      { management: 'customerManaged', limit: '100' },
      { management: 'customerManaged', limit: '100', cursor: '100' },
    ]);

    await user.click(screen.getByTestId('bulk-resend-welcome'));
    await user.click(within(screen.getByRole('dialog', { name: 'Resend welcome emails?' })).getByTestId('bulk-confirm'));

    const results = await screen.findByTestId('bulk-results');
    const calls = bulkCalls(requests);
    expect(calls.map((call) => (call.body as BulkBody).customerIds.length)).toEqual([100, 1]);
    expect((calls[0]?.body as BulkBody).customerIds[0]).toBe('cus_m001');
    expect(calls[1]?.body).toEqual({ action: 'resendWelcome', customerIds: ['cus_m101'] });
    const keys = calls.map((call) => call.headers.get('Idempotency-Key'));
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBeTruthy();
    expect(keys[0]).not.toBe(keys[1]);
    // The call that failed as a whole leaves its customer unknown (it may have been done); the first call's stand.
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent('100 done, 0 refused, 1 unknown.');
    expect(within(results).getByTestId('bulk-result-unknown')).toHaveTextContent('Customer 101');
    expect(results).toHaveTextContent('Try again in a moment.');
  });

  it('caps "Select all matching" at 1,000 customers and says so', async () => {
    const rows = manyRows(1001).map((row, index) => ({ ...row, id: `cus_${index}` }));
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: pagedList(rows),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(screen.getByTestId('customers-select-all'));
    await user.click(screen.getByTestId('select-all-matching'));
    await waitFor(() =>
      expect(screen.getByTestId('customers-selected')).toHaveTextContent(
        'The first 1,000 customers in the list are selected: at most 1,000 at a time.',
      ),
    );
  });

  it('keeps the selection while more load and clears it when the filters change', async () => {
    const rows = manyRows(30);
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: pagedList(rows),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Customer 001'));
    await user.click(screen.getByTestId('customers-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('customer-row')).toHaveLength(30));
    await user.click(checkbox('Customer 030'));
    expect(screen.getByTestId('customers-selected')).toHaveTextContent('2 selected.');

    // A new sort shows the same customers: the selection stays.
    await user.click(screen.getByTestId('sort-type'));
    await waitFor(() => expect(screen.getAllByTestId('customer-row')).toHaveLength(25));
    expect(screen.getByTestId('customers-selected')).toHaveTextContent('2 selected.');

    await user.click(screen.getByTestId('filter-require-update'));
    expect(await screen.findByTestId('selection-cleared')).toHaveTextContent(
      'The selection was cleared because the search or filters changed.',
    );
    expect(screen.getByTestId('customers-selected')).toHaveTextContent('Select customers to act on several at once.');
    expect(screen.queryByTestId('bulk-toolbar')).not.toBeInTheDocument();
  });

  it('removes the selected customers after REMOVE is typed, and takes their rows away', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: requests.some((request) => request.path.endsWith('/bulk')) ? [sampleRows[1]] : sampleRows }),
      [BULK]: (request) => answer(request),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Acme Dental'));
    await user.click(screen.getByTestId('bulk-remove'));
    const dialog = screen.getByRole('dialog', { name: 'Remove 1 customer?' });
    const confirm = within(dialog).getByTestId('bulk-remove-confirm');
    await user.type(within(dialog).getByTestId('bulk-remove-word'), 'remove');
    expect(confirm).toBeDisabled();
    await user.clear(within(dialog).getByTestId('bulk-remove-word'));
    await user.type(within(dialog).getByTestId('bulk-remove-word'), 'REMOVE');
    await user.click(confirm);

    expect(await screen.findByTestId('bulk-results')).toHaveTextContent('1 done, 0 refused.');
    expect(bulkCalls(requests)[0]?.body).toEqual({ action: 'remove', customerIds: ['cus_1'], confirm: true });
    await waitFor(() => expect(screen.getAllByTestId('customer-row')).toHaveLength(1));
    expect(screen.getByTestId('customers-selected')).toHaveTextContent('Select customers to act on several at once.');
  });

  it('asks for a management change, saying the customer must approve', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      [BULK]: (request) => answer(request),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Bright Bakery'));
    await user.click(screen.getByTestId('bulk-management'));
    const dialog = screen.getByRole('dialog', { name: 'Request a management change' });
    expect(dialog).toHaveTextContent('nothing changes until they approve it');
    await user.click(within(dialog).getByTestId('bulk-management-partnerManaged'));
    await user.click(within(dialog).getByTestId('bulk-management-confirm'));
    expect(await screen.findByTestId('bulk-results')).toHaveTextContent('Request a change to Partner Managed');
    expect(bulkCalls(requests)[0]?.body).toEqual({
      action: 'requestManagementChange',
      customerIds: ['cus_2'],
      management: 'partnerManaged',
    });
  });

  it('says which management changes took effect and which asked the customer', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      [BULK]: () =>
        json(200, {
          action: 'requestManagementChange',
          done: 2,
          refused: 0,
          failed: 0,
          notAttempted: 0,
          results: [
            { customerId: 'cus_1', outcome: 'done', customerName: 'Acme Dental', result: 'changed' },
            { customerId: 'cus_2', outcome: 'done', customerName: 'Bright Bakery', result: 'requested' },
          ],
        }),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    for (const name of ['Acme Dental', 'Bright Bakery']) await user.click(checkbox(name));
    await user.click(screen.getByTestId('bulk-management'));
    const dialog = screen.getByRole('dialog', { name: 'Request a management change' });
    await user.click(within(dialog).getByTestId('bulk-management-customerManaged'));
    await user.click(within(dialog).getByTestId('bulk-management-confirm'));
    const results = await screen.findByTestId('bulk-results');
    expect(within(results).getAllByTestId('bulk-result-done').map((item) => item.textContent)).toEqual([
      'Acme Dental — changed',
      'Bright Bakery — asked the customer',
    ]);
  });

  it('counts failed and not attempted customers apart from refused ones, and sends only those again with a new key', async () => {
    const internal = { type: 'about:blank', title: 'Internal Server Error', status: 500 };
    let calls = 0;
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      [BULK]: (request) => {
        calls += 1;
        if (calls > 1) return answer(request);
        return json(200, {
          action: 'resendWelcome',
          done: 1,
          refused: 1,
          failed: 1,
          notAttempted: 1,
          results: [
            { customerId: 'cus_1', outcome: 'done', customerName: 'Acme Dental' },
            { customerId: 'cus_2', outcome: 'failed', customerName: 'Bright Bakery', problem: internal },
            {
              customerId: 'cus_3',
              outcome: 'refused',
              customerName: 'Cobalt Consulting',
              problem: { type: '/problems/conflict', title: 'Conflict', status: 409, detail: 'Already has a password' },
            },
            { customerId: 'cus_9', outcome: 'notAttempted', customerName: 'Zinc Works' },
          ],
        });
      },
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    for (const row of sampleRows) await user.click(checkbox(row.name));
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-confirm'));

    const results = await screen.findByTestId('bulk-results');
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent('1 done, 1 refused, 1 failed, 1 not attempted.');
    expect(within(results).getAllByTestId('bulk-result-refused')).toHaveLength(1);
    expect(within(results).getAllByTestId('bulk-result-not-done').map((item) => item.textContent)).toEqual([
      'Bright Bakery: failed, nothing was changed (Internal Server Error)',
      'Zinc Works: not attempted: the call ran out of time',
    ]);
    const retry = within(results).getByTestId('bulk-retry');
    expect(retry).toHaveTextContent('Try the 2 customers not done again');

    await user.click(retry);
    await waitFor(() => expect(within(screen.getByTestId('bulk-results')).getByTestId('bulk-results-counts')).toHaveTextContent('3 done, 1 refused.'));
    const [first, second] = bulkCalls(requests);
    expect((second?.body as BulkBody).customerIds).toEqual(['cus_2', 'cus_9']);
    expect(second?.headers.get('Idempotency-Key')).not.toEqual(first?.headers.get('Idempotency-Key'));
    expect(screen.queryByTestId('bulk-retry')).not.toBeInTheDocument();
  });

  it('shows the customers of a call that failed with a server error as unknown, not refused, and reads the list again', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      [BULK]: () => problem(503, { title: 'Service Unavailable' }),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    for (const name of ['Acme Dental', 'Bright Bakery']) await user.click(checkbox(name));
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-confirm'));

    const results = await screen.findByTestId('bulk-results');
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent('0 done, 0 refused, 2 unknown.');
    expect(results).toHaveTextContent('Unknown — reload to see what happened');
    expect(within(results).getAllByTestId('bulk-result-unknown').map((item) => item.textContent)).toEqual(['Acme Dental', 'Bright Bakery']);
    expect(within(results).queryByTestId('bulk-result-refused')).not.toBeInTheDocument();
    expect(within(results).queryByTestId('bulk-retry')).not.toBeInTheDocument();
    await waitFor(() => expect(listCalls(requests)).toHaveLength(2));
  });

  it('offers a read-only customer’s selection the export only, and says why', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: [...sampleRows, readOnlyRow] }),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Cobalt Clinic'));
    const toolbar = screen.getByTestId('bulk-toolbar');
    expect(within(toolbar).getAllByRole('button').map((button) => button.textContent)).toEqual(['Export selection']);
    expect(within(toolbar).getByTestId('bulk-read-only')).toHaveTextContent(
      'Your role may only view 1 customer of the selection: changes to it will be refused.',
    );
  });

  describe('Export selection', () => {
    let downloads: ReturnType<typeof captureDownloads>;
    beforeEach(() => {
      downloads = captureDownloads();
    });
    afterEach(() => {
      downloads.restore();
    });

    it('exports chosen customers by id, in calls of 100, with the header once', async () => {
      const rows = manyRows(101);
      const { requests } = mockFetch({
        [CATALOG]: () => json(200, sampleCatalog),
        [LIST]: pagedList(rows),
        [EXPORT]: (request) => {
          const ids = (request.body as { customerIds: string[] }).customerIds;
          return new Response(`Customer,Type\r\n${ids.map((id) => `${id},Customer Managed\r\n`).join('')}`, {
            status: 200,
            headers: { 'Content-Type': 'text/csv; charset=utf-8' },
          });
        },
      });
      const { user } = render();
      await screen.findByTestId('customers-table');
      await user.click(screen.getByTestId('customers-select-all'));
      await user.click(screen.getByTestId('select-all-matching'));
      await screen.findByText('All 101 customers in the list are selected.');
      // A hand-picked change makes it a selection rather than "all matching".
      await user.click(checkbox('Customer 001'));
      await user.click(checkbox('Customer 001'));
      await user.click(screen.getByTestId('bulk-export'));

      await waitFor(() => expect(downloads.names).toEqual(['customers.csv']));
      const calls = requests.filter((request) => `${request.method} ${request.path}` === EXPORT);
      expect(calls.map((call) => (call.body as { customerIds: string[] }).customerIds.length)).toEqual([100, 1]);
      expect(calls[0]?.headers.get('Accept')).toBe('text/csv');
      const text = await readBlob(downloads.blobs[0]!);
      expect(text.split('\r\n').filter((line) => line.startsWith('Customer,'))).toHaveLength(1);
      expect(text.split('\r\n').filter((line) => line.startsWith('cus_m'))).toHaveLength(101);
    });

    it('exports "all matching" as the filtered list’s CSV', async () => {
      const rows = manyRows(30);
      const { requests } = mockFetch({
        [CATALOG]: () => json(200, sampleCatalog),
        [LIST]: (request) =>
          request.query.get('format') === 'csv'
            ? new Response('Customer,Type\r\n', { status: 200, headers: { 'Content-Type': 'text/csv' } })
            : pagedList(rows)(request),
      });
      const { user } = render('/customers?q=customer');
      await screen.findByTestId('customers-table');
      await user.click(screen.getByTestId('customers-select-all'));
      await user.click(screen.getByTestId('select-all-matching'));
      await screen.findByText('All 30 customers matching the search and filters are selected.');
      await user.click(screen.getByTestId('bulk-export'));
      await waitFor(() => expect(downloads.names).toEqual(['customers.csv']));
      const csv = requests.find((request) => request.query.get('format') === 'csv');
      expect(Object.fromEntries(csv?.query ?? [])).toEqual({ q: 'customer', format: 'csv' });
      expect(requests.some((request) => request.path === '/api/v1/customers/export')).toBe(false);
    });
  });
});
