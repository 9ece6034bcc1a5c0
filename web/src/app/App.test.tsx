import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { mockFetch, noActivity, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { administratorMe, customRoleMe } from '../customers/fixtures';
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
    expect(await screen.findByTestId('company-name')).toHaveTextContent('Analytical Engines Ltd');
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

  it('lists the Administration pages under their own heading, for the roles that open them', async () => {
    mockFetch(noActivity);
    tokenStore.set(sampleToken);
    renderApp('/', sampleMe);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('heading', { name: 'Administration' })).toBeInTheDocument();
    const administration = within(nav).getByRole('list', { name: 'Administration' });
    expect(within(administration).getAllByRole('link').map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['Users', '/admin/users'],
      ['User Roles', '/admin/roles'],
      ['Alert Notifications', '/admin/alert-notifications'],
      ['Report Customization', '/admin/report-customization'],
      ['My Company', '/admin/company'],
      ['API Clients', '/admin/api-clients'],
      ['Security', '/admin/security'],
      ['Security Audit', '/admin/audit'],
    ]);
  });

  it('leaves API Clients and Security out for an Administrator, and does not open them', async () => {
    const { requests } = mockFetch(noActivity);
    tokenStore.set(sampleToken);
    const { unmount } = renderApp('/', administratorMe);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const administration = within(nav).getByRole('list', { name: 'Administration' });
    expect(within(administration).getAllByRole('link').map((link) => link.textContent)).toEqual([
      'Users',
      'User Roles',
      'Alert Notifications',
      'Report Customization',
      'My Company',
      'Security Audit',
    ]);
    unmount();
    for (const path of ['/admin/api-clients', '/admin/security']) {
      const view = renderApp(path, administratorMe);
      expect(await screen.findByRole('heading', { name: 'Not available for your role' })).toBeInTheDocument();
      view.unmount();
    }
    expect(requests.map((request) => request.path)).toEqual([
      '/api/v1/me/activity',
      '/api/v1/dashboard',
      '/api/v1/dashboard/layout',
    ]);
  });

  it('shows a custom role only My Company under Administration, and does not open the other pages', async () => {
    mockFetch(noActivity);
    tokenStore.set(sampleToken);
    const { user } = renderApp('/', customRoleMe);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual([
      ...APP_PAGES.filter((page) => page.section === undefined).map((page) => page.label),
      'My Company',
    ]);
    const administration = within(nav).getByRole('list', { name: 'Administration' });
    expect(within(administration).getAllByRole('link').map((link) => link.textContent)).toEqual(['My Company']);

    await user.click(screen.getByTestId('account-menu'));
    expect(screen.getByRole('link', { name: 'My User Settings' })).toHaveAttribute('href', '/settings/me');
    expect(screen.getByText(/Role: Help desk/)).toBeInTheDocument();
  });

  it('answers "Not available for your role" at an address the role does not open', async () => {
    const { requests } = mockFetch({});
    tokenStore.set(sampleToken);
    renderApp('/customers/new', customRoleMe);
    expect(await screen.findByRole('heading', { name: 'Not available for your role' })).toBeInTheDocument();
    expect(requests).toEqual([]);
  });

  it('closes the account menu with Escape, giving focus back to it', async () => {
    mockFetch(noActivity);
    tokenStore.set(sampleToken);
    const { user } = renderApp('/', sampleMe);
    const menu = await screen.findByTestId('account-menu');
    await user.click(menu);
    expect(screen.getByRole('link', { name: 'My User Settings' })).toBeVisible();
    await user.keyboard('{Escape}');
    expect(menu).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('link', { name: 'My User Settings' })).not.toBeInTheDocument();
    expect(menu).toHaveFocus();
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
      'GET /api/v1/dashboard',
      'GET /api/v1/dashboard/layout',
      'GET /api/v1/report-schedules',
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
