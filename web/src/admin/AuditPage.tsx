import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ACTION_LABELS, actionLabel, formatTime, outcomeLabel } from '../activity/activity';
import { saveBlob } from '../activity/saveBlob';
import type { AuditRecord, CustomerRow, RoleView, UserView } from '../api/client';
import { fetchUntilItems } from '../api/paging';
import { mapFieldErrors, type Problem } from '../api/problem';
import { DateInput, SelectInput } from '../customers/controls';
import { LoadFailed, ProblemAlert } from '../customers/problems';
import {
  AUDIT_CSV_FILENAME,
  fetchAllCustomers,
  fetchAllUsers,
  fetchAudit,
  fetchAuditCsv,
  fetchRoles,
  NO_AUDIT_FILTERS,
  type AuditFilters,
} from './api';
import { fullName } from './labels';

const FILTER_FIELDS = ['user', 'action', 'customer', 'from', 'to'] as const;
type FilterField = (typeof FILTER_FIELDS)[number];

const ACTION_OPTIONS = Object.entries(ACTION_LABELS)
  .map(([value, label]) => ({ value, label }))
  .sort((a, b) => a.label.localeCompare(b.label));

type PageState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: AuditRecord[]; nextCursor: string | null };

/** The first page from `cursor` that has items, or the end of the list. */
function loadPage(filters: AuditFilters, cursor: string | undefined) {
  return fetchUntilItems((next) => fetchAudit(filters, next), cursor);
}

