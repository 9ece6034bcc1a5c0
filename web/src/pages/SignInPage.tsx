import type { FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { rateLimitMessage } from '../api/problem';
import { useAuth } from '../auth/AuthContext';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { useFormFeedback } from '../forms/useFormFeedback';
import { validateSignIn, type SignInField } from '../forms/validation';
import { customerTarget, redirectTarget, type SignInLocationState } from '../app/locationState';

interface FormMessage {
  title: string;
  detail?: string | undefined;
}

export function SignInPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const state = (location.state ?? null) as SignInLocationState | null;
  const { values, setValues, setErrors, fieldProps, message, setMessage, submitting, setSubmitting, requestFocus, formRef, alertRef } =
    useFormFeedback<Record<SignInField, string>, FormMessage>({ email: state?.email ?? '', password: '' });

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const clientErrors = validateSignIn(values);
    setMessage(null);
    if (Object.keys(clientErrors).length > 0) {
      setErrors(clientErrors);
      requestFocus();
      return;
    }
    setErrors({});
    setSubmitting(true);
    const result = await auth.signIn({ email: values.email.trim(), password: values.password });
    if (result.ok) {
      const target = result.data === 'customer' ? customerTarget(state) : redirectTarget(state);
      void navigate(target, { replace: true });
      return;
    }
    const { problem, retryAfterSeconds } = result;
    if (problem.status === 401) {
      setMessage({ title: 'Incorrect email or password' });
    } else if (problem.status === 403 && problem.type === '/problems/partner-managed') {
      setMessage({ title: 'Your partner manages this account', detail: problem.detail });
    } else if (problem.status === 429) {
      setMessage({ title: rateLimitMessage(retryAfterSeconds) });
    } else {
      setMessage({ title: problem.title, detail: problem.detail });
    }
    setValues((previous) => ({ ...previous, password: '' }));
    setSubmitting(false);
    requestFocus();
  }

  return (
    <div className="auth-card">
      <title>Sign in · Partner Console</title>
      <h1 className="auth-card__title">Sign in</h1>
      <p className="auth-card__lead">Sign in to manage your partnership.</p>

      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={submitting}>
        {message ? (
          <div ref={alertRef} tabIndex={-1} className="form__message">
            <FormAlert title={message.title}>{message.detail ? <p>{message.detail}</p> : null}</FormAlert>
          </div>
        ) : state?.notice ? (
          <FormAlert tone="info" title={state.notice} />
        ) : null}

        <TextField {...fieldProps('email')} label="Email" type="email" autoComplete="username" inputMode="email" />
        <TextField {...fieldProps('password')} label="Password" type="password" autoComplete="current-password" />

        <div className="form__actions">
          <button type="submit" className="button button--primary button--block" disabled={submitting}>
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>

      <p className="auth-card__footer">
        New partner? <Link to="/sign-up">Create an account</Link>
      </p>
      <p className="auth-card__footer">Customer administrators sign in here too, with the login from their welcome email.</p>
    </div>
  );
}
