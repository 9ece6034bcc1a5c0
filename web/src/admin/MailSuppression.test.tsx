import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse, UserView } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { administratorMe, exspMe, sampleProfile } from '../customers/fixtures';
import { endpointProtectionRoute } from '../statistics/fixtures';
import { json, mockFetch, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { adaUser, graceUser, tagged } from './fixtures';

const bounced: UserView = {
  ...graceUser,
  mailSuppression: { reason: 'bounced', label: 'Email bounced', since: '2026-12-05T06:41:02Z' },
};
// The address as the client puts it in the path (encodeURIComponent).
const LIFT = 'DELETE /api/v1/mail-suppressions/grace%40example.com';

function render(path: string, me: MeResponse = sampleMe) {
  tokenStore.set(sampleToken);
  return renderApp(path, me);
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Mail suppressions', () => {
  it('shows a bounced user on the Users list and lifts the suppression', async () => {
    let lifted = false;
    const { requests } = mockFetch({
      'GET /api/v1/users': () => json(200, { items: [adaUser, bounced] }),
      [LIFT]: () => {
        lifted = true;
        return new Response(null, { status: 204 });
      },
      'GET /api/v1/users/usr_2': () => tagged(200, lifted ? graceUser : bounced),
    });
    const { user } = render('/admin/users');

    const notice = await screen.findByTestId('mail-suppression');
    expect(notice).toHaveTextContent('Email bounced');
    expect(within(notice).getByText(/since/).querySelector('time')).toHaveAttribute(
      'datetime',
      '2026-12-05T06:41:02Z',
    );
    await user.click(within(notice).getByRole('button', { name: 'Lift the suppression of grace@example.com' }));

    expect(await screen.findByText('The console emails grace@example.com again.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId('mail-suppression')).not.toBeInTheDocument());
    expect(requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/api/v1/mail-suppressions/grace%40example.com',
    ]);
  });

  it('shows an Administrator the badge without the lift action', async () => {
    mockFetch({ 'GET /api/v1/users': () => json(200, { items: [adaUser, bounced] }) });
    render('/admin/users', administratorMe);
    const notice = await screen.findByTestId('mail-suppression');
    expect(notice).toHaveTextContent('Email bounced');
    expect(within(notice).queryByRole('button')).not.toBeInTheDocument();
  });

  it('shows "Marked as spam" on the user’s details and says why a lift failed', async () => {
    const complained: UserView = {
      ...graceUser,
      mailSuppression: { reason: 'complained', label: 'Marked as spam', since: '2026-12-05T07:12:44Z' },
    };
    mockFetch({
      'GET /api/v1/users/usr_2': () => tagged(200, complained),
      [LIFT]: () => problem(404, { title: 'Not found', detail: 'The partner’s mail is not suppressed for this address.' }),
    });
    const { user } = render('/admin/users/usr_2');
    const notice = await screen.findByTestId('mail-suppression');
    expect(notice).toHaveTextContent('Marked as spam');
    await user.click(within(notice).getByTestId('lift-suppression'));
    expect(await within(notice).findByRole('alert')).toHaveTextContent(
      'The partner’s mail is not suppressed for this address.',
    );
  });

  it('shows the customer admin’s bounce on the Customer Profile and lifts it', async () => {
    let lifted = false;
    const profile = sampleProfile();
    const email = profile.customer.contact.email;
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      'GET /api/v1/customers/cus_1': () =>
        json(
          200,
          lifted
            ? profile
            : {
                ...profile,
                adminMailSuppression: { reason: 'bounced', label: 'Email bounced', since: '2026-12-05T06:41:02Z' },
              },
          { ETag: `"${profile.customer.version}"` },
        ),
      'GET /api/v1/catalog': () => json(200, { products: [], maxSeats: 100000 }),
      [`DELETE /api/v1/mail-suppressions/${encodeURIComponent(email)}`]: () => {
        lifted = true;
        return new Response(null, { status: 204 });
      },
    });
    const { user } = render('/customers/cus_1', exspMe);
    const notice = await screen.findByTestId('mail-suppression');
    expect(notice).toHaveTextContent('Email bounced');
    await user.click(within(notice).getByTestId('lift-suppression'));
    await waitFor(() => expect(screen.queryByTestId('mail-suppression')).not.toBeInTheDocument());
    expect(requests.some((r) => r.method === 'DELETE')).toBe(true);
  });
});
