import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomerProfile } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { popupPosition } from './CustomerPopup';
import { customRoleMe, exspMe, readOnlyRow, resellerMe, sampleCatalog, sampleProfile, sampleRows } from './fixtures';

const LIST = 'GET /api/v1/customers';
const CATALOG = 'GET /api/v1/catalog';

function profileResponse(profile: CustomerProfile): Response {
  return json(200, profile, { ETag: `"${profile.customer.version}"` });
}

function row(name: string): HTMLElement {
  const found = screen.getAllByTestId('customer-row').find((element) => element.textContent?.includes(name));
  if (!found) throw new Error(`no row for ${name}`);
  return found;
}

beforeEach(() => {
  tokenStore.clear();
});

describe('popupPosition', () => {
  const panel = { width: 300, height: 200 };
  const window = { width: 1000, height: 800 };

  it('goes under the button, or above it when the window has no room below', () => {
    expect(popupPosition({ top: 100, bottom: 120, left: 50 }, panel, window)).toEqual({ top: 120, left: 50 });
    expect(popupPosition({ top: 700, bottom: 720, left: 50 }, panel, window)).toEqual({ top: 500, left: 50 });
    // No room above either: under it, where the page can scroll to it.
    expect(popupPosition({ top: 150, bottom: 170, left: 50 }, panel, { width: 1000, height: 300 })).toEqual({ top: 170, left: 50 });
  });

  it('stays inside the window’s right edge', () => {
    expect(popupPosition({ top: 100, bottom: 120, left: 900 }, panel, window)).toEqual({ top: 120, left: 692 });
  });
});

