import type { Ref } from 'react';
import { rateLimitMessage, type FieldError, type Problem } from '../api/problem';
import { FormAlert } from '../components/FormAlert';

/** A user or role that changed since the page loaded it (409 with this type, or 412). */
export const CHANGED = '/problems/changed';
export const EMAIL_TAKEN = '/problems/email-taken';
export const ROLE_IN_USE = '/problems/role-in-use';

export function isChanged(problem: Problem): boolean {
  return problem.status === 412 || (problem.status === 409 && problem.type === CHANGED);
}

/** What went wrong, in words for the page: its title says what failed. */
export interface Failure {
  title: string;
  detail: string;
  items?: string[];
  /** The page should be reloaded before trying again. */
  stale?: boolean;
}

/**
 * The failure of an action. The API's titles are generic ("Conflict"), its details
 * say why; a change refused because of a newer version asks for a reload.
 */
export function failureOf(
  title: string,
  problem: Problem,
  retryAfterSeconds?: number,
  unmatched: FieldError[] | undefined = problem.errors,
): Failure {
  if (problem.status === 429) return { title, detail: rateLimitMessage(retryAfterSeconds) };
  if (isChanged(problem)) {
    return {
      title,
      detail: 'It was changed by someone else since the page was loaded. Reload, then try again.',
      stale: true,
    };
  }
  const failure: Failure = { title, detail: problem.detail ?? problem.title };
  if (unmatched && unmatched.length > 0) failure.items = unmatched.map((error) => `${error.field}: ${error.message}`);
  return failure;
}

interface FailureAlertProps {
  failure: Failure;
  /** Offered when the failure is stale. */
  onReload?: () => void;
  reloadLabel?: string;
  ref?: Ref<HTMLDivElement>;
}

/** A failure above a form, in a dialog or on a page; focusable so it can take focus. */
export function FailureAlert({ failure, onReload, reloadLabel = 'Reload', ref }: FailureAlertProps) {
  return (
    <div ref={ref} tabIndex={-1} className="form__message">
      <FormAlert title={failure.title}>
        <p>{failure.detail}</p>
        {failure.items && failure.items.length > 0 ? (
          <ul>
            {failure.items.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        ) : null}
        {failure.stale && onReload ? (
          <p className="alert__actions">
            <button type="button" className="button button--secondary" onClick={onReload}>
              {reloadLabel}
            </button>
          </p>
        ) : null}
      </FormAlert>
    </div>
  );
}

/**
 * A field error from the API as a sentence: "is required" becomes "The role name is
 * required."; a message that is a sentence of its own ("another role has this name")
 * is capitalised.
 */
export function fieldSentence(label: string, message: string): string {
  const text = message.trim().replace(/[.]$/, '');
  const sentence = /^(is|are|must|should|has|have|was|cannot|can't|does|do)\b/.test(text)
    ? `${label} ${text}`
    : text.charAt(0).toUpperCase() + text.slice(1);
  return `${sentence}.`;
}
