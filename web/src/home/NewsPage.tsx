import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { appendNew } from '../api/paging';
import type { Problem } from '../api/problem';
import { FormAlert } from '../components/FormAlert';
import { LoadMore } from '../components/LoadMore';
import { formatDate } from '../customers/labels';
import { ProblemAlert } from '../customers/problems';
import { fetchNews } from './api';
import { safeUrl } from './labels';
import type { NewsItem } from './types';

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: NewsItem[]; nextCursor: string | null };

/** A news item's body: paragraphs separated by blank lines. */
function Paragraphs({ text }: { text: string }) {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '');
  return (
    <div className="news-item__body">
      {paragraphs.map((paragraph, index) => (
        <p key={index}>{paragraph}</p>
      ))}
    </div>
  );
}

/** News Alerts: every news entry, newest first (the Home widget's "more"). */
export function NewsPage() {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);

  useEffect(() => {
    let live = true;
    void fetchNews().then((result) => {
      if (!live) return;
      setList(
        result.ok
          ? { status: 'loaded', items: [...result.data.items], nextCursor: result.data.nextCursor ?? null }
          : { status: 'failed', problem: result.problem },
      );
    });
    return () => {
      live = false;
    };
  }, [attempt]);

  async function loadMore() {
    if (list.status !== 'loaded' || list.nextCursor === null || loadingMore) return;
    setLoadingMore(true);
    setMoreProblem(null);
    const result = await fetchNews(list.nextCursor);
    setLoadingMore(false);
    if (!result.ok) {
      setMoreProblem(result.problem);
      return;
    }
    setList((previous) =>
      previous.status === 'loaded'
        ? {
            status: 'loaded',
            items: appendNew(previous.items, result.data.items),
            nextCursor: result.data.nextCursor ?? null,
          }
        : previous,
    );
  }

  return (
    <div className="page">
      <title>News Alerts · Partner Console</title>
      <div>
        <p className="breadcrumb">
          <Link to="/">Home</Link>
        </p>
        <h1 className="page__title">News Alerts</h1>
        <p className="page__subtitle">News from the security vendor, newest first.</p>
      </div>

      {list.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading news…
        </p>
      ) : null}

      {list.status === 'failed' ? (
        <div className="form__message">
          <FormAlert title="The news could not be loaded">
            <p>
              {list.problem.title}
              {list.problem.detail ? `: ${list.problem.detail}` : ''}
            </p>
            <p className="alert__actions">
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  setList({ status: 'loading' });
                  setAttempt((count) => count + 1);
                }}
              >
                Try again
              </button>
            </p>
          </FormAlert>
        </div>
      ) : null}

      {list.status === 'loaded' && list.items.length === 0 ? (
        <div className="panel empty-state">
          <p>No news yet.</p>
        </div>
      ) : null}

      {list.status === 'loaded' && list.items.length > 0 ? (
        <ul className="news-list" data-testid="news-list">
          {list.items.map((item) => {
            const url = safeUrl(item.url);
            return (
              <li key={item.id} id={`news-${item.id}`}>
                <article className="panel news-item" aria-labelledby={`news-title-${item.id}`}>
                  <h2 id={`news-title-${item.id}`} className="news-item__title">
                    {item.title}
                  </h2>
                  <p className="widget__meta">
                    <time dateTime={item.publishedAt}>{formatDate(item.publishedAt)}</time>
                  </p>
                  <Paragraphs text={item.body || item.summary} />
                  {url ? (
                    <p>
                      <a href={url} target="_blank" rel="noopener noreferrer">
                        Read more <span className="visually-hidden">about {item.title} (opens in a new tab)</span>
                      </a>
                    </p>
                  ) : null}
                </article>
              </li>
            );
          })}
        </ul>
      ) : null}

      {moreProblem ? <ProblemAlert title="More news could not be loaded" problem={moreProblem} /> : null}
      {list.status === 'loaded' && list.nextCursor !== null ? (
        <LoadMore loading={loadingMore} onLoad={loadMore} testId="news-load-more" className="pager" />
      ) : null}
    </div>
  );
}
