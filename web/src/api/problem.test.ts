import { describe, expect, it } from 'vitest';
import { SIGN_UP_FIELDS } from '../forms/validation';
import { mapFieldErrors, normalizeFieldPath, parseRetryAfter, rateLimitMessage, toProblem } from './problem';

const response = (status: number, statusText = '') => ({ status, statusText });

describe('toProblem', () => {
  it('reads an RFC 9457 problem document with field errors', () => {
    const problem = toProblem(
      {
        type: 'https://partner-console.example/problems/validation',
        title: 'Validation failed',
        status: 422,
        detail: 'The request has 2 invalid fields.',
        errors: [
          { field: 'email', message: 'must be a valid email address' },
          { field: 'company.name', message: 'must not be empty' },
        ],
      },
      response(422),
    );
    expect(problem).toEqual({
      type: 'https://partner-console.example/problems/validation',
      title: 'Validation failed',
      status: 422,
      detail: 'The request has 2 invalid fields.',
      errors: [
        { field: 'email', message: 'must be a valid email address' },
        { field: 'company.name', message: 'must not be empty' },
      ],
    });
  });

  it('falls back to the HTTP status for bodies that are not problems', () => {
    expect(toProblem('<html>Bad Gateway</html>', response(502, 'Bad Gateway'))).toEqual({
      type: 'about:blank',
      title: 'Service unavailable',
      detail: 'The Partner Console service could not be reached. Try again in a moment.',
      status: 502,
    });
    expect(toProblem('', response(418, "I'm a teapot"))).toEqual({ type: 'about:blank', title: "I'm a teapot", status: 418 });
    expect(toProblem(undefined, response(500))).toMatchObject({ status: 500, title: expect.any(String) as string });
  });

  it('drops malformed field errors and empty details', () => {
    const problem = toProblem(
      { title: 'Invalid', status: 422, detail: '', errors: [{ field: 'email' }, 'oops', { field: 'password', message: 'too short' }] },
      response(422),
    );
    expect(problem.detail).toBeUndefined();
    expect(problem.errors).toEqual([{ field: 'password', message: 'too short' }]);
  });

  it('keeps the challenge of a sign-in that needs its second step', () => {
    const problem = toProblem(
      { type: '/problems/mfa-required', title: 'Unauthorized', status: 401, challenge: 'session-1' },
      response(401),
    );
    expect(problem).toEqual({ type: '/problems/mfa-required', title: 'Unauthorized', status: 401, challenge: 'session-1' });
    expect(toProblem({ title: 'Unauthorized', status: 401, challenge: 42 }, response(401)).challenge).toBeUndefined();
  });

  it('uses the status code of the response when the body has none', () => {
    expect(toProblem({ title: 'Conflict' }, response(409)).status).toBe(409);
  });
});

describe('normalizeFieldPath', () => {
  it('keeps dotted paths and converts JSON pointers', () => {
    expect(normalizeFieldPath('company.name')).toBe('company.name');
    expect(normalizeFieldPath('/company/postalCode')).toBe('company.postalCode');
    expect(normalizeFieldPath('#/contact/firstName')).toBe('contact.firstName');
    expect(normalizeFieldPath(' email ')).toBe('email');
  });
});

describe('mapFieldErrors', () => {
  it('maps server field errors onto form fields', () => {
    const mapped = mapFieldErrors(
      {
        type: 'about:blank',
        title: 'Validation failed',
        status: 422,
        errors: [
          { field: 'email', message: 'Email is invalid.' },
          { field: 'company.name', message: 'Company name is required.' },
          { field: '/company/country', message: 'Unknown country.' },
          { field: 'acceptTerms', message: 'Terms must be accepted.' },
        ],
      },
      SIGN_UP_FIELDS,
    );
    expect(mapped.fields).toEqual({
      email: 'Email is invalid.',
      'company.name': 'Company name is required.',
      'company.country': 'Unknown country.',
      acceptTerms: 'Terms must be accepted.',
    });
    expect(mapped.unmatched).toEqual([]);
  });

  it('joins several messages for one field', () => {
    const mapped = mapFieldErrors(
      {
        type: 'about:blank',
        title: 'Validation failed',
        status: 422,
        errors: [
          { field: 'password', message: 'Too short.' },
          { field: 'password', message: 'Needs a digit.' },
        ],
      },
      SIGN_UP_FIELDS,
    );
    expect(mapped.fields).toEqual({ password: 'Too short. Needs a digit.' });
  });

  it('keeps errors for fields the form does not show', () => {
    const mapped = mapFieldErrors(
      { type: 'about:blank', title: 'Validation failed', status: 422, errors: [{ field: 'company.vatId', message: 'Invalid.' }] },
      SIGN_UP_FIELDS,
    );
    expect(mapped.fields).toEqual({});
    expect(mapped.unmatched).toEqual([{ field: 'company.vatId', message: 'Invalid.' }]);
  });

  it('returns nothing for a problem without errors', () => {
    expect(mapFieldErrors({ type: 'about:blank', title: 'Conflict', status: 409 }, SIGN_UP_FIELDS)).toEqual({
      fields: {},
      unmatched: [],
    });
  });
});

describe('Retry-After', () => {
  it('parses delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2025-01-15T10:00:00Z');
    expect(parseRetryAfter('Wed, 15 Jan 2025 10:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Wed, 15 Jan 2025 09:00:00 GMT', now)).toBe(0);
  });

  it('describes the wait', () => {
    expect(rateLimitMessage(1)).toBe('Too many attempts. Try again in 1 second.');
    expect(rateLimitMessage(45)).toBe('Too many attempts. Try again in 45 seconds.');
    expect(rateLimitMessage(600)).toBe('Too many attempts. Try again in 10 minutes.');
    expect(rateLimitMessage(undefined)).toBe('Too many attempts. Wait a moment and try again.');
  });
});
