import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { requiredWithMfaMe, withMfaMe } from '../mfa/fixtures';
import { json, mockFetch, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { adaUser, graceUser, halUser } from './fixtures';

const USERS = 'GET /api/v1/users';
const SAVE = 'PUT /api/v1/security';
const users = {
  items: [
    { ...adaUser, mfa: true },
    { ...graceUser, mfa: false },
    halUser,
    { ...halUser, id: 'usr_4', firstName: 'Dora', status: 'disabled' },
    { ...halUser, id: 'usr_5', firstName: 'Mia', status: 'active', mfa: true },
  ],
};

function puts(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === SAVE);
}

function renderSecurity(me: MeResponse) {
  tokenStore.set(sampleToken);
  return renderApp('/admin/security', me);
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Administration > Security', () => {
  it('requires two-step verification of every user, and reloads the account', async () => {
    let me: MeResponse = withMfaMe;
    const { requests } = mockFetch({
      [USERS]: () => json(200, users),
      [SAVE]: (request) => {
        me = requiredWithMfaMe;
        return json(200, request.body);
      },
      'GET /api/v1/me': () => json(200, me),
    });
    const { user } = renderSecurity(withMfaMe);
    expect(await screen.findByRole('heading', { name: 'Security', level: 1 })).toBeInTheDocument();
    const toggle = screen.getByLabelText('Require two-step verification for every user');
    expect(toggle).not.toBeChecked();
    expect(screen.queryByText('Your own user does not have two-step verification yet')).not.toBeInTheDocument();

    await user.click(toggle);
    await user.click(screen.getByTestId('security-save'));
    expect(await screen.findByText(/Two-step verification is now required for every user\./)).toBeInTheDocument();
    expect(puts(requests).map((request) => request.body)).toEqual([{ requireMfa: true }]);
    expect(requests.some((request) => request.path === '/api/v1/me')).toBe(true);
    expect(screen.getByLabelText('Require two-step verification for every user')).toBeChecked();
  });

  it('lists the users who can sign in without it', async () => {
    mockFetch({ [USERS]: () => json(200, users) });
    renderSecurity(withMfaMe);
    const list = await screen.findByTestId('users-without-mfa');
    expect(within(list).getAllByRole('link').map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['Grace Hopper', '/admin/users/usr_2'],
      ['Hal Abelson', '/admin/users/usr_3'],
    ]);
  });

  it('asks for one’s own two-step verification first (409 own-mfa-first)', async () => {
    const { requests } = mockFetch({
      [USERS]: () => json(200, { items: [] }),
      [SAVE]: () =>
        json(409, {
          type: '/problems/own-mfa-first',
          title: 'Conflict',
          status: 409,
          detail: 'Set up two-step verification for yourself first (My User Settings).',
        }),
    });
    const { user } = renderSecurity(sampleMe);
    expect(await screen.findByText('Your own user does not have two-step verification yet')).toBeInTheDocument();
    await user.click(screen.getByLabelText('Require two-step verification for every user'));
    await user.click(screen.getByTestId('security-save'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Set up your own two-step verification first');
    expect(within(alert).getByRole('link', { name: 'Set it up in My User Settings' })).toHaveAttribute(
      'href',
      '/settings/me',
    );
    await waitFor(() => expect(alert.closest('.form__message')).toHaveFocus());
    expect(puts(requests)).toHaveLength(1);
    expect(requests.some((request) => request.path === '/api/v1/me')).toBe(false);
    expect(await screen.findByTestId('users-without-mfa-none')).toBeInTheDocument();
  });

  it('stops requiring it', async () => {
    const { requests } = mockFetch({
      [USERS]: () => json(200, users),
      [SAVE]: (request) => json(200, request.body),
      'GET /api/v1/me': () => json(200, withMfaMe),
    });
    const { user } = renderSecurity(requiredWithMfaMe);
    const toggle = await screen.findByLabelText('Require two-step verification for every user');
    expect(toggle).toBeChecked();
    await user.click(toggle);
    await user.click(screen.getByTestId('security-save'));
    expect(await screen.findByText('Two-step verification is no longer required. Users who have it keep it.')).toBeInTheDocument();
    expect(puts(requests).map((request) => request.body)).toEqual([{ requireMfa: false }]);
  });

  it('says nothing changed without sending a request', async () => {
    const { requests } = mockFetch({ [USERS]: () => json(200, users) });
    const { user } = renderSecurity(withMfaMe);
    await user.click(await screen.findByTestId('security-save'));
    expect(screen.getByTestId('security-status')).toHaveTextContent('Nothing to save: the setting is unchanged.');
    expect(puts(requests)).toEqual([]);
  });
});
