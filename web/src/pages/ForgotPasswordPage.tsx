import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { rateLimitMessage } from '../api/problem';
import type { SignInLocationState } from '../app/locationState';
import { forgotPassword } from '../auth/accountLinks';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { validateEmail } from '../forms/validation';

/**
 * "Forgot password?": asks for a link to choose a new password. The answer is the same
 * whatever the email (the server tells nobody whether an account exists), so the page
 * says the same thing too.
 */
export function ForgotPasswordPage() {
  const location = useLocation();
  const state = (location.state ?? null) as SignInLocationState | null;
  const [email, setEmail] = useState(state?.email ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<{ title: string; detail?: string | undefined } | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const emailError = validateEmail(email);
    setError(emailError);
    setMessage(null);
    if (emailError) return;
    setSubmitting(true);
    const result = await forgotPassword(email.trim());
    setSubmitting(false);
    if (result.ok) {
      setSent(result.data.message);
      return;
    }
    const { problem } = result;
    if (problem.status === 429) setMessage({ title: rateLimitMessage(undefined) });
    else if (problem.status === 422) setError('Enter an email address like name@example.com.');
    else setMessage({ title: problem.title, detail: problem.detail });
  }

  return (
    <div className="auth-card">
      <title>Forgot password · Partner Console</title>
      <h1 className="auth-card__title">Forgot your password?</h1>
      {sent !== null ? (
        <>
          <FormAlert tone="success" title="Check your email">
            <p data-testid="forgot-sent">{sent}</p>
          </FormAlert>
          <p className="auth-card__footer">
            <Link to="/sign-in" state={{ email: email.trim() } satisfies SignInLocationState}>
              Back to sign in
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="auth-card__lead">
            Enter the email you sign in with. We will send a link to choose a new password; choosing it signs you out
            everywhere else.
          </p>
          <form className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={submitting}>
            {message ? <FormAlert title={message.title}>{message.detail ? <p>{message.detail}</p> : null}</FormAlert> : null}
            <TextField
              name="email"
              label="Email"
              type="email"
              autoComplete="username"
              inputMode="email"
              value={email}
              onChange={setEmail}
              error={error}
              testId="forgot-email"
            />
            <div className="form__actions">
              <button
                type="submit"
                className="button button--primary button--block"
                disabled={submitting}
                data-testid="forgot-submit"
              >
                {submitting ? 'Sending…' : 'Send the link'}
              </button>
            </div>
          </form>
          <p className="auth-card__footer">
            <Link to="/sign-in">Back to sign in</Link>
          </p>
        </>
      )}
    </div>
  );
}
