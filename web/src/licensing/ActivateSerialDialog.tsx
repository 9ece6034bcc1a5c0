import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ExspActivation, ExspSerialValidation } from '../api/client';
import { mapFieldErrors, rateLimitMessage, type Problem } from '../api/problem';
import { Dialog } from '../components/Dialog';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { useFormFeedback, type FieldErrors } from '../forms/useFormFeedback';
import { activateExspSerial, SERIAL_AVAILABLE, validateExspSerial } from './exspSerial';

type Values = { serial: string };

interface FormMessage {
  title: string;
  detail?: string | undefined;
  items?: string[];
}

/** A successful validation, and the field's value it was for. */
interface Validated {
  input: string;
  result: ExspSerialValidation;
}

type Busy = 'validating' | 'activating' | null;

/** Turns a server problem into an error under the field and/or a message in the dialog's alert. */
function describeProblem(
  problem: Problem,
  retryAfterSeconds: number | undefined,
): { errors: FieldErrors<Values>; message: FormMessage | null } {
  if (problem.status === 429) return { errors: {}, message: { title: rateLimitMessage(retryAfterSeconds) } };
  if (problem.status === 404) {
    return {
      errors: {},
      message: {
        title: 'Serial number not found',
        detail: problem.detail ?? 'Check the serial number for typos and try again.',
      },
    };
  }
  if (problem.status === 409) {
    return { errors: {}, message: { title: 'This serial number cannot be activated', detail: problem.detail ?? problem.title } };
  }
  const { fields, unmatched } = mapFieldErrors(problem, ['serial'] as const);
  if (fields.serial && unmatched.length === 0) return { errors: fields, message: null };
  return {
    errors: fields,
    message: {
      title: problem.title,
      detail: problem.detail,
      items: unmatched.map((error) => `${error.field}: ${error.message}`),
    },
  };
}

interface ActivateSerialDialogProps {
  /** Closes the dialog without activating. */
  onClose: () => void;
  /** Called once the serial number is active; the owner closes the dialog. */
  onActivated: (activation: ExspActivation) => Promise<void> | void;
}

/**
 * The guide's "Activate Serial Number" modal: enter the ExSP serial number,
 * Validate, then Activate. Activate is enabled only while the field still holds
 * the value that was validated.
 */
export function ActivateSerialDialog({ onClose, onActivated }: ActivateSerialDialogProps) {
  const { values, errors, setErrors, setField, message, setMessage, requestFocus, formRef, alertRef } =
    useFormFeedback<Values, FormMessage>({ serial: '' });
  const [validated, setValidated] = useState<Validated | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  // Bumped on every edit, so an answer for a value that has since changed is dropped.
  const edits = useRef(0);
  const activateRef = useRef<HTMLButtonElement>(null);

  const canActivate = validated !== null && validated.input === values.serial && busy === null;

  useEffect(() => {
    if (validated) activateRef.current?.focus();
  }, [validated]);

  function handleSerialChange(value: string) {
    edits.current += 1;
    setField('serial')(value);
    setValidated(null);
    setMessage(null);
  }

  function showProblem(problem: Problem, retryAfterSeconds: number | undefined) {
    const described = describeProblem(problem, retryAfterSeconds);
    setErrors(described.errors);
    setMessage(described.message);
    requestFocus();
  }

  async function handleValidate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy !== null) return;
    const input = values.serial;
    const serial = input.trim();
    setMessage(null);
    setValidated(null);
    if (serial === '') {
      setErrors({ serial: 'Enter your serial number.' });
      requestFocus();
      return;
    }
    setErrors({});
    setBusy('validating');
    const edit = edits.current;
    const result = await validateExspSerial(serial);
    setBusy(null);
    if (edit !== edits.current) return;
    if (!result.ok) {
      showProblem(result.problem, result.retryAfterSeconds);
      return;
    }
    if (result.data.status !== SERIAL_AVAILABLE) {
      setMessage({
        title: 'This serial number cannot be activated',
        detail: `Serial number ${result.data.serial} is ${result.data.status}.`,
      });
      requestFocus();
      return;
    }
    setValidated({ input, result: result.data });
  }

  async function handleActivate() {
    if (!canActivate || validated === null) return;
    setMessage(null);
    setBusy('activating');
    const result = await activateExspSerial(validated.result.serial);
    if (result.ok) {
      await onActivated(result.data);
      return;
    }
    setBusy(null);
    // The serial number's state changed since it was validated: validate again.
    if ([404, 409, 422].includes(result.problem.status)) setValidated(null);
    showProblem(result.problem, result.retryAfterSeconds);
  }

  const current = validated !== null && validated.input === values.serial ? validated.result : null;

  return (
    <Dialog title="Activate Serial Number" onClose={onClose} closeDisabled={busy === 'activating'}>
      <form
        ref={formRef}
        className="form"
        noValidate
        onSubmit={(event) => void handleValidate(event)}
        aria-busy={busy !== null}
      >
        <p className="dialog__lead">
          Enter your ExSP serial number, then validate and activate it. This confirms your ExSP partner account
          and enables customer provisioning.
        </p>

        {message ? (
          <div ref={alertRef} tabIndex={-1} className="form__message">
            <FormAlert title={message.title}>
              {message.detail ? <p>{message.detail}</p> : null}
              {message.items && message.items.length > 0 ? (
                <ul>
                  {message.items.map((item) => (
                    <li key={item}>{item}</li>
                  ))}
                </ul>
              ) : null}
            </FormAlert>
          </div>
        ) : null}

        <TextField
          name="serial"
          label="Serial number"
          value={values.serial}
          onChange={handleSerialChange}
          error={errors.serial}
          autoComplete="off"
          spellCheck={false}
          testId="serial-input"
        />

        <div className="dialog__footer">
          <div role="status" className="dialog__status">
            {current ? (
              <div className="alert alert--success">
                <p className="alert__title">Serial number is valid</p>
                <p className="alert__body">
                  <span className="table__mono">{current.serial}</span> is available. Click Activate to join the ExSP
                  program.
                </p>
              </div>
            ) : null}
          </div>

          <div className="dialog__actions">
            <button
              type="button"
              className="button button--secondary"
              onClick={onClose}
              disabled={busy === 'activating'}
            >
              Cancel
            </button>
            <button
              type="submit"
              className="button button--secondary"
              disabled={busy !== null}
              data-testid="serial-validate"
            >
              {busy === 'validating' ? 'Validating…' : 'Validate'}
            </button>
            <button
              ref={activateRef}
              type="button"
              className="button button--primary"
              onClick={() => void handleActivate()}
              disabled={!canActivate}
              data-testid="serial-activate"
            >
              {busy === 'activating' ? 'Activating…' : 'Activate'}
            </button>
          </div>
        </div>
      </form>
    </Dialog>
  );
}
