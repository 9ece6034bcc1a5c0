import type { ReactNode, Ref } from 'react';
import { Link } from 'react-router';
import { EMAIL_NOT_VERIFIED, rateLimitMessage, type FieldError, type Problem } from '../api/problem';
import { FormAlert } from '../components/FormAlert';

/** Paid subscriptions need the ExSP program (the guide's Table 1-2). */
export const EXSP_REQUIRED = '/problems/exsp-required';
export const EMAIL_TAKEN = '/problems/email-taken';
export const CUSTOMER_CHANGED = '/problems/customer-changed';
export const ALREADY_HAS_PRODUCT = '/problems/already-has-product';

/** What resellers are told wherever a paid subscription is offered. */
export const EXSP_REQUIRED_EXPLANATION =
  'Paid subscriptions are provisioned by partners in the ExSP program. Activate your ExSP serial number on Home first; until then you can set up trials.';

/** The customer changed since the page loaded it: the page has to be reloaded before trying again. */
export function isStale(problem: Problem): boolean {
  return problem.status === 412 || (problem.status === 409 && problem.type === CUSTOMER_CHANGED);
}

export interface Message {
  title: string;
  detail?: string | undefined;
  items?: string[];
  /** Offer to reload the customer (the change was refused because the customer changed meanwhile). */
  stale?: boolean;
  /** Point to Home's "Activate a serial number". */
  exspRequired?: boolean;
  /** Offer "Import Existing Customer" (the email belongs to an existing account). */
  importLink?: boolean;
}

/** The words for a problem that no field of the form can show. */
export function problemMessage(problem: Problem, retryAfterSeconds?: number, unmatched: FieldError[] = []): Message {
  if (problem.status === 429) return { title: rateLimitMessage(retryAfterSeconds) };
  if (isStale(problem)) {
    return {
      title: 'This customer was changed meanwhile',
      detail: 'Someone changed this customer since the page was loaded. Reload it to see the latest details, then try again.',
      stale: true,
    };
  }
  if (problem.type === EMAIL_NOT_VERIFIED) {
    return { title: 'Confirm your email first', detail: problem.detail };
  }
  if (problem.type === EXSP_REQUIRED) {
    return {
      title: 'Paid subscriptions need the ExSP program',
      detail: problem.detail ?? EXSP_REQUIRED_EXPLANATION,
      exspRequired: true,
    };
  }
  return {
    title: problem.title,
    detail: problem.detail,
    items: unmatched.map((error) => `${error.field}: ${error.message}`),
  };
}

interface MessageAlertProps {
  message: Message;
  onReload?: () => void;
  children?: ReactNode;
  ref?: Ref<HTMLDivElement>;
}

/**
 * A message above a form or in a dialog, focusable so it can take focus after a
 * failed submit.
 */
export function MessageAlert({ message, onReload, children, ref }: MessageAlertProps) {
  return (
    <div ref={ref} tabIndex={-1} className="form__message">
      <FormAlert title={message.title}>
        {message.detail ? <p>{message.detail}</p> : null}
        {message.items && message.items.length > 0 ? (
          <ul>
            {message.items.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        ) : null}
        {message.exspRequired ? (
          <p>
            <Link to="/">Go to Home to activate your ExSP serial number</Link>
          </p>
        ) : null}
        {message.importLink ? (
          <p>
            <Link to="/customers" state={{ openImport: true }}>
              Import an existing customer
            </Link>
          </p>
        ) : null}
        {message.stale && onReload ? (
          <p className="alert__actions">
            <button type="button" className="button button--secondary" onClick={onReload} data-testid="profile-reload">
              Reload customer
            </button>
          </p>
        ) : null}
        {children}
      </FormAlert>
    </div>
  );
}

/** An alert for a failed load or action outside a form: the title says what failed. */
export function ProblemAlert({ title, problem }: { title: string; problem: Problem }) {
  return (
    <FormAlert title={title}>
      <p>
        {problem.title}
        {problem.detail ? `: ${problem.detail}` : ''}
      </p>
    </FormAlert>
  );
}

/** A page or a part of one that could not be loaded: what, why, and Try again. */
export function LoadFailed({ title, problem, onRetry }: { title: string; problem: Problem; onRetry: () => void }) {
  return (
    <>
      <ProblemAlert title={title} problem={problem} />
      <div className="panel__actions">
        <button type="button" className="button button--secondary" onClick={onRetry}>
          Try again
        </button>
      </div>
    </>
  );
}
