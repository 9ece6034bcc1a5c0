import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse, UserView } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { administratorMe, customRoleMe } from '../customers/fixtures';
import { json, mockFetch, problem, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { adaUser, graceUser, halUser, sampleRoles, tagged } from './fixtures';

const GRACE = 'GET /api/v1/users/usr_2';
const ROLES = 'GET /api/v1/roles';

function renderUser(path: string, me: MeResponse = sampleMe) {
  tokenStore.set(sampleToken);
  return renderApp(path, me);
}

function changes(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.method !== 'GET');
}

beforeEach(() => {
  tokenStore.clear();
});

describe('My User Settings', () => {
  it('opens from the account menu and saves changed names with If-Match, then reloads the account', async () => {
    const renamed: UserView = { ...adaUser, firstName: 'Augusta', version: 2 };
    let me: MeResponse = sampleMe;
    const { requests } = mockFetch({
      'GET /api/v1/me/activity': () => json(200, { items: [] }),
      'GET /api/v1/users/usr_1': () => tagged(200, adaUser),
      'PATCH /api/v1/users/usr_1': () => {
        me = { ...sampleMe, user: { ...sampleMe.user, firstName: 'Augusta', version: 2 } };
        return tagged(200, renamed);
      },
      'GET /api/v1/me': () => json(200, me),
    });
    const { user } = renderUser('/');
    await user.click(await screen.findByTestId('account-menu'));
    expect(screen.getByTestId('account-menu')).toHaveAttribute('aria-expanded', 'true');
    await user.click(screen.getByRole('link', { name: 'My User Settings' }));

    expect(await screen.findByRole('heading', { name: 'My User Settings', level: 1 })).toBeInTheDocument();
    expect(screen.getByTestId('account-menu')).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getByTestId('user-email-address')).toHaveTextContent('ada@example.com');
    expect(screen.getByTestId('user-role')).toHaveTextContent(
      'Partner AdministratorAnother partner administrator can change your role.',
    );
    // A partner administrator does not change their own role or status.
    expect(screen.queryByLabelText('Role')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Status')).not.toBeInTheDocument();

    const first = screen.getByLabelText('First name');
    await user.clear(first);
    await user.type(first, 'Augusta');
    await user.click(screen.getByTestId('profile-save'));

    expect(await screen.findByText('Your profile was saved.')).toBeInTheDocument();
    const patch = changes(requests)[0];
    expect(patch?.path).toBe('/api/v1/users/usr_1');
    expect(patch?.body).toEqual({ firstName: 'Augusta' });
    expect(patch?.headers.get('If-Match')).toBe('"1"');
    await waitFor(() => expect(within(screen.getByRole('banner')).getByText('Augusta Lovelace')).toBeInTheDocument());
  });

  it('is there for a custom role too, which sees its own profile only', async () => {
    const own: UserView = { ...halUser, id: 'usr_9', email: 'help@example.com', status: 'active' };
    mockFetch({ 'GET /api/v1/users/usr_9': () => tagged(200, own) });
    renderUser('/settings/me', customRoleMe);
    expect(await screen.findByRole('heading', { name: 'My User Settings', level: 1 })).toBeInTheDocument();
    expect(screen.getByTestId('user-role')).toHaveTextContent('Help desk');
    expect(screen.getByLabelText('First name')).toHaveValue('Hal');
    expect(screen.getByTestId('add-contact-open')).toBeInTheDocument();
  });

  it('says nothing changed without sending a request', async () => {
    const { requests } = mockFetch({ 'GET /api/v1/users/usr_1': () => tagged(200, adaUser) });
    const { user } = renderUser('/settings/me');
    await user.click(await screen.findByTestId('profile-save'));
    expect(await screen.findByText('Nothing to save: the profile is unchanged.')).toBeInTheDocument();
    expect(changes(requests)).toEqual([]);
  });
});

