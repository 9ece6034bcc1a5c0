import type { Category, ComputerScope, DeliveryChannel, DeliveryStatus, Service, Severity } from './types';

/** The rows of the categories grid, in the guide's order. */
export const SERVICES: readonly Service[] = ['endpointProtection', 'account', 'reports'];

/** The columns of the categories grid, most severe first. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'informational'];

export const SERVICE_LABELS: Record<Service, string> = {
  endpointProtection: 'Endpoint Protection',
  account: 'Account',
  reports: 'Reports',
};

export const SEVERITY_LABELS: Record<Severity, string> = {
  error: 'Error',
  warning: 'Warning',
  informational: 'Informational',
};

export const COMPUTER_SCOPE_LABELS: Record<ComputerScope, string> = {
  all: 'All computers',
  computers: 'Selected computers',
  groups: 'Selected groups',
};

export const CHANNEL_LABELS: Record<DeliveryChannel, string> = {
  email: 'Email',
  sms: 'SMS',
  webhook: 'Webhook',
};

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  sent: 'Sent',
  retrying: 'Retrying',
  failed: 'Failed',
};

/** The headers of a webhook call, for the explanation of its signature. */
export const SIGNATURE_HEADER = 'X-Console-Signature';
export const TIMESTAMP_HEADER = 'X-Console-Timestamp';
export const DELIVERY_HEADER = 'X-Console-Delivery';
/** How far a call's timestamp may be from the receiver's clock. */
export const SIGNATURE_TOLERANCE_MINUTES = 5;

/** Limits the API sets on a rule. */
export const MAX_RULE_NAME = 100;
export const MAX_NAMES = 100;
export const MAX_COMPUTER_NAME = 128;

/** The checked categories in a few words: "Endpoint Protection: Error, Warning; Account: all". */
export function describeCategories(categories: readonly Category[]): string {
  const parts = SERVICES.flatMap((service) => {
    const severities = SEVERITIES.filter((severity) =>
      categories.some((category) => category.service === service && category.severity === severity),
    );
    if (severities.length === 0) return [];
    const which =
      severities.length === SEVERITIES.length ? 'all' : severities.map((severity) => SEVERITY_LABELS[severity]).join(', ');
    return [`${SERVICE_LABELS[service]}: ${which}`];
  });
  return parts.length > 0 ? parts.join('; ') : 'None checked';
}
