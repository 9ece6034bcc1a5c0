import { useId, useState } from 'react';
import type { AccessLevel, CustomerRow } from '../api/client';
import type { Problem } from '../api/problem';
import { CheckboxInput, SelectInput } from '../customers/controls';
import { ProblemAlert } from '../customers/problems';
import { ACCESS_LEVEL_HINTS, ACCESS_LEVEL_LABELS, ACCESS_LEVELS } from './labels';

/** The customers chosen at each level, and the level that has "All customers" (at most one). */
export interface AccessDraft {
  all: AccessLevel | null;
  readWrite: string[];
  read: string[];
  noAccess: string[];
}

/** The partner's customers as the chooser knows them: loading page by page, or all loaded. */
export interface CustomerChoices {
  rows: CustomerRow[];
  done: boolean;
  problem: Problem | null;
}

/** Chooses a customer at a level: the one level it may be at; it leaves any other. */
export function chooseCustomer(draft: AccessDraft, level: AccessLevel, customerId: string): AccessDraft {
  const next: AccessDraft = {
    ...draft,
    readWrite: draft.readWrite.filter((id) => id !== customerId),
    read: draft.read.filter((id) => id !== customerId),
    noAccess: draft.noAccess.filter((id) => id !== customerId),
  };
  next[level] = [...next[level], customerId];
  return next;
}

/**
 * "All customers" at a level: only one level can have it. The customers chosen one by
 * one at that level are dropped, since All customers already gives them that level.
 */
export function setAllCustomers(draft: AccessDraft, level: AccessLevel, on: boolean): AccessDraft {
  if (!on) return draft.all === level ? { ...draft, all: null } : draft;
  return { ...draft, all: level, [level]: [] };
}

interface LevelProps {
  level: AccessLevel;
  draft: AccessDraft;
  names: Map<string, string>;
  choices: CustomerChoices;
  readOnly: boolean;
  onChange: (draft: AccessDraft) => void;
}

function customerName(names: Map<string, string>, id: string, done: boolean): string {
  return names.get(id) ?? (done ? `Unknown customer (${id})` : id);
}

function AccessLevelChooser({ level, draft, names, choices, readOnly, onChange }: LevelProps) {
  const [selected, setSelected] = useState('');
  const legendId = useId();
  const all = draft.all === level;
  const chosen = draft[level];
  const taken = new Set([...draft.readWrite, ...draft.read, ...draft.noAccess]);
  const options = choices.rows
    .filter((row) => !taken.has(row.id))
    .map((row) => ({ value: row.id, label: row.name }));
  const label = ACCESS_LEVEL_LABELS[level];

  function add() {
    if (selected === '') return;
    onChange(chooseCustomer(draft, level, selected));
    setSelected('');
  }

  return (
    <fieldset className="access-level" aria-labelledby={legendId} data-testid={`access-level-${level}`}>
      <legend id={legendId} className="access-level__legend">
        {label}
      </legend>
      <p className="field__hint">{ACCESS_LEVEL_HINTS[level]}</p>
      <CheckboxInput
        name={`access.${level}.all`}
        checked={all}
        onChange={(on) => onChange(setAllCustomers(draft, level, on))}
        disabled={readOnly}
        testId={`access-all-${level}`}
        hint={
          all
            ? 'Every customer not chosen at another level has this level, including customers added later.'
            : undefined
        }
      >
        All customers
      </CheckboxInput>
      {!all ? (
        <>
          {chosen.length === 0 ? (
            <p className="panel__note" data-testid={`access-none-${level}`}>
              No customers chosen at {label}.
            </p>
          ) : (
            <ul className="chosen-list" aria-label={`Customers with ${label}`} data-testid={`access-chosen-${level}`}>
              {chosen.map((id) => {
                const name = customerName(names, id, choices.done);
                return (
                  <li key={id} className="chosen-list__item">
                    <span>{name}</span>
                    {!readOnly ? (
                      <button
                        type="button"
                        className="button button--small button--secondary"
                        onClick={() => onChange({ ...draft, [level]: chosen.filter((other) => other !== id) })}
                        aria-label={`Remove ${name} from ${label}`}
                      >
                        Remove
                      </button>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
          {!readOnly ? (
            <div className="admin-form">
              <SelectInput
                name={`access.${level}.customer`}
                label={`Customer for ${label}`}
                value={selected}
                onChange={setSelected}
                options={options}
                placeholder={choices.done ? 'Select a customer' : 'Loading customers…'}
                testId={`access-select-${level}`}
              />
              <button
                type="button"
                className="button button--secondary"
                onClick={add}
                disabled={selected === ''}
                data-testid={`access-add-${level}`}
              >
                Add
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}

interface CustomerAccessEditorProps {
  draft: AccessDraft;
  choices: CustomerChoices;
  readOnly: boolean;
  onChange: (draft: AccessDraft) => void;
}

/** The role page's Customer Access section: Read/Write, Read and No access, each with All customers and a chooser. */
export function CustomerAccessEditor({ draft, choices, readOnly, onChange }: CustomerAccessEditorProps) {
  const names = new Map(choices.rows.map((row) => [row.id, row.name]));
  return (
    <>
      {choices.problem ? <ProblemAlert title="The customers could not be loaded" problem={choices.problem} /> : null}
      {!choices.done && choices.problem === null ? (
        <p className="panel__note" role="status">
          Loading customers… {choices.rows.length > 0 ? `${choices.rows.length} so far.` : ''}
        </p>
      ) : null}
      <div className="access-levels">
        {ACCESS_LEVELS.map((level) => (
          <AccessLevelChooser
            key={level}
            level={level}
            draft={draft}
            names={names}
            choices={choices}
            readOnly={readOnly}
            onChange={onChange}
          />
        ))}
      </div>
    </>
  );
}
