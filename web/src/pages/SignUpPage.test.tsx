import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, noActivity, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';

beforeEach(() => {
  tokenStore.clear();
  localStorage.clear();
  sessionStorage.clear();
});

/** Enters a value the way a paste would: one input event, which keeps the tests fast. */
async function enter(user: UserEvent, label: string, value: string) {
  await user.click(screen.getByLabelText(label));
  await user.paste(value);
}

async function fillValidForm(user: UserEvent) {
  await enter(user, 'Email', 'ada@example.com');
  await enter(user, 'Password', 'CorrectHorse42');
  await enter(user, 'Confirm password', 'CorrectHorse42');
  await enter(user, 'Company name', 'Analytical Engines Ltd');
  await enter(user, 'Address line 1', '12 Marylebone Road');
  await enter(user, 'City', 'London');
  await enter(user, 'Postal code', 'NW1 5LR');
  await user.selectOptions(screen.getByLabelText('Country'), 'GB');
  await enter(user, 'Company phone', '+44 20 7946 0000');
  await enter(user, 'First name', 'Ada');
  await enter(user, 'Last name', 'Lovelace');
  await enter(user, 'Contact email', 'ada@example.com');
  await enter(user, 'Contact phone', '+44 20 7946 0001');
  await user.click(screen.getByLabelText(/accept the Terms and Conditions/));
}

function fieldError(label: string): string | null {
  const input = screen.getByLabelText(label);
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
  const error = ids.map((id) => document.getElementById(id)).find((element) => element?.className === 'field__error');
  return error?.textContent ?? null;
}

describe('Sign up page', () => {
  it('shows the three sections, the terms and the password policy', async () => {
    mockFetch({});
    renderApp('/sign-up');
    expect(await screen.findByRole('heading', { name: 'Partner Signup' })).toBeInTheDocument();
    for (const section of ['Login Information', 'Company Information', 'Contact Information', 'Terms and Conditions']) {
      expect(screen.getByRole('group', { name: section })).toBeInTheDocument();
    }
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(
      'Use 12 to 256 characters, with at least one lowercase letter, one uppercase letter and one digit.',
    );
    expect(screen.getByRole('button', { name: 'Create Account' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/sign-in');
  });

  it('validates on the client before calling the server', async () => {
    const { requests } = mockFetch({});
    const { user } = renderApp('/sign-up');
    await user.click(await screen.findByRole('button', { name: 'Create Account' }));
    expect(fieldError('Email')).toBe('Enter an email address.');
    expect(fieldError('Company name')).toBe('Enter the company name.');
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Email')).toHaveFocus();
    expect(screen.getByLabelText(/^Address line 2/)).not.toHaveAttribute('aria-invalid');
    expect(requests).toHaveLength(0);
  });

  it('shows the server field errors next to their fields', async () => {
    const { requests } = mockFetch({
      'POST /api/v1/auth/sign-up': () =>
        problem(422, {
          title: 'Validation failed',
          detail: 'The request contains invalid fields.',
          errors: [
            { field: 'email', message: 'This email domain is not accepted.' },
            { field: 'company.name', message: 'Company name is too long.' },
            { field: 'company.taxId', message: 'Tax ID is required in this country.' },
          ],
        }),
    });
    const { user } = renderApp('/sign-up');
    await screen.findByRole('heading', { name: 'Partner Signup' });
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Create Account' }));

    await waitFor(() => expect(fieldError('Email')).toBe('This email domain is not accepted.'));
    expect(fieldError('Company name')).toBe('Company name is too long.');
    expect(screen.getByLabelText('Email')).toHaveFocus();

    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('Validation failed')).toBeInTheDocument();
    expect(within(alert).getByText('The request contains invalid fields.')).toBeInTheDocument();
    expect(within(alert).getByText('company.taxId: Tax ID is required in this country.')).toBeInTheDocument();

    expect(requests).toHaveLength(1);
    expect(requests[0]?.body).toMatchObject({
      email: 'ada@example.com',
      company: { name: 'Analytical Engines Ltd', country: 'GB' },
      contact: { firstName: 'Ada' },
      acceptTerms: true,
    });

    // Editing a field clears its server error.
    await enter(user, 'Email', 'x');
    expect(fieldError('Email')).toBeNull();
  });

  it('shows the problem title and detail when there are no field errors', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-up': () =>
        problem(503, { title: 'Service unavailable', detail: 'Registration is paused for maintenance.' }),
    });
    const { user } = renderApp('/sign-up');
    await screen.findByRole('heading', { name: 'Partner Signup' });
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Create Account' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Service unavailable');
    expect(alert).toHaveTextContent('Registration is paused for maintenance.');
  });

  it('explains an already registered email and links to sign in', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-up': () =>
        problem(409, { title: 'Email already registered', detail: 'An account with this email already exists.' }),
    });
    const { user } = renderApp('/sign-up');
    await screen.findByRole('heading', { name: 'Partner Signup' });
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Create Account' }));

    await waitFor(() => expect(fieldError('Email')).toBe('An account with this email already exists.'));
    expect(within(screen.getByRole('alert')).getByRole('link', { name: 'Sign in to your account' })).toBeInTheDocument();
  });

  it('tells how long to wait when rate limited', async () => {
    mockFetch({
      'POST /api/v1/auth/sign-up': () => problem(429, { title: 'Too Many Requests' }, { 'Retry-After': '30' }),
    });
    const { user } = renderApp('/sign-up');
    await screen.findByRole('heading', { name: 'Partner Signup' });
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Create Account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 30 seconds.');
  });

  it('signs in with the new credentials and lands on Home', async () => {
    const { requests } = mockFetch({
      'POST /api/v1/auth/sign-up': () => json(201, { partner: sampleMe.partner, user: sampleMe.user }),
      'POST /api/v1/auth/sign-in': () => json(200, sampleToken),
      'GET /api/v1/me': () => json(200, sampleMe),
      ...noActivity,
    });
    const { user } = renderApp('/sign-up');
    await screen.findByRole('heading', { name: 'Partner Signup' });
    await fillValidForm(user);
    await user.click(screen.getByRole('button', { name: 'Create Account' }));

    expect(await screen.findByRole('heading', { name: 'Welcome, Ada' })).toBeInTheDocument();
    expect(await screen.findByTestId('company-name')).toHaveTextContent('Analytical Engines Ltd');
    expect(await screen.findByText('No activity yet.')).toBeInTheDocument();
    // Quick Tasks read the automatic report schedules once the widgets are shown.
    await waitFor(() =>
      expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'POST /api/v1/auth/sign-up',
        'POST /api/v1/auth/sign-in',
        'GET /api/v1/me',
        'GET /api/v1/me/activity',
        'GET /api/v1/dashboard',
        'GET /api/v1/dashboard/layout',
        'GET /api/v1/report-schedules',
      ]),
    );
    expect(requests[1]?.body).toEqual({ email: 'ada@example.com', password: 'CorrectHorse42' });
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });
});
