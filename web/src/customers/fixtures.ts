import type { Catalog, ConsentRequest, CustomerProfile, CustomerRow, EntitlementView, MeResponse } from '../api/client';
import { sampleMe } from '../test/fetchMock';

/** Test data shaped like the API's answers. */

export const exspMe: MeResponse = { ...sampleMe, partner: { ...sampleMe.partner, program: 'exsp', version: 2 } };
export const resellerMe: MeResponse = sampleMe;

export const sampleCatalog: Catalog = {
  products: [
    {
      id: 'endpoint-protection',
      name: 'Endpoint Protection Cloud',
      productType: 'endpoint',
      capacityUnit: 'devices',
      hasTrial: true,
      termMonths: 12,
    },
    {
      id: 'email-security',
      name: 'Email Security.cloud',
      productType: 'email',
      capacityUnit: 'mailboxes',
      hasTrial: true,
      termMonths: 12,
    },
    {
      id: 'web-security',
      name: 'Web Security.cloud',
      productType: 'web',
      capacityUnit: 'users',
      hasTrial: false,
      termMonths: 12,
    },
  ],
  productTypes: ['endpoint', 'email', 'web'],
  trialDays: 60,
  trialSeats: 50,
  maxSeats: 100000,
};

export const sampleRows: CustomerRow[] = [
  {
    id: 'cus_1',
    name: 'Acme Dental',
    country: 'GB',
    management: 'partnerManaged',
    managementLabel: 'Partner Managed',
    products: [
      { product: 'endpoint-protection', name: 'Endpoint Protection Cloud', status: 'paid', capacity: 120 },
      { product: 'email-security', name: 'Email Security.cloud', status: 'trial', capacity: 50 },
    ],
    requireUpdate: 3,
    used: 97,
    capacity: 170,
    compliance: { status: 'cleared' },
    alerts: { error: 2, warning: 1, informational: 4 },
    yourAccess: { level: 'readWrite', mayManage: true, mayRemove: true },
  },
  {
    id: 'cus_2',
    name: 'Bright Bakery',
    country: 'DE',
    management: 'customerManaged',
    managementLabel: 'Customer Managed',
    products: [],
    requireUpdate: 0,
    used: 0,
    capacity: 0,
    compliance: { status: 'pendingReview', reason: 'Customers in DE need a review.' },
    alerts: { error: 0, warning: 0, informational: 1 },
    yourAccess: { level: 'readWrite', mayManage: true, mayRemove: true },
  },
];

/** A customer the user's custom role may only view (Read access). */
export const readOnlyRow: CustomerRow = {
  id: 'cus_3',
  name: 'Cobalt Clinic',
  country: 'FR',
  management: 'coManaged',
  managementLabel: 'Co-Managed',
  products: [{ product: 'endpoint-protection', name: 'Endpoint Protection Cloud', status: 'trial', capacity: 50 }],
  requireUpdate: 0,
  used: 12,
  capacity: 50,
  compliance: { status: 'cleared' },
  alerts: { error: 0, warning: 0, informational: 0 },
  yourAccess: { level: 'read', mayManage: false, mayRemove: false },
};

/** `count` customers named "Customer 001"…, each the user may change. */
export function manyRows(count: number): CustomerRow[] {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(3, '0');
    return { ...sampleRows[1]!, id: `cus_m${number}`, name: `Customer ${number}`, compliance: { status: 'cleared' } };
  });
}

const trial: EntitlementView = {
  id: 'ent_trial',
  customerId: 'cus_1',
  product: 'email-security',
  productName: 'Email Security.cloud',
  capacityUnit: 'mailboxes',
  serial: 'P7K2M9Q4R8T1V6W3X5Y2Z',
  seats: 50,
  termMonths: 12,
  status: 'trial',
  endsAt: '2026-03-01T00:00:00Z',
  beganAsTrial: true,
  createdAt: '2025-12-31T00:00:00Z',
  updatedAt: '2025-12-31T00:00:00Z',
  timeRemaining: { label: '45 days', days: 45 },
};

const paid: EntitlementView = {
  id: 'ent_paid',
  customerId: 'cus_1',
  product: 'endpoint-protection',
  productName: 'Endpoint Protection Cloud',
  capacityUnit: 'devices',
  serial: 'P1234567890ABCDEFGHJK',
  seats: 120,
  termMonths: 12,
  status: 'paid',
  renewsAt: '2026-06-01T00:00:00Z',
  createdAt: '2025-06-01T00:00:00Z',
  updatedAt: '2025-06-01T00:00:00Z',
  timeRemaining: { label: 'Auto-renew' },
};

