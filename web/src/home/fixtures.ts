import type { Dashboard, DashboardLayout, NewsItem } from './types';

type EndpointSummary = Dashboard['endpointProtection'];

/** Test data shaped like the dashboard API's answers. */

const GENERATED_AT = '2025-03-02T10:30:00Z';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** 24 hourly points ending with the current hour and 92 daily points ending today (UTC). */
export function makeSeries<T>(
  hourly: (index: number) => T,
  daily: (index: number) => T,
): { hourly: Array<{ start: string } & T>; daily: Array<{ start: string } & T> } {
  const thisHour = Date.parse('2025-03-02T10:00:00Z');
  const today = Date.parse('2025-03-02T00:00:00Z');
  return {
    hourly: Array.from({ length: 24 }, (_, index) => ({
      start: new Date(thisHour - (23 - index) * HOUR_MS).toISOString().replace('.000Z', 'Z'),
      ...hourly(index),
    })),
    daily: Array.from({ length: 92 }, (_, index) => ({
      start: new Date(today - (91 - index) * DAY_MS).toISOString().replace('.000Z', 'Z'),
      ...daily(index),
    })),
  };
}

/**
 * Deployment: one computer installed every hour and two every day, one removed every
 * tenth day; totals grow to 180 computers today. Installed in the last 24 hours: 24;
 * 7 days: 14; 30 days: 60; 3 months: 184.
 */
export const sampleDeployment: Dashboard['deployment'] = makeSeries(
  (index) => ({ installed: 1, removed: 0, total: 156 + index + 1 }),
  (index) => ({ installed: 2, removed: index % 10 === 0 ? 1 : 0, total: 180 - (91 - index) }),
);

/** Risks: blocked 3 an hour and 5 a day (24 h: 72; 7 d: 35; 30 d: 150; 3 m: 460); one unresolved a week. */
export const sampleRiskActivity: Dashboard['riskActivity'] = makeSeries(
  (index) => ({ blocked: 3, quarantined: index % 2, cleaned: 1, unresolved: 0 }),
  (index) => ({ blocked: 5, quarantined: 2, cleaned: 1, unresolved: index % 7 === 0 ? 1 : 0 }),
);

/** Intrusions: 2 an hour (24 h: 48) and 4 a day (7 d: 28; 30 d: 120; 3 m: 368); firewall 1 a day. */
export const sampleIntrusions: Dashboard['intrusionPrevention'] = makeSeries(
  () => ({ intrusions: 2, firewall: 0 }),
  () => ({ intrusions: 4, firewall: 1 }),
);

export const sampleEndpoint: EndpointSummary = {
  computers: 180,
  protected: 171,
  disabled: 2,
  activated: 176,
  activationRequired: 4,
  agentUpdateRequired: 7,
  definitionUpdateRequired: 5,
  offline: 3,
  mac: 12,
  macUnmanaged: 1,
  intrusions: 2460,
  firewall: 310,
  risksBlocked: 1240,
  quarantined: 312,
  cleaned: 95,
  unresolved: 6,
  totalDetections: 1653,
};

export const sampleNews: NewsItem[] = [
  {
    id: 'news_3',
    title: 'Agent 14.3 released',
    summary: 'The new agent starts faster and uses less memory.',
    body: 'The new agent starts faster and uses less memory.\n\nComputers update on their next check-in.',
    url: 'https://news.example.com/agent-14-3',
    publishedAt: '2025-03-01T09:00:00Z',
  },
  {
    id: 'news_2',
    title: 'Maintenance on Sunday',
    summary: 'The console is read-only for an hour on Sunday from 02:00 UTC.',
    body: 'The console is read-only for an hour on Sunday from 02:00 UTC.',
    url: null,
    publishedAt: '2025-02-20T12:00:00Z',
  },
  {
    id: 'news_1',
    title: 'Welcome to the Partner Console',
    summary: 'Your partner account is ready.',
    body: 'Your partner account is ready.',
    url: null,
    publishedAt: '2025-01-15T10:00:00Z',
  },
];

