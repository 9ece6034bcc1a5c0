import { useEffect, useId, useState, type FormEvent } from 'react';
import type { CompanyView, EmailLanguage, SupportInfo } from '../api/client';
import { mapFieldErrors, type Problem } from '../api/problem';
import { useCurrentSession } from '../auth/AuthContext';
import { SelectInput } from '../customers/controls';
import { ProblemAlert } from '../customers/problems';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { TextField } from '../components/fields';
import { countryName } from '../forms/countries';
import { normalizeWebsite, validateEmail, validateWebsite } from '../forms/validation';
import { fetchCompany, saveCompany, type CompanyAnswer } from './api';
import { ConsentRemindersForm } from './ConsentRemindersForm';
import { isBuiltInRole } from './labels';
import { FailureAlert, failureOf, type Failure } from './problems';

/** The languages of the console's emails, each named in its own language. */
export const EMAIL_LANGUAGES: readonly { value: EmailLanguage; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'de', label: 'Deutsch (German)' },
];

const SUPPORT_FIELDS = [
  'support.purchaseUrl',
  'support.supportUrl',
  'support.supportEmail',
  'support.supportPhone',
  'language',
] as const;
type SupportField = (typeof SUPPORT_FIELDS)[number];
type FieldErrors = Partial<Record<SupportField, string>>;

/** The support information's inputs, in the guide's order. */
const SUPPORT_INPUTS = [
  { key: 'purchaseUrl', label: 'Website or purchase URL', type: 'url', testId: 'company-purchase-url' },
  { key: 'supportUrl', label: 'Support URL', type: 'url', testId: 'company-support-url' },
  { key: 'supportEmail', label: 'Support email', type: 'email', testId: 'company-support-email' },
  { key: 'supportPhone', label: 'Support phone', type: 'tel', testId: 'company-support-phone' },
] as const;

interface Values {
  purchaseUrl: string;
  supportUrl: string;
  supportEmail: string;
  supportPhone: string;
  language: EmailLanguage;
}

function valuesOf(company: CompanyView): Values {
  return {
    purchaseUrl: company.support.purchaseUrl ?? '',
    supportUrl: company.support.supportUrl ?? '',
    supportEmail: company.support.supportEmail ?? '',
    supportPhone: company.support.supportPhone ?? '',
    language: company.language,
  };
}

/** The server's telephone rule: 5 to 20 digits with spaces, dashes, dots, brackets and a leading +. */
export function validateSupportPhone(value: string): string | undefined {
  const phone = value.trim();
  if (phone === '') return undefined;
  const digits = phone.replace(/\D/g, '').length;
  if (!/^\+?[0-9 ().-]+$/.test(phone) || digits < 5 || digits > 20 || phone.length > 32) {
    return 'Enter a telephone number of 5 to 20 digits, like +1 555 010 0199.';
  }
  return undefined;
}

export function validateSupport(values: Values): FieldErrors {
  const errors: FieldErrors = {};
  const purchase = validateWebsite(values.purchaseUrl);
  if (purchase) errors['support.purchaseUrl'] = purchase;
  const support = validateWebsite(values.supportUrl);
  if (support) errors['support.supportUrl'] = support;
  if (values.supportEmail.trim() !== '') {
    const email = validateEmail(values.supportEmail);
    if (email) errors['support.supportEmail'] = email;
  }
  const phone = validateSupportPhone(values.supportPhone);
  if (phone) errors['support.supportPhone'] = phone;
  return errors;
}

/** The form as the API takes it: blank fields are none. */
export function toSettings(values: Values): { support: SupportInfo; language: EmailLanguage } {
  const blankIsNone = (value: string) => (value.trim() === '' ? null : value.trim());
  return {
    support: {
      purchaseUrl: blankIsNone(normalizeWebsite(values.purchaseUrl)),
      supportUrl: blankIsNone(normalizeWebsite(values.supportUrl)),
      supportEmail: blankIsNone(values.supportEmail),
      supportPhone: blankIsNone(values.supportPhone),
    },
    language: values.language,
  };
}

function CompanyInformation({ company }: { company: CompanyView }) {
  const headingId = useId();
  const c = company.company;
  const address = [c.address1, c.address2, c.city, c.state, c.postalCode, countryName(c.country)].filter(Boolean);
  return (
    <section className="panel panel--stack" aria-labelledby={headingId}>
      <h2 id={headingId} className="panel__title">
        Company Information
      </h2>
      <p className="panel__note">As given at sign-up; it cannot be edited.</p>
      <dl className="details" data-testid="company-information">
        <dt>Company</dt>
        <dd>{c.name}</dd>
        <dt>Address</dt>
        <dd>{address.join(', ')}</dd>
        <dt>Phone</dt>
        <dd>{c.phone}</dd>
        {c.website ? (
          <>
            <dt>Website</dt>
            <dd>{c.website}</dd>
          </>
        ) : null}
        <dt>Main contact</dt>
        <dd>
          {company.contact.firstName} {company.contact.lastName} · {company.contact.email} · {company.contact.phone}
        </dd>
        <dt>Program</dt>
        <dd>{company.program === 'exsp' ? 'ExSP' : 'Reseller'}</dd>
      </dl>
    </section>
  );
}

