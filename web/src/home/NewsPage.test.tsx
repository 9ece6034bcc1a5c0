import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, noActivity, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { sampleNews } from './fixtures';

const NEWS = 'GET /api/v1/news';

function renderNews() {
  tokenStore.set(sampleToken);
  return renderApp('/news', sampleMe);
}

function titles(): string[] {
  return within(screen.getByTestId('news-list'))
    .getAllByRole('heading', { level: 2 })
    .map((heading) => heading.textContent ?? '');
}

beforeEach(() => {
  tokenStore.clear();
});

describe('News Alerts', () => {
  it('lists the news newest first, page by page with "Load more"', async () => {
    const [first, second, third] = sampleNews;
    const { requests } = mockFetch({
      [NEWS]: (request) =>
        request.query.get('cursor') === 'cursor-2'
          ? json(200, { items: [third], nextCursor: null })
          : json(200, { items: [first, second], nextCursor: 'cursor-2' }),
    });
    const { user } = renderNews();
    expect(await screen.findByRole('heading', { level: 1, name: 'News Alerts' })).toBeInTheDocument();
    await waitFor(() => expect(titles()).toEqual(['Agent 14.3 released', 'Maintenance on Sunday']));
    const article = screen.getByRole('article', { name: 'Agent 14.3 released' });
    expect(within(article).getAllByRole('paragraph').map((paragraph) => paragraph.textContent)).toContain(
      'Computers update on their next check-in.',
    );
    const link = within(article).getByRole('link', { name: /Read more/ });
    expect(link).toHaveAttribute('href', 'https://news.example.com/agent-14-3');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(within(screen.getByRole('article', { name: 'Maintenance on Sunday' })).queryByRole('link')).toBeNull();

    await user.click(screen.getByTestId('news-load-more'));
    await waitFor(() =>
      expect(titles()).toEqual(['Agent 14.3 released', 'Maintenance on Sunday', 'Welcome to the Partner Console']),
    );
    expect(screen.queryByTestId('news-load-more')).not.toBeInTheDocument();
    expect(requests.map((request) => Object.fromEntries(request.query))).toEqual([
      { limit: '10' },
      { limit: '10', cursor: 'cursor-2' },
    ]);
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer access-token-1');
  });

  it('says when there is no news', async () => {
    mockFetch({ [NEWS]: () => json(200, { items: [], nextCursor: null }) });
    renderNews();
    expect(await screen.findByText('No news yet.')).toBeInTheDocument();
  });

  it('shows the problem and tries again', async () => {
    let calls = 0;
    mockFetch({
      [NEWS]: () => {
        calls += 1;
        return calls === 1
          ? problem(503, { title: 'Service Unavailable' })
          : json(200, { items: sampleNews, nextCursor: null });
      },
    });
    const { user } = renderNews();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The news could not be loaded');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(titles()).toHaveLength(3));
  });

  it('is the News Alerts widget’s "more"', async () => {
    mockFetch({ ...noActivity, [NEWS]: () => json(200, { items: sampleNews, nextCursor: null }) });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/', sampleMe);
    await user.click(await screen.findByRole('link', { name: 'More on News Alerts' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'News Alerts' })).toBeInTheDocument();
  });
});
