import { Link } from 'react-router';
import { isBuiltInRole } from '../admin/labels';
import { useCurrentSession } from '../auth/AuthContext';
import './reports.css';
import { ReportsTab } from './ReportsTab';

/**
 * The guide's Reports page. Its Reports tab lists the reports made with the report
 * wizard; each further tab of the page is a component of its own beside `ReportsTab`.
 */
export function ReportsPage() {
  const { user } = useCurrentSession();
  return (
    <div className="page page--wide">
      <title>Reports · Partner Console</title>
      <div className="page__header">
        <div>
          <h1 className="page__title">Reports</h1>
          <p className="page__subtitle">The reports you and your colleagues asked for, newest first.</p>
        </div>
        {isBuiltInRole(user.role) ? (
          <div className="page__actions">
            <Link to="/admin/report-customization" data-testid="report-customization-link">
              Report Customization
            </Link>
          </div>
        ) : null}
      </div>
      <ReportsTab />
    </div>
  );
}
