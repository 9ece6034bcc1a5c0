import { useMemo, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { mapFieldErrors, rateLimitMessage, type Problem } from '../api/problem';
import { useAuth } from '../auth/AuthContext';
import { signUp } from '../auth/session';
import { CheckboxField, SelectField, TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { countryOptions } from '../forms/countries';
import { useFormFeedback } from '../forms/useFormFeedback';
import {
  emptySignUpValues,
  PASSWORD_POLICY,
  SIGN_UP_FIELDS,
  toSignUpRequest,
  validateSignUp,
  type SignUpErrors,
  type SignUpValues,
} from '../forms/validation';

interface FormMessage {
  title: string;
  detail?: string | undefined;
  items?: string[];
  showSignInLink?: boolean;
}

const FIELD_LABELS: Record<string, string> = {
  email: 'Email',
  password: 'Password',
  confirmPassword: 'Confirm password',
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
  'contact.email': 'Contact email',
  'contact.phone': 'Contact phone',
  'contact.jobTitle': 'Job title',
  acceptTerms: 'Terms and Conditions',
};

/** Turns a server problem into field errors and a form-level message. */
function describeSignUpProblem(
  problem: Problem,
  retryAfterSeconds: number | undefined,
): { errors: SignUpErrors; message: FormMessage } {
  if (problem.status === 429) {
    return { errors: {}, message: { title: rateLimitMessage(retryAfterSeconds) } };
  }
  const { fields, unmatched } = mapFieldErrors(problem, SIGN_UP_FIELDS);
  if (problem.status === 409 && Object.keys(fields).length === 0) {
    return {
      errors: { email: problem.detail ?? 'An account with this email address already exists.' },
      message: { title: problem.title, detail: problem.detail, showSignInLink: true },
    };
  }
  const items = unmatched.map((error) => `${FIELD_LABELS[error.field] ?? error.field}: ${error.message}`);
  const hasFieldErrors = Object.keys(fields).length > 0;
  return {
    errors: fields,
    message: {
      title: problem.title,
      detail: problem.detail ?? (hasFieldErrors ? 'Correct the highlighted fields and try again.' : undefined),
      items,
    },
  };
}

export function SignUpPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const countries = useMemo(
    () => countryOptions().map((country) => ({ value: country.code, label: country.name })),
    [],
  );
  const { values, errors, setErrors, setField, fieldProps, message, setMessage, submitting, setSubmitting, requestFocus, formRef, alertRef } =
    useFormFeedback<SignUpValues, FormMessage>(emptySignUpValues);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const clientErrors = validateSignUp(values);
    if (Object.keys(clientErrors).length > 0) {
      setErrors(clientErrors);
      setMessage(null);
      requestFocus();
      return;
    }
    setErrors({});
    setMessage(null);
    setSubmitting(true);
    const result = await signUp(toSignUpRequest(values));
    if (!result.ok) {
      const described = describeSignUpProblem(result.problem, result.retryAfterSeconds);
      setErrors(described.errors);
      setMessage(described.message);
      setSubmitting(false);
      requestFocus();
      return;
    }
    const signedIn = await auth.signIn({ email: values.email.trim(), password: values.password });
    if (signedIn.ok) {
      void navigate('/', { replace: true });
    } else {
      void navigate('/sign-in', {
        replace: true,
        state: { notice: 'Your account has been created. Sign in to continue.', email: values.email.trim() },
      });
    }
  }

  return (
    <div className="auth-card auth-card--wide">
      <title>Partner Signup · Partner Console</title>
      <h1 className="auth-card__title">Partner Signup</h1>
      <p className="auth-card__lead">
        Register your company to join the partner program. Already registered?{' '}
        <Link to="/sign-in">Sign in</Link>
      </p>

      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={submitting}>
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
              {message.showSignInLink ? (
                <p>
                  <Link to="/sign-in">Sign in to your account</Link>
                </p>
              ) : null}
            </FormAlert>
          </div>
        ) : null}

        <fieldset className="form__section">
          <legend className="form__legend">Login Information</legend>
          <div className="form__grid">
            <TextField {...fieldProps('email')} label="Email" type="email" autoComplete="username" inputMode="email" className="span-2" />
            <TextField {...fieldProps('password')} label="Password" type="password" autoComplete="new-password" hint={PASSWORD_POLICY} />
            <TextField {...fieldProps('confirmPassword')} label="Confirm password" type="password" autoComplete="new-password" />
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">Company Information</legend>
          <div className="form__grid">
            <TextField {...fieldProps('company.name')} label="Company name" autoComplete="organization" className="span-2" />
            <TextField {...fieldProps('company.address1')} label="Address line 1" autoComplete="address-line1" className="span-2" />
            <TextField {...fieldProps('company.address2')} label="Address line 2" autoComplete="address-line2" optional className="span-2" />
            <TextField {...fieldProps('company.city')} label="City" autoComplete="address-level2" />
            <TextField {...fieldProps('company.state')} label="State / province" autoComplete="address-level1" optional />
            <TextField {...fieldProps('company.postalCode')} label="Postal code" autoComplete="postal-code" />
            <SelectField
              name="company.country"
              label="Country"
              value={values['company.country']}
              onChange={setField('company.country')}
              error={errors['company.country']}
              options={countries}
              placeholder="Select a country"
              autoComplete="country"
            />
            <TextField {...fieldProps('company.phone')} label="Company phone" type="tel" autoComplete="tel" inputMode="tel" />
            <TextField
              {...fieldProps('company.website')}
              label="Website"
              type="url"
              autoComplete="url"
              inputMode="url"
              optional
              hint="For example, https://example.com"
            />
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">Contact Information</legend>
          <div className="form__grid">
            <TextField {...fieldProps('contact.firstName')} label="First name" autoComplete="given-name" />
            <TextField {...fieldProps('contact.lastName')} label="Last name" autoComplete="family-name" />
            <TextField {...fieldProps('contact.email')} label="Contact email" type="email" autoComplete="email" inputMode="email" />
            <TextField {...fieldProps('contact.phone')} label="Contact phone" type="tel" autoComplete="tel" inputMode="tel" />
            <TextField {...fieldProps('contact.jobTitle')} label="Job title" autoComplete="organization-title" optional className="span-2" />
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">Terms and Conditions</legend>
          <CheckboxField
            name="acceptTerms"
            checked={values.acceptTerms}
            error={errors.acceptTerms}
            onChange={setField('acceptTerms')}
          >
            I have read and accept the Terms and Conditions of the partner program.
          </CheckboxField>
        </fieldset>

        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={submitting}>
            {submitting ? 'Creating account…' : 'Create Account'}
          </button>
        </div>
      </form>
    </div>
  );
}
