import { screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, noActivity, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';

beforeEach(() => {
  tokenStore.clear();
  localStorage.clear();
  sessionStorage.clear();
});

describe('Sign in page', () => {
  it('signs in, shows Home and keeps web storage empty', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-in': () => json(200, sampleToken),
      'GET /api/v1/me': () => json(200, sampleMe),
      ...noActivity,
    });
    const { user } = renderApp('/sign-in');
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'CorrectHorse42');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
    expect(await screen.findByTestId('user-email')).toHaveTextContent('ada@example.com');
    expect(await screen.findByText('No activity yet.')).toBeInTheDocument();
    expect(tokenStore.getAccessToken()).toBe('access-token-1');
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it('says "Incorrect email or password" on 401 and clears the password', async () => {
    mockFetch({ 'POST /api/v1/auth/sign-in': () => problem(401, { title: 'Unauthorized' }) });
    const { user } = renderApp('/sign-in');
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect email or password');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
  });

  it('says two-step verification is required when the second step was turned off elsewhere', async () => {
    const detail = 'Your account uses two-step verification, but this sign-in skipped it. Sign in again to enter your code.';
    mockFetch({
      'POST /api/v1/auth/sign-in': () => problem(403, { title: 'Forbidden', type: '/problems/mfa-skipped', detail }),
    });
    const { user } = renderApp('/sign-in');
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'Right-Passw0rd');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Two-step verification is required');
    expect(alert).toHaveTextContent(detail);
    expect(screen.getByLabelText('Password')).toHaveValue('');
  });

  it('tells how long to wait when rate limited', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-in': () => problem(429, { title: 'Too Many Requests' }, { 'Retry-After': '5' }),
    });
    const { user } = renderApp('/sign-in');
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'whatever');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 5 seconds.');
  });

  it('requires both fields before calling the server', async () => {
    const { requests } = mockFetch({});
    const { user } = renderApp('/sign-in');
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter an email address.');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password.');
    expect(requests).toHaveLength(0);
  });

  it('links to sign up', async () => {
    mockFetch({});
    renderApp('/sign-in');
    expect(await screen.findByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/sign-up');
  });
});

function mfaRequired() {
  return new Response(
    JSON.stringify({
      type: '/problems/mfa-required',
      title: 'Unauthorized',
      status: 401,
      detail: 'Enter the code from your authenticator app to finish signing in.',
      challenge: 'challenge-1',
    }),
    { status: 401, headers: { 'Content-Type': 'application/problem+json' } },
  );
}

function codeMismatch() {
  return new Response(
    JSON.stringify({
      type: '/problems/mfa-code-mismatch',
      title: 'Unauthorized',
      status: 401,
      detail: 'That code is not correct: try the current one.',
    }),
    { status: 401, headers: { 'Content-Type': 'application/problem+json' } },
  );
}

