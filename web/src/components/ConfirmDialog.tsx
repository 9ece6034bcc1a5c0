import { useState, type ReactNode } from 'react';
import { FailureAlert, failureOf, type Failure } from '../admin/problems';
import type { ApiResult } from '../auth/session';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { Dialog } from './Dialog';

interface ConfirmDialogProps<T> {
  title: string;
  /** What confirming does, said before it is done. */
  children: ReactNode;
  /** The button that closes the dialog and does nothing ("Keep user"). */
  keepLabel: string;
  confirmLabel: string;
  /** The confirm button's label while the request runs ("Removing…"). */
  busyLabel: string;
  confirmTestId: string;
  /** The request that confirming sends. */
  run: () => Promise<ApiResult<T>>;
  /** Says what failed, above the API's reason ("The contact could not be deleted"). */
  failureTitle: string;
  /**
   * Called once the request succeeded, with its answer. With `goneIsDone`, a 404 is
   * the outcome that was asked for (it was removed elsewhere) and `data` is null.
   */
  onDone: (data: T | null) => void;
  goneIsDone?: boolean;
  onClose: () => void;
  /** Offered when the object changed since it was loaded. */
  onReload?: () => void;
  reloadLabel?: string;
}

/**
 * A destructive action, confirmed first: the dialog says what it does, sends the
 * request once, keeps Escape and Keep disabled while it runs, and shows a failure
 * in place (focused, so it is read out) without closing.
 */
export function ConfirmDialog<T>({
  title,
  children,
  keepLabel,
  confirmLabel,
  busyLabel,
  confirmTestId,
  run,
  failureTitle,
  onDone,
  goneIsDone = false,
  onClose,
  onReload,
  reloadLabel,
}: ConfirmDialogProps<T>) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [failures, setFailures] = useState(0);
  const failureRef = useFocusOnChange<HTMLDivElement>(failures);

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const result = await run();
    setBusy(false);
    if (result.ok) {
      onDone(result.data);
      return;
    }
    if (goneIsDone && result.problem.status === 404) {
      onDone(null);
      return;
    }
    setFailure(failureOf(failureTitle, result.problem, result.retryAfterSeconds));
    setFailures((count) => count + 1);
  }

  return (
    <Dialog title={title} onClose={onClose} closeDisabled={busy}>
      {children}
      {failure ? (
        <FailureAlert ref={failureRef} failure={failure} onReload={onReload} reloadLabel={reloadLabel} />
      ) : null}
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
          {keepLabel}
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => void confirm()}
          disabled={busy}
          data-testid={confirmTestId}
        >
          {busy ? busyLabel : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
