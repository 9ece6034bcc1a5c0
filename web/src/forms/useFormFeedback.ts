import { useEffect, useRef, useState } from 'react';

export type FieldErrors<V> = Partial<Record<keyof V, string>>;

/**
 * State shared by the sign-in and sign-up forms: field values and errors, the
 * form-level message, the submitting flag, and focus management after a
 * failed submit.
 *
 * Call `requestFocus()` after a failed submit: once the render has happened,
 * focus moves to the first field marked `aria-invalid="true"` inside `formRef`,
 * or, when there is none, to the element behind `alertRef`.
 */
export function useFormFeedback<V extends object, M>(initialValues: V | (() => V)) {
  const [values, setValues] = useState<V>(initialValues);
  const [errors, setErrors] = useState<FieldErrors<V>>({});
  const [message, setMessage] = useState<M | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (focusRequest === 0) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) invalid.focus();
    else alertRef.current?.focus();
  }, [focusRequest]);

  const requestFocus = () => setFocusRequest((count) => count + 1);

  /** Returns a change handler that sets one field and clears that field's error. */
  const setField =
    <K extends keyof V>(field: K) =>
    (value: V[K]) => {
      setValues((previous) => ({ ...previous, [field]: value }));
      setErrors((previous) => (previous[field] ? { ...previous, [field]: undefined } : previous));
    };

  /** `name`, `value`, `onChange` and `error` props for a field component. */
  const fieldProps = <K extends keyof V & string>(field: K) => ({
    name: field,
    value: values[field],
    onChange: setField(field),
    error: errors[field],
  });

  return {
    values,
    setValues,
    errors,
    setErrors,
    setField,
    fieldProps,
    message,
    setMessage,
    submitting,
    setSubmitting,
    requestFocus,
    formRef,
    alertRef,
  };
}