interface SupportFormProps {
  loaded: CompanyAnswer;
  editable: boolean;
  onSaved: (answer: CompanyAnswer) => void;
  onReload: () => void;
}

function SupportForm({ loaded, editable, onSaved, onReload }: SupportFormProps) {
  const headingId = useId();
  const [values, setValues] = useState<Values>(() => valuesOf(loaded.company));
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
    const found = validateSupport(values);
    setErrors(found);
    setFailure(null);
    setSaved(false);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const result = await saveCompany(loaded.etag, toSettings(values));
    setBusy(false);
    if (result.ok) {
      setValues(valuesOf(result.data.company));
      setSaved(true);
      onSaved(result.data);
      return;
    }
    const mapped = mapFieldErrors(result.problem, SUPPORT_FIELDS);
    setErrors(mapped.fields);
    setFailure(failureOf('My Company could not be saved', result.problem, result.retryAfterSeconds, mapped.unmatched));
    setFailures((count) => count + 1);
  }

  return (
    <section className="panel panel--stack" aria-labelledby={headingId}>
      <h2 id={headingId} className="panel__title">
        Contact and Support Information
      </h2>
      <p className="panel__note">
        Shown in every email to your customers and on their console’s Settings page. Blank fields fall back on your
        company’s phone and website and your main contact’s email.
      </p>
      {failure ? <FailureAlert ref={failureRef} failure={failure} onReload={onReload} /> : null}
      <form className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <fieldset className="form__fieldset" disabled={!editable || busy}>
          {SUPPORT_INPUTS.map((input) => (
            <TextField
              key={input.key}
              name={`support.${input.key}`}
              label={input.label}
              type={input.type}
              inputMode={input.type}
              optional
              value={values[input.key]}
              onChange={(value) => change(input.key, value)}
              error={errors[`support.${input.key}`]}
              testId={input.testId}
            />
          ))}
          <SelectInput
            name="language"
            label="Language of the console’s emails"
            value={values.language}
            onChange={(value) => change('language', value as EmailLanguage)}
            options={EMAIL_LANGUAGES}
            placeholder="Choose a language"
            error={errors.language}
            hint="The emails to your customers and your users are written in it; the console itself stays in English."
            testId="company-language"
          />
        </fieldset>
        {editable ? (
          <div className="setting__footer">
            <p className="setting__status" role="status" data-testid="company-status">
              {saved ? 'Saved. The next emails to your customers and their portal show it.' : ''}
            </p>
            <button type="submit" className="button button--primary" disabled={busy} data-testid="company-save">
              {busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        ) : (
          <p className="panel__note" data-testid="company-read-only">
            Only the Partner Administrator and Administrator roles can change this.
          </p>
        )}
      </form>
    </section>
  );
}

type State = { status: 'loading' } | { status: 'failed'; problem: Problem } | { status: 'loaded'; answer: CompanyAnswer };

/** Administration > My Company: the company as signed up, what customers are told to contact, and consent reminders. */
export function MyCompanyPage() {
  const { user } = useCurrentSession();
  const editable = isBuiltInRole(user.role);
  const [state, setState] = useState<State>({ status: 'loading' });
  // Each load (the first, and every Reload) gives the form a new key, so it starts from
  // the values just loaded.
  const [loads, setLoads] = useState(0);

  useEffect(() => {
    let active = true;
    void fetchCompany().then((result) => {
      if (!active) return;
      setState(result.ok ? { status: 'loaded', answer: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [loads]);

  function reload() {
    setState({ status: 'loading' });
    setLoads((count) => count + 1);
  }

  return (
    <div className="page page--wide">
      <title>My Company · Partner Console</title>
      <div className="page__header">
        <div>
          <p className="breadcrumb">Administration</p>
          <h1 className="page__title">My Company</h1>
          <p className="page__subtitle">
            Your company information, the contact and support information your customers see, and when they are reminded
            of your requests.
          </p>
        </div>
      </div>
      {state.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading My Company…
        </p>
      ) : null}
      {state.status === 'failed' ? <ProblemAlert title="My Company could not be loaded" problem={state.problem} /> : null}
      {state.status === 'loaded' ? (
        <>
          <CompanyInformation company={state.answer.company} />
          <SupportForm
            key={loads}
            loaded={state.answer}
            editable={editable}
            onSaved={(answer) => setState({ status: 'loaded', answer })}
            onReload={reload}
          />
          <ConsentRemindersForm
            key={`reminders-${loads}`}
            loaded={state.answer}
            editable={editable}
            onSaved={(answer) => setState({ status: 'loaded', answer })}
            onReload={reload}
          />
        </>
      ) : null}
    </div>
  );
}
