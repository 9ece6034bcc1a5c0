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
 * What happened to one customer: the API's outcomes, and `unknown` when a whole call
 * failed on the way (a server error, the network) so that the page cannot tell whether
 * it was done. `failed` and `notAttempted` were not done and may be sent again.
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

export interface BulkOutcome {
  action: BulkAction;
  done: number;
  refused: number;
  /** A server error left them unchanged: send them again. */
  failed: number;
  /** The call ran out of time (or was turned away by a rate limit) before them: send them again. */
  notAttempted: number;
  /** Their call failed on the way: reload the list to see what happened. */
  unknown: number;
  results: BulkResultRow[];
}

/** The customers that were not done and may be sent again (failed, not attempted), in order. */
export function notDone(outcome: BulkOutcome): string[] {
  return outcome.results.filter((row) => row.outcome === 'failed' || row.outcome === 'notAttempted').map((row) => row.customerId);
}

/** The answer's counts in words: "2 done, 1 refused", and the other outcomes when there are any. */
export function summary(outcome: BulkOutcome, format: (count: number) => string = String): string {
  const parts = [`${format(outcome.done)} done`, `${format(outcome.refused)} refused`];
  if (outcome.failed > 0) parts.push(`${format(outcome.failed)} failed`);
  if (outcome.notAttempted > 0) parts.push(`${format(outcome.notAttempted)} not attempted`);
  if (outcome.unknown > 0) parts.push(`${format(outcome.unknown)} unknown`);
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

/** What a whole call's failure says of its customers: nothing was done after a refusal or a rate limit; after a server or network error nobody can tell. */
function wholeCallOutcome(problem: Problem): BulkRowOutcome {
  if (problem.status === 429) return 'notAttempted';
  if (problem.status === NETWORK_ERROR_STATUS || problem.status >= 500) return 'unknown';
  return 'refused';
}

/**
 * Acts on the customers in calls of at most {@link BULK_CHUNK}, one after the other, each
 * with an `Idempotency-Key` of its own, and gathers the answers per customer in the
 * order asked. A call that fails as a whole answers each of its customers: refused (a
 * refusal of the request), not attempted (a rate limit: nothing was done), or unknown (a
 * server or network error: some may have been done); the calls before and after it stand.
 */
export async function runBulk(options: BulkOptions, customerIds: readonly string[]): Promise<BulkOutcome> {
  const results: BulkResultRow[] = [];
  for (const part of chunks(customerIds, BULK_CHUNK)) {
    const body = bulkBody(options, part);
    const key = newIdempotencyKey();
    const answer = await authorizedResult((headers) =>
      api.POST('/api/v1/customers/bulk', { body, params: { header: { 'Idempotency-Key': key } }, headers }),
    );
    if (answer.ok) {
      results.push(...answer.data.results.map(resultRow));
    } else {
      const outcome = wholeCallOutcome(answer.problem);
      for (const customerId of part) results.push({ customerId, outcome, problem: answer.problem });
    }
  }
  return counted(options.action, results);
}

function counted(action: BulkAction, results: BulkResultRow[]): BulkOutcome {
  const count = (outcome: BulkRowOutcome) => results.filter((row) => row.outcome === outcome).length;
  return {
    action,
    done: count('done'),
    refused: count('refused'),
    failed: count('failed'),
    notAttempted: count('notAttempted'),
    unknown: count('unknown'),
    results,
  };
}

/** The first answer with the customers sent again answered anew: one account of the whole selection. */
export function mergeRetry(first: BulkOutcome, retry: BulkOutcome): BulkOutcome {
  const again = new Map(retry.results.map((row) => [row.customerId, row]));
  return counted(
    first.action,
    first.results.map((row) => again.get(row.customerId) ?? row),
  );
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

export async function fetchMatching(filters: CustomerFilters, max = MAX_MATCHING): Promise<ApiResult<Matching>> {
  const rows: CustomerRow[] = [];
  let cursor: string | undefined;
  for (;;) {
    const query: CustomerListQuery = { ...customerQuery(filters), limit: BULK_CHUNK };
    if (cursor !== undefined) query.cursor = cursor;
    const page = jsonOnly(await authorizedResult((headers) => api.GET('/api/v1/customers', { params: { query }, headers })));
    if (!page.ok) return page;
    const seen = new Set(rows.map((row) => row.id));
    rows.push(...page.data.items.filter((row) => !seen.has(row.id)));
    cursor = page.data.nextCursor ?? undefined;
    if (rows.length >= max) return { ok: true, data: { rows: rows.slice(0, max), capped: rows.length > max || cursor !== undefined } };
    if (cursor === undefined) return { ok: true, data: { rows, capped: false } };
  }
}
