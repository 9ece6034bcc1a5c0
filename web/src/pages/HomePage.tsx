import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { RecentActivity } from '../activity/RecentActivity';
import type { Problem } from '../api/problem';
import { useAuth, useCurrentSession } from '../auth/AuthContext';
import { FormAlert } from '../components/FormAlert';
import { ProblemAlert } from '../customers/problems';
import {
  EndpointProtectionWidget,
  IntrusionPreventionWidget,
  ProductDeploymentWidget,
  RiskActivityWidget,
} from '../home/ActivityWidgets';
import { AddWidgetsMenu } from '../home/AddWidgetsMenu';
import { fetchDashboard } from '../home/api';
import { CustomerFilter, type ChosenCustomer } from '../home/CustomerFilter';
import { CustomerIssuesWidget } from '../home/CustomerIssuesWidget';
import type { DashboardView } from '../home/DashboardContent';
import { MyProductsWidget, NewsAlertsWidget, ThreatsSummaryWidget } from '../home/InfoWidgets';
import { PARTNER_WIDE, WIDGET_TITLES } from '../home/labels';
import {
  addWidget,
  DEFAULT_LAYOUT,
  moveWidget,
  moveWidgetBy,
  removeWidget,
  sameLayout,
  type Layout,
} from '../home/layout';
import { MyProfileWidget, QuickTasksWidget } from '../home/ProfileWidgets';
import type { Dashboard, WidgetId } from '../home/types';
import { useHomeLayout } from '../home/useHomeLayout';
import type { WidgetControls } from '../home/Widget';
import { WelcomePanel } from '../help/WelcomePanel';
import { ActivateSerialDialog } from '../licensing/ActivateSerialDialog';
import { ACTIVATED_MESSAGE } from '../licensing/exspSerial';

/** What Home says after an activation; `refreshed` is false when the account could not be reloaded. */
interface Activated {
  refreshed: boolean;
}

interface Answer {
  /** The request the answer belongs to (customer and attempt). */
  key: string;
  dashboard: Dashboard | null;
  problem: Problem | null;
}

/**
 * The dashboard for the Display filter's customer (or all customers). While the next
 * answer loads, the last one stays on the page, marked busy.
 */
function useDashboard(customerId: string | null) {
  const [attempt, setAttempt] = useState(0);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const key = `${customerId ?? ''}#${attempt}`;

  useEffect(() => {
    let live = true;
    void fetchDashboard(customerId).then((result) => {
      if (!live) return;
      setAnswer(
        result.ok
          ? { key, dashboard: result.data, problem: null }
          : { key, dashboard: null, problem: result.problem },
      );
    });
    return () => {
      live = false;
    };
  }, [customerId, key]);

  const current = answer !== null && answer.key === key;
  const view: DashboardView = {
    dashboard: answer?.dashboard ?? null,
    loading: !current,
    failed: current && answer.problem !== null,
  };
  return { view, problem: current ? answer.problem : null, retry: () => setAttempt((count) => count + 1) };
}

function LayoutSkeleton() {
  return (
    <p className="panel__note" role="status">
      Loading your widgets…
    </p>
  );
}

