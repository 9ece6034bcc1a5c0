import type { ReactNode } from 'react';
import type { Dashboard } from './types';

/** The dashboard as the widgets see it: the last answer (kept while the next one loads) and how loading went. */
export interface DashboardView {
  dashboard: Dashboard | null;
  loading: boolean;
  failed: boolean;
}

/** A widget's content once the dashboard is there; a short note while it loads or when it failed. */
export function DashboardContent({ view, children }: { view: DashboardView; children: (dashboard: Dashboard) => ReactNode }) {
  if (view.dashboard !== null) return children(view.dashboard);
  if (view.failed) return <p className="panel__note">Not available: the dashboard could not be loaded.</p>;
  return (
    <p className="panel__note" role="status">
      Loading…
    </p>
  );
}
