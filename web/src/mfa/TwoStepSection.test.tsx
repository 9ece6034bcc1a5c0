import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { adaUser, graceUser, sampleRoles, tagged } from '../admin/fixtures';
import type { MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { requiredWithMfaMe as requiredWithMfa, sampleSetup, withMfaMe as withMfa } from './fixtures';

function changes(requests: RecordedRequest[]): string[] {
  return requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`);
}

function section() {
  return within(screen.getByTestId('two-step-section'));
}

beforeEach(() => {
  tokenStore.clear();
  tokenStore.set(sampleToken);
});

describe('My User Settings > Two-step verification', () => {
  it('sets it up: the key in groups, the link and a QR code, then a code from the app turns it on', async () => {
    let me: MeResponse = sampleMe;
    let verifies = 0;
    const { requests } = mockFetch({
      'GET /api/v1/users/usr_1': () => tagged(200, me === sampleMe ? adaUser : { ...adaUser, mfa: true, version: 2 }),
      'POST /api/v1/me/mfa/setup': () => json(200, sampleSetup),
      'POST /api/v1/me/mfa/verify': () => {
        verifies += 1;
        if (verifies === 1) {
          return problem(422, {
            title: 'Validation failed',
            errors: [{ field: 'code', message: 'is not the code your app shows now' }],
          });
        }
        me = withMfa;
        return new Response(null, { status: 204 });
      },
      'GET /api/v1/me': () => json(200, me),
    });
    const { user } = renderApp('/settings/me', sampleMe);
    await screen.findByRole('heading', { name: 'Two-step verification', level: 2 });
    expect(section().getByTestId('mfa-status')).toHaveTextContent('Off');
    expect(section().queryByTestId('mfa-turn-off')).not.toBeInTheDocument();

    await user.click(section().getByRole('button', { name: 'Set up two-step verification' }));
    expect(await section().findByTestId('mfa-secret')).toHaveTextContent('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(section().getByRole('link', { name: 'Open in an authenticator app on this device' })).toHaveAttribute(
      'href',
      sampleSetup.otpauthUri,
    );
    expect(section().getByRole('img', { name: 'QR code for your authenticator app' })).toBeInTheDocument();
    expect(section().getByText('ada@example.com')).toBeInTheDocument();

    await user.click(section().getByRole('button', { name: 'Copy key' }));
    expect(await navigator.clipboard.readText()).toBe(sampleSetup.secretCode);
    expect(section().getByText('Copied')).toBeInTheDocument();

    const code = section().getByLabelText('Verification code');
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    await user.type(code, '12345');
    await user.click(section().getByRole('button', { name: 'Verify and turn on' }));
    expect(code).toHaveAccessibleDescription(/Enter the 6 digits your authenticator app shows\./);
    expect(verifies).toBe(0);

    await user.clear(code);
    await user.type(code, '000000');
    await user.click(section().getByRole('button', { name: 'Verify and turn on' }));
    await waitFor(() => expect(code).toHaveAccessibleDescription(/That code is not correct\./));
    expect(code).toHaveValue('');

    await user.type(code, '123 456');
    await user.click(section().getByRole('button', { name: 'Verify and turn on' }));
    expect(await section().findByText(/Two-step verification is on\./)).toBeInTheDocument();
    await waitFor(() => expect(section().getByTestId('mfa-status')).toHaveTextContent('On'));
    expect(section().queryByTestId('mfa-setup-steps')).not.toBeInTheDocument();
    expect(section().getByTestId('mfa-turn-off')).toBeInTheDocument();

    expect(changes(requests)).toEqual([
      'POST /api/v1/me/mfa/setup',
      'POST /api/v1/me/mfa/verify',
      'POST /api/v1/me/mfa/verify',
    ]);
    expect(requests.filter((request) => request.path === '/api/v1/me/mfa/verify').map((r) => r.body)).toEqual([
      { code: '000000' },
      { code: '123456' },
    ]);
    // The user's version moved: the page loads it again, with the account.
    await waitFor(() => expect(requests.filter((r) => r.path === '/api/v1/users/usr_1')).toHaveLength(2));
    expect(requests.some((r) => r.path === '/api/v1/me')).toBe(true);
  });

  it('cancels a setup without turning anything on', async () => {
    const { requests } = mockFetch({
      'GET /api/v1/users/usr_1': () => tagged(200, adaUser),
      'POST /api/v1/me/mfa/setup': () => json(200, sampleSetup),
    });
    const { user } = renderApp('/settings/me', sampleMe);
    await user.click(await screen.findByTestId('mfa-setup-start'));
    await user.click(await section().findByRole('button', { name: 'Cancel setup' }));
    expect(section().queryByTestId('mfa-secret')).not.toBeInTheDocument();
    expect(section().getByTestId('mfa-status')).toHaveTextContent('Off');
    expect(changes(requests)).toEqual(['POST /api/v1/me/mfa/setup']);
  });

  it('turns it off after confirming', async () => {
    let me: MeResponse = withMfa;
    const { requests } = mockFetch({
      'GET /api/v1/users/usr_1': () => tagged(200, { ...adaUser, mfa: me === withMfa }),
      'DELETE /api/v1/me/mfa': () => {
        me = sampleMe;
        return new Response(null, { status: 204 });
      },
      'GET /api/v1/me': () => json(200, me),
    });
    const { user } = renderApp('/settings/me', withMfa);
    await user.click(await screen.findByTestId('mfa-turn-off'));
    const dialog = screen.getByRole('dialog', { name: 'Turn off two-step verification?' });
    await user.click(within(dialog).getByRole('button', { name: 'Turn off' }));

    expect(await section().findByText('Two-step verification is off. Signing in asks for your password only.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(section().getByTestId('mfa-status')).toHaveTextContent('Off'));
    expect(changes(requests)).toEqual(['DELETE /api/v1/me/mfa']);
  });

  it('explains the refusal when the company requires it', async () => {
    mockFetch({
      'GET /api/v1/users/usr_1': () => tagged(200, { ...adaUser, mfa: true }),
      'DELETE /api/v1/me/mfa': () =>
        json(409, {
          type: '/problems/mfa-required-by-partner',
          title: 'Conflict',
          status: 409,
          detail: 'Your company requires two-step verification for every user.',
        }),
      'GET /api/v1/me': () => json(200, requiredWithMfa),
    });
    const { user } = renderApp('/settings/me', withMfa);
    await user.click(await screen.findByTestId('mfa-turn-off'));
    const dialog = screen.getByRole('dialog', { name: 'Turn off two-step verification?' });
    await user.click(within(dialog).getByTestId('mfa-turn-off-confirm'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Two-step verification stays on');
    expect(alert).toHaveTextContent('Your company requires two-step verification for every user, so it cannot be turned off.');
    expect(alert).toHaveTextContent('Administration > Security');
    expect(within(dialog).queryByTestId('mfa-turn-off-confirm')).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    // The account was loaded again: the company requires it, so there is no Turn off.
    await waitFor(() => expect(section().queryByTestId('mfa-turn-off')).not.toBeInTheDocument());
    expect(section().getByTestId('mfa-required-note')).toHaveTextContent('It cannot be turned off while your company requires it.');
    expect(section().getByTestId('mfa-status')).toHaveTextContent('On');
  });

  it('offers no Turn off while the company requires it, only a new app', async () => {
    mockFetch({ 'GET /api/v1/users/usr_1': () => tagged(200, { ...adaUser, mfa: true }) });
    renderApp('/settings/me', requiredWithMfa);
    expect(await screen.findByTestId('mfa-required-note')).toHaveTextContent(
      'It cannot be turned off while your company requires it.',
    );
    expect(section().getByRole('link', { name: 'Administration > Security' })).toHaveAttribute('href', '/admin/security');
    expect(section().queryByTestId('mfa-turn-off')).not.toBeInTheDocument();
    expect(section().getByRole('button', { name: 'Use a new authenticator app' })).toBeInTheDocument();
  });

  it('is only on one’s own page, not on another user’s', async () => {
    mockFetch({
      'GET /api/v1/users/usr_2': () => tagged(200, graceUser),
      'GET /api/v1/roles': () => json(200, sampleRoles),
    });
    renderApp('/admin/users/usr_2', sampleMe);
    expect(await screen.findByRole('heading', { name: 'Grace Hopper', level: 1 })).toBeInTheDocument();
    expect(screen.queryByTestId('two-step-section')).not.toBeInTheDocument();
    expect(screen.queryByTestId('mfa-setup-start')).not.toBeInTheDocument();
  });
});
