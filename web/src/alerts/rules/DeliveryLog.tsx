import { useEffect, useId, useState } from 'react';
import { formatTime } from '../../activity/activity';
import type { Problem } from '../../api/problem';
import { FormAlert } from '../../components/FormAlert';
import { LoadMore } from '../../components/LoadMore';
import { LoadFailed, ProblemAlert } from '../../customers/problems';
import { fetchDeliveries, sendTest } from './api';
import { CHANNEL_LABELS, DELIVERY_STATUS_LABELS } from './labels';
import type { Delivery } from './types';
import './rules.css';

type LogState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: Delivery[]; nextCursor: string | null };

type TestState =
  | { status: 'idle' }
  | { status: 'sending' }
  | { status: 'done'; delivery: Delivery }
  | { status: 'failed'; problem: Problem };

/** New deliveries first; one already listed (a test that is also on the next page) is kept once. */
function merge(first: readonly Delivery[], then: readonly Delivery[]): Delivery[] {
  const seen = new Set(first.map((delivery) => delivery.id));
  return [...first, ...then.filter((delivery) => !seen.has(delivery.id))];
}

function Time({ value }: { value: string }) {
  return <time dateTime={value}>{formatTime(value)}</time>;
}

/** "HTTP 200", or nothing when the call got no answer. */
function codeText(delivery: Delivery): string | null {
  return typeof delivery.statusCode === 'number' ? `HTTP ${delivery.statusCode}` : null;
}

/** What the test did, as the alert above the log says it. */
function TestResult({ delivery }: { delivery: Delivery }) {
  const code = codeText(delivery);
  const parts = [DELIVERY_STATUS_LABELS[delivery.status], code].filter(Boolean).join(' · ');
  if (delivery.status === 'sent') {
    return (
      <FormAlert tone="success" title={`The test was delivered: ${parts}.`}>
        <p>The webhook answered the test payload. It is at the top of the log.</p>
      </FormAlert>
    );
  }
  if (delivery.status === 'retrying') {
    return (
      <FormAlert tone="info" title={`The test was not delivered yet: ${parts}.`}>
        {delivery.error ? <p>{delivery.error}</p> : null}
        <p>
          {delivery.nextAttemptAt ? (
            <>
              It is tried again at <Time value={delivery.nextAttemptAt} />.
            </>
          ) : (
            'It is tried again shortly.'
          )}
        </p>
      </FormAlert>
    );
  }
  return (
    <FormAlert title={`The test could not be delivered: ${parts}.`}>
      {delivery.error ? <p>{delivery.error}</p> : null}
      <p>Check the URL and that the endpoint answers with a 2xx status, then send another test.</p>
    </FormAlert>
  );
}

interface DeliveryLogProps {
  ruleId: string;
  /** "Send test" needs a webhook. */
  hasWebhook: boolean;
}

