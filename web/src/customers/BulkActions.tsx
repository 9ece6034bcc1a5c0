import { useState, type FormEvent } from 'react';
import { saveBlob } from '../activity/saveBlob';
import type { Catalog, CustomerRow, ManagementType } from '../api/client';
import type { Problem } from '../api/problem';
import { Dialog } from '../components/Dialog';
import { TextField } from '../components/fields';
import { CUSTOMERS_CSV_FILENAME } from './api';
import { BULK_CHUNK, exportSelection, summary, type BulkAction, type BulkOptions, type BulkOutcome, type BulkResultRow } from './bulk';
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
  /** Selected customers left out of the call because the user's role may not do the action to them. */
  skipped: number;
  /** What was asked, to send the customers not done, or the calls not confirmed, again. */
  options: BulkOptions;
}

/** The open bulk dialog, with the selection as it was when it opened. */
export interface BulkDialogState {
  action: BulkAction;
  rows: CustomerRow[];
}

/** Whether the user's role may do the action to the customer: remove it, or change it. */
export function mayAct(action: BulkAction, row: CustomerRow): boolean {
  return action === 'remove' ? row.yourAccess.mayRemove : row.yourAccess.level === 'readWrite' && row.yourAccess.mayManage;
}

/** The selected customers the action is sent for: only those the role may do it to. */
export function actionable(action: BulkAction, rows: readonly CustomerRow[]): CustomerRow[] {
  return rows.filter((row) => mayAct(action, row));
}

