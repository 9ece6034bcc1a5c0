import { describe, expect, it } from 'vitest';
import {
  emptySignUpValues,
  normalizeWebsite,
  oneTimeCode,
  passwordChecks,
  toSignUpRequest,
  validateCountry,
  validateEmail,
  validateOneTimeCode,
  validatePassword,
  validatePhone,
  validateSignIn,
  validateSignUp,
  validateWebsite,
  type SignUpValues,
} from './validation';

function validValues(): SignUpValues {
  return {
    ...emptySignUpValues(),
    email: 'ada@example.com',
    password: 'CorrectHorse42',
    confirmPassword: 'CorrectHorse42',
    'company.name': 'Analytical Engines Ltd',
    'company.address1': '12 Marylebone Road',
    'company.city': 'London',
    'company.postalCode': 'NW1 5LR',
    'company.country': 'GB',
    'company.phone': '+44 20 7946 0000',
    'contact.firstName': 'Ada',
    'contact.lastName': 'Lovelace',
    'contact.email': 'ada@example.com',
    'contact.phone': '+44 20 7946 0001',
    acceptTerms: true,
  };
}

describe('validateEmail', () => {
  it.each(['ada@example.com', 'first.last+tag@sub.example.co.uk', '  ada@example.com  '])('accepts %s', (email) => {
    expect(validateEmail(email)).toBeUndefined();
  });

  it.each(['', 'ada', 'ada@', '@example.com', 'ada@example', 'ada @example.com', 'a@b@example.com'])(
    'rejects %j',
    (email) => {
      expect(validateEmail(email)).toBeDefined();
    },
  );

  it('rejects addresses longer than 254 characters', () => {
    expect(validateEmail(`${'a'.repeat(250)}@example.com`)).toBeDefined();
  });
});

describe('validatePassword', () => {
  it('accepts a password meeting the policy', () => {
    expect(validatePassword('CorrectHorse42')).toBeUndefined();
  });

  it('enforces the 12 character minimum, counting characters not bytes', () => {
    expect(validatePassword('Short1Pass')).toMatch(/at least 12/);
    expect(validatePassword('Abcdefghij1k')).toBeUndefined();
    expect(validatePassword('Ab1éééééééé')).toMatch(/at least 12/);
  });

  it('enforces the 256 character maximum', () => {
    expect(validatePassword(`Aa1${'x'.repeat(253)}`)).toBeUndefined();
    expect(validatePassword(`Aa1${'x'.repeat(254)}`)).toMatch(/at most 256/);
  });

  it('names every missing character class', () => {
    expect(validatePassword('alllowercase1')).toBe('Include an uppercase letter.');
    expect(validatePassword('ALLUPPERCASE1')).toBe('Include a lowercase letter.');
    expect(validatePassword('NoDigitsHereAtAll')).toBe('Include a digit.');
    expect(validatePassword('123456789012')).toBe('Include a lowercase letter and an uppercase letter.');
  });

  it('asks for a password when empty', () => {
    expect(validatePassword('')).toBe('Enter a password.');
  });

  it('reports each check of the policy', () => {
    expect(passwordChecks('abc').map((check) => [check.id, check.met])).toEqual([
      ['length', false],
      ['lowercase', true],
      ['uppercase', false],
      ['digit', false],
    ]);
  });
});

describe('validatePhone', () => {
  it.each(['+1 555 010 0199', '(020) 7946-0000', '5550100199'])('accepts %s', (phone) => {
    expect(validatePhone(phone)).toBeUndefined();
  });

  it.each(['', '12345', 'call me', '+1 555 010 0199 ext 2', '1234567890123456'])('rejects %j', (phone) => {
    expect(validatePhone(phone)).toBeDefined();
  });
});

describe('website', () => {
  it('is optional', () => {
    expect(validateWebsite('')).toBeUndefined();
    expect(validateWebsite('   ')).toBeUndefined();
  });

  it('adds https:// to a bare domain', () => {
    expect(normalizeWebsite('example.com')).toBe('https://example.com');
    expect(normalizeWebsite('http://example.com')).toBe('http://example.com');
    expect(validateWebsite('example.com')).toBeUndefined();
  });

  it('rejects non-web addresses', () => {
    expect(validateWebsite('ftp://example.com')).toBeDefined();
    expect(validateWebsite('not a website')).toBeDefined();
    expect(validateWebsite('localhost')).toBeDefined();
  });
});

