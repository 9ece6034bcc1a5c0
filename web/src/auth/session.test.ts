import { beforeEach, describe, expect, it } from 'vitest';
import { json, mockFetch, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { authorizedResult, fetchMe, onMfaSetupRequired, refreshSession, restoreSession, signIn, signInWithCode, signOut, signUp } from './session';
import { api } from '../api/client';
import { tokenStore } from './tokenStore';

beforeEach(() => {
  tokenStore.clear();
  localStorage.clear();
  sessionStorage.clear();
});

describe('signIn', () => {
  it('keeps the access token in memory only', async () => {
    const { requests } = mockFetch({ 'POST /api/v1/auth/sign-in': () => json(200, sampleToken) });
    const result = await signIn({ email: 'ada@example.com', password: 'CorrectHorse42' });
    expect(result).toEqual({ ok: true, data: 'partner' });
    expect(tokenStore.getAccessToken()).toBe('access-token-1');
    expect(requests[0]?.body).toEqual({ email: 'ada@example.com', password: 'CorrectHorse42' });
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).not.toContain('access-token-1');
  });

  it('returns the problem for bad credentials', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-in': () => problem(401, { title: 'Invalid credentials' }),
    });
    const result = await signIn({ email: 'ada@example.com', password: 'wrong' });
    expect(result).toMatchObject({ ok: false, problem: { status: 401, title: 'Invalid credentials' } });
    expect(tokenStore.getAccessToken()).toBeNull();
  });

  it('reports Retry-After when rate limited', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-in': () => problem(429, { title: 'Too Many Requests' }, { 'Retry-After': '42' }),
    });
    const result = await signIn({ email: 'ada@example.com', password: 'x' });
    expect(result).toMatchObject({ ok: false, problem: { status: 429 }, retryAfterSeconds: 42 });
  });

  it('turns a network failure into a problem', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-in': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const result = await signIn({ email: 'ada@example.com', password: 'x' });
    expect(result).toMatchObject({ ok: false, problem: { status: 0, title: 'Cannot reach the server' } });
  });
});

describe('signInWithCode', () => {
  it('answers the challenge with the code and keeps the token in memory', async () => {
    const { requests } = mockFetch({ 'POST /api/v1/auth/sign-in/mfa': () => json(200, sampleToken) });
    const result = await signInWithCode({ email: 'ada@example.com', session: 'challenge-1', code: '123456' });
    expect(result).toEqual({ ok: true, data: 'partner' });
    expect(requests[0]?.body).toEqual({ email: 'ada@example.com', session: 'challenge-1', code: '123456' });
    expect(tokenStore.getAccessToken()).toBe('access-token-1');
    expect(localStorage.length).toBe(0);
  });

  it('keeps the challenge of the first step in the problem', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-in': () =>
        json(401, { type: '/problems/mfa-required', title: 'Unauthorized', status: 401, challenge: 'challenge-1' }),
    });
    const result = await signIn({ email: 'ada@example.com', password: 'CorrectHorse42' });
    expect(result).toMatchObject({ ok: false, problem: { type: '/problems/mfa-required', challenge: 'challenge-1' } });
    expect(tokenStore.getAccessToken()).toBeNull();
  });
});

describe('onMfaSetupRequired', () => {
  it('is told when a request is refused until two-step verification is set up, and not for other refusals', async () => {
    tokenStore.set({ accessToken: 'token-a', expiresIn: 900 });
    mockFetch({
      'GET /api/v1/users': () => json(403, { type: '/problems/mfa-required', title: 'Forbidden', status: 403 }),
      'GET /api/v1/roles': () => json(403, { type: 'about:blank', title: 'Forbidden', status: 403 }),
    });
    let told = 0;
    const stop = onMfaSetupRequired(() => {
      told += 1;
    });
    await authorizedResult((headers) => api.GET('/api/v1/roles', { headers }));
    expect(told).toBe(0);
    const result = await authorizedResult((headers) => api.GET('/api/v1/users', { headers }));
    expect(result).toMatchObject({ ok: false, problem: { status: 403, type: '/problems/mfa-required' } });
    expect(told).toBe(1);
    stop();
    await authorizedResult((headers) => api.GET('/api/v1/users', { headers }));
    expect(told).toBe(1);
  });
});

describe('signUp', () => {
  it('posts the request and returns the created partner', async () => {
    const created = { partner: sampleMe.partner, user: sampleMe.user };
    const { requests } = mockFetch({ 'POST /api/v1/auth/sign-up': () => json(201, created) });
    const body = {
      email: 'ada@example.com',
      password: 'CorrectHorse42',
      company: sampleMe.partner.company,
      contact: sampleMe.partner.contact,
      acceptTerms: true as const,
    };
    const result = await signUp(body);
    expect(result).toEqual({ ok: true, data: created });
    expect(requests[0]?.body).toEqual(body);
    expect(requests[0]?.headers.get('Content-Type')).toContain('application/json');
  });
});

