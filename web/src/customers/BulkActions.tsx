import { useState, type FormEvent } from 'react';
import { saveBlob } from '../activity/saveBlob';
import type { Catalog, CustomerRow, ManagementType } from '../api/client';
import type { Problem } from '../api/problem';
import { Dialog } from '../components/Dialog';
import { TextField } from '../components/fields';
import { CUSTOMERS_CSV_FILENAME, fetchCustomersCsv, type CustomerFilters } from './api';
import { BULK_CHUNK, exportSelection, mergeRetry, notDone, runBulk, summary, type BulkOptions, type BulkOutcome, type BulkResultRow } from './bulk';
import { RadioGroup, SelectInput } from './controls';
import { formatNumber, MANAGEMENT_HINTS, MANAGEMENT_LABELS, MANAGEMENT_TYPES } from './labels';
import { ProblemAlert } from './problems';
import { useFocusOnChange } from './useFocusOnChange';

/** What the user typed to confirm removing the selected customers. */
export const REMOVE_WORD = 'REMOVE';

/** The customers selected on the list, and whether they are "all matching the filters". */
export interface Selection {
  rows: CustomerRow[];
  /** Selected with "Select all matching": every customer the filters match, or only the first ones (`capped`). */
  matching: { capped: boolean } | null;
}

/** A bulk action's answer, with what was asked in words. */
export interface BulkReport {
  title: string;
  outcome: BulkOutcome;
  /** Names of the customers asked about, for rows the answer names not (a refusal of a whole call). */
  names: ReadonlyMap<string, string>;
  /** What was asked, to send the customers not done again. */
  options: BulkOptions;
}

type OpenDialog = 'startTrial' | 'requestManagementChange' | 'resendWelcome' | 'remove' | null;

