import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { exspMe, resellerMe, sampleCatalog, sampleProfile, sampleRows } from './fixtures';

const CATALOG = 'GET /api/v1/catalog';
const CREATE = 'POST /api/v1/customers';

type User = ReturnType<typeof renderApp>['user'];

function renderAdd(me: MeResponse = exspMe) {
  tokenStore.set(sampleToken);
  return renderApp('/customers/new', me);
}

/** Types a value the quick way: focus the field and paste. */
async function fill(user: User, field: HTMLElement, text: string) {
  await user.click(field);
  await user.paste(text);
}

async function fillCustomer(user: User) {
  await user.click(await screen.findByTestId('management-partnerManaged'));
  await user.click(screen.getByTestId('communications-shared'));
  await fill(user, screen.getByTestId('company-name'), 'Acme Dental');
  await fill(user, screen.getByTestId('company-address1'), '1 High Street');
  await fill(user, screen.getByTestId('company-city'), 'Leeds');
  await fill(user, screen.getByTestId('company-postal-code'), 'LS1 1AA');
  await user.selectOptions(screen.getByTestId('company-country'), 'GB');
  await fill(user, screen.getByTestId('company-phone'), '+44 113 496 0000');
  await fill(user, screen.getByTestId('company-website'), 'acme.example');
  await fill(user, screen.getByTestId('contact-first-name'), 'Grace');
  await fill(user, screen.getByTestId('contact-last-name'), 'Hopper');
  await fill(user, screen.getByTestId('contact-email'), 'it@acme.example');
  await fill(user, screen.getByTestId('contact-phone'), '+44 113 496 0001');
  await user.selectOptions(screen.getByTestId('contact-language'), 'pt-BR');
  await user.selectOptions(screen.getByTestId('contact-time-zone'), 'UTC+05:30');
  await user.click(screen.getByTestId('contact-daylight-saving'));
}

async function addLine(user: User, product: string, type: 'trial' | 'paid', seats?: string) {
  await user.selectOptions(screen.getByTestId('product-select'), product);
  await user.click(screen.getByTestId(`product-type-${type}`));
  if (seats !== undefined) await user.type(screen.getByTestId('product-seats'), seats);
  await user.click(screen.getByTestId('product-add'));
}

function creates(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === CREATE);
}

const expectedBody = {
  management: 'partnerManaged',
  communications: 'shared',
  company: {
    name: 'Acme Dental',
    address1: '1 High Street',
    city: 'Leeds',
    postalCode: 'LS1 1AA',
    country: 'GB',
    phone: '+44 113 496 0000',
    website: 'https://acme.example',
  },
  contact: {
    firstName: 'Grace',
    lastName: 'Hopper',
    email: 'it@acme.example',
    phone: '+44 113 496 0001',
    language: 'pt-BR',
    timeZone: 'UTC+05:30',
    daylightSaving: true,
  },
  products: [
    { product: 'endpoint-protection', type: 'paid', seats: 250 },
    { product: 'email-security', type: 'trial' },
  ],
};

beforeEach(() => {
  tokenStore.clear();
});

