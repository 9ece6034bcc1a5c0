import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { fragmentValue } from './portalApi';

const SECRET = 'q6H1w8n2dX0lP3bT5yV7zA9cE1gI3kM5oQ7sU9wY1a0';

const request = {
  id: 'req_1',
  type: 'managementChange',
  partnerId: 'ptn_1',
  partnerName: 'Harbour MSP',
  requestedBy: 'usr_9',
  customerId: 'cus_1',
  customerName: 'Contoso Dental',
  email: 'dee@contoso.example',
  management: 'partnerManaged',
  status: 'pending',
  requestedAt: '2026-11-27T10:00:00Z',
  updatedAt: '2026-11-27T10:00:00Z',
  expiresAt: '2026-11-30T10:00:00Z',
  sentCount: 1,
};

const account = {
  customer: {
    id: 'cus_1',
    partnerId: 'ptn_1',
    company: { name: 'Contoso Dental', address1: '4 Mill Lane', city: 'York', postalCode: 'YO1 7HH', country: 'GB', phone: '+44 1904 000000' },
    contact: { firstName: 'Dee', lastName: 'Okafor', email: 'dee@contoso.example', phone: '+44 1904 000001', language: 'en', timeZone: 'UTC', daylightSaving: false },
    management: 'customerManaged',
    communications: 'shared',
    compliance: { status: 'cleared' },
    unmanagedMac: 'deny',
    products: [],
    requireUpdate: 0,
    seatsUsed: 0,
    createdAt: '2026-11-01T10:00:00Z',
    version: 3,
  },
  entitlements: [
    {
      id: 'ent_1',
      customerId: 'cus_1',
      product: 'endpoint-protection',
      serial: 'P7K2M9Q4R8T1V6W3X5Y0Z',
      seats: 50,
      termMonths: 12,
      beganAsTrial: true,
      status: 'trial',
      endsAt: '2027-01-26T10:00:00Z',
      createdAt: '2026-11-27T10:00:00Z',
      updatedAt: '2026-11-27T10:00:00Z',
      productName: 'Endpoint Protection Cloud',
      capacityUnit: 'devices',
      timeRemaining: { label: '60 days', days: 60 },
    },
  ],
  partner: {
    name: 'Harbour MSP',
    contactName: 'Ann Lee',
    email: 'ann@harbour.example',
    phone: '+44 113 496 0001',
    supportEmail: 'help@harbour.example',
    supportPhone: '+44 113 496 0100',
    supportUrl: 'https://help.harbour.example',
  },
  pendingRequests: [request],
};

beforeEach(() => {
  tokenStore.clear();
});

describe('link fragments', () => {
  it('reads a secret from the fragment and ignores blanks', () => {
    expect(fragmentValue(`#token=${SECRET}`, 'token')).toBe(SECRET);
    expect(fragmentValue('#token=', 'token')).toBeNull();
    expect(fragmentValue('', 'delegation')).toBeNull();
  });
});

describe('Welcome page', () => {
  it('checks the link, then sets the password once both fields agree', async () => {
    const { requests } = mockFetch({
      'POST /api/v1/auth/refresh': () => problem(401, { title: 'Unauthorized' }),
      'POST /api/v1/links/inspect': () =>
        json(200, { purpose: 'setPassword', expiresAt: '2026-12-04T10:00:00Z', customerName: 'Contoso Dental', email: 'dee@contoso.example' }),
      'POST /api/v1/welcome/set-password': () => json(200, { email: 'dee@contoso.example' }),
    });
    const { user } = renderApp(`/welcome#token=${SECRET}`);
    expect(await screen.findByText('dee@contoso.example')).toBeInTheDocument();
    await user.type(screen.getByTestId('welcome-password'), 'Sturdy-Passw0rd');
    await user.type(screen.getByTestId('welcome-confirm'), 'Sturdy-Passw0rd!');
    await user.click(screen.getByTestId('welcome-submit'));
    expect(screen.getByTestId('welcome-confirm')).toHaveAccessibleDescription('The passwords do not match.');
    expect(requests.filter((r) => r.path === '/api/v1/welcome/set-password')).toHaveLength(0);

    await user.clear(screen.getByTestId('welcome-confirm'));
    await user.type(screen.getByTestId('welcome-confirm'), 'Sturdy-Passw0rd');
    await user.click(screen.getByTestId('welcome-submit'));
    expect(await screen.findByText('Your password is set')).toBeInTheDocument();
    const sent = requests.find((r) => r.path === '/api/v1/welcome/set-password');
    expect(sent?.body).toEqual({ token: SECRET, password: 'Sturdy-Passw0rd' });
    expect(requests.find((r) => r.path === '/api/v1/links/inspect')?.body).toEqual({ token: SECRET });
  });

  it('says when the link was used already', async () => {
    mockFetch({
      'POST /api/v1/auth/refresh': () => problem(401, { title: 'Unauthorized' }),
      'POST /api/v1/links/inspect': () =>
        new Response(JSON.stringify({ type: '/problems/link-used', title: 'Gone', status: 410 }), {
          status: 410,
          headers: { 'Content-Type': 'application/problem+json' },
        }),
    });
    renderApp(`/welcome#token=${SECRET}`);
    expect(await screen.findByRole('alert')).toHaveTextContent('This link has been used already');
  });
});

