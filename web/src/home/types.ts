/** The Home page's types, from the API's OpenAPI document (see `api/client.ts`). */
import type { Dashboard } from '../api/client';

export type { Dashboard, DashboardLayout, NewsItem, NewsPage, WidgetId } from '../api/client';

/** A row of Customer Issues: a customer with open alerts, counted by alert kind. */
export type CustomerIssue = Dashboard['customerIssues'][number];
export type Threats = NonNullable<Dashboard['threats']>;
export type Threat = NonNullable<Threats['latest']>[number];
/** The Display filter's customer, as My Profile shows it. */
export type CustomerBrief = NonNullable<Dashboard['customer']>;