/** Administration > Security Audit: the account's logons and changes, newest first. */
export function AuditPage() {
  const [draft, setDraft] = useState<AuditFilters>(NO_AUDIT_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(NO_AUDIT_FILTERS);
  const [filterErrors, setFilterErrors] = useState<Partial<Record<FilterField, string>>>({});
  // The cursor of each page shown so far: the first page has none.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<PageState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [users, setUsers] = useState<UserView[]>([]);
  const [roles, setRoles] = useState<RoleView[]>([]);
  const [customers, setCustomers] = useState<CustomerRow[]>([]);
  const [customersDone, setCustomersDone] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);
  const generation = useRef(0);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    let active = true;
    void fetchAllUsers().then((result) => {
      if (active && result.ok) setUsers(result.data);
    });
    void fetchRoles().then((result) => {
      if (active && result.ok) setRoles(result.data);
    });
    void fetchAllCustomers(
      (rows) => {
        if (active) setCustomers(rows);
      },
      () => active,
    ).then(() => {
      if (active) setCustomersDone(true);
    });
    return () => {
      active = false;
    };
  }, []);

  useEffect(() => {
    generation.current += 1;
    const current = generation.current;
    void loadPage(filters, cursor).then((result) => {
      if (current !== generation.current) return;
      if (result.ok) {
        setPage({ status: 'loaded', items: result.data.items, nextCursor: result.data.nextCursor });
        return;
      }
      const { fields } = mapFieldErrors(result.problem, FILTER_FIELDS);
      setFilterErrors(fields);
      setPage({ status: 'failed', problem: result.problem });
    });
  }, [filters, cursor, attempt]);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (draft.from !== '' && draft.to !== '' && draft.from > draft.to) {
      setFilterErrors({ to: 'The end date must not be before the start date.' });
      return;
    }
    setFilterErrors({});
    setPage({ status: 'loading' });
    setFilters({ ...draft });
    setCursors([undefined]);
    setAttempt((count) => count + 1);
  }

  function clear() {
    setDraft(NO_AUDIT_FILTERS);
    setFilterErrors({});
    setPage({ status: 'loading' });
    setFilters(NO_AUDIT_FILTERS);
    setCursors([undefined]);
    setAttempt((count) => count + 1);
  }

  function nextPage() {
    if (page.status !== 'loaded' || page.nextCursor === null) return;
    const next = page.nextCursor;
    setPage({ status: 'loading' });
    setCursors((previous) => [...previous, next]);
  }

  function previousPage() {
    if (cursors.length <= 1) return;
    setPage({ status: 'loading' });
    setCursors((previous) => previous.slice(0, -1));
  }

  async function exportCsv() {
    if (downloading) return;
    setDownloading(true);
    setDownloadProblem(null);
    const result = await fetchAuditCsv(filters);
    setDownloading(false);
    if (result.ok) saveBlob(result.data, AUDIT_CSV_FILENAME);
    else setDownloadProblem(result.problem);
  }

  const set = (field: FilterField) => (value: string) => {
    setDraft((previous) => ({ ...previous, [field]: value }));
    setFilterErrors((previous) => ({ ...previous, [field]: undefined }));
  };

  const userNames = new Map(users.map((user) => [user.id, fullName(user)]));
  const customerNames = new Map(customers.map((row) => [row.id, row.name]));
  const roleNames = new Map(roles.map((role) => [role.id, role.name]));
  // Targets are ids; the ones this page knows are shown by name.
  const targetName = (target: string | null | undefined): string =>
    target ? (customerNames.get(target) ?? userNames.get(target) ?? roleNames.get(target) ?? target) : '';
  const userOptions = users.map((user) => ({ value: user.id, label: `${fullName(user)} (${user.email})` }));
  const customerOptions = customers.map((row) => ({ value: row.id, label: row.name }));
  const pageNumber = cursors.length;

  return (
    <div className="page page--wide">
      <title>Security Audit · Partner Console</title>
      <div className="page__header">
        <div>
          <p className="breadcrumb">Administration</p>
          <h1 className="page__title">Security Audit</h1>
          <p className="page__subtitle">
            The access activity for the account: logons and every change, newest first. Records cannot be changed.
          </p>
        </div>
        <div className="page__actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void exportCsv()}
            disabled={downloading}
            data-testid="audit-export-csv"
          >
            {downloading ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </div>

      {downloadProblem ? <ProblemAlert title="The CSV could not be downloaded" problem={downloadProblem} /> : null}

      <form className="panel panel--stack" noValidate onSubmit={apply} aria-label="Filters">
        <h2 className="panel__title">Filters</h2>
        <div className="audit-filters">
          <SelectInput
            name="audit.user"
            label="User"
            value={draft.user}
            onChange={set('user')}
            options={userOptions}
            placeholder="All users"
            error={filterErrors.user}
            testId="audit-user"
            required={false}
          />
          <SelectInput
            name="audit.action"
            label="Action"
            value={draft.action}
            onChange={set('action')}
            options={ACTION_OPTIONS}
            placeholder="All actions"
            error={filterErrors.action}
            testId="audit-action"
            required={false}
          />
          <SelectInput
            name="audit.customer"
            label="Customer"
            value={draft.customer}
            onChange={set('customer')}
            options={customerOptions}
            placeholder={customersDone ? 'All customers' : 'All customers (loading…)'}
            error={filterErrors.customer}
            testId="audit-customer"
            required={false}
          />
          <DateInput name="audit.from" label="From" value={draft.from} onChange={set('from')} error={filterErrors.from} />
          <DateInput name="audit.to" label="To" value={draft.to} onChange={set('to')} error={filterErrors.to} />
        </div>
        <div className="pager">
          <button type="submit" className="button button--primary" data-testid="audit-apply">
            Apply filters
          </button>
          <button type="button" className="button button--secondary" onClick={clear}>
            Clear
          </button>
        </div>
      </form>

      <section className="panel panel--stack" aria-labelledby="audit-heading" aria-busy={page.status === 'loading'}>
        <h2 id="audit-heading" className="panel__title">
          Records
        </h2>
        {page.status === 'loading' ? (
          <p className="panel__note" role="status">
            Loading records…
          </p>
        ) : null}
        {page.status === 'failed' ? (
          <LoadFailed
            title="The records could not be loaded"
            problem={page.problem}
            onRetry={() => {
              setPage({ status: 'loading' });
              setAttempt((count) => count + 1);
            }}
          />
        ) : null}
        {page.status === 'loaded' && page.items.length === 0 ? (
          <p className="panel__note">No records match these filters{pageNumber > 1 ? ' on this page' : ''}.</p>
        ) : null}
        {page.status === 'loaded' && page.items.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby="audit-heading" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">User</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Source IP</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((record) => (
                  <tr key={record.id} data-testid="audit-row">
                    <td>
                      <time dateTime={record.at}>{formatTime(record.at)}</time>
                    </td>
                    <td>{record.actorEmail}</td>
                    <td>{actionLabel(record.action)}</td>
                    <td>{targetName(record.target)}</td>
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
        <div className="pager">
          <button
            type="button"
            className="button button--secondary"
            onClick={previousPage}
            disabled={pageNumber <= 1 || page.status === 'loading'}
            data-testid="audit-previous"
          >
            Previous page
          </button>
          <span className="muted" data-testid="audit-page-number">
            Page {pageNumber}
          </span>
          <button
            type="button"
            className="button button--secondary"
            onClick={nextPage}
            disabled={page.status !== 'loaded' || page.nextCursor === null}
            data-testid="audit-next"
          >
            Next page
          </button>
        </div>
      </section>
    </div>
  );
}
