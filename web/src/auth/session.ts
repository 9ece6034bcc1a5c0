import {
  api,
  type MeResponse,
  type MfaSignInRequest,
  type SignInRequest,
  type SignUpRequest,
  type SignUpResponse,
  type TokenResponse,
} from '../api/client';
import { MFA_REQUIRED, networkProblem, parseRetryAfter, toProblem, type Problem } from '../api/problem';
import { tokenStore } from './tokenStore';

/** Whose session it is: a partner user's (the console) or a customer admin's (the portal). */
export type AccountKind = 'partner' | 'customer';

/** What start-up restored: the partner user's account, a customer admin's session, or none. */
export type Restored = MeResponse | 'customer' | null;

let account: AccountKind | null = null;

function accountOf(data: { account?: string }): AccountKind {
  return data.account === 'customer' ? 'customer' : 'partner';
}

/** The kind of the current session's account, once signed in or refreshed. */
export function sessionAccount(): AccountKind | null {
  return account;
}

export type ApiResult<T> =
  | { ok: true; data: T }
  | { ok: false; problem: Problem; retryAfterSeconds?: number };

interface FetchOutcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function failure(outcome: { error?: unknown; response: Response }): ApiResult<never> {
  const result: ApiResult<never> = { ok: false, problem: toProblem(outcome.error, outcome.response) };
  const retryAfter = parseRetryAfter(outcome.response.headers.get('Retry-After'));
  if (retryAfter !== undefined) result.retryAfterSeconds = retryAfter;
  return result;
}

/** Runs a request, turning network failures into a problem instead of a throw. */
async function send<T>(request: () => Promise<FetchOutcome<T>>): Promise<FetchOutcome<T> | ApiResult<never>> {
  try {
    return await request();
  } catch {
    return { ok: false, problem: networkProblem() };
  }
}

function isResult<T>(value: FetchOutcome<T> | ApiResult<never>): value is ApiResult<never> {
  return 'ok' in value;
}

export async function signUp(body: SignUpRequest): Promise<ApiResult<SignUpResponse>> {
  const outcome = await send(() => api.POST('/api/v1/auth/sign-up', { body }));
  if (isResult(outcome)) return outcome;
  if (outcome.response.status === 201 && outcome.data !== undefined) return { ok: true, data: outcome.data };
  return failure(outcome);
}

function session(outcome: FetchOutcome<TokenResponse> | ApiResult<never>): ApiResult<AccountKind> {
  if (isResult(outcome)) return outcome;
  if (outcome.response.ok && outcome.data !== undefined) {
    account = accountOf(outcome.data);
    tokenStore.set(outcome.data);
    return { ok: true, data: account };
  }
  return failure(outcome);
}

/**
 * Signs in with email and password. A user with two-step verification gets a 401
 * `/problems/mfa-required` problem whose `challenge` is answered with `signInWithCode`.
 */
export async function signIn(credentials: SignInRequest): Promise<ApiResult<AccountKind>> {
  return session(await send(() => api.POST('/api/v1/auth/sign-in', { body: credentials })));
}

/**
 * The second step of a sign-in: the code from the authenticator app with the challenge
 * of the first step. A wrong code (401 `/problems/mfa-code-mismatch`) may be retried
 * with the same challenge; any other 401 means the sign-in expired.
 */
export async function signInWithCode(request: MfaSignInRequest): Promise<ApiResult<AccountKind>> {
  return session(await send(() => api.POST('/api/v1/auth/sign-in/mfa', { body: request })));
}

const mfaSetupListeners = new Set<() => void>();

/**
 * Notified when the server answers 403 `/problems/mfa-required`: the partner requires
 * two-step verification and the signed-in user has not set it up. Returns an
 * unsubscribe function.
 */
export function onMfaSetupRequired(listener: () => void): () => void {
  mfaSetupListeners.add(listener);
  return () => {
    mfaSetupListeners.delete(listener);
  };
}

