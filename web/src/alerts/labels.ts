import type { AlertKind, AlertSort, AlertStatus, Service, Severity } from './types';

/** Most severe first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'informational'];

export const SEVERITY_LABELS: Record<Severity, string> = {
  error: 'Error',
  warning: 'Warning',
  informational: 'Informational',
};

export const SERVICES: readonly Service[] = ['endpointProtection', 'account', 'reports'];

export const SERVICE_LABELS: Record<Service, string> = {
  endpointProtection: 'Endpoint Protection',
  account: 'Account',
  reports: 'Reports',
};

/** Every alert type with its service, in the contract's order. */
export const ALERT_KIND_SERVICES: Record<AlertKind, Service> = {
  unresolvedRisk: 'endpointProtection',
  computerOffline: 'endpointProtection',
  definitionsOutOfDate: 'endpointProtection',
  agentUpdateRequired: 'endpointProtection',
  intrusionBurst: 'endpointProtection',
  trialExpiring: 'account',
  seatsOverCapacity: 'account',
  consentApproved: 'account',
  consentDenied: 'account',
  consentExpired: 'account',
  reportFailed: 'reports',
};

export const ALERT_KINDS = Object.keys(ALERT_KIND_SERVICES) as AlertKind[];

export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  unresolvedRisk: 'Unresolved risk',
  computerOffline: 'Computer offline',
  definitionsOutOfDate: 'Definitions out of date',
  agentUpdateRequired: 'Agent update required',
  intrusionBurst: 'Intrusion burst',
  trialExpiring: 'Trial expiring',
  seatsOverCapacity: 'Seats over capacity',
  consentApproved: 'Consent approved',
  consentDenied: 'Consent denied',
  consentExpired: 'Consent expired',
  reportFailed: 'Report failed',
};

/** The label of an alert type; a type this console does not know yet is shown as sent. */
export function alertKindLabel(kind: string): string {
  return (ALERT_KIND_LABELS as Record<string, string | undefined>)[kind] ?? kind;
}

export const ALERT_STATUS_LABELS: Record<AlertStatus, string> = {
  open: 'Open',
  dismissed: 'Dismissed',
};

/** The listing's sortable columns (the guide's Table 4-1). */
export const SORT_LABELS: Record<AlertSort, string> = {
  severity: 'Severity',
  customer: 'Delivered to',
  subject: 'Subject',
  date: 'Date and Time',
};

/** "1 error", "3 warnings": the Customers list's Alerts badges. */
export function alertCountLabel(severity: 'error' | 'warning', count: number): string {
  return `${count} ${severity}${count === 1 ? '' : 's'}`;
}
