import { useState } from 'react';
import type { MailSuppression } from '../api/client';
import { FormAlert } from '../components/FormAlert';
import { formatDateTime } from '../customers/labels';
import { liftMailSuppression } from './api';

/**
 * An address the partner's mail no longer goes to: "Email bounced" or "Marked as spam",
 * since when, and — for those who manage users — "Lift suppression" once the mailbox is
 * fixed (the partner's mail goes to it again).
 */
export function MailSuppressionNotice({
  email,
  suppression,
  mayLift,
  onLifted,
}: {
  email: string;
  suppression: MailSuppression;
  mayLift: boolean;
  onLifted: () => void;
}) {
  const [state, setState] = useState<'idle' | 'lifting' | { error: string }>('idle');
  async function lift() {
    setState('lifting');
    const result = await liftMailSuppression(email);
    if (result.ok) {
      setState('idle');
      onLifted();
    } else {
      setState({ error: result.problem.detail ?? result.problem.title });
    }
  }
  return (
    <span className="mail-suppression" data-testid="mail-suppression">
      <span
        className="status status--mail-suppressed"
        title="The console sends no email to this address until the suppression is lifted."
      >
        {suppression.label}
      </span>
      <span className="table__secondary">
        since <time dateTime={suppression.since}>{formatDateTime(suppression.since)}</time>
      </span>
      {mayLift ? (
        <button
          type="button"
          className="button button--small button--secondary"
          disabled={state === 'lifting'}
          onClick={() => void lift()}
          aria-label={`Lift the suppression of ${email}`}
          data-testid="lift-suppression"
        >
          {state === 'lifting' ? 'Lifting…' : 'Lift suppression'}
        </button>
      ) : null}
      {typeof state === 'object' ? <FormAlert title={state.error} /> : null}
    </span>
  );
}
