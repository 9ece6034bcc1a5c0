import { useEffect, useState, type FormEvent } from 'react';
import { FailureAlert, failureOf, type Failure } from '../admin/problems';
import { mapFieldErrors } from '../api/problem';
import { Dialog } from '../components/Dialog';
import { fetchCatalog } from '../customers/api';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { FileUploads, useUploads } from './FileUploads';
import { createTicket, type NewTicket, type TicketView } from './api';
import { TextAreaField, TextField } from '../components/fields';

interface CreateTicketDialogProps {
  onClose: () => void;
  /** The case as opened, its files attached (those that were accepted). */
  onCreated: (ticket: TicketView) => void;
}

type Field = 'subject' | 'description';

/**
 * Create Support Ticket: a subject, a description and files (Browse). The case is
 * opened first, then each file is uploaded and checked; a refused file is named with
 * its reason and the case stays open without it.
 */
export function CreateTicketDialog({ onClose, onCreated }: CreateTicketDialogProps) {
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [failures, setFailures] = useState(0);
  const [busy, setBusy] = useState(false);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [opened, setOpened] = useState<TicketView | null>(null);
  const [product, setProduct] = useState<NonNullable<NewTicket['product']> | ''>('');
  const [products, setProducts] = useState<{ id: NonNullable<NewTicket['product']>; name: string }[]>([]);
  const uploads = useUploads();

  // The catalogue's products to choose from; without it, the case is about the console.
  useEffect(() => {
    let active = true;
    void fetchCatalog().then((result) => {
      if (active && result.ok) setProducts(result.data.products.map((p) => ({ id: p.id as NonNullable<NewTicket['product']>, name: p.name })));
    });
    return () => {
      active = false;
    };
  }, []);
  const failureRef = useFocusOnChange<HTMLDivElement>(failures);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const found: Partial<Record<Field, string>> = {};
    if (subject.trim() === '') found.subject = 'Enter a subject.';
    if (description.trim() === '') found.description = 'Describe the problem.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setFailure(null);
    let ticket = opened;
    if (ticket === null) {
      const result = await createTicket(product === '' ? { subject, description } : { subject, description, product }, idempotencyKey);
      if (!result.ok) {
        setBusy(false);
        const mapped = mapFieldErrors<Field>(result.problem, ['subject', 'description']);
        setErrors(mapped.fields);
        setFailure(failureOf('The ticket was not opened', result.problem, result.retryAfterSeconds, mapped.unmatched));
        setFailures((n) => n + 1);
        return;
      }
      ticket = result.data;
      setOpened(ticket);
    }
    const sent = await uploads.sendAll(ticket.id);
    setBusy(false);
    if (sent.allAccepted) onCreated(sent.ticket ?? ticket);
  }

  return (
    <Dialog title="Create Support Ticket" onClose={onClose} closeDisabled={busy} wide>
      <form onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
        {failure ? <FailureAlert ref={failureRef} failure={failure} /> : null}
        {opened ? (
          <p className="dialog__lead" data-testid="ticket-opened">
            Case {opened.caseNumber} is open. Files that were not accepted can be removed or tried again.
          </p>
        ) : null}
        <TextField
          name="subject"
          label="Subject"
          value={subject}
          onChange={setSubject}
          error={errors.subject}
          hint="A useful title for the support case."
          testId="ticket-subject"
        />
        <div className="field">
          <label className="field__label" htmlFor="field-ticket-product">
            Product
          </label>
          <select
            id="field-ticket-product"
            className="field__input field__select"
            value={product}
            onChange={(event) => setProduct(event.target.value as NonNullable<NewTicket['product']> | '')}
            disabled={opened !== null}
            data-testid="ticket-product"
          >
            <option value="">Partner Console</option>
            {products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <TextAreaField
          name="description"
          label="Description"
          value={description}
          onChange={setDescription}
          error={errors.description}
          hint="Enough detail to direct the case to the support personnel best qualified to resolve it."
          testId="ticket-description"
          readOnly={opened !== null}
        />
        <FileUploads uploads={uploads} disabled={busy} />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {opened ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="button" disabled={busy} data-testid="ticket-submit">
            {busy ? 'Submitting…' : 'Submit'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
