import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { RoleView, UserView } from '../api/client';
import { mapFieldErrors } from '../api/problem';
import { Dialog } from '../components/Dialog';
import { TextField } from '../components/fields';
import { newIdempotencyKey } from '../customers/api';
import { SelectInput } from '../customers/controls';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { validateEmail, validateRequired } from '../forms/validation';
import { addUser, fetchRoles } from './api';
import { EMAIL_TAKEN, FailureAlert, failureOf, type Failure } from './problems';

const FIELDS = ['email', 'firstName', 'lastName', 'role'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;
type Errors = Partial<Record<Field, string>>;

const MAX_NAME = 64;

function validate(values: Values): Errors {
  const errors: Errors = {};
  const email = validateEmail(values.email);
  if (email) errors.email = email;
  for (const [field, label] of [
    ['firstName', 'a first name'],
    ['lastName', 'a last name'],
  ] as const) {
    const error = validateRequired(values[field], label);
    if (error) errors[field] = error;
    else if (Array.from(values[field].trim()).length > MAX_NAME) errors[field] = `Use at most ${MAX_NAME} characters.`;
  }
  if (values.role === '') errors.role = 'Select a role.';
  return errors;
}

interface AddUserDialogProps {
  onClose: () => void;
  /** The user was added and invited. */
  onAdded: (user: UserView) => void;
}

/** The guide's Add User form: email, names and role; Save invites the user by email. */
export function AddUserDialog({ onClose, onAdded }: AddUserDialogProps) {
  const [values, setValues] = useState<Values>({ email: '', firstName: '', lastName: '', role: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [roles, setRoles] = useState<RoleView[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const attempt = useRef<{ body: string; key: string } | null>(null);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '[aria-invalid="true"], .form__message');

  useEffect(() => {
    let active = true;
    void fetchRoles().then((result) => {
      if (!active) return;
      if (result.ok) setRoles(result.data);
      else setFailure(failureOf('The roles could not be loaded', result.problem));
    });
    return () => {
      active = false;
    };
  }, []);

  const set = (field: Field) => (value: string) => {
    setValues((previous) => ({ ...previous, [field]: value }));
    setErrors((previous) => ({ ...previous, [field]: undefined }));
  };

  function fail(nextErrors: Errors, nextFailure: Failure | null) {
    setErrors(nextErrors);
    setFailure(nextFailure);
    setFailures((count) => count + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const clientErrors = validate(values);
    if (Object.keys(clientErrors).length > 0) {
      fail(clientErrors, null);
      return;
    }
    const body = {
      email: values.email.trim(),
      firstName: values.firstName.trim(),
      lastName: values.lastName.trim(),
      role: values.role,
    };
    const serialized = JSON.stringify(body);
    // The same form sent again keeps its key, so a retry cannot add the user twice.
    if (attempt.current?.body !== serialized) attempt.current = { body: serialized, key: newIdempotencyKey() };
    setBusy(true);
    setFailure(null);
    const result = await addUser(body, attempt.current.key);
    setBusy(false);
    if (result.ok) {
      onAdded(result.data);
      return;
    }
    const { problem } = result;
    if (problem.status === 409 && problem.type === EMAIL_TAKEN) {
      fail({ email: problem.detail ?? 'This email address already has an account.' }, null);
      return;
    }
    const { fields, unmatched } = mapFieldErrors(problem, FIELDS);
    if (problem.status === 422 && Object.keys(fields).length > 0) {
      fail(fields, unmatched.length > 0 ? failureOf('The user could not be added', problem, undefined, unmatched) : null);
      return;
    }
    fail({}, failureOf('The user could not be added', problem, result.retryAfterSeconds));
  }

  const roleOptions = (roles ?? []).map((role) => ({ value: role.id, label: role.name }));

  return (
    <Dialog title="Add User" onClose={onClose} closeDisabled={busy}>
      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <p className="dialog__lead">
          The user receives an email with a link to choose a password. The email address must not already have an
          account.
        </p>
        {failure ? <FailureAlert failure={failure} /> : null}
        <TextField
          name="newUser.email"
          label="Email"
          type="email"
          autoComplete="off"
          inputMode="email"
          value={values.email}
          onChange={set('email')}
          error={errors.email}
          testId="new-user-email"
        />
        <TextField
          name="newUser.firstName"
          label="First name"
          autoComplete="off"
          value={values.firstName}
          onChange={set('firstName')}
          error={errors.firstName}
          testId="new-user-first-name"
        />
        <TextField
          name="newUser.lastName"
          label="Last name"
          autoComplete="off"
          value={values.lastName}
          onChange={set('lastName')}
          error={errors.lastName}
          testId="new-user-last-name"
        />
        <SelectInput
          name="newUser.role"
          label="Role"
          value={values.role}
          onChange={set('role')}
          options={roleOptions}
          placeholder={roles === null ? 'Loading roles…' : 'Select a role'}
          error={errors.role}
          hint="Partner administrators manage users and roles; a custom role reaches the customers it lists."
          testId="new-user-role"
        />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="new-user-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
