import { json } from '../test/fetchMock';
import { REPORT_TYPE_TITLES } from './labels';
import type {
  Branding,
  Format,
  Report,
  ReportPage,
  ReportSchedule,
  ReportTemplate,
  ReportType,
  ReportTypeInfo,
  ReportTypeOptions,
} from './types';

/** Test data shaped like the reports API's answers. */

const NONE: ReportTypeOptions = { computers: false, mac: false, reportBy: false, activeUsers: false };
const ALL_FORMATS: Format[] = ['pdf', 'html', 'csv', 'xml'];

function typeInfo(type: ReportType, options: Partial<ReportTypeOptions> = {}, formats: Format[] = ALL_FORMATS): ReportTypeInfo {
  return { type, title: REPORT_TYPE_TITLES[type], options: { ...NONE, ...options }, formats };
}

/** The 14 types with the options and formats the API gives them. */
export const reportTypes: ReportTypeInfo[] = [
  typeInfo('customerExecutiveSummary', {}, ['pdf', 'html']),
  typeInfo('mspExecutiveSummary', {}, ['pdf', 'html']),
  typeInfo('serviceUtilizationBilling'),
  typeInfo('endpointSummary', { computers: true, mac: true, reportBy: true }),
  typeInfo('productDeploymentSummary', { computers: true }),
  typeInfo('virusRiskActivitySummary', { computers: true, reportBy: true }),
  typeInfo('intrusionPreventionSummary', { computers: true, reportBy: true }),
  typeInfo('macComputerSummary'),
  typeInfo('computerStatusSummary', { computers: true, mac: true, reportBy: true }),
  typeInfo('alertHistory'),
  typeInfo('securityAudit', { activeUsers: true }),
  typeInfo('firewallHistory', { computers: true, reportBy: true }),
  typeInfo('riskDetection', { computers: true, reportBy: true }),
  typeInfo('securityOverview', {}, ['pdf', 'html']),
];

export const reportTypesAnswer = () => json(200, { items: reportTypes });

function report(overrides: Partial<Report> & Pick<Report, 'id' | 'name' | 'type' | 'status'>): Report {
  return {
    formats: ['pdf', 'html'],
    options: { period: { kind: 'last', range: '7d' }, customers: ['cus_1'] },
    files: [],
    requestedBy: 'usr_1',
    requestedByName: 'Ada Lovelace',
    requestedAt: '2026-03-09T10:00:00Z',
    expiresAt: '2026-06-07T10:00:00Z',
    ...overrides,
  };
}

export const processingReport = report({
  id: 'rpt_3',
  name: 'March endpoints',
  type: 'endpointSummary',
  status: 'processing',
  formats: ['pdf', 'csv'],
  requestedAt: '2026-03-10T09:00:00Z',
  expiresAt: '2026-06-08T09:00:00Z',
});

export const readyReport = report({
  id: 'rpt_2',
  name: 'Acme quarterly',
  type: 'customerExecutiveSummary',
  status: 'ready',
  files: [
    { format: 'pdf', size: 184_320, pages: 3 },
    { format: 'html', size: 40_960 },
  ],
  finishedAt: '2026-03-09T10:01:00Z',
});

export const failedReport = report({
  id: 'rpt_1',
  name: 'Old firewall history',
  type: 'firewallHistory',
  status: 'failed',
  formats: ['pdf'],
  failure: 'The report took too long to make. Try again.',
  requestedAt: '2026-03-08T08:00:00Z',
  expiresAt: '2026-06-06T08:00:00Z',
});

/** The processing report, once its files are made. */
export const finishedReport: Report = {
  ...processingReport,
  status: 'ready',
  files: [
    { format: 'pdf', size: 90_000, pages: 2 },
    { format: 'csv', size: 2_048 },
  ],
  finishedAt: '2026-03-10T09:00:20Z',
};

export const sampleReports: Report[] = [processingReport, readyReport, failedReport];

