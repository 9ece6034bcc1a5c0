import { json } from '../test/fetchMock';
import type {
  CustomerEndpointProtection,
  DeploymentStatistics,
  EndpointStatistics,
  OfflineComputer,
  ProductUsage,
} from '../api/client';

/** Test data shaped like the telemetry API's answers. */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.UTC(2026, 2, 10); // 10 March 2026, 00:00 UTC

export function hourStarts(count = 24): string[] {
  return Array.from({ length: count }, (_, index) => new Date(END - (count - index) * HOUR).toISOString());
}

export function dayStarts(count = 92): string[] {
  return Array.from({ length: count }, (_, index) => new Date(END - (count - index) * DAY).toISOString());
}

export function deploymentSeries(): CustomerEndpointProtection['deployment'] {
  return {
    hourly: hourStarts().map((start, index) => ({ start, installed: index === 23 ? 2 : 0, removed: 0, total: 40 + (index === 23 ? 2 : 0) })),
    daily: dayStarts().map((start, index) => ({ start, installed: 1, removed: index % 10 === 0 ? 1 : 0, total: index })),
  };
}

export const sampleEndpointStatistics: EndpointStatistics = {
  range: '7d',
  from: '2026-03-03T00:00:00Z',
  to: '2026-03-10T00:00:00Z',
  risks: {
    total: 57,
    byAction: { blocked: 40, quarantined: 9, cleaned: 5, unresolved: 3 },
    series: dayStarts(7).map((start, index) => ({
      start,
      blocked: index === 6 ? 10 : 5,
      quarantined: index < 3 ? 3 : 0,
      cleaned: index === 0 ? 5 : 0,
      unresolved: index === 6 ? 3 : 0,
    })),
    top: [
      {
        name: 'W32.Downadup',
        detections: 30,
        customers: 2,
        lastDetected: '2026-03-09T14:00:00Z',
        spread: [
          {
            customerId: 'cus_1',
            name: 'Acme Dental',
            management: 'partnerManaged',
            manageable: true,
            detections: 25,
            lastDetected: '2026-03-09T14:00:00Z',
          },
          {
            customerId: 'cus_2',
            name: 'Bright Bakery',
            management: 'customerManaged',
            manageable: false,
            detections: 5,
            lastDetected: '2026-03-05T08:00:00Z',
          },
        ],
      },
      {
        name: '=HYPERLINK("x")',
        detections: 27,
        customers: 1,
        lastDetected: '2026-03-08T10:00:00Z',
        spread: [
          {
            customerId: 'cus_1',
            name: 'Acme Dental',
            management: 'partnerManaged',
            manageable: true,
            detections: 27,
            lastDetected: '2026-03-08T10:00:00Z',
          },
        ],
      },
    ],
  },
  intrusions: {
    total: 12,
    firewall: 30,
    series: dayStarts(7).map((start, index) => ({ start, intrusions: index === 5 ? 12 : 0, firewall: index === 5 ? 0 : 5 })),
    top: [
      { signature: 'Attack: SMB Double Pulsar Ping', count: 8 },
      { signature: 'Web Attack: Fake Scan, "Tech Support"', count: 4 },
    ],
  },
};

export const sampleDeploymentStatistics: DeploymentStatistics = {
  range: '7d',
  from: '2026-03-03T00:00:00Z',
  to: '2026-03-10T00:00:00Z',
  deployed: {
    total: 142,
    installedInRange: 12,
    removedInRange: 3,
    series: dayStarts(7).map((start, index) => ({ start, installed: index === 2 ? 12 : 0, removed: index === 4 ? 3 : 0, total: 133 + index })),
    byOs: [
      { os: 'windows', count: 100 },
      { os: 'windowsServer', count: 20 },
      { os: 'mac', count: 15 },
      { os: 'linux', count: 7 },
    ],
  },
  offline: { count: 3, since: '2026-03-03T00:00:00Z' },
};

export const emptyDeploymentStatistics: DeploymentStatistics = {
  ...sampleDeploymentStatistics,
  deployed: {
    total: 0,
    installedInRange: 0,
    removedInRange: 0,
    series: dayStarts(7).map((start) => ({ start, installed: 0, removed: 0, total: 0 })),
    byOs: [],
  },
  offline: { count: 0, since: '2026-03-03T00:00:00Z' },
};

export const sampleOffline: OfflineComputer[] = [
  {
    customerId: 'cus_1',
    customerName: 'Acme Dental',
    management: 'partnerManaged',
    manageable: true,
    computerId: 'cmp_1',
    name: 'RECEPTION-PC',
    os: 'Windows 11',
    group: 'Default',
    agentVersion: '22.1.4',
    lastSeen: '2026-02-01T09:00:00Z',
  },
  {
    customerId: 'cus_2',
    customerName: 'Bright Bakery',
    management: 'customerManaged',
    manageable: false,
    computerId: 'cmp_9',
    name: 'TILL-2',
    os: 'Windows 10',
    group: 'Shop',
    agentVersion: '21.9.0',
    lastSeen: '2026-02-20T17:30:00Z',
  },
];

export const moreOffline: OfflineComputer[] = [
  {
    customerId: 'cus_1',
    customerName: 'Acme Dental',
    management: 'partnerManaged',
    manageable: true,
    computerId: 'cmp_4',
    name: 'XRAY-MAC',
    os: 'macOS 14',
    group: 'Imaging',
    agentVersion: '22.1.4',
    lastSeen: '2026-03-01T12:00:00Z',
  },
];

export const sampleUsage: ProductUsage[] = [
  { product: 'endpoint-protection', name: 'Endpoint Protection Cloud', trials: 3, paid: 5, seats: 420 },
  { product: 'email-security', name: 'Email Security.cloud', trials: 1, paid: 0, seats: 0 },
];

export function sampleEndpointProtection(overrides: Partial<CustomerEndpointProtection> = {}): CustomerEndpointProtection {
  return {
    summary: {
      computers: 42,
      protected: 38,
      disabled: 1,
      activated: 40,
      activationRequired: 2,
      agentUpdateRequired: 3,
      definitionUpdateRequired: 4,
      offline: 2,
      mac: 5,
      macUnmanaged: 0,
      intrusions: 12,
      firewall: 30,
      risksBlocked: 120,
      quarantined: 14,
      cleaned: 9,
      unresolved: 1,
      totalDetections: 144,
    },
    deployment: deploymentSeries(),
    ingestion: { keyCreatedAt: '2026-01-05T10:00:00Z', lastReportAt: '2026-03-09T23:55:00Z' },
    ...overrides,
  };
}

/** The profile's Endpoint Protection request, for tests of the profile about other things. */
export const endpointProtectionRoute = {
  'GET /api/v1/customers/cus_1/endpoint-protection': () => json(200, sampleEndpointProtection()),
} as const;
