import type { ReactNode } from 'react';

interface MultilineFieldProps {
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
export function MultilineField({
  name,
  label,
  value,
  onChange,
  error,
  hint,
  testId,
  readOnly = false,
  rows = 6,
}: MultilineFieldProps) {
  const id = `field-${name}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={['field', error ? 'field--invalid' : ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        className="field__input support-textarea"
        value={value}
        rows={rows}
        readOnly={readOnly}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      />
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