describe('Add Customer page', () => {
  it('has the sections, questions and choices of the guide', async () => {
    mockFetch({ [CATALOG]: () => json(200, sampleCatalog) });
    renderAdd();

    expect(await screen.findByRole('heading', { name: 'Add Customer', level: 1 })).toBeInTheDocument();
    for (const section of ['Management Type', 'Company Information', 'Contact Information']) {
      expect(screen.getByRole('group', { name: section })).toBeInTheDocument();
    }
    expect(screen.getByRole('heading', { name: 'Activate a Product or Trial' })).toBeInTheDocument();

    const manages = screen.getByRole('radiogroup', { name: 'Who manages this customer’s product?' });
    expect(within(manages).getAllByRole('radio').map((radio) => radio.getAttribute('value'))).toEqual([
      'partnerManaged',
      'customerManaged',
      'coManaged',
    ]);
    expect(within(manages).getByRole('radio', { name: 'I will manage the products' })).toBeInTheDocument();
    const communications = screen.getByRole('radiogroup', {
      name: 'Do you want to manage all communications with this customer?',
    });
    expect(
      within(communications).getByRole('radio', { name: 'Yes, I will manage all communications with this customer' }),
    ).toHaveAttribute('value', 'partner');
    expect(
      within(communications).getByRole('radio', {
        name: 'No, allow the vendor to send welcome email and login credentials directly to this customer',
      }),
    ).toHaveAttribute('value', 'shared');

    expect(screen.getByTestId('contact-email')).toHaveAccessibleDescription(
      'This address becomes the customer’s login ID. It must not already exist in the system.',
    );
    const languages = within(screen.getByTestId('contact-language')).getAllByRole('option').slice(1);
    expect(languages.map((option) => option.getAttribute('value'))).toEqual([
      'en', 'de', 'es', 'fr', 'it', 'ja', 'ko', 'nl', 'pl', 'pt-BR', 'ru', 'zh-CN', 'zh-TW',
    ]);
    expect(screen.getByTestId('contact-language')).toHaveValue('en');
    const zones = within(screen.getByTestId('contact-time-zone'))
      .getAllByRole('option')
      .slice(1)
      .map((option) => option.getAttribute('value'));
    expect(zones[0]).toBe('UTC-12:00');
    expect(zones.at(-1)).toBe('UTC+14:00');
    expect(zones).toEqual(expect.arrayContaining(['UTC', 'UTC-03:30', 'UTC+05:30', 'UTC+05:45', 'UTC+12:45']));
    expect(zones).toHaveLength(38);

    expect(await screen.findByTestId('product-select')).toBeInTheDocument();
    expect(screen.getByText(/Trials last 60 days with 50 seats/)).toBeInTheDocument();
    expect(screen.getByText('No products or trials yet. Add at least one.')).toBeInTheDocument();
  });

  it('checks the form before sending and puts each error under its field', async () => {
    const { requests } = mockFetch({ [CATALOG]: () => json(200, sampleCatalog) });
    const { user } = renderAdd();
    await screen.findByTestId('product-select');

    await user.click(screen.getByTestId('create-account'));

    expect(screen.getByTestId('management-partnerManaged')).toHaveFocus();
    expect(screen.getByTestId('management-partnerManaged')).toHaveAccessibleDescription(
      expect.stringContaining('Choose who manages this customer’s product.') as string,
    );
    expect(screen.getByTestId('company-name')).toHaveAccessibleDescription('Enter the company name.');
    expect(screen.getByTestId('company-country')).toHaveAccessibleDescription('Select a country.');
    expect(screen.getByTestId('contact-email')).toHaveAccessibleDescription(
      expect.stringContaining('Enter an email address.') as string,
    );
    expect(screen.getByTestId('contact-time-zone')).toHaveAccessibleDescription(
      expect.stringContaining('Select a time zone.') as string,
    );
    expect(screen.getByTestId('company-address2')).not.toHaveAttribute('aria-invalid');
    expect(screen.getByTestId('products-error')).toHaveTextContent('Add at least one product or trial.');
    expect(creates(requests)).toHaveLength(0);
  });

  it('adds and removes product lines, and checks seats of a paid subscription', async () => {
    mockFetch({ [CATALOG]: () => json(200, sampleCatalog) });
    const { user } = renderAdd();
    await screen.findByTestId('product-select');

    await user.click(screen.getByTestId('product-add'));
    expect(screen.getByTestId('product-select')).toHaveAccessibleDescription('Select a product.');

    await user.selectOptions(screen.getByTestId('product-select'), 'web-security');
    expect(screen.getByTestId('product-type-trial')).toBeDisabled();
    expect(screen.getByTestId('product-type-paid')).toBeChecked();
    await user.type(screen.getByTestId('product-seats'), '0');
    await user.click(screen.getByTestId('product-add'));
    expect(screen.getByTestId('product-seats')).toHaveAccessibleDescription(
      expect.stringContaining('Enter a whole number of seats from 1 to 100,000.') as string,
    );
    await user.clear(screen.getByTestId('product-seats'));
    await user.type(screen.getByTestId('product-seats'), '1,500{Enter}');

    await addLine(user, 'email-security', 'trial');
    const rows = screen.getAllByTestId('selected-service-row');
    expect(rows.map((row) => within(row).getAllByRole('cell').slice(0, 4).map((cell) => cell.textContent))).toEqual([
      ['Web Security.cloud', 'Paid', '1,500 users', '12-month subscription, renews automatically'],
      ['Email Security.cloud', 'Trial', '50 mailboxes', '60-day trial'],
    ]);
    expect(within(screen.getByTestId('product-select')).getByRole('option', { name: 'Email Security.cloud (selected)' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Remove Web Security.cloud' }));
    expect(screen.getAllByTestId('selected-service-row')).toHaveLength(1);
    expect(screen.getByTestId('product-select')).toHaveFocus();
  });

  it('offers resellers trials only and says why', async () => {
    mockFetch({ [CATALOG]: () => json(200, sampleCatalog) });
    const { user } = renderAdd(resellerMe);
    await screen.findByTestId('product-select');

    expect(screen.getByTestId('exsp-required-note')).toHaveTextContent(
      'Paid subscriptions are provisioned by partners in the ExSP program. Activate your ExSP serial number on Home first',
    );
    expect(within(screen.getByTestId('exsp-required-note')).getByRole('link')).toHaveAttribute('href', '/');
    expect(within(screen.getByTestId('product-select')).getByRole('option', { name: 'Web Security.cloud (no trial)' })).toBeDisabled();

    await user.selectOptions(screen.getByTestId('product-select'), 'endpoint-protection');
    expect(screen.getByTestId('product-type-paid')).toBeDisabled();
    expect(screen.getByTestId('product-type-paid')).toHaveAccessibleDescription('Needs the ExSP program.');
    expect(screen.getByTestId('product-type-trial')).toBeChecked();
    expect(screen.queryByTestId('product-seats')).not.toBeInTheDocument();
  });

  it('shows the refusal when the server requires the ExSP program', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [CREATE]: () =>
        new Response(
          JSON.stringify({
            type: '/problems/exsp-required',
            title: 'Forbidden',
            status: 403,
            detail: 'paid subscriptions are provisioned by ExSP partners: activate your ExSP serial number first',
          }),
          { status: 403, headers: { 'Content-Type': 'application/problem+json' } },
        ),
    });
    const { user } = renderAdd();
    await fillCustomer(user);
    await addLine(user, 'endpoint-protection', 'paid', '250');
    await user.click(screen.getByTestId('create-account'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Paid subscriptions need the ExSP program');
    expect(alert).toHaveTextContent('activate your ExSP serial number first');
    expect(within(alert).getByRole('link', { name: /activate your ExSP serial number/ })).toHaveAttribute('href', '/');
    expect(alert.closest('[tabindex="-1"]')).toHaveFocus();
  });

  it('sends the form with an Idempotency-Key that is reused only for the same values', async () => {
    let calls = 0;
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [CREATE]: () => {
        calls += 1;
        if (calls === 1) return problem(503, { title: 'Service Unavailable' });
        if (calls === 2) return problem(500, { title: 'Internal server error' });
        return json(201, sampleProfile({ customer: { ...sampleProfile().customer, id: 'cus_new' } }));
      },
      'GET /api/v1/customers/cus_new': () => json(200, sampleProfile(), { ETag: '"1"' }),
    });
    const { user } = renderAdd();
    await fillCustomer(user);
    await addLine(user, 'endpoint-protection', 'paid', '250');
    await addLine(user, 'email-security', 'trial');

    await user.click(screen.getByTestId('create-account'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Service Unavailable');
    await user.click(screen.getByTestId('create-account'));
    expect(await screen.findByText('Internal server error')).toBeInTheDocument();

    await user.type(screen.getByTestId('company-state'), 'West Yorkshire');
    await user.click(screen.getByTestId('create-account'));
    expect(await screen.findByRole('heading', { name: 'Acme Dental', level: 1 })).toBeInTheDocument();
    expect(screen.getByTestId('profile-notice')).toHaveTextContent('The customer account was created.');
    expect(screen.getByTestId('profile-notice')).toHaveTextContent(
      'The welcome email with a link to choose a password was sent to it@acme.example; you received a copy.',
    );

    const sent = creates(requests);
    expect(sent).toHaveLength(3);
    expect(sent[0]?.body).toEqual(expectedBody);
    expect(sent[0]?.headers.get('Authorization')).toBe('Bearer access-token-1');
    const keys = sent.map((request) => request.headers.get('Idempotency-Key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(sent[2]?.body).toEqual({ ...expectedBody, company: { ...expectedBody.company, state: 'West Yorkshire' } });
  });

  it('opens the new customer’s profile with the reason for a pending compliance review', async () => {
    const reason =
      'Customers in CU need a trade-compliance review before paid products are activated. Customer service will contact you.';
    const created = sampleProfile({
      customer: { ...sampleProfile().customer, id: 'cus_cu', compliance: { status: 'pendingReview', reason } },
    });
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [CREATE]: () => json(201, created, { Location: '/api/v1/customers/cus_cu' }),
      'GET /api/v1/customers/cus_cu': () => json(200, created, { ETag: '"1"' }),
    });
    const { user } = renderAdd();
    await fillCustomer(user);
    await user.click(screen.getByTestId('communications-partner'));
    await addLine(user, 'email-security', 'trial');
    await user.click(screen.getByTestId('create-account'));

    const review = await screen.findByTestId('compliance-review');
    expect(review).toHaveTextContent('Trade-compliance review pending');
    expect(review).toHaveTextContent(reason);
    expect(screen.getByTestId('profile-notice')).toHaveTextContent(
      'the welcome email with the link to choose a password was sent to you, to forward to it@acme.example.',
    );
  });

  it('puts the server’s field errors under the matching fields and product lines', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [CREATE]: () =>
        problem(422, {
          title: 'Validation failed',
          detail: 'One or more fields are invalid.',
          errors: [
            { field: 'company.name', message: 'must be at most 120 characters' },
            { field: 'contact.timeZone', message: 'must be UTC or an offset such as UTC+05:30 or UTC-08:00' },
            { field: 'products[1].type', message: 'Email Security.cloud has no trial' },
            { field: 'company.fax', message: 'is not a field' },
          ],
        }),
    });
    const { user } = renderAdd();
    await fillCustomer(user);
    await addLine(user, 'endpoint-protection', 'paid', '250');
    await addLine(user, 'email-security', 'trial');
    await user.click(screen.getByTestId('create-account'));

    await waitFor(() => expect(screen.getByTestId('company-name')).toHaveAccessibleDescription('must be at most 120 characters'));
    expect(screen.getByTestId('company-name')).toHaveFocus();
    expect(screen.getByTestId('contact-time-zone')).toHaveAccessibleDescription(
      expect.stringContaining('must be UTC or an offset') as string,
    );
    const rows = screen.getAllByTestId('selected-service-row');
    expect(within(rows[1] as HTMLElement).getByTestId('selected-service-error')).toHaveTextContent(
      'Email Security.cloud has no trial.',
    );
    expect(within(rows[0] as HTMLElement).queryByTestId('selected-service-error')).not.toBeInTheDocument();
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Correct the highlighted fields and try again.');
    expect(alert).toHaveTextContent('company.fax: is not a field');
  });

  it('explains a taken email and offers to import the customer instead', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [CREATE]: () =>
        new Response(
          JSON.stringify({
            type: '/problems/email-taken',
            title: 'Conflict',
            status: 409,
            detail: 'This email address already has an account. To add a trial to an existing account, import the customer instead.',
          }),
          { status: 409, headers: { 'Content-Type': 'application/problem+json' } },
        ),
      'GET /api/v1/customers': () => json(200, { items: sampleRows }),
    });
    const { user } = renderAdd();
    await fillCustomer(user);
    await addLine(user, 'email-security', 'trial');
    await user.click(screen.getByTestId('create-account'));

    const email = screen.getByTestId('contact-email');
    await waitFor(() => expect(email).toHaveAttribute('aria-invalid', 'true'));
    expect(email).toHaveFocus();
    expect(email).toHaveAccessibleDescription(expect.stringContaining('This email address already has an account.') as string);
    expect(screen.getByRole('alert')).toHaveTextContent('This email address already has an account');

    await user.click(screen.getByRole('link', { name: 'Import an existing customer' }));
    expect(await screen.findByRole('dialog', { name: 'Import Customer' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Customers', level: 1 })).toBeInTheDocument();
  });
});
