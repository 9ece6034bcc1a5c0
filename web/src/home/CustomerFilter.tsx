import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { CustomerRow } from '../api/client';
import { MANAGEMENT_LABELS } from '../customers/labels';
import { searchCustomers } from './api';

export interface ChosenCustomer {
  id: string;
  /** Unknown until the dashboard for it has loaded (e.g. when the address names it). */
  name: string | null;
}

/** Waits this long after the last keystroke before asking the server. */
const SEARCH_DELAY_MS = 250;

interface Results {
  query: string;
  items: CustomerRow[];
  failed: boolean;
}

type Option = { id: null; name: string } | { id: string; name: string; row: CustomerRow };

const ALL: Option = { id: null, name: 'All customers' };

/**
 * The Home page's Display filter: "All customers" or one customer, found by typing part of
 * its name (a combobox whose list the server searches).
 */
export function CustomerFilter({
  value,
  onChange,
}: {
  value: ChosenCustomer | null;
  onChange: (customer: ChosenCustomer | null) => void;
}) {
  const inputId = useId();
  const listId = useId();
  const [open, setOpen] = useState(false);
  /** What the user typed; null while the input shows the chosen customer. */
  const [typed, setTyped] = useState<string | null>(null);
  const [results, setResults] = useState<Results | null>(null);
  const [active, setActive] = useState(0);

  const query = (typed ?? '').trim();
  const shown = typed ?? (value === null ? '' : (value.name ?? ''));
  const current = results !== null && results.query === query ? results : null;
  const options: Option[] = [ALL, ...(current?.items ?? []).map((row) => ({ id: row.id, name: row.name, row }))];
  const activeIndex = Math.min(active, options.length - 1);

  useEffect(() => {
    if (!open) return;
    let live = true;
    const timer = window.setTimeout(() => {
      void searchCustomers(query).then((result) => {
        if (!live) return;
        setResults(
          result.ok
            ? { query, items: [...result.data.items], failed: false }
            : { query, items: [], failed: true },
        );
      });
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [open, query]);

  function close() {
    setOpen(false);
    setTyped(null);
    setActive(0);
  }

  function choose(option: Option) {
    close();
    onChange(option.id === null ? null : { id: option.id, name: option.name });
  }

  function handleKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) setOpen(true);
        else setActive(Math.min(activeIndex + 1, options.length - 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        setActive(Math.max(activeIndex - 1, 0));
        break;
      case 'Enter': {
        const option = options[activeIndex];
        if (open && option) {
          event.preventDefault();
          choose(option);
        }
        break;
      }
      case 'Escape':
        if (open) {
          event.preventDefault();
          close();
        }
        break;
    }
  }

  const optionId = (index: number) => `${listId}-${index}`;
  const status = current === null ? 'Searching…' : current.failed ? 'Customers could not be loaded.' : null;

  return (
    <div className="customer-filter">
      <label className="field__label" htmlFor={inputId}>
        Display
      </label>
      <div className="customer-filter__control">
        <input
          id={inputId}
          type="text"
          role="combobox"
          className="field__input customer-filter__input"
          placeholder="All customers"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open ? optionId(activeIndex) : undefined}
          value={shown}
          onChange={(event) => {
            setTyped(event.target.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={close}
          onKeyDown={handleKeyDown}
          data-testid="home-customer-filter"
        />
        {value !== null ? (
          <button
            type="button"
            className="customer-filter__clear"
            aria-label="Show all customers"
            title="Show all customers"
            onClick={() => {
              close();
              onChange(null);
            }}
            data-testid="home-customer-filter-clear"
          >
            ×
          </button>
        ) : null}
      </div>
      <ul id={listId} role="listbox" aria-label="Customers" className="customer-filter__list" hidden={!open}>
        {options.map((option, index) => (
          <li
            key={option.id ?? 'all'}
            id={optionId(index)}
            role="option"
            aria-selected={index === activeIndex}
            className={`customer-filter__option${index === activeIndex ? ' customer-filter__option--active' : ''}`}
            // Keeps focus in the input, whose blur would close the list before the click lands.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(option)}
            data-testid="home-customer-option"
          >
            {option.name}
            {'row' in option ? (
              <span className="customer-filter__hint">{MANAGEMENT_LABELS[option.row.management]}</span>
            ) : null}
          </li>
        ))}
        {status ? (
          <li role="presentation" className="customer-filter__status">
            {status}
          </li>
        ) : current !== null && current.items.length === 0 ? (
          <li role="presentation" className="customer-filter__status">
            No customer matches “{query}”.
          </li>
        ) : null}
      </ul>
    </div>
  );
}