describe('The customer pop-up', () => {
  it('opens from the keyboard beside the name, moves on with Tab, and closes with Escape', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/customers', exspMe);
    await screen.findByTestId('customers-table');
    const acme = row('Acme Dental');
    const name = within(acme).getByRole('link', { name: 'Acme Dental' });
    expect(name).toHaveAttribute('href', '/customers/cus_1');
    const toggle = within(acme).getByRole('button', { name: 'Acme Dental: summary and actions' });
    const panel = within(acme).getByTestId('customer-popup');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveAttribute('aria-controls', panel.id);
    expect(panel).not.toBeVisible();

    name.focus();
    await user.tab();
    expect(toggle).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(panel).toBeVisible();
    expect(panel).toHaveTextContent('Management typePartner Managed');
    expect(panel).toHaveTextContent('ProductsEndpoint Protection Cloud (Paid), Email Security.cloud (Trial)');
    expect(panel).toHaveTextContent('Used/Capacity97 / 170');
    expect(panel).toHaveTextContent('Open alerts2 errors, 1 warning');

    await user.tab();
    expect(within(panel).getByRole('link', { name: 'View profile' })).toHaveFocus();
    await user.tab();
    expect(within(panel).getByRole('button', { name: 'Activate a product or trial' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveFocus();
    expect(panel).not.toBeVisible();

    // Tabbing past the last action closes it.
    await user.keyboard(' ');
    expect(panel).toBeVisible();
    // View profile, Activate, Manage, Remove.
    for (let step = 0; step < 4; step += 1) await user.tab();
    expect(within(panel).getByRole('button', { name: 'Remove customer' })).toHaveFocus();
    await user.tab();
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
  });

  it('shows on hover over the name and hides when the pointer leaves', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/customers', exspMe);
    await screen.findByTestId('customers-table');
    const acme = row('Acme Dental');
    await user.hover(within(acme).getByRole('link', { name: 'Acme Dental' }));
    expect(within(acme).getByTestId('customer-popup')).toBeVisible();
    await user.unhover(within(acme).getByRole('link', { name: 'Acme Dental' }));
    expect(within(acme).getByTestId('customer-popup')).not.toBeVisible();
  });

  it('closes with Escape when opened by the pointer, and stays while focus is inside it', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/customers', exspMe);
    await screen.findByTestId('customers-table');
    const acme = row('Acme Dental');
    const name = within(acme).getByRole('link', { name: 'Acme Dental' });
    const panel = within(acme).getByTestId('customer-popup');
    // Focus is elsewhere on the page: Escape still closes it.
    screen.getByTestId('customer-search').focus();
    await user.hover(name);
    expect(panel).toBeVisible();
    await user.keyboard('{Escape}');
    expect(panel).not.toBeVisible();
    expect(screen.getByTestId('customer-search')).toHaveFocus();

    await user.unhover(name);
    await user.hover(name);
    within(panel).getByRole('link', { name: 'View profile' }).focus();
    await user.unhover(name);
    expect(panel).toBeVisible();
  });

  it('is placed under the name’s left edge, touching it', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/customers', exspMe);
    await screen.findByTestId('customers-table');
    const acme = row('Acme Dental');
    const root = within(acme).getByRole('link', { name: 'Acme Dental' }).parentElement!;
    const toggle = within(acme).getByTestId('customer-popup-toggle');
    vi.spyOn(root, 'getBoundingClientRect').mockReturnValue(new DOMRect(40, 100, 160, 20));
    vi.spyOn(toggle, 'getBoundingClientRect').mockReturnValue(new DOMRect(180, 102, 20, 16));
    await user.hover(within(acme).getByRole('link', { name: 'Acme Dental' }));
    const panel = within(acme).getByTestId('customer-popup');
    expect(panel.style.left).toBe('40px');
    expect(panel.style.top).toBe('120px');
  });

  it('offers only what the role allows on each customer', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: [...sampleRows, readOnlyRow] }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/customers', customRoleMe);
    await screen.findByTestId('customers-table');
    async function actions(name: string): Promise<string[]> {
      const target = row(name);
      await user.click(within(target).getByTestId('customer-popup-toggle'));
      const panel = within(target).getByTestId('customer-popup');
      const names = within(panel)
        .getAllByRole('listitem')
        .map((item) => item.textContent ?? '');
      await user.keyboard('{Escape}');
      return names;
    }

    // Partner Managed: everything; Customer Managed: no console to manage.
    expect(await actions('Acme Dental')).toEqual(['View profile', 'Activate a product or trial', 'Manage customer', 'Remove customer']);
    expect(await actions('Bright Bakery')).toEqual(['View profile', 'Activate a product or trial', 'Remove customer']);
    // Read access: the summary and the profile only.
    expect(await actions('Cobalt Clinic')).toEqual(['View profile']);
    await user.click(within(row('Cobalt Clinic')).getByTestId('customer-popup-toggle'));
    expect(within(row('Cobalt Clinic')).getByTestId('customer-popup')).toHaveTextContent('Your role may only view this customer.');
  });

  it('activates a trial with the profile’s dialog and shows it on the row', async () => {
    const base = sampleProfile().customer;
    const bright = sampleProfile({
      customer: {
        ...base,
        id: 'cus_2',
        company: { ...base.company, name: 'Bright Bakery' },
        management: 'customerManaged',
        products: [],
        seatsUsed: 0,
        version: 3,
      },
      managementLabel: 'Customer Managed',
      partnerMayManage: false,
      entitlements: [],
    });
    const after = sampleProfile({
      ...bright,
      customer: { ...bright.customer, products: [{ product: 'email-security', status: 'trial', capacity: 50 }], version: 4 },
    });
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      'GET /api/v1/customers/cus_2': () => profileResponse(bright),
      'POST /api/v1/customers/cus_2/entitlements': () => profileResponse(after),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/customers', resellerMe);
    await screen.findByTestId('customers-table');
    const toggle = within(row('Bright Bakery')).getByTestId('customer-popup-toggle');
    await user.click(toggle);
    await user.click(within(row('Bright Bakery')).getByTestId('popup-activate'));

    const dialog = await screen.findByRole('dialog', { name: 'Activate a Product or Trial' });
    expect(within(dialog).getByTestId('activate-customer')).toHaveTextContent('Bright Bakery');
    await user.selectOptions(within(dialog).getByTestId('product-select'), 'email-security');
    await user.click(within(dialog).getByTestId('product-add'));
    await user.click(within(dialog).getByTestId('activate-save'));

    expect(await screen.findByTestId('row-action-notice')).toHaveTextContent('Activated for Bright Bakery: Email Security.cloud.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const add = requests.find((request) => request.method === 'POST');
    expect(add?.body).toEqual({ products: [{ product: 'email-security', type: 'trial' }] });
    expect(add?.headers.get('If-Match')).toBe('"3"');
    expect(row('Bright Bakery')).toHaveTextContent('Email Security.cloud Trial');
    expect(row('Bright Bakery')).toHaveTextContent('0 / 50');
  });

  it('removes a customer with the profile’s confirmation and takes its row away', async () => {
    mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      'GET /api/v1/customers/cus_1': () => profileResponse(sampleProfile()),
      'DELETE /api/v1/customers/cus_1': () => new Response(null, { status: 204 }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/customers', exspMe);
    await screen.findByTestId('customers-table');
    await user.click(within(row('Acme Dental')).getByTestId('customer-popup-toggle'));
    await user.click(within(row('Acme Dental')).getByTestId('popup-remove'));
    const dialog = await screen.findByRole('dialog', { name: 'Remove Acme Dental?' });
    await user.type(within(dialog).getByTestId('remove-confirm-name'), 'Acme Dental');
    await user.click(within(dialog).getByTestId('remove-confirm'));

    expect(await screen.findByTestId('row-action-notice')).toHaveTextContent('Acme Dental was removed.');
    expect(screen.getByTestId('row-action-notice')).toHaveFocus();
    expect(screen.getAllByTestId('customer-row')).toHaveLength(1);
  });

  it('opens Manage Customer in a tab opened on the click, then sent to the console', async () => {
    const tab = { opener: window as unknown, closed: false, location: { href: 'about:blank' }, close: vi.fn() };
    const open = vi.spyOn(window, 'open').mockImplementation(() => tab as unknown as Window);
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
      'POST /api/v1/customers/cus_1/manage': () =>
        json(201, { customerId: 'cus_1', token: 'tok', expiresAt: '2026-01-01T10:00:00Z' }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/customers', exspMe);
    await screen.findByTestId('customers-table');
    await user.click(within(row('Acme Dental')).getByTestId('customer-popup-toggle'));
    const before = requests.length;
    await user.click(within(row('Acme Dental')).getByTestId('popup-manage'));
    // Opened by the click itself, before the session is asked for.
    expect(open).toHaveBeenCalledWith('about:blank', '_blank');
    expect(tab.opener).toBeNull();
    expect(await screen.findByTestId('row-action-notice')).toHaveTextContent('Acme Dental’s console opened in a new tab.');
    expect(tab.location.href).toBe(`${window.location.origin}/manage/cus_1#delegation=tok`);
    expect(requests.slice(before).map((request) => request.path)).toEqual(['/api/v1/customers/cus_1/manage']);
    open.mockRestore();
  });

  it('says to allow pop-ups when the browser blocks the tab, and starts no session', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { requests } = mockFetch({
      [CATALOG]: () => json(200, sampleCatalog),
      [LIST]: () => json(200, { items: sampleRows }),
    });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/customers', exspMe);
    await screen.findByTestId('customers-table');
    await user.click(within(row('Acme Dental')).getByTestId('customer-popup-toggle'));
    await user.click(within(row('Acme Dental')).getByTestId('popup-manage'));
    expect(await screen.findByTestId('row-action-notice')).toHaveTextContent('allow pop-ups for this site');
    expect(requests.some((request) => request.path.endsWith('/manage'))).toBe(false);
    open.mockRestore();
  });
});
