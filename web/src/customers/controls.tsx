import { useId, useMemo, type ChangeEvent, type ReactNode } from 'react';

/**
 * Form controls that the shared fields do not cover: a select and a checkbox with a
 * test id, a group of radio buttons, a number and a date input. They use the same
 * classes as the shared fields, and errors and hints are tied to the control with
 * aria-describedby.
 */

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === 'string');
  return present.length > 0 ? present.join(' ') : undefined;
}

function controlId(name: string): string {
  return `field-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

interface SelectInputProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string; disabled?: boolean }[];
  placeholder: string;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
  testId?: string;
  autoComplete?: string;
  /** False for a filter, whose placeholder ("All …") is a valid choice. */
  required?: boolean;
}

export function SelectInput({
  name,
  label,
  value,
  onChange,
  options,
  placeholder,
  error,
  hint,
  className,
  testId,
  autoComplete,
  required = true,
}: SelectInputProps) {
  const id = controlId(name);
  const optionElements = useMemo(
    () =>
      options.map((option) => (
        <option key={option.value} value={option.value} disabled={option.disabled}>
          {option.label}
        </option>
      )),
    [options],
  );
  return (
    <div className={['field', error ? 'field--invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        name={name}
        className="field__input field__select"
        value={value}
        autoComplete={autoComplete}
        data-testid={testId}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error && `${id}-error`)}
        onChange={(event: ChangeEvent<HTMLSelectElement>) => onChange(event.target.value)}
      >
        <option value="">{placeholder}</option>
        {optionElements}
      </select>
      {hint !== undefined ? (
        <div className="field__hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export interface RadioOption<T extends string> {
  value: T;
  label: string;
  hint?: string;
  disabled?: boolean;
}

interface RadioGroupProps<T extends string> {
  name: string;
  legend: string;
  value: T | '';
  onChange: (value: T) => void;
  options: readonly RadioOption<T>[];
  error?: string | undefined;
  /** Shown under the legend, before the options. */
  description?: ReactNode;
  /** `data-testid` of each radio button is `${testIdPrefix}-${value}`. */
  testIdPrefix?: string;
  className?: string;
  required?: boolean;
}

/**
 * A fieldset of radio buttons: the legend names the group, arrow keys move between
 * the options (native behaviour), and an error is announced with the group.
 */
export function RadioGroup<T extends string>({
  name,
  legend,
  value,
  onChange,
  options,
  error,
  description,
  testIdPrefix,
  className,
  required = true,
}: RadioGroupProps<T>) {
  const baseId = useId();
  const errorId = `${baseId}-error`;
  const descriptionId = `${baseId}-description`;
  return (
    <fieldset
      className={['radio-group', error ? 'radio-group--invalid' : '', className ?? ''].filter(Boolean).join(' ')}
      aria-describedby={describedBy(description !== undefined && descriptionId, error && errorId)}
      aria-required={required || undefined}
      role="radiogroup"
      data-field={name}
    >
      <legend className="radio-group__legend">{legend}</legend>
      {description !== undefined ? (
        <div className="field__hint" id={descriptionId}>
          {description}
        </div>
      ) : null}
      <div className="radio-group__options">
        {options.map((option) => {
          const id = `${baseId}-${option.value}`;
          return (
            <div className="radio" key={option.value}>
              <input
                id={id}
                type="radio"
                name={name}
                className="radio__input"
                value={option.value}
                checked={value === option.value}
                disabled={option.disabled}
                data-testid={testIdPrefix ? `${testIdPrefix}-${option.value}` : undefined}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy(option.hint !== undefined && `${id}-hint`, error && errorId)}
                onChange={() => onChange(option.value)}
              />
              <div className="radio__text">
                <label className="radio__label" htmlFor={id}>
                  {option.label}
                </label>
                {option.hint ? (
                  <p className="radio__hint" id={`${id}-hint`}>
                    {option.hint}
                  </p>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

interface CheckboxInputProps {
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ReactNode;
  hint?: ReactNode;
  testId?: string;
  disabled?: boolean;
}

/** An optional checkbox with its label (and hint) beside it. */
export function CheckboxInput({ name, checked, onChange, children, hint, testId, disabled }: CheckboxInputProps) {
  const id = controlId(name);
  return (
    <div className="field field--checkbox">
      <div className="checkbox">
        <input
          id={id}
          name={name}
          type="checkbox"
          className="checkbox__input"
          checked={checked}
          disabled={disabled}
          data-testid={testId}
          aria-describedby={hint !== undefined ? `${id}-hint` : undefined}
          onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.checked)}
        />
        <label className="checkbox__label" htmlFor={id}>
          {children}
        </label>
      </div>
      {hint !== undefined ? (
        <div className="field__hint checkbox__hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

interface NumberInputProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  testId?: string;
  className?: string;
  /** Called on Enter instead of submitting the surrounding form. */
  onEnter?: () => void;
}

/** A whole-number field: a text input with the numeric keypad, so browsers do not change the value on scroll. */
export function NumberInput({ name, label, value, onChange, error, hint, testId, className, onEnter }: NumberInputProps) {
  const id = controlId(name);
  return (
    <div className={['field', error ? 'field--invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        className="field__input field__input--number"
        value={value}
        data-testid={testId}
        aria-required
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error && `${id}-error`)}
        onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && onEnter) {
            event.preventDefault();
            onEnter();
          }
        }}
      />
      {hint !== undefined ? (
        <div className="field__hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A whole number from a field, or null when the text is not one. */
export function parseWholeNumber(value: string): number | null {
  const text = value.replace(/\s/g, '');
  if (!/^\d{1,9}$/.test(text) && !/^\d{1,3}(,\d{3}){1,2}$/.test(text)) return null;
  return Number.parseInt(text.replace(/,/g, ''), 10);
}

interface DateInputProps {
  name: string;
  label: string;
  /** yyyy-mm-dd, or '' for none. */
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  min?: string | undefined;
  max?: string | undefined;
  testId?: string;
}

/** A date field of a filter form ("From", "To"), with its error tied to it. */
export function DateInput({ name, label, value, onChange, error, min, max, testId }: DateInputProps) {
  const id = controlId(name);
  const errorId = `${id}-error`;
  return (
    <div className={['field', error ? 'field--invalid' : ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        type="date"
        className="field__input"
        value={value}
        min={min}
        max={max}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        data-testid={testId}
      />
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