describe('refreshSession', () => {
  it('sends the refresh cookie and stores the new token', async () => {
    const { requests } = mockFetch({ 'POST /api/v1/auth/refresh': () => json(200, sampleToken) });
    await expect(refreshSession()).resolves.toBe(true);
    expect(tokenStore.getAccessToken()).toBe('access-token-1');
    expect(requests[0]?.credentials).toMatch(/same-origin|include/);
  });

  it('shares one request between concurrent callers', async () => {
    const { requests } = mockFetch({ 'POST /api/v1/auth/refresh': () => json(200, sampleToken) });
    const results = await Promise.all([refreshSession(), refreshSession(), refreshSession()]);
    expect(results).toEqual([true, true, true]);
    expect(requests).toHaveLength(1);
  });

  it('clears the token when there is no session', async () => {
    tokenStore.set({ accessToken: 'stale', expiresIn: 900 });
    mockFetch({ 'POST /api/v1/auth/refresh': () => problem(401, { title: 'Unauthorized' }) });
    await expect(refreshSession()).resolves.toBe(false);
    expect(tokenStore.getAccessToken()).toBeNull();
  });
});

describe('fetchMe', () => {
  it('sends the bearer token', async () => {
    tokenStore.set({ accessToken: 'token-a', expiresIn: 900 });
    const { requests } = mockFetch({ 'GET /api/v1/me': () => json(200, sampleMe) });
    await expect(fetchMe()).resolves.toEqual({ ok: true, data: sampleMe });
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer token-a');
  });

  it('refreshes once and retries after a 401', async () => {
    tokenStore.set({ accessToken: 'expired', expiresIn: 900 });
    const { requests } = mockFetch({
      'GET /api/v1/me': (request) =>
        request.headers.get('Authorization') === 'Bearer access-token-1'
          ? json(200, sampleMe)
          : problem(401, { title: 'Unauthorized' }),
      'POST /api/v1/auth/refresh': () => json(200, sampleToken),
    });
    await expect(fetchMe()).resolves.toEqual({ ok: true, data: sampleMe });
    expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/v1/me',
      'POST /api/v1/auth/refresh',
      'GET /api/v1/me',
    ]);
  });

  it('gives up when the refresh fails', async () => {
    tokenStore.set({ accessToken: 'expired', expiresIn: 900 });
    mockFetch({
      'GET /api/v1/me': () => problem(401, { title: 'Unauthorized' }),
      'POST /api/v1/auth/refresh': () => problem(401, { title: 'Unauthorized' }),
    });
    await expect(fetchMe()).resolves.toMatchObject({ ok: false, problem: { status: 401 } });
    expect(tokenStore.getAccessToken()).toBeNull();
  });
});

describe('restoreSession', () => {
  it('restores the user from the refresh cookie', async () => {
    mockFetch({
      'POST /api/v1/auth/refresh': () => json(200, sampleToken),
      'GET /api/v1/me': () => json(200, sampleMe),
    });
    await expect(restoreSession()).resolves.toEqual(sampleMe);
  });

  it("recognises a customer admin's session without asking for a partner user", async () => {
    const { requests } = mockFetch({
      'POST /api/v1/auth/refresh': () => json(200, { ...sampleToken, account: 'customer' }),
    });
    await expect(restoreSession()).resolves.toBe('customer');
    expect(requests.map((r) => r.path)).toEqual(['/api/v1/auth/refresh']);
  });

  it('resolves to null without a session, without asking for the user', async () => {
    const { requests } = mockFetch({ 'POST /api/v1/auth/refresh': () => problem(401, { title: 'Unauthorized' }) });
    await expect(restoreSession()).resolves.toBeNull();
    expect(requests).toHaveLength(1);
  });
});

describe('signOut', () => {
  it('revokes the session with the bearer token and forgets the token', async () => {
    tokenStore.set({ accessToken: 'token-a', expiresIn: 900 });
    const { requests } = mockFetch({ 'POST /api/v1/auth/sign-out': () => new Response(null, { status: 204 }) });
    await signOut();
    expect(requests[0]?.headers.get('Authorization')).toBe('Bearer token-a');
    expect(tokenStore.getAccessToken()).toBeNull();
  });

  it('forgets the token even when the server cannot be reached', async () => {
    tokenStore.set({ accessToken: 'token-a', expiresIn: 900 });
    mockFetch({
      'POST /api/v1/auth/sign-out': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await signOut();
    expect(tokenStore.getAccessToken()).toBeNull();
  });
});
