// The guide's chapter 5 in a real browser, after the customers scenario (e2e/customers.mjs):
//
// 1. The signed-up partner administrator adds two customers, A and B, then creates a
//    custom role under Administration > User Roles with Read on A and No access on B
//    (the other customers keep the new role's Read/Write on All customers), which may
//    import customers but not add them.
// 2. It adds a user with that role under Administration > Users; the invitation email is
//    read from the outbox, the user follows its link, chooses a password and signs in.
// 3. The new user sees A in the Customers list but never B: not in the list, not by
//    search, and B's profile address answers "No such customer"; Customers offers Import
//    but not Add New Customer. A's profile shows no
//    management action, only the read-only notice, and the API itself refuses a change
//    to A with 403 when the user's own token asks for it.

import { resolve } from 'node:path';
import { addCustomerThroughUi, messagesTo, waitForLink } from './customers.mjs';

export async function rolesScenario(ctx) {
  const { browser, page, baseUrl, outboxDir, step, expectApiResponse, stamp, resultsDir, timeoutMs } = ctx;
  const wait = { timeout: timeoutMs };

  function navLink(p, name) {
    return p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  }

  /** Waits until a select offers an option with this label (the choosers fill as pages load). */
  async function hasOption(select, label) {
    await select.locator('option', { hasText: label }).first().waitFor({ state: 'attached', ...wait });
  }

  const customerA = {
    name: `E2E Read Only ${stamp}`,
    email: `read-${stamp}@customer.example`,
    management: 'coManaged',
    communications: 'shared',
    products: [{ id: 'endpoint-protection', type: 'trial' }],
  };
  const customerB = {
    name: `E2E Hidden ${stamp}`,
    email: `hidden-${stamp}@customer.example`,
    management: 'coManaged',
    communications: 'shared',
    products: [{ id: 'endpoint-protection', type: 'trial' }],
  };
  const roleName = `E2E Help desk ${stamp}`;
  const helper = {
    email: `e2e-helper-${stamp}@example.com`,
    firstName: 'Hana',
    lastName: 'Reader',
    password: `Helper-Passw0rd-${stamp.slice(-6)}`,
  };

  // 1. Two fresh customers and a role that reads one and cannot see the other.
  step('the partner administrator adds customers A and B');
  const idA = await addCustomerThroughUi(page, customerA, { expectApiResponse, timeoutMs });
  const idB = await addCustomerThroughUi(page, customerB, { expectApiResponse, timeoutMs });

  step('it adds a custom role under Administration > User Roles');
  await navLink(page, 'User Roles').click();
  await page.getByRole('heading', { name: 'User Roles', exact: true }).waitFor(wait);
  await page.getByTestId('new-role-name').fill(roleName);
  await expectApiResponse(page, 'POST', '/api/v1/roles', 201, () => page.getByTestId('add-role').click());
  await page.getByTestId('roles-table').getByRole('link', { name: roleName, exact: true }).click();
  await page.getByRole('heading', { name: roleName, exact: true }).waitFor(wait);

  step('it gives the role Read on A and No access on B, and saves');
  const readSelect = page.getByTestId('access-select-read');
  await hasOption(readSelect, customerA.name);
  await readSelect.selectOption({ label: customerA.name });
  await page.getByTestId('access-add-read').click();
  await page.getByTestId('access-chosen-read').getByText(customerA.name, { exact: true }).waitFor(wait);
  const noAccessSelect = page.getByTestId('access-select-noAccess');
  await hasOption(noAccessSelect, customerB.name);
  await noAccessSelect.selectOption({ label: customerB.name });
  await page.getByTestId('access-add-noAccess').click();
  await page.getByTestId('access-chosen-noAccess').getByText(customerB.name, { exact: true }).waitFor(wait);
  // Settings: the new role may import customers (the default) but not add them.
  await page.getByTestId('permission-addCustomers').click();
  await page.locator('[data-testid="permission-addCustomers"]:not(:checked)').waitFor(wait);
  await page.locator('[data-testid="permission-importCustomers"]:checked').waitFor(wait);
  await expectApiResponse(page, 'PUT', /^\/api\/v1\/roles\/[^/]+$/, 200, () => page.getByTestId('role-save').click());
  await page.getByTestId('role-saved').filter({ hasText: 'The role was saved.' }).waitFor(wait);
  await page.screenshot({ path: resolve(resultsDir, 'custom-role.png'), fullPage: true });

  // 2. A user with the role, invited by email.
  step('it adds a user with the role under Administration > Users');
  await navLink(page, 'Users').click();
  await page.getByTestId('users-table').waitFor(wait);
  const invitationsSeen = (await messagesTo(outboxDir, helper.email)).length;
  await page.getByTestId('add-user-open').click();
  const dialog = page.getByRole('dialog', { name: 'Add User', exact: true });
  await dialog.getByTestId('new-user-email').fill(helper.email);
  await dialog.getByTestId('new-user-first-name').fill(helper.firstName);
  await dialog.getByTestId('new-user-last-name').fill(helper.lastName);
  const roleSelect = dialog.getByTestId('new-user-role');
  await hasOption(roleSelect, roleName);
  await roleSelect.selectOption({ label: roleName });
  await expectApiResponse(page, 'POST', '/api/v1/users', 201, () => dialog.getByTestId('new-user-save').click());
  await dialog.waitFor({ state: 'detached', ...wait });
  const row = page.getByTestId('user-row').filter({ hasText: helper.email });
  await row.filter({ hasText: roleName }).filter({ hasText: 'Invited' }).waitFor(wait);

  step('the new user follows the invitation link and chooses a password');
  const invitation = await waitForLink(outboxDir, helper.email, invitationsSeen, timeoutMs);
  if (!new URL(invitation).pathname.endsWith('/invitation')) {
    throw new Error(`the invitation email links to ${new URL(invitation).pathname}, not /invitation`);
  }
  const helperContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const user = await helperContext.newPage();
  user.setDefaultTimeout(timeoutMs);
  await expectApiResponse(user, 'POST', '/api/v1/invitations/inspect', 200, () =>
    user.goto(invitation, { waitUntil: 'domcontentloaded' }),
  );
  await user.getByRole('heading', { name: `Welcome, ${helper.firstName}`, exact: true }).waitFor(wait);
  await user.getByTestId('invitation-password').fill(helper.password);
  await user.getByTestId('invitation-confirm').fill(helper.password);
  await expectApiResponse(user, 'POST', '/api/v1/invitations/accept', 200, () =>
    user.getByTestId('invitation-submit').click(),
  );

  step('it signs in with the email filled in');
  await user.getByRole('heading', { name: 'Sign in', exact: true }).waitFor(wait);
  const email = user.getByLabel('Email', { exact: true });
  if ((await email.inputValue()) !== helper.email) {
    throw new Error(`the sign-in page has "${await email.inputValue()}" as the email, not ${helper.email}`);
  }
  await user.getByLabel('Password', { exact: true }).fill(helper.password);
  await expectApiResponse(user, 'POST', '/api/v1/auth/sign-in', 200, () =>
    user.getByRole('button', { name: 'Sign in', exact: true }).click(),
  );
  await user.getByRole('heading', { name: `Welcome, ${helper.firstName}`, exact: true }).waitFor(wait);
  // Administration offers a custom role only My Company (read only).
  const adminLinks = await user.getByRole('list', { name: 'Administration' }).getByRole('link').allTextContents();
  if (adminLinks.join() !== 'My Company') {
    throw new Error(`a custom role sees Administration > ${adminLinks.join(', ')}, not only My Company`);
  }

  // 3. What the role lets the user see and do.
  step('the user sees A in the Customers list, and never B');
  await expectApiResponse(user, 'GET', '/api/v1/customers', 200, () => navLink(user, 'Customers').click());
  const table = user.getByTestId('customers-table');
  await table.getByRole('link', { name: customerA.name, exact: true }).waitFor(wait);
  if (await user.getByText(customerB.name).count()) throw new Error(`${customerB.name} is in the user's customer list`);
  if (await user.getByTestId('add-customer').count()) throw new Error('Add New Customer is offered to the role');
  await user.getByTestId('import-customer-open').waitFor(wait);

  step('searching for B finds nothing; searching for A finds it');
  await user.getByTestId('customer-search').fill(customerB.name);
  const search = await expectApiResponse(user, 'GET', '/api/v1/customers', 200, () =>
    user.getByTestId('customer-search-submit').click(),
  );
  const found = await search.json();
  if (found.items.some((item) => item.id === idB)) throw new Error(`the API lists ${customerB.name} for the user`);
  await user.getByTestId('customer-search').fill(customerA.name);
  await expectApiResponse(user, 'GET', '/api/v1/customers', 200, () => user.getByTestId('customer-search-submit').click());
  await table.getByRole('link', { name: customerA.name, exact: true }).waitFor(wait);
  if (await user.getByText(customerB.name).count()) throw new Error(`${customerB.name} is shown to the user`);

  step("B's profile answers No such customer");
  await expectApiResponse(user, 'GET', `/api/v1/customers/${idB}`, 404, () =>
    user.goto(`${baseUrl}/customers/${encodeURIComponent(idB)}`, { waitUntil: 'domcontentloaded' }),
  );
  await user.getByRole('heading', { name: 'No such customer', exact: true }).waitFor(wait);

  step("A's profile is read-only, without management actions");
  await expectApiResponse(user, 'GET', `/api/v1/customers/${idA}`, 200, () =>
    user.goto(`${baseUrl}/customers/${encodeURIComponent(idA)}`, { waitUntil: 'domcontentloaded' }),
  );
  await user.getByRole('heading', { name: customerA.name, exact: true }).waitFor(wait);
  await user.getByTestId('read-only-access').filter({ hasText: 'Read-only access' }).waitFor(wait);
  await user.getByTestId('entitlement-row').first().waitFor(wait);
  for (const testId of [
    'activate-product-open',
    'remove-customer-open',
    'manage-customer',
    'cancel-product',
    'convert-open',
    'management-update',
    'communications-update',
    'mac-update',
  ]) {
    if (await user.getByTestId(testId).count()) throw new Error(`the read-only profile offers ${testId}`);
  }
  await user.screenshot({ path: resolve(resultsDir, 'read-only-customer.png'), fullPage: true });

  step("the API refuses the user's own token a change to A (403)");
  const refused = await user.evaluate(async (customerId) => {
    // The access token lives in the page's memory only; the refresh cookie gets the user a fresh one.
    const refresh = await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' });
    if (!refresh.ok) return { refresh: refresh.status };
    const { accessToken } = await refresh.json();
    const headers = { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' };
    const path = `/api/v1/customers/${encodeURIComponent(customerId)}`;
    const products = await fetch(`${path}/entitlements`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ products: [{ product: 'email-security', type: 'trial' }] }),
    });
    const settings = await fetch(`${path}/settings`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ unmanagedMac: 'allow' }),
    });
    return { products: products.status, settings: settings.status, body: await products.text() };
  }, idA);
  if (refused.refresh) throw new Error(`the user's session could not be refreshed: ${refused.refresh}`);
  if (refused.products !== 403 || refused.settings !== 403) {
    throw new Error(
      `changes to a Read customer were answered ${refused.products} (products) and ${refused.settings} (settings), expected 403: ${refused.body}`,
    );
  }

  await helperContext.close();
}
