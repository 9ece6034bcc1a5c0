import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { verifyEmail, type EmailConfirmed } from '../auth/accountLinks';
import { FormAlert } from '../components/FormAlert';
import { fragmentValue } from '../portal/portalApi';

type Stage =
  | { kind: 'loading' }
  | { kind: 'broken'; title: string; detail?: string | undefined }
  | { kind: 'confirmed'; confirmed: EmailConfirmed };

/**
 * The sign-up email's link (`/verify-email#token=…`): confirms the new partner's email,
 * after which the console sends email on its behalf (welcomes, invitations, reports).
 */
export function VerifyEmailPage() {
  const location = useLocation();
  const { state, refreshAccount } = useAuth();
  const token = fragmentValue(location.hash, 'token');
  const [stage, setStage] = useState<Stage>(
    token === null ? { kind: 'broken', title: 'This link is not valid', detail: 'Open the link from your sign-up email.' } : { kind: 'loading' },
  );
  const signedIn = state.status === 'authenticated';

  useEffect(() => {
    if (token === null) return;
    let active = true;
    void verifyEmail(token).then((result) => {
      if (!active) return;
      if (result.ok) {
        setStage({ kind: 'confirmed', confirmed: result.data });
        return;
      }
      const { problem } = result;
      setStage(
        problem.status === 410
          ? { kind: 'broken', title: 'This link has expired', detail: problem.detail }
          : problem.status === 404
            ? { kind: 'broken', title: 'This link is not valid', detail: problem.detail }
            : { kind: 'broken', title: problem.title, detail: problem.detail },
      );
    });
    return () => {
      active = false;
    };
  }, [token]);

  useEffect(() => {
    if (stage.kind === 'confirmed' && signedIn) void refreshAccount();
  }, [stage.kind, signedIn, refreshAccount]);

  return (
    <div className="auth-card">
      <title>Confirm your email · Partner Console</title>
      <h1 className="auth-card__title">Confirm your email</h1>
      {stage.kind === 'loading' ? (
        <p role="status">Confirming your email…</p>
      ) : stage.kind === 'broken' ? (
        <FormAlert title={stage.title}>{stage.detail ? <p>{stage.detail}</p> : null}</FormAlert>
      ) : (
        <FormAlert tone="success" title="Your email is confirmed">
          <p data-testid="verify-confirmed">
            {stage.confirmed.email} is confirmed for {stage.confirmed.company}. The console can now send welcome emails,
            invitations, requests and reports for you.
          </p>
        </FormAlert>
      )}
      <p className="auth-card__footer">
        {signedIn ? <Link to="/">Go to the console</Link> : <Link to="/sign-in">Sign in</Link>}
      </p>
    </div>
  );
}
