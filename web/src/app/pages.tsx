import type { ComponentType } from 'react';
import { CustomersPage } from '../customers/CustomersPage';
import { RequestsPage } from '../customers/RequestsPage';
import { HomePage } from '../pages/HomePage';

export interface AppPage {
  /** Route path inside the signed-in area. */
  path: string;
  /** Label in the navigation. */
  label: string;
  component: ComponentType;
}

/**
 * Every page of the signed-in console, in navigation order. The router and the
 * navigation are both built from this list: adding a page is one line here.
 */
export const APP_PAGES: readonly AppPage[] = [
  { path: '/', label: 'Home', component: HomePage },
  { path: '/customers', label: 'Customers', component: CustomersPage },
  { path: '/customers/requests', label: 'Requests', component: RequestsPage },
];
