import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { fetchCompany } from '../admin/api';
import type { ConsentReminders, ConsentRequest, ConsentRequestQuery } from '../api/client';
import type { Problem } from '../api/problem';
import { Dialog } from '../components/Dialog';
import { FormAlert } from '../components/FormAlert';
import { LoadMore } from '../components/LoadMore';
import { fetchConsentRequests, resendConsentRequest, withdrawConsentRequest } from './api';
import { ImportCustomerDialog } from './ImportCustomerDialog';
import { formatDateTime, requestKindLabel, requestStatusLabel, requestSubject } from './labels';
import { LoadFailed, ProblemAlert } from './problems';

type Filter = Pick<ConsentRequestQuery, 'status' | 'type'>;

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: ConsentRequest[]; nextCursor: string | null };

/** One paged list of requests, with "Load more", a reload and local updates after an action. */
function useRequestList(filter: Filter) {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    let active = true;
    void fetchConsentRequests(JSON.parse(filterKey) as Filter).then((result) => {
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
  }, [filterKey, attempt]);

  const reload = useCallback(() => {
    setList({ status: 'loading' });
    setMoreProblem(null);
    setAttempt((count) => count + 1);
  }, []);

  async function loadMore() {
    if (list.status !== 'loaded' || list.nextCursor === null || loadingMore) return;
    setLoadingMore(true);
    setMoreProblem(null);
    const result = await fetchConsentRequests(JSON.parse(filterKey) as Filter, list.nextCursor);
    setLoadingMore(false);
    if (!result.ok) {
      setMoreProblem(result.problem);
      return;
    }
    setList((previous) => {
      if (previous.status !== 'loaded') return previous;
      const seen = new Set(previous.items.map((item) => item.id));
      return {
        status: 'loaded',
        items: [...previous.items, ...result.data.items.filter((item) => !seen.has(item.id))],
        nextCursor: result.data.nextCursor ?? null,
      };
    });
  }

  /** Replaces a request with its new state, dropping it when it no longer matches the list's status filter. */
  function update(request: ConsentRequest) {
    const parsed = JSON.parse(filterKey) as Filter;
    setList((previous) => {
      if (previous.status !== 'loaded') return previous;
      const matches = parsed.status === undefined || parsed.status === request.status;
      return {
        ...previous,
        items: matches
          ? previous.items.map((item) => (item.id === request.id ? request : item))
          : previous.items.filter((item) => item.id !== request.id),
      };
    });
  }

  return { list, reload, loadMore, loadingMore, moreProblem, update };
}

type RequestList = ReturnType<typeof useRequestList>;

function ListFooter({ requests, label, testId }: { requests: RequestList; label: string; testId: string }) {
  const { list, loadMore, loadingMore, moreProblem, reload } = requests;
  return (
    <>
      {list.status === 'failed' ? (
        <LoadFailed title={`${label} could not be loaded`} problem={list.problem} onRetry={reload} />
      ) : null}
      {moreProblem ? <ProblemAlert title={`More ${label.toLowerCase()} could not be loaded`} problem={moreProblem} /> : null}
      {list.status === 'loaded' && list.nextCursor !== null ? (
        <LoadMore loading={loadingMore} onLoad={loadMore} testId={testId} />
      ) : null}
    </>
  );
}

function When({ value }: { value: string }) {
  return <time dateTime={value}>{formatDateTime(value)}</time>;
}

/** A pending request's reminders as the Reminders column shows them. */
export interface ReminderSummary {
  /** How many went: "1 of 2", "3 sent" (more than the setting allows now), "Off", "Off (1 sent)". */
  sent: string;
  /** When the latest went. */
  last: string | null;
  /** When the next is planned. */
  next: string | null;
  /** The latest reminder's email could not be sent. */
  failed: boolean;
}

/**
 * A pending request's reminders: how many went (of how many the partner's setting allows,
 * while that is more), when the last went, and when the next is planned. `reminders` is
 * the setting, when it could be read.
 */
export function reminderSummary(request: ConsentRequest, reminders: ConsentReminders | undefined): ReminderSummary {
  const count = request.remindersSent ?? 0;
  const last = request.lastRemindedAt ?? null;
  const failed = request.lastReminderFailed ?? false;
  if (reminders && !reminders.enabled) {
    return { sent: count > 0 ? `Off (${count} sent)` : 'Off', last, next: null, failed };
  }
  // A max lowered below what already went reads as the count alone, never "3 of 2".
  const sent = reminders && count <= reminders.max ? `${count} of ${reminders.max}` : `${count} sent`;
  return { sent, last, next: request.nextReminderAt ?? null, failed };
}

