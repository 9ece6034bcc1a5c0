import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomerProfile, MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { endpointProtectionRoute, sampleEndpointProtection } from '../statistics/fixtures';
import { customRoleMe, exspMe, resellerMe, sampleCatalog, sampleEntitlements, sampleProfile, sampleRows } from './fixtures';

const PROFILE = 'GET /api/v1/customers/cus_1';
const CATALOG = 'GET /api/v1/catalog';

function profileResponse(profile: CustomerProfile, status = 200): Response {
  return json(status, profile, { ETag: `"${profile.customer.version}"` });
}

function withVersion(profile: CustomerProfile, version: number): CustomerProfile {
  return { ...profile, customer: { ...profile.customer, version } };
}

function renderProfile(me: MeResponse = exspMe) {
  tokenStore.set(sampleToken);
  return renderApp('/customers/cus_1', me);
}

function changes(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.method !== 'GET');
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Customer Profile page', () => {
  it('shows the entitlements, management status and read-only information', async () => {
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    renderProfile();

    expect(await screen.findByRole('heading', { name: 'Acme Dental', level: 1 })).toBeInTheDocument();
    const table = screen.getByTestId('entitlement-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Serial Number',
      'Type',
      'Used / Capacity',
      'Time Remaining',
      'Action',
    ]);
    const rows = within(table).getAllByTestId('entitlement-row');
    const cells = rows.map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    expect(cells[0]?.slice(0, 3)).toEqual(['P7K2M-9Q4R8-T1V6W-3X5Y2-Z', 'Email Security.cloud Trial', '50 mailboxes']);
    expect(cells[0]?.[3]).toMatch(/^45 daysEnds /);
    expect(cells[1]?.slice(0, 3)).toEqual(['P1234-56789-0ABCD-EFGHJ-K', 'Endpoint Protection Cloud Paid', '120 devices']);
    expect(cells[1]?.[3]).toMatch(/^Auto-renewRenews /);
    expect(cells[2]?.slice(0, 3)).toEqual(['P0000-01111-12222-23333-X', 'Web Security.cloud Cancelled', '10 users']);
    expect(within(rows[0] as HTMLElement).getAllByRole('button').map((button) => button.textContent)).toEqual([
      'Convert to paid',
      'Cancel Product',
    ]);
    expect(within(rows[1] as HTMLElement).getAllByRole('button').map((button) => button.textContent)).toEqual([
      'Cancel Product',
    ]);
    expect(within(rows[2] as HTMLElement).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByTestId('account-usage')).toHaveTextContent('97 / 170');

    expect(screen.getByTestId('management-type')).toHaveTextContent('Co-Managed');
    expect(screen.getByTestId('communications-setting')).toHaveTextContent(
      'Both the customer and I will manage communications',
    );
    expect(screen.getByTestId('pending-management')).toHaveTextContent('None');
    expect(screen.getByTestId('management-coManaged')).toBeChecked();
    expect(screen.getByTestId('communications-shared')).toBeChecked();
    expect(screen.getByTestId('mac-deny')).toBeChecked();
    expect(screen.getByTestId('manage-customer')).toBeInTheDocument();

    const company = screen.getByRole('region', { name: 'Company Information' });
    expect(company).toHaveTextContent('1 High Street');
    expect(company).toHaveTextContent('Leeds, West Yorkshire LS1 1AA');
    expect(company).toHaveTextContent('United Kingdom');
    const contact = screen.getByRole('region', { name: 'Contact Information' });
    expect(contact).toHaveTextContent('Grace Hopper');
    expect(contact).toHaveTextContent('it@acme.example');
    expect(contact).toHaveTextContent('English');
    expect(contact).toHaveTextContent('UTC');
    expect(contact).toHaveTextContent('Observed');
    expect(within(contact).queryByRole('textbox')).not.toBeInTheDocument();
  });

  it('hides Manage Customer for a customer-managed customer', async () => {
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () =>
        profileResponse(
          sampleProfile({
            partnerMayManage: false,
            managementLabel: 'Customer Managed',
            customer: { ...sampleProfile().customer, management: 'customerManaged' },
          }),
        ),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    renderProfile();
    expect(await screen.findByTestId('profile-management')).toHaveTextContent('Customer Managed');
    expect(screen.queryByTestId('manage-customer')).not.toBeInTheDocument();
  });

  it('says "No such customer" for a 404', async () => {
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => problem(404, { title: 'Not found', detail: 'No such customer.' }),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    renderProfile();
    expect(await screen.findByRole('heading', { name: 'No such customer' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to Customers' })).toHaveAttribute('href', '/customers');
  });

  it('shows a pending trade-compliance review prominently', async () => {
    const reason =
      'Customers in CU need a trade-compliance review before paid products are activated. Customer service will contact you.';
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () =>
        profileResponse(
          sampleProfile({ customer: { ...sampleProfile().customer, compliance: { status: 'pendingReview', reason } } }),
        ),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    renderProfile();
    const review = await screen.findByTestId('compliance-review');
    expect(review).toHaveTextContent('Trade-compliance review pending');
    expect(review).toHaveTextContent(reason);
  });

  it('cancels a product after the Ok confirmation, with If-Match', async () => {
    const after = withVersion(
      sampleProfile({
        entitlements: [
          sampleEntitlements.trial,
          { ...sampleEntitlements.paid, status: 'cancelled', at: '2026-01-15T00:00:00Z', timeRemaining: { label: 'Cancelled' } },
          sampleEntitlements.cancelled,
        ],
      }),
      8,
    );
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/entitlements/ent_paid/cancel': () => profileResponse(after),
    });
    const { user } = renderProfile();
    await user.click(await screen.findByRole('button', { name: 'Cancel Product: Endpoint Protection Cloud' }));

    let dialog = screen.getByRole('dialog', { name: 'Cancel Endpoint Protection Cloud?' });
    expect(dialog).toHaveTextContent('ends now and does not renew');
    await user.click(within(dialog).getByRole('button', { name: 'Keep subscription' }));
    expect(changes(requests)).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Cancel Product: Endpoint Protection Cloud' }));
    dialog = screen.getByRole('dialog', { name: 'Cancel Endpoint Protection Cloud?' });
    await user.click(within(dialog).getByTestId('cancel-confirm'));

    expect(await screen.findByTestId('profile-notice')).toHaveTextContent('Endpoint Protection Cloud was cancelled.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const [cancel] = changes(requests);
    expect(cancel?.body).toEqual({ confirm: true });
    expect(cancel?.headers.get('If-Match')).toBe('"7"');
    expect(cancel?.headers.get('Authorization')).toBe('Bearer access-token-1');
    const row = screen.getAllByTestId('entitlement-row')[1] as HTMLElement;
    expect(row).toHaveTextContent('Cancelled');
    expect(within(row).queryByRole('button')).not.toBeInTheDocument();

    // The next change sends the new version.
    await user.click(screen.getByRole('button', { name: 'Cancel Product: Email Security.cloud' }));
    expect(screen.getByRole('dialog', { name: 'Cancel Email Security.cloud?' })).toHaveTextContent('The trial');
  });

  it('asks to reload when the customer changed meanwhile', async () => {
    let loads = 0;
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => {
        loads += 1;
        return profileResponse(withVersion(sampleProfile(), loads === 1 ? 7 : 9));
      },
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/entitlements/ent_paid/cancel': () =>
        new Response(
          JSON.stringify({
            type: '/problems/stale-version',
            title: 'Precondition failed',
            status: 412,
            detail: 'It was changed since you loaded it: reload and try again.',
          }),
          { status: 412, headers: { 'Content-Type': 'application/problem+json' } },
        ),
    });
    const { user } = renderProfile();
    await user.click(await screen.findByRole('button', { name: 'Cancel Product: Endpoint Protection Cloud' }));
    await user.click(screen.getByTestId('cancel-confirm'));

    const dialog = screen.getByRole('dialog');
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('This customer was changed meanwhile');
    expect(alert.closest('[tabindex="-1"]')).toHaveFocus();
    await user.click(within(dialog).getByTestId('profile-reload'));

    await waitFor(() => expect(loads).toBe(2));
    expect(await screen.findByRole('heading', { name: 'Acme Dental', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('converts a trial to paid with the chosen seats (ExSP)', async () => {
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/entitlements/ent_trial/convert': () => profileResponse(withVersion(sampleProfile(), 8)),
    });
    const { user } = renderProfile(exspMe);
    await user.click(await screen.findByTestId('convert-open'));
    const dialog = screen.getByRole('dialog', { name: 'Convert to paid' });
    const seats = within(dialog).getByTestId('convert-seats');
    expect(seats).toHaveValue('50');
    expect(within(dialog).queryByTestId('convert-serial')).not.toBeInTheDocument();

    await user.clear(seats);
    await user.click(within(dialog).getByTestId('convert-confirm'));
    expect(seats).toHaveAccessibleDescription(expect.stringContaining('Enter a whole number of seats') as string);
    expect(seats).toHaveFocus();
    await user.type(seats, '75');
    await user.click(within(dialog).getByTestId('convert-confirm'));

    expect(await screen.findByTestId('profile-notice')).toHaveTextContent(
      'Email Security.cloud is now a paid subscription.',
    );
    const [convert] = changes(requests);
    expect(convert?.body).toEqual({ seats: 75 });
    expect(convert?.headers.get('If-Match')).toBe('"7"');
  });

  it('asks a reseller for a product serial number to convert, and shows its errors', async () => {
    let calls = 0;
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/entitlements/ent_trial/convert': () => {
        calls += 1;
        return calls === 1
          ? problem(422, {
              title: 'Validation failed',
              errors: [{ field: 'productSerial', message: 'is for Endpoint Protection Cloud, not this trial’s product' }],
            })
          : profileResponse(withVersion(sampleProfile(), 8));
      },
    });
    const { user } = renderProfile(resellerMe);
    await user.click(await screen.findByTestId('convert-open'));
    const dialog = screen.getByRole('dialog', { name: 'Convert to paid' });
    expect(within(dialog).queryByTestId('convert-seats')).not.toBeInTheDocument();
    const serial = within(dialog).getByTestId('convert-serial');

    await user.click(within(dialog).getByTestId('convert-confirm'));
    expect(serial).toHaveAccessibleDescription(expect.stringContaining('Enter the product serial number.') as string);
    expect(changes(requests)).toHaveLength(0);

    await user.type(serial, 'p1234 56789 0abcd efghj k');
    await user.click(within(dialog).getByTestId('convert-confirm'));
    await waitFor(() =>
      expect(serial).toHaveAccessibleDescription(
        expect.stringContaining('Is for Endpoint Protection Cloud, not this trial’s product') as string,
      ),
    );
    expect(serial).toHaveFocus();

    await user.clear(serial);
    await user.type(serial, 'P7777-88888-99999-AAAAA-B');
    await user.click(within(dialog).getByTestId('convert-confirm'));
    expect(await screen.findByTestId('profile-notice')).toHaveTextContent('is now a paid subscription');
    expect(changes(requests).map((request) => request.body)).toEqual([
      { productSerial: 'p1234 56789 0abcd efghj k' },
      { productSerial: 'P7777-88888-99999-AAAAA-B' },
    ]);
  });

  it('activates products from the dialog, for the customer it names', async () => {
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/entitlements': () => profileResponse(withVersion(sampleProfile(), 8)),
    });
    const { user } = renderProfile(exspMe);
    await user.click(await screen.findByTestId('activate-product-open'));
    const dialog = screen.getByRole('dialog', { name: 'Activate a Product or Trial' });
    expect(within(dialog).getByTestId('activate-customer')).toHaveTextContent('Acme Dental');

    const select = within(dialog).getByTestId('product-select');
    expect(within(select).getByRole('option', { name: 'Endpoint Protection Cloud (already active)' })).toBeDisabled();
    expect(within(select).getByRole('option', { name: 'Email Security.cloud (already active)' })).toBeDisabled();

    await user.click(within(dialog).getByTestId('activate-save'));
    expect(within(dialog).getByTestId('products-error')).toHaveTextContent('Add at least one product or trial.');

    await user.selectOptions(select, 'web-security');
    expect(within(dialog).getByTestId('product-type-trial')).toBeDisabled();
    await user.type(within(dialog).getByTestId('product-seats'), '40');
    await user.click(within(dialog).getByTestId('product-add'));
    await user.click(within(dialog).getByTestId('activate-save'));

    expect(await screen.findByTestId('profile-notice')).toHaveTextContent(
      'Activated for Acme Dental: Web Security.cloud.',
    );
    const [add] = changes(requests);
    expect(add?.body).toEqual({ products: [{ product: 'web-security', type: 'paid', seats: 40 }] });
    expect(add?.headers.get('If-Match')).toBe('"7"');
  });

  it('says under its line that the customer has the product already, when the server refuses it', async () => {
    const profile = sampleProfile({ entitlements: [sampleEntitlements.cancelled] });
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(profile),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/entitlements': () =>
        problem(409, {
          type: '/problems/already-has-product',
          title: 'Conflict',
          detail: 'Acme Dental already has a trial of Email Security.cloud',
        }),
    });
    const { user } = renderProfile(exspMe);
    await user.click(await screen.findByTestId('activate-product-open'));
    const dialog = screen.getByRole('dialog', { name: 'Activate a Product or Trial' });
    for (const product of ['endpoint-protection', 'email-security']) {
      await user.selectOptions(within(dialog).getByTestId('product-select'), product);
      await user.click(within(dialog).getByTestId('product-type-trial'));
      await user.click(within(dialog).getByTestId('product-add'));
    }
    await user.click(within(dialog).getByTestId('activate-save'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The customer has this product already');
    expect(alert).not.toHaveTextContent('Conflict');
    const errors = within(dialog).getAllByTestId('selected-service-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toHaveTextContent(
      'Acme Dental already has a trial of Email Security.cloud. Remove this line or choose another product.',
    );
    const rows = within(dialog).getAllByTestId('selected-service-row');
    expect(rows[1]).toContainElement(errors[0]!);
  });

  it('keeps a reseller to trials when activating, and shows the server’s refusal', async () => {
    const profile = sampleProfile({ entitlements: [sampleEntitlements.cancelled] });
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(profile),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/entitlements': () =>
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
    const { user } = renderProfile(resellerMe);
    await user.click(await screen.findByTestId('activate-product-open'));
    const dialog = screen.getByRole('dialog', { name: 'Activate a Product or Trial' });
    expect(within(dialog).getByTestId('exsp-required-note')).toBeInTheDocument();
    await user.selectOptions(within(dialog).getByTestId('product-select'), 'endpoint-protection');
    expect(within(dialog).getByTestId('product-type-paid')).toBeDisabled();
    await user.click(within(dialog).getByTestId('product-add'));
    await user.click(within(dialog).getByTestId('activate-save'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Paid subscriptions need the ExSP program');
  });

  it('sends a management change for the customer’s approval', async () => {
    const pending = {
      id: 'req_mgmt',
      type: 'managementChange' as const,
      management: 'partnerManaged' as const,
      customerId: 'cus_1',
      customerName: 'Acme Dental',
      email: 'it@acme.example',
      partnerId: 'prt_1',
      partnerName: 'Analytical Engines Ltd',
      requestedAt: '2026-01-10T09:00:00Z',
      requestedBy: 'usr_1',
      updatedAt: '2026-01-10T09:00:00Z',
      expiresAt: '2026-01-17T09:00:00Z',
      sentCount: 1,
      status: 'pending' as const,
    };
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/management': () =>
        profileResponse(withVersion(sampleProfile({ requests: [pending] }), 7), 202),
    });
    const { user } = renderProfile();
    await user.click(await screen.findByTestId('management-coManaged'));
    await user.click(screen.getByTestId('management-update'));
    expect(screen.getByText('This customer is already Co-Managed.')).toBeInTheDocument();
    expect(changes(requests)).toHaveLength(0);

    await user.click(screen.getByRole('radio', { name: 'I will manage the products' }));
    await user.click(screen.getByTestId('management-update'));

    expect(
      await screen.findByText(
        'Request sent to it@acme.example. Waiting for the customer’s approval to change to Partner Managed.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('pending-management')).toHaveTextContent(
      'Waiting for the customer’s approval to change to Partner Managed.',
    );
    expect(screen.getByTestId('management-type')).toHaveTextContent('Co-Managed');
    const [change] = changes(requests);
    expect(change?.body).toEqual({ management: 'partnerManaged' });
    expect(change?.headers.get('If-Match')).toBe('"7"');
  });

  it('changes management at once when the answer is 200', async () => {
    const after = withVersion(
      sampleProfile({
        managementLabel: 'Customer Managed',
        partnerMayManage: false,
        customer: { ...sampleProfile().customer, management: 'customerManaged' },
      }),
      8,
    );
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/management': () => profileResponse(after),
    });
    const { user } = renderProfile();
    await user.click(await screen.findByTestId('management-customerManaged'));
    await user.click(screen.getByTestId('management-update'));
    expect(await screen.findByText('The management type is now Customer Managed.')).toBeInTheDocument();
    expect(screen.getByTestId('management-type')).toHaveTextContent('Customer Managed');
    expect(screen.queryByTestId('manage-customer')).not.toBeInTheDocument();
  });

  it('updates communications and unmanaged Mac access with If-Match, and handles a conflict', async () => {
    let patches = 0;
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'PATCH /api/v1/customers/cus_1/settings': (request) => {
        patches += 1;
        if (patches === 1) {
          return profileResponse(
            withVersion(
              sampleProfile({
                communicationsLabel: 'I will manage all communications with this customer',
                customer: { ...sampleProfile().customer, communications: 'partner' },
              }),
              8,
            ),
          );
        }
        expect(request.headers.get('If-Match')).toBe('"8"');
        return new Response(
          JSON.stringify({
            type: '/problems/customer-changed',
            title: 'Conflict',
            status: 409,
            detail: 'The customer was changed by someone else meanwhile: reload and try again.',
          }),
          { status: 409, headers: { 'Content-Type': 'application/problem+json' } },
        );
      },
    });
    const { user } = renderProfile();
    await user.click(
      await screen.findByRole('radio', { name: 'I will manage all communications with this customer' }),
    );
    await user.click(screen.getByTestId('communications-update'));
    expect(
      await screen.findByText('Communication settings updated: I will manage all communications with this customer.'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('communications-setting')).toHaveTextContent(
      'I will manage all communications with this customer',
    );

    await user.click(screen.getByTestId('mac-allow'));
    await user.click(screen.getByTestId('mac-update'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This customer was changed meanwhile');
    expect(within(alert).getByTestId('profile-reload')).toBeInTheDocument();

    const sent = changes(requests);
    expect(sent.map((request) => request.body)).toEqual([{ communications: 'partner' }, { unmanagedMac: 'allow' }]);
    expect(sent[0]?.headers.get('If-Match')).toBe('"7"');
  });

  it('opens the customer’s console in a new tab from Manage Customer', async () => {
    const tab = { opener: window as unknown, closed: false, location: { href: 'about:blank' }, close: vi.fn() };
    const open = vi.spyOn(window, 'open').mockImplementation(() => tab as unknown as Window);
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/manage': () =>
        json(201, { token: 'secret token/1', customerId: 'cus_1', expiresAt: '2026-01-15T10:30:00Z' }),
    });
    const { user } = renderProfile();
    await user.click(await screen.findByTestId('manage-customer'));

    expect(open).toHaveBeenCalledWith('about:blank', '_blank');
    await waitFor(() =>
      expect(tab.location.href).toBe(`${window.location.origin}/manage/cus_1#delegation=secret%20token%2F1`),
    );
    expect(tab.opener).toBeNull();
    expect(screen.getByTestId('profile-notice')).toHaveTextContent('Acme Dental’s console opened in a new tab.');
    expect(changes(requests).map((request) => request.path)).toEqual(['/api/v1/customers/cus_1/manage']);
  });

  it('removes the customer after the name is typed, and returns to the list', async () => {
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'DELETE /api/v1/customers/cus_1': () => new Response(null, { status: 204 }),
      'GET /api/v1/customers': () => json(200, { items: sampleRows.slice(1) }),
    });
    const { user } = renderProfile();
    await user.click(await screen.findByTestId('remove-customer-open'));
    const dialog = screen.getByRole('dialog', { name: 'Remove Acme Dental?' });
    const confirm = within(dialog).getByTestId('remove-confirm');
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByTestId('remove-confirm-name'), 'Acme');
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByTestId('remove-confirm-name'), ' Dental');
    expect(confirm).toBeEnabled();
    await user.click(confirm);

    expect(await screen.findByRole('heading', { name: 'Customers', level: 1 })).toBeInTheDocument();
    expect(screen.getByText('Acme Dental was removed.')).toBeInTheDocument();
    const removal = changes(requests)[0];
    expect(removal?.method).toBe('DELETE');
    expect(Object.fromEntries(removal?.query ?? [])).toEqual({ confirm: 'true' });
    expect(removal?.headers.get('If-Match')).toBe('"7"');
  });
});

