import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { saveBlob } from '../activity/saveBlob';
import { fetchAllUsers } from '../admin/api';
import type { UserView } from '../api/client';
import { appendNew, fetchUntilItems } from '../api/paging';
import type { Problem } from '../api/problem';
import { useCurrentSession } from '../auth/AuthContext';
import { FormAlert } from '../components/FormAlert';
import { LoadMore } from '../components/LoadMore';
import { SelectAll } from '../components/SelectAll';
import { formatDateTime, formatNumber } from '../customers/labels';
import { LoadFailed, ProblemAlert } from '../customers/problems';
import { useCustomerChoices } from '../statistics/shared';
import './alerts.css';
import { AlertFiltersForm, type Choices } from './AlertFiltersForm';
import { AlertListView } from './AlertListView';
import { AlertPane } from './AlertPane';
import {
  ALERTS_CSV_FILENAME,
  DEFAULT_ALERT_FILTERS,
  dismissAlerts,
  fetchAlerts,
  fetchAlertsCsv,
  type AlertFilters,
} from './api';
import { ListIcon, SettingsIcon } from './icons';
import { ALERT_KINDS, SEVERITIES, SORT_LABELS } from './labels';
import { SeverityBadge } from './SeverityBadge';
import type { Alert, AlertKind, AlertSort, AlertStatus, Severity, SortOrder } from './types';

const SORTS: readonly AlertSort[] = ['date', 'severity', 'customer', 'subject'];
const STATUSES: readonly (AlertStatus | 'all')[] = ['open', 'dismissed', 'all'];

/**
 * The order a column takes when first chosen: newest or most severe first (the API's
 * `desc`), and A to Z (`asc`) for the customer and the subject.
 */
function firstOrder(sort: AlertSort): SortOrder {
  return sort === 'date' || sort === 'severity' ? 'desc' : 'asc';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters and sort as the address holds them (`/alerts?customer=…&status=open`); what is not valid is left out. */
export function alertFiltersFromParams(params: URLSearchParams): AlertFilters {
  const text = (name: string) => (params.get(name) ?? '').trim();
  const pick = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const value = params.get(name) as T | null;
    return value !== null && values.includes(value) ? value : fallback;
  };
  const sort = pick<AlertSort>('sort', SORTS, DEFAULT_ALERT_FILTERS.sort);
  const day = (name: string) => (DAY.test(text(name)) ? text(name) : '');
  return {
    customer: text('customer'),
    user: text('user'),
    computer: text('computer'),
    type: pick<AlertKind | ''>('type', ALERT_KINDS, ''),
    severity: pick<Severity | ''>('severity', SEVERITIES, ''),
    status: pick('status', STATUSES, DEFAULT_ALERT_FILTERS.status),
    from: day('from'),
    to: day('to'),
    sort,
    order: pick<SortOrder>('order', ['asc', 'desc'], firstOrder(sort)),
  };
}

/** The address's query for the filters: only what differs from the defaults. */
export function alertParams(filters: AlertFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of ['customer', 'user', 'computer', 'type', 'severity', 'from', 'to'] as const) {
    if (filters[name] !== '') params.set(name, filters[name]);
  }
  if (filters.status !== DEFAULT_ALERT_FILTERS.status) params.set('status', filters.status);
  if (filters.sort !== DEFAULT_ALERT_FILTERS.sort || filters.order !== DEFAULT_ALERT_FILTERS.order) {
    params.set('sort', filters.sort);
    params.set('order', filters.order);
  }
  return params;
}

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: Alert[]; nextCursor: string | null };

type UsersState = { status: 'loading' } | { status: 'loaded'; users: UserView[] } | { status: 'failed'; problem: Problem };

interface DismissNotice {
  asked: number;
  dismissed: number;
  problem: Problem | null;
}

/** The first page from `cursor` that has items, or the end of the list. */
function loadAlerts(filters: AlertFilters, cursor: string | undefined) {
  return fetchUntilItems((next) => fetchAlerts(filters, next), cursor);
}

function SortHeader({
  column,
  filters,
  onSort,
}: {
  column: AlertSort;
  filters: AlertFilters;
  onSort: (sort: AlertSort, order: SortOrder) => void;
}) {
  const label = SORT_LABELS[column];
  const active = filters.sort === column;
  const descending = filters.order === 'desc';
  const next: SortOrder = active ? (descending ? 'asc' : 'desc') : firstOrder(column);
  return (
    <th scope="col" aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}>
      <button
        type="button"
        className="sort-button"
        onClick={() => onSort(column, next)}
        data-testid={`alerts-sort-${column}`}
        title={`Sort by ${label.toLowerCase()}, ${next === 'desc' ? 'descending' : 'ascending'}`}
      >
        {label}
        <span className="sort-button__icon" aria-hidden="true">
          {active ? (descending ? '▼' : '▲') : '↕'}
        </span>
      </button>
    </th>
  );
}

