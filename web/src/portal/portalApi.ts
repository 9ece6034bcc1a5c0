import { api } from '../api/client';
import { networkProblem, toProblem } from '../api/problem';
import type { paths } from '../api/schema';
import { authorizedResult, type ApiResult } from '../auth/session';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type LinkInfo = Json<paths['/api/v1/links/inspect']['post']['responses'][200]>;
export type PasswordSet = Json<paths['/api/v1/welcome/set-password']['post']['responses'][200]>;
export type ConsentRequest = Json<paths['/api/v1/consent/{requestId}/approve']['post']['responses'][200]>;
export type PortalAccount = Json<paths['/api/v1/portal']['get']['responses'][200]>;
export type MacAccess = PortalAccount['customer']['unmanagedMac'];

/** The header carrying a "Manage customer" session's secret. */
export const DELEGATION_HEADER = 'X-Delegation';

/** A request that needs no sign-in, as a result instead of a throw. */
export async function publicResult<T>(
  request: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<ApiResult<T>> {
  try {
    const { data, error, response } = await request();
    if (response.ok && data !== undefined) return { ok: true, data };
    return { ok: false, problem: toProblem(error, response) };
  } catch {
    return { ok: false, problem: networkProblem() };
  }
}

/** What a welcome or consent link is for (404 unknown, 410 used or expired). */
export function inspectLink(token: string): Promise<ApiResult<LinkInfo>> {
  return publicResult(() => api.POST('/api/v1/links/inspect', { body: { token } }));
}

/** The welcome link's page: the customer admin's first password. */
export function setPassword(token: string, password: string): Promise<ApiResult<PasswordSet>> {
  return publicResult(() => api.POST('/api/v1/welcome/set-password', { body: { token, password } }));
}

/**
 * Approves or denies a partner's request as the signed-in customer admin: with the
 * email link's secret, or from the portal without it.
 */
export function answerRequest(
  requestId: string,
  approve: boolean,
  token?: string,
): Promise<ApiResult<ConsentRequest>> {
  const body = token === undefined ? {} : { token };
  const params = { path: { requestId } };
  return authorizedResult((headers) =>
    approve
      ? api.POST('/api/v1/consent/{requestId}/approve', { params, body, headers })
      : api.POST('/api/v1/consent/{requestId}/deny', { params, body, headers }),
  );
}

function delegationHeaders(headers: { Authorization: string }, delegation?: string) {
  return delegation === undefined ? headers : { ...headers, [DELEGATION_HEADER]: delegation };
}

/** The customer portal: the admin's own account, or a partner's Manage customer session. */
export function fetchPortal(delegation?: string): Promise<ApiResult<PortalAccount>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/portal', { headers: delegationHeaders(headers, delegation) }),
  );
}

export function updateMacAccess(unmanagedMac: MacAccess, delegation?: string): Promise<ApiResult<PortalAccount>> {
  return authorizedResult((headers) =>
    api.PATCH('/api/v1/portal/settings', {
      body: { unmanagedMac },
      headers: delegationHeaders(headers, delegation),
    }),
  );
}

/** A value from the URL fragment (`#token=…`): link secrets never travel to a server. */
export function fragmentValue(hash: string, name: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const value = params.get(name);
  return value === null || value.trim() === '' ? null : value.trim();
}

export const MANAGEMENT_LABELS: Record<string, string> = {
  customerManaged: 'Customer Managed',
  partnerManaged: 'Partner Managed',
  coManaged: 'Co-Managed',
};

export function describeRequest(request: ConsentRequest): string {
  if (request.type === 'import') {
    return `${request.partnerName} asks to add ${request.customerName} to its customer list. It can then see your endpoint protection and offer you products; it does not take over your account.`;
  }
  const label = request.management ? MANAGEMENT_LABELS[request.management] ?? request.management : 'another type';
  const extra =
    request.management === 'partnerManaged'
      ? ' You will no longer sign in to your account yourself: your partner manages it for you.'
      : '';
  return `${request.partnerName} asks to change ${request.customerName} to ${label}, signing in to your account with full administrative rights.${extra}`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : timeFormat.format(date);
}
