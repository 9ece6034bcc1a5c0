import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { APP_PAGES } from '../app/pages';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { HELP_TOPICS, helpTopic, topicForPath } from './topics';
import { welcomeSeenKey, WIZARD_STEPS } from './welcome';

const HOME_ROUTES = {
  'GET /api/v1/me/activity': () => json(200, { items: [] }),
  'GET /api/v1/dashboard': () => json(503, { type: 'about:blank', title: 'Unavailable', status: 503 }),
  'GET /api/v1/dashboard/layout': () => json(503, { type: 'about:blank', title: 'Unavailable', status: 503 }),
  'GET /api/v1/customers': () => json(200, { items: [] }),
  'GET /api/v1/report-schedules': () => json(200, { items: [] }),
  'GET /api/v1/reports': () => json(200, { items: [] }),
};

function signedIn(path: string) {
  tokenStore.set(sampleToken);
  return renderApp(path, sampleMe);
}

beforeEach(() => {
  tokenStore.clear();
  window.localStorage.clear();
});

describe('help topics', () => {
  it('has a topic about every page of the navigation, found from its path', () => {
    for (const page of APP_PAGES) {
      const topic = topicForPath(page.path);
      expect(topic.page, `help for ${page.path}`).toBe(page.path);
    }
  });

  it('finds the topic of a page with an id in its path, and of a page below a topic', () => {
    expect(topicForPath('/customers/cus_123').id).toBe('customer-profile');
    expect(topicForPath('/customers/new').id).toBe('add-customer');
    expect(topicForPath('/reports/templates/tpl_1').id).toBe('reports');
    expect(topicForPath('/admin/users/usr_2').id).toBe('users');
    expect(topicForPath('/no/such/page').id).toBe('welcome');
  });

  it('links only to topics that exist, and no two topics share an id', () => {
    expect(new Set(HELP_TOPICS.map((topic) => topic.id)).size).toBe(HELP_TOPICS.length);
    for (const topic of HELP_TOPICS) {
      for (const id of topic.related ?? []) expect(helpTopic(id), `${topic.id} -> ${id}`).toBeDefined();
    }
  });
});

describe('the question-mark menu', () => {
  it('opens the help about the page you are on, with a way back to it', async () => {
    mockFetch({ 'GET /api/v1/customers': () => json(200, { items: [] }) });
    const { user } = signedIn('/customers/requests');
    await user.click(await screen.findByTestId('help-menu'));
    expect(screen.getByTestId('help-menu')).toHaveAttribute('aria-expanded', 'true');
    await user.click(screen.getByRole('link', { name: 'Learn more about this page' }));

    const topic = await screen.findByTestId('help-topic');
    expect(within(topic).getByRole('heading', { level: 1 })).toHaveTextContent('Requests');
    expect(screen.getByTestId('help-menu')).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getByRole('link', { name: 'Back to the page' })).toHaveAttribute('href', '/customers/requests');
  });

  it('leads to the partner’s tickets and to Feedback, and leaves Support out for a role without tickets', async () => {
    mockFetch(HOME_ROUTES);
    const admin = signedIn('/');
    await admin.user.click(await screen.findByTestId('help-menu'));
    expect(screen.getByRole('link', { name: 'Support' })).toHaveAttribute('href', '/cases');
    expect(screen.getByRole('link', { name: 'Feedback' })).toHaveAttribute('href', '/feedback');
    admin.unmount();

    const limited = { ...sampleMe, can: { ...sampleMe.can, supportTickets: false } };
    tokenStore.set(sampleToken);
    const other = renderApp('/', limited);
    await other.user.click(await screen.findByTestId('help-menu'));
    expect(screen.queryByRole('link', { name: 'Support' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Feedback' })).toBeInTheDocument();
  });

  it('closes with Escape and gives focus back to the question mark', async () => {
    mockFetch(HOME_ROUTES);
    const { user } = signedIn('/');
    const button = await screen.findByTestId('help-menu');
    await user.click(button);
    await user.keyboard('{Escape}');
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(button).toHaveFocus();
  });

  it('opens the FAQ and the contents', async () => {
    mockFetch({});
    const { user } = signedIn('/help/faq');
    expect(await screen.findByRole('heading', { level: 1, name: 'Frequently asked questions' })).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Help contents' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Help' })).toBeInTheDocument();
    const contents = within(screen.getByRole('main'));
    expect(contents.getByRole('link', { name: 'Alert Notifications' })).toHaveAttribute(
      'href',
      '/help/alert-notifications',
    );
  });

  it('says so when a topic does not exist', async () => {
    mockFetch({});
    signedIn('/help/no-such-topic');
    expect(await screen.findByRole('heading', { level: 1, name: 'No such help topic' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'See every help topic' })).toHaveAttribute('href', '/help');
  });
});

describe('the welcome', () => {
  it('offers the tour on the first visit to Home, and remembers a dismissal', async () => {
    mockFetch(HOME_ROUTES);
    const first = signedIn('/');
    const panel = await screen.findByTestId('welcome-panel');
    await first.user.click(within(panel).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('welcome-panel')).not.toBeInTheDocument();
    expect(window.localStorage.getItem(welcomeSeenKey(sampleMe.user.id))).not.toBeNull();
    first.unmount();

    signedIn('/');
    expect(await screen.findByRole('heading', { level: 1 })).toBeInTheDocument();
    expect(screen.queryByTestId('welcome-panel')).not.toBeInTheDocument();
  });

  it('walks through every step, and reopens from the help menu once seen', async () => {
    window.localStorage.setItem(welcomeSeenKey(sampleMe.user.id), '2026-12-01T00:00:00Z');
    mockFetch({ ...HOME_ROUTES, 'GET /api/v1/alerts': () => json(200, { items: [] }) });
    const { user } = signedIn('/help/faq');
    await user.click(await screen.findByTestId('help-menu'));
    await user.click(screen.getByRole('button', { name: 'Welcome Wizard' }));

    const wizard = await screen.findByRole('dialog', { name: 'Welcome Wizard' });
    expect(within(wizard).getByRole('heading', { level: 3 })).toHaveTextContent(WIZARD_STEPS[0]?.title ?? '');
    expect(within(wizard).getByRole('button', { name: 'Back' })).toBeDisabled();
    for (let step = 1; step < WIZARD_STEPS.length; step += 1) {
      await user.click(within(wizard).getByRole('button', { name: 'Next' }));
      const heading = within(wizard).getByRole('heading', { level: 3 });
      expect(heading).toHaveTextContent(WIZARD_STEPS[step]?.title ?? '');
      expect(heading).toHaveFocus();
    }
    expect(within(wizard).queryByRole('button', { name: 'Next' })).not.toBeInTheDocument();
    await user.click(within(wizard).getByRole('button', { name: 'Finish' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByTestId('welcome-panel')).not.toBeInTheDocument();
  });
});
