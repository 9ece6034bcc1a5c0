import type { ComponentType } from 'react';
import { ApiClientsPage } from '../admin/ApiClientsPage';
import { AuditPage } from '../admin/AuditPage';
import { MyCompanyPage } from '../admin/MyCompanyPage';
import { isBuiltInRole } from '../admin/labels';
import { RolesPage } from '../admin/RolesPage';
import { SecurityPage } from '../admin/SecurityPage';
import { UsersPage } from '../admin/UsersPage';
import { AlertsPage } from '../alerts/AlertsPage';
import { AlertNotificationsPage } from '../alerts/rules/AlertNotificationsPage';
import type { Permissions } from '../api/client';
import { CustomersPage } from '../customers/CustomersPage';
import { RequestsPage } from '../customers/RequestsPage';
import { NewsPage } from '../home/NewsPage';
import { HomePage } from '../pages/HomePage';
import { BillingPage } from '../reports/billing/BillingPage';
import { ReportCustomizationPage } from '../reports/customization/ReportCustomizationPage';
import { ReportsPage } from '../reports/ReportsPage';
import { EndpointStatisticsPage } from '../statistics/EndpointStatisticsPage';
import { MyProductsPage } from '../statistics/MyProductsPage';
import { ProductDeploymentPage } from '../statistics/ProductDeploymentPage';

export interface AppPage {
  /** Route path inside the signed-in area. */
  path: string;
  /** Label in the navigation. */
  label: string;
  component: ComponentType;
  /** The navigation section the page is listed under; the main pages have none. */
  section?: 'Administration';
  /**
   * Whether the signed-in user's role opens the page (from `can` in `/me`, and the role's
   * id); every role does when absent. The navigation leaves out the pages a role does not
   * open.
   */
  allowed?: (can: Permissions, role: string) => boolean;
}

/**
 * Every page of the signed-in console, in navigation order. The router and the
 * navigation are both built from this list: adding a page is one line here.
 */
export const APP_PAGES: readonly AppPage[] = [
  { path: '/', label: 'Home', component: HomePage },
  { path: '/customers', label: 'Customers', component: CustomersPage },
  { path: '/customers/requests', label: 'Requests', component: RequestsPage },
  { path: '/alerts', label: 'Alerts', component: AlertsPage },
  { path: '/statistics/endpoint', label: 'Endpoint Statistics', component: EndpointStatisticsPage },
  { path: '/statistics/deployment', label: 'Product Deployment', component: ProductDeploymentPage },
  { path: '/products', label: 'My Products', component: MyProductsPage },
  { path: '/reports', label: 'Reports', component: ReportsPage },
  { path: '/billing', label: 'Billing', component: BillingPage },
  { path: '/news', label: 'News Alerts', component: NewsPage },
  {
    path: '/admin/users',
    label: 'Users',
    component: UsersPage,
    section: 'Administration',
    allowed: (can) => can.viewUsers,
  },
  {
    path: '/admin/roles',
    label: 'User Roles',
    component: RolesPage,
    section: 'Administration',
    allowed: (can) => can.viewUsers,
  },
  {
    path: '/admin/alert-notifications',
    label: 'Alert Notifications',
    component: AlertNotificationsPage,
    section: 'Administration',
    allowed: (can) => can.viewUsers,
  },
  {
    path: '/admin/report-customization',
    label: 'Report Customization',
    component: ReportCustomizationPage,
    section: 'Administration',
    allowed: (_can, role) => isBuiltInRole(role),
  },
  { path: '/admin/company', label: 'My Company', component: MyCompanyPage, section: 'Administration' },
  {
    path: '/admin/api-clients',
    label: 'API Clients',
    component: ApiClientsPage,
    section: 'Administration',
    allowed: (can) => can.manageUsers,
  },
  {
    path: '/admin/security',
    label: 'Security',
    component: SecurityPage,
    section: 'Administration',
    allowed: (can) => can.manageSecurity,
  },
  {
    path: '/admin/audit',
    label: 'Security Audit',
    component: AuditPage,
    section: 'Administration',
    allowed: (can) => can.viewAuditTrail,
  },
];

/** The pages a role opens, in navigation order. */
export function allowedPages(can: Permissions, role: string): AppPage[] {
  return APP_PAGES.filter((page) => page.allowed === undefined || page.allowed(can, role));
}
