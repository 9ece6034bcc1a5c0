/** RFC 9457 problem details as returned by the API (application/problem+json). */
export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  /** A sign-in that needs its second step (`/problems/mfa-required` from sign-in): the session to answer it with. */
  challenge?: string;
}

/** Sign-in: the password was right and the code from the authenticator app comes next. Elsewhere (403): set it up first. */
export const MFA_REQUIRED = '/problems/mfa-required';
/** An email-sending action of a partner whose sign-up email is not confirmed yet. */
export const EMAIL_NOT_VERIFIED = '/problems/email-not-verified';
/** The second step of a sign-in: the code is not the current one (the same challenge may be answered again). */
export const MFA_CODE_MISMATCH = '/problems/mfa-code-mismatch';

/** A 403 meaning the partner requires two-step verification and this user has not set it up yet. */
export function isMfaSetupRequired(problem: Pick<Problem, 'status' | 'type'>): boolean {
  return problem.status === 403 && problem.type === MFA_REQUIRED;
}

/** Status used for problems synthesised when the server could not be reached. */
export const NETWORK_ERROR_STATUS = 0;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseFieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const errors: FieldError[] = [];
  for (const item of value) {
    if (isRecord(item) && typeof item.field === 'string' && typeof item.message === 'string') {
      errors.push({ field: item.field, message: item.message });
    }
  }
  return errors.length > 0 ? errors : undefined;
}

/**
 * Turns whatever an error response carried into a Problem. Bodies that are not
 * problem documents (a proxy's HTML error page, an empty body) still yield a
 * usable title from the HTTP status.
 */
export function toProblem(body: unknown, response: Pick<Response, 'status' | 'statusText'>): Problem {
  const fallbackTitle = defaultTitle(response.status, response.statusText);
  if (!isRecord(body)) {
    const problem: Problem = { type: 'about:blank', title: fallbackTitle, status: response.status };
    if (response.status >= 502 && response.status <= 504) {
      problem.detail = 'The Partner Console service could not be reached. Try again in a moment.';
    }
    return problem;
  }
  const problem: Problem = {
    type: typeof body.type === 'string' ? body.type : 'about:blank',
    title: typeof body.title === 'string' && body.title !== '' ? body.title : fallbackTitle,
    status: typeof body.status === 'number' ? body.status : response.status,
  };
  if (typeof body.detail === 'string' && body.detail !== '') problem.detail = body.detail;
  const errors = parseFieldErrors(body.errors);
  if (errors) problem.errors = errors;
  if (typeof body.challenge === 'string' && body.challenge !== '') problem.challenge = body.challenge;
  return problem;
}

export function networkProblem(): Problem {
  return {
    type: 'about:blank',
    title: 'Cannot reach the server',
    detail: 'Check your connection and try again.',
    status: NETWORK_ERROR_STATUS,
  };
}

function defaultTitle(status: number, statusText: string): string {
  if (status >= 502 && status <= 504) return 'Service unavailable';
  if (statusText !== '') return statusText;
  if (status >= 500) return 'The server could not complete the request';
  if (status === 429) return 'Too many requests';
  if (status === 404) return 'Not found';
  if (status === 401) return 'Not signed in';
  if (status === 403) return 'Not allowed';
  return 'The request could not be completed';
}

/**
 * Normalises a field reference from the server to the dotted form used by the
 * forms ("company.name"). Accepts JSON Pointers ("/company/name") and bracket
 * indices ("items[0].name" stays as is).
 */
export function normalizeFieldPath(field: string): string {
  const trimmed = field.trim();
  if (trimmed.startsWith('/')) {
    return trimmed
      .slice(1)
      .split('/')
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
      .join('.');
  }
  return trimmed.startsWith('#/') ? normalizeFieldPath(trimmed.slice(1)) : trimmed;
}

export interface MappedFieldErrors<F extends string> {
  /** The first message for each known field. */
  fields: Partial<Record<F, string>>;
  /** Errors whose field the form does not show, to be listed in the form's alert. */
  unmatched: FieldError[];
}

/**
 * Maps the `errors` of a problem to the fields a form shows. Several messages
 * for one field are joined; messages for fields the form does not know are
 * returned separately so they are never silently dropped.
 */
export function mapFieldErrors<F extends string>(
  problem: Problem,
  knownFields: readonly F[],
): MappedFieldErrors<F> {
  const known = new Set<string>(knownFields);
  const fields: Partial<Record<F, string>> = {};
  const unmatched: FieldError[] = [];
  for (const error of problem.errors ?? []) {
    const path = normalizeFieldPath(error.field);
    if (known.has(path)) {
      const key = path as F;
      const existing = fields[key];
      fields[key] = existing ? `${existing} ${error.message}` : error.message;
    } else {
      unmatched.push({ field: path, message: error.message });
    }
  }
  return { fields, unmatched };
}

/** Seconds to wait from a Retry-After header (delta-seconds or HTTP-date). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export function rateLimitMessage(retryAfterSeconds: number | undefined): string {
  if (retryAfterSeconds === undefined || retryAfterSeconds <= 0) {
    return 'Too many attempts. Wait a moment and try again.';
  }
  if (retryAfterSeconds < 120) {
    return `Too many attempts. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`;
  }
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Too many attempts. Try again in ${minutes} minutes.`;
}
