import {
  api,
  type ApiClientView,
  type AuditPage,
  type AuditQuery,
  type CompanySettings,
  type CompanyView,
  type ContactRequest,
  type CustomerListPage,
  type CustomerListQuery,
  type CustomerRow,
  type InvitationAccepted,
  type InvitationInfo,
  type NewApiClient,
  type NewApiClientRequest,
  type NewUserRequest,
  type RoleUpdate,
  type RoleView,
  type SecuritySettings,
  type UserListPage,
  type UserListQuery,
  type UserUpdateRequest,
  type UserView,
} from '../api/client';
import { authorizedResult, type ApiResult } from '../auth/session';
import { answered, jsonOnly, type Answer } from '../customers/api';
import { publicResult } from '../portal/portalApi';

/** Rows per page of the Users table and of the Security Audit. */
export const USERS_PAGE_SIZE = 25;
export const AUDIT_PAGE_SIZE = 25;
/** The API's largest page, for lists loaded whole (the users and customers to choose from). */
export const FULL_PAGE = 100;

export const USERS_CSV_FILENAME = 'users.csv';
export const AUDIT_CSV_FILENAME = 'security-audit.csv';

/** The version a user or role answer is sent back with as `If-Match`. */
export function versionTag(version: number): string {
  return `"${version}"`;
}

/** A user as loaded for editing, with the `ETag` to send back. */
export interface UserAnswer {
  user: UserView;
  etag: string;
}

/** My Company as loaded for editing, with the `ETag` to send back. */
export interface CompanyAnswer {
  company: CompanyView;
  etag: string;
}

/** A role as loaded for editing, with the `ETag` to send back. */
export interface RoleAnswer {
  role: RoleView;
  etag: string;
}

function unexpected(status: number, what: string): ApiResult<never> {
  return {
    ok: false,
    problem: { type: 'about:blank', title: 'Unexpected answer', status, detail: `The server sent no ${what}.` },
  };
}

function withTag<T extends { version: number }, K extends string>(
  result: ApiResult<Answer<T | null>>,
  key: K,
  what: string,
): ApiResult<Record<K, T> & { etag: string }> {
  if (!result.ok) return result;
  const { data, status, etag } = result.data;
  if (data === null) return unexpected(status, what);
  return { ok: true, data: { [key]: data, etag: etag ?? versionTag(data.version) } as Record<K, T> & { etag: string } };
}

function userAnswer(result: ApiResult<Answer<UserView | null>>): ApiResult<UserAnswer> {
  return withTag(result, 'user', 'user');
}

function roleAnswer(result: ApiResult<Answer<RoleView | null>>): ApiResult<RoleAnswer> {
  return withTag(result, 'role', 'role');
}

function nothing(result: ApiResult<unknown>): ApiResult<null> {
  return result.ok ? { ok: true, data: null } : result;
}

// Users

/** One page of the partner's users, oldest first; `cursor` is the previous page's `nextCursor`. */
export async function fetchUsers(cursor?: string, limit = USERS_PAGE_SIZE): Promise<ApiResult<UserListPage>> {
  const query: UserListQuery = { limit };
  if (cursor !== undefined) query.cursor = cursor;
  return jsonOnly(await authorizedResult((headers) => api.GET('/api/v1/users', { params: { query }, headers })));
}

/** Every user, page by page (for the user choosers of a role and of the Security Audit). */
export async function fetchAllUsers(): Promise<ApiResult<UserView[]>> {
  const users: UserView[] = [];
  let cursor: string | undefined;
  do {
    const result = await fetchUsers(cursor, FULL_PAGE);
    if (!result.ok) return result;
    users.push(...result.data.items);
    cursor = result.data.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { ok: true, data: users };
}

export function fetchUsersCsv(): Promise<ApiResult<Blob>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/users', {
      params: { query: { format: 'csv' } },
      headers: { ...headers, Accept: 'text/csv' },
      parseAs: 'blob',
    }),
  );
}

/** Add User: the user is created as invited and receives the invitation email. */
export function addUser(body: NewUserRequest, idempotencyKey: string): Promise<ApiResult<UserView>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/users', { body, params: { header: { 'Idempotency-Key': idempotencyKey } }, headers }),
  );
}

export async function fetchUser(userId: string): Promise<ApiResult<UserAnswer>> {
  return userAnswer(
    await answered((headers) => api.GET('/api/v1/users/{userId}', { params: { path: { userId } }, headers })),
  );
}

/** Changes names, role or status; only the fields given are sent. */
export async function updateUser(
  userId: string,
  etag: string,
  body: UserUpdateRequest,
): Promise<ApiResult<UserAnswer>> {
  return userAnswer(
    await answered((headers) =>
      api.PATCH('/api/v1/users/{userId}', {
        params: { path: { userId }, header: { 'If-Match': etag } },
        body,
        headers,
      }),
    ),
  );
}

