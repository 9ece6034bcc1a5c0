import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { mapFieldErrors, MFA_CODE_MISMATCH, MFA_REQUIRED, rateLimitMessage } from '../api/problem';
import { useAuth } from '../auth/AuthContext';
import type { AccountKind } from '../auth/session';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { useFormFeedback } from '../forms/useFormFeedback';
import { oneTimeCode, validateOneTimeCode, validateSignIn, type SignInField } from '../forms/validation';
import { customerTarget, redirectTarget, type SignInLocationState } from '../app/locationState';

interface FormMessage {
  title: string;
  detail?: string | undefined;
}

/** The second step: the password was right and the server sent a challenge for the code. */
interface CodeStep {
  email: string;
  challenge: string;
}

interface PasswordFormProps {
  initialEmail: string;
  notice: string | undefined;
  /** Starting again after the code step: the password field takes the focus. */
  focusPassword: boolean;
  onSignedIn: (account: AccountKind) => void;
  onCodeRequired: (step: CodeStep) => void;
}

function PasswordForm({ initialEmail, notice, focusPassword, onSignedIn, onCodeRequired }: PasswordFormProps) {
  const auth = useAuth();
  const { values, setValues, setErrors, fieldProps, message, setMessage, submitting, setSubmitting, requestFocus, formRef, alertRef } =
    useFormFeedback<Record<SignInField, string>, FormMessage>({ email: initialEmail, password: '' });

  useEffect(() => {
    if (focusPassword) formRef.current?.querySelector<HTMLInputElement>('input[type="password"]')?.focus();
  }, [focusPassword, formRef]);

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
    const email = values.email.trim();
    const result = await auth.signIn({ email, password: values.password });
    if (result.ok) {
      onSignedIn(result.data);
      return;
    }
    const { problem, retryAfterSeconds } = result;
    if (problem.status === 401 && problem.type === MFA_REQUIRED && problem.challenge !== undefined) {
      onCodeRequired({ email, challenge: problem.challenge });
      return;
    }
    if (problem.status === 401) {
      setMessage({ title: 'Incorrect email or password' });
    } else if (problem.status === 403 && problem.type === '/problems/partner-managed') {
      setMessage({ title: 'Your partner manages this account', detail: problem.detail });
    } else if (problem.status === 403 && problem.type === '/problems/mfa-skipped') {
      setMessage({ title: 'Two-step verification is required', detail: problem.detail });
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
    <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={submitting}>
      {message ? (
        <div ref={alertRef} tabIndex={-1} className="form__message">
          <FormAlert title={message.title}>{message.detail ? <p>{message.detail}</p> : null}</FormAlert>
        </div>
      ) : notice ? (
        <FormAlert tone="info" title={notice} />
      ) : null}

      <TextField {...fieldProps('email')} label="Email" type="email" autoComplete="username" inputMode="email" />
      <TextField {...fieldProps('password')} label="Password" type="password" autoComplete="current-password" />

      <div className="form__actions">
        <button type="submit" className="button button--primary button--block" disabled={submitting}>
          {submitting ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
    </form>
  );
}

interface CodeFormProps {
  step: CodeStep;
  onSignedIn: (account: AccountKind) => void;
  onStartAgain: () => void;
}

/**
 * The code from the authenticator app, after the password. A wrong code may be tried
 * again with the same challenge; once the challenge has expired, only starting again
 * (the password) helps.
 */
function CodeForm({ step, onSignedIn, onStartAgain }: CodeFormProps) {
  const auth = useAuth();
  const [expired, setExpired] = useState(false);
  const { values, setValues, setErrors, fieldProps, message, setMessage, submitting, setSubmitting, requestFocus, formRef, alertRef } =
    useFormFeedback<{ code: string }, FormMessage>({ code: '' });

  // The password form's button is gone: the code field takes the focus.
  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [formRef]);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting || expired) return;
    setMessage(null);
    const clientError = validateOneTimeCode(values.code);
    if (clientError) {
      setErrors({ code: clientError });
      requestFocus();
      return;
    }
    setErrors({});
    setSubmitting(true);
    const result = await auth.signInWithCode({
      email: step.email,
      session: step.challenge,
      code: oneTimeCode(values.code),
    });
    if (result.ok) {
      onSignedIn(result.data);
      return;
    }
    const { problem, retryAfterSeconds } = result;
    setSubmitting(false);
    setValues({ code: '' });
    if (problem.status === 401 && problem.type === MFA_CODE_MISMATCH) {
      setErrors({ code: 'That code is not correct. Enter the code your authenticator app shows now.' });
    } else if (problem.status === 401) {
      setExpired(true);
      setMessage({
        title: 'This sign-in has expired',
        detail: 'The code was not entered in time. Start again with your email and password.',
      });
    } else if (problem.status === 422) {
      const { fields } = mapFieldErrors(problem, ['code'] as const);
      setErrors({ code: fields.code ? 'Enter the 6 digits your authenticator app shows.' : undefined });
      if (!fields.code) setMessage({ title: problem.title, detail: problem.detail });
    } else if (problem.status === 429) {
      setMessage({ title: rateLimitMessage(retryAfterSeconds) });
    } else {
      setMessage({ title: problem.title, detail: problem.detail });
    }
    requestFocus();
  }

  return (
    <form
      ref={formRef}
      className="form"
      noValidate
      onSubmit={(event) => void handleSubmit(event)}
      aria-busy={submitting}
    >
      {message ? (
        <div ref={alertRef} tabIndex={-1} className="form__message">
          <FormAlert title={message.title}>{message.detail ? <p>{message.detail}</p> : null}</FormAlert>
        </div>
      ) : null}

      {expired ? (
        <div className="form__actions">
          <button
            type="button"
            className="button button--primary button--block"
            onClick={onStartAgain}
            data-testid="sign-in-start-again"
          >
            Start again
          </button>
        </div>
      ) : (
        <>
          <TextField
            {...fieldProps('code')}
            label="Verification code"
            autoComplete="one-time-code"
            inputMode="numeric"
            spellCheck={false}
            hint="The 6-digit code your authenticator app shows for the Partner Console. It changes every 30 seconds."
            testId="sign-in-code"
          />
          <div className="form__actions form__actions--split">
            <button type="button" className="button button--secondary" onClick={onStartAgain} disabled={submitting}>
              Start again
            </button>
            <button type="submit" className="button button--primary" disabled={submitting} data-testid="sign-in-verify">
              {submitting ? 'Verifying…' : 'Verify'}
            </button>
          </div>
        </>
      )}
    </form>
  );
}