describe('validateCountry', () => {
  it('accepts ISO 3166-1 alpha-2 codes only', () => {
    expect(validateCountry('US')).toBeUndefined();
    expect(validateCountry('GB')).toBeUndefined();
    expect(validateCountry('')).toBe('Select a country.');
    expect(validateCountry('UK')).toBeDefined();
    expect(validateCountry('us')).toBeDefined();
  });
});

describe('validateSignUp', () => {
  it('accepts a complete form', () => {
    expect(validateSignUp(validValues())).toEqual({});
  });

  it('reports every required field of an empty form, keyed like the server', () => {
    const errors = validateSignUp(emptySignUpValues());
    expect(Object.keys(errors).sort()).toEqual(
      [
        'acceptTerms',
        'company.address1',
        'company.city',
        'company.country',
        'company.name',
        'company.phone',
        'company.postalCode',
        'confirmPassword',
        'contact.email',
        'contact.firstName',
        'contact.lastName',
        'contact.phone',
        'email',
        'password',
      ].sort(),
    );
  });

  it('does not require the optional fields', () => {
    const errors = validateSignUp(validValues());
    expect(errors['company.address2']).toBeUndefined();
    expect(errors['company.state']).toBeUndefined();
    expect(errors['company.website']).toBeUndefined();
    expect(errors['contact.jobTitle']).toBeUndefined();
  });

  it('requires the passwords to match', () => {
    expect(validateSignUp({ ...validValues(), confirmPassword: 'CorrectHorse43' })).toEqual({
      confirmPassword: 'The passwords do not match.',
    });
  });

  it('requires the terms to be accepted', () => {
    expect(validateSignUp({ ...validValues(), acceptTerms: false })).toHaveProperty('acceptTerms');
  });

  it('treats whitespace-only values as empty', () => {
    expect(validateSignUp({ ...validValues(), 'company.name': '   ' })).toHaveProperty('company.name');
  });
});

describe('toSignUpRequest', () => {
  it('builds the nested request, trimming values and omitting blank optional fields', () => {
    const request = toSignUpRequest({
      ...validValues(),
      email: ' ada@example.com ',
      'company.name': ' Analytical Engines Ltd ',
      'company.website': 'engines.example.com',
      'contact.jobTitle': '  ',
    });
    expect(JSON.parse(JSON.stringify(request))).toEqual({
      email: 'ada@example.com',
      password: 'CorrectHorse42',
      company: {
        name: 'Analytical Engines Ltd',
        address1: '12 Marylebone Road',
        city: 'London',
        postalCode: 'NW1 5LR',
        country: 'GB',
        phone: '+44 20 7946 0000',
        website: 'https://engines.example.com',
      },
      contact: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        phone: '+44 20 7946 0001',
      },
      acceptTerms: true,
    });
  });

  it('never sends the password confirmation', () => {
    expect(JSON.stringify(toSignUpRequest(validValues()))).not.toContain('confirmPassword');
  });
});

describe('validateSignIn', () => {
  it('requires an email address and a password', () => {
    expect(validateSignIn({ email: '', password: '' })).toEqual({
      email: 'Enter an email address.',
      password: 'Enter your password.',
    });
    expect(validateSignIn({ email: 'ada@example.com', password: 'x' })).toEqual({});
  });
});

describe('validateOneTimeCode', () => {
  it('takes six digits, with the spaces or dashes an app shows', () => {
    expect(validateOneTimeCode('123456')).toBeUndefined();
    expect(validateOneTimeCode(' 123 456 ')).toBeUndefined();
    expect(oneTimeCode('123-456')).toBe('123456');
    expect(validateOneTimeCode('')).toBe('Enter the 6-digit code from your authenticator app.');
    expect(validateOneTimeCode('12345')).toBe('Enter the 6 digits your authenticator app shows.');
    expect(validateOneTimeCode('12345a')).toBe('Enter the 6 digits your authenticator app shows.');
  });
});
