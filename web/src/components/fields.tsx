import { useMemo, type ChangeEvent, type ReactNode } from 'react';

function fieldId(name: string): string {
  return `field-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === 'string');
  return present.length > 0 ? present.join(' ') : undefined;
}

interface FieldFrameProps {
  id: string;
  label: string;
  optional?: boolean | undefined;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string | undefined;
  children: ReactNode;
}

function FieldFrame({ id, label, optional, hint, error, className, children }: FieldFrameProps) {
  return (
    <div className={['field', error ? 'field--invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
        {optional ? <span className="field__optional"> (optional)</span> : null}
      </label>
      {children}
      {hint ? (
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

interface TextFieldProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean;
  type?: 'text' | 'email' | 'password' | 'tel' | 'url';
  autoComplete?: string;
  inputMode?: 'text' | 'email' | 'tel' | 'url' | 'numeric';
  spellCheck?: boolean;
  className?: string;
  /** `data-testid` of the input, for the browser end-to-end test. */
  testId?: string;
}

export function TextField({
  name,
  label,
  value,
  onChange,
  error,
  hint,
  optional = false,
  type = 'text',
  autoComplete,
  inputMode,
  spellCheck,
  className,
  testId,
}: TextFieldProps) {
  const id = fieldId(name);
  return (
    <FieldFrame id={id} label={label} optional={optional} hint={hint} error={error} className={className}>
      <input
        id={id}
        name={name}
        type={type}
        className="field__input"
        value={value}
        autoComplete={autoComplete}
        inputMode={inputMode}
        spellCheck={spellCheck}
        data-testid={testId}
        aria-required={optional ? undefined : true}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error && `${id}-error`)}
        onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
      />
    </FieldFrame>
  );
}

interface SelectFieldProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  placeholder: string;
  error?: string | undefined;
  autoComplete?: string;
  className?: string;
}

export function SelectField({
  name,
  label,
  value,
  onChange,
  options,
  placeholder,
  error,
  autoComplete,
  className,
}: SelectFieldProps) {
  const id = fieldId(name);
  // Long option lists are built once, so typing elsewhere in a form stays cheap.
  const optionElements = useMemo(
    () =>
      options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      )),
    [options],
  );
  return (
    <FieldFrame id={id} label={label} error={error} className={className}>
      <select
        id={id}
        name={name}
        className="field__input field__select"
        value={value}
        autoComplete={autoComplete}
        aria-required
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(error && `${id}-error`)}
        onChange={(event: ChangeEvent<HTMLSelectElement>) => onChange(event.target.value)}
      >
        <option value="">{placeholder}</option>
        {optionElements}
      </select>
    </FieldFrame>
  );
}

interface CheckboxFieldProps {
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ReactNode;
  error?: string | undefined;
}

export function CheckboxField({ name, checked, onChange, children, error }: CheckboxFieldProps) {
  const id = fieldId(name);
  return (
    <div className={['field', 'field--checkbox', error ? 'field--invalid' : ''].filter(Boolean).join(' ')}>
      <div className="checkbox">
        <input
          id={id}
          name={name}
          type="checkbox"
          className="checkbox__input"
          checked={checked}
          aria-required
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(error && `${id}-error`)}
          onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.checked)}
        />
        <label className="checkbox__label" htmlFor={id}>
          {children}
        </label>
      </div>
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface TextAreaFieldProps {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  testId?: string;
  readOnly?: boolean;
  rows?: number;
}

/** A text area with the fields' label, hint and error, for text that spans lines. */
export function TextAreaField({
  name,
  label,
  value,
  onChange,
  error,
  hint,
  testId,
  readOnly = false,
  rows = 6,
}: TextAreaFieldProps) {
  const id = fieldId(name);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea
        id={id}
        name={name}
        className="field__input field__textarea"
        value={value}
        rows={rows}
        readOnly={readOnly}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint !== undefined && hint !== null && `${id}-hint`, error && `${id}-error`)}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      />
    </FieldFrame>
  );
}
