import { useId, useState, type FormEvent } from 'react';
import type { CustomerRow, UserView } from '../api/client';
import { fullName } from '../admin/labels';
import { DateInput, SelectInput } from '../customers/controls';
import type { AlertFilters } from './api';
import { ALERT_KIND_LABELS, ALERT_KINDS, ALERT_STATUS_LABELS, SEVERITIES, SEVERITY_LABELS } from './labels';
import type { AlertKind, AlertStatus, Severity } from './types';

const TYPE_OPTIONS = ALERT_KINDS.map((kind) => ({ value: kind, label: ALERT_KIND_LABELS[kind] })).sort((a, b) =>
  a.label.localeCompare(b.label),
);
const SEVERITY_OPTIONS = SEVERITIES.map((severity) => ({ value: severity, label: SEVERITY_LABELS[severity] }));
const STATUS_OPTIONS = (['open', 'dismissed'] as const).map((status) => ({ value: status, label: ALERT_STATUS_LABELS[status] }));

/** What the filter's choices are, while they are loading or could not be loaded. */
export interface Choices<T> {
  rows: readonly T[];
  loading: boolean;
  /** Why there are none to choose from, when that is known. */
  note?: string | undefined;
}

/** The chosen value as an option even before (or without) its list: a link can name a customer not loaded yet. */
function withChosen(
  options: { value: string; label: string }[],
  chosen: string,
  knownName: string | undefined,
  loading: boolean,
  fallback: string,
): { value: string; label: string }[] {
  if (chosen === '' || options.some((option) => option.value === chosen)) return options;
  return [{ value: chosen, label: knownName ?? (loading ? 'Loading…' : fallback) }, ...options];
}

/**
 * The listing's filters. A choice applies at once; the computer name applies with
 * Enter, Apply, or on leaving the field.
 */
export function AlertFiltersForm({
  filters,
  onChange,
  onClear,
  customers,
  users,
  names,
  rangeError,
}: {
  filters: AlertFilters;
  onChange: (filters: AlertFilters) => void;
  onClear: () => void;
  customers: Choices<CustomerRow>;
  users: Choices<UserView>;
  /** Names the loaded alerts give a customer or user id, for a chosen one not in its list. */
  names: { customers: ReadonlyMap<string, string>; users: ReadonlyMap<string, string> };
  rangeError: string | undefined;
}) {
  const computerId = useId();
  const [computer, setComputer] = useState(filters.computer);
  // The field follows the address when it changes from outside the form (Back, a link).
  const [shownComputer, setShownComputer] = useState(filters.computer);
  if (shownComputer !== filters.computer) {
    setShownComputer(filters.computer);
    setComputer(filters.computer);
  }

  function applyComputer() {
    if (computer.trim() === filters.computer.trim()) return;
    onChange({ ...filters, computer: computer.trim() });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    applyComputer();
  }

  const set = <K extends keyof AlertFilters>(field: K) => (value: AlertFilters[K]) => onChange({ ...filters, [field]: value });

  const customerOptions = withChosen(
    customers.rows.map((row) => ({ value: row.id, label: row.name })),
    filters.customer,
    names.customers.get(filters.customer),
    customers.loading,
    'This customer',
  );
  const userOptions = withChosen(
    users.rows.map((user) => ({ value: user.id, label: `${fullName(user)} (${user.email})` })),
    filters.user,
    names.users.get(filters.user),
    users.loading,
    'This user',
  );
  const filtered =
    filters.customer !== '' ||
    filters.user !== '' ||
    filters.computer !== '' ||
    filters.type !== '' ||
    filters.severity !== '' ||
    filters.status !== 'open' ||
    filters.from !== '' ||
    filters.to !== '';

  return (
    <form className="panel panel--stack" noValidate onSubmit={submit} aria-label="Filters" data-testid="alerts-filters">
      <h2 className="panel__title">Filters</h2>
      <div className="audit-filters">
        <SelectInput
          name="alerts.customer"
          label="Customer"
          value={filters.customer}
          onChange={set('customer')}
          options={customerOptions}
          placeholder={customers.loading ? 'All customers (loading…)' : 'All customers'}
          hint={customers.note}
          testId="alerts-customer"
          required={false}
        />
        <SelectInput
          name="alerts.user"
          label="User"
          value={filters.user}
          onChange={set('user')}
          options={userOptions}
          placeholder={users.loading ? 'All users (loading…)' : 'All users'}
          hint={users.note}
          testId="alerts-user"
          required={false}
        />
        <div className="field alerts-filters__computer">
          <label className="field__label" htmlFor={computerId}>
            Computer
          </label>
          <div className="search__row">
            <input
              id={computerId}
              type="text"
              className="field__input search__input"
              value={computer}
              onChange={(event) => setComputer(event.target.value)}
              onBlur={applyComputer}
              maxLength={255}
              autoComplete="off"
              spellCheck={false}
              data-testid="alerts-computer"
            />
            <button type="submit" className="button button--secondary" data-testid="alerts-computer-apply">
              Apply
            </button>
          </div>
        </div>
        <SelectInput
          name="alerts.type"
          label="Alert type"
          value={filters.type}
          onChange={(value) => set('type')(value as AlertKind | '')}
          options={TYPE_OPTIONS}
          placeholder="All alert types"
          testId="alerts-type"
          required={false}
        />
        <SelectInput
          name="alerts.severity"
          label="Severity"
          value={filters.severity}
          onChange={(value) => set('severity')(value as Severity | '')}
          options={SEVERITY_OPTIONS}
          placeholder="All severities"
          testId="alerts-severity"
          required={false}
        />
        <SelectInput
          name="alerts.status"
          label="Status"
          value={filters.status === 'all' ? '' : filters.status}
          onChange={(value) => set('status')(value === '' ? 'all' : (value as AlertStatus))}
          options={STATUS_OPTIONS}
          placeholder="All"
          testId="alerts-status"
          required={false}
        />
        <DateInput
          name="alerts.from"
          label="From"
          value={filters.from}
          onChange={set('from')}
          max={filters.to || undefined}
          testId="alerts-from"
        />
        <DateInput
          name="alerts.to"
          label="To"
          value={filters.to}
          onChange={set('to')}
          min={filters.from || undefined}
          error={rangeError}
          testId="alerts-to"
        />
      </div>
      <div className="pager">
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            setComputer('');
            onClear();
          }}
          disabled={!filtered}
          data-testid="alerts-clear"
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}
