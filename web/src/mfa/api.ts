import { api, type MfaSetup } from '../api/client';
import { authorizedResult, type ApiResult } from '../auth/session';
import { answered } from '../customers/api';

/**
 * Two-step verification of the signed-in user (TOTP): the identity provider holds the
 * secret and checks every code. These calls are open to a user whose partner requires it
 * before anything else.
 */

/** A new secret for the authenticator app; it counts once a code from the app confirms it. */
export function startMfaSetup(): Promise<ApiResult<MfaSetup>> {
  return authorizedResult((headers) => api.POST('/api/v1/me/mfa/setup', { headers }));
}

/** Confirms the setup with the app's current code (422 on `code` when it is not the current one). */
export async function verifyMfa(code: string): Promise<ApiResult<null>> {
  const result = await answered((headers) => api.POST('/api/v1/me/mfa/verify', { body: { code }, headers }));
  return result.ok ? { ok: true, data: null } : result;
}

/** Turns it off; 409 while the partner requires it. */
export async function turnOffMfa(): Promise<ApiResult<null>> {
  const result = await answered((headers) => api.DELETE('/api/v1/me/mfa', { headers }));
  return result.ok ? { ok: true, data: null } : result;
}

/** The partner requires two-step verification, so it cannot be turned off (409 from `DELETE /me/mfa`). */
export const MFA_REQUIRED_BY_PARTNER = '/problems/mfa-required-by-partner';

/** A base32 key in groups of four, for typing it into an app ("JBSW Y3DP EHPK 3PXP"). */
export function groupKey(secret: string): string {
  return (secret.replace(/[\s=]/g, '').toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}
