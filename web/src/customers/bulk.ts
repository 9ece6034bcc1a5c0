import { api, type BulkRequest, type BulkResponse, type CustomerListQuery, type CustomerRow, type ManagementType } from '../api/client';
import { NETWORK_ERROR_STATUS, type Problem } from '../api/problem';
import { authorizedResult, type ApiResult } from '../auth/session';
import { customerQuery, jsonOnly, newIdempotencyKey, type CustomerFilters } from './api';

/** Most customers one bulk call (and one export call) takes: the API's limit. */
export const BULK_CHUNK = 100;

/** Most customers "Select all matching" selects: ten pages of the list at its largest page size. */
export const MAX_MATCHING = 1000;

export type BulkAction = BulkRequest['action'];

/** What a bulk call asks besides the customers: the product of a trial, the management type of a change. */
export type BulkOptions =
  | { action: 'startTrial'; product: string }
  | { action: 'requestManagementChange'; management: ManagementType }
  | { action: 'resendWelcome' }
  | { action: 'remove' };

/**
 * What happened to one customer: the API's outcomes (`failed` and `notAttempted` were not
 * done and may be sent again; `notAttempted` also when the run stopped, or a rate limit
 * turned its call away, before it), and `unknown` when its whole call failed on the way
 * even after being sent again (the network, a server error), so that the page cannot tell
 * whether it was done.
 */
export type BulkRowOutcome = BulkResponse['results'][number]['outcome'] | 'unknown';

/** One customer's answer. */
export interface BulkResultRow {
  customerId: string;
  outcome: BulkRowOutcome;
  /** Only for customers the caller may see. */
  customerName?: string;
  /** A done management change: whether it took effect or asked the customer. */
  result?: 'changed' | 'requested';
  problem?: Problem;
}

function resultRow(row: BulkResponse['results'][number]): BulkResultRow {
  const result: BulkResultRow = { customerId: row.customerId, outcome: row.outcome };
  if (row.customerName) result.customerName = row.customerName;
  if (row.result) result.result = row.result;
  if (row.problem) {
    const { type, title, status, detail, errors } = row.problem;
    result.problem = { type, title, status };
    if (detail) result.problem.detail = detail;
    if (errors) result.problem.errors = errors;
  }
  return result;
}

/** A call sent, kept so that it can be sent again exactly: the same key and the same customers. */
export interface BulkCall {
  key: string;
  customerIds: string[];
}

export interface BulkOutcome {
  action: BulkAction;
  done: number;
  refused: number;
  /** A server error left them unchanged: send them again. */
  failed: number;
  /** The call ran out of time before them, a rate limit turned their call away, or the run stopped first: send them again. */
  notAttempted: number;
  /** Their call failed on the way: they may have been done; reload to check, or retry. */
  unknown: number;
  results: BulkResultRow[];
  /** The calls whose customers are `unknown`, to be sent again with their own keys. */
  unconfirmed: BulkCall[];
  /** Why the run stopped before its last call (the session ended, two-step verification needed). */
  stopped?: Problem;
}

/** The customers that were not done and may be sent again (failed, not attempted), in order. */
export function notDone(outcome: BulkOutcome): string[] {
  return outcome.results.filter((row) => row.outcome === 'failed' || row.outcome === 'notAttempted').map((row) => row.customerId);
}

/** The answer's counts in words: "2 done, 1 refused.", and the other outcomes when there are any. */
export function summary(outcome: BulkOutcome, format: (count: number) => string = String): string {
  const parts = [`${format(outcome.done)} done`, `${format(outcome.refused)} refused`];
  if (outcome.failed > 0) parts.push(`${format(outcome.failed)} failed`);
  if (outcome.notAttempted > 0) parts.push(`${format(outcome.notAttempted)} not attempted`);
  if (outcome.unknown > 0) parts.push(`${format(outcome.unknown)} not confirmed`);
  return `${parts.join(', ')}.`;
}

