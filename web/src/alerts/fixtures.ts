import type { WireAlert } from './api';
import type { Alert } from './types';

/** Test data shaped like the alerts API's answers. */

export const riskAlert: Alert = {
  id: 'alr_1',
  kind: 'unresolvedRisk',
  service: 'endpointProtection',
  severity: 'error',
  status: 'open',
  customerId: 'cus_1',
  customerName: 'Acme Dental',
  computer: 'RECEPTION-01',
  userId: 'usr_2',
  userName: 'Grace Hopper',
  subject: 'Unresolved risk on RECEPTION-01',
  body: 'Trojan.Invoicer was found on RECEPTION-01.\nIt could not be removed.\nRun a full scan.',
  raisedAt: '2026-01-09T08:00:00Z',
  updatedAt: '2026-01-10T09:30:00Z',
  occurrences: 3,
};

export const offlineAlert: Alert = {
  id: 'alr_2',
  kind: 'computerOffline',
  service: 'endpointProtection',
  severity: 'warning',
  status: 'open',
  customerId: 'cus_2',
  customerName: 'Bright Bakery',
  computer: 'OVEN-PC',
  subject: 'OVEN-PC has been offline for 7 days',
  body: 'OVEN-PC last reported on 3 January.',
  raisedAt: '2026-01-08T07:00:00Z',
  updatedAt: '2026-01-08T07:00:00Z',
  occurrences: 1,
};

export const consentAlert: Alert = {
  id: 'alr_3',
  kind: 'consentApproved',
  service: 'account',
  severity: 'informational',
  status: 'open',
  subject: 'Cobalt Clinic approved your request',
  body: 'Cobalt Clinic approved the request to manage its account.',
  raisedAt: '2026-01-07T12:00:00Z',
  updatedAt: '2026-01-07T12:00:00Z',
  occurrences: 1,
};

export const sampleAlerts: Alert[] = [riskAlert, offlineAlert, consentAlert];

/** `count` open alerts of one customer, newest first, for paging and batched dismissing. */
export function manyAlerts(count: number): Alert[] {
  return Array.from({ length: count }, (_, index) => ({
    ...offlineAlert,
    id: `alr_${String(100 + index)}`,
    subject: `Computer ${index + 1} offline`,
  }));
}

/** An alert as the server sends it: its type as `type`, with its partner and open condition. */
export function wire(alert: Alert): WireAlert {
  const { kind, ...rest } = alert;
  return {
    ...rest,
    type: kind,
    partnerId: 'prt_1',
    condition: [kind, alert.customerId ?? '', alert.computer ?? ''].join('#'),
  };
}

/** A page of the alerts list as the server answers it. */
export function alertPage(alerts: readonly Alert[], nextCursor: string | null = null) {
  return { items: alerts.map(wire), nextCursor };
}