export function SignInPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const state = (location.state ?? null) as SignInLocationState | null;
  const [codeStep, setCodeStep] = useState<CodeStep | null>(null);
  const [email, setEmail] = useState(state?.email ?? '');
  const [attempt, setAttempt] = useState(0);

  function signedIn(account: AccountKind) {
    const target = account === 'customer' ? customerTarget(state) : redirectTarget(state);
    void navigate(target, { replace: true });
  }

  if (codeStep) {
    return (
      <div className="auth-card">
        <title>Two-step verification · Partner Console</title>
        <h1 className="auth-card__title">Two-step verification</h1>
        <p className="auth-card__lead">
          Enter the code from your authenticator app to finish signing in as <strong>{codeStep.email}</strong>.
        </p>
        <CodeForm
          step={codeStep}
          onSignedIn={signedIn}
          onStartAgain={() => {
            setEmail(codeStep.email);
            setCodeStep(null);
            setAttempt((count) => count + 1);
          }}
        />
        <p className="auth-card__footer">
          Lost the phone with your authenticator app? Another partner administrator of your company can reset your
          two-step verification.
        </p>
      </div>
    );
  }

  return (
    <div className="auth-card">
      <title>Sign in · Partner Console</title>
      <h1 className="auth-card__title">Sign in</h1>
      <p className="auth-card__lead">Sign in to manage your partnership.</p>

      <PasswordForm
        key={attempt}
        initialEmail={email}
        notice={attempt === 0 ? state?.notice : undefined}
        focusPassword={attempt > 0}
        onSignedIn={signedIn}
        onCodeRequired={setCodeStep}
      />

      <p className="auth-card__footer">
        <Link to="/forgot-password" state={{ email } satisfies SignInLocationState} data-testid="forgot-password-link">
          Forgot password?
        </Link>
      </p>
      <p className="auth-card__footer">
        New partner? <Link to="/sign-up">Create an account</Link>
      </p>
      <p className="auth-card__footer">Customer administrators sign in here too, with the login from their welcome email.</p>
    </div>
  );
}