export async function removeUser(userId: string, etag: string): Promise<ApiResult<null>> {
  return nothing(
    await answered((headers) =>
      api.DELETE('/api/v1/users/{userId}', { params: { path: { userId }, header: { 'If-Match': etag } }, headers }),
    ),
  );
}

/** Sends an invited user a new invitation; the earlier link stops working. */
export async function resendInvitation(userId: string): Promise<ApiResult<null>> {
  return nothing(
    await answered((headers) =>
      api.POST('/api/v1/users/{userId}/invitation', { params: { path: { userId } }, headers }),
    ),
  );
}

export async function addContact(userId: string, etag: string, body: ContactRequest): Promise<ApiResult<UserAnswer>> {
  return userAnswer(
    await answered((headers) =>
      api.POST('/api/v1/users/{userId}/contacts', {
        params: { path: { userId }, header: { 'If-Match': etag } },
        body,
        headers,
      }),
    ),
  );
}

export async function updateContact(
  userId: string,
  contactId: string,
  etag: string,
  body: ContactRequest,
): Promise<ApiResult<UserAnswer>> {
  return userAnswer(
    await answered((headers) =>
      api.PUT('/api/v1/users/{userId}/contacts/{contactId}', {
        params: { path: { userId, contactId }, header: { 'If-Match': etag } },
        body,
        headers,
      }),
    ),
  );
}

export async function removeContact(userId: string, contactId: string, etag: string): Promise<ApiResult<UserAnswer>> {
  return userAnswer(
    await answered((headers) =>
      api.DELETE('/api/v1/users/{userId}/contacts/{contactId}', {
        params: { path: { userId, contactId }, header: { 'If-Match': etag } },
        headers,
      }),
    ),
  );
}

/**
 * Lifts an address's mail suppression (it bounced or marked mail as spam) once the
 * mailbox is fixed: the partner's mail goes to it again. 404 when it is not suppressed.
 */
export async function liftMailSuppression(email: string): Promise<ApiResult<null>> {
  return nothing(
    await answered((headers) =>
      api.DELETE('/api/v1/mail-suppressions/{email}', { params: { path: { email } }, headers }),
    ),
  );
}

/** Turns another user's two-step verification off (a lost phone); 409 for one's own. */
export async function resetUserMfa(userId: string): Promise<ApiResult<null>> {
  return nothing(
    await answered((headers) => api.POST('/api/v1/users/{userId}/mfa/reset', { params: { path: { userId } }, headers })),
  );
}

// Roles

/** The built-in roles first, then the partner's custom roles. */
export function fetchRoles(): Promise<ApiResult<RoleView[]>> {
  return authorizedResult((headers) => api.GET('/api/v1/roles', { headers }));
}

/** Add Role: a custom role with the guide's defaults (Read/Write on all customers). */
export function createRole(name: string, idempotencyKey: string): Promise<ApiResult<RoleView>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/roles', {
      body: { name },
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      headers,
    }),
  );
}

export async function fetchRole(roleId: string): Promise<ApiResult<RoleAnswer>> {
  return roleAnswer(
    await answered((headers) => api.GET('/api/v1/roles/{roleId}', { params: { path: { roleId } }, headers })),
  );
}

export async function saveRole(roleId: string, etag: string, body: RoleUpdate): Promise<ApiResult<RoleAnswer>> {
  return roleAnswer(
    await answered((headers) =>
      api.PUT('/api/v1/roles/{roleId}', {
        params: { path: { roleId }, header: { 'If-Match': etag } },
        body,
        headers,
      }),
    ),
  );
}

/** Deletes a custom role; its users, if any, move to `reassignTo`. */
export async function deleteRole(roleId: string, reassignTo?: string): Promise<ApiResult<null>> {
  const query = reassignTo === undefined ? {} : { reassignTo };
  return nothing(
    await answered((headers) =>
      api.DELETE('/api/v1/roles/{roleId}', { params: { path: { roleId }, query }, headers }),
    ),
  );
}

// Security

/** Requires two-step verification of every user, or stops requiring it (409 `own-mfa-first`). */
export function updateSecurity(body: SecuritySettings): Promise<ApiResult<SecuritySettings>> {
  return authorizedResult((headers) => api.PUT('/api/v1/security', { body, headers }));
}

/** Turning the requirement on needs two-step verification on one's own user first. */
export const OWN_MFA_FIRST = '/problems/own-mfa-first';

// API clients

/** The partner's API clients (scripts and PSA tools with a client id and secret). */
export function fetchApiClients(): Promise<ApiResult<ApiClientView[]>> {
  return authorizedResult((headers) => api.GET('/api/v1/api-clients', { headers }));
}

/** A new client with a role; the answer carries its secret, shown only this once. */
export function createApiClient(body: NewApiClientRequest): Promise<ApiResult<NewApiClient>> {
  return authorizedResult((headers) => api.POST('/api/v1/api-clients', { body, headers }));
}

