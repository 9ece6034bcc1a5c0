import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { customRoleMe } from '../customers/fixtures';
import { captureDownloads } from '../test/downloads';
import { json, mockFetch, problem, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { dayBoundary } from './api';
import { auditRecords, chooserCustomers, sampleRoles, sampleUsers } from './fixtures';

const AUDIT = 'GET /api/v1/audit';
const lookups = {
  'GET /api/v1/users': () => json(200, { items: sampleUsers }),
  'GET /api/v1/customers': () => json(200, { items: chooserCustomers }),
  'GET /api/v1/roles': () => json(200, sampleRoles),
};

function renderAudit() {
  tokenStore.set(sampleToken);
  return renderApp('/admin/audit', sampleMe);
}

function auditQueries(requests: RecordedRequest[]): Record<string, string>[] {
  return requests.filter((request) => request.path === '/api/v1/audit').map((request) => Object.fromEntries(request.query));
}

function localTime(value: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(value));
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Administration > Security Audit', () => {
  it('shows the newest records first, naming targets, actions and outcomes', async () => {
    const { requests } = mockFetch({ ...lookups, [AUDIT]: () => json(200, { items: auditRecords }) });
    renderAudit();
    const table = await screen.findByTestId('audit-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Time',
      'User',
      'Action',
      'Target',
      'Outcome',
      'Source IP',
    ]);
    await waitFor(() => expect(table).toHaveTextContent('Acme Dental'));
    await waitFor(() => expect(table).toHaveTextContent('Help desk'));
    const rows = within(table)
      .getAllByTestId('audit-row')
      .map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    expect(rows).toEqual([
      [localTime('2026-01-10T12:00:00Z'), 'ada@example.com', 'Changed a role', 'Help desk', 'Succeeded', '198.51.100.20'],
      [localTime('2026-01-10T11:00:00Z'), 'ada@example.com', 'Added a customer', 'Acme Dental', 'Succeeded', '198.51.100.20'],
      [localTime('2026-01-10T10:00:00Z'), 'grace@example.com', 'Signed in', '', 'Failed — Incorrect password', '203.0.113.7'],
    ]);
    expect(auditQueries(requests)).toEqual([{ limit: '25' }]);
    expect(screen.getByTestId('audit-next')).toBeDisabled();
    expect(screen.getByTestId('audit-previous')).toBeDisabled();
  });

  it('filters by user, action, customer and dates, as RFC 3339 times', async () => {
    const { requests } = mockFetch({ ...lookups, [AUDIT]: () => json(200, { items: auditRecords.slice(1, 2) }) });
    const { user } = renderAudit();
    await screen.findByTestId('audit-table');
    const action = screen.getByLabelText('Action');
    // Every action the audit records can be chosen, by its label.
    expect(within(action).getByRole('option', { name: 'Added a user' })).toHaveValue('user.add');
    expect(within(action).getByRole('option', { name: 'Deleted a role' })).toHaveValue('role.delete');
    await waitFor(() => expect(within(screen.getByLabelText('Customer')).getAllByRole('option')).toHaveLength(5));

    await user.selectOptions(screen.getByLabelText('User'), 'Ada Lovelace (ada@example.com)');
    await user.selectOptions(action, 'Added a customer');
    await user.selectOptions(screen.getByLabelText('Customer'), 'Acme Dental');
    await user.type(screen.getByLabelText('From'), '2026-01-01');
    await user.type(screen.getByLabelText('To'), '2026-01-31');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));

    await waitFor(() => expect(auditQueries(requests)).toHaveLength(2));
    expect(auditQueries(requests)[1]).toEqual({
      user: 'usr_1',
      action: 'customer.add',
      customer: 'cus_1',
      from: dayBoundary('2026-01-01', false),
      to: dayBoundary('2026-01-31', true),
      limit: '25',
    });
    expect(new Date(dayBoundary('2026-01-31', true) ?? '').getHours()).toBe(23);
  });

  it('refuses an end date before the start date, and shows the server’s filter errors', async () => {
    const { requests } = mockFetch({
      ...lookups,
      [AUDIT]: (request) =>
        request.query.get('action')
          ? problem(422, {
              title: 'Validation failed',
              errors: [{ field: 'action', message: 'is not an action the audit trail records' }],
            })
          : json(200, { items: auditRecords }),
    });
    const { user } = renderAudit();
    await screen.findByTestId('audit-table');
    await user.type(screen.getByLabelText('From'), '2026-02-01');
    await user.type(screen.getByLabelText('To'), '2026-01-01');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(screen.getByText('The end date must not be before the start date.')).toBeInTheDocument();
    expect(auditQueries(requests)).toHaveLength(1);

    await user.clear(screen.getByLabelText('To'));
    await user.selectOptions(screen.getByLabelText('Action'), 'Signed in');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByText('is not an action the audit trail records')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('The records could not be loaded');
  });

  it('goes to the next page with the cursor, past empty filtered pages, and back', async () => {
    const { requests } = mockFetch({
      ...lookups,
      [AUDIT]: (request) => {
        switch (request.query.get('cursor')) {
          case null:
            return json(200, { items: auditRecords.slice(0, 1), nextCursor: 'c2' });
          case 'c2':
            return json(200, { items: [], nextCursor: 'c3' });
          default:
            return json(200, { items: auditRecords.slice(2) });
        }
      },
    });
    const { user } = renderAudit();
    await screen.findByTestId('audit-table');
    expect(screen.getAllByTestId('audit-row')).toHaveLength(1);
    await user.click(screen.getByTestId('audit-next'));
    await waitFor(() => expect(screen.getByTestId('audit-table')).toHaveTextContent('grace@example.com'));
    expect(screen.getAllByTestId('audit-row')).toHaveLength(1);
    expect(screen.getByTestId('audit-page-number')).toHaveTextContent('Page 2');
    expect(screen.getByTestId('audit-next')).toBeDisabled();
    expect(auditQueries(requests).map((query) => query.cursor)).toEqual([undefined, 'c2', 'c3']);

    await user.click(screen.getByTestId('audit-previous'));
    await waitFor(() => expect(screen.getByTestId('audit-table')).toHaveTextContent('Changed a role'));
    expect(screen.getByTestId('audit-page-number')).toHaveTextContent('Page 1');
  });

  it('exports the filtered records as security-audit.csv', async () => {
    const downloads = captureDownloads();
    try {
      const csv = 'At,Actor,Action\r\n';
      const { requests } = mockFetch({
        ...lookups,
        [AUDIT]: (request) =>
          request.query.get('format') === 'csv'
            ? new Response(csv, { status: 200, headers: { 'Content-Type': 'text/csv' } })
            : json(200, { items: auditRecords }),
      });
      const { user } = renderAudit();
      await screen.findByTestId('audit-table');
      await user.selectOptions(screen.getByLabelText('Action'), 'Signed in');
      await user.click(screen.getByRole('button', { name: 'Apply filters' }));
      await waitFor(() => expect(auditQueries(requests)).toHaveLength(2));
      await user.click(screen.getByTestId('audit-export-csv'));
      await waitFor(() => expect(downloads.names).toEqual(['security-audit.csv']));
      const download = requests.find((request) => request.query.get('format') === 'csv');
      expect(Object.fromEntries(download?.query ?? [])).toEqual({ action: 'auth.signIn', format: 'csv' });
      expect(download?.headers.get('Accept')).toBe('text/csv');
    } finally {
      downloads.restore();
    }
  });

  it('is not available to a role without the audit trail', async () => {
    const { requests } = mockFetch({});
    tokenStore.set(sampleToken);
    renderApp('/admin/audit', customRoleMe);
    expect(await screen.findByRole('heading', { name: 'Not available for your role' })).toBeInTheDocument();
    expect(requests).toEqual([]);
  });
});
