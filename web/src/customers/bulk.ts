import { api, type BulkRequest, type BulkResponse, type CustomerListQuery, type CustomerRow, type ManagementType } from '../api/client';
import type { Problem } from '../api/problem';
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

/** One customer's answer. */
export interface BulkResultRow {
  customerId: string;
  outcome: 'done' | 'refused';
  /** Only for customers the caller may see. */
  customerName?: string;
  problem?: Problem;
}

function resultRow(row: BulkResponse['results'][number]): BulkResultRow {
  const result: BulkResultRow = { customerId: row.customerId, outcome: row.outcome };
  if (row.customerName) result.customerName = row.customerName;
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
  results: BulkResultRow[];
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

/**
 * Acts on the customers in calls of at most {@link BULK_CHUNK}, one after the other, each
 * with an `Idempotency-Key` of its own, and gathers the answers per customer in the
 * order asked. A call that fails as a whole (the network, a refusal of the request)
 * refuses each of its customers with that problem; the calls before and after it stand.
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
      for (const customerId of part) results.push({ customerId, outcome: 'refused', problem: answer.problem });
    }
  }
  const done = results.filter((row) => row.outcome === 'done').length;
  return { action: options.action, done, refused: results.length - done, results };
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