async function passwordStep(user: ReturnType<typeof renderApp>['user']) {
  await user.type(await screen.findByLabelText('Email'), ' ada@example.com');
  await user.type(screen.getByLabelText('Password'), 'CorrectHorse42');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('Sign in with two-step verification', () => {
  it('asks for the code after the password, sends it with the challenge and lands on Home', async () => {
    const { requests } = mockFetch({
      'POST /api/v1/auth/sign-in': () => mfaRequired(),
      'POST /api/v1/auth/sign-in/mfa': () => json(200, sampleToken),
      'GET /api/v1/me': () => json(200, { ...sampleMe, user: { ...sampleMe.user, mfa: true } }),
      ...noActivity,
    });
    const { user } = renderApp('/sign-in');
    await passwordStep(user);

    expect(await screen.findByRole('heading', { name: 'Two-step verification' })).toBeInTheDocument();
    expect(screen.getByText('ada@example.com')).toBeInTheDocument();
    const code = screen.getByLabelText('Verification code');
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    expect(code).toHaveAttribute('inputmode', 'numeric');
    await waitFor(() => expect(code).toHaveFocus());
    expect(tokenStore.getAccessToken()).toBeNull();

    await user.type(code, '123 456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
    expect(requests.map((request) => `${request.method} ${request.path}`).slice(0, 3)).toEqual([
      'POST /api/v1/auth/sign-in',
      'POST /api/v1/auth/sign-in/mfa',
      'GET /api/v1/me',
    ]);
    expect(requests[1]?.body).toEqual({ email: 'ada@example.com', session: 'challenge-1', code: '123456' });
    expect(tokenStore.getAccessToken()).toBe('access-token-1');
  });

  it('checks the code is six digits before sending it', async () => {
    const { requests } = mockFetch({ 'POST /api/v1/auth/sign-in': () => mfaRequired() });
    const { user } = renderApp('/sign-in');
    await passwordStep(user);
    await user.click(await screen.findByRole('button', { name: 'Verify' }));
    expect(screen.getByLabelText('Verification code')).toHaveAccessibleDescription(
      /Enter the 6-digit code from your authenticator app\./,
    );
    await user.type(screen.getByLabelText('Verification code'), '12345');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(screen.getByLabelText('Verification code')).toHaveAccessibleDescription(
      /Enter the 6 digits your authenticator app shows\./,
    );
    expect(requests.map((request) => request.path)).toEqual(['/api/v1/auth/sign-in']);
  });

  it('says a wrong code is wrong and lets the user try again with the same challenge', async () => {
    let attempts = 0;
    const { requests } = mockFetch({
      'POST /api/v1/auth/sign-in': () => mfaRequired(),
      'POST /api/v1/auth/sign-in/mfa': () => {
        attempts += 1;
        return attempts === 1 ? codeMismatch() : json(200, sampleToken);
      },
      'GET /api/v1/me': () => json(200, sampleMe),
      ...noActivity,
    });
    const { user } = renderApp('/sign-in');
    await passwordStep(user);
    await user.type(await screen.findByLabelText('Verification code'), '111111');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    const code = screen.getByLabelText('Verification code');
    await waitFor(() =>
      expect(code).toHaveAccessibleDescription(/That code is not correct\. Enter the code your authenticator app shows now\./),
    );
    expect(code).toHaveValue('');
    await waitFor(() => expect(code).toHaveFocus());

    await user.type(code, '222222');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
    const answers = requests.filter((request) => request.path === '/api/v1/auth/sign-in/mfa');
    expect(answers.map((request) => request.body)).toEqual([
      { email: 'ada@example.com', session: 'challenge-1', code: '111111' },
      { email: 'ada@example.com', session: 'challenge-1', code: '222222' },
    ]);
  });

  it('says when the sign-in expired and starts again from the password, keeping the email', async () => {
    let signIns = 0;
    const { requests } = mockFetch({
      'POST /api/v1/auth/sign-in': () => {
        signIns += 1;
        return mfaRequired();
      },
      'POST /api/v1/auth/sign-in/mfa': () =>
        problem(401, { title: 'Unauthorized', detail: 'This sign-in has expired: sign in with your password again.' }),
    });
    const { user } = renderApp('/sign-in');
    await passwordStep(user);
    await user.type(await screen.findByLabelText('Verification code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('This sign-in has expired');
    expect(screen.queryByLabelText('Verification code')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('sign-in-start-again'));

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveFocus());
    await user.type(screen.getByLabelText('Password'), 'CorrectHorse42');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByLabelText('Verification code')).toBeInTheDocument();
    expect(signIns).toBe(2);
    expect(requests.filter((request) => request.path === '/api/v1/auth/sign-in/mfa')).toHaveLength(1);
  });

  it('goes back to the password with Start again at any time', async () => {
    mockFetch({ 'POST /api/v1/auth/sign-in': () => mfaRequired() });
    const { user } = renderApp('/sign-in');
    await passwordStep(user);
    await user.click(await screen.findByRole('button', { name: 'Start again' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
  });

  it('tells how long to wait when the codes are rate limited', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-in': () => mfaRequired(),
      'POST /api/v1/auth/sign-in/mfa': () => problem(429, { title: 'Too Many Requests' }, { 'Retry-After': '30' }),
    });
    const { user } = renderApp('/sign-in');
    await passwordStep(user);
    await user.type(await screen.findByLabelText('Verification code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 30 seconds.');
    expect(screen.getByLabelText('Verification code')).toBeInTheDocument();
  });
});
