import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import type { Problem } from '../api/problem';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { validatePassword } from '../forms/validation';
import { fragmentValue, inspectLink, setPassword, type LinkInfo } from './portalApi';

type Stage =
  | { kind: 'loading' }
  | { kind: 'broken'; title: string; detail?: string | undefined }
  | { kind: 'ready'; info: LinkInfo }
  | { kind: 'done'; email: string };

/** What a link that no longer works says: used, expired, or not a link at all. */
export function linkProblemMessage(problem: Problem): { title: string; detail?: string | undefined } {
  if (problem.status === 410) {
    return problem.type === '/problems/link-used'
      ? { title: 'This link has been used already', detail: 'If you already chose a password, sign in.' }
      : { title: 'This link has expired', detail: 'Ask your partner to send it again.' };
  }
  if (problem.status === 404) {
    return { title: 'This link is not valid', detail: 'Check that you opened the whole link from the email.' };
  }
  return { title: problem.title, detail: problem.detail };
}

/** The welcome email's link: the customer admin chooses a password for their login. */
export function WelcomePage() {
  const location = useLocation();
  const token = fragmentValue(location.hash, 'token');
  const [stage, setStage] = useState<Stage>(
    token === null ? { kind: 'broken', title: 'This link is not valid', detail: 'Open the link from your welcome email.' } : { kind: 'loading' },
  );
  const [password, setPasswordValue] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string | undefined; confirm?: string | undefined }>({});
  const [message, setMessage] = useState<{ title: string; detail?: string | undefined } | null>(null);
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    if (token === null) return;
    let active = true;
    void inspectLink(token).then((result) => {
      if (!active) return;
      if (!result.ok) setStage({ kind: 'broken', ...linkProblemMessage(result.problem) });
      else if (result.data.purpose !== 'setPassword') setStage({ kind: 'broken', title: 'This is not a welcome link' });
      else setStage({ kind: 'ready', info: result.data });
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
    const result = await setPassword(token, password);
    setSubmitting(false);
    if (result.ok) {
      setStage({ kind: 'done', email: result.data.email });
      return;
    }
    const fieldError = result.problem.errors?.find((e) => e.field === 'password');
    if (fieldError) setErrors({ password: fieldError.message });
    else if (result.problem.status === 410 || result.problem.status === 404) {
      setStage({ kind: 'broken', ...linkProblemMessage(result.problem) });
    } else setMessage({ title: result.problem.title, detail: result.problem.detail });
  }

  return (
    <div className="auth-card">
      <title>Choose your password · Partner Console</title>
      <h1 className="auth-card__title">Welcome</h1>
      {stage.kind === 'loading' ? (
        <p role="status">Checking your link…</p>
      ) : stage.kind === 'broken' ? (
        <>
          <FormAlert title={stage.title}>{stage.detail ? <p>{stage.detail}</p> : null}</FormAlert>
          <p className="auth-card__footer">
            <Link to="/sign-in">Sign in</Link>
          </p>
        </>
      ) : stage.kind === 'done' ? (
        <>
          <FormAlert tone="success" title="Your password is set">
            <p>Sign in with {stage.email} to see your account.</p>
          </FormAlert>
          <p className="auth-card__footer">
            <Link to="/sign-in" state={{ email: stage.email }} data-testid="welcome-sign-in">
              Sign in
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="auth-card__lead">
            Choose a password for <strong>{stage.info.email}</strong>, the login of {stage.info.customerName}.
          </p>
          <form className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={submitting}>
            {message ? <FormAlert title={message.title}>{message.detail ? <p>{message.detail}</p> : null}</FormAlert> : null}
            <TextField
              name="password"
              label="Password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={setPasswordValue}
              error={errors.password}
              hint="12 to 256 characters with a lowercase letter, an uppercase letter and a digit."
              testId="welcome-password"
            />
            <TextField
              name="confirm"
              label="Confirm password"
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={setConfirm}
              error={errors.confirm}
              testId="welcome-confirm"
            />
            <div className="form__actions">
              <button type="submit" className="button button--primary button--block" disabled={submitting} data-testid="welcome-submit">
                {submitting ? 'Saving…' : 'Set password'}
              </button>
            </div>
          </form>
        </>
      )}
    </div>
  );
}
