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
    // Focus announces it: its heading, then its counts.
    expect(results).toHaveAccessibleName('Start a trial of Endpoint Protection Cloud');
    expect(results).toHaveAccessibleDescription('2 done, 1 refused.');

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
          ? problem(422, { title: 'Unprocessable Content', detail: 'This call is refused.' })
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
    // The call that failed as a whole refuses its customer with the reason; the first call's stand.
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent('100 done, 1 refused.');
    expect(within(results).getByTestId('bulk-result-refused')).toHaveTextContent('Customer 101: This call is refused.');
    // A refusal is not sent again.
    expect(calls).toHaveLength(2);
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

  it('shows the customers of a call that kept failing with a server error as not confirmed, not refused, and reads the list again', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      [BULK]: () => problem(503, { title: 'Service Unavailable' }, { 'Retry-After': '0' }),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    for (const name of ['Acme Dental', 'Bright Bakery']) await user.click(checkbox(name));
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-confirm'));

    const results = await screen.findByTestId('bulk-results');
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent('0 done, 0 refused, 2 not confirmed.');
    expect(within(results).getAllByTestId('bulk-result-unknown')).toHaveLength(2);
    expect(within(results).queryByTestId('bulk-result-refused')).not.toBeInTheDocument();
    // Not the "not done" button (a new key): these calls are sent again with their own keys.
    expect(within(results).queryByTestId('bulk-retry')).not.toBeInTheDocument();
    expect(within(results).getByTestId('bulk-retry-unconfirmed')).toBeEnabled();
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
      'Your role may only view 1 customer of the selection: it is left out of changes.',
    );
    // A group of buttons, not a toolbar (which would promise arrow keys).
    expect(screen.getByRole('group', { name: 'Actions on the selected customers' })).toBe(toolbar);
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

    it('exports "all matching" by id too: the customers selected, not whatever the filters match now', async () => {
      const rows = manyRows(30);
      const { requests } = mockFetch({
        [CATALOG]: () => json(200, sampleCatalog),
        [LIST]: pagedList(rows),
        [EXPORT]: (request) =>
          new Response(`Customer,Type\r\n${(request.body as { customerIds: string[] }).customerIds.map((id) => `${id},X\r\n`).join('')}`, {
            status: 200,
            headers: { 'Content-Type': 'text/csv' },
          }),
      });
      const { user } = render('/customers?q=customer');
      await screen.findByTestId('customers-table');
      await user.click(screen.getByTestId('customers-select-all'));
      await user.click(screen.getByTestId('select-all-matching'));
      await screen.findByText('All 30 customers matching the search and filters are selected.');
      await user.click(screen.getByTestId('bulk-export'));
      await waitFor(() => expect(downloads.names).toEqual(['customers.csv']));
      expect(requests.some((request) => request.query.get('format') === 'csv')).toBe(false);
      const calls = requests.filter((request) => `${request.method} ${request.path}` === EXPORT);
      expect(calls.map((call) => (call.body as { customerIds: string[] }).customerIds)).toEqual([rows.map((row) => row.id)]);
    });
  });
});

