import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConsentRequest } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { approvedImport, exspMe, pendingImport, pendingManagement } from './fixtures';

const REQUESTS = 'GET /api/v1/consent-requests';
const COMPANY = 'GET /api/v1/company';

const reminders = { enabled: true, afterSendingHours: 24, beforeExpiryHours: 24, max: 2 };

/** My Company as the page reads it for the reminder setting. */
function companyWith(consentReminders: typeof reminders) {
  return () =>
    json(
      200,
      {
        company: exspMe.partner.company,
        contact: exspMe.partner.contact,
        program: 'exsp',
        support: {},
        language: 'en',
        consentReminders,
        version: 2,
      },
      { ETag: '"2"' },
    );
}

function localTime(value: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(value));
}

/** Answers the pending view and the Request Status table from the given requests. */
function requestRoutes(all: () => ConsentRequest[]) {
  return {
    [COMPANY]: companyWith(reminders),
    [REQUESTS]: (request: RecordedRequest) => {
      const status = request.query.get('status');
      const type = request.query.get('type');
      return json(200, {
        items: all().filter((item) => (status === null || item.status === status) && (type === null || item.type === type)),
      });
    },
  };
}

function renderRequests() {
  tokenStore.set(sampleToken);
  return renderApp('/customers/requests', exspMe);
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Requests page', () => {
  it('shows pending requests of both kinds and the import Request Status table', async () => {
    const { requests } = mockFetch(requestRoutes(() => [pendingImport, pendingManagement, approvedImport]));
    renderRequests();

    const pending = await screen.findByRole('table', { name: 'Waiting for the customer’s approval' });
    const rows = within(pending).getAllByTestId('pending-request-row');
    expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual([
      'Import',
      'Management change to Partner Managed',
    ]);
    expect(rows[0]).toHaveTextContent(localTime(pendingImport.expiresAt));
    expect(rows[0]).toHaveTextContent('Sent 2 times');
    expect(within(rows[1] as HTMLElement).getByRole('link', { name: 'Acme Dental' })).toHaveAttribute(
      'href',
      '/customers/cus_1',
    );

    const status = screen.getByRole('table', { name: 'Request Status' });
    expect(within(status).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Requested At',
      'Email',
      'Status',
      'Updated At',
      'Customer',
    ]);
    expect(
      within(status)
        .getAllByTestId('import-request-row')
        .map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent)),
    ).toEqual([
      [localTime(pendingImport.requestedAt), 'admin@cobalt.example', 'Pending', localTime(pendingImport.updatedAt), 'Shown once approved'],
      [localTime(approvedImport.requestedAt), 'owner@delta.example', 'Approved', localTime(approvedImport.updatedAt), 'Delta Dentistry'],
    ]);

    const queries = requests.map((request) => Object.fromEntries(request.query));
    expect(queries).toEqual(
      expect.arrayContaining([
        { status: 'pending', limit: '25' },
        { type: 'import', limit: '25' },
      ]),
    );
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Requests' })).toHaveAttribute('aria-current', 'page');
  });

  it('shows how many reminders went, when the last went and when the next is planned', async () => {
    const reminded: ConsentRequest = {
      ...pendingImport,
      remindersSent: 1,
      lastRemindedAt: '2026-01-13T14:30:00Z',
      nextReminderAt: '2026-01-18T14:30:00Z',
    };
    mockFetch(requestRoutes(() => [reminded, pendingManagement]));
    renderRequests();

    const pending = await screen.findByRole('table', { name: 'Waiting for the customer’s approval' });
    expect(within(pending).getAllByRole('columnheader').map((header) => header.textContent)).toContain('Reminders');
    await waitFor(() => expect(screen.getAllByTestId('request-reminders')[0]).toHaveTextContent('1 of 2'));
    const [first, second] = screen.getAllByTestId('request-reminders') as [HTMLElement, HTMLElement];
    expect(first).toHaveTextContent(
      `1 of 2, last ${localTime('2026-01-13T14:30:00Z')}Next ${localTime('2026-01-18T14:30:00Z')}`,
    );
    expect(second).toHaveTextContent(/^0 of 2$/);
    // The times are machine-readable, as in the other columns.
    const times = [...first.querySelectorAll('time')].map((time) => time.getAttribute('datetime'));
    expect(times).toEqual(['2026-01-13T14:30:00Z', '2026-01-18T14:30:00Z']);
  });

  it('counts the reminders sent when the setting now allows fewer, and marks one not delivered', async () => {
    const reminded: ConsentRequest = {
      ...pendingImport,
      remindersSent: 3,
      lastRemindedAt: '2026-01-13T14:30:00Z',
      lastReminderFailed: true,
    };
    mockFetch(requestRoutes(() => [reminded, pendingManagement]));
    renderRequests();
    await waitFor(() => expect(screen.getAllByTestId('request-reminders')[0]).toHaveTextContent(/^3 sent, last /));
    expect(screen.getAllByTestId('request-reminders')[0]).not.toHaveTextContent('of 2');
    expect(screen.getByTestId('request-reminder-failed')).toHaveTextContent(
      'The latest reminder could not be delivered',
    );
    expect(screen.getAllByTestId('request-reminder-failed')).toHaveLength(1);
  });

  it('says reminders are off when the partner turned them off', async () => {
    const reminded: ConsentRequest = { ...pendingImport, remindersSent: 1, lastRemindedAt: '2026-01-13T14:30:00Z' };
    mockFetch({
      ...requestRoutes(() => [reminded, pendingManagement]),
      [COMPANY]: companyWith({ ...reminders, enabled: false }),
    });
    renderRequests();
    await waitFor(() => expect(screen.getAllByTestId('request-reminders')[1]).toHaveTextContent(/^Off$/));
    expect(screen.getAllByTestId('request-reminders')[0]).toHaveTextContent(
      `Off (1 sent), last ${localTime('2026-01-13T14:30:00Z')}`,
    );
  });

  it('re-sends a request and shows its new expiry', async () => {
    const resent: ConsentRequest = { ...pendingImport, sentCount: 3, expiresAt: '2026-01-25T10:00:00Z' };
    const { requests } = mockFetch({
      ...requestRoutes(() => [pendingImport]),
      'POST /api/v1/consent-requests/req_import/resend': () => json(200, resent),
    });
    const { user } = renderRequests();

    const row = (await screen.findAllByTestId('pending-request-row'))[0] as HTMLElement;
    await user.click(within(row).getByRole('button', { name: 'Re-send the request to admin@cobalt.example' }));

    const outcome = await screen.findByTestId('request-outcome');
    expect(outcome).toHaveTextContent('The request was sent again to admin@cobalt.example.');
    expect(outcome).toHaveTextContent(localTime('2026-01-25T10:00:00Z'));
    expect(outcome).toHaveFocus();
    expect(screen.getByTestId('pending-request-row')).toHaveTextContent('Sent 3 times');
    expect(requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual([
      '/api/v1/consent-requests/req_import/resend',
    ]);
  });

  it('withdraws a request only after confirming', async () => {
    const withdrawn: ConsentRequest = { ...pendingImport, status: 'withdrawn', updatedAt: '2026-01-13T08:00:00Z' };
    const { requests } = mockFetch({
      ...requestRoutes(() => [pendingImport]),
      'POST /api/v1/consent-requests/req_import/withdraw': () => json(200, withdrawn),
    });
    const { user } = renderRequests();
    await screen.findAllByTestId('pending-request-row');

    await user.click(screen.getByTestId('request-withdraw'));
    let dialog = screen.getByRole('dialog', { name: 'Withdraw the request?' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep request' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(requests.some((request) => request.method === 'POST')).toBe(false);

    await user.click(screen.getByTestId('request-withdraw'));
    dialog = screen.getByRole('dialog', { name: 'Withdraw the request?' });
    expect(dialog).toHaveTextContent('Import for admin@cobalt.example. The link in the email');
    await user.click(within(dialog).getByTestId('withdraw-confirm'));

    expect(await screen.findByTestId('request-outcome')).toHaveTextContent(
      'The request to admin@cobalt.example was withdrawn.',
    );
    expect(screen.queryByTestId('pending-request-row')).not.toBeInTheDocument();
    expect(screen.getByText('No requests are waiting for an answer.')).toBeInTheDocument();
    expect(screen.getByTestId('import-request-row')).toHaveTextContent('Withdrawn');
  });

  it('reloads the lists when a request was answered meanwhile', async () => {
    let current: ConsentRequest[] = [pendingImport];
    mockFetch({
      ...requestRoutes(() => current),
      'POST /api/v1/consent-requests/req_import/resend': () => {
        current = [{ ...pendingImport, status: 'approved' }];
        return problem(409, { title: 'Conflict', detail: 'The request has been answered, withdrawn or has expired.' });
      },
    });
    const { user } = renderRequests();
    await user.click((await screen.findAllByTestId('request-resend'))[0] as HTMLElement);

    const outcome = await screen.findByTestId('request-outcome');
    expect(within(outcome).getByRole('alert')).toHaveTextContent('The request could not be sent again');
    expect(outcome).toHaveTextContent('The request has been answered, withdrawn or has expired.');
    await waitFor(() => expect(screen.queryByTestId('pending-request-row')).not.toBeInTheDocument());
    expect(screen.getByTestId('import-request-row')).toHaveTextContent('Approved');
  });
});
