import { useId, useState } from 'react';
import type { CustomerChoices } from '../admin/CustomerAccessEditor';
import { CheckboxInput } from '../customers/controls';
import { ProblemAlert } from '../customers/problems';

/** Search results shown at once; typing more narrows them. */
const SHOWN_MATCHES = 50;

export interface PickedCustomer {
  id: string;
  name: string;
}

interface CustomerPickerProps {
  chosen: PickedCustomer[];
  choices: CustomerChoices;
  onChange: (customers: PickedCustomer[]) => void;
  error: string | undefined;
  /** What the chosen ones are called ("companies", "customers"). */
  noun: string;
  /**
   * Prefix of the test ids (`${prefix}-chosen-customers`, `${prefix}-customer-search`,
   * `${prefix}-customer-options`) and of the check boxes' names.
   */
  idPrefix: string;
}

/**
 * Several customers chosen from the partner's list: the chosen ones (each with Remove),
 * and a search whose matches are check boxes. The search marks the field invalid, so it
 * takes focus after a refused submit.
 */
export function CustomerPicker({ chosen, choices, onChange, error, noun, idPrefix }: CustomerPickerProps) {
  const searchId = useId();
  const errorId = useId();
  const resultsId = useId();
  const [query, setQuery] = useState('');
  const chosenIds = new Set(chosen.map((customer) => customer.id));
  const text = query.trim().toLowerCase();
  const matches = choices.rows.filter((row) => text === '' || row.name.toLowerCase().includes(text));
  const shown = matches.slice(0, SHOWN_MATCHES);

  function toggle(customer: PickedCustomer, on: boolean) {
    onChange(on ? [...chosen, customer] : chosen.filter((other) => other.id !== customer.id));
  }

  return (
    <div className={['field', error ? 'field--invalid' : ''].filter(Boolean).join(' ')}>
      {chosen.length > 0 ? (
        <ul className="chosen-list" aria-label={`Chosen ${noun}`} data-testid={`${idPrefix}-chosen-customers`}>
          {chosen.map((customer) => (
            <li key={customer.id} className="chosen-list__item">
              <span>{customer.name}</span>
              <button
                type="button"
                className="button button--small button--secondary"
                onClick={() => toggle(customer, false)}
                aria-label={`Remove ${customer.name}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="panel__note">No {noun} chosen yet.</p>
      )}
      <label className="field__label" htmlFor={searchId}>
        Search customers
      </label>
      <input
        id={searchId}
        type="search"
        className="field__input"
        value={query}
        autoComplete="off"
        aria-controls={resultsId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => setQuery(event.target.value)}
        data-testid={`${idPrefix}-customer-search`}
      />
      {choices.problem ? <ProblemAlert title="The customers could not be loaded" problem={choices.problem} /> : null}
      {!choices.done && choices.problem === null ? (
        <p className="panel__note" role="status">
          Loading customers… {choices.rows.length > 0 ? `${choices.rows.length} so far.` : ''}
        </p>
      ) : null}
      <ul id={resultsId} className="option-list" aria-label="Customers" data-testid={`${idPrefix}-customer-options`}>
        {shown.map((row) => (
          <li key={row.id}>
            <CheckboxInput
              name={`${idPrefix}.customer.${row.id}`}
              checked={chosenIds.has(row.id)}
              onChange={(on) => toggle({ id: row.id, name: row.name }, on)}
            >
              {row.name}
            </CheckboxInput>
          </li>
        ))}
        {choices.done && matches.length === 0 ? <li className="panel__note">No customer matches.</li> : null}
      </ul>
      {matches.length > shown.length ? (
        <p className="field__hint" role="status">
          Showing {shown.length} of {matches.length} customers. Type more of the name to narrow the list.
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