describe('Bulk actions: the selection and what each call is sent for', () => {
  it('sends only the customers the role may act on, and says which are left out', async () => {
    const notRemovable = { ...sampleRows[1]!, yourAccess: { level: 'readWrite' as const, mayManage: true, mayRemove: false } };
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: [sampleRows[0]!, notRemovable, readOnlyRow] }),
      [BULK]: (request) => answer(request),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    for (const name of ['Acme Dental', 'Bright Bakery', 'Cobalt Clinic']) await user.click(checkbox(name));

    await user.click(screen.getByTestId('bulk-resend-welcome'));
    let dialog = screen.getByRole('dialog', { name: 'Resend welcome emails?' });
    expect(within(dialog).getByTestId('bulk-scope')).toHaveTextContent(
      '2 of the 3 selected; 1 will be skipped (your role may only view it).',
    );
    expect(dialog).toHaveTextContent('Each of the 2 customers’ administrators who has not chosen a password yet');
    await user.click(within(dialog).getByTestId('bulk-confirm'));
    const results = await screen.findByTestId('bulk-results');
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent(
      '2 done, 0 refused. 1 of the selection left out: your role may not do this to it.',
    );
    expect((bulkCalls(requests)[0]?.body as BulkBody).customerIds).toEqual(['cus_1', 'cus_2']);

    await user.click(screen.getByTestId('bulk-remove'));
    dialog = screen.getByRole('dialog', { name: 'Remove 1 customer?' });
    expect(within(dialog).getByTestId('bulk-scope')).toHaveTextContent(
      '1 of the 3 selected; 2 will be skipped (your role may not remove them).',
    );
    await user.type(within(dialog).getByTestId('bulk-remove-word'), 'REMOVE');
    await user.click(within(dialog).getByTestId('bulk-remove-confirm'));
    await waitFor(() => expect(bulkCalls(requests)).toHaveLength(2));
    expect(bulkCalls(requests)[1]?.body).toEqual({ action: 'remove', customerIds: ['cus_1'], confirm: true });
  });

  it('words the welcome email for one customer', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Acme Dental'));
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    const dialog = screen.getByRole('dialog', { name: 'Resend welcome emails?' });
    expect(dialog).toHaveTextContent('The customer’s administrator is sent the welcome email again');
    expect(dialog).not.toHaveTextContent('customer’ ');
    expect(within(dialog).queryByTestId('bulk-scope')).not.toBeInTheDocument();
  });

  it('unselects all matching customers when the header box is unticked', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: pagedList(manyRows(40)),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(screen.getByTestId('customers-select-all'));
    await user.click(screen.getByTestId('select-all-matching'));
    await screen.findByText('All 40 customers in the list are selected.');
    await user.click(screen.getByTestId('customers-select-all'));
    expect(screen.getByTestId('customers-selected')).toHaveTextContent('Select customers to act on several at once.');
    expect(screen.queryByTestId('bulk-toolbar')).not.toBeInTheDocument();
  });

  it('does not call exactly 1,000 matches capped: one more row is read to know', async () => {
    const rows = manyRows(1000).map((row, index) => ({ ...row, id: `cus_${index}` }));
    // This list hands out a cursor after its last full page, as a real one may.
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: (request) => {
        const limit = Number(request.query.get('limit') ?? '25');
        const start = Number(request.query.get('cursor') ?? '0');
        const items = rows.slice(start, start + limit);
        return json(200, items.length === 0 ? { items } : { items, nextCursor: String(start + limit) });
      },
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(screen.getByTestId('customers-select-all'));
    await user.click(screen.getByTestId('select-all-matching'));
    await screen.findByText('All 1,000 customers in the list are selected.');
    const reads = requests.filter((request) => request.query.has('limit') && request.query.get('limit') !== '25');
    expect(reads.at(-1)?.query.get('limit')).toBe('1');
    expect(reads.at(-1)?.query.get('cursor')).toBe('1000');
  });

  it('makes "all matching" a plain selection after a bulk action and after a new sort', async () => {
    const rows = manyRows(30);
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: pagedList(rows),
      [BULK]: (request) => answer(request),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(screen.getByTestId('customers-select-all'));
    await user.click(screen.getByTestId('select-all-matching'));
    await screen.findByText('All 30 customers in the list are selected.');
    await user.click(screen.getByTestId('sort-type'));
    expect(screen.getByTestId('customers-selected')).toHaveTextContent('30 selected.');

    await user.click(screen.getByTestId('select-all-matching'));
    await screen.findByText('All 30 customers in the list are selected.');
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-confirm'));
    await screen.findByTestId('bulk-results');
    expect(screen.getByTestId('customers-selected')).toHaveTextContent('30 selected.');
  });

  it('gives focus to the selection when the results are dismissed, or to the list when none is left', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () =>
        json(200, {
          items: bulkCalls(requests).some((request) => (request.body as BulkBody).action === 'remove') ? [] : sampleRows,
        }),
      [BULK]: (request) => answer(request),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Bright Bakery'));
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-confirm'));
    await user.click(await screen.findByTestId('bulk-results-dismiss'));
    expect(screen.getByTestId('customers-selected')).toHaveFocus();

    await user.click(checkbox('Bright Bakery'));
    await user.click(checkbox('Acme Dental'));
    await user.click(screen.getByTestId('bulk-remove'));
    await user.type(within(screen.getByRole('dialog')).getByTestId('bulk-remove-word'), 'REMOVE');
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-remove-confirm'));
    await user.click(await screen.findByTestId('bulk-results-dismiss'));
    expect(screen.getByRole('heading', { name: 'Customer list' })).toHaveFocus();
  });

  it('announces a second answer like the first: a new panel takes focus', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      [BULK]: (request) => answer(request),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Acme Dental'));
    const working = () => within(screen.getByRole('dialog')).getByTestId('bulk-working');
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    // The status is there, empty, before the work starts: its new text is announced.
    expect(working()).toHaveTextContent(/^$/);
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-confirm'));
    const first = await screen.findByTestId('bulk-results');
    await waitFor(() => expect(first).toHaveFocus());
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-confirm'));
    await waitFor(() => expect(screen.getByTestId('bulk-results')).not.toBe(first));
    const second = screen.getByTestId('bulk-results');
    expect(second).toHaveFocus();
    expect(second).toHaveTextContent('1 done, 0 refused.');
  });

  it('keeps a run that outlives a filter change: its dialog stays, and no list of the old filters comes back', async () => {
    let release: (response: Response) => void = () => undefined;
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: (request) =>
        json(200, { items: request.query.get('requireUpdate') === 'true' ? [sampleRows[0]] : sampleRows }),
      [BULK]: () => new Promise<Response>((resolve) => (release = resolve)),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Acme Dental'));
    await user.click(checkbox('Bright Bakery'));
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-confirm'));
    await waitFor(() => expect(bulkCalls(requests)).toHaveLength(1));
    expect(within(screen.getByRole('dialog')).getByTestId('bulk-working')).toHaveTextContent('Working on 2 customers…');

    // The filters change under the run (as Back would): the selection goes, the run stays.
    await user.click(screen.getByTestId('filter-require-update'));
    await screen.findByText('The selection was cleared because the search or filters changed.');
    await waitFor(() => expect(screen.getAllByTestId('customer-row')).toHaveLength(1));
    expect(within(screen.getByRole('dialog')).getByTestId('bulk-working')).toHaveTextContent('Working on 2 customers…');
    const listReads = () => requests.filter((request) => `${request.method} ${request.path}` === LIST).length;
    const before = listReads();

    release(answer(bulkCalls(requests)[0]!));
    const results = await screen.findByTestId('bulk-results');
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent('2 done, 0 refused.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(listReads()).toBe(before);
    expect(screen.getAllByTestId('customer-row')).toHaveLength(1);
  });

  it('starts nothing else while a row’s action is loading', async () => {
    let release: (response: Response) => void = () => undefined;
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      'GET /api/v1/customers/cus_1': () => new Promise<Response>((resolve) => (release = resolve)),
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Bright Bakery'));
    const status = screen.getByTestId('row-action-status');
    expect(status).toHaveTextContent(/^$/);
    const acme = screen.getAllByTestId('customer-row')[0]!;
    await user.click(within(acme).getByTestId('customer-popup-toggle'));
    await user.click(within(acme).getByTestId('popup-activate'));
    expect(status).toHaveTextContent('Opening…');
    for (const id of ['bulk-start-trial', 'bulk-management', 'bulk-resend-welcome', 'bulk-remove']) {
      expect(screen.getByTestId(id)).toBeDisabled();
    }
    const bright = screen.getAllByTestId('customer-row')[1]!;
    await user.click(within(bright).getByTestId('customer-popup-toggle'));
    expect(within(bright).getByTestId('popup-activate')).toBeDisabled();
    release(json(404, { type: 'about:blank', title: 'Not Found', status: 404 }));
    await waitFor(() => expect(status).toHaveTextContent(/^$/));
    expect(screen.getByTestId('bulk-remove')).toBeEnabled();
  });

  it('sends a call that failed on the way again with the same key; still failing, its customers are not confirmed, and Retry reuses the key', async () => {
    let failures = 3;
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      [BULK]: (request) => {
        if (failures > 0) {
          failures -= 1;
          return problem(503, { title: 'Service Unavailable' }, { 'Retry-After': '0' });
        }
        return answer(request);
      },
    });
    const { user } = render();
    await screen.findByTestId('customers-table');
    await user.click(checkbox('Acme Dental'));
    await user.click(checkbox('Bright Bakery'));
    await user.click(screen.getByTestId('bulk-resend-welcome'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('bulk-confirm'));

    let results = await screen.findByTestId('bulk-results');
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent('0 done, 0 refused, 2 not confirmed.');
    expect(within(results).getAllByTestId('bulk-result-unknown').map((item) => item.textContent)).toEqual([
      'Acme Dental: not confirmed — may have been done; reload to check.',
      'Bright Bakery: not confirmed — may have been done; reload to check.',
    ]);
    expect(within(results).queryByTestId('bulk-result-refused')).not.toBeInTheDocument();
    const sent = bulkCalls(requests);
    expect(sent).toHaveLength(3);
    const key = sent[0]?.headers.get('Idempotency-Key');
    expect(sent.map((call) => call.headers.get('Idempotency-Key'))).toEqual([key, key, key]);
    expect(sent.map((call) => call.body)).toEqual(Array(3).fill({ action: 'resendWelcome', customerIds: ['cus_1', 'cus_2'] }));

    await user.click(within(results).getByTestId('bulk-retry-unconfirmed'));
    await waitFor(() => expect(screen.getByTestId('bulk-results')).not.toBe(results));
    results = screen.getByTestId('bulk-results');
    expect(results).toHaveFocus();
    expect(within(results).getByTestId('bulk-results-counts')).toHaveTextContent('2 done, 0 refused.');
    expect(bulkCalls(requests).at(-1)?.headers.get('Idempotency-Key')).toBe(key);
    expect(bulkCalls(requests).at(-1)?.body).toEqual({ action: 'resendWelcome', customerIds: ['cus_1', 'cus_2'] });
  });
});
