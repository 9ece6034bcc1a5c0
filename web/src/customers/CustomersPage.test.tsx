import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { customRoleMe, exspMe, pendingImport, sampleCatalog, sampleRows } from './fixtures';

const LIST = 'GET /api/v1/customers';
const CATALOG = 'GET /api/v1/catalog';
const IMPORT = 'POST /api/v1/customers/import';

function renderCustomers(path = '/customers') {
  tokenStore.set(sampleToken);
  return renderApp(path, exspMe);
}

function listRequests(requests: RecordedRequest[]): Record<string, string>[] {
  return requests
    .filter((request) => `${request.method} ${request.path}` === LIST)
    .map((request) => Object.fromEntries(request.query));
}

function lastListQuery(requests: RecordedRequest[]): Record<string, string> | undefined {
  return listRequests(requests).at(-1);
}

/** The text of each body row's cells. */
function bodyRows(table: HTMLElement): string[][] {
  return within(table)
    .getAllByTestId('customer-row')
    .map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent ?? ''));
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Customers page', () => {
  it('lists customers with the columns of the customer listing', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    renderCustomers();

    const table = await screen.findByTestId('customers-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      // The check box that selects every customer shown.
      '',
      'Customer▲',
      'Type↕',
      'Alerts',
      'Products',
      'Require Update',
      'Used/Capacity',
    ]);
    expect(bodyRows(table)).toEqual([
      [
        '',
        // The name, and the button that opens its pop-up.
        'Acme Dental▾United Kingdom',
        'Partner Managed',
        '2 errors 1 warning',
        'Endpoint Protection Cloud PaidEmail Security.cloud Trial',
        '3',
        '97 / 170',
      ],
      // Informational alerts alone get no badge.
      ['', 'Bright Bakery▾GermanyCompliance review', 'Customer Managed', '', 'None', '0', '0 / 0'],
    ]);
    expect(within(table).getByRole('link', { name: 'Acme Dental' })).toHaveAttribute('href', '/customers/cus_1');
    expect(screen.getByTestId('customers-summary')).toHaveTextContent('Showing 2 customers.');

    // The Alerts column: a red badge for errors and a yellow one for warnings, in words, linking to the open alerts.
    const [acme, bright] = within(table).getAllByTestId('customer-alerts');
    expect(within(acme!).getByText('2 errors')).toHaveClass('status', 'severity--error');
    expect(within(acme!).getByText('1 warning')).toHaveClass('status', 'severity--warning');
    expect(within(acme!).getByRole('link', { name: 'Acme Dental: 2 errors, 1 warning. View open alerts' })).toHaveAttribute(
      'href',
      '/alerts?customer=cus_1&status=open',
    );
    expect(bright).toBeEmptyDOMElement();

    expect(listRequests(requests)).toEqual([{ limit: '25' }]);
    expect(requests.find((request) => request.path === '/api/v1/customers')?.headers.get('Authorization')).toBe(
      'Bearer access-token-1',
    );
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Customers' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('add-customer')).toHaveAttribute('href', '/customers/new');
  });

  it('offers Add and Import only when the role allows them', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    tokenStore.set(sampleToken);
    renderApp('/customers', customRoleMe);
    await screen.findByTestId('customers-table');
    expect(screen.queryByTestId('add-customer')).not.toBeInTheDocument();
    expect(screen.queryByTestId('import-customer-open')).not.toBeInTheDocument();
    expect(screen.getByTestId('customers-export-csv')).toBeInTheDocument();
  });

  it('offers Add without Import when only adding is allowed', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    tokenStore.set(sampleToken);
    renderApp('/customers', { ...customRoleMe, can: { ...customRoleMe.can, addCustomers: true } });
    await screen.findByTestId('customers-table');
    expect(screen.getByTestId('add-customer')).toHaveAttribute('href', '/customers/new');
    expect(screen.queryByTestId('import-customer-open')).not.toBeInTheDocument();
  });

  it('searches by customer name on the server', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: (request) =>
        json(200, { items: request.query.get('q') === 'acme' ? sampleRows.slice(0, 1) : sampleRows }),
    });
    const { user } = renderCustomers();
    await screen.findByTestId('customers-table');

    await user.type(screen.getByRole('searchbox', { name: 'Search Customer' }), '  acme {Enter}');

    await waitFor(() => expect(screen.getAllByTestId('customer-row')).toHaveLength(1));
    expect(lastListQuery(requests)).toEqual({ limit: '25', q: 'acme' });
    expect(screen.getByTestId('customers-summary')).toHaveTextContent(
      'Showing 1 customer matching the search and filters.',
    );
  });

  it('sorts by name or type from the column headers, with aria-sort', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    const { user } = renderCustomers();
    await screen.findByTestId('customers-table');
    const customerHeader = () => screen.getByTestId('sort-name').closest('th');
    const typeHeader = () => screen.getByTestId('sort-type').closest('th');
    expect(customerHeader()).toHaveAttribute('aria-sort', 'ascending');
    expect(typeHeader()).not.toHaveAttribute('aria-sort');

    await user.click(screen.getByRole('button', { name: /^Customer/ }));
    await waitFor(() => expect(lastListQuery(requests)).toEqual({ limit: '25', sort: '-name' }));
    await waitFor(() => expect(customerHeader()).toHaveAttribute('aria-sort', 'descending'));

    await user.click(screen.getByTestId('sort-type'));
    await waitFor(() => expect(lastListQuery(requests)).toEqual({ limit: '25', sort: 'type' }));
    await waitFor(() => expect(typeHeader()).toHaveAttribute('aria-sort', 'ascending'));
    expect(customerHeader()).not.toHaveAttribute('aria-sort');

    await user.click(screen.getByTestId('sort-type'));
    await waitFor(() => expect(lastListQuery(requests)).toEqual({ limit: '25', sort: '-type' }));
    await waitFor(() => expect(typeHeader()).toHaveAttribute('aria-sort', 'descending'));
  });

  it('builds the query from the Filters panel, which starts at All', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    const { user } = renderCustomers();
    await screen.findByTestId('customers-table');
    const filters = screen.getByRole('complementary', { name: 'Filters' });
    const management = within(filters).getByRole('group', { name: 'Management Types' });
    const productTypes = within(filters).getByRole('group', { name: 'Product Types' });
    expect(within(management).getByRole('checkbox', { name: 'All' })).toBeChecked();
    expect(await within(productTypes).findByRole('checkbox', { name: /Email security/ })).not.toBeChecked();
    expect(within(productTypes).getByRole('checkbox', { name: 'All' })).toBeChecked();
    const alerts = within(filters).getByRole('group', { name: 'Alerts' });
    expect(within(alerts).getByRole('radio', { name: 'All' })).toBeChecked();

    await user.click(within(management).getByRole('checkbox', { name: 'Partner Managed' }));
    await user.click(screen.getByTestId('filter-management-coManaged'));
    await waitFor(() =>
      expect(lastListQuery(requests)).toEqual({ limit: '25', management: 'partnerManaged,coManaged' }),
    );
    expect(within(management).getByRole('checkbox', { name: 'All' })).not.toBeChecked();

    await user.click(screen.getByTestId('filter-product-type-email'));
    await user.click(within(filters).getByRole('checkbox', { name: /Require Update/ }));
    await user.click(within(alerts).getByRole('radio', { name: /Warning\+/ }));
    await waitFor(() =>
      expect(lastListQuery(requests)).toEqual({
        limit: '25',
        management: 'partnerManaged,coManaged',
        productType: 'email',
        requireUpdate: 'true',
        alerts: 'warning',
      }),
    );
    expect(within(alerts).getByRole('radio', { name: 'All' })).not.toBeChecked();

    await user.click(within(alerts).getByRole('radio', { name: /^Error/ }));
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ alerts: 'error' }));

    await user.click(screen.getByTestId('filter-management-all'));
    await waitFor(() =>
      expect(lastListQuery(requests)).toEqual({ limit: '25', productType: 'email', requireUpdate: 'true', alerts: 'error' }),
    );
    expect(screen.getByTestId('filter-management-all')).toBeChecked();

    await user.click(screen.getByTestId('filter-alerts-all'));
    await waitFor(() =>
      expect(lastListQuery(requests)).toEqual({ limit: '25', productType: 'email', requireUpdate: 'true' }),
    );
    expect(screen.getByTestId('filter-management-all')).toBeChecked();

    await user.click(screen.getByTestId('filters-clear'));
    await waitFor(() => expect(lastListQuery(requests)).toEqual({ limit: '25' }));
    expect(screen.getByTestId('filter-require-update')).not.toBeChecked();
  });

  it('reads the filters from the address, so a link or Back keeps the view', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: [] }),
    });
    renderCustomers('/customers?q=den&sort=-type&management=coManaged,bogus&requireUpdate=true&alerts=error');
    expect(await screen.findByText('No customers match the search and filters.')).toBeInTheDocument();
    expect(lastListQuery(requests)).toEqual({
      limit: '25',
      q: 'den',
      sort: '-type',
      management: 'coManaged',
      requireUpdate: 'true',
      alerts: 'error',
    });
    expect(screen.getByTestId('customer-search')).toHaveValue('den');
    expect(screen.getByTestId('filter-alerts-error')).toBeChecked();
    expect(screen.getByTestId('filter-management-coManaged')).toBeChecked();
  });

  it('keeps loading past empty filtered pages and appends "Load more" pages', async () => {
    const [first, second] = sampleRows;
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: (request) => {
        switch (request.query.get('cursor')) {
          case null:
            return json(200, { items: [], nextCursor: 'c1' });
          case 'c1':
            return json(200, { items: [first], nextCursor: 'c2' });
          default:
            return json(200, { items: [second] });
        }
      },
    });
    const { user } = renderCustomers('/customers?management=partnerManaged');

    await waitFor(() => expect(screen.getAllByTestId('customer-row')).toHaveLength(1));
    expect(screen.getByTestId('customers-summary')).toHaveTextContent('Showing 1 customer — more are available');
    expect(listRequests(requests).map((query) => query.cursor)).toEqual([undefined, 'c1']);

    await user.click(screen.getByTestId('customers-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('customer-row')).toHaveLength(2));
    expect(lastListQuery(requests)).toEqual({ limit: '25', management: 'partnerManaged', cursor: 'c2' });
    expect(screen.queryByTestId('customers-load-more')).not.toBeInTheDocument();
  });

  it('shows a failed load and tries again', async () => {
    let calls = 0;
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => {
        calls += 1;
        return calls === 1 ? problem(503, { title: 'Service Unavailable' }) : json(200, { items: sampleRows });
      },
    });
    const { user } = renderCustomers();
    expect(await screen.findByRole('alert')).toHaveTextContent('Customers could not be loaded');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('customers-table')).toBeInTheDocument();
  });

  describe('Export CSV', () => {
    const createObjectURL = vi.fn<(blob: Blob) => string>(() => 'blob:http://localhost/customers');
    const revokeObjectURL = vi.fn();
    const originals = (['createObjectURL', 'revokeObjectURL'] as const).map(
      (name) => [name, Object.getOwnPropertyDescriptor(URL, name)] as const,
    );

    beforeEach(() => {
      Object.assign(URL, { createObjectURL, revokeObjectURL });
    });

    afterEach(() => {
      for (const [name, descriptor] of originals) {
        if (descriptor) Object.defineProperty(URL, name, descriptor);
        else Reflect.deleteProperty(URL, name);
      }
    });

    it('downloads the whole filtered list as customers.csv', async () => {
      const csv = 'Customer,Type\r\nAcme Dental,Partner Managed\r\n';
      const saved: string[] = [];
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        saved.push(this.download);
      });
      const { requests } = mockFetch({
        [CATALOG]: () => json(200, sampleCatalog),
        [LIST]: (request) =>
          request.query.get('format') === 'csv'
            ? new Response(csv, { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
            : json(200, { items: sampleRows, nextCursor: 'more' }),
      });
      const { user } = renderCustomers('/customers?q=acme&productType=endpoint,email&sort=type&alerts=warning');
      await screen.findByTestId('customers-table');

      await user.click(screen.getByTestId('customers-export-csv'));

      await waitFor(() => expect(saved).toEqual(['customers.csv']));
      const download = requests.find((request) => request.query.get('format') === 'csv');
      expect(Object.fromEntries(download?.query ?? [])).toEqual({
        q: 'acme',
        sort: 'type',
        productType: 'endpoint,email',
        alerts: 'warning',
        format: 'csv',
      });
      expect(download?.headers.get('Accept')).toBe('text/csv');
      expect(download?.headers.get('Authorization')).toBe('Bearer access-token-1');
      await expect(createObjectURL.mock.calls[0]?.[0].text()).resolves.toBe(csv);
    });
  });
});