function bulkBody(options: BulkOptions, customerIds: string[]): BulkRequest {
  switch (options.action) {
    case 'startTrial':
      // A product of the catalog: the page offers no other.
      return { action: options.action, customerIds, product: options.product as BulkRequest['product'] };
    case 'requestManagementChange':
      return { action: options.action, customerIds, management: options.management };
    case 'resendWelcome':
      return { action: options.action, customerIds };
    case 'remove':
      return { action: options.action, customerIds, confirm: true };
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** The problem type of a call whose `Idempotency-Key` is still being handled. */
export const REQUEST_IN_PROGRESS = '/problems/request-in-progress';

/** Sends of one call at most, and the waits between them. */
export const BULK_TRIES = 3;
const BACKOFF_MS = [1000, 3000];
/** The longest `Retry-After` waited for; a longer one ends the tries. */
const MAX_RETRY_AFTER_SECONDS = 10;

type Failure = { problem: Problem; retryAfterSeconds?: number };

/**
 * Whether a call that failed as a whole may be sent again as it was, with the same key
 * and body: the network or a timeout, a server error, 408, 429, or the same key still
 * being handled. The server's idempotency makes that safe: a call that was done answers
 * its kept results, and one that was not is done once.
 */
export function isTransient({ problem }: Failure): boolean {
  const { status, type } = problem;
  return (
    status === NETWORK_ERROR_STATUS ||
    status === 408 ||
    status === 429 ||
    status >= 500 ||
    (status === 409 && type === REQUEST_IN_PROGRESS)
  );
}

/** How long to wait before try `tries` + 1 after this failure, or null to stop trying. */
export function retryDelayMs(failure: Failure, tries: number): number | null {
  if (tries >= BULK_TRIES || !isTransient(failure)) return null;
  if (failure.retryAfterSeconds !== undefined) {
    return failure.retryAfterSeconds <= MAX_RETRY_AFTER_SECONDS ? failure.retryAfterSeconds * 1000 : null;
  }
  return BACKOFF_MS[Math.min(tries - 1, BACKOFF_MS.length - 1)] ?? null;
}

/** The session ended, or two-step verification is needed: no further call would be let in. */
function stopsTheRun({ problem }: Failure): boolean {
  return problem.status === 401 || problem.status === 403;
}

function counted(action: BulkAction, results: BulkResultRow[], unconfirmed: BulkCall[], stopped?: Problem): BulkOutcome {
  const count = (outcome: BulkRowOutcome) => results.filter((row) => row.outcome === outcome).length;
  const outcome: BulkOutcome = {
    action,
    done: count('done'),
    refused: count('refused'),
    failed: count('failed'),
    notAttempted: count('notAttempted'),
    unknown: count('unknown'),
    results,
    unconfirmed,
  };
  if (stopped) outcome.stopped = stopped;
  return outcome;
}

export interface BulkDeps {
  /** Waits between tries of a call (a timer; tests answer at once). */
  wait: (ms: number) => Promise<void>;
  newKey: () => string;
}

const realDeps: BulkDeps = {
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  newKey: newIdempotencyKey,
};

/** One call, sent again as it was while its failure is transient (at most {@link BULK_TRIES} sends). */
async function sendCall(options: BulkOptions, call: BulkCall, deps: BulkDeps): Promise<ApiResult<BulkResponse>> {
  const body = bulkBody(options, call.customerIds);
  for (let tries = 1; ; tries += 1) {
    const answer = await authorizedResult((headers) =>
      api.POST('/api/v1/customers/bulk', { body, params: { header: { 'Idempotency-Key': call.key } }, headers }),
    );
    if (answer.ok) return answer;
    const delay = retryDelayMs(answer, tries);
    if (delay === null) return answer;
    await deps.wait(delay);
  }
}

/** The calls in order; stops at a call refused for the session (401, 403), not sending the rest. */
async function sendCalls(options: BulkOptions, calls: readonly BulkCall[], deps: BulkDeps): Promise<BulkOutcome> {
  const results: BulkResultRow[] = [];
  const unconfirmed: BulkCall[] = [];
  let stopped: Problem | undefined;
  for (const call of calls) {
    if (stopped) {
      for (const customerId of call.customerIds) results.push({ customerId, outcome: 'notAttempted', problem: stopped });
      continue;
    }
    const answer = await sendCall(options, call, deps);
    if (answer.ok) {
      results.push(...answer.data.results.map(resultRow));
    } else if (answer.problem.status === 429) {
      // Still turned away by a rate limit: nothing was done, and it may be sent again later.
      for (const customerId of call.customerIds) results.push({ customerId, outcome: 'notAttempted', problem: answer.problem });
    } else if (isTransient(answer)) {
      unconfirmed.push(call);
      for (const customerId of call.customerIds) results.push({ customerId, outcome: 'unknown', problem: answer.problem });
    } else {
      if (stopsTheRun(answer)) stopped = answer.problem;
      for (const customerId of call.customerIds) results.push({ customerId, outcome: 'refused', problem: answer.problem });
    }
  }
  return counted(options.action, results, unconfirmed, stopped);
}

/**
 * Acts on the customers in calls of at most {@link BULK_CHUNK}, one after the other, each
 * with an `Idempotency-Key` of its own, and gathers the answers per customer in the
 * order asked. A call that fails on the way is sent again as it was (same key, same
 * customers; see {@link isTransient}); if it still fails its customers are `unknown`,
 * and the call is kept for {@link retryUnconfirmed} (or, still rate limited, they are
 * `notAttempted`). A call refused as a whole refuses its customers; a 401 or 403 also
 * stops the run, leaving the later calls `notAttempted`.
 */
export function runBulk(options: BulkOptions, customerIds: readonly string[], deps: BulkDeps = realDeps): Promise<BulkOutcome> {
  const calls = chunks(customerIds, BULK_CHUNK).map((part) => ({ key: deps.newKey(), customerIds: part }));
  return sendCalls(options, calls, deps);
}

/**
 * Sends the calls whose customers were left `unknown` again, each with its own key (a
 * call that was done answers what it did; one that was not is done now), and answers
 * the first outcome with their customers answered anew.
 */
export async function retryUnconfirmed(options: BulkOptions, first: BulkOutcome, deps: BulkDeps = realDeps): Promise<BulkOutcome> {
  return mergeRetry(first, await sendCalls(options, first.unconfirmed, deps));
}

/**
 * The first answer with the customers sent again answered anew: one account of the whole
 * selection. The calls still not confirmed are those of either answer with a customer
 * still `unknown`.
 */
export function mergeRetry(first: BulkOutcome, retry: BulkOutcome): BulkOutcome {
  const again = new Map(retry.results.map((row) => [row.customerId, row]));
  const results = first.results.map((row) => again.get(row.customerId) ?? row);
  const unknown = new Set(results.filter((row) => row.outcome === 'unknown').map((row) => row.customerId));
  const calls = new Map([...first.unconfirmed, ...retry.unconfirmed].map((call) => [call.key, call]));
  const unconfirmed = [...calls.values()].filter((call) => call.customerIds.some((id) => unknown.has(id)));
  return counted(first.action, results, unconfirmed, retry.stopped);
}

/**
 * The chosen customers as the Customers CSV, in the order chosen: one call per
 * {@link BULK_CHUNK} customers, the header row once.
 */
export async function exportSelection(customerIds: readonly string[]): Promise<ApiResult<Blob>> {
  const parts: string[] = [];
  for (const [index, part] of chunks(customerIds, BULK_CHUNK).entries()) {
    const answer = await authorizedResult((headers) =>
      api.POST('/api/v1/customers/export', {
        body: { customerIds: part },
        headers: { ...headers, Accept: 'text/csv' },
        parseAs: 'text',
      }),
    );
    if (!answer.ok) return answer;
    const text = answer.data;
    // The header is the first line: later parts start after it.
    const newline = text.indexOf('\n');
    parts.push(index === 0 ? text : newline < 0 ? '' : text.slice(newline + 1));
  }
  return { ok: true, data: new Blob(parts, { type: 'text/csv;charset=utf-8' }) };
}

/** Customers matching the filters, read page by page at the largest page size. */
export interface Matching {
  rows: CustomerRow[];
  /** More match than {@link MAX_MATCHING}: only the first ones were read. */
  capped: boolean;
}

/**
 * Reads up to `max` + 1 customers: the one past the limit (a page of one when the pages
 * so far hold exactly `max`) tells whether more match, so that exactly `max` matches are
 * not reported as capped.
 */
export async function fetchMatching(filters: CustomerFilters, max = MAX_MATCHING): Promise<ApiResult<Matching>> {
  const rows: CustomerRow[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const query: CustomerListQuery = { ...customerQuery(filters), limit: Math.min(BULK_CHUNK, max + 1 - rows.length) };
    if (cursor !== undefined) query.cursor = cursor;
    const page = jsonOnly(await authorizedResult((headers) => api.GET('/api/v1/customers', { params: { query }, headers })));
    if (!page.ok) return page;
    for (const row of page.data.items) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      rows.push(row);
    }
    cursor = page.data.nextCursor ?? undefined;
    if (rows.length > max) return { ok: true, data: { rows: rows.slice(0, max), capped: true } };
    if (cursor === undefined) return { ok: true, data: { rows, capped: false } };
  }
}
