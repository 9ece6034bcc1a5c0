import { useEffect, useId, useRef, type ReactNode } from 'react';
import { formatDateTime, formatNumber } from '../customers/labels';
import { ALERT_STATUS_LABELS, alertKindLabel, SERVICE_LABELS } from './labels';
import { SeverityBadge } from './SeverityBadge';
import type { Alert } from './types';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="details__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Time({ value }: { value: string }) {
  return <time dateTime={value}>{formatDateTime(value)}</time>;
}

/** The body's lines as the alert wrote them. */
function BodyText({ body }: { body: string }) {
  const lines = body.split(/\r\n|\r|\n/);
  return (
    <p className="alerts-pane__body" data-testid="alert-body">
      {lines.map((line, index) => (
        <span key={index}>
          {index > 0 ? <br /> : null}
          {line}
        </span>
      ))}
    </p>
  );
}

/**
 * The viewing pane of one alert: beside the listing on wide screens, below it on
 * narrow ones. It takes focus when it opens; Escape or Close closes it.
 */
export function AlertPane({ alert, onClose }: { alert: Alert; onClose: () => void }) {
  const titleId = useId();
  const paneRef = useRef<HTMLElement>(null);

  useEffect(() => {
    paneRef.current?.focus();
  }, [alert.id]);

  return (
    <aside
      ref={paneRef}
      className="panel panel--stack alerts-pane"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid="alert-pane"
      data-alert-id={alert.id}
    >
      <div className="panel__header">
        <h2 id={titleId} className="panel__title">
          {alert.subject}
        </h2>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={onClose}
          aria-label="Close alert"
          data-testid="alert-pane-close"
        >
          Close
        </button>
      </div>
      <dl className="details details--compact">
        <Row label="Severity">
          <SeverityBadge severity={alert.severity} />
        </Row>
        <Row label="Alert type">
          {alertKindLabel(alert.kind)}
          <span className="table__secondary">{SERVICE_LABELS[alert.service] ?? alert.service}</span>
        </Row>
        <Row label="Delivered to">{alert.customerName ?? '—'}</Row>
        {alert.computer ? <Row label="Computer">{alert.computer}</Row> : null}
        {alert.userName ? <Row label="User">{alert.userName}</Row> : null}
        <Row label="Raised">
          <Time value={alert.raisedAt} />
        </Row>
        <Row label="Last updated">
          <Time value={alert.updatedAt} />
        </Row>
        <Row label="Occurrences">{formatNumber(alert.occurrences)}</Row>
        <Row label="Status">
          {ALERT_STATUS_LABELS[alert.status] ?? alert.status}
          {alert.status === 'dismissed' && alert.dismissedAt ? (
            <span className="table__secondary">
              <Time value={alert.dismissedAt} />
              {alert.dismissedBy ? ` by ${alert.dismissedBy}` : ''}
            </span>
          ) : null}
        </Row>
      </dl>
      <BodyText body={alert.body} />
    </aside>
  );
}