export function HomePage() {
  const { user } = useCurrentSession();
  const { refreshAccount } = useAuth();
  const [activating, setActivating] = useState(false);
  const [activated, setActivated] = useState<Activated | null>(null);
  const activatedRef = useRef<HTMLDivElement>(null);

  const [searchParams, setSearchParams] = useSearchParams();
  const customerId = searchParams.get('customer') || null;
  const [chosenName, setChosenName] = useState<string | null>(null);
  const { view, problem, retry } = useDashboard(customerId);

  const { state: layoutState, change, dismissProblem } = useHomeLayout();
  const [dragging, setDragging] = useState<WidgetId | null>(null);
  const [announcement, setAnnouncement] = useState('');
  /** Where focus goes once the page shows a layout change (a CSS selector), and a counter to repeat it. */
  const [focusRequest, setFocusRequest] = useState<{ selector: string; count: number } | null>(null);

  // The dialog's opener is gone once the partner is in ExSP: the confirmation takes focus.
  useEffect(() => {
    if (activated) activatedRef.current?.focus();
  }, [activated]);

  useEffect(() => {
    if (focusRequest) document.querySelector<HTMLElement>(focusRequest.selector)?.focus();
  }, [focusRequest]);

  function focusAfterChange(selector: string) {
    setFocusRequest((previous) => ({ selector, count: (previous?.count ?? 0) + 1 }));
  }

  async function handleActivated() {
    const me = await refreshAccount();
    setActivating(false);
    setActivated({ refreshed: me.ok });
  }

  function chooseCustomer(customer: ChosenCustomer | null) {
    setChosenName(customer?.name ?? null);
    setSearchParams(customer === null ? {} : { customer: customer.id });
  }

  const layout = layoutState.status === 'ready' ? layoutState.layout : null;

  async function applyChange(next: Layout, said: string) {
    setAnnouncement(said);
    if ((await change(next)) === 'failed') setAnnouncement('The layout could not be saved; the previous layout is back.');
  }

  const controls = (id: WidgetId): WidgetControls => ({
    position: layout?.widgets.indexOf(id) ?? 0,
    count: layout?.widgets.length ?? 0,
    dragging,
    onMove: (widget, delta) => {
      if (!layout) return;
      const next = moveWidgetBy(layout, widget, delta);
      const position = next.widgets.indexOf(widget) + 1;
      focusAfterChange(`[data-testid="widget-${widget}-${delta < 0 ? 'up' : 'down'}"]`);
      void applyChange(next, `${WIDGET_TITLES[widget]} moved to position ${position} of ${next.widgets.length}.`);
    },
    onRemove: (widget) => {
      if (!layout) return;
      focusAfterChange('[data-testid="add-widgets-open"]');
      void applyChange(removeWidget(layout, widget), `${WIDGET_TITLES[widget]} removed. Add it back from Add widgets.`);
    },
    onDragStart: setDragging,
    onDragEnd: () => setDragging(null),
    onDrop: (target) => {
      const moved = dragging;
      setDragging(null);
      if (!layout || moved === null || moved === target) return;
      const next = moveWidget(layout, moved, layout.widgets.indexOf(target));
      const position = next.widgets.indexOf(moved) + 1;
      void applyChange(next, `${WIDGET_TITLES[moved]} moved to position ${position} of ${next.widgets.length}.`);
    },
  });

  function addBack(id: WidgetId) {
    if (!layout) return;
    focusAfterChange(`[data-testid="widget-${id}"]`);
    void applyChange(addWidget(layout, id), `${WIDGET_TITLES[id]} added at the end of the page.`);
  }

  function resetLayout() {
    focusAfterChange('[data-testid="widget-customerIssues"]');
    void applyChange(DEFAULT_LAYOUT, 'The layout is back to the default: every widget, in the standard order.');
  }

  const customerName = view.dashboard?.customer?.id === customerId ? (view.dashboard?.customer?.name ?? null) : chosenName;
  const scopeOf = (id: WidgetId): ReactNode => {
    if (customerId === null) return null;
    return PARTNER_WIDE.has(id) ? 'All customers' : (customerName ?? 'The chosen customer');
  };

  function renderWidget(id: WidgetId) {
    const props = { controls: controls(id), view, scope: scopeOf(id) };
    switch (id) {
      case 'customerIssues':
        return <CustomerIssuesWidget key={id} {...props} />;
      case 'myProfile':
        return <MyProfileWidget key={id} controls={props.controls} view={view} customerId={customerId} />;
      case 'quickTasks':
        return (
          <QuickTasksWidget
            key={id}
            controls={props.controls}
            view={view}
            customerId={customerId}
            onActivateSerial={() => setActivating(true)}
          />
        );
      case 'productDeployment':
        return <ProductDeploymentWidget key={id} {...props} customerId={customerId} />;
      case 'riskActivity':
        return <RiskActivityWidget key={id} {...props} customerId={customerId} />;
      case 'intrusionPrevention':
        return <IntrusionPreventionWidget key={id} {...props} customerId={customerId} />;
      case 'threatsSummary':
        return <ThreatsSummaryWidget key={id} {...props} />;
      case 'newsAlerts':
        return <NewsAlertsWidget key={id} {...props} />;
      case 'endpointProtection':
        return <EndpointProtectionWidget key={id} {...props} />;
      case 'myProducts':
        return <MyProductsWidget key={id} {...props} />;
    }
  }

  const layoutProblem = layoutState.status === 'ready' ? (layoutState.saveProblem ?? null) : null;
  const loadProblem = layoutState.status === 'ready' ? layoutState.loadProblem : null;

  return (
    <div className="page page--wide">
      <title>Home · Partner Console</title>
      <div className="page__header">
        <div>
          <h1 className="page__title">Welcome, {user.firstName}</h1>
          <p className="page__subtitle">Your partner account at a glance.</p>
        </div>
        <CustomerFilter
          value={customerId === null ? null : { id: customerId, name: customerName }}
          onChange={chooseCustomer}
        />
      </div>

      <WelcomePanel />

      {activated ? (
        <div ref={activatedRef} tabIndex={-1} className="form__message">
          <FormAlert tone="success" title={ACTIVATED_MESSAGE}>
            {activated.refreshed ? null : <p>Reload the page to see your partner program.</p>}
          </FormAlert>
        </div>
      ) : null}

      {problem ? (
        <div className="form__message" data-testid="dashboard-problem">
          <FormAlert
            title={
              problem.status === 404 && customerId !== null
                ? 'This customer is not available'
                : 'The dashboard could not be loaded'
            }
          >
            <p>
              {problem.status === 404 && customerId !== null
                ? 'It may have been removed, or your role gives no access to it.'
                : `${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`}
            </p>
            <p className="alert__actions">
              {problem.status === 404 && customerId !== null ? (
                <button type="button" className="button button--secondary" onClick={() => chooseCustomer(null)}>
                  Show all customers
                </button>
              ) : (
                <button type="button" className="button button--secondary" onClick={retry}>
                  Try again
                </button>
              )}
            </p>
          </FormAlert>
        </div>
      ) : null}

      <div className="home-toolbar">
        <p className="home-toolbar__hint muted">
          Drag a widget by its handle, or use its arrows, to change the order.
        </p>
        <div className="page__actions">
          <AddWidgetsMenu
            hidden={layout?.hidden ?? []}
            onAdd={addBack}
            disabled={layout === null}
          />
          <button
            type="button"
            className="button button--secondary"
            onClick={resetLayout}
            disabled={layout === null || sameLayout(layout, DEFAULT_LAYOUT)}
            data-testid="reset-layout"
          >
            Reset layout
          </button>
        </div>
      </div>

      {layoutProblem ? (
        <div className="form__message" data-testid="layout-problem">
          <ProblemAlert title="Your layout could not be saved, so the change was undone" problem={layoutProblem} />
          <p className="alert__actions">
            <button type="button" className="button button--secondary button--small" onClick={dismissProblem}>
              Dismiss
            </button>
          </p>
        </div>
      ) : null}
      {loadProblem ? (
        <FormAlert tone="info" title="Your layout could not be loaded: the default layout is shown">
          <p>
            {loadProblem.title}
            {loadProblem.detail ? `: ${loadProblem.detail}` : ''}
          </p>
        </FormAlert>
      ) : null}

      <p className="visually-hidden" aria-live="polite" data-testid="layout-announcement">
        {announcement}
      </p>

      {layout === null ? (
        <LayoutSkeleton />
      ) : layout.widgets.length === 0 ? (
        <div className="empty-state panel" data-testid="no-widgets">
          <p>Every widget is removed. Add them back from Add widgets, or reset the layout.</p>
        </div>
      ) : (
        <div className="widgets" data-testid="widgets">
          {layout.widgets.map(renderWidget)}
        </div>
      )}

      {activating ? (
        <ActivateSerialDialog onClose={() => setActivating(false)} onActivated={handleActivated} />
      ) : null}

      <RecentActivity />
    </div>
  );
}
