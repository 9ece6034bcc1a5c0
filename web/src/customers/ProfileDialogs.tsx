import { useState, type FormEvent } from 'react';
import type { Catalog, CurrentPartner, CustomerProfile, EntitlementView } from '../api/client';
import { mapFieldErrors, type Problem } from '../api/problem';
import type { ApiResult } from '../auth/session';
import { Dialog } from '../components/Dialog';
import { TextField } from '../components/fields';
import { addProducts, cancelEntitlement, convertTrial, removeCustomer, type ProfileAnswer } from './api';
import { NumberInput, parseWholeNumber } from './controls';
import { capacityLabel, formatDate, formatNumber, groupSerial, isLive } from './labels';
import { ALREADY_HAS_PRODUCT, MessageAlert, problemMessage, type Message } from './problems';
import { ProductPicker, productErrors, toProductRequests, type ProductLine } from './ProductPicker';
import { useFocusOnChange } from './useFocusOnChange';

interface ChangeDialogProps {
  profile: CustomerProfile;
  etag: string;
  onClose: () => void;
  /** The change was saved: the new profile and a sentence saying what happened. */
  onDone: (answer: ProfileAnswer, notice: string) => void;
  /** Reload the customer (after a refusal because it changed meanwhile). */
  onReload: () => void;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function DialogMessage({
  message,
  onReload,
  focusKey,
}: {
  message: Message | null;
  onReload: () => void;
  focusKey: number;
}) {
  const ref = useFocusOnChange<HTMLDivElement>(focusKey);
  return message ? <MessageAlert ref={ref} message={message} onReload={onReload} /> : null;
}

/** "Cancel Product": the guide's confirmation, then the trial or subscription ends at once. */
export function CancelProductDialog({
  entitlement,
  profile,
  etag,
  onClose,
  onDone,
  onReload,
}: ChangeDialogProps & { entitlement: EntitlementView }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [failures, setFailures] = useState(0);
  const kind = entitlement.status === 'trial' ? 'trial' : 'subscription';

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    const result = await cancelEntitlement(profile.customer.id, entitlement.id, etag);
    setBusy(false);
    if (result.ok) {
      onDone(result.data, `${entitlement.productName} was cancelled.`);
      return;
    }
    setMessage(problemMessage(result.problem, result.retryAfterSeconds, result.problem.errors));
    setFailures((count) => count + 1);
  }

  return (
    <Dialog title={`Cancel ${entitlement.productName}?`} onClose={onClose} closeDisabled={busy}>
      <p className="dialog__lead">
        The {kind} for {profile.customer.company.name} ({capacityLabel(entitlement.seats, entitlement.capacityUnit)},
        serial number <span className="table__mono">{groupSerial(entitlement.serial)}</span>) ends now and does not
        renew. This cannot be undone.
      </p>
      <DialogMessage message={message} onReload={onReload} focusKey={failures} />
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
          Keep {kind}
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => void confirm()}
          disabled={busy}
          data-testid="cancel-confirm"
        >
          {busy ? 'Cancelling…' : 'Ok'}
        </button>
      </div>
    </Dialog>
  );
}

type ConvertErrors = { seats?: string; productSerial?: string };

/**
 * "Convert to paid": ExSP partners choose the seats (the trial's by default);
 * other partners enter a product serial number, whose seats apply.
 */
