import { useId, useState, type FormEvent } from 'react';
import type { ConsentReminders } from '../api/client';
import { mapFieldErrors } from '../api/problem';
import { CheckboxInput, NumberInput, parseWholeNumber } from '../customers/controls';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { saveCompany, type CompanyAnswer } from './api';
import { FailureAlert, failureOf, type Failure } from './problems';

/** The server's bounds (domain::consent): each slot 0–720 hours, 1–5 reminders per request. */
export const MAX_REMINDER_HOURS = 720;
export const MAX_REMINDERS = 5;

const FIELDS = [
  'consentReminders.afterSendingHours',
  'consentReminders.beforeExpiryHours',
  'consentReminders.max',
] as const;
type Field = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<Field, string>>;

interface Values {
  enabled: boolean;
  afterSendingHours: string;
  beforeExpiryHours: string;
  max: string;
}

function valuesOf(reminders: ConsentReminders): Values {
  return {
    enabled: reminders.enabled,
    afterSendingHours: String(reminders.afterSendingHours),
    beforeExpiryHours: String(reminders.beforeExpiryHours),
    max: String(reminders.max),
  };
}

function wholeNumber(value: string, low: number, high: number): number | undefined {
  const n = parseWholeNumber(value);
  return n !== null && n >= low && n <= high ? n : undefined;
}

/** The form checked against the server's bounds: the setting, or the errors by field. */
export function parseReminders(values: Values): { reminders: ConsentReminders } | { errors: FieldErrors } {
  const after = wholeNumber(values.afterSendingHours, 0, MAX_REMINDER_HOURS);
  const before = wholeNumber(values.beforeExpiryHours, 0, MAX_REMINDER_HOURS);
  const max = wholeNumber(values.max, 1, MAX_REMINDERS);
  const errors: FieldErrors = {};
  const hours = `Enter whole hours from 0 to ${MAX_REMINDER_HOURS} (0: not then).`;
  if (after === undefined) errors['consentReminders.afterSendingHours'] = hours;
  if (before === undefined) errors['consentReminders.beforeExpiryHours'] = hours;
  if (max === undefined) errors['consentReminders.max'] = `Enter a number from 1 to ${MAX_REMINDERS}.`;
  if (after === undefined || before === undefined || max === undefined) return { errors };
  return { reminders: { enabled: values.enabled, afterSendingHours: after, beforeExpiryHours: before, max } };
}

/** How the setting reads in a sentence. */
export function describeReminders(reminders: ConsentReminders): string {
  if (!reminders.enabled) return 'Off: customers are not reminded.';
  const slots = [
    reminders.afterSendingHours > 0 ? `${reminders.afterSendingHours} hours after sending` : null,
    reminders.beforeExpiryHours > 0 ? `${reminders.beforeExpiryHours} hours before the link expires` : null,
  ].filter((slot): slot is string => slot !== null);
  if (slots.length === 0) return 'On, but with no reminder time: customers are not reminded.';
  const times = reminders.max === 1 ? 'once' : `${reminders.max} times`;
  return `Reminded ${slots.join(' and ')}, ${times} at most per request.`;
}

interface Props {
  loaded: CompanyAnswer;
  editable: boolean;
  onSaved: (answer: CompanyAnswer) => void;
  onReload: () => void;
}

/** My Company > Consent Reminders: when the scheduler reminds a customer's admin of a pending request. */
export function ConsentRemindersForm({ loaded, editable, onSaved, onReload }: Props) {
  const headingId = useId();
  const [values, setValues] = useState<Values>(() => valuesOf(loaded.company.consentReminders));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [failures, setFailures] = useState(0);
  const failureRef = useFocusOnChange<HTMLDivElement>(failures);

  function change<K extends keyof Values>(key: K, value: Values[K]) {
    setValues((current) => ({ ...current, [key]: value }));
    setSaved(false);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy || !editable) return;
    setFailure(null);
    setSaved(false);
    const parsed = parseReminders(values);
    if ('errors' in parsed) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    const { support, language } = loaded.company;
    const result = await saveCompany(loaded.etag, { support, language, consentReminders: parsed.reminders });
    setBusy(false);
    if (result.ok) {
      setValues(valuesOf(result.data.company.consentReminders));
      setSaved(true);
      onSaved(result.data);
      return;
    }
    const mapped = mapFieldErrors(result.problem, FIELDS);
    setErrors(mapped.fields);
    setFailure(failureOf('The reminders could not be saved', result.problem, result.retryAfterSeconds, mapped.unmatched));
    setFailures((count) => count + 1);
  }

  return (
    <section className="panel panel--stack" aria-labelledby={headingId}>
      <h2 id={headingId} className="panel__title">
        Consent Reminders
      </h2>
      <p className="panel__note" data-testid="reminders-summary">
        When an import or management request waits for the customer’s answer, the customer’s administrator is emailed a
        reminder with one more link (it expires when the request does; the links sent before keep working).{' '}
        {describeReminders(loaded.company.consentReminders)} A change applies to every pending request from its next
        reminder time, requests sent while reminders were off included.
      </p>
      {failure ? <FailureAlert ref={failureRef} failure={failure} onReload={onReload} /> : null}
      <form className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <fieldset className="form__fieldset" disabled={!editable || busy}>
          <CheckboxInput
            name="consentReminders.enabled"
            checked={values.enabled}
            onChange={(checked) => change('enabled', checked)}
            testId="reminders-enabled"
          >
            Remind customers of pending requests
          </CheckboxInput>
          <NumberInput
            name="consentReminders.afterSendingHours"
            label="Hours after the request is sent or re-sent"
            value={values.afterSendingHours}
            onChange={(value) => change('afterSendingHours', value)}
            error={errors['consentReminders.afterSendingHours']}
            hint="0 leaves this reminder out."
            testId="reminders-after-sending"
          />
          <NumberInput
            name="consentReminders.beforeExpiryHours"
            label="Hours before the request expires"
            value={values.beforeExpiryHours}
            onChange={(value) => change('beforeExpiryHours', value)}
            error={errors['consentReminders.beforeExpiryHours']}
            hint="0 leaves this reminder out."
            testId="reminders-before-expiry"
          />
          <NumberInput
            name="consentReminders.max"
            label="Reminders per request, at most"
            value={values.max}
            onChange={(value) => change('max', value)}
            error={errors['consentReminders.max']}
            hint={`1 to ${MAX_REMINDERS}, re-sends included.`}
            testId="reminders-max"
          />
        </fieldset>
        {editable ? (
          <div className="setting__footer">
            <p className="setting__status" role="status" data-testid="reminders-status">
              {saved
                ? 'Saved. Every pending request follows it from its next reminder time, requests sent while reminders were off included.'
                : ''}
            </p>
            <button type="submit" className="button button--primary" disabled={busy} data-testid="reminders-save">
              {busy ? 'Saving…' : 'Save reminders'}
            </button>
          </div>
        ) : (
          <p className="panel__note" data-testid="reminders-read-only">
            Only the Partner Administrator and Administrator roles can change this.
          </p>
        )}
      </form>
    </section>
  );
}
