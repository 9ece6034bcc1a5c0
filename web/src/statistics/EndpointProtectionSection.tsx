import { useEffect, useState } from 'react';
import type { Problem } from '../api/problem';
import { RangeSelect } from '../charts/RangeSelect';
import { rangeResolution, sliceSeries, type Range } from '../charts/range';
import { LineChart } from '../charts/TimeChart';
import { CopyButton } from '../components/CopyButton';
import { Dialog } from '../components/Dialog';
import { FormAlert } from '../components/FormAlert';
import { formatDateTime, formatNumber } from '../customers/labels';
import { LoadFailed, ProblemAlert } from '../customers/problems';
import { fetchCustomerEndpointProtection, rotateIngestionKey } from './api';
import type { CustomerEndpointProtection, EndpointSummary, IngestionKey } from '../api/client';

/** Table 2-6, in the guide's order and with its names. */
export const SUMMARY_ITEMS: ReadonlyArray<{ key: keyof EndpointSummary; label: string; testId: string }> = [
  { key: 'protected', label: 'Protected Endpoints', testId: 'ep-protected' },
  { key: 'disabled', label: 'Disabled Endpoints', testId: 'ep-disabled' },
  { key: 'risksBlocked', label: 'Risks Blocked', testId: 'ep-risks-blocked' },
  { key: 'quarantined', label: 'Quarantined Items', testId: 'ep-quarantined' },
  { key: 'totalDetections', label: 'Total Detections', testId: 'ep-total-detections' },
  { key: 'activationRequired', label: 'Activation Required', testId: 'ep-activation-required' },
  { key: 'agentUpdateRequired', label: 'Agent Update Required', testId: 'ep-agent-update-required' },
  { key: 'definitionUpdateRequired', label: 'Definition Update Required', testId: 'ep-definition-update-required' },
];

const DEPLOYED_SERIES = [{ key: 'total', label: 'Computers deployed', color: 'var(--chart-1)' }] as const;

type LoadState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; data: CustomerEndpointProtection };

/**
 * The customer profile's Endpoint Protection section: the service summary (Table 2-6),
 * the deployment chart with its "Filter by" (Table 2-7) and, for users who may manage
 * the customer, the service's ingestion key.
 */
