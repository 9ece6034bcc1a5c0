import './customers.css';
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { saveBlob } from '../activity/saveBlob';
import { customerAlertsPath } from '../alerts/api';
import { alertCountLabel } from '../alerts/labels';
import { AlertCountBadges } from '../alerts/SeverityBadge';
import type { CustomerAlertsFilter } from '../alerts/types';
import type { Catalog, CustomerRow, ManagementType } from '../api/client';
import { appendNew, fetchUntilItems } from '../api/paging';
import type { Problem } from '../api/problem';
import { useCurrentSession } from '../auth/AuthContext';
import { FormAlert } from '../components/FormAlert';
import { LoadMore } from '../components/LoadMore';
import { SelectAll } from '../components/SelectAll';
import { countryName } from '../forms/countries';
import {
  CUSTOMERS_CSV_FILENAME,
  customerQuery,
  DEFAULT_FILTERS,
  fetchCatalog,
  fetchCustomers,
  fetchCustomersCsv,
  type CustomerFilters,
  type CustomerSort,
} from './api';
import { actionable, BulkDialogs, BulkResults, BulkToolbar, type BulkDialogState, type BulkReport, type BulkRetry } from './BulkActions';
import { fetchMatching, MAX_MATCHING, mergeRetry, notDone, retryUnconfirmed, runBulk, type BulkOptions } from './bulk';
import { CustomerPopup } from './CustomerPopup';
import { ImportCustomerDialog } from './ImportCustomerDialog';
import { formatNumber, MANAGEMENT_LABELS, MANAGEMENT_TYPES, productTypeLabel, statusLabel } from './labels';
import { LoadFailed, ProblemAlert } from './problems';
import { REMOVED_DETAIL, useRowActions } from './RowActions';

const SORTS: readonly CustomerSort[] = ['name', '-name', 'type', '-type'];

/** The Alerts filter's choices: All, customers with an open Error alert, or with an open Error or Warning alert. */
const ALERT_FILTERS: readonly { value: CustomerAlertsFilter | null; label: string; hint?: string }[] = [
  { value: null, label: 'All' },
  { value: 'error', label: 'Error', hint: 'Customers with an open Error alert.' },
  { value: 'warning', label: 'Warning+', hint: 'Customers with an open Error or Warning alert.' },
];

/** The filters as the address bar holds them, so Back and a reload keep the view. */
export function filtersFromParams(params: URLSearchParams): CustomerFilters {
  const list = (name: string) =>
    (params.get(name) ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
  const sort = params.get('sort') as CustomerSort | null;
  const alerts = params.get('alerts');
  return {
    q: params.get('q') ?? '',
    sort: sort !== null && SORTS.includes(sort) ? sort : 'name',
    management: MANAGEMENT_TYPES.filter((type) => list('management').includes(type)),
    productTypes: list('productType'),
    requireUpdate: params.get('requireUpdate') === 'true',
    alerts: alerts === 'error' || alerts === 'warning' ? alerts : null,
  };
}

function paramsFromFilters(filters: CustomerFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(customerQuery(filters))) params.set(name, String(value));
  return params;
}

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: CustomerRow[]; nextCursor: string | null };

interface LocationNotice {
  removed?: string;
  openImport?: boolean;
}

/** The first page from `cursor` that has items, or the end of the list. */
function loadRows(filters: CustomerFilters, cursor: string | undefined) {
  return fetchUntilItems((next) => fetchCustomers(filters, next), cursor);
}

function FilterCheckbox({
  checked,
  onChange,
  children,
  testId,
  hint,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ReactNode;
  testId: string;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="checkbox filters__option">
      <input
        id={id}
        type="checkbox"
        className="checkbox__input"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        data-testid={testId}
      />
      <label className="checkbox__label" htmlFor={id}>
        {children}
        {hint ? (
          <span className="filters__hint" id={`${id}-hint`}>
            {hint}
          </span>
        ) : null}
      </label>
    </div>
  );
}