describe('Customer Profile: the welcome email', () => {
  it('sends it again while the administrator has no password', async () => {
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      'POST /api/v1/customers/cus_1/welcome': () => new Response(null, { status: 202 }),
    });
    const { user } = renderProfile();
    await user.click(await screen.findByTestId('resend-welcome'));
    expect(await screen.findByTestId('resend-welcome-sent')).toHaveTextContent('Sent, with a new link.');
    const sent = requests.find((request) => request.path === '/api/v1/customers/cus_1/welcome');
    expect(sent?.method).toBe('POST');
    expect(sent?.headers.get('Authorization')).toBe('Bearer access-token-1');
  });

  it('offers nothing once the administrator signs in with a password', async () => {
    const active = sampleProfile();
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () => profileResponse({ ...active, customer: { ...active.customer, adminActive: true } }),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    renderProfile();
    expect(await screen.findByTestId('admin-active')).toBeInTheDocument();
    expect(screen.queryByTestId('resend-welcome')).not.toBeInTheDocument();
  });
});

describe('Customer Profile: what the role allows', () => {
  it('shows a read-only customer without any management action', async () => {
    const { requests } = mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () =>
        profileResponse(sampleProfile({ yourAccess: { level: 'read', mayManage: false, mayRemove: false } })),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    renderProfile(customRoleMe);

    expect(await screen.findByRole('heading', { name: 'Acme Dental', level: 1 })).toBeInTheDocument();
    expect(screen.getByTestId('read-only-access')).toHaveTextContent('Read-only access');
    expect(screen.getAllByTestId('entitlement-row')).toHaveLength(3);
    expect(screen.getByTestId('management-type')).toHaveTextContent('Co-Managed');
    expect(screen.getByTestId('read-only-settings')).toHaveTextContent('Deny');
    for (const testId of [
      'remove-customer-open',
      'activate-product-open',
      'convert-open',
      'cancel-product',
      'manage-customer',
      'management-update',
      'communications-update',
      'mac-update',
      'resend-welcome',
    ]) {
      expect(screen.queryByTestId(testId)).not.toBeInTheDocument();
    }
    expect(within(screen.getByTestId('entitlement-table')).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByRole('radio')).not.toBeInTheDocument();
    expect(changes(requests)).toEqual([]);
  });

  it('manages but does not offer Remove when removing is not allowed', async () => {
    mockFetch({
      ...endpointProtectionRoute,
      [PROFILE]: () =>
        profileResponse(sampleProfile({ yourAccess: { level: 'readWrite', mayManage: true, mayRemove: false } })),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    renderProfile(customRoleMe);
    expect(await screen.findByTestId('manage-customer')).toBeInTheDocument();
    expect(screen.getByTestId('management-update')).toBeInTheDocument();
    expect(screen.queryByTestId('read-only-access')).not.toBeInTheDocument();
    expect(screen.queryByTestId('remove-customer-open')).not.toBeInTheDocument();
  });
});

describe('Customer Profile: Endpoint Protection', () => {
  const ENDPOINT = 'GET /api/v1/customers/cus_1/endpoint-protection';
  const ROTATE = 'POST /api/v1/customers/cus_1/ingestion-key';

  it('shows the service summary with the guide’s names and the deployment chart, last 24 hours first', async () => {
    mockFetch({
      [ENDPOINT]: () => json(200, sampleEndpointProtection()),
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    const { user } = renderProfile();
    const section = await screen.findByTestId('endpoint-protection');
    const summary = await within(section).findByTestId('ep-summary');
    const terms = within(summary).getAllByRole('term').map((term) => term.textContent);
    const values = within(summary).getAllByRole('definition').map((value) => value.textContent);
    expect(terms.map((term, index) => `${term}: ${values[index]}`)).toEqual([
      'Protected Endpoints: 38',
      'Disabled Endpoints: 1',
      'Risks Blocked: 120',
      'Quarantined Items: 14',
      'Total Detections: 144',
      'Activation Required: 2',
      'Agent Update Required: 3',
      'Definition Update Required: 4',
    ]);

    const filter = within(section).getByRole('combobox', { name: 'Filter by' });
    expect(filter).toHaveDisplayValue('Last 24 hours');
    const chart = within(section).getByTestId('ep-deployment-chart');
    expect(within(chart).getByRole('img')).toHaveAccessibleName(expect.stringMatching(/, 24 hours, /) as string);
    await user.selectOptions(filter, 'Last 3 months');
    expect(within(chart).getByRole('img')).toHaveAccessibleName(
      expect.stringMatching(/, 92 days, .*Computers deployed from 0 to 91/) as string,
    );
    await user.selectOptions(filter, 'Last 7 days');
    expect(within(chart).getByRole('img')).toHaveAccessibleName(expect.stringMatching(/, 7 days, .*from 85 to 91/) as string);

    const key = within(section).getByTestId('ingestion-key');
    expect(within(key).getByTestId('ingestion-key-created')).not.toHaveTextContent('No key yet');
    expect(within(key).getByTestId('ingestion-last-report')).not.toHaveTextContent('No report yet');
  });

  it('rotates the ingestion key after confirming and shows the new key once', async () => {
    vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined);
    const { requests } = mockFetch({
      [ENDPOINT]: () => json(200, sampleEndpointProtection()),
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      [ROTATE]: () => json(201, { key: 'pcik_new_secret_key', createdAt: '2026-03-10T12:00:00Z' }),
    });
    const { user } = renderProfile();
    const key = await screen.findByTestId('ingestion-key');
    const created = within(key).getByTestId('ingestion-key-created').textContent;

    await user.click(within(key).getByRole('button', { name: 'Rotate key' }));
    let dialog = screen.getByRole('dialog', { name: 'Rotate the ingestion key?' });
    expect(dialog).toHaveTextContent('The current key of Acme Dental stops working at once');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(changes(requests)).toHaveLength(0);

    await user.click(within(key).getByRole('button', { name: 'Rotate key' }));
    dialog = screen.getByRole('dialog', { name: 'Rotate the ingestion key?' });
    await user.click(within(dialog).getByTestId('rotate-key-confirm'));

    dialog = await screen.findByRole('dialog', { name: 'Copy the ingestion key now' });
    expect(within(dialog).getByTestId('ingestion-key-value')).toHaveTextContent('pcik_new_secret_key');
    expect(dialog).toHaveTextContent('You will not see this key again');
    await user.click(within(dialog).getByRole('button', { name: 'Copy ingestion key' }));
    expect(await within(dialog).findByText('Copied')).toBeInTheDocument();
    expect(changes(requests).map((request) => request.path)).toEqual(['/api/v1/customers/cus_1/ingestion-key']);

    await user.click(within(dialog).getByTestId('ingestion-key-done'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByText('pcik_new_secret_key')).not.toBeInTheDocument();
    expect(within(key).getByTestId('ingestion-key-created').textContent).not.toBe(created);
  });

  it('says when the key cannot be rotated', async () => {
    mockFetch({
      [ENDPOINT]: () => json(200, sampleEndpointProtection({ ingestion: { keyCreatedAt: null, lastReportAt: null } })),
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
      [ROTATE]: () => problem(403, { title: 'Forbidden', detail: 'read-only' }),
    });
    const { user } = renderProfile();
    const key = await screen.findByTestId('ingestion-key');
    expect(within(key).getByTestId('ingestion-key-created')).toHaveTextContent('No key yet');
    expect(within(key).getByTestId('ingestion-last-report')).toHaveTextContent('No report yet');
    await user.click(within(key).getByRole('button', { name: 'Create key' }));
    const dialog = screen.getByRole('dialog', { name: 'Create an ingestion key?' });
    await user.click(within(dialog).getByTestId('rotate-key-confirm'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Read-only access');
    expect(screen.queryByTestId('ingestion-key-value')).not.toBeInTheDocument();
  });

  it('leaves the ingestion key out for read-only access and says when no computers report', async () => {
    mockFetch({
      [ENDPOINT]: () =>
        json(
          200,
          sampleEndpointProtection({
            summary: { ...sampleEndpointProtection().summary, computers: 0, protected: 0 },
            ingestion: { keyCreatedAt: null, lastReportAt: null },
          }),
        ),
      [PROFILE]: () => profileResponse(sampleProfile({ yourAccess: { level: 'read', mayManage: false, mayRemove: false } })),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    renderProfile(customRoleMe);
    expect(await screen.findByTestId('ep-no-computers')).toHaveTextContent('No computers report yet.');
    expect(screen.getByTestId('ep-protected')).toHaveTextContent('0');
    expect(screen.queryByTestId('ingestion-key')).not.toBeInTheDocument();
  });

  it('keeps the rest of the profile when the summary cannot be loaded', async () => {
    mockFetch({
      [ENDPOINT]: () => problem(503, { title: 'Service unavailable' }),
      [PROFILE]: () => profileResponse(sampleProfile()),
      [CATALOG]: () => json(200, sampleCatalog),
    });
    renderProfile();
    const section = await screen.findByTestId('endpoint-protection');
    expect(await within(section).findByRole('alert')).toHaveTextContent('Service unavailable');
    expect(screen.getByTestId('entitlement-table')).toBeInTheDocument();
    expect(screen.getByTestId('manage-customer')).toBeInTheDocument();
  });
});
