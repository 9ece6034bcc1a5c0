/**
 * Holds the access token in memory only. It is deliberately never written to
 * localStorage, sessionStorage or cookies: a page reload loses it and the
 * session is restored through the HttpOnly refresh cookie instead.
 */
export interface AccessToken {
  accessToken: string;
  /** Epoch milliseconds after which the token must not be used. */
  expiresAt: number;
}

type Listener = () => void;

/** Tokens are treated as expired this long before the server's expiry. */
const EXPIRY_MARGIN_MS = 10_000;

export interface TokenStore {
  /** The bearer token, or null when there is none or it has expired. */
  getAccessToken: (now?: number) => string | null;
  /** Stores a token from a sign-in or refresh response. */
  set: (token: { accessToken: string; expiresIn: number }, now?: number) => void;
  clear: () => void;
  /** Notified whenever the token is set or cleared. Returns an unsubscribe function. */
  subscribe: (listener: Listener) => () => void;
}

export function createTokenStore(): TokenStore {
  let current: AccessToken | null = null;
  const listeners = new Set<Listener>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  return {
    getAccessToken(now = Date.now()) {
      if (current === null || now >= current.expiresAt) return null;
      return current.accessToken;
    },
    set(token, now = Date.now()) {
      const lifetimeMs = Math.max(0, token.expiresIn * 1000 - EXPIRY_MARGIN_MS);
      current = { accessToken: token.accessToken, expiresAt: now + lifetimeMs };
      notify();
    },
    clear() {
      if (current === null) return;
      current = null;
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** The application's single token store. */
export const tokenStore = createTokenStore();
