import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { AddCustomerRequest, Catalog, Communications, ManagementType } from '../api/client';
import { mapFieldErrors, type Problem } from '../api/problem';
import { useCurrentSession } from '../auth/AuthContext';
import { TextField } from '../components/fields';
import { countryOptions } from '../forms/countries';
import { useFormFeedback } from '../forms/useFormFeedback';
import {
  normalizeWebsite,
  validateCountry,
  validateEmail,
  validatePhone,
  validateRequired,
  validateWebsite,
} from '../forms/validation';
import { createCustomer, fetchCatalog, newIdempotencyKey } from './api';
import { CheckboxInput, RadioGroup, SelectInput } from './controls';
import {
  COMMUNICATIONS_VALUES,
  LANGUAGES,
  MANAGEMENT_ANSWERS,
  MANAGEMENT_HINTS,
  MANAGEMENT_TYPES,
  NEW_CUSTOMER_COMMUNICATIONS,
  TIME_ZONES,
} from './labels';
import { EMAIL_TAKEN, LoadFailed, MessageAlert, problemMessage, type Message } from './problems';
import { ProductPicker, productErrors, toProductRequests, type ProductLine } from './ProductPicker';

/** The form's fields, named by their path in the request body as the server reports them. */
export const ADD_CUSTOMER_FIELDS = [
  'management',
  'communications',
  'company.name',
  'company.address1',
  'company.address2',
  'company.city',
  'company.state',
  'company.postalCode',
  'company.country',
  'company.phone',
  'company.website',
  'contact.firstName',
  'contact.lastName',
  'contact.email',
  'contact.phone',
  'contact.language',
  'contact.timeZone',
  'contact.daylightSaving',
] as const;

type Field = (typeof ADD_CUSTOMER_FIELDS)[number];
type TextFieldName = Exclude<Field, 'management' | 'communications' | 'contact.daylightSaving'>;

export type AddCustomerValues = Record<TextFieldName, string> & {
  management: ManagementType | '';
  communications: Communications | '';
  'contact.daylightSaving': boolean;
};

type Errors = Partial<Record<Field, string>>;

const FIELD_LABELS: Record<string, string> = {
  management: 'Who manages this customer’s product?',
  communications: 'Do you want to manage all communications with this customer?',
  'company.name': 'Company name',
  'company.address1': 'Address line 1',
  'company.address2': 'Address line 2',
  'company.city': 'City',
  'company.state': 'State / province',
  'company.postalCode': 'Postal code',
  'company.country': 'Country',
  'company.phone': 'Company phone',
  'company.website': 'Website',
  'contact.firstName': 'First name',
  'contact.lastName': 'Last name',
  'contact.email': 'Email',
  'contact.phone': 'Contact phone',
  'contact.language': 'Language',
  'contact.timeZone': 'Time zone',
};

function emptyValues(): AddCustomerValues {
  return {
    management: '',
    communications: '',
    'company.name': '',
    'company.address1': '',
    'company.address2': '',
    'company.city': '',
    'company.state': '',
    'company.postalCode': '',
    'company.country': '',
    'company.phone': '',
    'company.website': '',
    'contact.firstName': '',
    'contact.lastName': '',
    'contact.email': '',
    'contact.phone': '',
    'contact.language': 'en',
    'contact.timeZone': '',
    'contact.daylightSaving': false,
  };
}

function withoutEmpty(errors: Errors): Errors {
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message !== undefined));
}

