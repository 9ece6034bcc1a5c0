import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, noActivity, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';

const RESEND = 'POST /api/v1/me/verification-email';
const unconfirmed: MeResponse = { ...sampleMe, partner: { ...sampleMe.partner, emailVerified: false } };

beforeEach(() => {
  tokenStore.clear();
});

describe('Confirm your email banner', () => {
  it('asks an unconfirmed partner to confirm and sends the link again', async () => {
    const { requests } = mockFetch({
      [RESEND]: () => json(202, { sentTo: 'ada@example.com' }),
      'GET /api/v1/me/activity': () => json(200, noActivity),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/settings/me', unconfirmed);
    const banner = await screen.findByTestId('confirm-email-banner');
    expect(banner).toHaveTextContent('Confirm your email: we sent a link to ada@example.com — resend');
    await user.click(screen.getByTestId('confirm-email-resend'));
    expect(await screen.findByText('A new link is on its way to ada@example.com.')).toBeInTheDocument();
    expect(requests.filter((r) => r.path === '/api/v1/me/verification-email')).toHaveLength(1);
  });

  it('shows the limit when it is reached, and nothing once confirmed', async () => {
    mockFetch({
      [RESEND]: () => problem(429, { title: 'Too many requests', type: '/problems/rate-limited' }),
      'GET /api/v1/me/activity': () => json(200, noActivity),
    });
    tokenStore.set(sampleToken);
    const { user, unmount } = renderApp('/settings/me', unconfirmed);
    await user.click(await screen.findByTestId('confirm-email-resend'));
    expect(await screen.findByText(/Too many attempts/)).toBeInTheDocument();
    unmount();
    renderApp('/settings/me', sampleMe);
    expect(await screen.findByRole('heading', { level: 1 })).toBeInTheDocument();
    expect(screen.queryByTestId('confirm-email-banner')).not.toBeInTheDocument();
  });
});