/** The rule's deliveries (email, SMS and webhook), newest first, with Send test. */
export function DeliveryLog({ ruleId, hasWebhook }: DeliveryLogProps) {
  const headingId = useId();
  const hintId = useId();
  const [log, setLog] = useState<LogState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  const [test, setTest] = useState<TestState>({ status: 'idle' });

  useEffect(() => {
    let active = true;
    void fetchDeliveries(ruleId).then((result) => {
      if (!active) return;
      setLog(
        result.ok
          ? { status: 'loaded', items: [...result.data.items], nextCursor: result.data.nextCursor ?? null }
          : { status: 'failed', problem: result.problem },
      );
    });
    return () => {
      active = false;
    };
  }, [ruleId, attempt]);

  function reload() {
    setLog({ status: 'loading' });
    setMoreProblem(null);
    setAttempt((count) => count + 1);
  }

  async function loadMore() {
    if (log.status !== 'loaded' || log.nextCursor === null || loadingMore) return;
    setLoadingMore(true);
    setMoreProblem(null);
    const result = await fetchDeliveries(ruleId, log.nextCursor);
    setLoadingMore(false);
    if (!result.ok) {
      setMoreProblem(result.problem);
      return;
    }
    setLog((previous) =>
      previous.status === 'loaded'
        ? {
            status: 'loaded',
            items: merge(previous.items, result.data.items),
            nextCursor: result.data.nextCursor ?? null,
          }
        : previous,
    );
  }

  async function send() {
    if (test.status === 'sending' || !hasWebhook) return;
    setTest({ status: 'sending' });
    const result = await sendTest(ruleId);
    if (!result.ok) {
      setTest({ status: 'failed', problem: result.problem });
      return;
    }
    const delivery = result.data;
    setTest({ status: 'done', delivery });
    setLog((previous) =>
      previous.status === 'loaded' ? { ...previous, items: merge([delivery], previous.items) } : previous,
    );
  }

  return (
    <section className="panel panel--stack" aria-labelledby={headingId} aria-busy={log.status === 'loading'}>
      <div className="panel__header">
        <h2 id={headingId} className="panel__title">
          Delivery log
        </h2>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void send()}
          disabled={!hasWebhook || test.status === 'sending'}
          aria-describedby={hasWebhook ? undefined : hintId}
          data-testid="rule-send-test"
        >
          {test.status === 'sending' ? 'Sending…' : 'Send test'}
        </button>
      </div>
      {!hasWebhook ? (
        <p className="field__hint" id={hintId}>
          Send test posts a test payload to the rule’s webhook; edit the rule to add one.
        </p>
      ) : null}
      <div data-testid="rule-test-result">
        {test.status === 'done' ? <TestResult delivery={test.delivery} /> : null}
      </div>
      {test.status === 'failed' ? <ProblemAlert title="The test could not be sent" problem={test.problem} /> : null}

      {log.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading deliveries…
        </p>
      ) : null}
      {log.status === 'failed' ? (
        <LoadFailed title="The deliveries could not be loaded" problem={log.problem} onRetry={reload} />
      ) : null}
      {log.status === 'loaded' && log.items.length === 0 ? (
        <div className="empty-state" data-testid="deliveries-empty">
          <p>Nothing was sent for this rule yet. Each notification it sends, and each test, is listed here.</p>
        </div>
      ) : null}
      {log.status === 'loaded' && log.items.length > 0 ? (
        <div className="table-scroll">
          <table className="table table--compact" aria-labelledby={headingId} data-testid="deliveries-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Channel</th>
                <th scope="col">Target</th>
                <th scope="col">Status</th>
                <th scope="col" className="table__number">
                  Status code
                </th>
                <th scope="col" className="table__number">
                  Attempts
                </th>
                <th scope="col">Next attempt</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {log.items.map((delivery) => (
                <tr key={delivery.id} data-testid="delivery-row" data-delivery-id={delivery.id}>
                  <td>
                    <Time value={delivery.at} />
                    {delivery.test ? <span className="table__secondary">Test</span> : null}
                  </td>
                  <td>{CHANNEL_LABELS[delivery.channel]}</td>
                  <td className="table__mono">{delivery.target}</td>
                  <td>
                    <span className={`status status--delivery-${delivery.status}`}>
                      {DELIVERY_STATUS_LABELS[delivery.status]}
                    </span>
                  </td>
                  <td className="table__number">{delivery.statusCode ?? '—'}</td>
                  <td className="table__number">{delivery.attempts}</td>
                  <td>{delivery.nextAttemptAt ? <Time value={delivery.nextAttemptAt} /> : '—'}</td>
                  <td>{delivery.error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {moreProblem ? <ProblemAlert title="More deliveries could not be loaded" problem={moreProblem} /> : null}

      {log.status === 'loaded' && log.nextCursor !== null ? (
        <LoadMore loading={loadingMore} onLoad={loadMore} label="More" testId="deliveries-more" />
      ) : null}
    </section>
  );
}
