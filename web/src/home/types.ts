/** The Home page's types, from the API's OpenAPI document (see `api/client.ts`). */
import type { CustomerIssueCount } from '../alerts/types';
import type { Dashboard } from '../api/client';

export type { Dashboard, DashboardLayout, NewsItem, NewsPage, WidgetId } from '../api/client';

/**
 * A row of Customer Issues. Its issues are the customer's open alerts counted by alert
 * kind (the alerts API's contract); the OpenAPI document still names the earlier kinds.
 */
export type CustomerIssue = Omit<Dashboard['customerIssues'][number], 'issues'> & { issues: CustomerIssueCount[] };
export type Threats = NonNullable<Dashboard['threats']>;
export type Threat = NonNullable<Threats['latest']>[number];
/** The Display filter's customer, as My Profile shows it. */
export type CustomerBrief = NonNullable<Dashboard['customer']>;
