import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { administratorMe } from '../customers/fixtures';
import { captureDownloads } from '../test/downloads';
import { json, mockFetch, problem, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { adaUser, graceUser, halUser, sampleRoles, sampleUsers, tagged } from './fixtures';

const USERS = 'GET /api/v1/users';
const ROLES = 'GET /api/v1/roles';
const ADD = 'POST /api/v1/users';

function renderUsers(me: MeResponse = sampleMe) {
  tokenStore.set(sampleToken);
  return renderApp('/admin/users', me);
}

function rowOf(name: string): HTMLElement {
  const link = within(screen.getByTestId('users-table')).getByRole('link', { name });
  const row = link.closest('tr');
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

function sent(requests: RecordedRequest[], route: string): RecordedRequest | undefined {
  return requests.find((request) => `${request.method} ${request.path}` === route);
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Administration > Users', () => {
  it('lists the users with their name link, email, role and status', async () => {
    const { requests } = mockFetch({ [USERS]: () => json(200, { items: sampleUsers }) });
    renderUsers();

    const table = await screen.findByTestId('users-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Name',
      'Email',
      'Role',
      'Status',
      'Action',
    ]);
    const rows = within(table)
      .getAllByTestId('user-row')
      .map((row) => within(row).getAllByRole('cell').slice(0, 4).map((cell) => cell.textContent));
    expect(rows).toEqual([
      ['Ada LovelaceYou', 'ada@example.com', 'Partner Administrator', 'Active'],
      ['Grace Hopper', 'grace@example.com', 'Administrator', 'Active'],
      ['Hal Abelson', 'hal@example.com', 'Help desk', 'Invited'],
    ]);
    expect(within(table).getByRole('link', { name: 'Grace Hopper' })).toHaveAttribute('href', '/admin/users/usr_2');
    expect(within(table).getByRole('link', { name: 'Ada Lovelace' })).toHaveAttribute('href', '/settings/me');

    // Nobody disables or removes themselves; only invited users get a new invitation.
    expect(within(rowOf('Ada Lovelace')).queryByRole('button')).not.toBeInTheDocument();
    expect(within(rowOf('Grace Hopper')).getAllByRole('button').map((button) => button.textContent)).toEqual([
      'Disable',
      'Remove',
    ]);
    expect(within(rowOf('Hal Abelson')).getAllByRole('button').map((button) => button.textContent)).toEqual([
      'Resend invitation',
      'Disable',
      'Remove',
    ]);
    expect(Object.fromEntries(requests[0]?.query ?? [])).toEqual({ limit: '25' });
    expect(screen.getByTestId('add-user-open')).toBeInTheDocument();
  });

  it('shows an Administrator the list without Add User or row actions', async () => {
    mockFetch({ [USERS]: () => json(200, { items: sampleUsers }) });
    renderUsers(administratorMe);
    const table = await screen.findByTestId('users-table');
    expect(within(table).queryByRole('button')).not.toBeInTheDocument();
    expect(within(table).queryByRole('columnheader', { name: 'Action' })).not.toBeInTheDocument();
    expect(screen.queryByTestId('add-user-open')).not.toBeInTheDocument();
    expect(screen.getByTestId('users-export-csv')).toBeInTheDocument();
  });

  it('loads the next page with the cursor', async () => {
    const { requests } = mockFetch({
      [USERS]: (request) =>
        request.query.get('cursor') === 'page-2'
          ? json(200, { items: [halUser] })
          : json(200, { items: [adaUser, graceUser], nextCursor: 'page-2' }),
    });
    const { user } = renderUsers();
    await screen.findByTestId('users-table');
    expect(screen.getAllByTestId('user-row')).toHaveLength(2);
    await user.click(screen.getByTestId('users-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('user-row')).toHaveLength(3));
    expect(screen.queryByTestId('users-load-more')).not.toBeInTheDocument();
    expect(Object.fromEntries(requests[1]?.query ?? [])).toEqual({ limit: '25', cursor: 'page-2' });
  });

  it('adds a user with a custom role and shows the invitation as sent', async () => {
    const added = { ...halUser, id: 'usr_4', email: 'new@example.com', firstName: 'Nia', lastName: 'Kay' };
    const { requests } = mockFetch({
      [USERS]: () => json(200, { items: [adaUser, graceUser] }),
      [ROLES]: () => json(200, sampleRoles),
      [ADD]: () => tagged(201, added),
    });
    const { user } = renderUsers();
    await user.click(await screen.findByTestId('add-user-open'));
    const dialog = screen.getByRole('dialog', { name: 'Add User' });
    const role = within(dialog).getByLabelText('Role');
    await waitFor(() =>
      expect(within(role).getAllByRole('option').map((option) => option.textContent)).toEqual([
        'Select a role',
        'Partner Administrator',
        'Administrator',
        'Help desk',
      ]),
    );
    await user.type(within(dialog).getByLabelText('Email'), ' new@example.com ');
    await user.type(within(dialog).getByLabelText('First name'), 'Nia');
    await user.type(within(dialog).getByLabelText('Last name'), 'Kay');
    await user.selectOptions(role, 'Help desk');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Nia Kay was added as Help desk.')).toBeInTheDocument();
    expect(screen.getByTestId('users-notice')).toHaveTextContent(
      'An invitation to choose a password was sent to new@example.com.',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(within(screen.getByTestId('users-table')).getByRole('link', { name: 'Nia Kay' })).toBeInTheDocument();
    const request = sent(requests, ADD);
    expect(request?.body).toEqual({ email: 'new@example.com', firstName: 'Nia', lastName: 'Kay', role: 'rol_1' });
    expect(request?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('checks the form first, then shows the server’s field errors and a taken email under the fields', async () => {
    let calls = 0;
    const { requests } = mockFetch({
      [USERS]: () => json(200, { items: [adaUser] }),
      [ROLES]: () => json(200, sampleRoles),
      [ADD]: () => {
        calls += 1;
        return calls === 1
          ? problem(422, {
              title: 'Validation failed',
              detail: 'One or more fields are invalid.',
              errors: [
                { field: 'firstName', message: 'must be at most 64 characters' },
                { field: 'role', message: 'is not one of your roles' },
              ],
            })
          : problem(409, { title: 'Conflict', detail: 'This email address already has an account.' }, {});
      },
    });
    const { user } = renderUsers();
    await user.click(await screen.findByTestId('add-user-open'));
    const dialog = screen.getByRole('dialog', { name: 'Add User' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('Enter an email address.')).toBeInTheDocument();
    expect(within(dialog).getByText('Select a role.')).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByLabelText('Email')).toHaveFocus());
    expect(sent(requests, ADD)).toBeUndefined();

    await user.type(within(dialog).getByLabelText('Email'), 'taken@example.com');
    await user.type(within(dialog).getByLabelText('First name'), 'Nia');
    await user.type(within(dialog).getByLabelText('Last name'), 'Kay');
    await waitFor(() => expect(within(dialog).getAllByRole('option').length).toBeGreaterThan(1));
    await user.selectOptions(within(dialog).getByLabelText('Role'), 'Administrator');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('must be at most 64 characters')).toBeInTheDocument();
    expect(within(dialog).getByText('is not one of your roles')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('First name')).toHaveAttribute('aria-invalid', 'true');

    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls).toBe(2));
    expect(screen.getByRole('dialog', { name: 'Add User' })).toBeInTheDocument();
    expect(within(dialog).getByRole('alert')).toHaveTextContent('This email address already has an account.');
  });

  it('shows a taken email (409 email-taken) under the Email field', async () => {
    mockFetch({
      [USERS]: () => json(200, { items: [adaUser] }),
      [ROLES]: () => json(200, sampleRoles),
      [ADD]: () =>
        new Response(
          JSON.stringify({
            type: '/problems/email-taken',
            title: 'Conflict',
            status: 409,
            detail: 'This email address already has an account: every login is unique in the system.',
          }),
          { status: 409, headers: { 'Content-Type': 'application/problem+json' } },
        ),
    });
    const { user } = renderUsers();
    await user.click(await screen.findByTestId('add-user-open'));
    const dialog = screen.getByRole('dialog', { name: 'Add User' });
    await user.type(within(dialog).getByLabelText('Email'), 'taken@example.com');
    await user.type(within(dialog).getByLabelText('First name'), 'Nia');
    await user.type(within(dialog).getByLabelText('Last name'), 'Kay');
    await waitFor(() => expect(within(dialog).getAllByRole('option').length).toBeGreaterThan(1));
    await user.selectOptions(within(dialog).getByLabelText('Role'), 'Administrator');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    const email = within(dialog).getByLabelText('Email');
    await waitFor(() => expect(email).toHaveAttribute('aria-invalid', 'true'));
    expect(email).toHaveAccessibleDescription(
      'This email address already has an account: every login is unique in the system.',
    );
    await waitFor(() => expect(email).toHaveFocus());
  });

  it('disables and enables a user with If-Match', async () => {
    const disabled = { ...graceUser, status: 'disabled' as const, version: 5 };
    const { requests } = mockFetch({
      [USERS]: () => json(200, { items: sampleUsers }),
      'PATCH /api/v1/users/usr_2': (request) =>
        (request.body as { status: string }).status === 'disabled'
          ? tagged(200, disabled)
          : tagged(200, { ...graceUser, version: 6 }),
    });
    const { user } = renderUsers();
    await screen.findByTestId('users-table');
    await user.click(within(rowOf('Grace Hopper')).getByRole('button', { name: 'Disable Grace Hopper' }));
    expect(await screen.findByText('Grace Hopper is disabled and can no longer sign in.')).toBeInTheDocument();
    expect(rowOf('Grace Hopper')).toHaveTextContent('Disabled');
    const patches = requests.filter((request) => request.method === 'PATCH');
    expect(patches[0]?.body).toEqual({ status: 'disabled' });
    expect(patches[0]?.headers.get('If-Match')).toBe('"4"');

    await user.click(within(rowOf('Grace Hopper')).getByRole('button', { name: 'Enable Grace Hopper' }));
    expect(await screen.findByText('Grace Hopper is enabled again.')).toBeInTheDocument();
    const second = requests.filter((request) => request.method === 'PATCH')[1];
    expect(second?.body).toEqual({ status: 'active' });
    expect(second?.headers.get('If-Match')).toBe('"5"');
  });

  it('says why a change was refused, and offers a reload when the user changed meanwhile', async () => {
    let attempt = 0;
    mockFetch({
      [USERS]: () => json(200, { items: sampleUsers }),
      'PATCH /api/v1/users/usr_2': () => {
        attempt += 1;
        return attempt === 1
          ? problem(409, {
              title: 'Conflict',
              detail: 'This is the last partner administrator: make another user a partner administrator first.',
            })
          : problem(412, { title: 'Precondition failed', detail: 'It was changed since you loaded it.' });
      },
    });
    const { user } = renderUsers();
    await screen.findByTestId('users-table');
    await user.click(within(rowOf('Grace Hopper')).getByRole('button', { name: 'Disable Grace Hopper' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Grace Hopper could not be disabled');
    expect(alert).toHaveTextContent('This is the last partner administrator');

    await user.click(within(rowOf('Grace Hopper')).getByRole('button', { name: 'Disable Grace Hopper' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('changed by someone else'));
    await user.click(screen.getByRole('button', { name: 'Reload users' }));
    expect(await screen.findByTestId('users-table')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('removes a user only after confirming', async () => {
    const { requests } = mockFetch({
      [USERS]: () => json(200, { items: sampleUsers }),
      'DELETE /api/v1/users/usr_2': () => new Response(null, { status: 204 }),
    });
    const { user } = renderUsers();
    await screen.findByTestId('users-table');
    await user.click(within(rowOf('Grace Hopper')).getByRole('button', { name: 'Remove Grace Hopper' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Grace Hopper?' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep user' }));
    expect(requests.some((request) => request.method === 'DELETE')).toBe(false);

    await user.click(within(rowOf('Grace Hopper')).getByRole('button', { name: 'Remove Grace Hopper' }));
    await user.click(screen.getByTestId('remove-user-confirm'));
    expect(await screen.findByText('Grace Hopper was removed.')).toBeInTheDocument();
    expect(within(screen.getByTestId('users-table')).queryByText('Grace Hopper')).not.toBeInTheDocument();
    expect(sent(requests, 'DELETE /api/v1/users/usr_2')?.headers.get('If-Match')).toBe('"4"');
  });

  it('sends an invited user a new invitation', async () => {
    const { requests } = mockFetch({
      [USERS]: () => json(200, { items: sampleUsers }),
      'POST /api/v1/users/usr_3/invitation': () => new Response(null, { status: 204 }),
      'GET /api/v1/users/usr_3': () => tagged(200, { ...halUser, version: 2 }),
    });
    const { user } = renderUsers();
    await screen.findByTestId('users-table');
    await user.click(within(rowOf('Hal Abelson')).getByRole('button', { name: 'Resend invitation to Hal Abelson' }));
    expect(await screen.findByText('A new invitation was sent to hal@example.com.')).toBeInTheDocument();
    expect(sent(requests, 'POST /api/v1/users/usr_3/invitation')?.headers.get('Authorization')).toBe(
      'Bearer access-token-1',
    );
  });

  it('downloads the users as users.csv', async () => {
    const downloads = captureDownloads();
    try {
      const csv = 'Email,First Name\r\nada@example.com,Ada\r\n';
      const { requests } = mockFetch({
        [USERS]: (request) =>
          request.query.get('format') === 'csv'
            ? new Response(csv, { status: 200, headers: { 'Content-Type': 'text/csv' } })
            : json(200, { items: sampleUsers }),
      });
      const { user } = renderUsers();
      await screen.findByTestId('users-table');
      await user.click(screen.getByTestId('users-export-csv'));
      await waitFor(() => expect(downloads.names).toEqual(['users.csv']));
      const download = requests.find((request) => request.query.get('format') === 'csv');
      expect(download?.headers.get('Accept')).toBe('text/csv');
      await expect(downloads.blobs[0]?.text()).resolves.toBe(csv);
    } finally {
      downloads.restore();
    }
  });
});