describe('A user from Administration > Users', () => {
  it('lets a partner administrator change another user’s role and status', async () => {
    const { requests } = mockFetch({
      [GRACE]: () => tagged(200, graceUser),
      [ROLES]: () => json(200, sampleRoles),
      'PATCH /api/v1/users/usr_2': () =>
        tagged(200, { ...graceUser, role: 'rol_1', roleName: 'Help desk', status: 'disabled', version: 5 }),
    });
    const { user } = renderUser('/admin/users/usr_2');
    expect(await screen.findByRole('heading', { name: 'Grace Hopper', level: 1 })).toBeInTheDocument();
    const role = screen.getByLabelText('Role');
    await waitFor(() => expect(within(role).getAllByRole('option')).toHaveLength(4));
    expect(role).toHaveValue('administrator');
    await user.selectOptions(role, 'Help desk');
    await user.selectOptions(screen.getByLabelText('Status'), 'Disabled');
    await user.click(screen.getByTestId('profile-save'));

    expect(await screen.findByText('Grace Hopper’s profile was saved.')).toBeInTheDocument();
    const patch = changes(requests)[0];
    expect(patch?.body).toEqual({ role: 'rol_1', status: 'disabled' });
    expect(patch?.headers.get('If-Match')).toBe('"4"');
    expect(screen.getByText('Help desk · Disabled')).toBeInTheDocument();
  });

  it('shows the server’s refusal, e.g. for the last partner administrator', async () => {
    mockFetch({
      [GRACE]: () => tagged(200, { ...graceUser, role: 'partnerAdministrator', roleName: 'Partner Administrator' }),
      [ROLES]: () => json(200, sampleRoles),
      'PATCH /api/v1/users/usr_2': () =>
        problem(409, {
          title: 'Conflict',
          detail: 'This is the last partner administrator: make another user a partner administrator first.',
        }),
    });
    const { user } = renderUser('/admin/users/usr_2');
    const role = await screen.findByLabelText('Role');
    await waitFor(() => expect(within(role).getAllByRole('option')).toHaveLength(4));
    await user.selectOptions(role, 'Administrator');
    await user.click(screen.getByTestId('profile-save'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The profile could not be saved');
    expect(alert).toHaveTextContent('This is the last partner administrator');
  });

  it('offers an invited user a new invitation', async () => {
    const { requests } = mockFetch({
      'GET /api/v1/users/usr_3': () => tagged(200, halUser),
      [ROLES]: () => json(200, sampleRoles),
      'POST /api/v1/users/usr_3/invitation': () => new Response(null, { status: 204 }),
    });
    const { user } = renderUser('/admin/users/usr_3');
    const status = await screen.findByLabelText('Status');
    expect(within(status).getAllByRole('option').map((option) => option.textContent)).toEqual([
      'Select a status',
      'Invited',
      'Disabled',
    ]);
    await user.click(screen.getByTestId('user-resend-invitation'));
    expect(await screen.findByText('A new invitation was sent to hal@example.com.')).toBeInTheDocument();
    expect(changes(requests).map((request) => request.path)).toEqual(['/api/v1/users/usr_3/invitation']);
  });

  it('shows an Administrator another user read-only', async () => {
    mockFetch({ [GRACE]: () => tagged(200, graceUser) });
    renderUser('/admin/users/usr_2', { ...administratorMe, user: { ...administratorMe.user, id: 'usr_5' } });
    expect(await screen.findByRole('heading', { name: 'Grace Hopper', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
    expect(screen.queryByTestId('profile-save')).not.toBeInTheDocument();
    expect(screen.queryByTestId('add-contact-open')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('contact-row')).toHaveLength(2);
  });

  it('says "No such user" for a 404', async () => {
    mockFetch({ 'GET /api/v1/users/usr_8': () => problem(404, { title: 'Not found', detail: 'No such user.' }) });
    renderUser('/admin/users/usr_8');
    expect(await screen.findByRole('heading', { name: 'No such user' })).toBeInTheDocument();
  });
});

describe('Contact Preferences', () => {
  it('lists contacts, and adds one with the Add Contact modal (Type, Address, Primary Contact)', async () => {
    const withNew: UserView = {
      ...graceUser,
      version: 5,
      contacts: [
        { ...graceUser.contacts[0]!, primary: false },
        graceUser.contacts[1]!,
        { id: 'con_3', type: 'sms', address: '+447700900999', primary: true },
      ],
    };
    const { requests } = mockFetch({
      [GRACE]: () => tagged(200, graceUser),
      [ROLES]: () => json(200, sampleRoles),
      'POST /api/v1/users/usr_2/contacts': () => tagged(200, withNew),
    });
    const { user } = renderUser('/admin/users/usr_2');
    const table = await screen.findByTestId('contacts-table');
    expect(
      within(table)
        .getAllByTestId('contact-row')
        .map((row) => within(row).getAllByRole('cell').slice(0, 3).map((cell) => cell.textContent)),
    ).toEqual([
      ['Email', 'grace.alerts@example.com', 'Primary'],
      ['SMS', '+447700900123', ''],
    ]);

    await user.click(screen.getByTestId('add-contact-open'));
    const dialog = screen.getByRole('dialog', { name: 'Add Contact' });
    await user.selectOptions(within(dialog).getByLabelText('Type'), 'SMS');
    await user.type(within(dialog).getByLabelText('Address'), '07700 900999');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('Enter the number in international form, like +44 7700 900123.')).toBeInTheDocument();
    expect(changes(requests)).toEqual([]);

    await user.clear(within(dialog).getByLabelText('Address'));
    await user.type(within(dialog).getByLabelText('Address'), '+44 7700 900999');
    await user.click(within(dialog).getByLabelText('Primary Contact'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('SMS contact added.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const post = changes(requests)[0];
    expect(post?.body).toEqual({ type: 'sms', address: '+44 7700 900999', primary: true });
    expect(post?.headers.get('If-Match')).toBe('"4"');
    expect(screen.getAllByTestId('contact-row')).toHaveLength(3);
  });

  it('edits a contact with the new version, and shows a field error from the server', async () => {
    let calls = 0;
    const { requests } = mockFetch({
      [GRACE]: () => tagged(200, graceUser),
      [ROLES]: () => json(200, sampleRoles),
      'PUT /api/v1/users/usr_2/contacts/con_2': () => {
        calls += 1;
        return calls === 1
          ? problem(422, {
              title: 'Validation failed',
              errors: [{ field: 'address', message: 'is already one of this user’s contacts' }],
            })
          : tagged(200, {
              ...graceUser,
              version: 5,
              contacts: [graceUser.contacts[0]!, { ...graceUser.contacts[1]!, address: '+447700900124' }],
            });
      },
    });
    const { user } = renderUser('/admin/users/usr_2');
    await user.click(await screen.findByRole('button', { name: 'Edit +447700900123' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Contact' });
    expect(within(dialog).getByLabelText('Type')).toHaveValue('sms');
    expect(within(dialog).getByLabelText('Primary Contact')).not.toBeChecked();
    const address = within(dialog).getByLabelText('Address');
    await user.clear(address);
    await user.type(address, '+447700900123 ');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('is already one of this user’s contacts')).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByLabelText('Address')).toHaveFocus());

    await user.clear(address);
    await user.type(address, '+447700900124');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The contact was changed.')).toBeInTheDocument();
    expect(screen.getByTestId('contacts-table')).toHaveTextContent('+447700900124');
    expect(changes(requests).map((request) => request.headers.get('If-Match'))).toEqual(['"4"', '"4"']);
  });

  it('deletes a contact after confirming, and asks to reload when the user changed meanwhile', async () => {
    let calls = 0;
    mockFetch({
      [GRACE]: () => tagged(200, graceUser),
      [ROLES]: () => json(200, sampleRoles),
      'DELETE /api/v1/users/usr_2/contacts/con_1': () => {
        calls += 1;
        return calls === 1
          ? problem(412, { title: 'Precondition failed' })
          : tagged(200, { ...graceUser, version: 6, contacts: [graceUser.contacts[1]!] });
      },
    });
    const { user } = renderUser('/admin/users/usr_2');
    await user.click(await screen.findByRole('button', { name: 'Delete grace.alerts@example.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete contact?' });
    await user.click(within(dialog).getByTestId('contact-delete-confirm'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('changed by someone else');
    await user.click(within(dialog).getByRole('button', { name: 'Reload user' }));
    await screen.findByTestId('contacts-table');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete grace.alerts@example.com' }));
    await user.click(screen.getByTestId('contact-delete-confirm'));
    expect(await screen.findByText('grace.alerts@example.com was deleted from the contact preferences.')).toBeInTheDocument();
    expect(screen.getAllByTestId('contact-row')).toHaveLength(1);
  });
});

describe('Reset two-step verification', () => {
  it('lets a partner administrator reset another user’s, after confirming', async () => {
    let reset = false;
    const { requests } = mockFetch({
      [GRACE]: () => tagged(200, reset ? { ...graceUser, mfa: false, version: 5 } : graceUser),
      [ROLES]: () => json(200, sampleRoles),
      'POST /api/v1/users/usr_2/mfa/reset': () => {
        reset = true;
        return new Response(null, { status: 204 });
      },
    });
    const { user } = renderUser('/admin/users/usr_2');
    expect(await screen.findByTestId('user-mfa')).toHaveTextContent('On');
    await user.click(screen.getByRole('button', { name: 'Reset two-step verification' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset two-step verification?' });
    expect(dialog).toHaveTextContent('Grace Hopper (grace@example.com) will no longer be asked for a code');
    expect(dialog).toHaveTextContent('They sign in with their password only until they set it up again');
    await user.click(within(dialog).getByTestId('user-reset-mfa-confirm'));

    expect(await screen.findByText('Two-step verification was reset for Grace Hopper.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('user-mfa')).toHaveTextContent('Off'));
    expect(screen.queryByTestId('user-reset-mfa')).not.toBeInTheDocument();
    expect(changes(requests).map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /api/v1/users/usr_2/mfa/reset',
    ]);
  });

  it('says the user sets it up again at once when the company requires it, and shows a refusal', async () => {
    mockFetch({
      [GRACE]: () => tagged(200, graceUser),
      [ROLES]: () => json(200, sampleRoles),
      'POST /api/v1/users/usr_2/mfa/reset': () =>
        problem(409, { title: 'Conflict', detail: 'Your user changed meanwhile: try again.' }),
    });
    const { user } = renderUser('/admin/users/usr_2', {
      ...sampleMe,
      partner: { ...sampleMe.partner, requireMfa: true },
      user: { ...sampleMe.user, mfa: true },
    });
    await user.click(await screen.findByTestId('user-reset-mfa'));
    const dialog = screen.getByRole('dialog', { name: 'Reset two-step verification?' });
    expect(dialog).toHaveTextContent('Your company requires two-step verification, so they set it up again');
    await user.click(within(dialog).getByTestId('user-reset-mfa-confirm'));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Two-step verification could not be reset');
    expect(alert).toHaveTextContent('Your user changed meanwhile: try again.');
  });

  it('is not offered for a user without it, to a role that may not, or on one’s own page', async () => {
    mockFetch({
      'GET /api/v1/users/usr_3': () => tagged(200, { ...halUser, status: 'active' }),
      [GRACE]: () => tagged(200, graceUser),
      [ROLES]: () => json(200, sampleRoles),
      'GET /api/v1/users/usr_1': () => tagged(200, { ...adaUser, mfa: true }),
    });
    const first = renderUser('/admin/users/usr_3');
    expect(await screen.findByTestId('user-mfa')).toHaveTextContent('Off');
    expect(screen.queryByTestId('user-reset-mfa')).not.toBeInTheDocument();
    first.unmount();

    const second = renderUser('/admin/users/usr_2', { ...administratorMe, user: { ...administratorMe.user, id: 'usr_5' } });
    expect(await screen.findByTestId('user-mfa')).toHaveTextContent('On');
    expect(screen.queryByTestId('user-reset-mfa')).not.toBeInTheDocument();
    second.unmount();

    renderUser('/settings/me', { ...sampleMe, user: { ...sampleMe.user, mfa: true } });
    await screen.findByTestId('two-step-section');
    expect(screen.queryByTestId('user-reset-mfa')).not.toBeInTheDocument();
    expect(screen.queryByTestId('user-mfa')).not.toBeInTheDocument();
  });
});

