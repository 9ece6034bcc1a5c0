import { screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';

const SECRET = 'Zr4m8Q1wX3eT5yU7iO9pA2sD4fG6hJ8kL0zX2cV4bN6';
const INSPECT = 'POST /api/v1/invitations/inspect';
const ACCEPT = 'POST /api/v1/invitations/accept';
const invitation = { email: 'nia@example.com', firstName: 'Nia', company: 'Analytical Engines Ltd' };

function gone(detail: string): Response {
  return new Response(JSON.stringify({ type: '/problems/link-gone', title: 'Gone', status: 410, detail }), {
    status: 410,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Invitation page', () => {
  it('shows whose console it is, sets the password, and goes to sign in with the email filled in', async () => {
    const { requests } = mockFetch({
      [INSPECT]: () => json(200, invitation),
      [ACCEPT]: () => json(200, { email: 'nia@example.com' }),
    });
    const { user } = renderApp(`/invitation#token=${SECRET}`);
    expect(await screen.findByRole('heading', { name: 'Welcome, Nia' })).toBeInTheDocument();
    expect(screen.getByTestId('invitation-lead')).toHaveTextContent(
      'You are invited to the Analytical Engines Ltd Partner Console. Choose a password for nia@example.com, your login.',
    );

    await user.type(screen.getByTestId('invitation-password'), 'weak');
    await user.click(screen.getByTestId('invitation-submit'));
    expect(screen.getByTestId('invitation-password')).toHaveAttribute('aria-invalid', 'true');
    await user.clear(screen.getByTestId('invitation-password'));
    await user.type(screen.getByTestId('invitation-password'), 'Sturdy-Passw0rd');
    await user.type(screen.getByTestId('invitation-confirm'), 'Sturdy-Passw0rd!');
    await user.click(screen.getByTestId('invitation-submit'));
    expect(screen.getByTestId('invitation-confirm')).toHaveAccessibleDescription('The passwords do not match.');
    expect(requests.filter((request) => request.path === '/api/v1/invitations/accept')).toHaveLength(0);

    await user.clear(screen.getByTestId('invitation-confirm'));
    await user.type(screen.getByTestId('invitation-confirm'), 'Sturdy-Passw0rd');
    await user.click(screen.getByTestId('invitation-submit'));

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue('nia@example.com');
    expect(screen.getByRole('status')).toHaveTextContent('Your password is set. Sign in to the Partner Console with it.');
    expect(requests.find((request) => request.path === '/api/v1/invitations/inspect')?.body).toEqual({ token: SECRET });
    expect(requests.find((request) => request.path === '/api/v1/invitations/accept')?.body).toEqual({
      token: SECRET,
      password: 'Sturdy-Passw0rd',
    });
  });

  it('says why an invitation that was accepted, replaced or expired no longer works', async () => {
    mockFetch({ [INSPECT]: () => gone('A newer invitation has been sent: use the link in the latest email.') });
    renderApp(`/invitation#token=${SECRET}`);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This invitation can no longer be used');
    expect(alert).toHaveTextContent('A newer invitation has been sent: use the link in the latest email.');
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/sign-in');
  });

  it('says when the link is not an invitation', async () => {
    mockFetch({ [INSPECT]: () => problem(404, { title: 'Not found', detail: 'This link is not valid.' }) });
    renderApp(`/invitation#token=${SECRET}`);
    expect(await screen.findByRole('alert')).toHaveTextContent('This link is not valid');
  });

  it('says the link is not valid without a token, without asking the server', async () => {
    const { requests } = mockFetch({});
    renderApp('/invitation');
    expect(await screen.findByRole('alert')).toHaveTextContent('Open the link from your invitation email.');
    expect(requests).toEqual([]);
  });

  it('shows the server’s password rule under the field, and an expiry while the form was open', async () => {
    let calls = 0;
    mockFetch({
      [INSPECT]: () => json(200, invitation),
      [ACCEPT]: () => {
        calls += 1;
        return calls === 1
          ? problem(422, { title: 'Validation failed', errors: [{ field: 'password', message: 'is too common' }] })
          : gone('This invitation has expired. Ask your partner administrator to send it again.');
      },
    });
    const { user } = renderApp(`/invitation#token=${SECRET}`);
    await user.type(await screen.findByTestId('invitation-password'), 'Password1234');
    await user.type(screen.getByTestId('invitation-confirm'), 'Password1234');
    await user.click(screen.getByTestId('invitation-submit'));
    await waitFor(() =>
      expect(screen.getByTestId('invitation-password')).toHaveAccessibleDescription(/The password is too common\./),
    );
    await user.click(screen.getByTestId('invitation-submit'));
    expect(await screen.findByRole('alert')).toHaveTextContent('This invitation has expired.');
  });
});