function RemindersCell({ request, reminders }: { request: ConsentRequest; reminders: ConsentReminders | undefined }) {
  const summary = reminderSummary(request, reminders);
  return (
    <td data-testid="request-reminders">
      {summary.sent}
      {summary.last ? (
        <>
          , last <When value={summary.last} />
        </>
      ) : null}
      {summary.failed ? (
        <span className="table__secondary" data-testid="request-reminder-failed">
          The latest reminder could not be delivered
        </span>
      ) : null}
      {summary.next ? (
        <span className="table__secondary">
          Next <When value={summary.next} />
        </span>
      ) : null}
    </td>
  );
}

/** The partner's reminder setting (My Company), or undefined while unknown. */
function useReminderSetting(): ConsentReminders | undefined {
  const [reminders, setReminders] = useState<ConsentReminders | undefined>(undefined);
  useEffect(() => {
    let active = true;
    void fetchCompany().then((result) => {
      if (active && result.ok) setReminders(result.data.company.consentReminders);
    });
    return () => {
      active = false;
    };
  }, []);
  return reminders;
}

interface Outcome {
  tone: 'success' | 'error';
  title: string;
  detail?: string | undefined;
}

/**
 * Requests sent to customers: the pending ones (imports and management changes)
 * with their expiry, their reminders, Re-send and Withdraw, and the Request Status
 * table of imports (Table 2-2).
 */
