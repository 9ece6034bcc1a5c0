import { useState } from 'react';
import { FailureAlert, failureOf, type Failure } from '../../admin/problems';
import { Dialog } from '../../components/Dialog';
import { useFocusOnChange } from '../../customers/useFocusOnChange';
import { deleteRule, versionTag } from './api';
import type { AlertRule } from './types';

interface DeleteRuleDialogProps {
  rule: AlertRule;
  onClose: () => void;
  onDeleted: () => void;
  /** Offered when the rule changed since it was loaded. */
  onReload: () => void;
}

/** Deleting a notification rule, confirmed first. */
export function DeleteRuleDialog({ rule, onClose, onDeleted, onReload }: DeleteRuleDialogProps) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [failures, setFailures] = useState(0);
  const failureRef = useFocusOnChange<HTMLDivElement>(failures);

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const result = await deleteRule(rule.id, versionTag(rule.version));
    setBusy(false);
    // Already gone (deleted elsewhere): the outcome that was asked for.
    if (result.ok || result.problem.status === 404) {
      onDeleted();
      return;
    }
    const failure = failureOf('The notification rule could not be deleted', result.problem, result.retryAfterSeconds);
    // Any conflict means the rule changed since it was shown: look at it again first.
    setFailure(
      result.problem.status === 409 || result.problem.status === 412
        ? { ...failure, detail: 'It was changed by someone else since it was loaded. Reload, then try again.', stale: true }
        : failure,
    );
    setFailures((count) => count + 1);
  }

  return (
    <Dialog title={`Delete the rule ${rule.name}?`} onClose={onClose} closeDisabled={busy}>
      <p className="dialog__lead">
        Its recipients are no longer notified of the alerts it covers
        {rule.webhook ? ' and its webhook is no longer called' : ''}. The alerts themselves stay. This cannot be undone.
      </p>
      {failure ? (
        <FailureAlert ref={failureRef} failure={failure} onReload={onReload} reloadLabel="Reload the rule" />
      ) : null}
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
          Keep rule
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => void confirm()}
          disabled={busy}
          data-testid="rule-delete-confirm"
        >
          {busy ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </Dialog>
  );
}
