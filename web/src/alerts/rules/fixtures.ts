import { json } from '../../test/fetchMock';
import type { AlertRule, Delivery } from './types';

/** Test data shaped like the API's answers for alert notification rules and their deliveries. */

/** Every error of Endpoint Protection to all administrators, with a webhook. */
export const criticalRule: AlertRule = {
  id: 'rul_1',
  name: 'Critical risks',
  enabled: true,
  categories: [
    { service: 'endpointProtection', severity: 'error' },
    { service: 'account', severity: 'error' },
  ],
  customers: null,
  computers: { scope: 'all', names: [] },
  recipients: [],
  recipientCount: 2,
  customerContacts: false,
  webhook: { url: 'https://hooks.example.com/console', secretHint: 'whsec_…1a2b' },
  createdAt: '2026-01-05T09:00:00Z',
  updatedAt: '2026-01-06T10:00:00Z',
  version: 3,
};

/** Warnings of two customers' front desk computers to Grace, without a webhook; disabled. */
export const frontDeskRule: AlertRule = {
  id: 'rul_2',
  name: 'Front desk warnings',
  enabled: false,
  categories: [{ service: 'endpointProtection', severity: 'warning' }],
  customers: [
    { id: 'cus_1', name: 'Acme Dental' },
    { id: 'cus_2', name: 'Bright Bakery' },
  ],
  computers: { scope: 'computers', names: ['FRONT-01', 'FRONT-02'] },
  recipients: [{ id: 'usr_2', name: 'Grace Hopper', email: 'grace@example.com' }],
  recipientCount: 1,
  customerContacts: true,
  webhook: null,
  createdAt: '2026-01-07T09:00:00Z',
  updatedAt: '2026-01-07T09:00:00Z',
  version: 1,
};

export const sampleRules: AlertRule[] = [criticalRule, frontDeskRule];

export const sentDelivery: Delivery = {
  id: 'dlv_3',
  alertId: 'alr_9',
  ruleId: 'rul_1',
  channel: 'webhook',
  target: 'https://hooks.example.com/console',
  status: 'sent',
  statusCode: 200,
  attempts: 1,
  test: false,
  at: '2026-01-10T12:00:00Z',
};

export const retryingDelivery: Delivery = {
  id: 'dlv_2',
  alertId: 'alr_8',
  ruleId: 'rul_1',
  channel: 'webhook',
  target: 'https://hooks.example.com/console',
  status: 'retrying',
  statusCode: 503,
  attempts: 2,
  nextAttemptAt: '2026-01-10T11:35:00Z',
  error: 'Service Unavailable',
  test: false,
  at: '2026-01-10T11:00:00Z',
};

export const emailDelivery: Delivery = {
  id: 'dlv_1',
  alertId: 'alr_8',
  ruleId: 'rul_1',
  channel: 'email',
  target: 'ada@example.com',
  status: 'failed',
  attempts: 5,
  error: 'Mailbox unavailable',
  test: false,
  at: '2026-01-10T10:00:00Z',
};

/** An answer with the rule's version as its ETag, as the API sends a rule. */
export function taggedRule(status: number, rule: AlertRule): Response {
  return json(status, rule, { ETag: `"${rule.version}"` });
}