/** Revokes a client: its secret and tokens stop working at their next request. */
export async function revokeApiClient(clientId: string): Promise<ApiResult<null>> {
  return nothing(
    await answered((headers) =>
      api.DELETE('/api/v1/api-clients/{clientId}', { params: { path: { clientId } }, headers }),
    ),
  );
}

// Customers to choose from

/** One page of the partner's customers (as many as the API gives at once), by name. */
async function fetchCustomerPage(cursor?: string): Promise<ApiResult<CustomerListPage>> {
  const query: CustomerListQuery = { limit: FULL_PAGE };
  if (cursor !== undefined) query.cursor = cursor;
  return jsonOnly(await authorizedResult((headers) => api.GET('/api/v1/customers', { params: { query }, headers })));
}

/**
 * Every customer the signed-in user sees, page by page; `onPage` receives the rows
 * loaded so far after each page, so a chooser fills while the rest is loading.
 */
export async function fetchAllCustomers(
  onPage: (rows: CustomerRow[]) => void,
  isActive: () => boolean = () => true,
): Promise<ApiResult<CustomerRow[]>> {
  const rows: CustomerRow[] = [];
  let cursor: string | undefined;
  do {
    const result = await fetchCustomerPage(cursor);
    if (!result.ok) return result;
    if (!isActive()) return { ok: true, data: rows };
    rows.push(...result.data.items);
    onPage([...rows]);
    cursor = result.data.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { ok: true, data: rows };
}

// Security Audit

/** The Security Audit's filters as the page holds them; empty means any. */
export interface AuditFilters {
  user: string;
  action: string;
  customer: string;
  /** A day (`YYYY-MM-DD`), from its start in the user's time zone. */
  from: string;
  /** A day (`YYYY-MM-DD`), to its end in the user's time zone. */
  to: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = { user: '', action: '', customer: '', from: '', to: '' };

/** The start (or, with `endOfDay`, the last millisecond) of a local day as an RFC 3339 time. */
export function dayBoundary(day: string, endOfDay: boolean): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const [, year, month, date] = match.map(Number) as [number, number, number, number];
  const time = endOfDay
    ? new Date(year, month - 1, date, 23, 59, 59, 999)
    : new Date(year, month - 1, date, 0, 0, 0, 0);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

export function auditQuery(filters: AuditFilters): AuditQuery {
  const query: AuditQuery = {};
  if (filters.user !== '') query.user = filters.user;
  if (filters.action !== '') query.action = filters.action as NonNullable<AuditQuery['action']>;
  if (filters.customer !== '') query.customer = filters.customer;
  const from = dayBoundary(filters.from, false);
  if (from !== undefined) query.from = from;
  const to = dayBoundary(filters.to, true);
  if (to !== undefined) query.to = to;
  return query;
}

/** One page of matching records, newest first. */
export async function fetchAudit(filters: AuditFilters, cursor?: string): Promise<ApiResult<AuditPage>> {
  const query: AuditQuery = { ...auditQuery(filters), limit: AUDIT_PAGE_SIZE };
  if (cursor !== undefined) query.cursor = cursor;
  return jsonOnly(await authorizedResult((headers) => api.GET('/api/v1/audit', { params: { query }, headers })));
}

/** Every matching record (up to the API's export limit) as CSV. */
export function fetchAuditCsv(filters: AuditFilters): Promise<ApiResult<Blob>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/audit', {
      params: { query: { ...auditQuery(filters), format: 'csv' } },
      headers: { ...headers, Accept: 'text/csv' },
      parseAs: 'blob',
    }),
  );
}

// Invitations (no sign-in)

/** Whose invitation a link is (404 not a link, 410 accepted, replaced or expired). */
export function inspectInvitation(token: string): Promise<ApiResult<InvitationInfo>> {
  return publicResult(() => api.POST('/api/v1/invitations/inspect', { body: { token } }));
}

/** Accepts the invitation with the chosen password; the answer names the login. */
export function acceptInvitation(token: string, password: string): Promise<ApiResult<InvitationAccepted>> {
  return publicResult(() => api.POST('/api/v1/invitations/accept', { body: { token, password } }));
}

// My Company

export async function fetchCompany(): Promise<ApiResult<CompanyAnswer>> {
  return withTag(await answered((headers) => api.GET('/api/v1/company', { headers })), 'company', 'company');
}

/** Saves the support information and the emails' language onto the version loaded (412 when stale). */
export async function saveCompany(etag: string, body: CompanySettings): Promise<ApiResult<CompanyAnswer>> {
  return withTag(
    await answered((headers) =>
      api.PUT('/api/v1/company', { params: { header: { 'If-Match': etag } }, body, headers }),
    ),
    'company',
    'company',
  );
}
