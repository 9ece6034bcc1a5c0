import { api } from '../../api/client';
import type { components } from '../../api/schema';
import type { ApiResult } from '../../auth/session';
import { answered, type Answer } from '../../customers/api';
import type { AlertRule, CreatedRule, Delivery, DeliveryPage, RuleRequest } from './types';

/** Rows per page of a rule's delivery log. */
export const DELIVERIES_PAGE_SIZE = 25;

type RuleView = components['schemas']['RuleView'];
type DeliveryView = components['schemas']['Delivery'];

/** The version a rule is sent back with as `If-Match`. */
export function versionTag(version: number): string {
  return `"${version}"`;
}

/**
 * A rule as the pages use it. The generated types mark what the API may leave out as
 * optional; here all companies and no webhook are `null`, and a secret is only present
 * in the answer that made it.
 */
export function toRule(view: RuleView): CreatedRule {
  const rule: CreatedRule = {
    id: view.id,
    name: view.name,
    enabled: view.enabled,
    categories: view.categories,
    customers: view.customers ?? null,
    computers: { scope: view.computers.scope, names: view.computers.names ?? [] },
    recipients: view.recipients,
    recipientCount: view.recipientCount,
    customerContacts: view.customerContacts,
    webhook: view.webhook ?? null,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
    version: view.version,
  };
  if (typeof view.webhookSecret === 'string' && view.webhookSecret !== '') rule.webhookSecret = view.webhookSecret;
  return rule;
}

/** A delivery as the pages use it; absent values stay absent. */
export function toDelivery(view: DeliveryView): Delivery {
  const delivery: Delivery = {
    id: view.id,
    alertId: view.alertId,
    ruleId: view.ruleId,
    channel: view.channel,
    target: view.target,
    status: view.status,
    attempts: view.attempts,
    test: view.test ?? false,
    at: view.at,
  };
  if (typeof view.statusCode === 'number') delivery.statusCode = view.statusCode;
  if (typeof view.nextAttemptAt === 'string') delivery.nextAttemptAt = view.nextAttemptAt;
  if (typeof view.error === 'string' && view.error !== '') delivery.error = view.error;
  return delivery;
}

/** A rule as loaded for editing, with the `ETag` to send back. */
export interface RuleAnswer {
  rule: CreatedRule;
  etag: string;
}

function unexpected(status: number, what: string): ApiResult<never> {
  return {
    ok: false,
    problem: { type: 'about:blank', title: 'Unexpected answer', status, detail: `The server sent no ${what}.` },
  };
}

function withBody<T>(result: ApiResult<Answer<T | null>>, what: string): ApiResult<T> {
  if (!result.ok) return result;
  const { data, status } = result.data;
  return data === null ? unexpected(status, what) : { ok: true, data };
}

function ruleAnswer(result: ApiResult<Answer<RuleView | null>>): ApiResult<RuleAnswer> {
  if (!result.ok) return result;
  const { data, status, etag } = result.data;
  if (data === null) return unexpected(status, 'notification rule');
  return { ok: true, data: { rule: toRule(data), etag: etag ?? versionTag(data.version) } };
}

/** The partner's notification rules, by name (the API answers them all at once). */
export async function fetchRules(): Promise<ApiResult<AlertRule[]>> {
  const result = withBody(await answered((headers) => api.GET('/api/v1/alert-rules', { headers })), 'rules');
  return result.ok ? { ok: true, data: result.data.items.map(toRule) } : result;
}

/** Add Notification; the answer carries `webhookSecret` once when the rule has a webhook. */
export async function createRule(body: RuleRequest): Promise<ApiResult<CreatedRule>> {
  const result = withBody(
    await answered((headers) => api.POST('/api/v1/alert-rules', { body, headers })),
    'notification rule',
  );
  return result.ok ? { ok: true, data: toRule(result.data) } : result;
}

export async function fetchRule(ruleId: string): Promise<ApiResult<RuleAnswer>> {
  return ruleAnswer(
    await answered((headers) => api.GET('/api/v1/alert-rules/{ruleId}', { params: { path: { ruleId } }, headers })),
  );
}

/**
 * Saves the whole rule, only if nobody changed it since `etag` (412 otherwise). A changed
 * webhook URL gets a new secret, answered this once as `webhookSecret`.
 */
export async function saveRule(ruleId: string, body: RuleRequest, etag: string): Promise<ApiResult<RuleAnswer>> {
  return ruleAnswer(
    await answered((headers) =>
      api.PUT('/api/v1/alert-rules/{ruleId}', {
        params: { path: { ruleId }, header: { 'If-Match': etag } },
        body,
        headers,
      }),
    ),
  );
}

export async function deleteRule(ruleId: string, etag: string): Promise<ApiResult<null>> {
  const result = await answered((headers) =>
    api.DELETE('/api/v1/alert-rules/{ruleId}', {
      params: { path: { ruleId }, header: { 'If-Match': etag } },
      headers,
    }),
  );
  return result.ok ? { ok: true, data: null } : result;
}

/** One page of the rule's deliveries, newest first; `cursor` is the previous page's `nextCursor`. */
export async function fetchDeliveries(ruleId: string, cursor?: string): Promise<ApiResult<DeliveryPage>> {
  const query: { limit: number; cursor?: string } = { limit: DELIVERIES_PAGE_SIZE };
  if (cursor !== undefined) query.cursor = cursor;
  const result = withBody(
    await answered((headers) =>
      api.GET('/api/v1/alert-rules/{ruleId}/deliveries', { params: { path: { ruleId }, query }, headers }),
    ),
    'deliveries',
  );
  if (!result.ok) return result;
  return { ok: true, data: { items: result.data.items.map(toDelivery), nextCursor: result.data.nextCursor ?? null } };
}

/** Send test: a test payload to the rule's webhook now (422 when the rule has none). */
export async function sendTest(ruleId: string): Promise<ApiResult<Delivery>> {
  const result = withBody(
    await answered((headers) =>
      api.POST('/api/v1/alert-rules/{ruleId}/test', { params: { path: { ruleId } }, headers }),
    ),
    'delivery',
  );
  return result.ok ? { ok: true, data: toDelivery(result.data) } : result;
}
