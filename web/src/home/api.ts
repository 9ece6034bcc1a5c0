import { api, type CustomerListPage } from '../api/client';
import { authorizedResult, type ApiResult } from '../auth/session';
import { DEFAULT_FILTERS, fetchCustomers } from '../customers/api';
import type { Dashboard, DashboardLayout, NewsPage } from './types';

/** News items per page of the News Alerts page. */
export const NEWS_PAGE_SIZE = 10;

/** Every widget's data; with a customer, the customer-specific widgets show that customer. */
export function fetchDashboard(customerId: string | null): Promise<ApiResult<Dashboard>> {
  const query = customerId === null ? {} : { customer: customerId };
  return authorizedResult((headers) => api.GET('/api/v1/dashboard', { params: { query }, headers }));
}

/** The signed-in user's Home layout. */
export function fetchLayout(): Promise<ApiResult<DashboardLayout>> {
  return authorizedResult((headers) => api.GET('/api/v1/dashboard/layout', { headers }));
}

export function saveLayout(layout: DashboardLayout): Promise<ApiResult<DashboardLayout>> {
  return authorizedResult((headers) =>
    api.PUT('/api/v1/dashboard/layout', { body: { widgets: layout.widgets, hidden: layout.hidden }, headers }),
  );
}

/** One page of news, newest first; `cursor` is the previous page's `nextCursor`. */
export function fetchNews(cursor?: string): Promise<ApiResult<NewsPage>> {
  const query = cursor === undefined ? { limit: NEWS_PAGE_SIZE } : { limit: NEWS_PAGE_SIZE, cursor };
  return authorizedResult((headers) => api.GET('/api/v1/news', { params: { query }, headers }));
}

/** Customers whose name contains `q` (all when empty), for the Display filter. */
export function searchCustomers(q: string): Promise<ApiResult<CustomerListPage>> {
  return fetchCustomers({ ...DEFAULT_FILTERS, q });
}