function customers(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? 'customer' : 'customers'}`;
}

/** "2 of the 3 selected; 1 will be skipped (read-only).", or nothing when none is skipped. */
export function scopeText(action: BulkAction, rows: readonly CustomerRow[]): string | null {
  const acting = actionable(action, rows).length;
  const skipped = rows.length - acting;
  if (skipped === 0) return null;
  const why = action === 'remove' ? 'your role may not remove it' : 'your role may only view it';
  return `${formatNumber(acting)} of the ${formatNumber(rows.length)} selected; ${formatNumber(skipped)} will be skipped (${
    skipped === 1 ? why : why.replace(' it', ' them')
  }).`;
}

interface BulkToolbarProps {
  selection: Selection;
  catalog: Catalog | null;
  /** Another action is going (a row's action loading, or a bulk run): none starts. */
  disabled: boolean;
  onOpen: (action: BulkAction) => void;
}

/**
 * The actions on the selected customers. Each asks in a dialog ({@link BulkDialogs}),
 * then acts in calls of at most {@link BULK_CHUNK} customers on those the role may act
 * on, and the page shows the answer per customer. Actions none of the selected customers
 * allow the user are not offered. The export is always of the selected customers, by id.
 */
export function BulkToolbar({ selection, catalog, disabled, onOpen }: BulkToolbarProps) {
  const [exporting, setExporting] = useState(false);
  const [exportProblem, setExportProblem] = useState<Problem | null>(null);
  const { rows } = selection;
  const writable = actionable('resendWelcome', rows).length;
  const removable = actionable('remove', rows).length;
  const readOnly = rows.length - writable;

  async function exportCsv() {
    if (exporting) return;
    setExporting(true);
    setExportProblem(null);
    const result = await exportSelection(rows.map((row) => row.id));
    setExporting(false);
    if (result.ok) saveBlob(result.data, CUSTOMERS_CSV_FILENAME);
    else setExportProblem(result.problem);
  }

  return (
    <div className="bulk-toolbar" role="group" aria-label="Actions on the selected customers" data-testid="bulk-toolbar">
      {writable > 0 ? (
        <>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => onOpen('startTrial')}
            disabled={disabled || catalog === null}
            data-testid="bulk-start-trial"
          >
            Start trial
          </button>
          <button type="button" className="button button--secondary" onClick={() => onOpen('requestManagementChange')} disabled={disabled} data-testid="bulk-management">
            Request management change
          </button>
          <button type="button" className="button button--secondary" onClick={() => onOpen('resendWelcome')} disabled={disabled} data-testid="bulk-resend-welcome">
            Resend welcome email
          </button>
        </>
      ) : null}
      <button type="button" className="button button--secondary" onClick={() => void exportCsv()} disabled={exporting} data-testid="bulk-export">
        {exporting ? 'Exporting…' : 'Export selection'}
      </button>
      {removable > 0 ? (
        <button
          type="button"
          className="button button--secondary button--danger-outline"
          onClick={() => onOpen('remove')}
          disabled={disabled}
          data-testid="bulk-remove"
        >
          Remove
        </button>
      ) : null}
      {readOnly > 0 ? (
        <p className="field__hint bulk-toolbar__note" data-testid="bulk-read-only">
          Your role may only view {customers(readOnly)} of the selection: {readOnly === 1 ? 'it is' : 'they are'} left out of changes.
        </p>
      ) : null}
      {exportProblem ? <ProblemAlert title="The selection could not be exported" problem={exportProblem} /> : null}
    </div>
  );
}

type RunBulk = (options: BulkOptions, title: string) => void;

interface BulkDialogsProps {
  dialog: BulkDialogState | null;
  catalog: Catalog | null;
  /** The action is being done: the dialog stays, says so, and cannot be closed. */
  busy: boolean;
  onClose: () => void;
  onRun: RunBulk;
}

/** The open bulk action's dialog, for the customers selected when it opened. */
export function BulkDialogs({ dialog, catalog, busy, onClose, onRun }: BulkDialogsProps) {
  if (dialog === null) return null;
  const rows = actionable(dialog.action, dialog.rows);
  const count = rows.length;
  const scope = scopeText(dialog.action, dialog.rows);
  const props = { count, scope, busy, onClose, onRun };
  switch (dialog.action) {
    case 'startTrial':
      return catalog ? <StartTrialDialog {...props} catalog={catalog} /> : null;
    case 'requestManagementChange':
      return <ManagementDialog {...props} />;
    case 'resendWelcome':
      return (
        <ConfirmBulkDialog
          {...props}
          title="Resend welcome emails?"
          lead={`${
            count === 1
              ? 'The customer’s administrator is sent the welcome email again, with a new link, if they have not chosen a password yet.'
              : `Each of the ${customers(count)}’ administrators who has not chosen a password yet is sent the welcome email again, with a new link.`
          } A customer whose administrator has a password is refused.`}
          confirm={count === 1 ? 'Resend welcome email' : 'Resend welcome emails'}
          onConfirm={() => onRun({ action: 'resendWelcome' }, 'Resend welcome email')}
        />
      );
    case 'remove':
      return <RemoveBulkDialog {...props} />;
  }
}

interface DialogProps {
  count: number;
  /** Which of the selected customers are left out, if any. */
  scope: string | null;
  busy: boolean;
  onClose: () => void;
  onRun: RunBulk;
}

function Scope({ scope }: { scope: string | null }) {
  return scope === null ? null : (
    <p className="field__hint" data-testid="bulk-scope">
      {scope}
    </p>
  );
}

/** Mounted with the dialog and empty, so that the text put in it when the work starts is announced. */
function Working({ busy, count }: { busy: boolean; count: number }) {
  return (
    <p className="panel__note" role="status" data-testid="bulk-working">
      {busy ? `Working on ${customers(count)}${count > BULK_CHUNK ? `, ${formatNumber(BULK_CHUNK)} at a time` : ''}…` : ''}
    </p>
  );
}

function StartTrialDialog({ count, scope, busy, catalog, onClose, onRun }: DialogProps & { catalog: Catalog }) {
  const [product, setProduct] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, 'select');
  const trials = catalog.products.filter((item) => item.hasTrial);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const chosen = trials.find((item) => item.id === product);
    if (!chosen) {
      setError('Choose a product.');
      setFailures((value) => value + 1);
      return;
    }
    onRun({ action: 'startTrial', product: chosen.id }, `Start a trial of ${chosen.name}`);
  }

  return (
    <Dialog title="Start a trial" onClose={onClose} closeDisabled={busy}>
      <form ref={formRef} className="form" noValidate onSubmit={handleSubmit} aria-busy={busy}>
        <p className="dialog__lead">
          A {catalog.trialDays}-day trial for {catalog.trialSeats} seats starts for each of the {customers(count)}. A customer
          who has had a trial of the product, or has it already, is refused.
        </p>
        <Scope scope={scope} />
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
        <Working busy={busy} count={count} />
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

function ManagementDialog({ count, scope, busy, onClose, onRun }: DialogProps) {
  const [management, setManagement] = useState<ManagementType | ''>('');
  const [error, setError] = useState<string | undefined>();
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, 'input');

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (management === '') {
      setError('Choose a management type.');
      setFailures((value) => value + 1);
      return;
    }
    onRun({ action: 'requestManagementChange', management }, `Request a change to ${MANAGEMENT_LABELS[management]}`);
  }

  return (
    <Dialog title="Request a management change" onClose={onClose} closeDisabled={busy}>
      <form ref={formRef} className="form" noValidate onSubmit={handleSubmit} aria-busy={busy}>
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
        <Scope scope={scope} />
        <Working busy={busy} count={count} />
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
  count,
  scope,
  busy,
  onClose,
  onConfirm,
}: DialogProps & {
  title: string;
  lead: string;
  confirm: string;
  onConfirm: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose} closeDisabled={busy}>
      <p className="dialog__lead">{lead}</p>
      <Scope scope={scope} />
      <Working busy={busy} count={count} />
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="button button--primary" disabled={busy} onClick={onConfirm} data-testid="bulk-confirm">
          {busy ? 'Sending…' : confirm}
        </button>
      </div>
    </Dialog>
  );
}

function RemoveBulkDialog({ count, scope, busy, onClose, onRun }: DialogProps) {
  const [typed, setTyped] = useState('');
  const matches = typed.trim() === REMOVE_WORD;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy || !matches) return;
    onRun({ action: 'remove' }, `Remove ${customers(count)}`);
  }

  return (
    <Dialog title={`Remove ${customers(count)}?`} onClose={onClose} closeDisabled={busy}>
      <form className="form" noValidate onSubmit={handleSubmit} aria-busy={busy}>
        <p className="dialog__lead">
          Each customer’s account, its products and trials, and its administrator’s login are removed at once. This cannot
          be undone.
        </p>
        <Scope scope={scope} />
        <TextField
          name="bulkRemoveConfirm"
          label={`Type ${REMOVE_WORD} to confirm`}
          value={typed}
          onChange={setTyped}
          autoComplete="off"
          spellCheck={false}
          testId="bulk-remove-word"
        />
        <Working busy={busy} count={count} />
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

/** How the answer's customers are sent again: those not done in new calls, or the calls not confirmed as they were. */
export type BulkRetry = 'notDone' | 'unconfirmed';

/**
 * A bulk action's answer, customer by customer: the counts first, then the refusals with
 * their reason, the customers not done (with a button that sends them again, in new
 * calls), those whose call failed on the way (with one that sends those calls again, with
 * their keys), then what was done. It takes focus when it appears, which announces it
 * (its heading, then its counts): the page gives each answer a new panel, so that a
 * second answer like the first is announced too.
 */
export function BulkResults({
  report,
  retrying,
  onRetry,
  onDismiss,
}: {
  report: BulkReport;
  /** Customers of the answer are being sent again. */
  retrying: boolean;
  onRetry: (retry: BulkRetry) => void;
  onDismiss: () => void;
}) {
  const ref = useFocusOnChange<HTMLElement>(1);
  const { outcome, names } = report;
  const refused = outcome.results.filter((row) => row.outcome === 'refused');
  const done = outcome.results.filter((row) => row.outcome === 'done');
  const again = outcome.results.filter((row) => row.outcome === 'failed' || row.outcome === 'notAttempted');
  const unknown = outcome.results.filter((row) => row.outcome === 'unknown');
  const name = (row: { customerId: string; customerName?: string }) => row.customerName ?? names.get(row.customerId) ?? row.customerId;
  return (
    <section
      ref={ref}
      tabIndex={-1}
      className="panel panel--stack bulk-results"
      aria-labelledby="bulk-results-heading"
      aria-describedby="bulk-results-counts"
      data-testid="bulk-results"
    >
      <div className="panel__header">
        <h2 id="bulk-results-heading" className="panel__title">
          {report.title}
        </h2>
        <button
          type="button"
          className="button button--small button--secondary"
          onClick={onDismiss}
          disabled={retrying}
          data-testid="bulk-results-dismiss"
        >
          Dismiss
        </button>
      </div>
      <p id="bulk-results-counts" className="bulk-results__counts" data-testid="bulk-results-counts">
        {summary(outcome, formatNumber)}
        {report.skipped > 0 ? ` ${formatNumber(report.skipped)} of the selection left out: your role may not do this to ${report.skipped === 1 ? 'it' : 'them'}.` : ''}
      </p>
      {outcome.stopped ? (
        <ProblemAlert title="Stopped before the end: the other customers were not sent" problem={outcome.stopped} />
      ) : null}
      {unknown.length > 0 ? (
        <>
          <h3 className="subsection-title">Not confirmed</h3>
          <p className="field__hint">
            The server could not be reached or failed, even after trying again. These may have been done: reload the list to
            check, or retry (what was done already is not done twice).
          </p>
          <ul className="bulk-results__list">
            {unknown.map((row) => (
              <li key={row.customerId} data-testid="bulk-result-unknown" data-customer-id={row.customerId}>
                <span className="bulk-results__name">{name(row)}</span>: not confirmed — may have been done; reload to check.
              </li>
            ))}
          </ul>
          <div>
            <button
              type="button"
              className="button button--small button--secondary"
              onClick={() => onRetry('unconfirmed')}
              disabled={retrying}
              data-testid="bulk-retry-unconfirmed"
            >
              {retrying ? 'Retrying…' : 'Retry'}
            </button>
          </div>
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
            <button
              type="button"
              className="button button--small button--primary"
              onClick={() => onRetry('notDone')}
              disabled={retrying}
              data-testid="bulk-retry"
            >
              {retrying ? 'Trying again…' : `Try the ${customers(again.length)} not done again`}
            </button>
          </div>
        </>
      ) : null}
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

