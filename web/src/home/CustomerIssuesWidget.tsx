import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDateTime, MANAGEMENT_LABELS } from '../customers/labels';
import { customerAlertsPath } from '../alerts/api';
import { SeverityBadge } from '../alerts/SeverityBadge';
import { DashboardContent, type DashboardView } from './DashboardContent';
import { issueLabel, SEVERITY_RANK } from './labels';
import type { CustomerIssue } from './types';
import { Widget, type WidgetControls } from './Widget';

type SortKey = 'severity' | 'management' | 'date';
interface Sort {
  key: SortKey;
  descending: boolean;
}

/** Newest issue first, as the server sends them. */
const DEFAULT_SORT: Sort = { key: 'date', descending: true };

/** Rows shown before "Show all". */
const FIRST_ROWS = 10;

const SORT_LABELS: Record<SortKey, string> = { severity: 'Severity', management: 'Customer type', date: 'Last issue' };

function compare(a: CustomerIssue, b: CustomerIssue, key: SortKey): number {
  switch (key) {
    case 'severity':
      return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
    case 'management':
      return MANAGEMENT_LABELS[a.management].localeCompare(MANAGEMENT_LABELS[b.management]);
    case 'date':
      return Date.parse(a.lastIssueAt) - Date.parse(b.lastIssueAt);
  }
}

/**
 * The rows in order: by the chosen column ("ascending" severity is the most severe
 * first), then the newest issue first, then by name.
 */
export function sortIssues(issues: readonly CustomerIssue[], sort: Sort): CustomerIssue[] {
  const direction = sort.descending ? -1 : 1;
  return [...issues].sort(
    (a, b) =>
      direction * compare(a, b, sort.key) ||
      Date.parse(b.lastIssueAt) - Date.parse(a.lastIssueAt) ||
      a.name.localeCompare(b.name),
  );
}

/** The issues whose last issue falls between two calendar days (local, inclusive; empty = open). */
export function issuesBetween(issues: readonly CustomerIssue[], from: string, to: string): CustomerIssue[] {
  const start = from === '' ? -Infinity : new Date(`${from}T00:00:00`).getTime();
  const end = to === '' ? Infinity : new Date(`${to}T23:59:59.999`).getTime();
  return issues.filter((issue) => {
    const at = Date.parse(issue.lastIssueAt);
    return at >= start && at <= end;
  });
}

function SortHeader({ column, sort, onSort }: { column: SortKey; sort: Sort; onSort: (sort: Sort) => void }) {
  const active = sort.key === column;
  const direction = active ? (sort.descending ? 'descending' : 'ascending') : undefined;
  // A new column starts with what matters most: the most severe, or the newest.
  const next: Sort = active ? { key: column, descending: !sort.descending } : { key: column, descending: column === 'date' };
  const label = SORT_LABELS[column];
  return (
    <th scope="col" aria-sort={direction}>
      <button
        type="button"
        className="sort-button"
        onClick={() => onSort(next)}
        data-testid={`issues-sort-${column}`}
        title={`Sort by ${label.toLowerCase()}`}
      >
        {label}
        <span className="sort-button__icon" aria-hidden="true">
          {active ? (sort.descending ? '▼' : '▲') : '↕'}
        </span>
      </button>
    </th>
  );
}

function IssuesTable({ issues }: { issues: readonly CustomerIssue[] }) {
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [showAll, setShowAll] = useState(false);
  const fromId = useId();
  const toId = useId();

  if (issues.length === 0) {
    return <p className="panel__note">No customer needs your attention.</p>;
  }
  const rows = sortIssues(issuesBetween(issues, from, to), sort);
  const shown = showAll ? rows : rows.slice(0, FIRST_ROWS);

  return (
    <>
      <div className="issues-filter" role="group" aria-label="Last issue between">
        <div className="field">
          <label className="field__label" htmlFor={fromId}>
            From
          </label>
          <input
            id={fromId}
            type="date"
            className="field__input"
            value={from}
            max={to || undefined}
            onChange={(event) => setFrom(event.target.value)}
            data-testid="issues-from"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={toId}>
            To
          </label>
          <input
            id={toId}
            type="date"
            className="field__input"
            value={to}
            min={from || undefined}
            onChange={(event) => setTo(event.target.value)}
            data-testid="issues-to"
          />
        </div>
        {from !== '' || to !== '' ? (
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => {
              setFrom('');
              setTo('');
            }}
          >
            Any date
          </button>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <p className="panel__note">No customer issues between these dates.</p>
      ) : (
        <div className="table-scroll">
          <table className="table table--compact" data-testid="issues-table">
            <caption className="visually-hidden">Customers in need of your attention</caption>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <SortHeader column="management" sort={sort} onSort={setSort} />
                <SortHeader column="severity" sort={sort} onSort={setSort} />
                <th scope="col">Issues</th>
                <SortHeader column="date" sort={sort} onSort={setSort} />
              </tr>
            </thead>
            <tbody>
              {shown.map((issue) => (
                <tr key={issue.customerId} data-testid="issue-row">
                  <td>
                    <Link
                      to={customerAlertsPath(issue.customerId)}
                      className="table__primary"
                      title={`Open alerts of ${issue.name}`}
                      data-testid="issue-alerts-link"
                    >
                      {issue.name}
                    </Link>
                  </td>
                  <td>{MANAGEMENT_LABELS[issue.management]}</td>
                  <td>
                    <SeverityBadge severity={issue.severity} />
                  </td>
                  <td>
                    <ul className="product-list">
                      {issue.issues.map((item) => (
                        <li key={item.kind}>{issueLabel(item.kind, item.count)}</li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <time dateTime={issue.lastIssueAt}>{formatDateTime(issue.lastIssueAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length > FIRST_ROWS ? (
        <div className="panel__actions">
          <button type="button" className="button button--secondary button--small" onClick={() => setShowAll((value) => !value)}>
            {showAll ? `Show the first ${FIRST_ROWS}` : `Show all ${rows.length}`}
          </button>
        </div>
      ) : null}
    </>
  );
}

/** Customer Issues: the customers in need of attention, partner-wide whatever the Display filter says. */
export function CustomerIssuesWidget({
  controls,
  view,
  scope,
}: {
  controls: WidgetControls;
  view: DashboardView;
  scope: ReactNode;
}) {
  return (
    <Widget id="customerIssues" controls={controls} more="/customers" scope={scope} wide busy={view.loading}>
      <DashboardContent view={view}>{(dashboard) => <IssuesTable issues={dashboard.customerIssues} />}</DashboardContent>
    </Widget>
  );
}
