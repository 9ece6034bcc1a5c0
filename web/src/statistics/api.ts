import {
  api,
  type CustomerEndpointProtection,
  type DeploymentStatistics,
  type EndpointStatistics,
  type IngestionKey,
  type OfflineComputerPage,
  type ProductUsageList,
  type StatisticsQuery,
} from '../api/client';
import type { Range } from '../charts/range';
import { authorizedResult, type ApiResult } from '../auth/session';
import { jsonOnly } from '../customers/api';

/** Every request of the statistics pages and of the customer profile's Endpoint Protection. */

/** Rows per page of the offline computers. */
export const OFFLINE_PAGE_SIZE = 50;
export const OFFLINE_CSV_FILENAME = 'offline-computers.csv';

/** The range and customer the statistics are for; `customer` null means all customers. */
export interface StatisticsFilters {
  range: Range;
  customer: string | null;
}

function filterQuery(filters: StatisticsFilters): Pick<StatisticsQuery, 'range' | 'customer'> {
  return filters.customer === null ? { range: filters.range } : { range: filters.range, customer: filters.customer };
}

export function fetchEndpointStatistics(filters: StatisticsFilters): Promise<ApiResult<EndpointStatistics>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/statistics/endpoint', { params: { query: filterQuery(filters) }, headers }),
  );
}

export function fetchDeploymentStatistics(filters: StatisticsFilters): Promise<ApiResult<DeploymentStatistics>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/statistics/deployment', { params: { query: filterQuery(filters) }, headers }),
  );
}

/** One page of the offline computers, longest offline first; `cursor` is the previous page's `nextCursor`. */
export async function fetchOfflineComputers(
  filters: StatisticsFilters,
  cursor?: string,
): Promise<ApiResult<OfflineComputerPage>> {
  const query: StatisticsQuery = { ...filterQuery(filters), limit: OFFLINE_PAGE_SIZE };
  if (cursor !== undefined) query.cursor = cursor;
  return jsonOnly(
    await authorizedResult((headers) => api.GET('/api/v1/statistics/offline-computers', { params: { query }, headers })),
  );
}

/** Every offline computer for the filters, as CSV from the server. */
export function fetchOfflineComputersCsv(filters: StatisticsFilters): Promise<ApiResult<Blob>> {
  const query: StatisticsQuery = { ...filterQuery(filters), format: 'csv' };
  return authorizedResult((headers) =>
    api.GET('/api/v1/statistics/offline-computers', {
      params: { query },
      headers: { ...headers, Accept: 'text/csv' },
      parseAs: 'blob',
    }),
  );
}

export function fetchProductUsage(): Promise<ApiResult<ProductUsageList>> {
  return authorizedResult((headers) => api.GET('/api/v1/products/usage', { headers }));
}

export function fetchCustomerEndpointProtection(customerId: string): Promise<ApiResult<CustomerEndpointProtection>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/customers/{customerId}/endpoint-protection', { params: { path: { customerId } }, headers }),
  );
}

/** A new ingestion key for the customer; the old one stops working. */
export function rotateIngestionKey(customerId: string): Promise<ApiResult<IngestionKey>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/customers/{customerId}/ingestion-key', { params: { path: { customerId } }, headers }),
  );
}
