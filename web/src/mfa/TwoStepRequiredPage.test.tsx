import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, noActivity, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { mfaSetupRefusal, sampleSetup, setupRequiredMe } from './fixtures';

const doneMe: MeResponse = {
  ...setupRequiredMe,
  mfaSetupRequired: false,
  user: { ...setupRequiredMe.user, mfa: true },
};

beforeEach(() => {
  tokenStore.clear();
});

describe('Two-step verification required by the company', () => {
  it('sends a user who owes it straight to the setup after signing in, then on to the console', async () => {
    let me: MeResponse = setupRequiredMe;
    const { requests } = mockFetch({
      'POST /api/v1/auth/sign-in': () => json(200, sampleToken),
      'GET /api/v1/me': () => json(200, me),
      'POST /api/v1/me/mfa/setup': () => json(200, sampleSetup),
      'POST /api/v1/me/mfa/verify': () => {
        me = doneMe;
        return new Response(null, { status: 204 });
      },
      ...noActivity,
    });
    const { user } = renderApp('/sign-in', null);
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'CorrectHorse42');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'Set up two-step verification', level: 1 })).toBeInTheDocument();
    expect(screen.getByTestId('mfa-required-page')).toHaveTextContent(
      'Analytical Engines Ltd requires two-step verification for every user of the Partner Console',
    );
    // Nothing else of the console is in reach: no navigation, no Home.
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Welcome, Ada' })).not.toBeInTheDocument();
    expect(within(screen.getByRole('banner')).getByRole('button', { name: 'Sign out' })).toBeInTheDocument();

    await user.click(screen.getByTestId('mfa-setup-start'));
    expect(await screen.findByTestId('mfa-secret')).toHaveTextContent('JBSW Y3DP');
    await user.type(screen.getByLabelText('Verification code'), '654321');
    await user.click(screen.getByRole('button', { name: 'Verify and turn on' }));
    expect(await screen.findByText('Two-step verification is on')).toBeInTheDocument();
    await user.click(screen.getByTestId('mfa-continue'));

    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    const before = requests.findIndex((request) => request.path === '/api/v1/me/activity');
    const verified = requests.findIndex((request) => request.path === '/api/v1/me/mfa/verify');
    expect(verified).toBeGreaterThan(-1);
    expect(before).toBeGreaterThan(verified);
    expect(requests.find((request) => request.path === '/api/v1/me/mfa/verify')?.body).toEqual({ code: '654321' });
  });

  it('keeps the page that was asked for, and shows it once the setup is done', async () => {
    let me: MeResponse = setupRequiredMe;
    const { requests } = mockFetch({
      'GET /api/v1/me': () => json(200, me),
      'POST /api/v1/me/mfa/setup': () => json(200, sampleSetup),
      'POST /api/v1/me/mfa/verify': () => {
        me = doneMe;
        return new Response(null, { status: 204 });
      },
      'GET /api/v1/roles': () => json(200, []),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/admin/roles', setupRequiredMe);
    await user.click(await screen.findByTestId('mfa-setup-start'));
    await user.type(await screen.findByLabelText('Verification code'), '654321');
    await user.click(screen.getByRole('button', { name: 'Verify and turn on' }));
    await user.click(await screen.findByTestId('mfa-continue'));
    expect(await screen.findByRole('heading', { name: 'User Roles', level: 1 })).toBeInTheDocument();
    expect(requests.filter((request) => request.path === '/api/v1/roles')).toHaveLength(1);
    expect(requests.findIndex((request) => request.path === '/api/v1/roles')).toBeGreaterThan(
      requests.findIndex((request) => request.path === '/api/v1/me/mfa/verify'),
    );
  });

  it('goes to the setup when any request is refused with 403 mfa-required', async () => {
    mockFetch({
      'GET /api/v1/users': () => mfaSetupRefusal(),
    });
    tokenStore.set(sampleToken);
    renderApp('/admin/users', sampleMe);
    expect(await screen.findByRole('heading', { name: 'Set up two-step verification', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
    expect(screen.getByTestId('mfa-setup-start')).toBeInTheDocument();
  });

  it('lets the user sign out instead', async () => {
    const { requests } = mockFetch({
      'POST /api/v1/auth/sign-out': () => new Response(null, { status: 204 }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/', setupRequiredMe);
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    await waitFor(() => expect(requests.map((request) => request.path)).toEqual(['/api/v1/auth/sign-out']));
  });
});
