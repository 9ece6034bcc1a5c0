import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { mockFetch, noActivity, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { APP_PAGES } from './pages';

beforeEach(() => {
  tokenStore.clear();
});

describe('routing and shell', () => {
  it('sends visitors without a session to sign in', async () => {
    mockFetch({});
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('sends unknown paths to Home', async () => {
    mockFetch(noActivity);
    tokenStore.set(sampleToken);
    renderApp('/no-such-page', sampleMe);
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
  });

  it('shows Home in the shell for a restored session', async () => {
    mockFetch(noActivity);
    tokenStore.set(sampleToken);
    renderApp('/', sampleMe);

    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
    expect(screen.getByTestId('company-name')).toHaveTextContent('Analytical Engines Ltd');
    expect(screen.getByTestId('user-email')).toHaveTextContent('ada@example.com');
    expect(screen.getByTestId('role-name')).toHaveTextContent('Partner Administrator');

    const banner = screen.getByRole('banner');
    expect(within(banner).getByText('Partner Console')).toBeInTheDocument();
    expect(within(banner).getByText('Ada Lovelace')).toBeInTheDocument();
    expect(within(banner).getByText('Analytical Engines Ltd')).toBeInTheDocument();
    expect(within(banner).getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(screen.getByRole('main')).toBeInTheDocument();
  });

  it('lists every page in the navigation and marks the current one', async () => {
    mockFetch(noActivity);
    tokenStore.set(sampleToken);
    renderApp('/', sampleMe);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual(APP_PAGES.map((page) => page.label));
    expect(within(nav).getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
  });

  it('signs out and returns to sign in', async () => {
    const { requests } = mockFetch({
      ...noActivity,
      'POST /api/v1/auth/sign-out': () => new Response(null, { status: 204 }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/', sampleMe);
    await screen.findByText('No activity yet.');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/v1/me/activity',
      'POST /api/v1/auth/sign-out',
    ]);
    expect(tokenStore.getAccessToken()).toBeNull();
  });

  it('ends the session in the UI when the token is cleared', async () => {
    mockFetch(noActivity);
    tokenStore.set(sampleToken);
    renderApp('/', sampleMe);
    await screen.findByRole('heading', { name: 'Welcome, Ada' });
    tokenStore.clear();
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('sends signed-in users away from the sign-in page', async () => {
    mockFetch(noActivity);
    tokenStore.set(sampleToken);
    renderApp('/sign-in', sampleMe);
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
  });
});
