/**
 * Alert notification rules as the API sends and takes them (the alerts contract's
 * RuleRequest, AlertRule and Delivery). JSON is camelCase and times are RFC 3339 UTC.
 */

import type { Service, Severity } from '../types';

export type { Service, Severity };

/** One cell of the "by service and by severity" grid. */
export interface Category {
  service: Service;
  severity: Severity;
}

/** Which computers a rule covers; `names` is empty only for `all`. */
export type ComputerScope = 'all' | 'computers' | 'groups';

export interface ComputerSelection {
  scope: ComputerScope;
  names: string[];
}

/** The body of `POST /api/v1/alert-rules` and `PUT /api/v1/alert-rules/{id}`. */
export interface RuleRequest {
  /** 1 to 100 characters. */
  name: string;
  enabled: boolean;
  /** At least one. */
  categories: Category[];
  /** Null for all companies, otherwise the chosen customers' ids. */
  customers: string[] | null;
  computers: ComputerSelection;
  /** User ids; empty means all administrators. */
  recipients: string[];
  /** Also email the customer's contact where the partner shares communications with the customer. */
  customerContacts: boolean;
  /** An `https://` address, or null for none. */
  webhook: { url: string } | null;
}

export interface RuleCustomer {
  id: string;
  name: string;
}

export interface RuleRecipient {
  id: string;
  name: string;
  email: string;
}

export interface RuleWebhook {
  url: string;
  /** The secret's start and end (`whsec_…1a2b`); the secret itself is shown only once. */
  secretHint: string;
}

export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  categories: Category[];
  customers: RuleCustomer[] | null;
  computers: ComputerSelection;
  recipients: RuleRecipient[];
  /** How many people are notified: the recipients, or every administrator when there are none. */
  recipientCount: number;
  customerContacts: boolean;
  webhook: RuleWebhook | null;
  createdAt: string;
  updatedAt: string;
  /** Sent back as `If-Match` (the rule's `ETag` is its quoted version). */
  version: number;
}

/** The answer to creating a rule: with a webhook, its signing secret, shown this once. */
export interface CreatedRule extends AlertRule {
  webhookSecret?: string;
}

export interface RuleList {
  items: AlertRule[];
  nextCursor: string | null;
}

export type DeliveryChannel = 'email' | 'sms' | 'webhook';

export type DeliveryStatus = 'sent' | 'retrying' | 'failed';

export interface Delivery {
  id: string;
  alertId: string;
  ruleId: string;
  channel: DeliveryChannel;
  /** The address, number or URL the notification went to. */
  target: string;
  status: DeliveryStatus;
  /** The webhook's HTTP status. */
  statusCode?: number;
  attempts: number;
  nextAttemptAt?: string;
  error?: string;
  /** Sent with "Send test" rather than for an alert. */
  test: boolean;
  at: string;
}

export interface DeliveryPage {
  items: Delivery[];
  nextCursor: string | null;
}