export const sampleDashboard: Dashboard = {
  generatedAt: GENERATED_AT,
  customer: null,
  profile: {
    partnerName: 'Analytical Engines Ltd',
    memberSince: '2025-01-15T10:00:00Z',
    totalInstalled: 180,
    customers: { total: 8, partnerManaged: 3, customerManaged: 2, coManaged: 3 },
    licenses: { paid: 5, trial: 4 },
  },
  deployment: sampleDeployment,
  riskActivity: sampleRiskActivity,
  intrusionPrevention: sampleIntrusions,
  endpointProtection: sampleEndpoint,
  myProducts: [
    { product: 'endpoint-protection', name: 'Endpoint Protection Cloud', trials: 3, paid: 4, seats: 220 },
    { product: 'email-security', name: 'Email Security.cloud', trials: 1, paid: 1, seats: 25 },
  ],
  // Customers with open alerts, counted by alert kind.
  customerIssues: [
    {
      customerId: 'cus_2',
      name: 'Babbage Bakery',
      management: 'coManaged',
      severity: 'warning',
      issues: [{ kind: 'agentUpdateRequired', count: 2 }],
      lastIssueAt: '2025-03-02T08:00:00Z',
    },
    {
      customerId: 'cus_1',
      name: 'Acme Dental',
      management: 'partnerManaged',
      severity: 'error',
      issues: [
        { kind: 'unresolvedRisk', count: 3 },
        { kind: 'computerOffline', count: 1 },
      ],
      lastIssueAt: '2025-02-25T14:00:00Z',
    },
    {
      customerId: 'cus_3',
      name: 'Curie Clinic',
      management: 'customerManaged',
      severity: 'informational',
      issues: [{ kind: 'consentApproved', count: 1 }],
      lastIssueAt: '2025-01-30T09:00:00Z',
    },
  ],
  threats: {
    level: 2,
    title: 'Elevated: a worm spreads through shared drives',
    description: 'A new worm copies itself to writable network shares.',
    updatedAt: '2025-03-01T06:00:00Z',
    latest: [
      { name: 'W32.Sharecrawl', type: 'Worm', severity: 'high', protected: true, url: 'https://threats.example.com/w32-sharecrawl' },
      { name: 'Trojan.Invoicer', type: 'Trojan', severity: 'medium', protected: false, url: 'https://threats.example.com/trojan-invoicer' },
    ],
  },
  news: sampleNews.slice(0, 2),
  offlineComputers: 3,
};

/** The dashboard filtered by Acme Dental: its own computers, products and figures; the partner-wide parts unchanged. */
export const acmeDashboard: Dashboard = {
  ...sampleDashboard,
  customer: {
    id: 'cus_1',
    name: 'Acme Dental',
    management: 'partnerManaged',
    createdAt: '2025-02-01T10:00:00Z',
    products: [
      { product: 'endpoint-protection', status: 'paid', capacity: 50 },
      { product: 'email-security', status: 'trial', capacity: 25 },
    ],
    seatsUsed: 41,
    requireUpdate: 2,
  },
  deployment: makeSeries(
    () => ({ installed: 0, removed: 0, total: 41 }),
    (index) => ({ installed: index === 91 ? 1 : 0, removed: 0, total: 41 }),
  ),
  riskActivity: makeSeries(
    () => ({ blocked: 1, quarantined: 0, cleaned: 0, unresolved: 0 }),
    () => ({ blocked: 1, quarantined: 0, cleaned: 0, unresolved: 0 }),
  ),
  intrusionPrevention: makeSeries(
    () => ({ intrusions: 0, firewall: 0 }),
    () => ({ intrusions: 1, firewall: 0 }),
  ),
  endpointProtection: {
    ...sampleEndpoint,
    computers: 41,
    protected: 38,
    disabled: 0,
    activated: 41,
    activationRequired: 0,
    agentUpdateRequired: 2,
    definitionUpdateRequired: 1,
    offline: 1,
    mac: 3,
    risksBlocked: 77,
    quarantined: 12,
    cleaned: 4,
    unresolved: 3,
    totalDetections: 96,
  },
  myProducts: [{ product: 'endpoint-protection', name: 'Endpoint Protection Cloud', trials: 0, paid: 1, seats: 50 }],
  offlineComputers: 1,
};

const zeroSeries = <T,>(point: T) => makeSeries(() => point, () => point);

/** A partner whose computers never reported and who has no customers, news or threat level yet. */
export const emptyDashboard: Dashboard = {
  generatedAt: GENERATED_AT,
  customer: null,
  profile: {
    partnerName: 'Analytical Engines Ltd',
    memberSince: '2025-01-15T10:00:00Z',
    totalInstalled: 0,
    customers: { total: 0, partnerManaged: 0, customerManaged: 0, coManaged: 0 },
    licenses: { paid: 0, trial: 0 },
  },
  deployment: zeroSeries({ installed: 0, removed: 0, total: 0 }),
  riskActivity: zeroSeries({ blocked: 0, quarantined: 0, cleaned: 0, unresolved: 0 }),
  intrusionPrevention: zeroSeries({ intrusions: 0, firewall: 0 }),
  endpointProtection: {
    computers: 0,
    protected: 0,
    disabled: 0,
    activated: 0,
    activationRequired: 0,
    agentUpdateRequired: 0,
    definitionUpdateRequired: 0,
    offline: 0,
    mac: 0,
    macUnmanaged: 0,
    intrusions: 0,
    firewall: 0,
    risksBlocked: 0,
    quarantined: 0,
    cleaned: 0,
    unresolved: 0,
    totalDetections: 0,
  },
  myProducts: [],
  customerIssues: [],
  threats: null,
  news: [],
  offlineComputers: 0,
};

export const defaultLayoutAnswer: DashboardLayout = {
  widgets: [
    'customerIssues',
    'myProfile',
    'quickTasks',
    'productDeployment',
    'riskActivity',
    'intrusionPrevention',
    'threatsSummary',
    'newsAlerts',
    'endpointProtection',
    'myProducts',
  ],
  hidden: [],
};