export function EndpointProtectionSection({
  customerId,
  customerName,
  mayManage,
}: {
  customerId: string;
  customerName: string;
  mayManage: boolean;
}) {
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [range, setRange] = useState<Range>('24h');

  useEffect(() => {
    let active = true;
    void fetchCustomerEndpointProtection(customerId).then((result) => {
      if (!active) return;
      setLoad(result.ok ? { status: 'loaded', data: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [customerId, attempt]);

  return (
    <section className="panel panel--stack" aria-labelledby="endpoint-protection-heading" data-testid="endpoint-protection">
      <h2 id="endpoint-protection-heading" className="panel__title">
        Endpoint Protection
      </h2>
      {load.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading the endpoint protection summary…
        </p>
      ) : null}
      {load.status === 'failed' ? (
        <LoadFailed
          title="The endpoint protection summary could not be loaded"
          problem={load.problem}
          onRetry={() => {
            setLoad({ status: 'loading' });
            setAttempt((count) => count + 1);
          }}
        />
      ) : null}
      {load.status === 'loaded' ? (
        <>
          {load.data.summary.computers === 0 && !load.data.ingestion.lastReportAt ? (
            <p className="empty-state" data-testid="ep-no-computers">
              No computers report yet.
            </p>
          ) : null}
          <div className="subsection" aria-labelledby="ep-summary-heading">
            <h3 id="ep-summary-heading" className="subsection-title">
              Service summary
            </h3>
            <dl className="figures figures--quad" data-testid="ep-summary">
              {SUMMARY_ITEMS.map((item) => (
                <div key={item.key} className="figures__item">
                  <dt className="figures__label">{item.label}</dt>
                  <dd className="figures__value" data-testid={item.testId}>
                    {formatNumber(load.data.summary[item.key])}
                  </dd>
                </div>
              ))}
            </dl>
          </div>
          <div className="subsection" aria-labelledby="ep-deployment-heading">
            <div className="panel__header">
              <h3 id="ep-deployment-heading" className="subsection-title">
                Deployment
              </h3>
              <RangeSelect value={range} onChange={setRange} testId="ep-range" />
            </div>
            <LineChart
              title={`Endpoint Protection deployments of ${customerName}`}
              points={sliceSeries(load.data.deployment, range)}
              series={DEPLOYED_SERIES}
              resolution={rangeResolution(range)}
              hideLegend
              testId="ep-deployment-chart"
            />
          </div>
          {mayManage ? (
            <IngestionKeyPart
              customerId={customerId}
              customerName={customerName}
              keyCreatedAt={load.data.ingestion.keyCreatedAt ?? null}
              lastReportAt={load.data.ingestion.lastReportAt ?? null}
              onRotated={(key) =>
                setLoad((previous) =>
                  previous.status === 'loaded'
                    ? {
                        status: 'loaded',
                        data: { ...previous.data, ingestion: { ...previous.data.ingestion, keyCreatedAt: key.createdAt } },
                      }
                    : previous,
                )
              }
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

type KeyDialog = { kind: 'confirm' } | { kind: 'shown'; key: IngestionKey } | null;

function IngestionKeyPart({
  customerId,
  customerName,
  keyCreatedAt,
  lastReportAt,
  onRotated,
}: {
  customerId: string;
  customerName: string;
  keyCreatedAt: string | null;
  lastReportAt: string | null;
  onRotated: (key: IngestionKey) => void;
}) {
  const [dialog, setDialog] = useState<KeyDialog>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const hasKey = keyCreatedAt !== null;

  async function rotate() {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    const result = await rotateIngestionKey(customerId);
    setBusy(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    onRotated(result.data);
    setDialog({ kind: 'shown', key: result.data });
  }

  return (
    <div className="subsection ingestion-key" aria-labelledby="ingestion-key-heading" data-testid="ingestion-key">
      <div className="panel__header">
        <h3 id="ingestion-key-heading" className="subsection-title">
          Ingestion key
        </h3>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            setProblem(null);
            setDialog({ kind: 'confirm' });
          }}
          data-testid="rotate-key-open"
        >
          {hasKey ? 'Rotate key' : 'Create key'}
        </button>
      </div>
      <p className="field__hint">The Endpoint Protection service reports this customer’s computers with this key.</p>
      <dl className="details details--compact">
        <div className="details__row">
          <dt>Key created</dt>
          <dd data-testid="ingestion-key-created">
            {keyCreatedAt ? <time dateTime={keyCreatedAt}>{formatDateTime(keyCreatedAt)}</time> : 'No key yet'}
          </dd>
        </div>
        <div className="details__row">
          <dt>Last report</dt>
          <dd data-testid="ingestion-last-report">
            {lastReportAt ? <time dateTime={lastReportAt}>{formatDateTime(lastReportAt)}</time> : 'No report yet'}
          </dd>
        </div>
      </dl>
      {dialog?.kind === 'confirm' ? (
        <Dialog
          title={hasKey ? 'Rotate the ingestion key?' : 'Create an ingestion key?'}
          onClose={() => setDialog(null)}
          closeDisabled={busy}
        >
          <p className="dialog__lead">
            {hasKey
              ? `The current key of ${customerName} stops working at once: the Endpoint Protection service cannot report this customer’s computers until it is given the new key.`
              : `The Endpoint Protection service reports ${customerName}’s computers with this key.`}{' '}
            The new key is shown once.
          </p>
          {problem ? (
            <ProblemAlert
              title="The key could not be changed"
              problem={
                problem.status === 403
                  ? { ...problem, title: 'Read-only access', detail: 'Your role lets you view this customer but not change it.' }
                  : problem
              }
            />
          ) : null}
          <div className="dialog__actions">
            <button type="button" className="button button--secondary" onClick={() => setDialog(null)} disabled={busy}>
              Cancel
            </button>
            <button
              type="button"
              className="button button--danger"
              onClick={() => void rotate()}
              disabled={busy}
              data-testid="rotate-key-confirm"
            >
              {busy ? (hasKey ? 'Rotating…' : 'Creating…') : hasKey ? 'Rotate key' : 'Create key'}
            </button>
          </div>
        </Dialog>
      ) : null}
      {dialog?.kind === 'shown' ? (
        <Dialog title="Copy the ingestion key now" onClose={() => setDialog(null)} wide>
          <FormAlert tone="info" title="You will not see this key again">
            <p>
              Give it to the Endpoint Protection service before you close this. If it is lost, rotate the key again.
            </p>
          </FormAlert>
          <dl className="details details--compact">
            <div className="details__row">
              <dt>Ingestion key</dt>
              <dd>
                <code className="secret" data-testid="ingestion-key-value">
                  {dialog.key.key}
                </code>{' '}
                <CopyButton text={dialog.key.key} what="ingestion key" testId="ingestion-key-copy" />
              </dd>
            </div>
            <div className="details__row">
              <dt>Created</dt>
              <dd>
                <time dateTime={dialog.key.createdAt}>{formatDateTime(dialog.key.createdAt)}</time>
              </dd>
            </div>
          </dl>
          <div className="dialog__actions">
            <button
              type="button"
              className="button button--primary"
              onClick={() => setDialog(null)}
              data-testid="ingestion-key-done"
            >
              I have stored the key
            </button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
