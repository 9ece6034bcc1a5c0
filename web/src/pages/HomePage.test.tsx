import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleActivity, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { customRoleMe } from '../customers/fixtures';

const ACTIVITY = 'GET /api/v1/me/activity';

function localTime(value: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(value));
}

function renderHome() {
  tokenStore.set(sampleToken);
  return renderApp('/', sampleMe);
}

async function findActivityTable() {
  return screen.findByRole('table', { name: 'Recent activity' });
}

/** The text of each body row's cells. */
function bodyRows(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent ?? ''));
}

beforeEach(() => {
  tokenStore.clear();
  localStorage.clear();
  sessionStorage.clear();
});

describe('Home: recent activity', () => {
  it('shows the newest records in words, with the bearer token', async () => {
    let answer: (response: Response) => void = () => undefined;
    const { requests } = mockFetch({
      [ACTIVITY]: () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    });
    renderHome();
    expect(await screen.findByText('Loading activity…')).toHaveAttribute('role', 'status');
    await waitFor(() => expect(requests).toHaveLength(1));
    answer(json(200, sampleActivity));

    const table = await findActivityTable();
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Time',
      'Action',
      'Outcome',
      'Source IP',
    ]);
    expect(bodyRows(table)).toEqual([
      [localTime('2025-03-02T09:30:00Z'), 'Signed in', 'Failed — Incorrect password', '203.0.113.7'],
      [localTime('2025-03-01T17:05:00Z'), 'Signed out', 'Succeeded', '198.51.100.20'],
      [localTime('2025-01-15T10:00:00Z'), 'Signed up', 'Succeeded', '198.51.100.20'],
    ]);
    expect(within(table).getAllByRole('row')[1]?.querySelector('time')).toHaveAttribute(
      'datetime',
      '2025-03-02T09:30:00Z',
    );
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();

    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer access-token-1');
    expect(Object.fromEntries(requests[0]?.query ?? [])).toEqual({ limit: '10' });
  });

  it('loads the next page with the cursor on "Show more" and appends it', async () => {
    const [first, second, third] = sampleActivity.items;
    const { requests } = mockFetch({
      [ACTIVITY]: (request) =>
        request.query.get('cursor') === 'cursor-2'
          ? json(200, { items: [third] })
          : json(200, { items: [first, second], nextCursor: 'cursor-2' }),
    });
    const { user } = renderHome();
    const table = await findActivityTable();
    expect(bodyRows(table).map((cells) => cells[1])).toEqual(['Signed in', 'Signed out']);

    await user.click(screen.getByRole('button', { name: 'Show more' }));

    await waitFor(() =>
      expect(bodyRows(table).map((cells) => cells[1])).toEqual(['Signed in', 'Signed out', 'Signed up']),
    );
    expect(requests).toHaveLength(2);
    expect(Object.fromEntries(requests[1]?.query ?? [])).toEqual({ limit: '10', cursor: 'cursor-2' });
    expect(requests[1]?.headers.get('Authorization')).toBe('Bearer access-token-1');
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
  });

  it('shows the problem when the activity cannot be loaded, and tries again', async () => {
    let calls = 0;
    mockFetch({
      [ACTIVITY]: () => {
        calls += 1;
        return calls === 1
          ? problem(503, { title: 'Service Unavailable', detail: 'The audit log is unavailable.' })
          : json(200, sampleActivity);
      },
    });
    const { user } = renderHome();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Activity could not be loaded');
    expect(alert).toHaveTextContent('Service Unavailable: The audit log is unavailable.');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await findActivityTable()).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  describe('Download CSV', () => {
    const csv = 'Time,User,Action,Target,Outcome,Reason,Source IP\r\n2025-01-15T10:00:00Z,ada@example.com,partner.signUp,prt_1,success,,198.51.100.20\r\n';
    const createObjectURL = vi.fn<(blob: Blob) => string>(() => 'blob:http://localhost/activity');
    const revokeObjectURL = vi.fn();
    // jsdom has no object URLs; the stand-ins are removed again after each test.
    const originals = (['createObjectURL', 'revokeObjectURL'] as const).map(
      (name) => [name, Object.getOwnPropertyDescriptor(URL, name)] as const,
    );

    beforeEach(() => {
      createObjectURL.mockClear();
      revokeObjectURL.mockClear();
      Object.assign(URL, { createObjectURL, revokeObjectURL });
    });

    afterEach(() => {
      for (const [name, descriptor] of originals) {
        if (descriptor) Object.defineProperty(URL, name, descriptor);
        else Reflect.deleteProperty(URL, name);
      }
    });

    it('fetches text/csv with the bearer token and saves it as activity.csv', async () => {
      const saved: { href: string; download: string }[] = [];
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        saved.push({ href: this.href, download: this.download });
      });
      const { requests } = mockFetch({
        [ACTIVITY]: (request) =>
          request.headers.get('Accept') === 'text/csv'
            ? new Response(csv, {
                status: 200,
                headers: {
                  'Content-Type': 'text/csv; charset=utf-8',
                  'Content-Disposition': 'attachment; filename="activity.csv"',
                },
              })
            : json(200, sampleActivity),
      });
      const { user } = renderHome();
      await findActivityTable();

      await user.click(screen.getByRole('button', { name: 'Download CSV' }));

      await waitFor(() => expect(saved).toEqual([{ href: 'blob:http://localhost/activity', download: 'activity.csv' }]));
      const download = requests[1];
      expect(download?.method).toBe('GET');
      expect(download?.path).toBe('/api/v1/me/activity');
      expect(download?.headers.get('Accept')).toBe('text/csv');
      expect(download?.headers.get('Authorization')).toBe('Bearer access-token-1');

      expect(createObjectURL).toHaveBeenCalledTimes(1);
      const blob = createObjectURL.mock.calls[0]?.[0];
      expect(blob?.type).toMatch(/^text\/csv/);
      await expect(blob?.text()).resolves.toBe(csv);
      await waitFor(() => expect(revokeObjectURL).toHaveBeenCalledWith('blob:http://localhost/activity'));
      expect(document.querySelector('a[download]')).toBeNull();
      expect(localStorage.length).toBe(0);
      expect(sessionStorage.length).toBe(0);
    });

    it('shows the problem when the download fails', async () => {
      const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
      mockFetch({
        [ACTIVITY]: (request) =>
          request.headers.get('Accept') === 'text/csv'
            ? problem(429, { title: 'Too Many Requests', detail: 'Try again in a minute.' })
            : json(200, sampleActivity),
      });
      const { user } = renderHome();
      await findActivityTable();

      await user.click(screen.getByRole('button', { name: 'Download CSV' }));

      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('The CSV could not be downloaded');
      expect(alert).toHaveTextContent('Too Many Requests: Try again in a minute.');
      expect(createObjectURL).not.toHaveBeenCalled();
      expect(click).not.toHaveBeenCalled();
    });
  });
});

