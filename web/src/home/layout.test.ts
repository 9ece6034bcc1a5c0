import { describe, expect, it } from 'vitest';
import {
  addWidget,
  DEFAULT_LAYOUT,
  isWidgetId,
  moveWidget,
  moveWidgetBy,
  normalizeLayout,
  removeWidget,
  sameLayout,
  WIDGET_IDS,
  type Layout,
} from './layout';

const short: Layout = { widgets: ['myProfile', 'quickTasks', 'newsAlerts'], hidden: [] };

describe('Home layout', () => {
  it('starts with every widget in Table 1-1 order and none hidden', () => {
    expect(DEFAULT_LAYOUT.widgets).toEqual([
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
    ]);
    expect(DEFAULT_LAYOUT.hidden).toEqual([]);
  });

  it('knows the widget ids', () => {
    expect(isWidgetId('myProducts')).toBe(true);
    expect(isWidgetId('weather')).toBe(false);
    expect(isWidgetId(3)).toBe(false);
  });

  it('moves a widget to the place of the one it is dropped on, either way', () => {
    expect(moveWidget(short, 'newsAlerts', 0).widgets).toEqual(['newsAlerts', 'myProfile', 'quickTasks']);
    expect(moveWidget(short, 'myProfile', 2).widgets).toEqual(['quickTasks', 'newsAlerts', 'myProfile']);
    expect(moveWidget(short, 'myProfile', 1).widgets).toEqual(['quickTasks', 'myProfile', 'newsAlerts']);
  });

  it('leaves the layout alone for a move to the same place, a hidden widget or past the ends', () => {
    expect(moveWidget(short, 'quickTasks', 1)).toBe(short);
    expect(moveWidget(short, 'myProducts', 0)).toBe(short);
    expect(moveWidget(short, 'newsAlerts', 10)).toBe(short);
    expect(moveWidgetBy(short, 'myProfile', -1)).toBe(short);
    expect(moveWidgetBy(short, 'newsAlerts', 1)).toBe(short);
  });

  it('moves one place up or down', () => {
    expect(moveWidgetBy(short, 'quickTasks', -1).widgets).toEqual(['quickTasks', 'myProfile', 'newsAlerts']);
    expect(moveWidgetBy(short, 'quickTasks', 1).widgets).toEqual(['myProfile', 'newsAlerts', 'quickTasks']);
  });

  it('removes a widget to the hidden ones, kept in Table 1-1 order, and adds it back at the end', () => {
    const removed = removeWidget(removeWidget(DEFAULT_LAYOUT, 'newsAlerts'), 'customerIssues');
    expect(removed.widgets).not.toContain('newsAlerts');
    expect(removed.widgets).not.toContain('customerIssues');
    expect(removed.hidden).toEqual(['customerIssues', 'newsAlerts']);

    const added = addWidget(removed, 'newsAlerts');
    expect(added.widgets.at(-1)).toBe('newsAlerts');
    expect(added.hidden).toEqual(['customerIssues']);
    expect(addWidget(added, 'newsAlerts')).toBe(added);
    expect(removeWidget(added, 'customerIssues')).toBe(added);
  });

  it('keeps every widget exactly once across both lists', () => {
    let layout: Layout = DEFAULT_LAYOUT;
    layout = removeWidget(layout, 'myProfile');
    layout = moveWidget(layout, 'myProducts', 0);
    layout = addWidget(layout, 'myProfile');
    layout = moveWidgetBy(layout, 'myProfile', -1);
    expect([...layout.widgets, ...layout.hidden].sort()).toEqual([...WIDGET_IDS].sort());
  });

  it('drops unknown and repeated ids from a stored layout', () => {
    const layout = normalizeLayout({
      widgets: ['myProducts', 'weather', 'myProducts', 'myProfile'],
      hidden: ['myProfile', 'stocks', ...WIDGET_IDS.filter((id) => id !== 'myProducts' && id !== 'myProfile')],
    });
    expect(layout.widgets).toEqual(['myProducts', 'myProfile']);
    expect(layout.hidden).toEqual(WIDGET_IDS.filter((id) => id !== 'myProducts' && id !== 'myProfile'));
  });

  it('shows the widgets a stored layout does not know at the end, in Table 1-1 order', () => {
    const layout = normalizeLayout({
      widgets: ['myProducts', 'quickTasks', 'myProfile'],
      hidden: ['productDeployment', 'riskActivity', 'intrusionPrevention', 'threatsSummary', 'newsAlerts'],
    });
    expect(layout.widgets).toEqual(['myProducts', 'quickTasks', 'myProfile', 'customerIssues', 'endpointProtection']);
    expect(layout.hidden).toEqual(['productDeployment', 'riskActivity', 'intrusionPrevention', 'threatsSummary', 'newsAlerts']);
  });

  it('gives the default layout for an empty stored one', () => {
    expect(sameLayout(normalizeLayout({ widgets: [], hidden: [] }), DEFAULT_LAYOUT)).toBe(true);
  });

  it('compares layouts by order', () => {
    expect(sameLayout(DEFAULT_LAYOUT, { widgets: [...WIDGET_IDS], hidden: [] })).toBe(true);
    expect(sameLayout(DEFAULT_LAYOUT, moveWidgetBy(DEFAULT_LAYOUT, 'myProfile', 1))).toBe(false);
    expect(sameLayout(DEFAULT_LAYOUT, removeWidget(DEFAULT_LAYOUT, 'myProfile'))).toBe(false);
  });
});
