import {
  api,
  type AddCustomerRequest,
  type Catalog,
  type Communications,
  type ConsentRequest,
  type ConsentRequestPage,
  type ConsentRequestQuery,
  type ConvertRequest,
  type CustomerListPage,
  type CustomerListQuery,
  type CustomerProfile,
  type Delegation,
  type MacAccess,
  type ManagementType,
  type ProductRequest,
} from '../api/client';
import { parseRetryAfter, toProblem } from '../api/problem';
import { authorized, authorizedResult, type ApiResult } from '../auth/session';
import { tokenStore } from '../auth/tokenStore';
import type { CustomerAlertsFilter } from '../alerts/types';

/** Rows per page of the Customers list and of each request table. */
export const CUSTOMERS_PAGE_SIZE = 25;
export const REQUESTS_PAGE_SIZE = 25;

export const CUSTOMERS_CSV_FILENAME = 'customers.csv';

/** A successful answer with what the page needs from the response besides the body. */
export interface Answer<T> {
  data: T;
  status: number;
  /** The `ETag` header, when the answer carries one. */
  etag: string | null;
}

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Like `authorizedResult`, but keeps the status and the `ETag` of a successful
 * answer (the profile's version, and 200 versus 202 on a management change).
 * An answer without a body (204) succeeds with `null`.
 */
export async function answered<T>(
  request: (headers: { Authorization: string }) => Promise<Outcome<T>>,
): Promise<ApiResult<Answer<T | null>>> {
  const outcome = await authorized(request);
  if ('ok' in outcome) return outcome;
  const { response } = outcome;
  if (response.ok) {
    return {
      ok: true,
      data: { data: outcome.data ?? null, status: response.status, etag: response.headers.get('ETag') },
    };
  }
  if (response.status === 401) tokenStore.clear();
  const result: ApiResult<never> = { ok: false, problem: toProblem(outcome.error, response) };
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  if (retryAfter !== undefined) result.retryAfterSeconds = retryAfter;
  return result;
}

/** A profile answer: the profile, and the version to send back as `If-Match`. */
export interface ProfileAnswer {
  profile: CustomerProfile;
  etag: string;
  status: number;
}

/** The server's ETag is the quoted version; the version stands in when a proxy dropped the header. */
function versionTag(profile: CustomerProfile): string {
  return `"${profile.customer.version}"`;
}

async function profileAnswer(
  request: (headers: { Authorization: string }) => Promise<Outcome<CustomerProfile>>,
): Promise<ApiResult<ProfileAnswer>> {
  const result = await answered(request);
  if (!result.ok) return result;
  const { data, status, etag } = result.data;
  if (data === null) {
    return {
      ok: false,
      problem: { type: 'about:blank', title: 'Unexpected answer', status, detail: 'The server sent no customer.' },
    };
  }
  return { ok: true, data: { profile: data, etag: etag ?? versionTag(data), status } };
}

export function fetchCatalog(): Promise<ApiResult<Catalog>> {
  return authorizedResult((headers) => api.GET('/api/v1/catalog', { headers }));
}

/** The Customers list's search, sort and filters, as the page holds them. */
export interface CustomerFilters {
  q: string;
  sort: CustomerSort;
  management: ManagementType[];
  productTypes: string[];
  requireUpdate: boolean;
  /** `error`: customers with an open Error alert; `warning`: with an open Error or Warning alert (Warning+); null: all. */
  alerts: CustomerAlertsFilter | null;
}

export type CustomerSort = 'name' | '-name' | 'type' | '-type';

export const DEFAULT_FILTERS: CustomerFilters = {
  q: '',
  sort: 'name',
  management: [],
  productTypes: [],
  requireUpdate: false,
  alerts: null,
};

/** The query string for the filters: empty categories mean All and are left out. */
export function customerQuery(filters: CustomerFilters): CustomerListQuery {
  const query: CustomerListQuery = {};
  const q = filters.q.trim();
  if (q !== '') query.q = q;
  if (filters.sort !== 'name') query.sort = filters.sort;
  if (filters.management.length > 0) query.management = filters.management.join(',');
  if (filters.productTypes.length > 0) query.productType = filters.productTypes.join(',');
  if (filters.requireUpdate) query.requireUpdate = true;
  if (filters.alerts !== null) query.alerts = filters.alerts;
  return query;
}

/**
 * List endpoints can also answer CSV, so the generated type of a successful answer
 * includes text; a JSON request that gets text back is a failure.
 */
export function jsonOnly<T>(result: ApiResult<T | string>): ApiResult<T> {
  if (!result.ok || typeof result.data !== 'string') return result as ApiResult<T>;
  return {
    ok: false,
    problem: { type: 'about:blank', title: 'Unexpected answer', status: 200, detail: 'The server did not answer JSON.' },
  };
}

/** One page of the filtered customer list; `cursor` is the previous page's `nextCursor`. */
export async function fetchCustomers(filters: CustomerFilters, cursor?: string): Promise<ApiResult<CustomerListPage>> {
  const query: CustomerListQuery = { ...customerQuery(filters), limit: CUSTOMERS_PAGE_SIZE };
  if (cursor !== undefined) query.cursor = cursor;
  return jsonOnly(await authorizedResult((headers) => api.GET('/api/v1/customers', { params: { query }, headers })));
}

/** The whole filtered list as CSV. */
export function fetchCustomersCsv(filters: CustomerFilters): Promise<ApiResult<Blob>> {
  const query: CustomerListQuery = { ...customerQuery(filters), format: 'csv' };
  return authorizedResult((headers) =>
    api.GET('/api/v1/customers', {
      params: { query },
      headers: { ...headers, Accept: 'text/csv' },
      parseAs: 'blob',
    }),
  );
}

/** Adds a customer. `idempotencyKey` stays the same when the same form is sent again. */
export function createCustomer(
  body: AddCustomerRequest,
  idempotencyKey: string,
): Promise<ApiResult<ProfileAnswer>> {
  return profileAnswer((headers) =>
    api.POST('/api/v1/customers', {
      body,
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      headers,
    }),
  );
}

export function importCustomer(email: string, idempotencyKey: string): Promise<ApiResult<ConsentRequest>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/customers/import', {
      body: { email },
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      headers,
    }),
  );
}

