import { useId } from 'react';
import { CheckboxInput } from '../../customers/controls';
import { ProblemAlert } from '../../customers/problems';
import { MAX_OTHER_ADDRESSES, type RecipientErrors, type RecipientField, type RecipientsDraft } from './recipients';
import type { RecipientUsers } from './useRecipientUsers';

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === 'string');
  return present.length > 0 ? present.join(' ') : undefined;
}

interface RecipientsFieldsProps {
  draft: RecipientsDraft;
  errors: RecipientErrors;
  onChange: (next: Partial<RecipientsDraft>, field?: RecipientField) => void;
  choices: RecipientUsers;
  /** Names the controls and their test ids (`report`, `schedule`). */
  prefix: string;
}

/**
 * The guide's Delivery step: the partner's users, "Email the report as an attached
 * file", and other addresses, which only an attached file reaches.
 */
export function RecipientsFields({ draft, errors, onChange, choices, prefix }: RecipientsFieldsProps) {
  const usersErrorId = useId();
  const emailsId = `field-${prefix}-delivery-emails`;
  const chosen = new Set(draft.users);
  const listed = (choices.users ?? []).filter((user) => !user.disabled || chosen.has(user.id));
  const listedIds = new Set(listed.map((user) => user.id));
  // Recipients kept from before whom the list no longer has (removed, or not listed for this role).
  const others = draft.users.filter((id) => !listedIds.has(id));
  const options = [
    ...listed.map((user) => ({
      id: user.id,
      name: user.name,
      detail: `${user.email}${user.disabled ? ' · Disabled' : ''}`,
    })),
    ...others.map((id) => ({ id, name: id, detail: 'Not listed' })),
  ];
  const usersError = errors['delivery.users'];
  const emailsError = errors['delivery.emails'];

  function toggle(id: string, on: boolean) {
    onChange({ users: on ? [...draft.users, id] : draft.users.filter((other) => other !== id) }, 'delivery.users');
  }

  return (
    <div className="form__stack" data-testid={`${prefix}-recipients`}>
      <fieldset
        className={['radio-group', usersError ? 'radio-group--invalid' : ''].filter(Boolean).join(' ')}
        aria-describedby={describedBy(usersError && usersErrorId)}
      >
        <legend className="radio-group__legend">Users</legend>
        <p className="field__hint">
          {choices.onlyMe
            ? 'Your role lists only you. People outside the list can be added below, with an attached file.'
            : 'Users of your console. Without an attached file they receive a link and sign in to open the report.'}
        </p>
        {choices.problem ? <ProblemAlert title="The users could not be loaded" problem={choices.problem} /> : null}
        {choices.users === null && choices.problem === null ? (
          <p className="panel__note" role="status">
            Loading users…
          </p>
        ) : null}
        {options.length > 0 ? (
          <ul className="option-list" data-testid={`${prefix}-recipient-users`}>
            {options.map((option, index) => {
              const id = `field-${prefix}-recipient-${option.id}`;
              return (
                <li key={option.id}>
                  <div className="checkbox">
                    <input
                      id={id}
                      type="checkbox"
                      className="checkbox__input"
                      checked={chosen.has(option.id)}
                      aria-invalid={usersError && index === 0 ? true : undefined}
                      onChange={(event) => toggle(option.id, event.target.checked)}
                    />
                    <label className="checkbox__label" htmlFor={id}>
                      {option.name} <span className="muted">{option.detail}</span>
                    </label>
                  </div>
                </li>
              );
            })}
          </ul>
        ) : null}
        {usersError ? (
          <p className="field__error" id={usersErrorId}>
            {usersError}
          </p>
        ) : null}
      </fieldset>

      <CheckboxInput
        name={`${prefix}.delivery.attach`}
        checked={draft.attach}
        onChange={(attach) => onChange({ attach }, 'delivery.emails')}
        hint="Always check it when the report is intended for one of your customers."
        testId={`${prefix}-attach`}
      >
        Email the report as an attached file
      </CheckboxInput>

      <div className={['field', emailsError ? 'field--invalid' : ''].filter(Boolean).join(' ')}>
        <label className="field__label" htmlFor={emailsId}>
          Other email addresses <span className="field__optional">(optional)</span>
        </label>
        <textarea
          id={emailsId}
          name={`${prefix}.delivery.emails`}
          className="field__input recipients__addresses"
          value={draft.emails}
          disabled={!draft.attach}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={emailsError ? true : undefined}
          aria-describedby={describedBy(`${emailsId}-hint`, emailsError && `${emailsId}-error`)}
          onChange={(event) => onChange({ emails: event.target.value }, 'delivery.emails')}
          data-testid={`${prefix}-emails`}
        />
        <div className="field__hint" id={`${emailsId}-hint`}>
          {draft.attach
            ? `One a line, up to ${MAX_OTHER_ADDRESSES}. Required for people without a login to the console, such as your customers: they receive the report as an attached file.`
            : 'Check “Email the report as an attached file” to send the report to people without a login to the console.'}
        </div>
        {emailsError ? (
          <p className="field__error" id={`${emailsId}-error`}>
            {emailsError}
          </p>
        ) : null}
      </div>
    </div>
  );
}
