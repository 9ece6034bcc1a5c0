import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse, RoleView } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { administratorMe } from '../customers/fixtures';
import { json, mockFetch, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { sampleRoles, tagged } from './fixtures';

const ROLES = 'GET /api/v1/roles';
const CREATE = 'POST /api/v1/roles';

function renderRoles(me: MeResponse = sampleMe) {
  tokenStore.set(sampleToken);
  return renderApp('/admin/roles', me);
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Administration > User Roles', () => {
  it('lists the built-in roles, then the custom ones, with their user counts and links', async () => {
    mockFetch({ [ROLES]: () => json(200, sampleRoles) });
    renderRoles();
    const table = await screen.findByTestId('roles-table');
    const rows = within(table)
      .getAllByTestId('role-row')
      .map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    expect(rows).toEqual([
      [
        'Partner AdministratorBuilt in, cannot be changed',
        '1',
        'Yes',
        'Read/Write on all existing and new customers',
      ],
      ['AdministratorBuilt in, cannot be changed', '1', 'No', 'Read/Write on all existing and new customers'],
      ['Help desk', '1', 'No', 'Read/Write on all customers, Read on 1 customer, No access on 1 customer'],
    ]);
    expect(within(table).getByRole('link', { name: 'Help desk' })).toHaveAttribute('href', '/admin/roles/rol_1');
  });

  it('adds a role: type the role name and click Add Role', async () => {
    const created: RoleView = {
      id: 'rol_2',
      name: 'Night shift',
      builtIn: false,
      managesRoles: false,
      access: { all: 'readWrite', readWrite: [], read: [], noAccess: [], defaultLevel: 'readWrite' },
      permissions: { addCustomers: true, importCustomers: true, removeCustomers: false },
      userCount: 0,
      users: [],
      version: 1,
    };
    const { requests } = mockFetch({
      [ROLES]: () => json(200, sampleRoles),
      [CREATE]: () => tagged(201, created),
    });
    const { user } = renderRoles();
    await screen.findByTestId('roles-table');
    await user.type(screen.getByLabelText('Role name'), '  Night shift ');
    await user.click(screen.getByRole('button', { name: 'Add Role' }));

    expect(await screen.findByText('The role Night shift was added.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Choose its users and customers' })).toHaveAttribute(
      'href',
      '/admin/roles/rol_2',
    );
    expect(within(screen.getByTestId('roles-table')).getByRole('link', { name: 'Night shift' })).toBeInTheDocument();
    expect(screen.getByLabelText('Role name')).toHaveValue('');
    const sent = requests.find((request) => `${request.method} ${request.path}` === CREATE);
    expect(sent?.body).toEqual({ name: 'Night shift' });
    expect(sent?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('asks for a name, and shows a taken name under the field', async () => {
    const { requests } = mockFetch({
      [ROLES]: () => json(200, sampleRoles),
      [CREATE]: () =>
        problem(422, { title: 'Validation failed', errors: [{ field: 'name', message: 'another role has this name' }] }),
    });
    const { user } = renderRoles();
    await screen.findByTestId('roles-table');
    await user.click(screen.getByRole('button', { name: 'Add Role' }));
    expect(screen.getByText('Enter a name for the role.')).toBeInTheDocument();
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(0);

    await user.type(screen.getByLabelText('Role name'), 'Help desk');
    await user.click(screen.getByRole('button', { name: 'Add Role' }));
    await waitFor(() => expect(screen.getByLabelText('Role name')).toHaveAccessibleDescription(/Another role has this name\./));
    await waitFor(() => expect(screen.getByLabelText('Role name')).toHaveFocus());
  });

  it('shows an Administrator the roles without Add Role', async () => {
    mockFetch({ [ROLES]: () => json(200, sampleRoles) });
    renderRoles(administratorMe);
    await screen.findByTestId('roles-table');
    expect(screen.queryByRole('button', { name: 'Add Role' })).not.toBeInTheDocument();
  });
});