describe('Consent page', () => {
  it('asks a visitor to sign in, keeping the link to come back to', async () => {
    mockFetch({
      'POST /api/v1/auth/refresh': () => problem(401, { title: 'Unauthorized' }),
      'POST /api/v1/links/inspect': () =>
        json(200, { purpose: 'consent', expiresAt: request.expiresAt, customerName: 'Contoso Dental', email: 'dee@contoso.example', request }),
    });
    renderApp(`/consent/req_1#token=${SECRET}`);
    expect(await screen.findByTestId('consent-description')).toHaveTextContent(
      'Harbour MSP asks to change Contoso Dental to Partner Managed',
    );
    expect(screen.getByTestId('consent-sign-in')).toHaveTextContent('Sign in to answer');
  });

  it('lets the signed-in customer admin approve with the link', async () => {
    const { requests } = mockFetch({
      'POST /api/v1/auth/refresh': () => json(200, { ...sampleToken, account: 'customer' }),
      'POST /api/v1/links/inspect': () =>
        json(200, { purpose: 'consent', expiresAt: request.expiresAt, customerName: 'Contoso Dental', email: 'dee@contoso.example', request }),
      'POST /api/v1/consent/req_1/approve': () => json(200, { ...request, status: 'approved' }),
    });
    const { user } = renderApp(`/consent/req_1#token=${SECRET}`, 'customer');
    await user.click(await screen.findByTestId('consent-approve'));
    expect(await screen.findByText('You approved the request')).toBeInTheDocument();
    const approve = requests.find((r) => r.path === '/api/v1/consent/req_1/approve');
    expect(approve?.body).toEqual({ token: SECRET });
    expect(approve?.headers.get('Authorization')).toBe('Bearer access-token-1');
  });
});

describe('Customer portal', () => {
  it('sends a customer admin from sign-in to the portal, and shows the account', async () => {
    mockFetch({
      'POST /api/v1/auth/refresh': () => problem(401, { title: 'Unauthorized' }),
      'POST /api/v1/auth/sign-in': () => json(200, { ...sampleToken, account: 'customer' }),
      'GET /api/v1/portal': () => json(200, account),
    });
    const { user } = renderApp('/sign-in');
    await user.type(await screen.findByLabelText('Email'), 'dee@contoso.example');
    await user.type(screen.getByLabelText('Password'), 'Sturdy-Passw0rd');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Contoso Dental' })).toBeInTheDocument();
    expect(within(screen.getByTestId('portal-products')).getByText('60 days')).toBeInTheDocument();
    expect(within(screen.getByTestId('portal-products')).getByText('P7K2M-9Q4R8-T1V6W-3X5Y0-Z')).toBeInTheDocument();
    const partner = screen.getByTestId('portal-partner');
    expect(partner).toHaveTextContent('help@harbour.example');
    expect(partner).toHaveTextContent('+44 113 496 0100');
    expect(screen.getByTestId('portal-support-url')).toHaveAttribute('href', 'https://help.harbour.example');
    expect(partner).not.toHaveTextContent('Buy or renew');
  });

  it('answers a pending request without the link, and saves Mac access', async () => {
    let answered = false;
    const { requests } = mockFetch({
      'POST /api/v1/auth/refresh': () => json(200, { ...sampleToken, account: 'customer' }),
      'GET /api/v1/portal': () => json(200, answered ? { ...account, pendingRequests: [] } : account),
      'POST /api/v1/consent/req_1/deny': () => {
        answered = true;
        return json(200, { ...request, status: 'denied' });
      },
      'PATCH /api/v1/portal/settings': () => json(200, { ...account, customer: { ...account.customer, unmanagedMac: 'allow' } }),
    });
    const { user } = renderApp('/portal', 'customer');
    const pending = await screen.findByTestId('portal-request');
    await user.click(within(pending).getByRole('button', { name: 'Deny' }));
    // The answer may already have removed it by the time the click resolves.
    await waitFor(() => expect(screen.queryByTestId('portal-request')).toBeNull());
    expect(requests.find((r) => r.path === '/api/v1/consent/req_1/deny')?.body).toEqual({});

    await user.click(screen.getByTestId('portal-mac-allow'));
    expect(await screen.findByTestId('portal-mac-allow')).toBeChecked();
    expect(requests.find((r) => r.method === 'PATCH')?.body).toEqual({ unmanagedMac: 'allow' });
  });

  it("keeps partner users out of the customer's portal", async () => {
    mockFetch({
      'POST /api/v1/auth/refresh': () => problem(401, { title: 'Unauthorized' }),
    });
    renderApp('/portal');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });
});

describe('Manage customer session', () => {
  it("opens the customer's console with the session's secret beside the user's token", async () => {
    const { requests } = mockFetch({
      'GET /api/v1/portal': () =>
        json(200, { ...account, pendingRequests: [], delegatedUntil: '2026-11-27T10:15:00Z' }),
    });
    tokenStore.set(sampleToken);
    renderApp('/manage/cus_1#delegation=secret-1', sampleMe);
    expect(await screen.findByText(/You are managing Contoso Dental with full administrative rights/)).toBeInTheDocument();
    const call = requests.find((r) => r.path === '/api/v1/portal');
    expect(call?.headers.get('X-Delegation')).toBe('secret-1');
    expect(call?.headers.get('Authorization')).toBe('Bearer access-token-1');
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
  });

  it('says the session ended when the server refuses it', async () => {
    mockFetch({
      'GET /api/v1/portal': () => problem(403, { title: 'Forbidden', detail: 'This Manage customer session has ended.' }),
    });
    tokenStore.set(sampleToken);
    renderApp('/manage/cus_1#delegation=secret-1', sampleMe);
    expect(await screen.findByRole('alert')).toHaveTextContent('This session has ended');
  });
});
