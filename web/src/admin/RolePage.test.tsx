import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse, RoleView } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { administratorMe } from '../customers/fixtures';
import { json, mockFetch, problem, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { chooserCustomers, helpDeskRole, sampleRoles, sampleUsers, tagged } from './fixtures';

const ROLE = 'GET /api/v1/roles/rol_1';
const SAVE = 'PUT /api/v1/roles/rol_1';
const CUSTOMERS = 'GET /api/v1/customers';
const USERS = 'GET /api/v1/users';

function renderRole(path = '/admin/roles/rol_1', me: MeResponse = sampleMe) {
  tokenStore.set(sampleToken);
  return renderApp(path, me);
}

/** The partner's customers in two pages, as the API pages them. */
function customersInPages(request: RecordedRequest): Response {
  return request.query.get('cursor') === 'page-2'
    ? json(200, { items: chooserCustomers.slice(2) })
    : json(200, { items: chooserCustomers.slice(0, 2), nextCursor: 'page-2' });
}

function routes(role: RoleView = helpDeskRole) {
  return {
    [ROLE]: () => tagged(200, role),
    [CUSTOMERS]: customersInPages,
    [USERS]: () => json(200, { items: sampleUsers }),
  };
}

function level(name: 'readWrite' | 'read' | 'noAccess'): HTMLElement {
  return screen.getByTestId(`access-level-${name}`);
}

function optionsOf(select: HTMLElement): string[] {
  return within(select)
    .getAllByRole('option')
    .map((option) => option.textContent ?? '');
}

async function customersLoaded() {
  await waitFor(() => expect(screen.queryByText(/Loading customers/)).not.toBeInTheDocument());
}

beforeEach(() => {
  tokenStore.clear();
});

describe('A built-in role', () => {
  it('is shown read-only with its users', async () => {
    mockFetch({ 'GET /api/v1/roles/partnerAdministrator': () => tagged(200, sampleRoles[0]!) });
    renderRole('/admin/roles/partnerAdministrator');
    expect(await screen.findByRole('heading', { name: 'Partner Administrator', level: 1 })).toBeInTheDocument();
    expect(screen.getByText('Built-in roles cannot be changed')).toBeInTheDocument();
    expect(screen.getByTestId('built-in-access')).toHaveTextContent('Read/Write on all existing and new customers.');
    expect(within(screen.getByTestId('role-members')).getByRole('link', { name: 'Ada Lovelace' })).toHaveAttribute(
      'href',
      '/settings/me',
    );
    expect(screen.queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
  });
});

describe('A custom role', () => {
  it('shows its users, its customers at each level (loaded page by page) and its settings', async () => {
    const { requests } = mockFetch(routes());
    renderRole();
    expect(await screen.findByRole('heading', { name: 'Help desk', level: 1 })).toBeInTheDocument();
    await customersLoaded();

    expect(within(screen.getByTestId('role-members')).getByRole('link', { name: 'Hal Abelson' })).toHaveAttribute(
      'href',
      '/admin/users/usr_3',
    );
    expect(within(level('readWrite')).getByLabelText('All customers')).toBeChecked();
    expect(within(level('readWrite')).queryByLabelText('Customer for Read/Write')).not.toBeInTheDocument();
    expect(within(level('read')).getByLabelText('All customers')).not.toBeChecked();
    expect(within(level('read')).getByTestId('access-chosen-read')).toHaveTextContent('Bright Bakery');
    expect(within(level('noAccess')).getByTestId('access-chosen-noAccess')).toHaveTextContent('Cobalt Clinic');
    // A customer chosen at one level is not offered at another.
    expect(optionsOf(screen.getByLabelText('Customer for Read'))).toEqual([
      'Select a customer',
      'Acme Dental',
      'Delta Dentistry',
    ]);

    // The guide: the default level is disabled while a level has All customers.
    for (const radio of within(screen.getByRole('radiogroup', { name: 'Default access level for new customers' })).getAllByRole(
      'radio',
    )) {
      expect(radio).toBeDisabled();
    }
    expect(screen.getByLabelText('Add customers')).toBeChecked();
    expect(screen.getByLabelText('Import customers')).toBeChecked();
    expect(screen.getByLabelText('Remove customers')).not.toBeChecked();
    expect(screen.getByLabelText('Remove customers')).toBeEnabled();

    const pages = requests.filter((request) => request.path === '/api/v1/customers');
    expect(pages.map((request) => Object.fromEntries(request.query))).toEqual([
      { limit: '100' },
      { limit: '100', cursor: 'page-2' },
    ]);
  });

  it('disables removing while All customers has Read, and add, import and remove while it has No access', async () => {
    mockFetch(routes());
    const { user } = renderRole();
    await screen.findByRole('heading', { name: 'Help desk', level: 1 });
    await user.click(screen.getByLabelText('Remove customers'));
    expect(screen.getByLabelText('Remove customers')).toBeChecked();

    await user.click(within(level('read')).getByLabelText('All customers'));
    // Only one level can have All customers.
    expect(within(level('readWrite')).getByLabelText('All customers')).not.toBeChecked();
    expect(within(level('read')).getByLabelText('All customers')).toBeChecked();
    expect(screen.getByLabelText('Remove customers')).toBeDisabled();
    expect(screen.getByLabelText('Remove customers')).not.toBeChecked();
    expect(screen.getByLabelText('Remove customers')).toHaveAccessibleDescription(
      'Not available while All customers has Read access.',
    );
    expect(screen.getByLabelText('Add customers')).toBeEnabled();
    expect(screen.getByLabelText('Import customers')).toBeEnabled();

    await user.click(within(level('noAccess')).getByLabelText('All customers'));
    for (const name of ['Add customers', 'Import customers', 'Remove customers']) {
      expect(screen.getByLabelText(name)).toBeDisabled();
      expect(screen.getByLabelText(name)).not.toBeChecked();
    }

    await user.click(within(level('noAccess')).getByLabelText('All customers'));
    // Without All customers, the default level applies and every permission is back.
    for (const radio of within(screen.getByRole('radiogroup', { name: 'Default access level for new customers' })).getAllByRole(
      'radio',
    )) {
      expect(radio).toBeEnabled();
    }
    expect(screen.getByLabelText('Remove customers')).toBeChecked();
    expect(screen.getByLabelText('Add customers')).toBeChecked();
  });

  it('saves the customers chosen at each level, the default level and the permissions, with If-Match', async () => {
    const { requests } = mockFetch({
      ...routes(),
      [SAVE]: (request) => tagged(200, { ...helpDeskRole, ...(request.body as Partial<RoleView>), version: 4 }),
    });
    const { user } = renderRole();
    await screen.findByRole('heading', { name: 'Help desk', level: 1 });
    await customersLoaded();

    await user.click(within(level('readWrite')).getByLabelText('All customers'));
    await user.selectOptions(screen.getByLabelText('Customer for Read/Write'), 'Delta Dentistry');
    await user.click(screen.getByTestId('access-add-readWrite'));
    // Choosing Cobalt Clinic at Read moves it from No access: a customer is at one level only.
    await user.selectOptions(screen.getByLabelText('Customer for Read'), 'Acme Dental');
    await user.click(screen.getByTestId('access-add-read'));
    await user.click(within(level('noAccess')).getByRole('button', { name: 'Remove Cobalt Clinic from No access' }));
    await user.selectOptions(screen.getByLabelText('Customer for No access'), 'Cobalt Clinic');
    await user.click(screen.getByTestId('access-add-noAccess'));
    await user.click(screen.getByLabelText('No access', { selector: 'input[type="radio"]' }));
    await user.click(screen.getByLabelText('Import customers'));
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText(/The role was saved/)).toBeInTheDocument();
    const save = requests.find((request) => `${request.method} ${request.path}` === SAVE);
    expect(save?.headers.get('If-Match')).toBe('"3"');
    expect(save?.body).toEqual({
      name: 'Help desk',
      access: {
        all: null,
        readWrite: ['cus_4'],
        read: ['cus_2', 'cus_1'],
        noAccess: ['cus_3'],
        defaultLevel: 'noAccess',
      },
      permissions: { addCustomers: true, importCustomers: false, removeCustomers: false },
    });
  });

  it('shows what the server refused, with customers by name, and asks to reload when the role changed', async () => {
    let calls = 0;
    mockFetch({
      ...routes(),
      [SAVE]: () => {
        calls += 1;
        return calls === 1
          ? problem(422, {
              title: 'Validation failed',
              errors: [
                { field: 'access.read', message: 'cus_2 is chosen at more than one level' },
                { field: 'name', message: 'another role has this name' },
              ],
            })
          : problem(412, { title: 'Precondition failed' });
      },
    });
    const { user } = renderRole();
    await screen.findByRole('heading', { name: 'Help desk', level: 1 });
    await customersLoaded();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Read: Bright Bakery is chosen at more than one level');
    expect(screen.getByLabelText('Role name')).toHaveAccessibleDescription('Another role has this name.');

    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('changed by someone else'));
    await user.click(screen.getByRole('button', { name: 'Reload role' }));
    expect(await screen.findByRole('heading', { name: 'Help desk', level: 1 })).toBeInTheDocument();
  });

  it('adds a user to the role from the Users section', async () => {
    const { requests } = mockFetch({
      ...routes(),
      'PATCH /api/v1/users/usr_2': () =>
        tagged(200, { ...sampleUsers[1]!, role: 'rol_1', roleName: 'Help desk', version: 5 }),
    });
    const { user } = renderRole();
    await screen.findByRole('heading', { name: 'Help desk', level: 1 });
    const select = screen.getByLabelText('User');
    // Neither the signed-in partner administrator nor the role's members are offered.
    await waitFor(() =>
      expect(optionsOf(select)).toEqual(['Select a user', 'Grace Hopper (grace@example.com, Administrator)']),
    );
    await user.selectOptions(select, 'Grace Hopper (grace@example.com, Administrator)');
    await user.click(screen.getByRole('button', { name: 'Add User' }));

    await waitFor(() =>
      expect(within(screen.getByTestId('role-members')).getByRole('link', { name: 'Grace Hopper' })).toBeInTheDocument(),
    );
    const patch = requests.find((request) => request.method === 'PATCH');
    expect(patch?.body).toEqual({ role: 'rol_1' });
    expect(patch?.headers.get('If-Match')).toBe('"4"');
    expect(screen.getByText('Custom role · 2 users')).toBeInTheDocument();
  });

  it('deletes a role with users after choosing where they move', async () => {
    const { requests } = mockFetch({
      ...routes(),
      'GET /api/v1/roles': () => json(200, sampleRoles),
      'DELETE /api/v1/roles/rol_1': () => new Response(null, { status: 204 }),
    });
    const { user } = renderRole();
    await screen.findByRole('heading', { name: 'Help desk', level: 1 });
    await user.click(screen.getByTestId('delete-role-open'));
    const dialog = screen.getByRole('dialog', { name: 'Delete the role Help desk?' });
    expect(dialog).toHaveTextContent('1 user has this role.');
    await user.click(within(dialog).getByTestId('delete-role-confirm'));
    expect(within(dialog).getByText('Select the role its users move to.')).toBeInTheDocument();
    const target = within(dialog).getByLabelText('Move its users to');
    await waitFor(() =>
      expect(optionsOf(target)).toEqual(['Select a role', 'Partner Administrator', 'Administrator']),
    );
    await user.selectOptions(target, 'Administrator');
    await user.click(within(dialog).getByTestId('delete-role-confirm'));

    expect(await screen.findByRole('heading', { name: 'User Roles', level: 1 })).toBeInTheDocument();
    expect(screen.getByText('The role Help desk was deleted.')).toBeInTheDocument();
    const removal = requests.find((request) => request.method === 'DELETE');
    expect(Object.fromEntries(removal?.query ?? [])).toEqual({ reassignTo: 'administrator' });
    expect(requests.some((request) => request.method === 'PUT')).toBe(false);
  });

  it('is read-only for an Administrator', async () => {
    const { requests } = mockFetch({ [ROLE]: () => tagged(200, helpDeskRole), [CUSTOMERS]: customersInPages });
    renderRole('/admin/roles/rol_1', administratorMe);
    await screen.findByRole('heading', { name: 'Help desk', level: 1 });
    await customersLoaded();
    expect(screen.getByText('Only partner administrators change roles')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('User')).not.toBeInTheDocument();
    for (const checkbox of screen.getAllByRole('checkbox')) expect(checkbox).toBeDisabled();
    expect(within(level('read')).getByTestId('access-chosen-read')).toHaveTextContent('Bright Bakery');
    expect(requests.some((request) => request.path === '/api/v1/users')).toBe(false);
  });

  it('says "No such role" for a 404', async () => {
    mockFetch({ 'GET /api/v1/roles/rol_9': () => problem(404, { title: 'Not found', detail: 'No such role.' }) });
    renderRole('/admin/roles/rol_9');
    expect(await screen.findByRole('heading', { name: 'No such role' })).toBeInTheDocument();
  });
});
