import { useId, useState } from 'react';
import { Link } from 'react-router';
import { FailureAlert, failureOf, type Failure } from '../admin/problems';
import { useAuth, useCurrentSession } from '../auth/AuthContext';
import { Dialog } from '../components/Dialog';
import { FormAlert } from '../components/FormAlert';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { MFA_REQUIRED_BY_PARTNER, turnOffMfa } from './api';
import { Enrolment } from './Enrolment';

const REQUIRED_BY_COMPANY =
  'Your company requires two-step verification for every user, so it cannot be turned off. A partner administrator can stop requiring it under Administration > Security.';

interface TurnOffDialogProps {
  onClose: () => void;
  onTurnedOff: () => void;
  /** The server refused: the partner requires it (the account is reloaded to show so). */
  onRequired: () => void;
}

function TurnOffDialog({ onClose, onTurnedOff, onRequired }: TurnOffDialogProps) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [refused, setRefused] = useState(false);
  const [failures, setFailures] = useState(0);
  const failureRef = useFocusOnChange<HTMLDivElement>(failures);

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const result = await turnOffMfa();
    setBusy(false);
    if (result.ok) {
      onTurnedOff();
      return;
    }
    if (result.problem.status === 409 && result.problem.type === MFA_REQUIRED_BY_PARTNER) {
      setFailure({ title: 'Two-step verification stays on', detail: REQUIRED_BY_COMPANY });
      setRefused(true);
      onRequired();
    } else {
      setFailure(failureOf('Two-step verification could not be turned off', result.problem, result.retryAfterSeconds));
    }
    setFailures((count) => count + 1);
  }

  return (
    <Dialog title="Turn off two-step verification?" onClose={onClose} closeDisabled={busy}>
      <p className="dialog__lead">
        Signing in will ask for your password only, so anyone who learns it can sign in as you. You can set two-step
        verification up again at any time.
      </p>
      {failure ? <FailureAlert ref={failureRef} failure={failure} /> : null}
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
          {refused ? 'Close' : 'Keep it on'}
        </button>
        {refused ? null : (
          <button
            type="button"
            className="button button--danger"
            onClick={() => void confirm()}
            disabled={busy}
            data-testid="mfa-turn-off-confirm"
          >
            {busy ? 'Turning off…' : 'Turn off'}
          </button>
        )}
      </div>
    </Dialog>
  );
}

/**
 * My User Settings > Two-step verification: whether sign-ins ask for a code from an
 * authenticator app, setting it up (or moving it to a new app), and turning it off unless
 * the company requires it. `onChanged` is told after a change (the user's version moved).
 */
export function TwoStepSection({ onChanged }: { onChanged: () => void }) {
  const { user, partner, can } = useCurrentSession();
  const { refreshAccount } = useAuth();
  const headingId = useId();
  const [notice, setNotice] = useState<string | null>(null);
  const [noticeCount, setNoticeCount] = useState(0);
  const [turningOff, setTurningOff] = useState(false);
  const [enrolment, setEnrolment] = useState(0);
  const noticeRef = useFocusOnChange<HTMLDivElement>(noticeCount);
  const on = user.mfa === true;
  const required = partner.requireMfa === true;

  function done(text: string) {
    setNotice(text);
    setNoticeCount((count) => count + 1);
    // A fresh setup starts from its button again.
    setEnrolment((count) => count + 1);
    void refreshAccount();
    onChanged();
  }

  return (
    <section className="panel panel--stack" aria-labelledby={headingId} data-testid="two-step-section">
      <div className="panel__header">
        <h2 id={headingId} className="panel__title">
          Two-step verification
        </h2>
        <span className={`status ${on ? 'status--user-active' : 'status--user-invited'}`} data-testid="mfa-status">
          {on ? 'On' : 'Off'}
        </span>
      </div>
      {notice ? (
        <div ref={noticeRef} tabIndex={-1} className="form__message" data-testid="mfa-notice">
          <FormAlert tone="success" title={notice} />
        </div>
      ) : null}
      <p className="panel__note">
        {on
          ? 'After your password, signing in asks for the 6-digit code from your authenticator app.'
          : 'Protect your account with a code from an authenticator app on your phone, asked for after your password when you sign in.'}
        {required ? ' Your company requires it for every user.' : ''}
      </p>
      <Enrolment
        key={enrolment}
        email={user.email}
        startLabel={on ? 'Use a new authenticator app' : 'Set up two-step verification'}
        onVerified={() =>
          done(
            on
              ? 'Your new authenticator app is set up: use its codes from now on.'
              : 'Two-step verification is on. From your next sign-in, enter the code from your app after your password.',
          )
        }
      >
        {on && !required ? (
          <button
            type="button"
            className="button button--secondary button--danger-outline"
            onClick={() => setTurningOff(true)}
            data-testid="mfa-turn-off"
          >
            Turn off
          </button>
        ) : null}
      </Enrolment>
      {on && required ? (
        <p className="panel__note" data-testid="mfa-required-note">
          It cannot be turned off while your company requires it.{' '}
          {can.manageSecurity ? (
            <Link to="/admin/security">Administration &gt; Security</Link>
          ) : null}
        </p>
      ) : null}
      {turningOff ? (
        <TurnOffDialog
          onClose={() => setTurningOff(false)}
          onTurnedOff={() => {
            setTurningOff(false);
            done('Two-step verification is off. Signing in asks for your password only.');
          }}
          onRequired={() => void refreshAccount()}
        />
      ) : null}
    </section>
  );
}