function customers(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? 'customer' : 'customers'}`;
}

interface BulkToolbarProps {
  selection: Selection;
  filters: CustomerFilters;
  catalog: Catalog | null;
  onDone: (report: BulkReport) => void;
}

/**
 * The actions on the selected customers: each asks in a dialog, then acts in calls of
 * at most {@link BULK_CHUNK} customers, and the page shows the answer per customer.
 * Actions none of the selected customers allow the user are not offered.
 */
export function BulkToolbar({ selection, filters, catalog, onDone }: BulkToolbarProps) {
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [exporting, setExporting] = useState(false);
  const [exportProblem, setExportProblem] = useState<Problem | null>(null);
  const { rows } = selection;
  const writable = rows.filter((row) => row.yourAccess.level === 'readWrite' && row.yourAccess.mayManage).length;
  const removable = rows.filter((row) => row.yourAccess.mayRemove).length;
  const readOnly = rows.length - writable;
  const names = new Map(rows.map((row) => [row.id, row.name]));
  const ids = rows.map((row) => row.id);

  async function run(options: BulkOptions, title: string) {
    const outcome = await runBulk(options, ids);
    setDialog(null);
    onDone({ title, outcome, names, options });
  }

  async function exportCsv() {
    if (exporting) return;
    setExporting(true);
    setExportProblem(null);
    // "All matching" is the filtered list's own CSV; a hand-picked selection is exported by id.
    const result =
      selection.matching !== null && !selection.matching.capped ? await fetchCustomersCsv(filters) : await exportSelection(ids);
    setExporting(false);
    if (result.ok) saveBlob(result.data, CUSTOMERS_CSV_FILENAME);
    else setExportProblem(result.problem);
  }

  return (
    <div className="bulk-toolbar" role="toolbar" aria-label="Actions on the selected customers" data-testid="bulk-toolbar">
      {writable > 0 ? (
        <>
          <button type="button" className="button button--secondary" onClick={() => setDialog('startTrial')} disabled={catalog === null} data-testid="bulk-start-trial">
            Start trial
          </button>
          <button type="button" className="button button--secondary" onClick={() => setDialog('requestManagementChange')} data-testid="bulk-management">
            Request management change
          </button>
          <button type="button" className="button button--secondary" onClick={() => setDialog('resendWelcome')} data-testid="bulk-resend-welcome">
            Resend welcome email
          </button>
        </>
      ) : null}
      <button type="button" className="button button--secondary" onClick={() => void exportCsv()} disabled={exporting} data-testid="bulk-export">
        {exporting ? 'Exporting…' : 'Export selection'}
      </button>
      {removable > 0 ? (
        <button type="button" className="button button--secondary button--danger-outline" onClick={() => setDialog('remove')} data-testid="bulk-remove">
          Remove
        </button>
      ) : null}
      {readOnly > 0 ? (
        <p className="field__hint bulk-toolbar__note" data-testid="bulk-read-only">
          Your role may only view {customers(readOnly)} of the selection: changes to {readOnly === 1 ? 'it' : 'them'} will be refused.
        </p>
      ) : null}
      {exportProblem ? <ProblemAlert title="The selection could not be exported" problem={exportProblem} /> : null}

      {dialog === 'startTrial' && catalog ? (
        <StartTrialDialog count={rows.length} catalog={catalog} onClose={() => setDialog(null)} onRun={run} />
      ) : null}
      {dialog === 'requestManagementChange' ? (
        <ManagementDialog count={rows.length} onClose={() => setDialog(null)} onRun={run} />
      ) : null}
      {dialog === 'resendWelcome' ? (
        <ConfirmBulkDialog
          title="Resend welcome emails?"
          lead={`Each of the ${customers(rows.length)}’ administrators who has not chosen a password yet is sent the welcome email again, with a new link. Customers whose administrator has a password are refused.`}
          confirm="Resend welcome emails"
          onClose={() => setDialog(null)}
          onConfirm={() => run({ action: 'resendWelcome' }, 'Resend welcome email')}
        />
      ) : null}
      {dialog === 'remove' ? (
        <RemoveBulkDialog count={rows.length} onClose={() => setDialog(null)} onRun={run} />
      ) : null}
    </div>
  );
}

type RunBulk = (options: BulkOptions, title: string) => Promise<void>;

function Working({ count }: { count: number }) {
  return (
    <p className="panel__note" role="status">
      Working on {customers(count)}
      {count > BULK_CHUNK ? `, ${formatNumber(BULK_CHUNK)} at a time` : ''}…
    </p>
  );
}

function StartTrialDialog({ count, catalog, onClose, onRun }: { count: number; catalog: Catalog; onClose: () => void; onRun: RunBulk }) {
  const [product, setProduct] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, 'select');
  const trials = catalog.products.filter((item) => item.hasTrial);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const chosen = trials.find((item) => item.id === product);
    if (!chosen) {
      setError('Choose a product.');
      setFailures((value) => value + 1);
      return;
    }
    setBusy(true);
    await onRun({ action: 'startTrial', product: chosen.id }, `Start a trial of ${chosen.name}`);
  }

  return (
    <Dialog title="Start a trial" onClose={onClose} closeDisabled={busy}>
      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <p className="dialog__lead">
          A {catalog.trialDays}-day trial for {catalog.trialSeats} seats starts for each of the {customers(count)}. A customer
          who has had a trial of the product, or has it already, is refused.
        </p>
        <SelectInput
          name="bulkTrialProduct"
          label="Product"
          value={product}
          onChange={(value) => {
            setProduct(value);
            setError(undefined);
          }}
          options={trials.map((item) => ({ value: item.id, label: item.name }))}
          placeholder="Choose a product"
          error={error}
          testId="bulk-trial-product"
        />
        {busy ? <Working count={count} /> : null}
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="bulk-trial-confirm">
            {busy ? 'Starting…' : 'Start trials'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ManagementDialog({ count, onClose, onRun }: { count: number; onClose: () => void; onRun: RunBulk }) {
  const [management, setManagement] = useState<ManagementType | ''>('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, 'input');

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (management === '') {
      setError('Choose a management type.');
      setFailures((value) => value + 1);
      return;
    }
    setBusy(true);
    await onRun({ action: 'requestManagementChange', management }, `Request a change to ${MANAGEMENT_LABELS[management]}`);
  }

  return (
    <Dialog title="Request a management change" onClose={onClose} closeDisabled={busy}>
      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <RadioGroup<ManagementType>
          name="bulkManagement"
          legend={`New management type for ${customers(count)}`}
          value={management}
          onChange={(value) => {
            setManagement(value);
            setError(undefined);
          }}
          options={MANAGEMENT_TYPES.map((type) => ({ value: type, label: MANAGEMENT_LABELS[type], hint: MANAGEMENT_HINTS[type] }))}
          description="Partner or co-management needs each customer’s consent: its administrator is emailed a request, and nothing changes until they approve it. A change that gives you less access applies at once."
          error={error}
          testIdPrefix="bulk-management"
        />
        {busy ? <Working count={count} /> : null}
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="bulk-management-confirm">
            {busy ? 'Sending…' : 'Request change'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ConfirmBulkDialog({
  title,
  lead,
  confirm,
  onClose,
  onConfirm,
}: {
  title: string;
  lead: string;
  confirm: string;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={title} onClose={onClose} closeDisabled={busy}>
      <p className="dialog__lead">{lead}</p>
      {busy ? (
        <p className="panel__note" role="status">
          Working…
        </p>
      ) : null}
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void onConfirm();
          }}
          data-testid="bulk-confirm"
        >
          {busy ? 'Sending…' : confirm}
        </button>
      </div>
    </Dialog>
  );
}

function RemoveBulkDialog({ count, onClose, onRun }: { count: number; onClose: () => void; onRun: RunBulk }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const matches = typed.trim() === REMOVE_WORD;

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy || !matches) return;
    setBusy(true);
    await onRun({ action: 'remove' }, `Remove ${customers(count)}`);
  }

  return (
    <Dialog title={`Remove ${customers(count)}?`} onClose={onClose} closeDisabled={busy}>
      <form className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <p className="dialog__lead">
          Each customer’s account, its products and trials, and its administrator’s login are removed at once. This cannot
          be undone.
        </p>
        <TextField
          name="bulkRemoveConfirm"
          label={`Type ${REMOVE_WORD} to confirm`}
          value={typed}
          onChange={setTyped}
          autoComplete="off"
          spellCheck={false}
          testId="bulk-remove-word"
        />
        {busy ? <Working count={count} /> : null}
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Keep customers
          </button>
          <button type="submit" className="button button--danger" disabled={busy || !matches} data-testid="bulk-remove-confirm">
            {busy ? 'Removing…' : 'Remove customers'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Why a customer was refused: the problem's detail, and its field errors (a refusal like the single action's 422). */
function refusal(problem: Problem | undefined): string {
  if (!problem) return 'Refused.';
  const reason = problem.detail ?? problem.title;
  const errors = (problem.errors ?? []).map((error) => error.message).filter((message) => message !== reason);
  return errors.length === 0 ? reason : `${reason}: ${errors.join('; ')}`;
}

/** Why a customer was not done and may be sent again. */
function notDoneReason(row: BulkResultRow): string {
  if (row.outcome === 'failed') return `failed, nothing was changed (${refusal(row.problem)})`;
  if (row.problem) return `not attempted (${refusal(row.problem)})`;
  return 'not attempted: the call ran out of time';
}

const MANAGEMENT_RESULT: Record<NonNullable<BulkResultRow['result']>, string> = {
  changed: 'changed',
  requested: 'asked the customer',
};

/**
 * A bulk action's answer, customer by customer: the counts first, then the refusals with
 * their reason, the customers not done (with a button that sends them again, in a new
 * call), those whose call failed on the way, then what was done. It takes focus when it
 * appears, and is announced.
 */
export function BulkResults({
  report,
  focusKey,
  onDismiss,
  onDone,
}: {
  report: BulkReport;
  focusKey: number;
  onDismiss: () => void;
  onDone: (report: BulkReport) => void;
}) {
  const ref = useFocusOnChange<HTMLElement>(focusKey);
  const [busy, setBusy] = useState(false);
  const { outcome, names } = report;
  const rows = (...outcomes: BulkResultRow['outcome'][]) => outcome.results.filter((row) => outcomes.includes(row.outcome));
  const refused = rows('refused');
  const again = rows('failed', 'notAttempted');
  const unknown = rows('unknown');
  const done = rows('done');
  const name = (row: { customerId: string; customerName?: string }) => row.customerName ?? names.get(row.customerId) ?? row.customerId;

  async function tryAgain() {
    if (busy) return;
    setBusy(true);
    const retry = await runBulk(report.options, notDone(outcome));
    setBusy(false);
    onDone({ ...report, outcome: mergeRetry(outcome, retry) });
  }

  return (
    <section ref={ref} tabIndex={-1} className="panel panel--stack bulk-results" aria-labelledby="bulk-results-heading" data-testid="bulk-results">
      <div className="panel__header">
        <h2 id="bulk-results-heading" className="panel__title">
          {report.title}
        </h2>
        <button type="button" className="button button--small button--secondary" onClick={onDismiss} disabled={busy} data-testid="bulk-results-dismiss">
          Dismiss
        </button>
      </div>
      <p className="bulk-results__counts" data-testid="bulk-results-counts">
        {summary(outcome, formatNumber)}
      </p>
      {refused.length > 0 ? (
        <>
          <h3 className="subsection-title">Refused</h3>
          <ul className="bulk-results__list">
            {refused.map((row) => (
              <li key={row.customerId} data-testid="bulk-result-refused" data-customer-id={row.customerId}>
                <span className="bulk-results__name">{name(row)}</span>: {refusal(row.problem)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {again.length > 0 ? (
        <>
          <h3 className="subsection-title">Not done</h3>
          <ul className="bulk-results__list">
            {again.map((row) => (
              <li key={row.customerId} data-testid="bulk-result-not-done" data-customer-id={row.customerId}>
                <span className="bulk-results__name">{name(row)}</span>: {notDoneReason(row)}
              </li>
            ))}
          </ul>
          <div>
            <button type="button" className="button button--small button--primary" onClick={() => void tryAgain()} disabled={busy} data-testid="bulk-retry">
              {busy ? 'Trying again…' : `Try the ${customers(again.length)} not done again`}
            </button>
          </div>
        </>
      ) : null}
      {unknown.length > 0 ? (
        <>
          <h3 className="subsection-title">Unknown — reload to see what happened</h3>
          <p className="field__hint">
            The call for these customers failed on the way ({refusal(unknown[0]?.problem)}): some of them may have been done.
            The list below has been read again.
          </p>
          <ul className="bulk-results__list">
            {unknown.map((row) => (
              <li key={row.customerId} data-testid="bulk-result-unknown" data-customer-id={row.customerId}>
                {name(row)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {done.length > 0 ? (
        <>
          <h3 className="subsection-title">Done</h3>
          <ul className="bulk-results__list">
            {done.map((row) => (
              <li key={row.customerId} data-testid="bulk-result-done" data-customer-id={row.customerId}>
                {name(row)}
                {row.result ? ` — ${MANAGEMENT_RESULT[row.result]}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