/** One choice of a filter that takes a single value. */
function FilterRadio({
  name,
  checked,
  onChange,
  children,
  testId,
  hint,
}: {
  name: string;
  checked: boolean;
  onChange: () => void;
  children: ReactNode;
  testId: string;
  hint?: string | undefined;
}) {
  const id = useId();
  return (
    <div className="checkbox filters__option">
      <input
        id={id}
        type="radio"
        name={name}
        className="checkbox__input"
        checked={checked}
        onChange={onChange}
        aria-describedby={hint ? `${id}-hint` : undefined}
        data-testid={testId}
      />
      <label className="checkbox__label" htmlFor={id}>
        {children}
        {hint ? (
          <span className="filters__hint" id={`${id}-hint`}>
            {hint}
          </span>
        ) : null}
      </label>
    </div>
  );
}

function toggle<T>(list: readonly T[], value: T, on: boolean): T[] {
  return on ? (list.includes(value) ? [...list] : [...list, value]) : list.filter((item) => item !== value);
}

function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: 'name' | 'type';
  sort: CustomerSort;
  onSort: (sort: CustomerSort) => void;
}) {
  const active = sort === column || sort === `-${column}`;
  const descending = sort === `-${column}`;
  const direction = active ? (descending ? 'descending' : 'ascending') : undefined;
  const next: CustomerSort = active && !descending ? `-${column}` : column;
  return (
    <th scope="col" aria-sort={direction}>
      <button
        type="button"
        className="sort-button"
        onClick={() => onSort(next)}
        data-testid={`sort-${column}`}
        title={`Sort by ${label.toLowerCase()}, ${next.startsWith('-') ? 'descending' : 'ascending'}`}
      >
        {label}
        <span className="sort-button__icon" aria-hidden="true">
          {active ? (descending ? '▼' : '▲') : '↕'}
        </span>
      </button>
    </th>
  );
}

/** The customer's open Error and Warning alerts, linking to them; empty when there are none. */
function AlertsCell({ row }: { row: CustomerRow }) {
  const error = row.alerts.error ?? 0;
  const warning = row.alerts.warning ?? 0;
  if (error <= 0 && warning <= 0) return null;
  const counts = [error > 0 ? alertCountLabel('error', error) : '', warning > 0 ? alertCountLabel('warning', warning) : '']
    .filter(Boolean)
    .join(', ');
  return (
    <Link
      to={customerAlertsPath(row.id)}
      aria-label={`${row.name}: ${counts}. View open alerts`}
      data-testid="customer-alerts-link"
    >
      <AlertCountBadges counts={row.alerts} />
    </Link>
  );
}

function ProductsCell({ row }: { row: CustomerRow }) {
  if (row.products.length === 0) return <span className="muted">None</span>;
  return (
    <ul className="product-list">
      {row.products.map((product) => (
        <li key={product.product}>
          {product.name}{' '}
          <span className={`status status--${product.status}`}>{statusLabel(product.status)}</span>
        </li>
      ))}
    </ul>
  );
}

/** "3 selected.", or what "Select all matching" selected. */
function selectionText(count: number, matching: { capped: boolean } | null, filtered: boolean): string {
  if (count === 0) return 'Select customers to act on several at once.';
  const scope = filtered ? 'matching the search and filters' : 'in the list';
  if (matching === null) return `${formatNumber(count)} selected.`;
  if (matching.capped) {
    return `The first ${formatNumber(count)} customers ${scope} are selected: at most ${formatNumber(MAX_MATCHING)} at a time.`;
  }
  return `All ${formatNumber(count)} ${count === 1 ? 'customer' : 'customers'} ${scope} ${count === 1 ? 'is' : 'are'} selected.`;
}

/**
 * The guide's Customers page: search, sort, filters, paging, CSV, adding or importing
 * customers, each customer's pop-up, and actions on several selected customers at once.
 */
