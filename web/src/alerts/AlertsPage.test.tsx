import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { dayBoundary } from '../admin/api';
import type { MeResponse } from '../api/client';
import { chooserCustomers, sampleUsers } from '../admin/fixtures';
import { tokenStore } from '../auth/tokenStore';
import { customRoleMe } from '../customers/fixtures';
import { formatDateTime } from '../customers/labels';
import { captureDownloads } from '../test/downloads';
import { sampleDashboard } from '../home/fixtures';
import { json, mockFetch, noActivity, problem, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { alertsTsv } from './AlertListView';
import { alertPage, consentAlert, manyAlerts, offlineAlert, riskAlert, sampleAlerts } from './fixtures';
import type { Alert } from './types';

const LIST = 'GET /api/v1/alerts';
const DISMISS = 'POST /api/v1/alerts/dismiss';
const lookups = {
  'GET /api/v1/users': () => json(200, { items: sampleUsers, nextCursor: null }),
  'GET /api/v1/customers': () => json(200, { items: chooserCustomers, nextCursor: null }),
};

/** The first request of a page with no filters in its address. */
const FIRST_QUERY = { sort: 'date', order: 'desc', status: 'open', limit: '50' };

function renderAlerts(path = '/alerts', me: MeResponse = sampleMe) {
  tokenStore.set(sampleToken);
  return renderApp(path, me);
}

function listQueries(requests: RecordedRequest[]): Record<string, string>[] {
  return requests
    .filter((request) => `${request.method} ${request.path}` === LIST && request.query.get('format') === null)
    .map((request) => Object.fromEntries(request.query));
}

function lastListQuery(requests: RecordedRequest[]): Record<string, string> | undefined {
  return listQueries(requests).at(-1);
}

function dismissBodies(requests: RecordedRequest[]): unknown[] {
  return requests.filter((request) => `${request.method} ${request.path}` === DISMISS).map((request) => request.body);
}

function rows(): HTMLElement[] {
  return screen.getAllByTestId('alert-row');
}

function row(id: string): HTMLElement {
  const found = rows().find((element) => element.dataset.alertId === id);
  if (!found) throw new Error(`No row for ${id}`);
  return found;
}

/** The text of each body row's cells after the check box. */
function bodyRows(): string[][] {
  return rows().map((element) =>
    within(element)
      .getAllByRole('cell')
      .slice(1)
      .map((cell) => cell.textContent ?? ''),
  );
}

const localTime = formatDateTime;

beforeEach(() => {
  tokenStore.clear();
});

describe('Alerts page', () => {
  it('lists the open alerts newest first with the columns of Table 4-1', async () => {
    const { requests } = mockFetch({ ...lookups, [LIST]: () => json(200, alertPage(sampleAlerts)) });
    renderAlerts();

    const table = await screen.findByTestId('alerts-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      '',
      'Severity↕',
      'Delivered to↕',
      'Subject↕',
      'Date and Time▼',
    ]);
    expect(within(table).getByRole('columnheader', { name: /Date and Time/ })).toHaveAttribute('aria-sort', 'descending');
    expect(bodyRows()).toEqual([
      ['Error', 'Acme Dental', 'Unresolved risk on RECEPTION-013 occurrences', localTime(riskAlert.raisedAt)],
      ['Warning', 'Bright Bakery', 'OVEN-PC has been offline for 7 days', localTime(offlineAlert.raisedAt)],
      ['Informational', '—', 'Cobalt Clinic approved your request', localTime(consentAlert.raisedAt)],
    ]);
    // The severity is in words as well as in its colour.
    expect(within(row('alr_1')).getByText('Error')).toHaveClass('severity', 'severity--error');
    expect(within(row('alr_2')).getByText('Warning')).toHaveClass('severity--warning');
    expect(within(row('alr_3')).getByText('Informational')).toHaveClass('severity--informational');
    expect(screen.getByTestId('alerts-summary')).toHaveTextContent('Showing 3 alerts.');

    expect(listQueries(requests)).toEqual([FIRST_QUERY]);
    expect(requests.find((request) => request.path === '/api/v1/alerts')?.headers.get('Authorization')).toBe(
      'Bearer access-token-1',
    );
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Alerts' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: 'Alert notification rules' })).toHaveAttribute(
      'href',
      '/admin/alert-notifications',
    );
    expect(screen.getByLabelText('Status')).toHaveValue('open');
    expect(screen.getByTestId('dismiss-alerts')).toBeDisabled();
  });

  it('reads the filters from the address, as the Home page links to a customer’s open alerts', async () => {
    const { requests } = mockFetch({ ...lookups, [LIST]: () => json(200, alertPage([riskAlert])) });
    renderAlerts('/alerts?customer=cus_1&status=open');
    await screen.findByTestId('alerts-table');
    expect(listQueries(requests)).toEqual([{ ...FIRST_QUERY, customer: 'cus_1' }]);
    await waitFor(() => expect(screen.getByLabelText('Customer')).toHaveDisplayValue('Acme Dental'));
  });

  it('opens from a Customer Issues row on Home with that customer’s open alerts', async () => {
    const { requests } = mockFetch({
      ...noActivity,
      'GET /api/v1/dashboard': () => json(200, sampleDashboard),
      ...lookups,
      [LIST]: () => json(200, alertPage([riskAlert])),
    });
    const { user } = renderAlerts('/');
    const issues = await screen.findByTestId('issues-table');
    await user.click(within(issues).getByRole('link', { name: 'Acme Dental' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Alerts' })).toBeInTheDocument();
    await screen.findByTestId('alerts-table');
    expect(listQueries(requests)).toEqual([{ ...FIRST_QUERY, customer: 'cus_1' }]);
  });

  it('sends every filter as the API’s parameters and reloads when one changes', async () => {
    const { requests } = mockFetch({ ...lookups, [LIST]: () => json(200, alertPage(sampleAlerts)) });
    const { user } = renderAlerts();
    await screen.findByTestId('alerts-table');
    await within(screen.getByLabelText('Customer')).findByRole('option', { name: 'Bright Bakery' });
    await within(screen.getByLabelText('User')).findByRole('option', { name: 'Grace Hopper (grace@example.com)' });

    await user.selectOptions(screen.getByLabelText('Customer'), 'Bright Bakery');
    await waitFor(() => expect(lastListQuery(requests)).toEqual({ ...FIRST_QUERY, customer: 'cus_2' }));

    await user.selectOptions(screen.getByLabelText('User'), 'Grace Hopper (grace@example.com)');
    await user.selectOptions(screen.getByLabelText('Alert type'), 'Computer offline');
    await user.selectOptions(screen.getByLabelText('Severity'), 'Warning');
    await user.selectOptions(screen.getByLabelText('Status'), 'All');
    await user.type(screen.getByLabelText('Computer'), '  OVEN-PC {Enter}');
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-01-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-01-31' } });

    const everything = {
      sort: 'date',
      order: 'desc',
      customer: 'cus_2',
      user: 'usr_2',
      type: 'computerOffline',
      severity: 'warning',
      computer: 'OVEN-PC',
      from: dayBoundary('2026-01-01', false),
      to: dayBoundary('2026-01-31', true),
      limit: '50',
    };
    await waitFor(() => expect(lastListQuery(requests)).toEqual(everything));
    // "All" statuses sends no status.
    expect(lastListQuery(requests)).not.toHaveProperty('status');

    await user.selectOptions(screen.getByLabelText('Status'), 'Dismissed');
    await waitFor(() => expect(lastListQuery(requests)).toEqual({ ...everything, status: 'dismissed' }));

    await user.click(screen.getByTestId('alerts-clear'));
    await waitFor(() => expect(lastListQuery(requests)).toEqual(FIRST_QUERY));
    expect(screen.getByLabelText('Computer')).toHaveValue('');
  });

  it('does not ask for an end date before the start date', async () => {
    const { requests } = mockFetch({ ...lookups, [LIST]: () => json(200, alertPage(sampleAlerts)) });
    renderAlerts('/alerts?from=2026-02-01&to=2026-01-01');
    expect(await screen.findByText('The end date must not be before the start date.')).toBeInTheDocument();
    expect(screen.getByLabelText('To')).toHaveAttribute('aria-invalid', 'true');
    expect(listQueries(requests)).toEqual([]);
  });

  it('sorts from the Severity, Delivered to, Subject and Date headers, with aria-sort', async () => {
    const { requests } = mockFetch({ ...lookups, [LIST]: () => json(200, alertPage(sampleAlerts)) });
    const { user } = renderAlerts();
    await screen.findByTestId('alerts-table');
    const header = (column: string) => screen.getByTestId(`alerts-sort-${column}`).closest('th');

    // Most severe first, then the other way round.
    await user.click(screen.getByRole('button', { name: /^Severity/ }));
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ sort: 'severity', order: 'desc' }));
    await waitFor(() => expect(header('severity')).toHaveAttribute('aria-sort', 'descending'));
    expect(header('date')).not.toHaveAttribute('aria-sort');

    await user.click(screen.getByTestId('alerts-sort-severity'));
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ sort: 'severity', order: 'asc' }));
    await waitFor(() => expect(header('severity')).toHaveAttribute('aria-sort', 'ascending'));

    await user.click(screen.getByTestId('alerts-sort-customer'));
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ sort: 'customer', order: 'asc' }));
    await user.click(screen.getByTestId('alerts-sort-subject'));
    await waitFor(() => expect(lastListQuery(requests)).toMatchObject({ sort: 'subject', order: 'asc' }));
    await waitFor(() => expect(header('subject')).toHaveAttribute('aria-sort', 'ascending'));

    await user.click(screen.getByTestId('alerts-sort-date'));
    await waitFor(() => expect(lastListQuery(requests)).toEqual(FIRST_QUERY));
    await user.click(screen.getByTestId('alerts-sort-date'));
    await waitFor(() => expect(lastListQuery(requests)).toEqual({ ...FIRST_QUERY, order: 'asc' }));
    await waitFor(() => expect(header('date')).toHaveAttribute('aria-sort', 'ascending'));
  });

  it('keeps the sort in the address', async () => {
    const { requests } = mockFetch({ ...lookups, [LIST]: () => json(200, alertPage(sampleAlerts)) });
    renderAlerts('/alerts?sort=customer&order=desc&severity=bogus');
    await screen.findByTestId('alerts-table');
    expect(listQueries(requests)).toEqual([{ ...FIRST_QUERY, sort: 'customer', order: 'desc' }]);
    expect(screen.getByTestId('alerts-sort-customer').closest('th')).toHaveAttribute('aria-sort', 'descending');
  });

  it('dismisses the selected alerts and reloads the list', async () => {
    let dismissed = new Set<string>();
    const { requests } = mockFetch({
      ...lookups,
      [LIST]: () => json(200, alertPage(sampleAlerts.filter((alert) => !dismissed.has(alert.id)))),
      [DISMISS]: (request) => {
        const { ids } = request.body as { ids: string[] };
        dismissed = new Set([...dismissed, ...ids]);
        return json(200, { dismissed: ids.length });
      },
    });
    const { user } = renderAlerts();
    await screen.findByTestId('alerts-table');

    await user.click(within(row('alr_1')).getByRole('checkbox', { name: 'Select Unresolved risk on RECEPTION-01' }));
    await user.click(within(row('alr_3')).getByTestId('alert-select'));
    expect(screen.getByTestId('alerts-selected')).toHaveTextContent('2 selected.');
    expect(screen.getByTestId('alerts-select-all')).toHaveProperty('indeterminate', true);
    // Selecting does not open the alert.
    expect(screen.queryByTestId('alert-pane')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Dismiss Alerts' }));

    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(dismissBodies(requests)).toEqual([{ ids: ['alr_1', 'alr_3'] }]);
    expect(listQueries(requests)).toHaveLength(2);
    expect(screen.getByText('2 alerts dismissed.')).toBeInTheDocument();
    expect(screen.getByTestId('dismiss-alerts')).toBeDisabled();
  });

  it('dismisses more than 25 selected alerts in requests of at most 25', async () => {
    const alerts = manyAlerts(30);
    const { requests } = mockFetch({
      ...lookups,
      [LIST]: () => json(200, alertPage(alerts)),
      [DISMISS]: (request) => json(200, { dismissed: (request.body as { ids: string[] }).ids.length }),
    });
    const { user } = renderAlerts();
    await screen.findByTestId('alerts-table');

    await user.click(screen.getByRole('checkbox', { name: 'Select all alerts on this page' }));
    expect(screen.getAllByTestId('alert-select').every((box) => (box as HTMLInputElement).checked)).toBe(true);
    await user.click(screen.getByTestId('dismiss-alerts'));

    expect(await screen.findByText('30 alerts dismissed.')).toBeInTheDocument();
    const ids = alerts.map((alert) => alert.id);
    expect(dismissBodies(requests)).toEqual([{ ids: ids.slice(0, 25) }, { ids: ids.slice(25) }]);
  });

  it('says which dismissing failed, keeps the selection and still reloads', async () => {
    let calls = 0;
    const alerts = manyAlerts(27);
    const { requests } = mockFetch({
      ...lookups,
      [LIST]: () => json(200, alertPage(alerts)),
      [DISMISS]: () => {
        calls += 1;
        return calls === 1 ? json(200, { dismissed: 25 }) : problem(404, { title: 'Not Found', detail: 'No alert alr_125.' });
      },
    });
    const { user } = renderAlerts();
    await screen.findByTestId('alerts-table');
    await user.click(screen.getByTestId('alerts-select-all'));
    await user.click(screen.getByTestId('dismiss-alerts'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Only 25 of 27 alerts were dismissed');
    expect(alert).toHaveTextContent('Not Found: No alert alr_125.');
    await waitFor(() => expect(listQueries(requests)).toHaveLength(2));
    await waitFor(() => expect(screen.getByTestId('alerts-selected')).toHaveTextContent('27 selected.'));
  });

  it('opens an alert in the viewing pane, with its body’s line breaks, and Escape closes it', async () => {
    mockFetch({ ...lookups, [LIST]: () => json(200, alertPage(sampleAlerts)) });
    const { user } = renderAlerts();
    await screen.findByTestId('alerts-table');
    expect(screen.getByTestId('alerts-layout')).not.toHaveClass('alerts-layout--pane-open');

    // A click anywhere on the row opens it.
    await user.click(within(row('alr_1')).getByText('Acme Dental'));
    const pane = screen.getByTestId('alert-pane');
    expect(pane).toHaveAttribute('data-alert-id', 'alr_1');
    expect(within(pane).getByRole('heading', { name: 'Unresolved risk on RECEPTION-01' })).toBeInTheDocument();
    expect(pane).toHaveFocus();
    const details = Object.fromEntries(
      within(pane)
        .getAllByRole('term')
        .map((term) => [term.textContent, term.nextElementSibling?.textContent]),
    );
    expect(details).toEqual({
      Severity: 'Error',
      'Alert type': 'Unresolved riskEndpoint Protection',
      'Delivered to': 'Acme Dental',
      Computer: 'RECEPTION-01',
      User: 'Grace Hopper',
      Raised: localTime(riskAlert.raisedAt),
      'Last updated': localTime(riskAlert.updatedAt),
      Occurrences: '3',
      Status: 'Open',
    });
    const body = within(pane).getByTestId('alert-body');
    expect(body.querySelectorAll('br')).toHaveLength(2);
    expect(Array.from(body.children, (line) => line.textContent)).toEqual([
      'Trojan.Invoicer was found on RECEPTION-01.',
      'It could not be removed.',
      'Run a full scan.',
    ]);
    // Wide screens put the pane beside the list; the layout's class stacks it below on narrow ones.
    expect(screen.getByTestId('alerts-layout')).toHaveClass('alerts-layout', 'alerts-layout--pane-open');
    expect(within(row('alr_1')).getByTestId('alert-open')).toHaveAttribute('aria-expanded', 'true');

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('alert-pane')).not.toBeInTheDocument();
    expect(within(row('alr_1')).getByTestId('alert-open')).toHaveFocus();
    expect(screen.getByTestId('alerts-layout')).not.toHaveClass('alerts-layout--pane-open');
  });

  it('opens alerts from the keyboard and closes the pane with its button', async () => {
    mockFetch({ ...lookups, [LIST]: () => json(200, alertPage(sampleAlerts)) });
    const { user } = renderAlerts();
    await screen.findByTestId('alerts-table');

    within(row('alr_3')).getByRole('button', { name: 'Cobalt Clinic approved your request' }).focus();
    await user.keyboard('{Enter}');
    const pane = screen.getByRole('complementary', { name: 'Cobalt Clinic approved your request' });
    expect(within(pane).getByText('Delivered to').nextElementSibling).toHaveTextContent('—');
    expect(within(pane).queryByText('Computer')).not.toBeInTheDocument();

    await user.click(within(pane).getByRole('button', { name: 'Close alert' }));
    expect(screen.queryByTestId('alert-pane')).not.toBeInTheDocument();
  });

  it('shows the alerts as a plain table in list view and copies it as tab-separated text', async () => {
    const withTab: Alert = { ...riskAlert, subject: 'Tab\there', body: 'Line one\nLine "two"' };
    mockFetch({ ...lookups, [LIST]: () => json(200, alertPage([withTab, offlineAlert])) });
    const { user } = renderAlerts();
    await screen.findByTestId('alerts-table');

    const toggle = screen.getByRole('button', { name: 'List view' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');

    const plain = screen.getByTestId('alerts-list-view');
    expect(screen.queryByTestId('alerts-table')).not.toBeInTheDocument();
    expect(screen.queryByTestId('dismiss-alerts')).not.toBeInTheDocument();
    expect(within(plain).queryAllByRole('button')).toEqual([]);
    expect(within(plain).queryAllByRole('checkbox')).toEqual([]);
    expect(within(plain).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Severity',
      'Delivered to',
      'Subject',
      'Date and Time',
      'Alert type',
      'Service',
      'Computer',
      'User',
      'Status',
      'Occurrences',
      'Updated',
      'Body',
    ]);
    const cells = within(plain).getAllByRole('row')[1]?.querySelectorAll('td') ?? [];
    expect(Array.from(cells, (cell) => cell.textContent)).toEqual([
      'Error',
      'Acme Dental',
      'Tab\there',
      localTime(riskAlert.raisedAt),
      'Unresolved risk',
      'Endpoint Protection',
      'RECEPTION-01',
      'Grace Hopper',
      'Open',
      '3',
      localTime(riskAlert.updatedAt),
      'Line one\nLine "two"',
    ]);

    await user.click(screen.getByRole('button', { name: 'Copy table' }));
    const copied = await navigator.clipboard.readText();
    expect(copied).toBe(alertsTsv([withTab, offlineAlert]));
    const lines = copied.split('\r\n');
    expect(lines[0]).toBe(
      'Severity\tDelivered to\tSubject\tDate and Time\tAlert type\tService\tComputer\tUser\tStatus\tOccurrences\tUpdated\tBody',
    );
    expect(lines[1]).toBe(
      `Error\tAcme Dental\t"Tab\there"\t${localTime(riskAlert.raisedAt)}\tUnresolved risk\tEndpoint Protection\tRECEPTION-01\tGrace Hopper\tOpen\t3\t${localTime(riskAlert.updatedAt)}\t"Line one\nLine ""two"""`,
    );
    expect(await screen.findByText('Copied')).toBeInTheDocument();

    await user.click(toggle);
    expect(screen.getByTestId('alerts-table')).toBeInTheDocument();
  });

  it('exports the filtered alerts as CSV with the same filters', async () => {
    const downloads = captureDownloads();
    try {
      const csv = 'Severity,Delivered to,Subject\r\nError,Acme Dental,Unresolved risk\r\n';
      const { requests } = mockFetch({
        ...lookups,
        [LIST]: (request) =>
          request.query.get('format') === 'csv'
            ? new Response(csv, { status: 200, headers: { 'Content-Type': 'text/csv' } })
            : json(200, alertPage(sampleAlerts, 'more')),
      });
      const { user } = renderAlerts('/alerts?customer=cus_1&severity=error&type=unresolvedRisk&sort=subject&order=asc');
      await screen.findByTestId('alerts-table');

      await user.click(screen.getByRole('button', { name: 'Export alerts as CSV' }));

      await waitFor(() => expect(downloads.names).toEqual(['alerts.csv']));
      const download = requests.find((request) => request.query.get('format') === 'csv');
      expect(Object.fromEntries(download?.query ?? [])).toEqual({
        sort: 'subject',
        order: 'asc',
        customer: 'cus_1',
        type: 'unresolvedRisk',
        severity: 'error',
        status: 'open',
        format: 'csv',
      });
      expect(download?.headers.get('Accept')).toBe('text/csv');
      expect(download?.headers.get('Authorization')).toBe('Bearer access-token-1');
      await expect(downloads.blobs[0]?.text()).resolves.toBe(csv);
    } finally {
      downloads.restore();
    }
  });

  it('loads more with the next cursor, past short and empty pages', async () => {
    const [first, second, third] = sampleAlerts as [Alert, Alert, Alert];
    const { requests } = mockFetch({
      ...lookups,
      [LIST]: (request) => {
        switch (request.query.get('cursor')) {
          case null:
            return json(200, alertPage([], 'c1'));
          case 'c1':
            return json(200, alertPage([first], 'c2'));
          case 'c2':
            return json(200, alertPage([second], 'c3'));
          default:
            return json(200, alertPage([third]));
        }
      },
    });
    const { user } = renderAlerts('/alerts?severity=error');

    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(listQueries(requests).map((query) => query.cursor)).toEqual([undefined, 'c1']);
    expect(screen.getByTestId('alerts-summary')).toHaveTextContent('Showing 1 alert — more are available.');

    await user.click(screen.getByRole('button', { name: 'More' }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(lastListQuery(requests)).toEqual({ ...FIRST_QUERY, severity: 'error', cursor: 'c2' });

    await user.click(screen.getByTestId('alerts-more'));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.queryByTestId('alerts-more')).not.toBeInTheDocument();
    expect(rows().map((element) => element.dataset.alertId)).toEqual(['alr_1', 'alr_2', 'alr_3']);
  });

  it('shows why the list could not be loaded and tries again', async () => {
    let calls = 0;
    mockFetch({
      ...lookups,
      [LIST]: () => {
        calls += 1;
        return calls === 1
          ? problem(404, { title: 'Not Found', detail: 'No customer cus_404.' })
          : json(200, alertPage(sampleAlerts));
      },
    });
    const { user } = renderAlerts('/alerts?customer=cus_404');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The alerts could not be loaded');
    expect(alert).toHaveTextContent('Not Found: No customer cus_404.');
    // The chosen customer stays chosen although the list does not name it.
    await waitFor(() => expect(screen.getByLabelText('Customer')).toHaveDisplayValue('This customer'));
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('alerts-table')).toBeInTheDocument();
  });

  it('says when no alert matches', async () => {
    mockFetch({ ...lookups, [LIST]: () => json(200, alertPage([])) });
    renderAlerts();
    expect(await screen.findByText('No alerts match these filters.')).toBeInTheDocument();
    expect(screen.queryByTestId('dismiss-alerts')).not.toBeInTheDocument();
  });

  it('does not ask for the users when the role does not see them', async () => {
    const { requests } = mockFetch({
      'GET /api/v1/customers': lookups['GET /api/v1/customers'],
      [LIST]: () => json(200, alertPage(sampleAlerts)),
    });
    renderAlerts('/alerts?user=usr_2', customRoleMe);
    await screen.findByTestId('alerts-table');
    expect(requests.some((request) => request.path === '/api/v1/users')).toBe(false);
    expect(listQueries(requests)).toEqual([{ ...FIRST_QUERY, user: 'usr_2' }]);
    // The loaded alerts name the chosen user.
    expect(screen.getByLabelText('User')).toHaveDisplayValue('Grace Hopper');
  });
});
