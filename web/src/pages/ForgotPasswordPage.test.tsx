import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';

const FORGOT = 'POST /api/v1/auth/password/forgot';
const SENT = 'If this email is the login of an account that may choose a new password, a link to choose one is on its way.';

beforeEach(() => {
  tokenStore.clear();
});

describe('Forgot password', () => {
  it('is offered on the sign-in page, carries the typed email, and says the same whatever the email', async () => {
    const { requests } = mockFetch({ [FORGOT]: () => json(202, { message: SENT }) });
    const { user } = renderApp('/sign-in');
    await user.click(await screen.findByTestId('forgot-password-link'));
    expect(await screen.findByRole('heading', { name: 'Forgot your password?' })).toBeInTheDocument();

    await user.click(screen.getByTestId('forgot-submit'));
    expect(screen.getByTestId('forgot-email')).toHaveAttribute('aria-invalid', 'true');
    expect(requests).toHaveLength(0);

    await user.type(screen.getByTestId('forgot-email'), ' ada@example.com ');
    await user.click(screen.getByTestId('forgot-submit'));
    expect(await screen.findByTestId('forgot-sent')).toHaveTextContent(SENT);
    expect(requests[0]?.body).toEqual({ email: 'ada@example.com' });
    expect(screen.getByRole('link', { name: 'Back to sign in' })).toBeInTheDocument();
  });

  it('says when there were too many requests', async () => {
    mockFetch({
      [FORGOT]: () => problem(429, { title: 'Too many requests', type: '/problems/rate-limited' }, { 'Retry-After': '60' }),
    });
    const { user } = renderApp('/forgot-password');
    await user.type(await screen.findByTestId('forgot-email'), 'ada@example.com');
    await user.click(screen.getByTestId('forgot-submit'));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Too many attempts/);
    expect(screen.queryByTestId('forgot-sent')).not.toBeInTheDocument();
  });
});