describe('Import Existing Customer', () => {
  async function openImport(user: ReturnType<typeof renderCustomers>['user']) {
    await user.click(await screen.findByTestId('import-customer-open'));
    return screen.getByRole('dialog', { name: 'Import Customer' });
  }

  it('sends the email with an idempotency key and shows the request as sent', async () => {
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      [IMPORT]: () => json(202, pendingImport),
    });
    const { user } = renderCustomers();
    const dialog = await openImport(user);

    await user.type(within(dialog).getByTestId('import-email'), ' admin@cobalt.example ');
    await user.click(within(dialog).getByTestId('import-send'));

    expect(await within(dialog).findByText('Request sent')).toBeInTheDocument();
    expect(within(dialog).getByTestId('import-sent')).toHaveFocus();
    expect(dialog).toHaveTextContent('If admin@cobalt.example is the login of a customer account');
    expect(dialog).toHaveTextContent('Pending');
    const sent = requests.find((request) => `${request.method} ${request.path}` === IMPORT);
    expect(sent?.body).toEqual({ email: 'admin@cobalt.example' });
    expect(sent?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(within(dialog).getByRole('link', { name: 'View request status' })).toHaveAttribute(
      'href',
      '/customers/requests',
    );

    await user.click(within(dialog).getByTestId('import-done'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('checks the email first, shows a 422 under the field and a 409 as an alert', async () => {
    let calls = 0;
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      [IMPORT]: () => {
        calls += 1;
        return calls === 1
          ? problem(422, {
              title: 'Validation failed',
              errors: [{ field: 'email', message: 'no customer account uses this email address' }],
            })
          : problem(409, { title: 'Conflict', detail: 'This customer is already in your customer list.' });
      },
    });
    const { user } = renderCustomers();
    const dialog = await openImport(user);
    const email = within(dialog).getByTestId('import-email');

    await user.click(within(dialog).getByTestId('import-send'));
    expect(email).toHaveAccessibleDescription('Enter an email address.');
    expect(requests.some((request) => request.path === '/api/v1/customers/import')).toBe(false);

    await user.type(email, 'nobody@example.com');
    await user.click(within(dialog).getByTestId('import-send'));
    await waitFor(() => expect(email).toHaveAccessibleDescription('No customer account uses this email address'));
    expect(email).toHaveFocus();

    await user.clear(email);
    await user.type(email, 'it@acme.example');
    await user.click(within(dialog).getByTestId('import-send'));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('This customer cannot be imported now');
    expect(alert).toHaveTextContent('This customer is already in your customer list.');
    const keys = requests.filter((request) => request.path === '/api/v1/customers/import').map((r) => r.headers.get('Idempotency-Key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });
});
