import type { AuditRecord, RoleView, UserView } from '../api/client';
import { json } from '../test/fetchMock';

/** Test data shaped like the API's answers for users, roles and the audit trail. */

export const adaUser: UserView = {
  id: 'usr_1',
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  role: 'partnerAdministrator',
  roleName: 'Partner Administrator',
  status: 'active',
  contacts: [],
  mfa: false,
  createdAt: '2025-01-15T10:00:00Z',
  version: 1,
};

export const graceUser: UserView = {
  id: 'usr_2',
  email: 'grace@example.com',
  firstName: 'Grace',
  lastName: 'Hopper',
  role: 'administrator',
  roleName: 'Administrator',
  status: 'active',
  contacts: [
    { id: 'con_1', type: 'email', address: 'grace.alerts@example.com', primary: true },
    { id: 'con_2', type: 'sms', address: '+447700900123', primary: false },
  ],
  mfa: true,
  createdAt: '2025-02-01T10:00:00Z',
  version: 4,
};

export const halUser: UserView = {
  id: 'usr_3',
  email: 'hal@example.com',
  firstName: 'Hal',
  lastName: 'Abelson',
  role: 'rol_1',
  roleName: 'Help desk',
  status: 'invited',
  contacts: [],
  mfa: false,
  createdAt: '2025-03-01T10:00:00Z',
  version: 1,
};

export const sampleUsers: UserView[] = [adaUser, graceUser, halUser];

const builtIn = {
  builtIn: true,
  access: { all: 'readWrite', readWrite: [], read: [], noAccess: [], defaultLevel: 'readWrite' },
  permissions: { addCustomers: true, importCustomers: true, removeCustomers: true },
  version: 0,
} as const;

export const partnerAdministratorRole: RoleView = {
  ...builtIn,
  id: 'partnerAdministrator',
  name: 'Partner Administrator',
  managesRoles: true,
  access: { ...builtIn.access, readWrite: [], read: [], noAccess: [] },
  userCount: 1,
  users: [{ id: 'usr_1', email: 'ada@example.com', name: 'Ada Lovelace' }],
};

export const administratorRole: RoleView = {
  ...builtIn,
  id: 'administrator',
  name: 'Administrator',
  managesRoles: false,
  access: { ...builtIn.access, readWrite: [], read: [], noAccess: [] },
  userCount: 1,
  users: [{ id: 'usr_2', email: 'grace@example.com', name: 'Grace Hopper' }],
};

/** A custom role: Read/Write on all customers except Bright Bakery (Read) and Cobalt Clinic (No access). */
export const helpDeskRole: RoleView = {
  id: 'rol_1',
  name: 'Help desk',
  builtIn: false,
  managesRoles: false,
  access: { all: 'readWrite', readWrite: [], read: ['cus_2'], noAccess: ['cus_3'], defaultLevel: 'readWrite' },
  permissions: { addCustomers: true, importCustomers: true, removeCustomers: false },
  userCount: 1,
  users: [{ id: 'usr_3', email: 'hal@example.com', name: 'Hal Abelson' }],
  createdAt: '2025-03-01T09:00:00Z',
  version: 3,
};

export const sampleRoles: RoleView[] = [partnerAdministratorRole, administratorRole, helpDeskRole];

/** Customers as the chooser lists them (the Customers list's rows). */
export function customerRow(id: string, name: string) {
  return {
    id,
    name,
    country: 'GB',
    management: 'customerManaged' as const,
    managementLabel: 'Customer Managed',
    products: [],
    requireUpdate: 0,
    used: 0,
    capacity: 0,
    compliance: { status: 'cleared' as const },
  };
}

export const chooserCustomers = [
  customerRow('cus_1', 'Acme Dental'),
  customerRow('cus_2', 'Bright Bakery'),
  customerRow('cus_3', 'Cobalt Clinic'),
  customerRow('cus_4', 'Delta Dentistry'),
];

/** An answer with the resource's version as its ETag, as the API sends users and roles. */
export function tagged<T extends { version: number }>(status: number, body: T): Response {
  return json(status, body, { ETag: `"${body.version}"` });
}

export const auditRecords: AuditRecord[] = [
  {
    id: 'aud_3',
    at: '2026-01-10T12:00:00Z',
    partnerId: 'prt_1',
    actorUserId: 'usr_1',
    actorEmail: 'ada@example.com',
    action: 'role.update',
    target: 'rol_1',
    outcome: 'success',
    sourceIp: '198.51.100.20',
  },
  {
    id: 'aud_2',
    at: '2026-01-10T11:00:00Z',
    partnerId: 'prt_1',
    actorUserId: 'usr_1',
    actorEmail: 'ada@example.com',
    action: 'customer.add',
    target: 'cus_1',
    outcome: 'success',
    sourceIp: '198.51.100.20',
  },
  {
    id: 'aud_1',
    at: '2026-01-10T10:00:00Z',
    partnerId: 'prt_1',
    actorUserId: null,
    actorEmail: 'grace@example.com',
    action: 'auth.signIn',
    outcome: 'failure',
    reason: 'Incorrect password',
    sourceIp: '203.0.113.7',
  },
];
