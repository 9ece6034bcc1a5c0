import { isRange, RANGE_LABELS } from '../charts/range';
import { formatDate, formatNumber } from '../customers/labels';
import type { ComputerScope, Format, ReportBy, ReportPeriod, ReportStatus, ReportType } from './types';

/** The guide's names of the report types ("Report types in the Partner Management Console"), in its order. */
export const REPORT_TYPE_TITLES: Readonly<Record<ReportType, string>> = {
  customerExecutiveSummary: 'Customer Executive Summary',
  mspExecutiveSummary: 'MSP Executive Summary',
  serviceUtilizationBilling: 'Service Utilization and Billing',
  endpointSummary: 'Endpoint Summary',
  productDeploymentSummary: 'Product Deployment Summary',
  virusRiskActivitySummary: 'Virus and Risk Activity Summary',
  intrusionPreventionSummary: 'Intrusion Prevention Summary',
  macComputerSummary: 'Mac Computer Summary',
  computerStatusSummary: 'Computer Status Summary',
  alertHistory: 'Alert History',
  securityAudit: 'Security Audit',
  firewallHistory: 'Firewall History',
  riskDetection: 'Risk Detection',
  securityOverview: 'Security Overview',
};

export function reportTypeTitle(type: string): string {
  return (REPORT_TYPE_TITLES as Record<string, string>)[type] ?? type;
}

/** The formats in the order the wizard and the listing show them. */
export const FORMATS: readonly Format[] = ['pdf', 'html', 'csv', 'xml'];

export const FORMAT_LABELS: Readonly<Record<Format, string>> = {
  pdf: 'PDF',
  html: 'HTML',
  csv: 'CSV',
  xml: 'XML',
};

export function inFormatOrder(formats: readonly Format[]): Format[] {
  return FORMATS.filter((format) => formats.includes(format));
}

export const STATUS_LABELS: Readonly<Record<ReportStatus, string>> = {
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Failed',
};

export const COMPUTER_SCOPE_LABELS: Readonly<Record<ComputerScope, string>> = {
  all: 'All computers',
  active: 'Active computers only',
};

export const REPORT_BY_LABELS: Readonly<Record<ReportBy, string>> = {
  computers: 'Computers',
  groups: 'Groups',
};

/** "Last 7 days", or "1 Mar 2026 to 31 Mar 2026" for whole days. */
export function periodLabel(period: ReportPeriod): string {
  if (period.kind === 'last') return isRange(period.range) ? RANGE_LABELS[period.range] : period.range;
  return `${formatDay(period.from)} to ${formatDay(period.to)}`;
}

/** A day (`YYYY-MM-DD`) in the user's locale, without a time zone shifting it. */
export function formatDay(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? formatDate(`${day}T12:00:00`) : day;
}

/** "2.4 MB", "180 KB", "900 bytes". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