const cancelled: EntitlementView = {
  id: 'ent_old',
  customerId: 'cus_1',
  product: 'web-security',
  productName: 'Web Security.cloud',
  capacityUnit: 'users',
  serial: 'P0000011111222223333X',
  seats: 10,
  termMonths: 12,
  status: 'cancelled',
  at: '2025-05-01T00:00:00Z',
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-05-01T00:00:00Z',
  timeRemaining: { label: 'Cancelled' },
};

export const sampleEntitlements = { trial, paid, cancelled };

export const pendingManagement: ConsentRequest = {
  id: 'req_mgmt',
  type: 'managementChange',
  management: 'partnerManaged',
  customerId: 'cus_1',
  customerName: 'Acme Dental',
  email: 'it@acme.example',
  requestedAt: '2026-01-10T09:00:00Z',
  requestedBy: 'usr_1',
  updatedAt: '2026-01-10T09:00:00Z',
  expiresAt: '2026-01-17T09:00:00Z',
  sentCount: 1,
  status: 'pending',
};

/** An import the customer has not answered: the partner knows only the email it typed. */
export const pendingImport: ConsentRequest = {
  id: 'req_import',
  type: 'import',
  email: 'admin@cobalt.example',
  requestedAt: '2026-01-12T14:30:00Z',
  requestedBy: 'usr_1',
  updatedAt: '2026-01-12T14:30:00Z',
  expiresAt: '2026-01-19T14:30:00Z',
  sentCount: 2,
  status: 'pending',
};

export const approvedImport: ConsentRequest = {
  ...pendingImport,
  id: 'req_import_old',
  customerId: 'cus_8',
  customerName: 'Delta Dentistry',
  email: 'owner@delta.example',
  requestedAt: '2025-11-01T08:00:00Z',
  updatedAt: '2025-11-02T10:00:00Z',
  expiresAt: '2025-11-08T08:00:00Z',
  sentCount: 1,
  status: 'approved',
};

export function sampleProfile(overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    customer: {
      id: 'cus_1',
      partnerId: 'prt_1',
      company: {
        name: 'Acme Dental',
        address1: '1 High Street',
        address2: 'Suite 4',
        city: 'Leeds',
        state: 'West Yorkshire',
        postalCode: 'LS1 1AA',
        country: 'GB',
        phone: '+44 113 496 0000',
        website: 'https://acme.example',
      },
      contact: {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'it@acme.example',
        phone: '+44 113 496 0001',
        language: 'en',
        timeZone: 'UTC',
        daylightSaving: true,
      },
      management: 'coManaged',
      communications: 'shared',
      compliance: { status: 'cleared' },
      unmanagedMac: 'deny',
      products: [
        { product: 'email-security', status: 'trial', capacity: 50 },
        { product: 'endpoint-protection', status: 'paid', capacity: 120 },
      ],
      requireUpdate: 3,
      seatsUsed: 97,
      createdAt: '2025-06-01T00:00:00Z',
      version: 7,
    },
    managementLabel: 'Co-Managed',
    communicationsLabel: 'Both the customer and I will manage communications',
    partnerMayManage: true,
    entitlements: [trial, paid, cancelled],
    requests: [],
    yourAccess: { level: 'readWrite', mayManage: true, mayRemove: true },
    ...overrides,
  };
}

/** A user whose custom role reaches only some customers and may not add or import them. */
export const customRoleMe: MeResponse = {
  ...sampleMe,
  user: { ...sampleMe.user, id: 'usr_9', email: 'help@example.com', firstName: 'Hal', role: 'rol_1' },
  roleName: 'Help desk',
  can: {
    activateProgram: false,
    addCustomers: false,
    importCustomers: false,
    viewUsers: false,
    manageUsers: false,
    manageRoles: false,
    manageSecurity: false,
    viewAuditTrail: false,
    supportTickets: false,
  },
};

/** The built-in Administrator: everything but users and roles. */
export const administratorMe: MeResponse = {
  ...sampleMe,
  user: { ...sampleMe.user, id: 'usr_2', email: 'grace@example.com', firstName: 'Grace', role: 'administrator' },
  roleName: 'Administrator',
  can: { ...sampleMe.can, manageUsers: false, manageRoles: false, manageSecurity: false },
};