export function ConvertTrialDialog({
  entitlement,
  program,
  maxSeats,
  profile,
  etag,
  onClose,
  onDone,
  onReload,
}: ChangeDialogProps & { entitlement: EntitlementView; program: CurrentPartner['program']; maxSeats: number }) {
  const exsp = program === 'exsp';
  const [seats, setSeats] = useState(String(entitlement.seats));
  const [serial, setSerial] = useState('');
  const [errors, setErrors] = useState<ConvertErrors>({});
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '[aria-invalid="true"]');

  function fail(next: ConvertErrors, nextMessage: Message | null) {
    setErrors(next);
    setMessage(nextMessage);
    setFailures((count) => count + 1);
  }

  function showProblem(problem: Problem, retryAfterSeconds: number | undefined) {
    const { fields, unmatched } = mapFieldErrors(problem, ['seats', 'productSerial'] as const);
    const next: ConvertErrors = {};
    if (fields.seats) next.seats = `Seats: ${fields.seats}`;
    if (fields.productSerial) next.productSerial = capitalize(fields.productSerial);
    if (problem.status === 422 && unmatched.length === 0) {
      fail(next, null);
      return;
    }
    const described = problemMessage(problem, retryAfterSeconds, unmatched);
    fail(
      next,
      problem.status === 409 && !described.stale
        ? { title: 'This trial cannot be converted now', detail: problem.detail ?? problem.title }
        : described,
    );
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const body: { seats?: number; productSerial?: string } = {};
    if (exsp) {
      const count = parseWholeNumber(seats);
      if (count === null || count < 1 || count > maxSeats) {
        fail({ seats: `Enter a whole number of seats from 1 to ${formatNumber(maxSeats)}.` }, null);
        return;
      }
      body.seats = count;
    } else {
      const value = serial.trim();
      if (value === '') {
        fail({ productSerial: 'Enter the product serial number.' }, null);
        return;
      }
      body.productSerial = value;
    }
    setErrors({});
    setMessage(null);
    setBusy(true);
    const result = await convertTrial(profile.customer.id, entitlement.id, etag, body);
    setBusy(false);
    if (result.ok) {
      onDone(result.data, `${entitlement.productName} is now a paid subscription.`);
      return;
    }
    showProblem(result.problem, result.retryAfterSeconds);
  }

  return (
    <Dialog title="Convert to paid" onClose={onClose} closeDisabled={busy}>
      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <dl className="details details--compact">
          <div className="details__row">
            <dt>Customer</dt>
            <dd>{profile.customer.company.name}</dd>
          </div>
          <div className="details__row">
            <dt>Trial</dt>
            <dd>
              {entitlement.productName}, {capacityLabel(entitlement.seats, entitlement.capacityUnit)}
              {entitlement.status === 'trial' ? `, ends ${formatDate(entitlement.endsAt)}` : ''}
            </dd>
          </div>
        </dl>
        <DialogMessage message={message} onReload={onReload} focusKey={failures} />
        {exsp ? (
          <NumberInput
            name="convert.seats"
            label="Seats"
            value={seats}
            onChange={(value) => {
              setSeats(value);
              setErrors({});
            }}
            error={errors.seats}
            hint={`1 to ${formatNumber(maxSeats)}. The subscription renews every ${entitlement.termMonths} months until cancelled.`}
            testId="convert-seats"
          />
        ) : (
          <TextField
            name="convert.productSerial"
            label="Product serial number"
            value={serial}
            onChange={(value) => {
              setSerial(value);
              setErrors({});
            }}
            error={errors.productSerial}
            autoComplete="off"
            spellCheck={false}
            hint={`Outside the ExSP program, a trial becomes paid with a product serial number for ${entitlement.productName}. The seats it was issued for apply.`}
            testId="convert-serial"
          />
        )}
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="convert-confirm">
            {busy ? 'Converting…' : 'Convert to paid'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Activate a Product or Trial" for an existing customer: confirm the customer, add lines, Save. */
export function ActivateProductsDialog({
  catalog,
  program,
  profile,
  etag,
  onClose,
  onDone,
  onReload,
}: ChangeDialogProps & { catalog: Catalog; program: CurrentPartner['program'] }) {
  const [lines, setLines] = useState<ProductLine[]>([]);
  const [lineErrors, setLineErrors] = useState<Partial<Record<number, string>>>({});
  const [sectionError, setSectionError] = useState<string | undefined>();
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);

  const unavailable = new Map<string, string>();
  const trialUsed = new Set<string>();
  for (const entitlement of profile.entitlements) {
    if (isLive(entitlement)) unavailable.set(entitlement.product, 'already active');
    if (entitlement.beganAsTrial) trialUsed.add(entitlement.product);
  }

  async function save() {
    if (busy) return;
    if (lines.length === 0) {
      setSectionError('Add at least one product or trial.');
      setMessage({ title: 'Add a product or trial', detail: 'Choose a product, then click Add.' });
      setFailures((count) => count + 1);
      return;
    }
    setBusy(true);
    setMessage(null);
    const result: ApiResult<ProfileAnswer> = await addProducts(profile.customer.id, etag, toProductRequests(lines));
    setBusy(false);
    if (result.ok) {
      const names = lines.map((line) => catalog.products.find((item) => item.id === line.product)?.name ?? line.product);
      onDone(result.data, `Activated for ${profile.customer.company.name}: ${names.join(', ')}.`);
      return;
    }
    if (result.problem.type === ALREADY_HAS_PRODUCT) {
      // The customer has the product, or had its trial: said under its line (the detail names the product).
      const reason = result.problem.detail ?? 'The customer has this product already, or had its trial.';
      const index = lines.findIndex((line) => {
        const product = catalog.products.find((item) => item.id === line.product);
        return product !== undefined && reason.includes(product.name);
      });
      const under = `${reason.replace(/\.?$/, '.')} Remove this line or choose another product.`;
      setLineErrors(index >= 0 ? { [index]: under } : {});
      setSectionError(index >= 0 ? undefined : under);
      setMessage({ title: 'The customer has this product already', detail: 'Correct the products marked below and try again.' });
      setFailures((count) => count + 1);
      return;
    }
    const products = productErrors(result.problem);
    setLineErrors(products.lines);
    setSectionError(products.section);
    setMessage(
      result.problem.status === 422
        ? {
            title: result.problem.title,
            detail: 'Correct the products marked below and try again.',
            items: products.rest.map((error) => `${error.field}: ${error.message}`),
          }
        : problemMessage(result.problem, result.retryAfterSeconds, products.rest),
    );
    setFailures((count) => count + 1);
  }

  return (
    <Dialog title="Activate a Product or Trial" onClose={onClose} closeDisabled={busy}>
      <div className="dialog__body">
        <dl className="details details--compact">
          <div className="details__row">
            <dt>Customer</dt>
            <dd data-testid="activate-customer">{profile.customer.company.name}</dd>
          </div>
        </dl>
        <DialogMessage message={message} onReload={onReload} focusKey={failures} />
        <ProductPicker
          name="activate"
          catalog={catalog}
          program={program}
          lines={lines}
          onLinesChange={(next) => {
            setLines(next);
            setLineErrors({});
            setSectionError(undefined);
          }}
          lineErrors={lineErrors}
          error={sectionError}
          unavailable={unavailable}
          trialUsed={trialUsed}
        />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={() => void save()}
            disabled={busy}
            data-testid="activate-save"
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

/** "Remove customer": the customer's name is typed to confirm, then the account, products and login go. */
export function RemoveCustomerDialog({
  profile,
  etag,
  onClose,
  onRemoved,
  onReload,
}: Omit<ChangeDialogProps, 'onDone'> & { onRemoved: () => void }) {
  const name = profile.customer.company.name;
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [failures, setFailures] = useState(0);
  const matches = typed.trim() === name.trim();
  const live = profile.entitlements.filter(isLive);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy || !matches) return;
    setBusy(true);
    setMessage(null);
    const result = await removeCustomer(profile.customer.id, etag);
    setBusy(false);
    if (result.ok) {
      onRemoved();
      return;
    }
    setMessage(problemMessage(result.problem, result.retryAfterSeconds, result.problem.errors));
    setFailures((count) => count + 1);
  }

  return (
    <Dialog title={`Remove ${name}?`} onClose={onClose} closeDisabled={busy}>
      <form className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <p className="dialog__lead">
          The customer’s account, its products and trials, and its administrator’s login are removed at once
          {live.length > 0 ? ` — including ${live.length} active ${live.length === 1 ? 'product' : 'products'}` : ''}.
          This cannot be undone.
        </p>
        <DialogMessage message={message} onReload={onReload} focusKey={failures} />
        <TextField
          name="removeConfirmName"
          label={`Type ${name} to confirm`}
          value={typed}
          onChange={setTyped}
          autoComplete="off"
          spellCheck={false}
          testId="remove-confirm-name"
        />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Keep customer
          </button>
          <button type="submit" className="button button--danger" disabled={busy || !matches} data-testid="remove-confirm">
            {busy ? 'Removing…' : 'Remove customer'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