/** Client-side checks that mirror the API's rules; the server checks again. */
export function validateAddCustomer(values: AddCustomerValues): Errors {
  return withoutEmpty({
    management: values.management === '' ? 'Choose who manages this customer’s product.' : undefined,
    communications: values.communications === '' ? 'Choose who manages communications with this customer.' : undefined,
    'company.name': validateRequired(values['company.name'], 'the company name'),
    'company.address1': validateRequired(values['company.address1'], 'the street address'),
    'company.city': validateRequired(values['company.city'], 'the city'),
    'company.postalCode': validateRequired(values['company.postalCode'], 'the postal code'),
    'company.country': validateCountry(values['company.country']),
    'company.phone': validatePhone(values['company.phone']),
    'company.website': validateWebsite(values['company.website']),
    'contact.firstName': validateRequired(values['contact.firstName'], 'a first name'),
    'contact.lastName': validateRequired(values['contact.lastName'], 'a last name'),
    'contact.email': validateEmail(values['contact.email']),
    'contact.phone': validatePhone(values['contact.phone']),
    'contact.language': values['contact.language'] === '' ? 'Select a language.' : undefined,
    'contact.timeZone': values['contact.timeZone'] === '' ? 'Select a time zone.' : undefined,
  });
}

function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function toAddCustomerRequest(values: AddCustomerValues, lines: readonly ProductLine[]): AddCustomerRequest {
  if (values.management === '' || values.communications === '') throw new Error('The form is not complete');
  return {
    management: values.management,
    communications: values.communications,
    company: {
      name: values['company.name'].trim(),
      address1: values['company.address1'].trim(),
      address2: optional(values['company.address2']),
      city: values['company.city'].trim(),
      state: optional(values['company.state']),
      postalCode: values['company.postalCode'].trim(),
      country: values['company.country'] as AddCustomerRequest['company']['country'],
      phone: values['company.phone'].trim(),
      website: optional(normalizeWebsite(values['company.website'])),
    },
    contact: {
      firstName: values['contact.firstName'].trim(),
      lastName: values['contact.lastName'].trim(),
      email: values['contact.email'].trim(),
      phone: values['contact.phone'].trim(),
      language: values['contact.language'] as AddCustomerRequest['contact']['language'],
      timeZone: values['contact.timeZone'],
      daylightSaving: values['contact.daylightSaving'],
    },
    products: toProductRequests(lines),
  };
}

type CatalogState = { status: 'loading' } | { status: 'failed'; problem: Problem } | { status: 'loaded'; catalog: Catalog };

/** What the profile says right after the customer was created. */
export interface CreatedState {
  created: { email: string; communications: Communications };
}

