import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import type { Problem } from '../api/problem';
import { FormAlert } from '../components/FormAlert';
import { ChoosePasswordForm } from '../forms/ChoosePasswordForm';
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
          {token !== null ? (
            <ChoosePasswordForm
              testId="welcome"
              submitLabel="Set password"
              hint="12 to 256 characters with a lowercase letter, an uppercase letter and a digit."
              submit={(password) => setPassword(token, password)}
              onChosen={(result) => setStage({ kind: 'done', email: result.email })}
              onLinkGone={(problem) => setStage({ kind: 'broken', ...linkProblemMessage(problem) })}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
