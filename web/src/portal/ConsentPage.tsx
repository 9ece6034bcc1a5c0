import { useEffect, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { FormAlert } from '../components/FormAlert';
import { answerRequest, describeRequest, formatTime, fragmentValue, inspectLink, type ConsentRequest, type LinkInfo } from './portalApi';
import { linkProblemMessage } from './WelcomePage';

type Stage =
  | { kind: 'loading' }
  | { kind: 'broken'; title: string; detail?: string | undefined }
  | { kind: 'ready'; info: LinkInfo; request: ConsentRequest }
  | { kind: 'answered'; request: ConsentRequest };

/**
 * A consent request's link: what the partner asks, and — signed in as the customer's
 * administrator — Approve or Deny. Nothing changes unless the customer approves.
 */
export function ConsentPage() {
  const { requestId = '' } = useParams();
  const location = useLocation();
  const { state: auth } = useAuth();
  const token = fragmentValue(location.hash, 'token');
  const [stage, setStage] = useState<Stage>(
    token === null ? { kind: 'broken', title: 'This link is not valid', detail: 'Open the link from the email.' } : { kind: 'loading' },
  );
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ title: string; detail?: string | undefined } | null>(null);

  useEffect(() => {
    if (token === null) return;
    let active = true;
    void inspectLink(token).then((result) => {
      if (!active) return;
      if (!result.ok) setStage({ kind: 'broken', ...linkProblemMessage(result.problem) });
      else if (result.data.request?.id !== requestId) setStage({ kind: 'broken', title: 'This link is not valid' });
      else setStage({ kind: 'ready', info: result.data, request: result.data.request });
    });
    return () => {
      active = false;
    };
  }, [token, requestId]);

  async function answer(approve: boolean) {
    if (token === null || busy) return;
    setBusy(true);
    setMessage(null);
    const result = await answerRequest(requestId, approve, token);
    setBusy(false);
    if (result.ok) {
      setStage({ kind: 'answered', request: result.data });
      return;
    }
    const { problem } = result;
    if (problem.status === 403) {
      setMessage({ title: 'Signed in as someone else', detail: problem.detail });
    } else if (problem.status === 410 || problem.status === 404) {
      setStage({ kind: 'broken', ...linkProblemMessage(problem) });
    } else {
      setMessage({ title: problem.title, detail: problem.detail });
    }
  }

  const here = `${location.pathname}${location.hash}`;
  return (
    <div className="auth-card">
      <title>A request from your partner · Partner Console</title>
      <h1 className="auth-card__title">A request from your partner</h1>
      {stage.kind === 'loading' ? (
        <p role="status">Checking your link…</p>
      ) : stage.kind === 'broken' ? (
        <FormAlert title={stage.title}>{stage.detail ? <p>{stage.detail}</p> : null}</FormAlert>
      ) : stage.kind === 'answered' ? (
        <FormAlert tone="success" title={stage.request.status === 'approved' ? 'You approved the request' : 'You denied the request'}>
          <p>
            {stage.request.status === 'approved'
              ? `${stage.request.partnerName} has been told, and the change applies now.`
              : `Nothing changed on your account. ${stage.request.partnerName} has been told.`}
          </p>
        </FormAlert>
      ) : (
        <>
          <p className="auth-card__lead" data-testid="consent-description">
            {describeRequest(stage.request)}
          </p>
          <p>
            Sent to {stage.info.email}. This link works once, until {formatTime(stage.request.expiresAt)}.
          </p>
          {message ? <FormAlert title={message.title}>{message.detail ? <p>{message.detail}</p> : null}</FormAlert> : null}
          {auth.status === 'customer' ? (
            <div className="form__actions">
              <button type="button" className="button button--primary" disabled={busy} onClick={() => void answer(true)} data-testid="consent-approve">
                Approve
              </button>
              <button type="button" className="button button--secondary" disabled={busy} onClick={() => void answer(false)} data-testid="consent-deny">
                Deny
              </button>
            </div>
          ) : auth.status === 'restoring' ? (
            <p role="status">Loading…</p>
          ) : auth.status === 'authenticated' ? (
            <FormAlert title="Signed in as a partner user">
              <p>Only the customer's administrator can answer. Sign out, then sign in with {stage.info.email}.</p>
            </FormAlert>
          ) : (
            <p>
              <Link to="/sign-in" state={{ from: here, email: stage.info.email }} className="button button--primary" data-testid="consent-sign-in">
                Sign in to answer
              </Link>
            </p>
          )}
        </>
      )}
    </div>
  );
}
