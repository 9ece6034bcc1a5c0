import type { SignUpRequest } from '../api/client';
import { isCountryCode } from './countries';

/**
 * Client-side checks that mirror the API's rules. They give fast feedback
 * only: the server validates again and its answer is authoritative.
 */

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const PASSWORD_POLICY =
  'Use 12 to 256 characters, with at least one lowercase letter, one uppercase letter and one digit.';

const EMAIL_MAX_LENGTH = 254;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Length in characters (code points), as the server counts it. */
function characterCount(value: string): number {
  return Array.from(value).length;
}

export function validateRequired(value: string, label: string): string | undefined {
  return value.trim() === '' ? `Enter ${label}.` : undefined;
}

export function validateEmail(value: string): string | undefined {
  const email = value.trim();
  if (email === '') return 'Enter an email address.';
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(email)) {
    return 'Enter a valid email address, like name@example.com.';
  }
  return undefined;
}

export interface PasswordCheck {
  id: 'length' | 'lowercase' | 'uppercase' | 'digit';
  label: string;
  met: boolean;
}

export function passwordChecks(password: string): PasswordCheck[] {
  const length = characterCount(password);
  return [
    {
      id: 'length',
      label: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
      met: length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH,
    },
    { id: 'lowercase', label: 'a lowercase letter', met: /\p{Ll}/u.test(password) },
    { id: 'uppercase', label: 'an uppercase letter', met: /\p{Lu}/u.test(password) },
    { id: 'digit', label: 'a digit', met: /\p{Nd}/u.test(password) },
  ];
}

export function validatePassword(password: string): string | undefined {
  if (password === '') return 'Enter a password.';
  const length = characterCount(password);
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const missing = passwordChecks(password)
    .filter((check) => check.id !== 'length' && !check.met)
    .map((check) => check.label);
  if (missing.length > 0) return `Include ${joinWithAnd(missing)}.`;
  return undefined;
}

function joinWithAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const PHONE_ALLOWED = /^\+?[0-9 ().\-/]+$/;

export function validatePhone(value: string): string | undefined {
  const phone = value.trim();
  if (phone === '') return 'Enter a phone number.';
  const digits = phone.replace(/\D/g, '').length;
  if (!PHONE_ALLOWED.test(phone) || digits < 7 || digits > 15) {
    return 'Enter a valid phone number, like +1 555 010 0199.';
  }
  return undefined;
}

/** Adds https:// when the user typed a bare domain. Empty stays empty. */
export function normalizeWebsite(value: string): string {
  const website = value.trim();
  if (website === '') return '';
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(website) ? website : `https://${website}`;
}

export function validateWebsite(value: string): string | undefined {
  const website = normalizeWebsite(value);
  if (website === '') return undefined;
  try {
    const url = new URL(website);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.')) return undefined;
  } catch {
    // Reported below.
  }
  return 'Enter a valid website address, like https://example.com.';
}

export function validateCountry(value: string): string | undefined {
  if (value === '') return 'Select a country.';
  return isCountryCode(value) ? undefined : 'Select a country from the list.';
}

/** The sign-up form's fields, named by their path in the request body as the server reports them. */
export const SIGN_UP_FIELDS = [
  'email',
  'password',
  'confirmPassword',
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
  'contact.jobTitle',
  'acceptTerms',
] as const;

export type SignUpField = (typeof SIGN_UP_FIELDS)[number];
export type SignUpTextField = Exclude<SignUpField, 'acceptTerms'>;

export type SignUpValues = Record<SignUpTextField, string> & { acceptTerms: boolean };
export type SignUpErrors = Partial<Record<SignUpField, string>>;

export function emptySignUpValues(): SignUpValues {
  return {
    email: '',
    password: '',
    confirmPassword: '',
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
    'contact.jobTitle': '',
    acceptTerms: false,
  };
}

export function validateSignUp(values: SignUpValues): SignUpErrors {
  const errors: SignUpErrors = {
    email: validateEmail(values.email),
    password: validatePassword(values.password),
    confirmPassword:
      values.confirmPassword === ''
        ? 'Enter the password again.'
        : values.confirmPassword !== values.password
          ? 'The passwords do not match.'
          : undefined,
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
    acceptTerms: values.acceptTerms ? undefined : 'Accept the Terms and Conditions to create an account.',
  };
  return withoutEmpty(errors);
}

function withoutEmpty<T extends object>(errors: T): T {
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message !== undefined)) as T;
}

function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Builds the API request from the form; optional fields left blank are omitted. */
export function toSignUpRequest(values: SignUpValues): SignUpRequest {
  return {
    email: values.email.trim(),
    password: values.password,
    company: {
      name: values['company.name'].trim(),
      address1: values['company.address1'].trim(),
      address2: optional(values['company.address2']),
      city: values['company.city'].trim(),
      state: optional(values['company.state']),
      postalCode: values['company.postalCode'].trim(),
      country: values['company.country'] as SignUpRequest['company']['country'],
      phone: values['company.phone'].trim(),
      website: optional(normalizeWebsite(values['company.website'])),
    },
    contact: {
      firstName: values['contact.firstName'].trim(),
      lastName: values['contact.lastName'].trim(),
      email: values['contact.email'].trim(),
      phone: values['contact.phone'].trim(),
      jobTitle: optional(values['contact.jobTitle']),
    },
    acceptTerms: true,
  };
}

export type SignInField = 'email' | 'password';

export function validateSignIn(values: Record<SignInField, string>): Partial<Record<SignInField, string>> {
  return withoutEmpty({
    email: validateEmail(values.email),
    password: values.password === '' ? 'Enter your password.' : undefined,
  });
}

/** A one-time code as typed, without the spaces or dashes an app may show in it ("123 456"). */
export function oneTimeCode(value: string): string {
  return value.replace(/[\s-]/g, '');
}

/** The code from an authenticator app (TOTP): six digits. */
export function validateOneTimeCode(value: string): string | undefined {
  const code = oneTimeCode(value);
  if (code === '') return 'Enter the 6-digit code from your authenticator app.';
  if (!/^\d{6}$/.test(code)) return 'Enter the 6 digits your authenticator app shows.';
  return undefined;
}
