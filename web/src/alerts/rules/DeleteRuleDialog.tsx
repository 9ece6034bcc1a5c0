import { ConfirmDialog } from '../../components/ConfirmDialog';
import { deleteRule, versionTag } from './api';
import type { AlertRule } from './types';

interface DeleteRuleDialogProps {
  rule: AlertRule;
  onClose: () => void;
  onDeleted: () => void;
  /** Offered when the rule changed since it was loaded. */
  onReload: () => void;
}

/** Deleting a notification rule, confirmed first. Already deleted elsewhere counts as done. */
export function DeleteRuleDialog({ rule, onClose, onDeleted, onReload }: DeleteRuleDialogProps) {
  return (
    <ConfirmDialog
      title={`Delete the rule ${rule.name}?`}
      keepLabel="Keep rule"
      confirmLabel="Delete"
      busyLabel="Deleting…"
      confirmTestId="rule-delete-confirm"
      run={() => deleteRule(rule.id, versionTag(rule.version))}
      failureTitle="The notification rule could not be deleted"
      goneIsDone
      onDone={onDeleted}
      onClose={onClose}
      onReload={onReload}
      reloadLabel="Reload the rule"
    >
      <p className="dialog__lead">
        Its recipients are no longer notified of the alerts it covers
        {rule.webhook ? ' and its webhook is no longer called' : ''}. The alerts themselves stay. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