export function CustomersPage() {
  const { can, partner } = useCurrentSession();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const paramsKey = params.toString();
  const filters = useMemo(() => filtersFromParams(new URLSearchParams(paramsKey)), [paramsKey]);
  const [search, setSearch] = useState(filters.q);
  // The search box follows the address when it changes from outside the form (Back, a link).
  const [shownQuery, setShownQuery] = useState(filters.q);
  if (shownQuery !== filters.q) {
    setShownQuery(filters.q);
    setSearch(filters.q);
  }
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);
  const notice = (location.state as LocationNotice | null) ?? null;
  const [importing, setImporting] = useState(notice?.openImport === true);
  const [removed] = useState(notice?.removed ?? null);
  // Answers for filters that have since changed are dropped.
  const generation = useRef(0);
  // The filters as they are now, for work that began under others (a bulk run).
  const filtersRef = useRef(filters);
  useEffect(() => {
    filtersRef.current = filters;
  }, [filters]);

  // The selection is kept while more pages load and cleared when the search or filters
  // change (a new sort shows the same customers: it keeps it).
  const selectionKey = JSON.stringify({ ...filters, sort: null });
  const [selected, setSelected] = useState<ReadonlyMap<string, CustomerRow>>(new Map());
  const [matching, setMatching] = useState<{ capped: boolean } | null>(null);
  const [selectionFor, setSelectionFor] = useState(selectionKey);
  const [selectionCleared, setSelectionCleared] = useState(false);
  if (selectionFor !== selectionKey) {
    setSelectionFor(selectionKey);
    setMatching(null);
    if (selected.size > 0) {
      setSelected(new Map());
      setSelectionCleared(true);
    }
  }
  // "All matching" was read in the old order: with a new sort it is a plain selection.
  const [sortFor, setSortFor] = useState(filters.sort);
  if (sortFor !== filters.sort) {
    setSortFor(filters.sort);
    setMatching(null);
  }
  const [findingMatching, setFindingMatching] = useState(false);
  const [matchingProblem, setMatchingProblem] = useState<Problem | null>(null);
  const [report, setReport] = useState<BulkReport | null>(null);
  const [reportCount, setReportCount] = useState(0);
  // The bulk action's dialog and its run belong to the page, so that neither goes with the
  // selection (a filter changed by Back clears it) and only one runs at a time.
  const [bulkDialog, setBulkDialog] = useState<BulkDialogState | null>(null);
  const [bulkRunning, setBulkRunning] = useState(false);
  const bulkRunningRef = useRef(false);
  // Where focus goes when the results panel is dismissed.
  const [dismissed, setDismissed] = useState<{ count: number; toSelection: boolean }>({ count: 0, toSelection: false });
  const selectedSummaryRef = useRef<HTMLParagraphElement>(null);
  const listHeadingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (dismissed.count === 0) return;
    ((dismissed.toSelection ? selectedSummaryRef.current : null) ?? listHeadingRef.current)?.focus();
  }, [dismissed]);

  function dismissReport() {
    setReport(null);
    setDismissed((previous) => ({ count: previous.count + 1, toSelection: selected.size > 0 }));
  }

  function replaceRow(row: CustomerRow) {
    setList((previous) =>
      previous.status === 'loaded'
        ? { ...previous, items: previous.items.map((item) => (item.id === row.id ? row : item)) }
        : previous,
    );
    setSelected((previous) => (previous.has(row.id) ? new Map(previous).set(row.id, row) : previous));
  }

  function dropRows(ids: ReadonlySet<string>) {
    if (ids.size === 0) return;
    setList((previous) =>
      previous.status === 'loaded' ? { ...previous, items: previous.items.filter((item) => !ids.has(item.id)) } : previous,
    );
    setSelected((previous) => new Map([...previous].filter(([id]) => !ids.has(id))));
  }

  const rowActions = useRowActions({
    blocked: bulkRunning || bulkDialog !== null,
    catalog,
    program: partner.program,
    onChanged: replaceRow,
    onRemoved: (row) => dropRows(new Set([row.id])),
  });

  useEffect(() => {
    // The notice is shown once: a reload or Back does not show it again.
    if (notice?.removed !== undefined || notice?.openImport !== undefined) {
      void navigate({ pathname: location.pathname, search: location.search }, { replace: true, state: null });
    }
  }, [notice, navigate, location.pathname, location.search]);

  useEffect(() => {
    let active = true;
    void fetchCatalog().then((result) => {
      if (active && result.ok) setCatalog(result.data);
    });
    return () => {
      active = false;
    };
  }, []);

  useEffect(() => {
    generation.current += 1;
    const current = generation.current;
    void loadRows(filters, undefined).then((result) => {
      if (current !== generation.current) return;
      setList(
        result.ok
          ? { status: 'loaded', items: result.data.items, nextCursor: result.data.nextCursor }
          : { status: 'failed', problem: result.problem },
      );
    });
  }, [filters, attempt]);

  function select(row: CustomerRow, on: boolean) {
    setMatching(null);
    setSelectionCleared(false);
    setSelected((previous) => {
      const next = new Map(previous);
      if (on) next.set(row.id, row);
      else next.delete(row.id);
      return next;
    });
  }

  function selectShown(on: boolean) {
    if (list.status !== 'loaded') return;
    if (!on && matching !== null) {
      // "All matching" is more than the rows shown: unticking the header unselects it all.
      clearSelection();
      return;
    }
    setMatching(null);
    setSelectionCleared(false);
    setSelected((previous) => {
      const next = new Map(previous);
      for (const row of list.items) {
        if (on) next.set(row.id, row);
        else next.delete(row.id);
      }
      return next;
    });
  }

  function clearSelection() {
    setMatching(null);
    setSelected(new Map());
  }

  /** "Select all matching": the list read page by page, up to MAX_MATCHING customers. */
  async function selectMatching() {
    if (findingMatching) return;
    const current = generation.current;
    setFindingMatching(true);
    setMatchingProblem(null);
    const result = await fetchMatching(filters);
    setFindingMatching(false);
    if (current !== generation.current) return;
    if (!result.ok) {
      setMatchingProblem(result.problem);
      return;
    }
    setSelected(new Map(result.data.rows.map((row) => [row.id, row])));
    setMatching({ capped: result.data.capped });
  }

  function openBulk(action: BulkDialogState['action']) {
    if (bulkRunningRef.current || rowActions.busy !== null) return;
    setBulkDialog({ action, rows: [...selected.values()] });
  }

  /**
   * Runs the open dialog's action on the customers the role may act on. The dialog stays
   * (busy) until the answer comes; the list is then read again unless the filters
   * changed meanwhile, whose own load shows the list as it is.
   */
  async function runBulkAction(options: BulkOptions, title: string) {
    if (bulkDialog === null || bulkRunningRef.current) return;
    bulkRunningRef.current = true;
    setBulkRunning(true);
    const rows = actionable(options.action, bulkDialog.rows);
    const names = new Map(rows.map((row) => [row.id, row.name]));
    const startedIn = generation.current;
    const outcome = await runBulk(
      options,
      rows.map((row) => row.id),
    );
    await showBulkAnswer({ title, outcome, names, skipped: bulkDialog.rows.length - rows.length, options }, startedIn);
  }

  /**
   * Sends customers of the shown answer again: those not done in new calls with new keys
   * (the old key would only replay its answer), or the calls not confirmed as they were,
   * with their own keys (what was done is not done twice).
   */
  async function retryBulk(retry: BulkRetry) {
    if (report === null || bulkRunningRef.current) return;
    bulkRunningRef.current = true;
    setBulkRunning(true);
    const startedIn = generation.current;
    const first = report.outcome;
    const outcome =
      retry === 'unconfirmed'
        ? await retryUnconfirmed(report.options, first)
        : mergeRetry(first, await runBulk(report.options, notDone(first)));
    await showBulkAnswer({ ...report, outcome }, startedIn);
  }

  /**
   * The answer of a run, in a new results panel; the list is then read again unless the
   * filters changed meanwhile (their own load shows the list as it is).
   */
  async function showBulkAnswer(next: BulkReport, startedIn: number) {
    const { outcome } = next;
    bulkRunningRef.current = false;
    setBulkRunning(false);
    setBulkDialog(null);
    rowActions.clearNotice();
    setReport(next);
    setReportCount((count) => count + 1);
    // What was selected as "all matching" may match no more (removed, changed).
    setMatching(null);
    if (outcome.action === 'remove') {
      dropRows(new Set(outcome.results.filter((row) => row.outcome === 'done').map((row) => row.customerId)));
    }
    if (startedIn !== generation.current) return;
    // The list's first page again, so that what changed shows.
    const result = await loadRows(filtersRef.current, undefined);
    if (startedIn !== generation.current || !result.ok) return;
    const fresh = new Map(result.data.items.map((row) => [row.id, row]));
    setList({ status: 'loaded', items: result.data.items, nextCursor: result.data.nextCursor });
    setSelected((previous) => new Map([...previous].map(([id, row]) => [id, fresh.get(id) ?? row])));
  }

  function applyFilters(next: CustomerFilters) {
    setList({ status: 'loading' });
    setMoreProblem(null);
    setParams(paramsFromFilters(next), { replace: true });
  }

  function handleSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (search.trim() === filters.q.trim()) return;
    applyFilters({ ...filters, q: search });
  }

  function clearFilters() {
    setSearch('');
    applyFilters(DEFAULT_FILTERS);
  }

  async function loadMore() {
    if (list.status !== 'loaded' || list.nextCursor === null || loadingMore) return;
    const current = generation.current;
    setLoadingMore(true);
    setMoreProblem(null);
    const result = await loadRows(filters, list.nextCursor);
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

  async function exportCsv() {
    if (downloading) return;
    setDownloading(true);
    setDownloadProblem(null);
    const result = await fetchCustomersCsv(filters);
    setDownloading(false);
    if (result.ok) saveBlob(result.data, CUSTOMERS_CSV_FILENAME);
    else setDownloadProblem(result.problem);
  }

  const filtered =
    filters.q.trim() !== '' ||
    filters.management.length > 0 ||
    filters.productTypes.length > 0 ||
    filters.requireUpdate ||
    filters.alerts !== null;
  const shownSelected = list.status === 'loaded' ? list.items.filter((row) => selected.has(row.id)).length : 0;
  const productTypes = catalog?.productTypes ?? [];
  // A product type in the address bar that the catalog no longer has is still shown, so it can be cleared.
  const shownTypes = [...productTypes, ...filters.productTypes.filter((type) => !productTypes.includes(type))];

  return (
    <div className="page page--wide">
      <title>Customers · Partner Console</title>
      <div className="page__header">
        <div>
          <h1 className="page__title">Customers</h1>
          <p className="page__subtitle">Your customers on a trial or using a product.</p>
        </div>
        {can.addCustomers || can.importCustomers ? (
          <div className="page__actions">
            {can.addCustomers ? (
              <Link to="/customers/new" className="button button--primary" data-testid="add-customer">
                Add New Customer
              </Link>
            ) : null}
            {can.importCustomers ? (
              <button
                type="button"
                className="button button--secondary"
                onClick={() => setImporting(true)}
                data-testid="import-customer-open"
              >
                Import Existing Customer
              </button>
            ) : null}
          </div>
        ) : null}
      </div>

      {removed ? (
        <FormAlert tone="success" title={`${removed} was removed.`}>
          <p>{REMOVED_DETAIL}</p>
        </FormAlert>
      ) : null}

      {importing && can.importCustomers ? <ImportCustomerDialog onClose={() => setImporting(false)} /> : null}

      <div className="toolbar">
        <form role="search" className="search" onSubmit={handleSearch} aria-label="Customers">
          <label htmlFor="customer-search" className="search__label">
            Search Customer
          </label>
          <div className="search__row">
            <input
              id="customer-search"
              type="search"
              className="field__input search__input"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              placeholder="Customer name"
              maxLength={100}
              autoComplete="off"
              data-testid="customer-search"
            />
            <button type="submit" className="button button--secondary" data-testid="customer-search-submit">
              Search
            </button>
          </div>
        </form>
        <div className="toolbar__end">
          <Link to="/customers/requests" className="toolbar__link" data-testid="requests-link">
            Request status
          </Link>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void exportCsv()}
            disabled={downloading}
            data-testid="customers-export-csv"
          >
            {downloading ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </div>

      {downloadProblem ? <ProblemAlert title="The CSV could not be downloaded" problem={downloadProblem} /> : null}

      <div className="customers-layout">
        <aside className="filters panel" aria-labelledby="filters-heading">
          <h2 id="filters-heading" className="panel__title">
            Filters
          </h2>
          <fieldset className="filters__group">
            <legend className="filters__legend">Management Types</legend>
            <FilterCheckbox
              checked={filters.management.length === 0}
              onChange={(on) => {
                if (on) applyFilters({ ...filters, management: [] });
              }}
              testId="filter-management-all"
            >
              All
            </FilterCheckbox>
            {MANAGEMENT_TYPES.map((type: ManagementType) => (
              <FilterCheckbox
                key={type}
                checked={filters.management.includes(type)}
                onChange={(on) => applyFilters({ ...filters, management: toggle(filters.management, type, on) })}
                testId={`filter-management-${type}`}
              >
                {MANAGEMENT_LABELS[type]}
              </FilterCheckbox>
            ))}
          </fieldset>
          <fieldset className="filters__group">
            <legend className="filters__legend">Product Types</legend>
            <FilterCheckbox
              checked={filters.productTypes.length === 0}
              onChange={(on) => {
                if (on) applyFilters({ ...filters, productTypes: [] });
              }}
              testId="filter-product-type-all"
            >
              All
            </FilterCheckbox>
            {shownTypes.map((type) => (
              <FilterCheckbox
                key={type}
                checked={filters.productTypes.includes(type)}
                onChange={(on) => applyFilters({ ...filters, productTypes: toggle(filters.productTypes, type, on) })}
                testId={`filter-product-type-${type}`}
                hint={catalog?.products
                  .filter((product) => product.productType === type)
                  .map((product) => product.name)
                  .join(', ')}
              >
                {productTypeLabel(type)}
              </FilterCheckbox>
            ))}
            {catalog === null ? <p className="filters__hint">Loading product types…</p> : null}
          </fieldset>
          <fieldset className="filters__group">
            <legend className="filters__legend">Alerts</legend>
            {ALERT_FILTERS.map((choice) => (
              <FilterRadio
                key={choice.value ?? 'all'}
                name="customers-alerts"
                checked={filters.alerts === choice.value}
                onChange={() => applyFilters({ ...filters, alerts: choice.value })}
                testId={`filter-alerts-${choice.value ?? 'all'}`}
                hint={choice.hint}
              >
                {choice.label}
              </FilterRadio>
            ))}
          </fieldset>
          <fieldset className="filters__group">
            <legend className="filters__legend">Other</legend>
            <FilterCheckbox
              checked={filters.requireUpdate}
              onChange={(on) => applyFilters({ ...filters, requireUpdate: on })}
              testId="filter-require-update"
              hint="Customers with a computer that needs the latest agent."
            >
              Require Update
            </FilterCheckbox>
          </fieldset>
          <button
            type="button"
            className="button button--secondary button--block"
            onClick={clearFilters}
            disabled={!filtered}
            data-testid="filters-clear"
          >
            Clear search and filters
          </button>
        </aside>

        <section className="panel panel--stack customers-results" aria-labelledby="customers-heading" aria-busy={list.status === 'loading'}>
          <h2 id="customers-heading" ref={listHeadingRef} tabIndex={-1} className="visually-hidden">
            Customer list
          </h2>
          <p className="panel__note" role="status" data-testid="customers-summary">
            {list.status === 'loading' ? 'Loading customers…' : null}
            {list.status === 'loaded'
              ? `Showing ${formatNumber(list.items.length)} ${list.items.length === 1 ? 'customer' : 'customers'}${
                  list.nextCursor !== null ? ' — more are available' : ''
                }${filtered ? ' matching the search and filters' : ''}.`
              : null}
          </p>

          {rowActions.rendered}
          {/* Mounted while the list reloads, so that the text put in it is announced. */}
          <p className="field__hint" role="status" data-testid="selection-cleared">
            {selectionCleared ? 'The selection was cleared because the search or filters changed.' : ''}
          </p>
          {report ? (
            <BulkResults
              key={reportCount}
              report={report}
              retrying={bulkRunning}
              onRetry={(retry) => void retryBulk(retry)}
              onDismiss={dismissReport}
            />
          ) : null}
          <BulkDialogs
            dialog={bulkDialog}
            catalog={catalog}
            busy={bulkRunning}
            onClose={() => {
              if (!bulkRunningRef.current) setBulkDialog(null);
            }}
            onRun={(options, title) => void runBulkAction(options, title)}
          />

          {list.status === 'failed' ? (
            <LoadFailed
              title="Customers could not be loaded"
              problem={list.problem}
              onRetry={() => {
                setList({ status: 'loading' });
                setAttempt((count) => count + 1);
              }}
            />
          ) : null}

          {list.status === 'loaded' && list.items.length === 0 && list.nextCursor === null ? (
            <div className="empty-state">
              {filtered ? (
                <>
                  <p>No customers match the search and filters.</p>
                  <button type="button" className="button button--secondary" onClick={clearFilters}>
                    Clear search and filters
                  </button>
                </>
              ) : (
                <p>
                  You have no customers yet. <Link to="/customers/new">Add a new customer</Link> or import an existing
                  one.
                </p>
              )}
            </div>
          ) : null}

          {list.status === 'loaded' && list.items.length > 0 ? (
            <div className="selection" data-testid="customers-selection">
              <div className="selection__row">
                <p ref={selectedSummaryRef} tabIndex={-1} className="panel__note" data-testid="customers-selected">
                  {selectionText(selected.size, matching, filtered)}
                </p>
                {matching === null && list.nextCursor !== null && shownSelected === list.items.length ? (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => void selectMatching()}
                    disabled={findingMatching}
                    data-testid="select-all-matching"
                  >
                    {findingMatching
                      ? 'Finding the matching customers…'
                      : `Select all customers ${filtered ? 'matching the search and filters' : 'in the list'} (up to ${formatNumber(MAX_MATCHING)})`}
                  </button>
                ) : null}
                {selected.size > 0 ? (
                  <button type="button" className="link-button" onClick={clearSelection} data-testid="selection-clear">
                    Clear selection
                  </button>
                ) : null}
              </div>
              {selectionCleared ? null : (
                <p className="field__hint">
                  The selection is kept while more customers load, and cleared when the search or filters change.
                </p>
              )}
              {matchingProblem ? <ProblemAlert title="The matching customers could not be found" problem={matchingProblem} /> : null}
              {selected.size > 0 ? (
                <BulkToolbar
                  selection={{ rows: [...selected.values()], matching }}
                  catalog={catalog}
                  disabled={bulkRunning || rowActions.busy !== null}
                  onOpen={openBulk}
                />
              ) : null}
            </div>
          ) : null}

          {list.status === 'loaded' && list.items.length > 0 ? (
            <div className="table-scroll">
              <table className="table" data-testid="customers-table">
                <caption className="visually-hidden">Customers</caption>
                <thead>
                  <tr>
                    <th scope="col" className="table__check">
                      <SelectAll
                        total={list.items.length}
                        selected={shownSelected}
                        onChange={selectShown}
                        label="Select all customers shown"
                        testId="customers-select-all"
                      />
                    </th>
                    <SortHeader label="Customer" column="name" sort={filters.sort} onSort={(sort) => applyFilters({ ...filters, sort })} />
                    <SortHeader label="Type" column="type" sort={filters.sort} onSort={(sort) => applyFilters({ ...filters, sort })} />
                    <th scope="col">Alerts</th>
                    <th scope="col">Products</th>
                    <th scope="col" className="table__number">
                      Require Update
                    </th>
                    <th scope="col" className="table__number">
                      Used/Capacity
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((row) => (
                    <tr key={row.id} data-testid="customer-row" data-customer-id={row.id}>
                      <td className="table__check">
                        <input
                          type="checkbox"
                          className="checkbox__input"
                          checked={selected.has(row.id)}
                          onChange={(event) => select(row, event.target.checked)}
                          aria-label={`Select ${row.name}`}
                          data-testid="customer-select"
                        />
                      </td>
                      <td>
                        <CustomerPopup
                          row={row}
                          busy={rowActions.busy?.id === row.id ? rowActions.busy.action : null}
                          disabled={rowActions.busy !== null || bulkRunning}
                          onAction={(action, target) => {
                            setReport(null);
                            void rowActions.start(action, target);
                          }}
                        />
                        <span className="table__secondary">{countryName(row.country)}</span>
                        {row.compliance.status === 'pendingReview' ? (
                          <span className="status status--held">Compliance review</span>
                        ) : null}
                      </td>
                      <td>{row.managementLabel}</td>
                      <td data-testid="customer-alerts">
                        <AlertsCell row={row} />
                      </td>
                      <td>
                        <ProductsCell row={row} />
                      </td>
                      <td className="table__number">{formatNumber(row.requireUpdate)}</td>
                      <td className="table__number">
                        {formatNumber(row.used)} / {formatNumber(row.capacity)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}

          {list.status === 'loaded' && list.items.length === 0 && list.nextCursor !== null ? (
            <p className="panel__note">No matching customers in the first part of the list yet.</p>
          ) : null}

          {moreProblem ? <ProblemAlert title="More customers could not be loaded" problem={moreProblem} /> : null}

          {list.status === 'loaded' && list.nextCursor !== null ? (
            <LoadMore loading={loadingMore} onLoad={loadMore} testId="customers-load-more" />
          ) : null}
        </section>
      </div>
    </div>
  );
}