export function RequestsPage() {
  const pending = useRequestList({ status: 'pending' });
  const imports = useRequestList({ type: 'import' });
  const reminders = useReminderSetting();
  const [busy, setBusy] = useState<string | null>(null);
  const [withdrawing, setWithdrawing] = useState<ConsentRequest | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [importing, setImporting] = useState(false);
  const outcomeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  function applied(request: ConsentRequest) {
    pending.update(request);
    imports.update(request);
  }

  function failed(title: string, problem: Problem) {
    setOutcome({ tone: 'error', title, detail: problem.detail ?? problem.title });
    // The request changed elsewhere (answered, expired or withdrawn): show its current state.
    if (problem.status === 409 || problem.status === 404) {
      pending.reload();
      imports.reload();
    }
  }

  async function resend(request: ConsentRequest) {
    if (busy !== null) return;
    setBusy(request.id);
    setOutcome(null);
    const result = await resendConsentRequest(request.id);
    setBusy(null);
    if (!result.ok) {
      failed('The request could not be sent again', result.problem);
      return;
    }
    applied(result.data);
    setOutcome({
      tone: 'success',
      title: `The request was sent again to ${result.data.email}.`,
      detail: `The earlier links (the reminders' too) no longer work; the new one expires ${formatDateTime(result.data.expiresAt)}.`,
    });
  }

  async function withdraw(request: ConsentRequest) {
    setBusy(request.id);
    setOutcome(null);
    const result = await withdrawConsentRequest(request.id);
    setBusy(null);
    setWithdrawing(null);
    if (!result.ok) {
      failed('The request could not be withdrawn', result.problem);
      return;
    }
    applied(result.data);
    setOutcome({
      tone: 'success',
      title: `The request to ${requestSubject(result.data)} was withdrawn.`,
      detail: 'Its links no longer work.',
    });
  }

  return (
    <div className="page page--wide">
      <title>Requests · Partner Console</title>
      <div className="page__header">
        <div>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link to="/customers">Customers</Link>
          </nav>
          <h1 className="page__title">Requests</h1>
          <p className="page__subtitle">Import and management requests waiting for, or answered by, your customers.</p>
        </div>
        <div className="page__actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => setImporting(true)}
            data-testid="import-customer-open"
          >
            Import Existing Customer
          </button>
        </div>
      </div>

      {importing ? (
        <ImportCustomerDialog
          onClose={() => setImporting(false)}
          onSent={() => {
            pending.reload();
            imports.reload();
          }}
        />
      ) : null}

      {outcome ? (
        <div ref={outcomeRef} tabIndex={-1} className="form__message" data-testid="request-outcome">
          <FormAlert tone={outcome.tone} title={outcome.title}>
            {outcome.detail ? <p>{outcome.detail}</p> : null}
          </FormAlert>
        </div>
      ) : null}

      <section className="panel panel--stack" aria-labelledby="pending-heading" aria-busy={pending.list.status === 'loading'}>
        <h2 id="pending-heading" className="panel__title">
          Waiting for the customer’s approval
        </h2>
        {pending.list.status === 'loading' ? <p className="panel__note">Loading requests…</p> : null}
        {pending.list.status === 'loaded' && pending.list.items.length === 0 ? (
          <p className="panel__note">No requests are waiting for an answer.</p>
        ) : null}
        {pending.list.status === 'loaded' && pending.list.items.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby="pending-heading">
              <thead>
                <tr>
                  <th scope="col">Request</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Email</th>
                  <th scope="col">Requested At</th>
                  <th scope="col">Link Expires</th>
                  <th scope="col">Reminders</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {pending.list.items.map((request) => (
                  <tr key={request.id} data-testid="pending-request-row" data-request-id={request.id}>
                    <td>{requestKindLabel(request)}</td>
                    <td>
                      {request.type === 'managementChange' && request.customerId ? (
                        <Link to={`/customers/${encodeURIComponent(request.customerId)}`}>{requestSubject(request)}</Link>
                      ) : (
                        requestSubject(request)
                      )}
                    </td>
                    <td>{request.email}</td>
                    <td>
                      <When value={request.requestedAt} />
                    </td>
                    <td>
                      <When value={request.expiresAt} />
                      {request.sentCount > 1 ? (
                        <span className="table__secondary">Sent {request.sentCount} times</span>
                      ) : null}
                    </td>
                    <RemindersCell request={request} reminders={reminders} />
                    <td className="table__actions">
                      <button
                        type="button"
                        className="button button--small button--secondary"
                        onClick={() => void resend(request)}
                        disabled={busy !== null}
                        aria-label={`Re-send the request to ${requestSubject(request)}`}
                        data-testid="request-resend"
                      >
                        {busy === request.id && withdrawing === null ? 'Sending…' : 'Re-send'}
                      </button>
                      <button
                        type="button"
                        className="button button--small button--secondary"
                        onClick={() => setWithdrawing(request)}
                        disabled={busy !== null}
                        aria-label={`Withdraw the request to ${requestSubject(request)}`}
                        data-testid="request-withdraw"
                      >
                        Withdraw
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <ListFooter requests={pending} label="Pending requests" testId="pending-load-more" />
      </section>

      <section className="panel panel--stack" aria-labelledby="status-heading" aria-busy={imports.list.status === 'loading'}>
        <h2 id="status-heading" className="panel__title">
          Request Status
        </h2>
        <p className="panel__note">Your requests to import existing customers, newest first.</p>
        {imports.list.status === 'loading' ? <p className="panel__note">Loading requests…</p> : null}
        {imports.list.status === 'loaded' && imports.list.items.length === 0 ? (
          <p className="panel__note">You have not asked to import a customer yet.</p>
        ) : null}
        {imports.list.status === 'loaded' && imports.list.items.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby="status-heading">
              <thead>
                <tr>
                  <th scope="col">Requested At</th>
                  <th scope="col">Email</th>
                  <th scope="col">Status</th>
                  <th scope="col">Updated At</th>
                  <th scope="col">Customer</th>
                </tr>
              </thead>
              <tbody>
                {imports.list.items.map((request) => (
                  <tr key={request.id} data-testid="import-request-row" data-request-id={request.id}>
                    <td>
                      <When value={request.requestedAt} />
                    </td>
                    <td>{request.email}</td>
                    <td>
                      <span className={`status status--request-${request.status}`}>{requestStatusLabel(request.status)}</span>
                    </td>
                    <td>
                      <When value={request.updatedAt} />
                    </td>
                    <td>
                      {request.status === 'approved' && request.customerId ? (
                        <Link to={`/customers/${encodeURIComponent(request.customerId)}`}>{request.customerName}</Link>
                      ) : (
                        <span className="table__secondary">Shown once approved</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <ListFooter requests={imports} label="Import requests" testId="imports-load-more" />
      </section>

      {withdrawing ? (
        <Dialog title="Withdraw the request?" onClose={() => setWithdrawing(null)} closeDisabled={busy !== null}>
          <p className="dialog__lead">
            {requestKindLabel(withdrawing)} for {requestSubject(withdrawing)}
            {withdrawing.customerName ? ` (${withdrawing.email})` : ''}. The link in the email
            stops working, and the customer can no longer approve it.
          </p>
          <div className="dialog__actions">
            <button
              type="button"
              className="button button--secondary"
              onClick={() => setWithdrawing(null)}
              disabled={busy !== null}
            >
              Keep request
            </button>
            <button
              type="button"
              className="button button--danger"
              onClick={() => void withdraw(withdrawing)}
              disabled={busy !== null}
              data-testid="withdraw-confirm"
            >
              {busy !== null ? 'Withdrawing…' : 'Withdraw request'}
            </button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