export function reportPage(items: Report[], nextCursor: string | null = null): ReportPage {
  return nextCursor === null ? { items } : { items, nextCursor };
}

export const sampleBranding: Branding = {
  headerColour: '#ffffff',
  themeColour: '#1f3a5f',
  version: 3,
};

export const brandingWithLogo: Branding = {
  ...sampleBranding,
  logo: { url: 'https://files.example/logo.png?sig=1', contentType: 'image/png', width: 300, height: 150, size: 4_096 },
  version: 4,
};

/** A branding answer with its version as the `ETag`, as the API sends it. */
export function brandingAnswer(branding: Branding, status = 200) {
  return json(status, branding, { ETag: `"${branding.version}"` });
}

function template(overrides: Partial<ReportTemplate> & Pick<ReportTemplate, 'id' | 'name' | 'type'>): ReportTemplate {
  return {
    formats: ['pdf'],
    options: { period: { kind: 'last', range: '30d' }, customers: ['cus_1'] },
    allCustomers: false,
    automatic: false,
    createdBy: 'usr_1',
    createdByName: 'Ada Lovelace',
    createdAt: '2026-03-01T09:00:00Z',
    updatedAt: '2026-03-01T09:00:00Z',
    version: 1,
    ...overrides,
  };
}

/** A template saved from the wizard: Endpoint Summary of two customers, with its options. */
export const endpointTemplate = template({
  id: 'tpl_1',
  name: 'Monthly endpoints',
  type: 'endpointSummary',
  formats: ['pdf', 'csv'],
  options: {
    period: { kind: 'last', range: '30d' },
    customers: ['cus_2', 'cus_1'],
    computers: 'active',
    includeMac: true,
    reportBy: 'groups',
  },
  firstGeneratedAt: '2026-03-02T08:00:00Z',
  version: 3,
});

/** One of the console's own, over every customer. */
export const automaticTemplate = template({
  id: 'tpl_2',
  name: 'MSP Executive Summary',
  type: 'mspExecutiveSummary',
  formats: ['pdf', 'html'],
  options: { period: { kind: 'last', range: '7d' }, customers: [] },
  allCustomers: true,
  automatic: true,
});

export const sampleTemplates: ReportTemplate[] = [endpointTemplate, automaticTemplate];

/** A template answer with its version as the `ETag`, as the API sends it. */
export function templateAnswer(body: ReportTemplate, status = 200) {
  return json(status, body, { ETag: `"${body.version}"` });
}

export const dailySchedule: ReportSchedule = {
  id: 'sch_1',
  name: 'Endpoints every morning',
  templateId: 'tpl_1',
  templateName: 'Monthly endpoints',
  formats: ['pdf', 'csv'],
  frequency: 'daily',
  hour: 6,
  runs: 'Daily, every day at 06:00 GMT',
  nextRun: '2026-03-11T06:00:00Z',
  state: 'active',
  automatic: false,
  delivery: { users: ['usr_2'], emails: ['owner@acme.example'], attach: true },
  owner: 'usr_1',
  ownerName: 'Ada Lovelace',
  createdAt: '2026-03-01T09:00:00Z',
  updatedAt: '2026-03-01T09:00:00Z',
  version: 2,
};

export const deletingSchedule: ReportSchedule = {
  ...dailySchedule,
  id: 'sch_2',
  name: 'Weekly summary',
  templateId: 'tpl_2',
  templateName: 'MSP Executive Summary',
  formats: ['pdf', 'html'],
  frequency: 'weekly',
  runs: 'Weekly, Mondays at 06:00 GMT',
  state: 'deleting',
  automatic: true,
  nextRun: null,
  delivery: { users: [], emails: [], attach: false },
  version: 5,
};

export const sampleSchedules: ReportSchedule[] = [dailySchedule, deletingSchedule];

export function scheduleAnswer(body: ReportSchedule, status = 200) {
  return json(status, body, { ETag: `"${body.version}"` });
}