/** The guide's "Viewing your alerts": the partner's alerts, filtered and sorted, with a viewing pane. */
export function AlertsPage() {
  const { can } = useCurrentSession();
  const [params, setParams] = useSearchParams();
  const paramsKey = params.toString();
  const filters = useMemo(() => alertFiltersFromParams(new URLSearchParams(paramsKey)), [paramsKey]);
  const customerChoices = useCustomerChoices();
  const [usersState, setUsersState] = useState<UsersState>(
    can.viewUsers ? { status: 'loading' } : { status: 'loaded', users: [] },
  );
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(null);
  const [listView, setListView] = useState(false);
  const [dismissing, setDismissing] = useState(false);
  const [dismissNotice, setDismissNotice] = useState<DismissNotice | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);
  // Answers for filters that have since changed are dropped.
  const generation = useRef(0);
  const tableRef = useRef<HTMLTableElement>(null);

  const rangeError =
    filters.from !== '' && filters.to !== '' && filters.from > filters.to
      ? 'The end date must not be before the start date.'
      : undefined;

  useEffect(() => {
    if (!can.viewUsers) return;
    let active = true;
    void fetchAllUsers().then((result) => {
      if (active) setUsersState(result.ok ? { status: 'loaded', users: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [can.viewUsers]);

  useEffect(() => {
    generation.current += 1;
    const current = generation.current;
    if (rangeError !== undefined) return;
    void loadAlerts(filters, undefined).then((result) => {
      if (current !== generation.current) return;
      setList(
        result.ok
          ? { status: 'loaded', items: result.data.items, nextCursor: result.data.nextCursor }
          : { status: 'failed', problem: result.problem },
      );
    });
  }, [filters, attempt, rangeError]);

  const items = useMemo(() => (list.status === 'loaded' ? list.items : []), [list]);
  const openAlert = listView ? undefined : items.find((alert) => alert.id === openId);
  // Only the alerts shown count as selected (a reload or other filters drop the rest).
  const selectedIds = items.filter((alert) => selected.has(alert.id)).map((alert) => alert.id);

  const closePane = useCallback(() => {
    const id = openId;
    setOpenId(null);
    if (id === null) return;
    // Focus goes back to the subject that opened the pane.
    const row = Array.from(tableRef.current?.querySelectorAll<HTMLElement>('[data-alert-id]') ?? []).find(
      (element) => element.dataset.alertId === id,
    );
    row?.querySelector<HTMLButtonElement>('.alerts-table__subject')?.focus();
  }, [openId]);

  useEffect(() => {
    if (openAlert === undefined) return;
    function closeOnEscape(event: KeyboardEvent) {
      if (event.key === 'Escape' && !event.defaultPrevented) closePane();
    }
    document.addEventListener('keydown', closeOnEscape);
    return () => document.removeEventListener('keydown', closeOnEscape);
  }, [openAlert, closePane]);

  function reload() {
    setList({ status: 'loading' });
    setMoreProblem(null);
    setAttempt((count) => count + 1);
  }

  function applyFilters(next: AlertFilters) {
    const query = alertParams(next);
    // The same view: nothing to load again.
    if (query.toString() === alertParams(filters).toString()) return;
    setList({ status: 'loading' });
    setMoreProblem(null);
    setSelected(new Set());
    setDismissNotice(null);
    setParams(query, { replace: true });
  }

  async function loadMore() {
    if (list.status !== 'loaded' || list.nextCursor === null || loadingMore) return;
    const current = generation.current;
    setLoadingMore(true);
    setMoreProblem(null);
    const result = await loadAlerts(filters, list.nextCursor);
    setLoadingMore(false);
    if (current !== generation.current) return;
    if (!result.ok) {
      setMoreProblem(result.problem);
      return;
    }
    setList((previous) =>
      previous.status === 'loaded'
        ? { status: 'loaded', items: appendNew(previous.items, result.data.items), nextCursor: result.data.nextCursor }
        : previous,
    );
  }

  function select(id: string, on: boolean) {
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function selectAll(on: boolean) {
    setSelected(on ? new Set(items.map((alert) => alert.id)) : new Set());
  }

  async function dismiss() {
    if (selectedIds.length === 0 || dismissing) return;
    setDismissing(true);
    setDismissNotice(null);
    const outcome = await dismissAlerts(selectedIds);
    setDismissing(false);
    setDismissNotice({ asked: selectedIds.length, dismissed: outcome.dismissed, problem: outcome.failed });
    if (outcome.failed === null) setSelected(new Set());
    reload();
  }

  async function exportCsv() {
    if (downloading) return;
    setDownloading(true);
    setDownloadProblem(null);
    const result = await fetchAlertsCsv(filters);
    setDownloading(false);
    if (result.ok) saveBlob(result.data, ALERTS_CSV_FILENAME);
    else setDownloadProblem(result.problem);
  }

  function openFromRow(event: MouseEvent<HTMLTableRowElement>, id: string) {
    // The check box cell selects and the subject's button opens by itself; the rest of the row opens the alert too.
    if ((event.target as HTMLElement).closest('.alerts-table__check, button')) return;
    setOpenId(id);
  }

  const customers: Choices<(typeof customerChoices.rows)[number]> = {
    rows: customerChoices.rows,
    loading: customerChoices.status === 'loading',
    note:
      customerChoices.status === 'failed'
        ? `The customer list could not be loaded: ${customerChoices.problem.title}.`
        : undefined,
  };
  const users: Choices<UserView> = {
    rows: usersState.status === 'loaded' ? usersState.users : [],
    loading: usersState.status === 'loading',
    note: usersState.status === 'failed' ? `The user list could not be loaded: ${usersState.problem.title}.` : undefined,
  };
  const names = useMemo(() => {
    const customerNames = new Map<string, string>();
    const userNames = new Map<string, string>();
    for (const alert of items) {
      if (alert.customerId && alert.customerName) customerNames.set(alert.customerId, alert.customerName);
      if (alert.userId && alert.userName) userNames.set(alert.userId, alert.userName);
    }
    return { customers: customerNames, users: userNames };
  }, [items]);

  const loading = list.status === 'loading' && rangeError === undefined;
  const shown = rangeError === undefined && list.status === 'loaded';

  return (
    <div className="page page--wide">
      <title>Alerts · Partner Console</title>
      <div className="page__header">
        <div>
          <h1 className="page__title">Alerts</h1>
          <p className="page__subtitle">The alerts raised for your customers, newest first. Select a row to read it.</p>
        </div>
        <div className="page__actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void exportCsv()}
            disabled={downloading}
            aria-label={downloading ? undefined : 'Export alerts as CSV'}
            data-testid="alerts-export-csv"
          >
            {downloading ? 'Exporting…' : 'Export CSV'}
          </button>
          <button
            type="button"
            className="alerts-icon-button"
            onClick={() => setListView((value) => !value)}
            aria-pressed={listView}
            aria-label="List view"
            title="List view: a plain table to copy"
            data-testid="alerts-list-view-toggle"
          >
            <ListIcon />
          </button>
          <Link
            to="/admin/alert-notifications"
            className="alerts-icon-button"
            aria-label="Alert notification rules"
            title="Alert notification rules"
            data-testid="alerts-settings"
          >
            <SettingsIcon />
          </Link>
        </div>
      </div>

      {downloadProblem ? <ProblemAlert title="The CSV could not be downloaded" problem={downloadProblem} /> : null}

      <AlertFiltersForm
        filters={filters}
        onChange={applyFilters}
        onClear={() => applyFilters({ ...DEFAULT_ALERT_FILTERS, sort: filters.sort, order: filters.order })}
        customers={customers}
        users={users}
        names={names}
        rangeError={rangeError}
      />

      <div
        className={['alerts-layout', openAlert ? 'alerts-layout--pane-open' : ''].filter(Boolean).join(' ')}
        data-testid="alerts-layout"
      >
        <section className="panel panel--stack" aria-labelledby="alerts-heading" aria-busy={loading}>
          <h2 id="alerts-heading" className="visually-hidden">
            Alert list
          </h2>
          <p className="panel__note" role="status" data-testid="alerts-summary">
            {loading ? 'Loading alerts…' : null}
            {shown
              ? `Showing ${formatNumber(items.length)} ${items.length === 1 ? 'alert' : 'alerts'}${
                  list.nextCursor !== null ? ' — more are available' : ''
                }.`
              : null}
          </p>

          {rangeError !== undefined ? <p className="panel__note">Choose an end date on or after the start date.</p> : null}

          {dismissNotice && dismissNotice.problem === null ? (
            <FormAlert
              tone="success"
              title={`${formatNumber(dismissNotice.dismissed)} ${dismissNotice.dismissed === 1 ? 'alert' : 'alerts'} dismissed.`}
            />
          ) : null}
          {dismissNotice && dismissNotice.problem !== null ? (
            <ProblemAlert
              title={
                dismissNotice.dismissed > 0
                  ? `Only ${formatNumber(dismissNotice.dismissed)} of ${formatNumber(dismissNotice.asked)} alerts were dismissed`
                  : 'The alerts could not be dismissed'
              }
              problem={dismissNotice.problem}
            />
          ) : null}

          {list.status === 'failed' && rangeError === undefined ? (
            <LoadFailed title="The alerts could not be loaded" problem={list.problem} onRetry={reload} />
          ) : null}

          {shown && items.length === 0 && list.nextCursor === null ? (
            <div className="empty-state">
              <p>No alerts match these filters.</p>
            </div>
          ) : null}

          {shown && items.length > 0 && listView ? <AlertListView alerts={items} /> : null}

          {shown && items.length > 0 && !listView ? (
            <>
              <div className="alerts-selection">
                <p className="panel__note" data-testid="alerts-selected">
                  {selectedIds.length === 0
                    ? 'Select alerts to dismiss them.'
                    : `${formatNumber(selectedIds.length)} selected.`}
                </p>
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => void dismiss()}
                  disabled={selectedIds.length === 0 || dismissing}
                  data-testid="dismiss-alerts"
                >
                  {dismissing ? 'Dismissing…' : 'Dismiss Alerts'}
                </button>
              </div>
              <div className="table-scroll">
                <table ref={tableRef} className="table alerts-table" data-testid="alerts-table">
                  <caption className="visually-hidden">Alerts</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="alerts-table__check">
                        <SelectAll
                          total={items.length}
                          selected={selectedIds.length}
                          onChange={selectAll}
                          label="Select all alerts on this page"
                          testId="alerts-select-all"
                        />
                      </th>
                      <SortHeader column="severity" filters={filters} onSort={(sort, order) => applyFilters({ ...filters, sort, order })} />
                      <SortHeader column="customer" filters={filters} onSort={(sort, order) => applyFilters({ ...filters, sort, order })} />
                      <SortHeader column="subject" filters={filters} onSort={(sort, order) => applyFilters({ ...filters, sort, order })} />
                      <SortHeader column="date" filters={filters} onSort={(sort, order) => applyFilters({ ...filters, sort, order })} />
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((alert) => {
                      const open = alert.id === openAlert?.id;
                      return (
                        <tr
                          key={alert.id}
                          className={open ? 'alerts-table__row--open' : undefined}
                          onClick={(event) => openFromRow(event, alert.id)}
                          data-testid="alert-row"
                          data-alert-id={alert.id}
                        >
                          <td className="alerts-table__check">
                            <input
                              type="checkbox"
                              className="checkbox__input"
                              checked={selected.has(alert.id)}
                              onChange={(event) => select(alert.id, event.target.checked)}
                              aria-label={`Select ${alert.subject}`}
                              data-testid="alert-select"
                            />
                          </td>
                          <td>
                            <SeverityBadge severity={alert.severity} />
                          </td>
                          <td>{alert.customerName ?? '—'}</td>
                          <td>
                            <button
                              type="button"
                              className="link-button alerts-table__subject"
                              onClick={() => setOpenId(alert.id)}
                              aria-expanded={open}
                              data-testid="alert-open"
                            >
                              {alert.subject}
                            </button>
                            {alert.occurrences > 1 ? (
                              <span className="table__secondary">{formatNumber(alert.occurrences)} occurrences</span>
                            ) : null}
                          </td>
                          <td className="alerts-table__time">
                            <time dateTime={alert.raisedAt}>{formatDateTime(alert.raisedAt)}</time>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}

          {shown && items.length === 0 && list.nextCursor !== null ? (
            <p className="panel__note">No matching alerts in the first part of the list yet.</p>
          ) : null}

          {moreProblem ? <ProblemAlert title="More alerts could not be loaded" problem={moreProblem} /> : null}

          {shown && list.nextCursor !== null ? (
            <LoadMore loading={loadingMore} onLoad={loadMore} label="More" testId="alerts-more" />
          ) : null}
        </section>

        {openAlert ? <AlertPane alert={openAlert} onClose={closePane} /> : null}
      </div>
    </div>
  );
}
