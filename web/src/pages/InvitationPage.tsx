import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { acceptInvitation, inspectInvitation } from '../admin/api';
import { fieldSentence } from '../admin/problems';
import type { InvitationAccepted, InvitationInfo } from '../api/client';
import type { Problem } from '../api/problem';
import type { SignInLocationState } from '../app/locationState';
import { FormAlert } from '../components/FormAlert';
import { ChoosePasswordForm } from '../forms/ChoosePasswordForm';
import { fragmentValue } from '../portal/portalApi';

type Stage =
  | { kind: 'loading' }
  | { kind: 'broken'; title: string; detail?: string | undefined }
  | { kind: 'ready'; info: InvitationInfo };

/** What an invitation link that no longer works says: not a link, or accepted, replaced or expired. */
export function invitationProblemMessage(problem: Problem): { title: string; detail?: string | undefined } {
  if (problem.status === 410) {
    return {
      title: 'This invitation can no longer be used',
      detail:
        problem.detail ??
        'It was accepted already, replaced by a newer invitation, or it expired. Ask your partner administrator to send it again.',
    };
  }
  if (problem.status === 404) {
    return { title: 'This link is not valid', detail: 'Check that you opened the whole link from the invitation email.' };
  }
  return { title: problem.title, detail: problem.detail };
}

/**
 * The invitation email's link (`/invitation#token=…`; the secret stays in the fragment,
 * out of every server's logs): a new partner user sees whose console they join, chooses
 * a password, and goes on to sign in with their email filled in.
 */
export function InvitationPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const token = fragmentValue(location.hash, 'token');
  const [stage, setStage] = useState<Stage>(
    token === null
      ? { kind: 'broken', title: 'This link is not valid', detail: 'Open the link from your invitation email.' }
      : { kind: 'loading' },
  );

  useEffect(() => {
    if (token === null) return;
    let active = true;
    void inspectInvitation(token).then((result) => {
      if (!active) return;
      setStage(result.ok ? { kind: 'ready', info: result.data } : { kind: 'broken', ...invitationProblemMessage(result.problem) });
    });
    return () => {
      active = false;
    };
  }, [token]);

  function accepted(result: InvitationAccepted) {
    const state: SignInLocationState = {
      email: result.email,
      notice: 'Your password is set. Sign in to the Partner Console with it.',
    };
    void navigate('/sign-in', { replace: true, state });
  }

  return (
    <div className="auth-card">
      <title>Accept your invitation · Partner Console</title>
      <h1 className="auth-card__title">
        {stage.kind === 'ready' ? `Welcome, ${stage.info.firstName}` : 'Your invitation'}
      </h1>
      {stage.kind === 'loading' ? (
        <p role="status">Checking your invitation…</p>
      ) : stage.kind === 'broken' ? (
        <>
          <FormAlert title={stage.title}>{stage.detail ? <p>{stage.detail}</p> : null}</FormAlert>
          <p className="auth-card__footer">
            <Link to="/sign-in">Sign in</Link>
          </p>
        </>
      ) : (
        <>
          <p className="auth-card__lead" data-testid="invitation-lead">
            You are invited to the {stage.info.company} Partner Console. Choose a password for{' '}
            <strong>{stage.info.email}</strong>, your login.
          </p>
          {token !== null ? (
            <ChoosePasswordForm
              testId="invitation"
              submitLabel="Set password"
              describeRefusal={(message) => fieldSentence('The password', message)}
              submit={(password) => acceptInvitation(token, password)}
              onChosen={accepted}
              onLinkGone={(problem) => setStage({ kind: 'broken', ...invitationProblemMessage(problem) })}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
