import { describe, expect, it, vi } from 'vitest';
import { createTokenStore } from './tokenStore';

describe('token store', () => {
  it('starts empty', () => {
    expect(createTokenStore().getAccessToken()).toBeNull();
  });

  it('returns the token until shortly before it expires', () => {
    const store = createTokenStore();
    store.set({ accessToken: 'abc', expiresIn: 900 }, 1_000_000);
    expect(store.getAccessToken(1_000_000)).toBe('abc');
    expect(store.getAccessToken(1_000_000 + 889_000)).toBe('abc');
    expect(store.getAccessToken(1_000_000 + 890_000)).toBeNull();
  });

  it('treats a token with a very short lifetime as already expired', () => {
    const store = createTokenStore();
    store.set({ accessToken: 'abc', expiresIn: 5 }, 0);
    expect(store.getAccessToken(0)).toBeNull();
  });

  it('replaces the token on set and forgets it on clear', () => {
    const store = createTokenStore();
    store.set({ accessToken: 'first', expiresIn: 900 });
    store.set({ accessToken: 'second', expiresIn: 900 });
    expect(store.getAccessToken()).toBe('second');
    store.clear();
    expect(store.getAccessToken()).toBeNull();
  });

  it('notifies subscribers on set and clear until they unsubscribe', () => {
    const store = createTokenStore();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    store.set({ accessToken: 'abc', expiresIn: 900 });
    store.clear();
    expect(listener).toHaveBeenCalledTimes(2);
    store.clear();
    expect(listener).toHaveBeenCalledTimes(2);
    unsubscribe();
    store.set({ accessToken: 'abc', expiresIn: 900 });
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('never touches web storage or cookies', () => {
    localStorage.clear();
    sessionStorage.clear();
    const store = createTokenStore();
    store.set({ accessToken: 'secret-token', expiresIn: 900 });
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).not.toContain('secret-token');
  });
});
