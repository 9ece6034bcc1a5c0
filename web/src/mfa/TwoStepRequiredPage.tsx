import { useState } from 'react';
import type { Problem } from '../api/problem';
import { useAuth, useCurrentSession } from '../auth/AuthContext';
import { FormAlert } from '../components/FormAlert';
import { ProblemAlert } from '../customers/problems';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { Enrolment } from './Enrolment';

/**
 * Shown instead of the console while the partner requires two-step verification and the
 * signed-in user has not set it up (`mfaSetupRequired` in `/me`, or a 403
 * `/problems/mfa-required` from any request): the setup, and signing out. Once it is on,
 * the console continues with the page that was asked for.
 */
export function TwoStepRequiredPage() {
  const { user, partner } = useCurrentSession();
  const { signOut, refreshAccount } = useAuth();
  const [verified, setVerified] = useState(false);
  const [continuing, setContinuing] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const doneRef = useFocusOnChange<HTMLDivElement>(verified ? 1 : 0);

  async function continueToConsole() {
    setContinuing(true);
    setProblem(null);
    const me = await refreshAccount();
    setContinuing(false);
    if (!me.ok) setProblem(me.problem);
  }

  async function handleSignOut() {
    setSigningOut(true);
    await signOut();
  }

  return (
    <div className="shell">
      <header className="shell__header">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            PC
          </span>
          Partner Console
        </span>
        <div className="shell__account">
          <span className="account">
            <span className="account__name">
              {user.firstName} {user.lastName}
            </span>
            <span className="account__company">{partner.company.name}</span>
          </span>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void handleSignOut()}
            disabled={signingOut}
          >
            {signingOut ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </header>
      <main id="main" className="public__main" tabIndex={-1}>
        <div className="auth-card auth-card--wide" data-testid="mfa-required-page">
          <title>Set up two-step verification · Partner Console</title>
          <h1 className="auth-card__title">Set up two-step verification</h1>
          <p className="auth-card__lead">
            {partner.company.name} requires two-step verification for every user of the Partner Console: after your
            password, signing in asks for a code from an authenticator app on your phone. Set it up now to continue.
          </p>
          {verified ? (
            <div ref={doneRef} tabIndex={-1} className="form__message">
              <FormAlert tone="success" title="Two-step verification is on">
                <p>From your next sign-in, enter the code from your app after your password.</p>
              </FormAlert>
              {problem ? <ProblemAlert title="Your account could not be loaded" problem={problem} /> : null}
              <div className="form__actions">
                <button
                  type="button"
                  className="button button--primary"
                  onClick={() => void continueToConsole()}
                  disabled={continuing}
                  data-testid="mfa-continue"
                >
                  {continuing ? 'Loading…' : 'Continue to the Partner Console'}
                </button>
              </div>
            </div>
          ) : (
            <Enrolment email={user.email} startLabel="Set up two-step verification" onVerified={() => setVerified(true)} />
          )}
        </div>
      </main>
    </div>
  );
}
