import type { DashboardLayout, WidgetId } from './types';

/** Every Home widget, in the guide's Table 1-1 order: the default layout. */
export const WIDGET_IDS: readonly WidgetId[] = [
  'customerIssues',
  'myProfile',
  'quickTasks',
  'productDeployment',
  'riskActivity',
  'intrusionPrevention',
  'threatsSummary',
  'newsAlerts',
  'endpointProtection',
  'myProducts',
];

/** The shown widgets in order and the removed ones. */
export type Layout = DashboardLayout;

/** What a new user sees: every widget, in Table 1-1 order. */
export const DEFAULT_LAYOUT: Layout = { widgets: [...WIDGET_IDS], hidden: [] };

export function isWidgetId(value: unknown): value is WidgetId {
  return typeof value === 'string' && (WIDGET_IDS as readonly string[]).includes(value);
}

/** Hidden widgets are kept in Table 1-1 order, so the "Add widgets" menu reads the same way every time. */
function sortedHidden(hidden: Iterable<WidgetId>): WidgetId[] {
  const set = new Set(hidden);
  return WIDGET_IDS.filter((id) => set.has(id));
}

/**
 * A stored layout made safe to show: ids this version does not know are dropped, each
 * widget appears once (shown wins over hidden), and widgets the stored layout does not
 * know (added to the console after it was saved) are shown at the end, in Table 1-1 order.
 */
export function normalizeLayout(stored: { widgets: readonly string[]; hidden: readonly string[] }): Layout {
  const widgets: WidgetId[] = [];
  for (const id of stored.widgets) {
    if (isWidgetId(id) && !widgets.includes(id)) widgets.push(id);
  }
  const hidden = sortedHidden(stored.hidden.filter(isWidgetId).filter((id) => !widgets.includes(id)));
  const unknown = WIDGET_IDS.filter((id) => !widgets.includes(id) && !hidden.includes(id));
  return { widgets: [...widgets, ...unknown], hidden };
}

/** Moves a shown widget to `index` (clamped), as when it is dropped on the widget now there. */
export function moveWidget(layout: Layout, id: WidgetId, index: number): Layout {
  const from = layout.widgets.indexOf(id);
  if (from < 0) return layout;
  const to = Math.max(0, Math.min(index, layout.widgets.length - 1));
  if (to === from) return layout;
  const widgets = layout.widgets.filter((widget) => widget !== id);
  widgets.splice(to, 0, id);
  return { widgets, hidden: layout.hidden };
}

/** Moves a shown widget one place earlier (-1) or later (+1). */
export function moveWidgetBy(layout: Layout, id: WidgetId, delta: -1 | 1): Layout {
  const from = layout.widgets.indexOf(id);
  return from < 0 ? layout : moveWidget(layout, id, from + delta);
}

/** Hides a widget; it can be added back. */
export function removeWidget(layout: Layout, id: WidgetId): Layout {
  if (!layout.widgets.includes(id)) return layout;
  return { widgets: layout.widgets.filter((widget) => widget !== id), hidden: sortedHidden([...layout.hidden, id]) };
}

/** Shows a hidden widget again, at the end of the page. */
export function addWidget(layout: Layout, id: WidgetId): Layout {
  if (!layout.hidden.includes(id)) return layout;
  return { widgets: [...layout.widgets, id], hidden: layout.hidden.filter((widget) => widget !== id) };
}

export function sameLayout(a: Layout, b: Layout): boolean {
  return (
    a.widgets.length === b.widgets.length &&
    a.hidden.length === b.hidden.length &&
    a.widgets.every((id, index) => b.widgets[index] === id) &&
    a.hidden.every((id, index) => b.hidden[index] === id)
  );
}
