import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { fieldSentence } from '../admin/problems';
import type { Problem } from '../api/problem';
import type { SignInLocationState } from '../app/locationState';
import { inspectReset, resetPassword, type ResetLink } from '../auth/accountLinks';
import { FormAlert } from '../components/FormAlert';
import { ChoosePasswordForm } from '../forms/ChoosePasswordForm';
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

  function chosen(result: ResetLink) {
    const state: SignInLocationState = {
      email: result.email,
      notice: 'Your new password is set, and every other session has been signed out. Sign in with it.',
    };
    void navigate('/sign-in', { replace: true, state });
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
          {token !== null ? (
            <ChoosePasswordForm
              testId="reset"
              passwordLabel="New password"
              confirmLabel="Confirm new password"
              submitLabel="Set new password"
              describeRefusal={(message) => fieldSentence('The password', message)}
              submit={(password) => resetPassword(token, password)}
              onChosen={chosen}
              onLinkGone={(problem) => setStage({ kind: 'broken', ...resetProblemMessage(problem) })}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
