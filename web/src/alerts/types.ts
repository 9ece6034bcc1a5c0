/**
 * The Alerts page's types. `api.ts` turns the OpenAPI document's wire types into these;
 * the notification rules' types are in `rules/types.ts`. JSON is camelCase and times
 * are RFC 3339 UTC.
 */

export type Severity = 'error' | 'warning' | 'informational';

export type Service = 'endpointProtection' | 'account' | 'reports';

/** The alert type, as the `type` filter of the list takes it. */
export type AlertKind =
  | 'unresolvedRisk'
  | 'computerOffline'
  | 'definitionsOutOfDate'
  | 'agentUpdateRequired'
  | 'intrusionBurst'
  | 'trialExpiring'
  | 'seatsOverCapacity'
  | 'consentApproved'
  | 'consentDenied'
  | 'consentExpired'
  | 'reportFailed';

export type AlertStatus = 'open' | 'dismissed';

export interface Alert {
  id: string;
  kind: AlertKind;
  service: Service;
  severity: Severity;
  status: AlertStatus;
  customerId?: string;
  /** The "Delivered to" column. */
  customerName?: string;
  /** The computer's name. */
  computer?: string;
  userId?: string;
  userName?: string;
  subject: string;
  /** Plain text with newlines. */
  body: string;
  raisedAt: string;
  /** The same open condition raised again moves `updatedAt` and counts another occurrence. */
  updatedAt: string;
  occurrences: number;
  dismissedAt?: string;
  dismissedBy?: string;
}

export type AlertSort = 'date' | 'severity' | 'customer' | 'subject';
export type SortOrder = 'desc' | 'asc';

/** `GET /api/v1/alerts`: every parameter is optional; the default sort is date, newest first. */
export interface AlertListQuery {
  sort?: AlertSort;
  order?: SortOrder;
  /** A customer id; an unknown one answers 404. */
  customer?: string;
  /** A user id. */
  user?: string;
  /** A computer name. */
  computer?: string;
  type?: AlertKind;
  severity?: Severity;
  status?: AlertStatus;
  /** RFC 3339. */
  from?: string;
  /** RFC 3339. */
  to?: string;
  /** 1–100. */
  limit?: number;
  cursor?: string;
  /** `csv`: the whole filtered list as CSV (`alerts.csv`). */
  format?: 'csv';
}

/** A page of alerts; a page may hold fewer than `limit` items while `nextCursor` is non-null. */
export interface AlertPage {
  items: Alert[];
  nextCursor: string | null;
}

/** Already dismissed ids are counted as done. */
export interface DismissResult {
  dismissed: number;
}

/** Open alerts of a customer by severity, on the rows of the Customers list. */
export interface AlertCounts {
  error: number;
  warning: number;
  informational: number;
}

/** The Customers list's `alerts` filter: `error` = an open Error alert; `warning` = an open Error or Warning alert ("Warning+"). */
export type CustomerAlertsFilter = 'error' | 'warning';
