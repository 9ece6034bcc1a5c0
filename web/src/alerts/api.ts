import { dayBoundary } from '../admin/api';
import { api } from '../api/client';
import type { Problem } from '../api/problem';
import type { paths } from '../api/schema';
import { authorizedResult, type ApiResult } from '../auth/session';
import { jsonOnly } from '../customers/api';
import type {
  Alert,
  AlertKind,
  AlertListQuery,
  AlertPage,
  AlertSort,
  AlertStatus,
  DismissResult,
  Severity,
  SortOrder,
} from './types';

/** Alerts per page of the listing. */
export const ALERTS_PAGE_SIZE = 50;
/** The most ids one dismiss request takes. */
export const DISMISS_BATCH = 25;
export const ALERTS_CSV_FILENAME = 'alerts.csv';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type WirePage = Json<paths['/api/v1/alerts']['get']['responses'][200]>;
/** An alert as the OpenAPI document describes it. */
export type WireAlert = WirePage['items'][number];

/**
 * An alert as the page uses it (`types.ts`, the contract's shape). The server names
 * the alert type `type` where the contract says `kind`, and sends no field or null for
 * what an alert does not have.
 */
export function toAlert(wire: WireAlert): Alert {
  const alert: Alert = {
    id: wire.id,
    kind: wire.type,
    service: wire.service,
    severity: wire.severity,
    status: wire.status,
    subject: wire.subject,
    body: wire.body,
    raisedAt: wire.raisedAt,
    updatedAt: wire.updatedAt,
    occurrences: wire.occurrences,
  };
  if (wire.customerId) alert.customerId = wire.customerId;
  if (wire.customerName) alert.customerName = wire.customerName;
  if (wire.computer) alert.computer = wire.computer;
  if (wire.userId) alert.userId = wire.userId;
  if (wire.userName) alert.userName = wire.userName;
  if (wire.dismissedAt) alert.dismissedAt = wire.dismissedAt;
  if (wire.dismissedBy) alert.dismissedBy = wire.dismissedBy;
  return alert;
}

/** The listing's filters and sort, as the address holds them; empty means any. */
export interface AlertFilters {
  customer: string;
  user: string;
  computer: string;
  type: AlertKind | '';
  severity: Severity | '';
  /** `all`: open and dismissed alike. */
  status: AlertStatus | 'all';
  /** A day (`YYYY-MM-DD`), from its start in the user's time zone. */
  from: string;
  /** A day (`YYYY-MM-DD`), to its end in the user's time zone. */
  to: string;
  sort: AlertSort;
  order: SortOrder;
}

export const DEFAULT_ALERT_FILTERS: AlertFilters = {
  customer: '',
  user: '',
  computer: '',
  type: '',
  severity: '',
  status: 'open',
  from: '',
  to: '',
  sort: 'date',
  order: 'desc',
};

/** The Alerts page with a customer's open alerts (from Home's Customer Issues and the Customers list). */
export function customerAlertsPath(customerId: string): string {
  return `/alerts?${new URLSearchParams({ customer: customerId, status: 'open' }).toString()}`;
}

/** The query for the filters: the sort always, each filter when set. */
export function alertQuery(filters: AlertFilters): AlertListQuery {
  const query: AlertListQuery = { sort: filters.sort, order: filters.order };
  if (filters.customer !== '') query.customer = filters.customer;
  if (filters.user !== '') query.user = filters.user;
  const computer = filters.computer.trim();
  if (computer !== '') query.computer = computer;
  if (filters.type !== '') query.type = filters.type;
  if (filters.severity !== '') query.severity = filters.severity;
  if (filters.status !== 'all') query.status = filters.status;
  const from = dayBoundary(filters.from, false);
  if (from !== undefined) query.from = from;
  const to = dayBoundary(filters.to, true);
  if (to !== undefined) query.to = to;
  return query;
}

/** One page of the filtered alerts; `cursor` is the previous page's `nextCursor`. */
export async function fetchAlerts(filters: AlertFilters, cursor?: string): Promise<ApiResult<AlertPage>> {
  const query: AlertListQuery = { ...alertQuery(filters), limit: ALERTS_PAGE_SIZE };
  if (cursor !== undefined) query.cursor = cursor;
  const result = jsonOnly(await authorizedResult((headers) => api.GET('/api/v1/alerts', { params: { query }, headers })));
  if (!result.ok) return result;
  return { ok: true, data: { items: result.data.items.map(toAlert), nextCursor: result.data.nextCursor ?? null } };
}

/** The whole filtered list as CSV. */
export function fetchAlertsCsv(filters: AlertFilters): Promise<ApiResult<Blob>> {
  const query: AlertListQuery = { ...alertQuery(filters), format: 'csv' };
  return authorizedResult((headers) =>
    api.GET('/api/v1/alerts', {
      params: { query },
      headers: { ...headers, Accept: 'text/csv' },
      parseAs: 'blob',
    }),
  );
}

/** Dismisses 1–25 alerts at once (all or nothing). */
export function dismissAlertBatch(ids: string[]): Promise<ApiResult<DismissResult>> {
  return authorizedResult((headers) => api.POST('/api/v1/alerts/dismiss', { body: { ids }, headers }));
}

/** The ids in requests of at most `DISMISS_BATCH`. */
export function dismissBatches(ids: readonly string[]): string[][] {
  const batches: string[][] = [];
  for (let start = 0; start < ids.length; start += DISMISS_BATCH) batches.push(ids.slice(start, start + DISMISS_BATCH));
  return batches;
}

/** What dismissing took: how many the server counted, and the first failure, which stops the rest. */
export interface DismissOutcome {
  dismissed: number;
  failed: Problem | null;
}

/** Dismisses any number of alerts, one request per batch of 25, in turn. */
export async function dismissAlerts(ids: readonly string[]): Promise<DismissOutcome> {
  let dismissed = 0;
  for (const batch of dismissBatches(ids)) {
    const result = await dismissAlertBatch(batch);
    if (!result.ok) return { dismissed, failed: result.problem };
    dismissed += result.data.dismissed;
  }
  return { dismissed, failed: null };
}