function watchMfaSetup<T>(outcome: FetchOutcome<T> | ApiResult<never>): FetchOutcome<T> | ApiResult<never> {
  if (isResult(outcome) || outcome.response.status !== 403) return outcome;
  const body = outcome.error;
  if (typeof body === 'object' && body !== null && (body as { type?: unknown }).type === MFA_REQUIRED) {
    for (const listener of [...mfaSetupListeners]) listener();
  }
  return outcome;
}

let refreshInFlight: Promise<boolean> | null = null;

/**
 * Exchanges the HttpOnly refresh cookie for a new access token. Concurrent
 * callers share one request, so a burst of 401s triggers a single refresh.
 * Resolves to false (and clears the token) when there is no valid session.
 */
export function refreshSession(): Promise<boolean> {
  refreshInFlight ??= (async () => {
    try {
      const outcome = await send(() => api.POST('/api/v1/auth/refresh'));
      if (!isResult(outcome) && outcome.response.ok && outcome.data !== undefined) {
        account = accountOf(outcome.data);
        tokenStore.set(outcome.data);
        return true;
      }
      tokenStore.clear();
      return false;
    } finally {
      refreshInFlight = null;
    }
  })();
  return refreshInFlight;
}

/**
 * Runs a request with the bearer token. Without a usable token it refreshes
 * first; on a 401 it refreshes once and retries once. A 403 `/problems/mfa-required`
 * tells the `onMfaSetupRequired` listeners.
 */
export async function authorized<T>(
  request: (headers: { Authorization: string }) => Promise<FetchOutcome<T>>,
): Promise<FetchOutcome<T> | ApiResult<never>> {
  let refreshed = false;
  let token = tokenStore.getAccessToken();
  if (token === null) {
    refreshed = true;
    if (!(await refreshSession())) return notSignedIn();
    token = tokenStore.getAccessToken();
    if (token === null) return notSignedIn();
  }
  const first = watchMfaSetup(await send(() => request({ Authorization: `Bearer ${token}` })));
  if (isResult(first) || first.response.status !== 401 || refreshed) return first;
  if (!(await refreshSession())) return notSignedIn();
  const retryToken = tokenStore.getAccessToken();
  if (retryToken === null) return notSignedIn();
  return watchMfaSetup(await send(() => request({ Authorization: `Bearer ${retryToken}` })));
}

function notSignedIn(): ApiResult<never> {
  return {
    ok: false,
    problem: { type: 'about:blank', title: 'Not signed in', status: 401, detail: 'Your session has ended. Sign in again.' },
  };
}

/**
 * Runs a request with the bearer token (see `authorized`) and turns its outcome
 * into a result. A 401 that survives the refresh ends the session.
 */
export async function authorizedResult<T>(
  request: (headers: { Authorization: string }) => Promise<FetchOutcome<T>>,
): Promise<ApiResult<T>> {
  const outcome = await authorized(request);
  if (isResult(outcome)) return outcome;
  if (outcome.response.ok && outcome.data !== undefined) return { ok: true, data: outcome.data };
  if (outcome.response.status === 401) tokenStore.clear();
  return failure(outcome);
}

export function fetchMe(): Promise<ApiResult<MeResponse>> {
  return authorizedResult((headers) => api.GET('/api/v1/me', { headers }));
}

/** Ends the session on the server (best effort) and always forgets the token locally. */
export async function signOut(): Promise<void> {
  const token = tokenStore.getAccessToken();
  try {
    if (token !== null) {
      await send(() =>
        api.POST('/api/v1/auth/sign-out', { headers: { Authorization: `Bearer ${token}` } }),
      );
    }
  } finally {
    account = null;
    tokenStore.clear();
  }
}

/**
 * Restores a session on application start: one refresh attempt and, when it
 * succeeds, the current user (or 'customer' for a customer admin, whose account
 * the portal loads). Resolves to null when there is no session.
 */
export async function restoreSession(): Promise<Restored> {
  if (!(await refreshSession())) return null;
  if (account === 'customer') return 'customer';
  const me = await fetchMe();
  return me.ok ? me.data : null;
}
