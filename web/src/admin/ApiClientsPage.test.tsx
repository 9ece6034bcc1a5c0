import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiClientView } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { sampleRoles } from './fixtures';

const LIST = 'GET /api/v1/api-clients';
const CREATE = 'POST /api/v1/api-clients';
const ROLES = 'GET /api/v1/roles';

const psaClient: ApiClientView = {
  clientId: 'prt_1.usr_10',
  name: 'PSA sync',
  role: 'administrator',
  roleName: 'Administrator',
  createdAt: '2026-01-10T12:00:00Z',
};

const created = {
  clientId: 'prt_1.usr_11',
  name: 'Billing export',
  role: 'rol_1',
  roleName: 'Help desk',
  createdAt: '2026-01-11T09:00:00Z',
  clientSecret: 'dGhpcy1pcy1hLXRlc3Qtc2VjcmV0LTEyMzQ1Njc4OTA',
};

function sent(requests: RecordedRequest[], route: string): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === route);
}

function renderClients() {
  tokenStore.set(sampleToken);
  return renderApp('/admin/api-clients', sampleMe);
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Administration > API Clients', () => {
  it('lists the clients with their id, role and a Revoke action', async () => {
    mockFetch({ [LIST]: () => json(200, [psaClient]) });
    renderClients();
    const table = await screen.findByTestId('api-clients-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Name',
      'Client ID',
      'Role',
      'Created',
      'Action',
    ]);
    const row = within(table).getByTestId('api-client-row');
    expect(within(row).getAllByRole('cell').slice(0, 3).map((cell) => cell.textContent)).toEqual([
      'PSA sync',
      'prt_1.usr_10',
      'Administrator',
    ]);
    expect(within(row).getByRole('button', { name: 'Revoke PSA sync' })).toBeInTheDocument();
  });

  it('says when there are none', async () => {
    mockFetch({ [LIST]: () => json(200, []) });
    renderClients();
    expect(await screen.findByTestId('api-clients-empty')).toHaveTextContent('No API clients yet.');
  });

  it('creates a client and shows its secret once, with the token request', async () => {
    const { requests } = mockFetch({
      [LIST]: () => json(200, [psaClient]),
      [ROLES]: () => json(200, sampleRoles),
      [CREATE]: () => json(201, created),
    });
    const { user } = renderClients();
    await screen.findByTestId('api-clients-table');
    await user.click(screen.getByRole('button', { name: 'New API Client' }));
    const dialog = screen.getByRole('dialog', { name: 'New API Client' });
    const role = within(dialog).getByLabelText('Role');
    // A client is never a partner administrator.
    await waitFor(() =>
      expect(within(role).getAllByRole('option').map((option) => option.textContent)).toEqual([
        'Select a role',
        'Administrator',
        'Help desk',
      ]),
    );
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(within(dialog).getByLabelText('Name')).toHaveAccessibleDescription(/Enter a name for the client\./);
    expect(role).toHaveAccessibleDescription(/Select the role the client acts with\./);
    expect(sent(requests, CREATE)).toEqual([]);

    await user.type(within(dialog).getByLabelText('Name'), ' Billing export ');
    await user.selectOptions(role, 'Help desk');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    const secret = await screen.findByRole('dialog', { name: 'Copy the client secret now' });
    expect(sent(requests, CREATE).map((request) => request.body)).toEqual([{ name: 'Billing export', role: 'rol_1' }]);
    expect(secret).toHaveTextContent('You will not see this secret again');
    expect(within(secret).getByTestId('api-client-id')).toHaveTextContent('prt_1.usr_11');
    expect(within(secret).getByTestId('api-client-secret')).toHaveTextContent(created.clientSecret);
    const example = within(secret).getByTestId('api-client-example').textContent ?? '';
    expect(example).toContain(`curl -X POST ${window.location.origin}/api/v1/auth/token`);
    expect(example).toContain('-d grant_type=client_credentials');
    expect(example).toContain('-d client_id=prt_1.usr_11');
    expect(example).toContain(`-d client_secret=${created.clientSecret}`);

    await user.click(within(secret).getByRole('button', { name: 'Copy client secret' }));
    expect(await navigator.clipboard.readText()).toBe(created.clientSecret);
    await user.click(within(secret).getByRole('button', { name: 'Copy client ID' }));
    expect(await navigator.clipboard.readText()).toBe('prt_1.usr_11');

    await user.click(within(secret).getByRole('button', { name: 'I have stored the secret' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByTestId('api-clients-notice')).toHaveTextContent('The API client Billing export was created.');
    expect(screen.queryByText(created.clientSecret)).not.toBeInTheDocument();
    const rows = within(screen.getByTestId('api-clients-table')).getAllByTestId('api-client-row');
    expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual(['PSA sync', 'Billing export']);
    expect(document.body).not.toHaveTextContent(created.clientSecret);
  });

  it('shows the server’s field errors under the fields', async () => {
    mockFetch({
      [LIST]: () => json(200, []),
      [ROLES]: () => json(200, sampleRoles),
      [CREATE]: () =>
        problem(422, {
          title: 'Validation failed',
          errors: [
            { field: 'role', message: 'is not one of your roles' },
            { field: 'name', message: 'must be at most 64 characters' },
          ],
        }),
    });
    const { user } = renderClients();
    await user.click(await screen.findByRole('button', { name: 'New API Client' }));
    const dialog = screen.getByRole('dialog', { name: 'New API Client' });
    const role = within(dialog).getByLabelText('Role');
    await waitFor(() => expect(within(role).getAllByRole('option')).toHaveLength(3));
    await user.type(within(dialog).getByLabelText('Name'), 'Sync');
    await user.selectOptions(role, 'Administrator');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(role).toHaveAccessibleDescription(/The role is not one of your roles\./));
    expect(within(dialog).getByLabelText('Name')).toHaveAccessibleDescription(/The name must be at most 64 characters\./);
    expect(screen.queryByRole('dialog', { name: 'Copy the client secret now' })).not.toBeInTheDocument();
  });

  it('revokes a client after confirming', async () => {
    const { requests } = mockFetch({
      [LIST]: () => json(200, [psaClient]),
      'DELETE /api/v1/api-clients/prt_1.usr_10': () => new Response(null, { status: 204 }),
    });
    const { user } = renderClients();
    await user.click(await screen.findByRole('button', { name: 'Revoke PSA sync' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke PSA sync?' });
    expect(dialog).toHaveTextContent('stop working at their next request');
    await user.click(within(dialog).getByTestId('api-client-revoke-confirm'));

    expect(await screen.findByText('The API client PSA sync was revoked.')).toBeInTheDocument();
    expect(screen.queryByTestId('api-clients-table')).not.toBeInTheDocument();
    expect(screen.getByTestId('api-clients-empty')).toBeInTheDocument();
    expect(sent(requests, 'DELETE /api/v1/api-clients/prt_1.usr_10')).toHaveLength(1);
  });

  it('keeps the client when revoking fails, and says why', async () => {
    mockFetch({
      [LIST]: () => json(200, [psaClient]),
      'DELETE /api/v1/api-clients/prt_1.usr_10': () => problem(503, { title: 'Service unavailable' }),
    });
    const { user } = renderClients();
    await user.click(await screen.findByRole('button', { name: 'Revoke PSA sync' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke PSA sync?' });
    await user.click(within(dialog).getByTestId('api-client-revoke-confirm'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The API client could not be revoked');
    await user.click(within(dialog).getByRole('button', { name: 'Keep client' }));
    expect(screen.getAllByTestId('api-client-row')).toHaveLength(1);
  });
});
