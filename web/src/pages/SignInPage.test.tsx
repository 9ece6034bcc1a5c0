import { screen } from '@testing-library/react';
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
    expect(screen.getByTestId('user-email')).toHaveTextContent('ada@example.com');
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
