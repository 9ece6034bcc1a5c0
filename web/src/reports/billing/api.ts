import { api } from '../../api/client';
import type { paths } from '../../api/schema';
import { authorizedResult, type ApiResult } from '../../auth/session';
import { jsonOnly } from '../../customers/api';

/**
 * The billing export (`GET /api/v1/billing/usage`): seat-days and average and peak paid
 * seats per customer and product over a period, as JSON for the page and as CSV to
 * download. Types are derived from the generated OpenAPI document.
 */

type Operation = paths['/api/v1/billing/usage']['get'];
type BillingQuery = NonNullable<Operation['parameters']['query']>;
export type BillingUsage = Operation['responses'][200]['content']['application/json'];
export type BillingLine = BillingUsage['items'][number];
export type BillingProduct = BillingUsage['products'][number];

/** The period chosen: a preset, or whole GMT days (`YYYY-MM-DD`, both included). */
export type BillingPeriod = { kind: 'lastQuarter' } | { kind: 'lastMonth' } | { kind: 'days'; from: string; to: string };

function billingQuery(period: BillingPeriod): BillingQuery {
  switch (period.kind) {
    case 'lastQuarter':
      // The server's default; named so the address says what was asked for.
      return { period: 'lastQuarter' };
    case 'lastMonth':
      return { period: 'lastMonth' };
    case 'days':
      return { from: period.from, to: period.to };
  }
}

export async function fetchBillingUsage(period: BillingPeriod): Promise<ApiResult<BillingUsage>> {
  return jsonOnly(
    await authorizedResult((headers) =>
      api.GET('/api/v1/billing/usage', { params: { query: billingQuery(period) }, headers }),
    ),
  );
}

/** The same period's lines as CSV from the server. */
export function fetchBillingCsv(period: BillingPeriod): Promise<ApiResult<Blob>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/billing/usage', {
      params: { query: { ...billingQuery(period), format: 'csv' } },
      headers: { ...headers, Accept: 'text/csv' },
      parseAs: 'blob',
    }),
  );
}

/** The download's name, as the server names it. */
export function billingCsvFilename(usage: Pick<BillingUsage, 'from' | 'to'>): string {
  return `billing-usage-${usage.from}-${usage.to}.csv`;
}
