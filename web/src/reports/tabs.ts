/** The Reports page's tabs, named in its address (`/reports?tab=templates`); the Reports tab has none. */
export const TEMPLATES_TAB = 'templates';
export const SCHEDULES_TAB = 'schedules';

export type ReportsPageTab = 'reports' | typeof TEMPLATES_TAB | typeof SCHEDULES_TAB;

export function tabOf(search: URLSearchParams): ReportsPageTab {
  const tab = search.get('tab');
  return tab === TEMPLATES_TAB || tab === SCHEDULES_TAB ? tab : 'reports';
}