/** The guide's "Add Customer" page. */
export function AddCustomerPage() {
  const { partner } = useCurrentSession();
  const navigate = useNavigate();
  const countries = useMemo(
    () => countryOptions().map((country) => ({ value: country.code, label: country.name })),
    [],
  );
  const form = useFormFeedback<AddCustomerValues, Message>(emptyValues);
  const { values, errors, setErrors, setField, fieldProps, message, setMessage, submitting, setSubmitting, requestFocus, formRef, alertRef } =
    form;
  const [catalog, setCatalog] = useState<CatalogState>({ status: 'loading' });
  const [catalogAttempt, setCatalogAttempt] = useState(0);
  const [lines, setLines] = useState<ProductLine[]>([]);
  const [lineErrors, setLineErrors] = useState<Partial<Record<number, string>>>({});
  const [productsError, setProductsError] = useState<string | undefined>();
  // The key of the last attempt and the body it was for: sending the same body again reuses it.
  const attempt = useRef<{ body: string; key: string } | null>(null);

  useEffect(() => {
    let active = true;
    void fetchCatalog().then((result) => {
      if (!active) return;
      setCatalog(result.ok ? { status: 'loaded', catalog: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [catalogAttempt]);

  function changeLines(next: ProductLine[]) {
    setLines(next);
    setLineErrors({});
    setProductsError(undefined);
  }

  function showProblem(problem: Problem, retryAfterSeconds: number | undefined) {
    const mapped = mapFieldErrors(problem, ADD_CUSTOMER_FIELDS);
    const products = productErrors(problem);
    const unmatched = mapped.unmatched.filter((error) => !/^products(\[|\.|$)/.test(error.field));
    let fieldErrors: Errors = mapped.fields;
    let next: Message;
    if (problem.status === 409 && problem.type === EMAIL_TAKEN) {
      const detail = problem.detail ?? 'This email address already has an account.';
      fieldErrors = { ...fieldErrors, 'contact.email': detail };
      next = {
        title: 'This email address already has an account',
        detail: 'The contact email becomes the customer’s login, so it must not be registered yet. To work with an existing account, import the customer instead.',
        importLink: true,
      };
    } else if (problem.status === 422) {
      next = {
        title: problem.title,
        detail: 'Correct the highlighted fields and try again.',
        items: unmatched.map((error) => `${FIELD_LABELS[error.field] ?? error.field}: ${error.message}`),
      };
    } else {
      next = problemMessage(problem, retryAfterSeconds, unmatched);
    }
    setErrors(fieldErrors);
    setLineErrors(products.lines);
    setProductsError(products.section);
    setMessage(next);
    requestFocus();
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const clientErrors = validateAddCustomer(values);
    const noProducts = lines.length === 0 ? 'Add at least one product or trial.' : undefined;
    if (Object.keys(clientErrors).length > 0 || noProducts) {
      setErrors(clientErrors);
      setProductsError(noProducts);
      setMessage(
        Object.keys(clientErrors).length > 0
          ? null
          : { title: 'Add a product or trial', detail: 'Choose a product, then click Add.' },
      );
      requestFocus();
      return;
    }
    const body = toAddCustomerRequest(values, lines);
    const serialized = JSON.stringify(body);
    if (attempt.current?.body !== serialized) attempt.current = { body: serialized, key: newIdempotencyKey() };
    setErrors({});
    setMessage(null);
    setSubmitting(true);
    const result = await createCustomer(body, attempt.current.key);
    setSubmitting(false);
    if (!result.ok) {
      showProblem(result.problem, result.retryAfterSeconds);
      return;
    }
    const created: CreatedState = { created: { email: body.contact.email, communications: body.communications } };
    void navigate(`/customers/${encodeURIComponent(result.data.profile.customer.id)}`, { state: created });
  }

  return (
    <div className="page page--wide">
      <title>Add Customer · Partner Console</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/customers">Customers</Link>
      </nav>
      <h1 className="page__title">Add Customer</h1>
      <p className="page__lead">
        Add a prospect or customer to your list and start their products or trials. Complete the form as accurately
        as possible: incomplete details can delay the account.
      </p>

      <form
        ref={formRef}
        className="form panel"
        noValidate
        onSubmit={(event) => void handleSubmit(event)}
        aria-busy={submitting}
      >
        {message ? <MessageAlert ref={alertRef} message={message} /> : null}

        <fieldset className="form__section">
          <legend className="form__legend">Management Type</legend>
          <div className="form__stack">
            <RadioGroup<ManagementType>
              name="management"
              legend="Who manages this customer’s product?"
              value={values.management}
              onChange={setField('management')}
              error={errors.management}
              testIdPrefix="management"
              options={MANAGEMENT_TYPES.map((type) => ({
                value: type,
                label: MANAGEMENT_ANSWERS[type],
                hint: MANAGEMENT_HINTS[type],
              }))}
            />
            <RadioGroup<Communications>
              name="communications"
              legend="Do you want to manage all communications with this customer?"
              value={values.communications}
              onChange={setField('communications')}
              error={errors.communications}
              testIdPrefix="communications"
              options={COMMUNICATIONS_VALUES.map((value) => ({
                value,
                label: NEW_CUSTOMER_COMMUNICATIONS[value].label,
                hint: NEW_CUSTOMER_COMMUNICATIONS[value].hint,
              }))}
            />
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">Company Information</legend>
          <div className="form__grid">
            <TextField {...fieldProps('company.name')} label="Company name" autoComplete="off" className="span-2" testId="company-name" />
            <TextField {...fieldProps('company.address1')} label="Address line 1" autoComplete="off" className="span-2" testId="company-address1" />
            <TextField {...fieldProps('company.address2')} label="Address line 2" autoComplete="off" optional className="span-2" testId="company-address2" />
            <TextField {...fieldProps('company.city')} label="City" autoComplete="off" testId="company-city" />
            <TextField {...fieldProps('company.state')} label="State / province" autoComplete="off" optional testId="company-state" />
            <TextField {...fieldProps('company.postalCode')} label="Postal code" autoComplete="off" testId="company-postal-code" />
            <SelectInput
              name="company.country"
              label="Country"
              value={values['company.country']}
              onChange={setField('company.country')}
              error={errors['company.country']}
              options={countries}
              placeholder="Select a country"
              testId="company-country"
            />
            <TextField {...fieldProps('company.phone')} label="Company phone" type="tel" autoComplete="off" inputMode="tel" testId="company-phone" />
            <TextField
              {...fieldProps('company.website')}
              label="Website"
              type="url"
              autoComplete="off"
              inputMode="url"
              optional
              hint="For example, https://example.com"
              testId="company-website"
            />
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">Contact Information</legend>
          <div className="form__grid">
            <TextField {...fieldProps('contact.firstName')} label="First name" autoComplete="off" testId="contact-first-name" />
            <TextField {...fieldProps('contact.lastName')} label="Last name" autoComplete="off" testId="contact-last-name" />
            <TextField
              {...fieldProps('contact.email')}
              label="Email"
              type="email"
              autoComplete="off"
              inputMode="email"
              spellCheck={false}
              className="span-2"
              hint="This address becomes the customer’s login ID. It must not already exist in the system."
              testId="contact-email"
            />
            <TextField {...fieldProps('contact.phone')} label="Phone" type="tel" autoComplete="off" inputMode="tel" testId="contact-phone" />
            <SelectInput
              name="contact.language"
              label="Language"
              value={values['contact.language']}
              onChange={setField('contact.language')}
              error={errors['contact.language']}
              options={LANGUAGES}
              placeholder="Select a language"
              hint="The language of the customer’s console and emails."
              testId="contact-language"
            />
            <SelectInput
              name="contact.timeZone"
              label="Time zone"
              value={values['contact.timeZone']}
              onChange={setField('contact.timeZone')}
              error={errors['contact.timeZone']}
              options={TIME_ZONES}
              placeholder="Select a time zone"
              hint="The offset from UTC without daylight saving time."
              testId="contact-time-zone"
            />
            <CheckboxInput
              name="contact.daylightSaving"
              checked={values['contact.daylightSaving']}
              onChange={setField('contact.daylightSaving')}
              testId="contact-daylight-saving"
            >
              The customer observes daylight saving time
            </CheckboxInput>
          </div>
        </fieldset>

        <section className="form__section" aria-labelledby="activate-heading">
          <h2 id="activate-heading" className="form__legend">
            Activate a Product or Trial
          </h2>
          {catalog.status === 'loading' ? (
            <p className="panel__note" role="status">
              Loading products…
            </p>
          ) : null}
          {catalog.status === 'failed' ? (
            <LoadFailed
              title="The products could not be loaded"
              problem={catalog.problem}
              onRetry={() => {
                setCatalog({ status: 'loading' });
                setCatalogAttempt((count) => count + 1);
              }}
            />
          ) : null}
          {catalog.status === 'loaded' ? (
            <ProductPicker
              name="new"
              catalog={catalog.catalog}
              program={partner.program}
              lines={lines}
              onLinesChange={changeLines}
              lineErrors={lineErrors}
              error={productsError}
            />
          ) : null}
        </section>

        <div className="form__actions form__actions--spaced">
          <Link to="/customers" className="button button--secondary">
            Cancel
          </Link>
          <button type="submit" className="button button--primary" disabled={submitting} data-testid="create-account">
            {submitting ? 'Creating account…' : 'Create Account'}
          </button>
        </div>
      </form>
    </div>
  );
}
