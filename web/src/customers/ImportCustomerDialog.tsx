import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { ConsentRequest } from '../api/client';
import { mapFieldErrors, type Problem } from '../api/problem';
import { Dialog } from '../components/Dialog';
import { TextField } from '../components/fields';
import { useFormFeedback } from '../forms/useFormFeedback';
import { validateEmail } from '../forms/validation';
import { importCustomer, newIdempotencyKey } from './api';
import { formatDateTime, requestStatusLabel } from './labels';
import { MessageAlert, problemMessage, type Message } from './problems';

interface ImportCustomerDialogProps {
  onClose: () => void;
  /** Called once the request has been sent; the dialog then shows it. */
  onSent?: (request: ConsentRequest) => void;
}

type Values = { email: string };

/**
 * The guide's "Import Customer" dialog: the email of an existing customer account,
 * then Send. The customer admin is emailed a request to approve; the dialog shows
 * the request as sent.
 */
export function ImportCustomerDialog({ onClose, onSent }: ImportCustomerDialogProps) {
  const { values, errors, setErrors, setField, message, setMessage, submitting, setSubmitting, requestFocus, formRef, alertRef } =
    useFormFeedback<Values, Message>({ email: '' });
  const [sent, setSent] = useState<ConsentRequest | null>(null);
  const attempt = useRef<{ email: string; key: string } | null>(null);
  const sentRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (sent) sentRef.current?.focus();
  }, [sent]);

  function showProblem(problem: Problem, retryAfterSeconds: number | undefined) {
    const { fields, unmatched } = mapFieldErrors(problem, ['email'] as const);
    if (problem.status === 422 && fields.email && unmatched.length === 0) {
      setErrors({ email: capitalize(fields.email) });
      setMessage(null);
    } else if (problem.status === 409) {
      setErrors({});
      setMessage({ title: 'This customer cannot be imported now', detail: problem.detail ?? problem.title });
    } else {
      setErrors({ email: fields.email ? capitalize(fields.email) : undefined });
      setMessage(problemMessage(problem, retryAfterSeconds, unmatched));
    }
    requestFocus();
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const email = values.email.trim();
    const invalid = validateEmail(email);
    if (invalid) {
      setErrors({ email: invalid });
      setMessage(null);
      requestFocus();
      return;
    }
    if (attempt.current?.email !== email) attempt.current = { email, key: newIdempotencyKey() };
    setErrors({});
    setMessage(null);
    setSubmitting(true);
    const result = await importCustomer(email, attempt.current.key);
    setSubmitting(false);
    if (!result.ok) {
      showProblem(result.problem, result.retryAfterSeconds);
      return;
    }
    setSent(result.data);
    onSent?.(result.data);
  }

  if (sent) {
    return (
      <Dialog title="Import Customer" onClose={onClose}>
        <div ref={sentRef} tabIndex={-1} className="form__message" data-testid="import-sent">
          <div className="alert alert--success" role="status">
            <p className="alert__title">Request sent</p>
            <p className="alert__body">
              If {sent.email} is the login of a customer account, its administrator has been asked to approve. The
              customer appears in your customer list once they approve, and its name in Request Status.
            </p>
          </div>
        </div>
        <dl className="details details--compact">
          <div className="details__row">
            <dt>Email</dt>
            <dd>{sent.email}</dd>
          </div>
          <div className="details__row">
            <dt>Status</dt>
            <dd>{requestStatusLabel(sent.status)}</dd>
          </div>
          <div className="details__row">
            <dt>Requested at</dt>
            <dd>
              <time dateTime={sent.requestedAt}>{formatDateTime(sent.requestedAt)}</time>
            </dd>
          </div>
          <div className="details__row">
            <dt>Link expires</dt>
            <dd>
              <time dateTime={sent.expiresAt}>{formatDateTime(sent.expiresAt)}</time>
            </dd>
          </div>
        </dl>
        <div className="dialog__actions">
          <Link to="/customers/requests" className="button button--secondary" onClick={onClose}>
            View request status
          </Link>
          <button type="button" className="button button--primary" onClick={onClose} data-testid="import-done">
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Import Customer" onClose={onClose} closeDisabled={submitting}>
      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={submitting}>
        <p className="dialog__lead">
          Enter the email address of the customer’s existing account. The customer must approve your request before
          the account joins your customer list; you do not take over the account.
        </p>
        {message ? <MessageAlert ref={alertRef} message={message} /> : null}
        <TextField
          name="importEmail"
          label="Customer email"
          type="email"
          inputMode="email"
          autoComplete="off"
          spellCheck={false}
          value={values.email}
          onChange={setField('email')}
          error={errors.email}
          testId="import-email"
        />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={submitting}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={submitting} data-testid="import-send">
            {submitting ? 'Sending…' : 'Send'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
