import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { BULK_TRIES, isTransient, retryDelayMs, retryUnconfirmed, runBulk, type BulkDeps } from './bulk';

const BULK = 'POST /api/v1/customers/bulk';

function ids(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `cus_${String(index + 1).padStart(3, '0')}`);
}

function done(request: RecordedRequest): Response {
  const { customerIds, action } = request.body as { customerIds: string[]; action: string };
  return json(200, {
    action,
    done: customerIds.length,
    refused: 0,
    results: customerIds.map((customerId) => ({ customerId, outcome: 'done' })),
  });
}

/** Waits answered at once, recorded; keys numbered. */
function deps(): BulkDeps & { waits: number[] } {
  const waits: number[] = [];
  let next = 0;
  return {
    waits,
    wait: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    newKey: () => `key-${(next += 1)}`,
  };
}

const sent = (requests: RecordedRequest[]) => requests.filter((request) => `${request.method} ${request.path}` === BULK);
const keys = (requests: RecordedRequest[]) => sent(requests).map((request) => request.headers.get('Idempotency-Key'));

beforeEach(() => tokenStore.set(sampleToken));
afterEach(() => tokenStore.clear());

describe('isTransient and retryDelayMs', () => {
  const failure = (status: number, type = 'about:blank', retryAfterSeconds?: number) =>
    retryAfterSeconds === undefined ? { problem: { type, title: 't', status } } : { problem: { type, title: 't', status }, retryAfterSeconds };

  it('sends again after the network, a server error, 408, 429 and a key still being handled; not after a refusal', () => {
    for (const status of [0, 408, 429, 500, 502, 503, 504]) expect(isTransient(failure(status))).toBe(true);
    expect(isTransient(failure(409, '/problems/request-in-progress'))).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 422]) expect(isTransient(failure(status))).toBe(false);
  });

  it('backs off, honours a short Retry-After, and stops at the last try or a long Retry-After', () => {
    expect(retryDelayMs(failure(503), 1)).toBe(1000);
    expect(retryDelayMs(failure(503), 2)).toBe(3000);
    expect(retryDelayMs(failure(503), BULK_TRIES)).toBeNull();
    expect(retryDelayMs(failure(429, 'about:blank', 4), 1)).toBe(4000);
    expect(retryDelayMs(failure(429, 'about:blank', 120), 1)).toBeNull();
    expect(retryDelayMs(failure(422), 1)).toBeNull();
  });
});

describe('runBulk', () => {
  it('sends a call that failed on the way again with the same key and body, then counts its answer', async () => {
    let failures = 2;
    const { requests } = mockFetch({
      [BULK]: (request) => {
        if (failures === 2) {
          failures -= 1;
          throw new TypeError('Failed to fetch');
        }
        if (failures === 1) {
          failures -= 1;
          return problem(409, { type: '/problems/request-in-progress', title: 'Conflict' });
        }
        return done(request);
      },
    });
    const d = deps();
    const outcome = await runBulk({ action: 'resendWelcome' }, ids(3), d);
    expect(outcome.done).toBe(3);
    expect(outcome.unknown).toBe(0);
    expect(keys(requests)).toEqual(['key-1', 'key-1', 'key-1']);
    expect(new Set(sent(requests).map((request) => JSON.stringify(request.body))).size).toBe(1);
    expect(d.waits).toEqual([1000, 3000]);
  });

  it('honours Retry-After on a 429', async () => {
    let limited = true;
    mockFetch({
      [BULK]: (request) => {
        if (!limited) return done(request);
        limited = false;
        return problem(429, { title: 'Too Many Requests' }, { 'Retry-After': '2' });
      },
    });
    const d = deps();
    expect((await runBulk({ action: 'remove' }, ids(1), d)).done).toBe(1);
    expect(d.waits).toEqual([2000]);
  });

  it('leaves a call that keeps failing not confirmed, goes on with the next, and retries it later with its key', async () => {
    let failing = true;
    const { requests } = mockFetch({
      [BULK]: (request) =>
        failing && (request.body as { customerIds: string[] }).customerIds.length === 100
          ? problem(502, { title: 'Bad Gateway' })
          : done(request),
    });
    const d = deps();
    const first = await runBulk({ action: 'startTrial', product: 'endpoint-protection' }, ids(101), d);
    expect([first.done, first.refused, first.unknown]).toEqual([1, 0, 100]);
    expect(first.results[0]).toMatchObject({ customerId: 'cus_001', outcome: 'unknown' });
    expect(first.unconfirmed).toEqual([{ key: 'key-1', customerIds: ids(100) }]);
    expect(keys(requests)).toEqual(['key-1', 'key-1', 'key-1', 'key-2']);

    failing = false;
    const again = await retryUnconfirmed({ action: 'startTrial', product: 'endpoint-protection' }, first, d);
    expect([again.done, again.unknown]).toEqual([101, 0]);
    expect(again.unconfirmed).toEqual([]);
    expect(keys(requests).at(-1)).toBe('key-1');
    expect(sent(requests).at(-1)?.body).toEqual({ action: 'startTrial', customerIds: ids(100), product: 'endpoint-protection' });
    // The order asked is kept.
    expect(again.results.map((row) => row.customerId)).toEqual(ids(101));
  });

  it('stops at a 403 of the whole call: the later calls are not sent', async () => {
    const { requests } = mockFetch({
      [BULK]: () => problem(403, { type: '/problems/mfa-required', title: 'Forbidden', detail: 'Set up two-step verification first.' }),
    });
    const outcome = await runBulk({ action: 'resendWelcome' }, ids(250), deps());
    expect(sent(requests)).toHaveLength(1);
    expect([outcome.refused, outcome.notAttempted, outcome.unknown]).toEqual([100, 150, 0]);
    expect(outcome.stopped?.detail).toBe('Set up two-step verification first.');
  });

  it('stops when the session has ended (401 after the refresh)', async () => {
    const { requests } = mockFetch({
      [BULK]: () => problem(401, { title: 'Unauthorized' }),
      'POST /api/v1/auth/refresh': () => problem(401, { title: 'Unauthorized' }),
    });
    const outcome = await runBulk({ action: 'resendWelcome' }, ids(150), deps());
    expect(sent(requests)).toHaveLength(1);
    expect(outcome.notAttempted).toBe(50);
    expect(outcome.stopped?.status).toBe(401);
  });

  it('does not send a refused call again', async () => {
    const { requests } = mockFetch({ [BULK]: () => problem(422, { title: 'Unprocessable Content' }) });
    const outcome = await runBulk({ action: 'remove' }, ids(2), deps());
    expect(sent(requests)).toHaveLength(1);
    expect(outcome.refused).toBe(2);
    expect(outcome.unconfirmed).toEqual([]);
  });
});
