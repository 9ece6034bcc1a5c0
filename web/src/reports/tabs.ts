/** The Reports page's tabs, named in its address (`/reports?tab=templates`); the Reports tab has none. */
export const TEMPLATES_TAB = 'templates';
export const SCHEDULES_TAB = 'schedules';

export type ReportsPageTab = 'reports' | typeof TEMPLATES_TAB | typeof SCHEDULES_TAB;

/** The report a link names (`/reports?report=<id>`, as report emails link to it), if any. */
export function linkedReportOf(search: URLSearchParams): string | null {
  return search.get('report') || null;
}

/** The tab shown: a linked report always shows the Reports tab. */
export function tabOf(search: URLSearchParams): ReportsPageTab {
  if (linkedReportOf(search) !== null) return 'reports';
  const tab = search.get('tab');
  return tab === TEMPLATES_TAB || tab === SCHEDULES_TAB ? tab : 'reports';
}