describe('Home: quick tasks', () => {
  it('links each task that exists to its page; Import opens the import dialog', async () => {
    mockFetch({
      [ACTIVITY]: () => json(200, { items: [] }),
      'GET /api/v1/catalog': () =>
        json(200, { products: [], productTypes: [], trialDays: 60, trialSeats: 50, maxSeats: 100000 }),
      'GET /api/v1/customers': () => json(200, { items: [] }),
    });
    const { user } = renderHome();
    const tasks = await screen.findByRole('region', { name: 'Quick tasks' });
    expect(within(tasks).getByRole('link', { name: 'Add a customer' })).toHaveAttribute('href', '/customers/new');
    expect(within(tasks).getByRole('link', { name: "Manage the customer's product" })).toHaveAttribute(
      'href',
      '/customers?management=partnerManaged,coManaged',
    );
    expect(within(tasks).getByTestId('activate-serial-open')).toBeInTheDocument();
    await user.click(within(tasks).getByTestId('quick-import-customer'));
    expect(await screen.findByRole('dialog', { name: /Import/ })).toBeInTheDocument();
  });

  it('offers only what the role allows', async () => {
    mockFetch({ [ACTIVITY]: () => json(200, { items: [] }) });
    tokenStore.set(sampleToken);
    renderApp('/', customRoleMe);
    const tasks = await screen.findByRole('region', { name: 'Quick tasks' });
    expect(within(tasks).queryByRole('link', { name: 'Add a customer' })).not.toBeInTheDocument();
    expect(within(tasks).queryByTestId('quick-import-customer')).not.toBeInTheDocument();
    expect(within(tasks).queryByTestId('activate-serial-open')).not.toBeInTheDocument();
    expect(within(tasks).getByRole('link', { name: 'Activate a product or trial' })).toBeInTheDocument();
    expect(screen.getByTestId('role-name')).toHaveTextContent('Help desk');
  });
});
