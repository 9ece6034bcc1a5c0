import { alertKindLabel } from '../alerts/labels';
import type { CustomerIssue, Threat, WidgetId } from './types';

/** The widgets' names, as in the guide's Table 1-1. */
export const WIDGET_TITLES: Record<WidgetId, string> = {
  customerIssues: 'Customer Issues',
  myProfile: 'My Profile',
  quickTasks: 'Quick Tasks',
  productDeployment: 'Product Deployment',
  riskActivity: 'Virus and Risk Activity',
  intrusionPrevention: 'Intrusion Prevention',
  threatsSummary: 'Threats Summary',
  newsAlerts: 'News Alerts',
  endpointProtection: 'Endpoint Protection',
  myProducts: 'My Products',
};

/** The widgets that show the whole partner whatever the Display filter says (the guide's note). */
export const PARTNER_WIDE: ReadonlySet<WidgetId> = new Set<WidgetId>(['customerIssues', 'newsAlerts', 'threatsSummary']);

export type Severity = CustomerIssue['severity'];

/** Most severe first. */
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, informational: 2 };

/** "Unresolved risk (3)": an alert kind of a Customer Issues row and how many are open. */
export function issueLabel(kind: CustomerIssue['issues'][number]['kind'], count: number): string {
  return `${alertKindLabel(kind)} (${count})`;
}

/** ThreatCon levels: 1 normal, 2 elevated, 3 high, 4 extreme. */
export type ThreatLevel = 1 | 2 | 3 | 4;

export const THREAT_LEVEL_NAMES: Record<ThreatLevel, string> = {
  1: 'Normal',
  2: 'Elevated',
  3: 'High',
  4: 'Extreme',
};

/** A level as the API sends it (a number), kept within 1–4. */
export function threatLevel(level: number): ThreatLevel {
  const whole = Math.round(level);
  return whole <= 1 ? 1 : whole >= 4 ? 4 : (whole as ThreatLevel);
}

export const THREAT_SEVERITY_LABELS: Record<Threat['severity'], string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

/** Only web addresses become links; anything else is shown as text. */
export function safeUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}
