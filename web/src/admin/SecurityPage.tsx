import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { UserView } from '../api/client';
import type { Problem } from '../api/problem';
import { useAuth, useCurrentSession } from '../auth/AuthContext';
import { FormAlert } from '../components/FormAlert';
import { CheckboxInput } from '../customers/controls';
import { ProblemAlert } from '../customers/problems';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { fetchAllUsers, OWN_MFA_FIRST, updateSecurity } from './api';
import { fullName, USER_STATUS_LABELS } from './labels';
import { FailureAlert, failureOf, type Failure } from './problems';

type Outcome = { kind: 'saved'; text: string } | { kind: 'ownFirst' } | { kind: 'failed'; failure: Failure };

/** The require-two-step setting: read from `/me`, saved with `PUT /security`. */
function RequireMfaForm() {
  const { user, partner } = useCurrentSession();
  const { refreshAccount } = useAuth();
  const current = partner.requireMfa === true;
  const [requireMfa, setRequireMfa] = useState(current);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [outcomes, setOutcomes] = useState(0);
  const outcomeRef = useFocusOnChange<HTMLDivElement>(outcomes);
  const ownMfa = user.mfa === true;

  function show(next: Outcome) {
    setOutcome(next);
    setOutcomes((count) => count + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (requireMfa === current) {
      show({ kind: 'saved', text: 'Nothing to save: the setting is unchanged.' });
      return;
    }
    setBusy(true);
    setOutcome(null);
    const result = await updateSecurity({ requireMfa });
    setBusy(false);
    if (result.ok) {
      await refreshAccount();
      show({
        kind: 'saved',
        text: result.data.requireMfa
          ? 'Two-step verification is now required for every user. Users without it set it up at their next request.'
          : 'Two-step verification is no longer required. Users who have it keep it.',
      });
      return;
    }
    if (result.problem.status === 409 && result.problem.type === OWN_MFA_FIRST) {
      show({ kind: 'ownFirst' });
      return;
    }
    show({ kind: 'failed', failure: failureOf('The setting could not be saved', result.problem, result.retryAfterSeconds) });
  }

  return (
    <form className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
      {outcome?.kind === 'ownFirst' ? (
        <div ref={outcomeRef} tabIndex={-1} className="form__message">
          <FormAlert title="Set up your own two-step verification first">
            <p>
              Requiring it of everyone needs it on your own user first, so that you are not locked out.{' '}
              <Link to="/settings/me">Set it up in My User Settings</Link>, then come back to require it.
            </p>
          </FormAlert>
        </div>
      ) : null}
      {outcome?.kind === 'failed' ? <FailureAlert ref={outcomeRef} failure={outcome.failure} /> : null}
      {!ownMfa && !current ? (
        <FormAlert tone="info" title="Your own user does not have two-step verification yet">
          <p>
            <Link to="/settings/me">Set it up in My User Settings</Link> before requiring it of everyone.
          </p>
        </FormAlert>
      ) : null}
      <CheckboxInput
        name="security.requireMfa"
        checked={requireMfa}
        onChange={(checked) => {
          setRequireMfa(checked);
          setOutcome(null);
        }}
        hint="Every user then signs in with a code from an authenticator app after the password. Users who have not set it up are asked to, and can do nothing else, from their next request. API clients are not affected: their secret is their credential."
        testId="require-mfa"
      >
        Require two-step verification for every user
      </CheckboxInput>
      <div className="setting__footer">
        <p className="setting__status" role="status" data-testid="security-status">
          {outcome?.kind === 'saved' ? outcome.text : ''}
        </p>
        <button type="submit" className="button button--primary" disabled={busy} data-testid="security-save">
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

type UsersState = { status: 'loading' } | { status: 'failed'; problem: Problem } | { status: 'loaded'; users: UserView[] };

/** Who would be asked to set it up: the users who can sign in and have not. */
function UsersWithoutMfa() {
  const headingId = useId();
  const [state, setState] = useState<UsersState>({ status: 'loading' });

  useEffect(() => {
    let active = true;
    void fetchAllUsers().then((result) => {
      if (!active) return;
      setState(
        result.ok
          ? { status: 'loaded', users: result.data.filter((user) => user.status !== 'disabled' && !user.mfa) }
          : { status: 'failed', problem: result.problem },
      );
    });
    return () => {
      active = false;
    };
  }, []);

  return (
    <section className="panel panel--stack" aria-labelledby={headingId} aria-busy={state.status === 'loading'}>
      <h2 id={headingId} className="panel__title">
        Users without two-step verification
      </h2>
      {state.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading users…
        </p>
      ) : null}
      {state.status === 'failed' ? <ProblemAlert title="The users could not be loaded" problem={state.problem} /> : null}
      {state.status === 'loaded' && state.users.length === 0 ? (
        <p className="panel__note" data-testid="users-without-mfa-none">
          Every user who can sign in has set it up.
        </p>
      ) : null}
      {state.status === 'loaded' && state.users.length > 0 ? (
        <>
          <p className="panel__note">
            While two-step verification is required, these users are asked to set it up before they can do anything
            else. Invited users set it up after choosing their password.
          </p>
          <ul className="chosen-list" aria-labelledby={headingId} data-testid="users-without-mfa">
            {state.users.map((user) => (
              <li key={user.id} className="chosen-list__item">
                <Link to={`/admin/users/${encodeURIComponent(user.id)}`}>{fullName(user)}</Link>
                <span className="muted">
                  {user.email} · {USER_STATUS_LABELS[user.status]}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** Administration > Security: the partner's sign-in security settings (partner administrators). */
export function SecurityPage() {
  const headingId = useId();
  return (
    <div className="page page--wide">
      <title>Security · Partner Console</title>
      <div className="page__header">
        <div>
          <p className="breadcrumb">Administration</p>
          <h1 className="page__title">Security</h1>
          <p className="page__subtitle">
            How the users of your company sign in. A user who loses the phone with their authenticator app is reset from
            their page under Users.
          </p>
        </div>
      </div>
      <section className="panel panel--stack" aria-labelledby={headingId}>
        <h2 id={headingId} className="panel__title">
          Two-step verification
        </h2>
        <RequireMfaForm />
      </section>
      <UsersWithoutMfa />
    </div>
  );
}
