import { useState, type FormEvent } from 'react';
import type { ContactPreference, ContactType } from '../api/client';
import { mapFieldErrors } from '../api/problem';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { TextField } from '../components/fields';
import { CheckboxInput, SelectInput } from '../customers/controls';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { validateEmail } from '../forms/validation';
import { addContact, removeContact, updateContact, type UserAnswer } from './api';
import { CONTACT_TYPE_LABELS } from './labels';
import { FailureAlert, failureOf, type Failure } from './problems';

const TYPE_OPTIONS = (Object.keys(CONTACT_TYPE_LABELS) as ContactType[]).map((type) => ({
  value: type,
  label: CONTACT_TYPE_LABELS[type],
}));

/** An SMS number as the API takes it: E.164, a plus and 2 to 15 digits (spaces, dots, dashes and brackets are dropped). */
export function validateSms(value: string): string | undefined {
  const number = value.trim().replace(/[ ().-]/g, '');
  if (number === '') return 'Enter an SMS number.';
  if (!/^\+[1-9]\d{1,14}$/.test(number)) return 'Enter the number in international form, like +44 7700 900123.';
  return undefined;
}

type Errors = { type?: string | undefined; address?: string | undefined };

interface ContactDialogProps {
  userId: string;
  etag: string;
  /** The contact to edit; a new one is added without it. */
  contact?: ContactPreference;
  onClose: () => void;
  onSaved: (answer: UserAnswer, notice: string) => void;
  onReload: () => void;
}

/** The guide's Add Contact modal (Type, Address, Primary Contact), also used to edit a contact. */
export function ContactDialog({ userId, etag, contact, onClose, onSaved, onReload }: ContactDialogProps) {
  const [type, setType] = useState<ContactType | ''>(contact?.type ?? 'email');
  const [address, setAddress] = useState(contact?.address ?? '');
  const [primary, setPrimary] = useState(contact?.primary ?? false);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '.form__message, [aria-invalid="true"]');
  const title = contact ? 'Edit Contact' : 'Add Contact';

  function fail(next: Errors, nextFailure: Failure | null) {
    setErrors(next);
    setFailure(nextFailure);
    setFailures((count) => count + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (type === '') {
      fail({ type: 'Select Email or SMS.' }, null);
      return;
    }
    const addressError = type === 'email' ? validateEmail(address) : validateSms(address);
    if (addressError) {
      fail({ address: addressError }, null);
      return;
    }
    const body = { type, address: address.trim(), primary };
    setBusy(true);
    setFailure(null);
    const result = contact
      ? await updateContact(userId, contact.id, etag, body)
      : await addContact(userId, etag, body);
    setBusy(false);
    if (result.ok) {
      onSaved(result.data, contact ? 'The contact was changed.' : `${CONTACT_TYPE_LABELS[type]} contact added.`);
      return;
    }
    const { fields, unmatched } = mapFieldErrors(result.problem, ['type', 'address', 'primary'] as const);
    if (result.problem.status === 422 && (fields.type || fields.address)) {
      fail(
        { type: fields.type, address: fields.address },
        unmatched.length > 0 ? failureOf(`The contact could not be saved`, result.problem, undefined, unmatched) : null,
      );
      return;
    }
    fail({}, failureOf('The contact could not be saved', result.problem, result.retryAfterSeconds));
  }

  return (
    <Dialog title={title} onClose={onClose} closeDisabled={busy}>
      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        {failure ? <FailureAlert failure={failure} onReload={onReload} reloadLabel="Reload user" /> : null}
        <SelectInput
          name="contact.type"
          label="Type"
          value={type}
          onChange={(value) => {
            setType(value as ContactType | '');
            setErrors({});
          }}
          options={TYPE_OPTIONS}
          placeholder="Select a type"
          error={errors.type}
          testId="contact-type"
        />
        <TextField
          name="contact.address"
          label="Address"
          type={type === 'sms' ? 'tel' : 'email'}
          inputMode={type === 'sms' ? 'tel' : 'email'}
          autoComplete="off"
          value={address}
          onChange={(value) => {
            setAddress(value);
            setErrors({});
          }}
          error={errors.address}
          hint={type === 'sms' ? 'An SMS number in international form, like +44 7700 900123.' : 'An email address.'}
          testId="contact-address"
        />
        <CheckboxInput
          name="contact.primary"
          checked={primary}
          onChange={setPrimary}
          hint="The preferred way to reach this user; another primary contact stops being primary."
          testId="contact-primary"
        >
          Primary Contact
        </CheckboxInput>
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="contact-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface DeleteContactDialogProps {
  userId: string;
  etag: string;
  contact: ContactPreference;
  onClose: () => void;
  onDeleted: (answer: UserAnswer, notice: string) => void;
  onReload: () => void;
}

/** Deleting a contact preference, confirmed first. */
export function DeleteContactDialog({ userId, etag, contact, onClose, onDeleted, onReload }: DeleteContactDialogProps) {
  return (
    <ConfirmDialog
      title="Delete contact?"
      keepLabel="Keep contact"
      confirmLabel="Delete"
      busyLabel="Deleting…"
      confirmTestId="contact-delete-confirm"
      run={() => removeContact(userId, contact.id, etag)}
      failureTitle="The contact could not be deleted"
      onDone={(answer) => {
        if (answer) onDeleted(answer, `${contact.address} was deleted from the contact preferences.`);
      }}
      onClose={onClose}
      onReload={onReload}
      reloadLabel="Reload user"
    >
      <p className="dialog__lead">
        {CONTACT_TYPE_LABELS[contact.type]} {contact.address}
        {contact.primary ? ', the primary contact,' : ''} will no longer be used to reach this user.
      </p>
    </ConfirmDialog>
  );
}
