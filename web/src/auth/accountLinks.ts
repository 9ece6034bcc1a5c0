import { api } from '../api/client';
import type { paths } from '../api/schema';
import { publicResult } from '../portal/portalApi';
import { authorizedResult, type ApiResult } from './session';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type ResetRequested = Json<paths['/api/v1/auth/password/forgot']['post']['responses'][202]>;
export type ResetLink = Json<paths['/api/v1/auth/password/reset']['post']['responses'][200]>;
export type EmailConfirmed = Json<paths['/api/v1/auth/verify-email']['post']['responses'][200]>;
export type VerificationSent = Json<paths['/api/v1/me/verification-email']['post']['responses'][202]>;

/** "Forgot password?": the answer is the same whatever the email. */
export function forgotPassword(email: string): Promise<ApiResult<ResetRequested>> {
  return publicResult(() => api.POST('/api/v1/auth/password/forgot', { body: { email } }));
}

/** Which login a reset link is for (404 not a link; 410 used, expired or replaced). */
export function inspectReset(token: string): Promise<ApiResult<ResetLink>> {
  return publicResult(() => api.POST('/api/v1/auth/password/inspect', { body: { token } }));
}

/** Sets the new password from a reset link; every earlier session ends. */
export function resetPassword(token: string, password: string): Promise<ApiResult<ResetLink>> {
  return publicResult(() => api.POST('/api/v1/auth/password/reset', { body: { token, password } }));
}

/** Confirms a new partner's email with the link from its sign-up email. */
export function verifyEmail(token: string): Promise<ApiResult<EmailConfirmed>> {
  return publicResult(() => api.POST('/api/v1/auth/verify-email', { body: { token } }));
}

/** Sends the sign-up's confirmation link again. */
export function resendVerification(): Promise<ApiResult<VerificationSent>> {
  return authorizedResult((headers) => api.POST('/api/v1/me/verification-email', { headers }));
}
