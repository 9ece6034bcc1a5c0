import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { MfaSetup } from '../api/client';
import { mapFieldErrors } from '../api/problem';
import { FailureAlert, failureOf, type Failure } from '../admin/problems';
import { CopyButton } from '../components/CopyButton';
import { TextField } from '../components/fields';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { oneTimeCode, validateOneTimeCode } from '../forms/validation';
import { groupKey, startMfaSetup, verifyMfa } from './api';
import { QrCode } from './QrCode';

interface StepsProps {
  setup: MfaSetup;
  email: string;
  onVerified: () => void;
  onCancel: () => void;
}

/** The two steps of the setup: add the key to an app, then confirm with the app's code. */
function EnrolmentSteps({ setup, email, onVerified, onCancel }: StepsProps) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '.form__message, [aria-invalid="true"]');
  const addId = useId();
  const confirmId = useId();
  const key = groupKey(setup.secretCode);

  function fail(nextError: string | undefined, nextFailure: Failure | null) {
    setError(nextError);
    setFailure(nextFailure);
    setFailures((count) => count + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const clientError = validateOneTimeCode(code);
    if (clientError) {
      fail(clientError, null);
      return;
    }
    setBusy(true);
    setFailure(null);
    const result = await verifyMfa(oneTimeCode(code));
    setBusy(false);
    if (result.ok) {
      onVerified();
      return;
    }
    setCode('');
    const { fields } = mapFieldErrors(result.problem, ['code'] as const);
    if (result.problem.status === 422 && fields.code) {
      fail(
        'That code is not correct. Enter the code your app shows now for the account you just added.',
        null,
      );
      return;
    }
    fail(undefined, failureOf('Two-step verification could not be turned on', result.problem, result.retryAfterSeconds));
  }

  return (
    <ol className="steps" data-testid="mfa-setup-steps">
      <li className="steps__step" aria-labelledby={addId}>
        <h3 id={addId} className="steps__title" tabIndex={-1}>
          Add the Partner Console to your authenticator app
        </h3>
        <p className="panel__note">
          Use an app such as Google Authenticator, Microsoft Authenticator or 1Password: scan the QR code with it, open
          the link on a device that has it, or type the key.
        </p>
        <div className="mfa-key">
          <QrCode text={setup.otpauthUri} label="QR code for your authenticator app" />
          <dl className="details details--compact">
            <div className="details__row">
              <dt>Key</dt>
              <dd>
                <code className="secret" data-testid="mfa-secret">
                  {key}
                </code>{' '}
                <CopyButton text={setup.secretCode} what="key" testId="mfa-secret-copy" />
              </dd>
            </div>
            <div className="details__row">
              <dt>Account</dt>
              <dd>{email}</dd>
            </div>
            <div className="details__row">
              <dt>Type</dt>
              <dd>Time-based, 6 digits, every 30 seconds</dd>
            </div>
            <div className="details__row">
              <dt>Link</dt>
              <dd>
                <a href={setup.otpauthUri} data-testid="mfa-otpauth-link">
                  Open in an authenticator app on this device
                </a>
              </dd>
            </div>
          </dl>
        </div>
      </li>
      <li className="steps__step" aria-labelledby={confirmId}>
        <h3 id={confirmId} className="steps__title">
          Enter the code the app shows
        </h3>
        <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
          {failure ? <FailureAlert failure={failure} /> : null}
          <div className="admin-form">
            <TextField
              name="mfa.code"
              label="Verification code"
              value={code}
              onChange={(value) => {
                setCode(value);
                setError(undefined);
              }}
              error={error}
              autoComplete="one-time-code"
              inputMode="numeric"
              spellCheck={false}
              hint="Six digits; they change every 30 seconds."
              className="field--code"
              testId="mfa-code"
            />
            <button type="submit" className="button button--primary" disabled={busy} data-testid="mfa-verify">
              {busy ? 'Verifying…' : 'Verify and turn on'}
            </button>
          </div>
          <div className="panel__actions">
            <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
              Cancel setup
            </button>
          </div>
        </form>
      </li>
    </ol>
  );
}

interface EnrolmentProps {
  /** The signed-in user's email, as the app will list the account. */
  email: string;
  /** The button that starts the setup ("Set up two-step verification"). */
  startLabel: string;
  onVerified: () => void;
  /** Shown beside the start button (other actions), until the setup has started. */
  children?: ReactNode;
}

/**
 * Setting up two-step verification: a button asks the server for a new secret (only on a
 * click: each request replaces the previous secret), then the key, link and QR code for
 * the app and the code that confirms it.
 */
export function Enrolment({ email, startLabel, onVerified, children }: EnrolmentProps) {
  const [setup, setSetup] = useState<MfaSetup | null>(null);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [failures, setFailures] = useState(0);
  const failureRef = useFocusOnChange<HTMLDivElement>(failures);
  const stepsRef = useFocusOnChange<HTMLDivElement>(setup === null ? 0 : 1, 'h3');

  async function start() {
    if (starting) return;
    setStarting(true);
    setFailure(null);
    const result = await startMfaSetup();
    setStarting(false);
    if (result.ok) {
      setSetup(result.data);
      return;
    }
    setFailure(failureOf('The setup could not be started', result.problem, result.retryAfterSeconds));
    setFailures((count) => count + 1);
  }

  if (setup) {
    return (
      <div ref={stepsRef}>
        <EnrolmentSteps setup={setup} email={email} onVerified={onVerified} onCancel={() => setSetup(null)} />
      </div>
    );
  }

  return (
    <>
      {failure ? <FailureAlert ref={failureRef} failure={failure} /> : null}
      <div className="panel__actions">
        <button
          type="button"
          className="button button--primary"
          onClick={() => void start()}
          disabled={starting}
          data-testid="mfa-setup-start"
        >
          {starting ? 'Starting…' : startLabel}
        </button>
        {children}
      </div>
    </>
  );
}