export async function fetchConsentRequests(
  filter: Pick<ConsentRequestQuery, 'status' | 'type'>,
  cursor?: string,
): Promise<ApiResult<ConsentRequestPage>> {
  const query: ConsentRequestQuery = { ...filter, limit: REQUESTS_PAGE_SIZE };
  if (cursor !== undefined) query.cursor = cursor;
  return jsonOnly(
    await authorizedResult((headers) => api.GET('/api/v1/consent-requests', { params: { query }, headers })),
  );
}

export function resendConsentRequest(requestId: string): Promise<ApiResult<ConsentRequest>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/consent-requests/{requestId}/resend', { params: { path: { requestId } }, headers }),
  );
}

export function withdrawConsentRequest(requestId: string): Promise<ApiResult<ConsentRequest>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/consent-requests/{requestId}/withdraw', { params: { path: { requestId } }, headers }),
  );
}

export function fetchCustomerProfile(customerId: string): Promise<ApiResult<ProfileAnswer>> {
  return profileAnswer((headers) =>
    api.GET('/api/v1/customers/{customerId}', { params: { path: { customerId } }, headers }),
  );
}

export function addProducts(
  customerId: string,
  etag: string,
  products: ProductRequest[],
): Promise<ApiResult<ProfileAnswer>> {
  return profileAnswer((headers) =>
    api.POST('/api/v1/customers/{customerId}/entitlements', {
      params: { path: { customerId }, header: { 'If-Match': etag } },
      body: { products },
      headers,
    }),
  );
}

export function cancelEntitlement(
  customerId: string,
  entitlementId: string,
  etag: string,
): Promise<ApiResult<ProfileAnswer>> {
  return profileAnswer((headers) =>
    api.POST('/api/v1/customers/{customerId}/entitlements/{entitlementId}/cancel', {
      params: { path: { customerId, entitlementId }, header: { 'If-Match': etag } },
      body: { confirm: true },
      headers,
    }),
  );
}

export function convertTrial(
  customerId: string,
  entitlementId: string,
  etag: string,
  body: ConvertRequest,
): Promise<ApiResult<ProfileAnswer>> {
  return profileAnswer((headers) =>
    api.POST('/api/v1/customers/{customerId}/entitlements/{entitlementId}/convert', {
      params: { path: { customerId, entitlementId }, header: { 'If-Match': etag } },
      body,
      headers,
    }),
  );
}

/** 200: changed at once; 202: sent to the customer for approval. */
export function changeManagement(
  customerId: string,
  etag: string,
  management: ManagementType,
): Promise<ApiResult<ProfileAnswer>> {
  return profileAnswer((headers) =>
    api.POST('/api/v1/customers/{customerId}/management', {
      params: { path: { customerId }, header: { 'If-Match': etag } },
      body: { management },
      headers,
    }),
  );
}

export function updateSettings(
  customerId: string,
  etag: string,
  settings: { communications: Communications } | { unmanagedMac: MacAccess },
): Promise<ApiResult<ProfileAnswer>> {
  return profileAnswer((headers) =>
    api.PATCH('/api/v1/customers/{customerId}/settings', {
      params: { path: { customerId }, header: { 'If-Match': etag } },
      body: settings,
      headers,
    }),
  );
}

export function startManageSession(customerId: string): Promise<ApiResult<Delegation>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/customers/{customerId}/manage', { params: { path: { customerId } }, headers }),
  );
}

/** Sends the welcome email again, with a new link (while the admin has no password). */
export async function resendWelcome(customerId: string): Promise<ApiResult<null>> {
  const result = await answered((headers) =>
    api.POST('/api/v1/customers/{customerId}/welcome', { params: { path: { customerId } }, headers }),
  );
  return result.ok ? { ok: true, data: null } : result;
}

/** The customer's console for a "Manage Customer" session; the token stays out of the server's logs. */
export function manageUrl(delegation: Delegation): string {
  return `/manage/${encodeURIComponent(delegation.customerId)}#delegation=${encodeURIComponent(delegation.token)}`;
}

export async function removeCustomer(customerId: string, etag: string): Promise<ApiResult<null>> {
  const result = await answered((headers) =>
    api.DELETE('/api/v1/customers/{customerId}', {
      params: { path: { customerId }, query: { confirm: true }, header: { 'If-Match': etag } },
      headers,
    }),
  );
  return result.ok ? { ok: true, data: null } : result;
}

/** A new key for an `Idempotency-Key` header. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
