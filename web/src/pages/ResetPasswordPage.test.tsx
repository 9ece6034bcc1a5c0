import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';

const SECRET = 'Zr4m8Q1wX3eT5yU7iO9pA2sD4fG6hJ8kL0zX2cV4bN6';
const INSPECT = 'POST /api/v1/auth/password/inspect';
const RESET = 'POST /api/v1/auth/password/reset';

beforeEach(() => {
  tokenStore.clear();
});

describe('Reset password page', () => {
  it('sets the new password from the link and goes to sign in with the email filled in', async () => {
    const { requests } = mockFetch({
      [INSPECT]: () => json(200, { email: 'ada@example.com' }),
      [RESET]: () => json(200, { email: 'ada@example.com' }),
    });
    const { user } = renderApp(`/reset-password#token=${SECRET}`);
    expect(await screen.findByTestId('reset-lead')).toHaveTextContent('Choose a new password for ada@example.com.');

    await user.type(screen.getByTestId('reset-password'), 'weak');
    await user.click(screen.getByTestId('reset-submit'));
    expect(screen.getByTestId('reset-password')).toHaveAttribute('aria-invalid', 'true');
    await user.clear(screen.getByTestId('reset-password'));
    await user.type(screen.getByTestId('reset-password'), 'Sturdy-Passw0rd');
    await user.type(screen.getByTestId('reset-confirm'), 'Sturdy-Passw0rd');
    await user.click(screen.getByTestId('reset-submit'));

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByText(/Your new password is set/)).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    expect(requests.find((r) => r.path.endsWith('/reset'))?.body).toEqual({ token: SECRET, password: 'Sturdy-Passw0rd' });
  });

  it('explains a link that was used, replaced or expired, and offers a new one', async () => {
    mockFetch({
      [INSPECT]: () =>
        problem(410, { title: 'Gone', type: '/problems/link-gone', detail: 'A newer link has been sent: use the one in the latest email.' }),
    });
    renderApp(`/reset-password#token=${SECRET}`);
    expect(await screen.findByText('This link can no longer be used')).toBeInTheDocument();
    expect(screen.getByText('A newer link has been sent: use the one in the latest email.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
  });

  it('shows the password policy refusal on the field', async () => {
    mockFetch({
      [INSPECT]: () => json(200, { email: 'ada@example.com' }),
      [RESET]: () =>
        problem(422, { title: 'Validation failed', errors: [{ field: 'password', message: 'must not contain the email name' }] }),
    });
    const { user } = renderApp(`/reset-password#token=${SECRET}`);
    await user.type(await screen.findByTestId('reset-password'), 'Ada-Passw0rd-123');
    await user.type(screen.getByTestId('reset-confirm'), 'Ada-Passw0rd-123');
    await user.click(screen.getByTestId('reset-submit'));
    expect(await screen.findByText(/must not contain the email name/)).toBeInTheDocument();
  });
});
