/** Router state carried to the sign-in page. */
export interface SignInLocationState {
  /** Where to go after signing in (set when an unauthenticated user was sent to sign in). */
  from?: string;
  /** An informational message to show above the form. */
  notice?: string;
  /** Email address to prefill. */
  email?: string;
}

/** The in-app path to return to after sign-in; never an external URL or an auth page. */
export function redirectTarget(state: SignInLocationState | null | undefined): string {
  const from = state?.from;
  if (typeof from !== 'string' || !from.startsWith('/') || from.startsWith('//')) return '/';
  if (from.startsWith('/sign-in') || from.startsWith('/sign-up')) return '/';
  return from;
}

/** Where a customer admin goes after signing in: back to a consent link, or the portal. */
export function customerTarget(state: SignInLocationState | null | undefined): string {
  const from = redirectTarget(state);
  return from.startsWith('/consent/') || from.startsWith('/portal') ? from : '/portal';
}
