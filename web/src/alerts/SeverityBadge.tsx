import './alerts.css';
import { alertCountLabel, SEVERITY_LABELS } from './labels';
import type { AlertCounts, Severity } from './types';

/** A severity in its colour (Error red, Warning yellow, Informational green) and in words. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`status severity severity--${severity}`} data-severity={severity}>
      {SEVERITY_LABELS[severity] ?? severity}
    </span>
  );
}

/** A customer's open Error and Warning alerts as badges ("2 errors", "1 warning"); nothing when there are none. */
export function AlertCountBadges({ counts }: { counts: Partial<AlertCounts> | undefined }) {
  const error = counts?.error ?? 0;
  const warning = counts?.warning ?? 0;
  if (error <= 0 && warning <= 0) return null;
  return (
    <span className="alert-counts">
      {error > 0 ? <span className="status severity severity--error">{alertCountLabel('error', error)}</span> : null}
      {error > 0 && warning > 0 ? ' ' : null}
      {warning > 0 ? (
        <span className="status severity severity--warning">{alertCountLabel('warning', warning)}</span>
      ) : null}
    </span>
  );
}
