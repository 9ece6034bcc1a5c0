import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { fieldSentence } from '../admin/problems';
import type { Problem } from '../api/problem';
import type { SignInLocationState } from '../app/locationState';
import { inspectReset, resetPassword } from '../auth/accountLinks';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { PASSWORD_POLICY, validatePassword } from '../forms/validation';
import { fragmentValue } from '../portal/portalApi';

type Stage =
  | { kind: 'loading' }
  | { kind: 'broken'; title: string; detail?: string | undefined }
  | { kind: 'ready'; email: string };

/** What a reset link that no longer works says: not a link, or used, expired or replaced. */
export function resetProblemMessage(problem: Problem): { title: string; detail?: string | undefined } {
  if (problem.status === 410) {
    return { title: 'This link can no longer be used', detail: problem.detail ?? 'Ask for a new one from the sign-in page.' };
  }
  if (problem.status === 404) {
    return { title: 'This link is not valid', detail: 'Check that you opened the whole link from the email.' };
  }
  return { title: problem.title, detail: problem.detail };
}

/**
 * The reset email's link (`/reset-password#token=…`; the secret stays in the fragment):
 * choose a new password, then sign in with it. Every earlier session ends.
 */
export function ResetPasswordPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const token = fragmentValue(location.hash, 'token');
  const [stage, setStage] = useState<Stage>(
    token === null
      ? { kind: 'broken', title: 'This link is not valid', detail: 'Open the link from your email.' }
      : { kind: 'loading' },
  );
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string | undefined; confirm?: string | undefined }>({});
  const [message, setMessage] = useState<{ title: string; detail?: string | undefined } | null>(null);
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    if (token === null) return;
    let active = true;
    void inspectReset(token).then((result) => {
      if (!active) return;
      setStage(result.ok ? { kind: 'ready', email: result.data.email } : { kind: 'broken', ...resetProblemMessage(result.problem) });
    });
    return () => {
      active = false;
    };
  }, [token]);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (token === null || submitting) return;
    const passwordError = validatePassword(password);
    const confirmError = confirm !== password ? 'The passwords do not match.' : undefined;
    setErrors({ password: passwordError, confirm: confirmError });
    setMessage(null);
    if (passwordError || confirmError) return;
    setSubmitting(true);
    const result = await resetPassword(token, password);
    setSubmitting(false);
    if (result.ok) {
      const state: SignInLocationState = {
        email: result.data.email,
        notice: 'Your new password is set, and every other session has been signed out. Sign in with it.',
      };
      void navigate('/sign-in', { replace: true, state });
      return;
    }
    const fieldError = result.problem.errors?.find((error) => error.field === 'password');
    if (fieldError) setErrors({ password: fieldSentence('The password', fieldError.message) });
    else if (result.problem.status === 410 || result.problem.status === 404) {
      setStage({ kind: 'broken', ...resetProblemMessage(result.problem) });
    } else setMessage({ title: result.problem.title, detail: result.problem.detail });
  }

  return (
    <div className="auth-card">
      <title>Choose a new password · Partner Console</title>
      <h1 className="auth-card__title">Choose a new password</h1>
      {stage.kind === 'loading' ? (
        <p role="status">Checking your link…</p>
      ) : stage.kind === 'broken' ? (
        <>
          <FormAlert title={stage.title}>{stage.detail ? <p>{stage.detail}</p> : null}</FormAlert>
          <p className="auth-card__footer">
            <Link to="/forgot-password">Ask for a new link</Link> · <Link to="/sign-in">Sign in</Link>
          </p>
        </>
      ) : (
        <>
          <p className="auth-card__lead" data-testid="reset-lead">
            Choose a new password for <strong>{stage.email}</strong>.
          </p>
          <form className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={submitting}>
            {message ? <FormAlert title={message.title}>{message.detail ? <p>{message.detail}</p> : null}</FormAlert> : null}
            <TextField
              name="password"
              label="New password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={setPassword}
              error={errors.password}
              hint={PASSWORD_POLICY}
              testId="reset-password"
            />
            <TextField
              name="confirm"
              label="Confirm new password"
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={setConfirm}
              error={errors.confirm}
              testId="reset-confirm"
            />
            <div className="form__actions">
              <button type="submit" className="button button--primary button--block" disabled={submitting} data-testid="reset-submit">
                {submitting ? 'Saving…' : 'Set new password'}
              </button>
            </div>
          </form>
        </>
      )}
    </div>
  );
}
