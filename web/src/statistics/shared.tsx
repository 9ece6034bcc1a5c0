import { useCallback, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { fetchAllCustomers } from '../admin/api';
import type { CustomerRow } from '../api/client';
import type { Problem } from '../api/problem';
import { RangeSelect } from '../charts/RangeSelect';
import { parseRange, type Range } from '../charts/range';
import { FormAlert } from '../components/FormAlert';
import { manageUrl, startManageSession } from '../customers/api';
import { formatDateTime, formatNumber } from '../customers/labels';
import type { StatisticsFilters } from './api';
import type { OperatingSystem } from '../api/client';

export const OS_LABELS: Readonly<Record<OperatingSystem, string>> = {
  windows: 'Windows',
  windowsServer: 'Windows Server',
  mac: 'Mac',
  linux: 'Linux',
};

/** The guide's note on the statistics pages. */
export const SYNC_DELAY_NOTE =
  'There may be a short delay before the latest information appears, due to the timing of the data synchronization.';

/** The range and customer of a statistics page, kept in the address (?range=&customer=). */
export function useStatisticsFilters() {
  const [params, setParams] = useSearchParams();
  const rangeParam = params.get('range');
  const customerParam = params.get('customer');
  const filters = useMemo<StatisticsFilters>(
    () => ({ range: parseRange(rangeParam), customer: customerParam === null || customerParam === '' ? null : customerParam }),
    [rangeParam, customerParam],
  );
  const setFilters = useCallback(
    (next: StatisticsFilters) => {
      const query = new URLSearchParams();
      query.set('range', next.range);
      if (next.customer !== null) query.set('customer', next.customer);
      setParams(query, { replace: true });
    },
    [setParams],
  );
  return { filters, setFilters };
}

type CustomersState = { status: 'loading'; rows: CustomerRow[] } | { status: 'loaded'; rows: CustomerRow[] } | { status: 'failed'; problem: Problem; rows: CustomerRow[] };

/** Every customer the user sees, for the customer filter; the list fills page by page. */
export function useCustomerChoices() {
  const [state, setState] = useState<CustomersState>({ status: 'loading', rows: [] });
  useEffect(() => {
    let active = true;
    void fetchAllCustomers(
      (rows) => {
        if (active) setState({ status: 'loading', rows });
      },
      () => active,
    ).then((result) => {
      if (!active) return;
      setState((previous) =>
        result.ok ? { status: 'loaded', rows: result.data } : { status: 'failed', problem: result.problem, rows: previous.rows },
      );
    });
    return () => {
      active = false;
    };
  }, []);
  return state;
}

/** The range and customer filters of a statistics page. */
export function StatisticsFilterBar({
  filters,
  onChange,
  customers,
}: {
  filters: StatisticsFilters;
  onChange: (filters: StatisticsFilters) => void;
  customers: CustomersState;
}) {
  const customerId = useId();
  const known = customers.rows.some((row) => row.id === filters.customer);
  return (
    <div className="statistics-filters" role="group" aria-label="Filters">
      <RangeSelect
        label="Date range"
        value={filters.range}
        onChange={(range: Range) => onChange({ ...filters, range })}
        testId="statistics-range"
      />
      <div className="field statistics-filters__customer">
        <label className="field__label" htmlFor={customerId}>
          Customer
        </label>
        <select
          id={customerId}
          className="field__input field__select"
          value={filters.customer ?? ''}
          onChange={(event) => onChange({ ...filters, customer: event.target.value === '' ? null : event.target.value })}
          data-testid="statistics-customer"
        >
          <option value="">All customers</option>
          {filters.customer !== null && !known ? (
            <option value={filters.customer}>
              {customers.status === 'loading' ? 'Loading customers…' : 'This customer'}
            </option>
          ) : null}
          {customers.rows.map((row) => (
            <option key={row.id} value={row.id}>
              {row.name}
            </option>
          ))}
        </select>
        {customers.status === 'failed' ? (
          <p className="field__hint">The customer list could not be loaded: {customers.problem.title}.</p>
        ) : null}
      </div>
    </div>
  );
}

export interface ManageNoticeState {
  tone: 'info' | 'error';
  title: string;
  detail: string;
}

/**
 * "Manage" for a customer the user may manage: the same delegated session as the
 * customer profile's Manage Customer button, opened in a new tab.
 */
export function useManageCustomer() {
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<ManageNoticeState | null>(null);
  const manage = useCallback(
    async (customerId: string, name: string) => {
      if (busy !== null) return;
      setBusy(customerId);
      const result = await startManageSession(customerId);
      setBusy(null);
      if (!result.ok) {
        setNotice({
          tone: 'error',
          title: `${name}’s console could not be opened`,
          detail: result.problem.detail ?? result.problem.title,
        });
        return;
      }
      window.open(manageUrl(result.data), '_blank', 'noopener');
      setNotice({
        tone: 'info',
        title: `${name}’s console opened in a new tab.`,
        detail: `You are signed in with full administrative rights until ${formatDateTime(result.data.expiresAt)}. Sign out there to end the session.`,
      });
    },
    [busy],
  );
  return { manage, busy, notice };
}

export function ManageNotice({ notice }: { notice: ManageNoticeState | null }) {
  if (!notice) return null;
  return (
    <div className="form__message" data-testid="manage-notice">
      <FormAlert tone={notice.tone} title={notice.title}>
        <p>{notice.detail}</p>
      </FormAlert>
    </div>
  );
}

/** The Manage link next to a customer's name (only for customers the user may manage). */
export function ManageButton({
  customerId,
  name,
  manage,
  busy,
}: {
  customerId: string;
  name: string;
  manage: (customerId: string, name: string) => Promise<void>;
  busy: string | null;
}) {
  return (
    <button
      type="button"
      className="link-button"
      onClick={() => void manage(customerId, name)}
      disabled={busy !== null}
      aria-label={`Manage ${name}`}
      data-testid="manage-link"
    >
      {busy === customerId ? 'Opening…' : 'Manage'}
    </button>
  );
}

export interface Figure {
  label: string;
  value: number;
  testId?: string;
  hint?: string;
}

/** A row of headline figures. */
export function Figures({ figures, label }: { figures: readonly Figure[]; label: string }) {
  return (
    <dl className="figures" aria-label={label}>
      {figures.map((figure) => (
        <div key={figure.label} className="figures__item">
          <dt className="figures__label">{figure.label}</dt>
          <dd className="figures__value" data-testid={figure.testId}>
            {formatNumber(figure.value)}
          </dd>
          {figure.hint ? <dd className="figures__hint">{figure.hint}</dd> : null}
        </div>
      ))}
    </dl>
  );
}

/** "Export CSV" for a table. */
export function CsvButton({
  onExport,
  busy = false,
  testId,
  what,
}: {
  onExport: () => void;
  busy?: boolean;
  testId: string;
  what: string;
}) {
  return (
    <button
      type="button"
      className="button button--small button--secondary"
      onClick={onExport}
      disabled={busy}
      aria-label={busy ? undefined : `Export ${what} as CSV`}
      data-testid={testId}
    >
      {busy ? 'Exporting…' : 'Export CSV'}
    </button>
  );
}

/** "From … to …" of the figures shown. */
export function Period({ from, to }: { from: string; to: string }) {
  return (
    <>
      <time dateTime={from}>{formatDateTime(from)}</time> to <time dateTime={to}>{formatDateTime(to)}</time>
    </>
  );
}

export function SectionHeader({ id, title, children }: { id: string; title: string; children?: ReactNode }) {
  return (
    <div className="panel__header">
      <h2 id={id} className="panel__title">
        {title}
      </h2>
      {children}
    </div>
  );
}
