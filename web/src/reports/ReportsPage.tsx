import { Link, useSearchParams } from 'react-router';
import { isBuiltInRole } from '../admin/labels';
import { useCurrentSession } from '../auth/AuthContext';
import './reports.css';
import { PageTabs } from './PageTabs';
import { ReportsTab } from './ReportsTab';
import { SchedulesTab } from './schedules/SchedulesTab';
import { linkedReportOf, SCHEDULES_TAB, tabOf, TEMPLATES_TAB, type ReportsPageTab } from './tabs';
import { TemplatesTab } from './templates/TemplatesTab';

/** The guide's three tabs ("Using Partner Management Console Reports"). */
const TABS: readonly { id: ReportsPageTab; label: string }[] = [
  { id: 'reports', label: 'Reports' },
  { id: TEMPLATES_TAB, label: 'Report Templates' },
  { id: SCHEDULES_TAB, label: 'Scheduled Reports' },
];

const SUBTITLES: Readonly<Record<ReportsPageTab, string>> = {
  reports: 'The reports you and your colleagues asked for, newest first.',
  [TEMPLATES_TAB]: 'Report configurations saved from the wizard, to generate again or to schedule.',
  [SCHEDULES_TAB]: 'Report templates that run by themselves and email their reports.',
};

/**
 * The guide's Reports page and its tabs: Reports (made with the report wizard), Report
 * Templates and Scheduled Reports, each a component of its own. The tab is in the
 * address (`?tab=`), so it survives a reload and Back returns to it.
 */
export function ReportsPage() {
  const { user } = useCurrentSession();
  const [search, setSearch] = useSearchParams();
  const tab = tabOf(search);
  const linkedReport = linkedReportOf(search);
  return (
    <div className="page page--wide">
      <title>Reports · Partner Console</title>
      <div className="page__header">
        <div>
          <h1 className="page__title">Reports</h1>
          <p className="page__subtitle">{SUBTITLES[tab]}</p>
        </div>
        {isBuiltInRole(user.role) ? (
          <div className="page__actions">
            <Link to="/admin/report-customization" data-testid="report-customization-link">
              Report Customization
            </Link>
          </div>
        ) : null}
      </div>
      <PageTabs
        label="Reports"
        tabs={TABS}
        current={tab}
        onSelect={(next) => setSearch(next === 'reports' ? {} : { tab: next })}
      >
        {tab === 'reports' ? <ReportsTab key={linkedReport} linkedReportId={linkedReport} /> : null}
        {tab === TEMPLATES_TAB ? <TemplatesTab /> : null}
        {tab === SCHEDULES_TAB ? <SchedulesTab /> : null}
      </PageTabs>
    </div>
  );
}
