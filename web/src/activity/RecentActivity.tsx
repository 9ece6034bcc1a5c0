import { useEffect, useState } from 'react';
import type { AuditRecord } from '../api/client';
import { appendNew } from '../api/paging';
import type { Problem } from '../api/problem';
import { LoadMore } from '../components/LoadMore';
import { LoadFailed, ProblemAlert } from '../customers/problems';
import {
  ACTIVITY_CSV_FILENAME,
  actionLabel,
  fetchActivity,
  fetchActivityCsv,
  formatTime,
  outcomeLabel,
} from './activity';
import { saveBlob } from './saveBlob';

type Loaded = { items: AuditRecord[]; nextCursor: string | null };

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | ({ status: 'loaded' } & Loaded);

/** What failed (the title) and the API's answer. */
interface Failure {
  title: string;
  problem: Problem;
}

/** The signed-in user's newest audit records, with "Show more" and a CSV download. */
export function RecentActivity() {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreFailure, setMoreFailure] = useState<Failure | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [downloadFailure, setDownloadFailure] = useState<Failure | null>(null);

  useEffect(() => {
    let active = true;
    void fetchActivity().then((result) => {
      if (!active) return;
      setList(
        result.ok
          ? { status: 'loaded', items: [...result.data.items], nextCursor: result.data.nextCursor ?? null }
          : { status: 'failed', problem: result.problem },
      );
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  function retry() {
    setList({ status: 'loading' });
    setAttempt((count) => count + 1);
  }

  async function showMore() {
    if (list.status !== 'loaded' || list.nextCursor === null || loadingMore) return;
    setLoadingMore(true);
    setMoreFailure(null);
    const result = await fetchActivity(list.nextCursor);
    setLoadingMore(false);
    if (!result.ok) {
      setMoreFailure({ title: 'More activity could not be loaded', problem: result.problem });
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

  async function downloadCsv() {
    if (downloading) return;
    setDownloading(true);
    setDownloadFailure(null);
    const result = await fetchActivityCsv();
    setDownloading(false);
    if (result.ok) saveBlob(result.data, ACTIVITY_CSV_FILENAME);
    else setDownloadFailure({ title: 'The CSV could not be downloaded', problem: result.problem });
  }

  return (
    <section className="panel panel--stack" aria-labelledby="activity-heading" aria-busy={list.status === 'loading'}>
      <div className="panel__header">
        <h2 id="activity-heading" className="panel__title">
          Recent activity
        </h2>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void downloadCsv()}
          disabled={downloading}
        >
          {downloading ? 'Downloading…' : 'Download CSV'}
        </button>
      </div>

      {downloadFailure ? <ProblemAlert {...downloadFailure} /> : null}

      {list.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading activity…
        </p>
      ) : null}

      {list.status === 'failed' ? (
        <LoadFailed title="Activity could not be loaded" problem={list.problem} onRetry={retry} />
      ) : null}

      {list.status === 'loaded' && list.items.length === 0 ? <p className="panel__note">No activity yet.</p> : null}

      {list.status === 'loaded' && list.items.length > 0 ? (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">Recent activity</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Source IP</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((record) => (
                <tr key={record.id}>
                  <td>
                    <time dateTime={record.at}>{formatTime(record.at)}</time>
                  </td>
                  <td>{actionLabel(record.action)}</td>
                  <td>
                    <span className={`outcome outcome--${record.outcome}`}>{outcomeLabel(record.outcome)}</span>
                    {record.reason ? <span className="outcome__reason"> — {record.reason}</span> : null}
                  </td>
                  <td className="table__mono">{record.sourceIp}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {moreFailure ? <ProblemAlert {...moreFailure} /> : null}

      {list.status === 'loaded' && list.nextCursor !== null ? (
        <LoadMore loading={loadingMore} onLoad={showMore} label="Show more" />
      ) : null}
    </section>
  );
}
