import { useState, type FormEvent } from 'react';
import type { Problem } from '../api/problem';
import type { ApiResult } from '../auth/session';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { PASSWORD_POLICY, validatePassword } from './validation';

interface ChoosePasswordFormProps<T> {
  /** Prefix of the fields' and button's test ids (`<prefix>-password`, `-confirm`, `-submit`). */
  testId: string;
  passwordLabel?: string;
  confirmLabel?: string;
  submitLabel: string;
  hint?: string;
  /** How the server's refusal of the password reads on the field. */
  describeRefusal?: (message: string) => string;
  /** Sends the chosen password with the link's secret. */
  submit: (password: string) => Promise<ApiResult<T>>;
  onChosen: (data: T) => void;
  /** The link no longer works (404, 410): the page says why. */
  onLinkGone: (problem: Problem) => void;
}

/**
 * Choosing a password from an emailed link (a customer admin's welcome, a partner user's
 * invitation, a password reset): the password and its confirmation checked against the
 * policy before anything is sent, the server's refusal shown on the field, and a link
 * that stopped working handed back to the page.
 */
export function ChoosePasswordForm<T>({
  testId,
  passwordLabel = 'Password',
  confirmLabel = 'Confirm password',
  submitLabel,
  hint = PASSWORD_POLICY,
  describeRefusal = (message) => message,
  submit,
  onChosen,
  onLinkGone,
}: ChoosePasswordFormProps<T>) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string | undefined; confirm?: string | undefined }>({});
  const [message, setMessage] = useState<{ title: string; detail?: string | undefined } | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const passwordError = validatePassword(password);
    const confirmError = confirm !== password ? 'The passwords do not match.' : undefined;
    setErrors({ password: passwordError, confirm: confirmError });
    setMessage(null);
    if (passwordError || confirmError) return;
    setSubmitting(true);
    const result = await submit(password);
    setSubmitting(false);
    if (result.ok) {
      onChosen(result.data);
      return;
    }
    const fieldError = result.problem.errors?.find((error) => error.field === 'password');
    if (fieldError) setErrors({ password: describeRefusal(fieldError.message) });
    else if (result.problem.status === 410 || result.problem.status === 404) onLinkGone(result.problem);
    else setMessage({ title: result.problem.title, detail: result.problem.detail });
  }

  return (
    <form className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={submitting}>
      {message ? <FormAlert title={message.title}>{message.detail ? <p>{message.detail}</p> : null}</FormAlert> : null}
      <TextField
        name="password"
        label={passwordLabel}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        error={errors.password}
        hint={hint}
        testId={`${testId}-password`}
      />
      <TextField
        name="confirm"
        label={confirmLabel}
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={setConfirm}
        error={errors.confirm}
        testId={`${testId}-confirm`}
      />
      <div className="form__actions">
        <button
          type="submit"
          className="button button--primary button--block"
          disabled={submitting}
          data-testid={`${testId}-submit`}
        >
          {submitting ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
