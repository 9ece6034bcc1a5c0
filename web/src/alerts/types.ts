/**
 * The alerts API's types (issue 6), written from its HTTP contract until the OpenAPI
 * document lists these endpoints; then they can be derived from `api/schema.d.ts` the
 * way `api/client.ts` derives the others. JSON is camelCase and times are RFC 3339 UTC.
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

/** `POST /api/v1/alerts/dismiss`: 1–25 ids, all or nothing. */
export interface DismissRequest {
  ids: string[];
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

/** A row of Home's Customer Issues: its issues are the customer's open alerts, counted by kind. */
export interface CustomerIssueCount {
  kind: AlertKind;
  count: number;
}

// Alert notification rules

/** One box of the rule's "by service and by severity" grid. */
export interface AlertCategory {
  service: Service;
  severity: Severity;
}

export type ComputerScope = 'all' | 'computers' | 'groups';

export interface RuleComputers {
  scope: ComputerScope;
  /** Empty only for `all`. */
  names: string[];
}

/** The body of `POST /api/v1/alert-rules` and `PUT /api/v1/alert-rules/{id}`. */
export interface RuleRequest {
  /** 1–100 characters. */
  name: string;
  enabled: boolean;
  /** At least one. */
  categories: AlertCategory[];
  /** Null: all companies. */
  customers: string[] | null;
  computers: RuleComputers;
  /** User ids; empty: all administrators. */
  recipients: string[];
  /** Also email the customer's contact where the partner shares communications. */
  customerContacts: boolean;
  webhook: { url: string } | null;
}

export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  categories: AlertCategory[];
  customers: { id: string; name: string }[] | null;
  computers: RuleComputers;
  recipients: { id: string; name: string; email: string }[];
  recipientCount: number;
  customerContacts: boolean;
  webhook: { url: string; secretHint: string } | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Only in the answer that set a webhook: shown once. */
  webhookSecret?: string;
}

export type DeliveryChannel = 'email' | 'sms' | 'webhook';
export type DeliveryStatus = 'sent' | 'retrying' | 'failed';

export interface Delivery {
  id: string;
  alertId: string;
  ruleId: string;
  channel: DeliveryChannel;
  target: string;
  status: DeliveryStatus;
  statusCode?: number;
  attempts: number;
  nextAttemptAt?: string;
  error?: string;
  test: boolean;
  at: string;
}
