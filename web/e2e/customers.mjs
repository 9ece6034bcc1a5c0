// The guide's chapter 2 in a real browser, after run.mjs has signed a partner up and
// activated its ExSP serial:
//
// 1. The partner adds a co-managed customer with a trial and a paid product, finds it
//    by search and by a filter, opens its profile and cancels the trial.
// 2. It adds a customer-managed customer, whose admin follows the welcome link from the
//    outbox and chooses a password.
// 3. A second partner signs up and imports that customer: the request email lands in
//    the outbox, the customer admin follows the link, signs in and approves; the second
//    partner sees the request approved and the customer in its list.
// 4. The second partner asks for partner management: it stays pending until the admin
//    approves; then Manage Customer opens the customer's console in a new tab, and the
//    customer admin can no longer sign in.
//
// Mail is read from the local outbox (PC_OUTBOX_DIR): `.eml` files with base64 bodies.

import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const LINK = /https?:\/\/\S+#(?:token)=[A-Za-z0-9_-]{43}/g;

/** The decoded text of every outbox message addressed to `to`, oldest first. */
export async function messagesTo(outboxDir, to) {
  let names;
  try {
    names = (await readdir(outboxDir)).filter((n) => n.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  const texts = [];
  for (const name of names) {
    const eml = await readFile(join(outboxDir, name), 'utf8');
    const [head, ...body] = eml.split('\r\n\r\n');
    const toLine = head.split('\r\n').find((line) => line.startsWith('To: '));
    if (!toLine || !toLine.slice(4).split(',').map((a) => a.trim().toLowerCase()).includes(to.toLowerCase())) continue;
    texts.push(Buffer.from(body.join('').replace(/\s+/g, ''), 'base64').toString('utf8'));
  }
  return texts;
}

/** Waits until a message to `to` beyond the first `seen` ones carries a link; returns it. */
export async function waitForLink(outboxDir, to, seen, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = await messagesTo(outboxDir, to);
    for (const text of texts.slice(seen)) {
      const links = text.match(LINK);
      if (links) return links[links.length - 1];
    }
    if (Date.now() > deadline) throw new Error(`no email with a link reached ${to} in the outbox (${outboxDir})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Clicks a checkbox or radio button and waits until it reads as checked. The console's
 * controls follow state (a filter follows the address), so they change a moment after
 * the click, which `check()` would call a failure.
 */
export async function chooseControl(p, testId, timeoutMs) {
  await p.getByTestId(testId).click();
  await p.locator(`[data-testid="${testId}"]:checked`).waitFor({ timeout: timeoutMs });
}

/**
 * Adds a customer through Customers > Add New Customer and waits for its profile;
 * returns the new customer's id (from the profile's address).
 */
export async function addCustomerThroughUi(p, customer, { expectApiResponse, timeoutMs }) {
  await p.getByRole('link', { name: 'Customers', exact: true }).click();
  await p.getByTestId('add-customer').click();
  await chooseControl(p, `management-${customer.management}`, timeoutMs);
  await chooseControl(p, `communications-${customer.communications}`, timeoutMs);
  await p.getByTestId('company-name').fill(customer.name);
  await p.getByTestId('company-address1').fill('4 Mill Lane');
  await p.getByTestId('company-city').fill('York');
  await p.getByTestId('company-postal-code').fill('YO1 7HH');
  await p.getByTestId('company-country').selectOption('GB');
  await p.getByTestId('company-phone').fill('+44 1904 000000');
  await p.getByTestId('contact-first-name').fill('Dee');
  await p.getByTestId('contact-last-name').fill('Okafor');
  await p.getByTestId('contact-email').fill(customer.email);
  await p.getByTestId('contact-phone').fill('+44 1904 000001');
  await p.getByTestId('contact-language').selectOption('en');
  await p.getByTestId('contact-time-zone').selectOption('UTC');
  for (const product of customer.products) {
    await p.getByTestId('product-select').selectOption(product.id);
    await chooseControl(p, `product-type-${product.type}`, timeoutMs);
    if (product.seats) await p.getByTestId('product-seats').fill(String(product.seats));
    await p.getByTestId('product-add').click();
  }
  await expectApiResponse(p, 'POST', '/api/v1/customers', 201, () => p.getByTestId('create-account').click());
  await p.getByRole('heading', { name: customer.name, exact: true }).waitFor({ timeout: timeoutMs });
  const match = /\/customers\/([^/?#]+)/.exec(new URL(p.url()).pathname);
  if (!match) throw new Error(`after adding ${customer.name} the page is at ${p.url()}, not a customer profile`);
  return decodeURIComponent(match[1]);
}

export async function customersScenario(ctx) {
  const { browser, page, baseUrl, outboxDir, step, expectApiResponse, stamp, resultsDir, signUp, timeoutMs } = ctx;
  const wait = { timeout: timeoutMs };
  const choose = (p, testId) => chooseControl(p, testId, timeoutMs);
  const addCustomer = (p, customer) => addCustomerThroughUi(p, customer, { expectApiResponse, timeoutMs });

  async function showsCustomer(p, name) {
    await p.getByTestId('customers-table').getByRole('link', { name, exact: true }).waitFor(wait);
  }

  // 1. A co-managed customer with a trial and a paid product.
  const dental = {
    name: `E2E Dental ${stamp}`,
    email: `dental-${stamp}@customer.example`,
    management: 'coManaged',
    communications: 'shared',
    products: [
      { id: 'endpoint-protection', type: 'trial' },
      { id: 'email-security', type: 'paid', seats: 25 },
    ],
  };
  step('add a co-managed customer with a trial and a paid product');
  await addCustomer(page, dental);

  step('find it in the Customers list by search');
  await page.getByRole('link', { name: 'Customers', exact: true }).click();
  await page.getByTestId('customer-search').fill(`dental ${stamp}`);
  await expectApiResponse(page, 'GET', '/api/v1/customers', 200, () => page.getByTestId('customer-search-submit').click());
  await showsCustomer(page, dental.name);

  step('find it by the Co-Managed filter');
  await page.getByTestId('customer-search').fill('');
  await expectApiResponse(page, 'GET', '/api/v1/customers', 200, () => page.getByTestId('customer-search-submit').click());
  await expectApiResponse(page, 'GET', '/api/v1/customers', 200, () => choose(page, 'filter-management-coManaged'));
  await showsCustomer(page, dental.name);

  step('open its profile and cancel the trial');
  await page.getByTestId('customers-table').getByRole('link', { name: dental.name, exact: true }).click();
  const trialRow = page.getByTestId('entitlement-row').filter({ hasText: 'Endpoint Protection Cloud' });
  await trialRow.waitFor(wait);
  await trialRow.getByTestId('cancel-product').click();
  await expectApiResponse(page, 'POST', /\/entitlements\/[^/]+\/cancel$/, 200, () => page.getByTestId('cancel-confirm').click());
  await page.getByTestId('entitlement-row').filter({ hasText: 'Endpoint Protection Cloud' }).filter({ hasText: /Cancelled/ }).waitFor(wait);
  await page.screenshot({ path: resolve(resultsDir, 'customer-profile.png'), fullPage: true });

  // 2. A customer-managed customer whose admin chooses a password from the welcome email.
  const clinic = {
    name: `E2E Clinic ${stamp}`,
    email: `clinic-${stamp}@customer.example`,
    password: `Clinic-Passw0rd-${stamp.slice(-6)}`,
    management: 'customerManaged',
    communications: 'shared',
    products: [{ id: 'endpoint-protection', type: 'trial' }],
  };
  step('add a customer-managed customer');
  const welcomeSeen = (await messagesTo(outboxDir, clinic.email)).length;
  await addCustomer(page, clinic);

  step("the customer admin follows the welcome link and chooses a password");
  const customerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const customer = await customerContext.newPage();
  customer.setDefaultTimeout(timeoutMs);
  const welcome = await waitForLink(outboxDir, clinic.email, welcomeSeen, timeoutMs);
  await customer.goto(welcome, { waitUntil: 'domcontentloaded' });
  await customer.getByTestId('welcome-password').fill(clinic.password);
  await customer.getByTestId('welcome-confirm').fill(clinic.password);
  await expectApiResponse(customer, 'POST', '/api/v1/welcome/set-password', 200, () => customer.getByTestId('welcome-submit').click());
  await customer.getByText('Your password is set').waitFor(wait);

  // 3. A second partner imports it.
  step('a second partner signs up');
  const partnerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const second = await partnerContext.newPage();
  second.setDefaultTimeout(timeoutMs);
  await signUp(second, {
    email: `e2e-second-${stamp}@example.com`,
    password: `E2e-Passw0rd-2-${stamp.slice(-6)}`,
    company: `E2E Second Partner ${stamp}`,
    firstName: 'Sam',
    lastName: 'Second',
  });

  step('it imports the customer by email');
  const consentSeen = (await messagesTo(outboxDir, clinic.email)).length;
  await second.getByRole('link', { name: 'Customers', exact: true }).click();
  await second.getByTestId('import-customer-open').click();
  await second.getByTestId('import-email').fill(clinic.email);
  await expectApiResponse(second, 'POST', '/api/v1/customers/import', 202, () => second.getByTestId('import-send').click());
  await second.getByTestId('import-sent').waitFor(wait);
  await second.getByTestId('import-done').click();

  step('the customer admin follows the link, signs in and approves');
  const importLink = await waitForLink(outboxDir, clinic.email, consentSeen, timeoutMs);
  await customer.goto(importLink, { waitUntil: 'domcontentloaded' });
  await customer.getByTestId('consent-description').waitFor(wait);
  await customer.getByTestId('consent-sign-in').click();
  await customer.getByLabel('Email', { exact: true }).fill(clinic.email);
  await customer.getByLabel('Password', { exact: true }).fill(clinic.password);
  await expectApiResponse(customer, 'POST', '/api/v1/auth/sign-in', 200, () =>
    customer.getByRole('button', { name: 'Sign in', exact: true }).click(),
  );
  await expectApiResponse(customer, 'POST', /\/api\/v1\/consent\/[^/]+\/approve$/, 200, () =>
    customer.getByTestId('consent-approve').click(),
  );
  await customer.getByText('You approved the request').waitFor(wait);

  step('the second partner sees the request approved and the customer in its list');
  await second.goto(`${baseUrl}/customers/requests`, { waitUntil: 'domcontentloaded' });
  await second.getByTestId('import-request-row').filter({ hasText: clinic.email }).filter({ hasText: /approved/i }).waitFor(wait);
  await second.getByRole('link', { name: 'Customers', exact: true }).click();
  await showsCustomer(second, clinic.name);

  // 4. Partner management needs the customer's approval, then Manage Customer works.
  step('the second partner asks to manage the customer');
  await second.getByTestId('customers-table').getByRole('link', { name: clinic.name, exact: true }).click();
  await choose(second, 'management-partnerManaged');
  const managementSeen = (await messagesTo(outboxDir, clinic.email)).length;
  await expectApiResponse(second, 'POST', /\/api\/v1\/customers\/[^/]+\/management$/, 202, () =>
    second.getByTestId('management-update').click(),
  );
  await second.getByTestId('pending-management').waitFor(wait);
  await second.getByTestId('management-type').filter({ hasText: 'Customer Managed' }).waitFor(wait);
  if (await second.getByTestId('manage-customer').isVisible()) {
    throw new Error('Manage Customer is offered before the customer approved');
  }

  step('the customer admin approves the management request');
  const managementLink = await waitForLink(outboxDir, clinic.email, managementSeen, timeoutMs);
  await customer.goto(managementLink, { waitUntil: 'domcontentloaded' });
  await expectApiResponse(customer, 'POST', /\/api\/v1\/consent\/[^/]+\/approve$/, 200, () =>
    customer.getByTestId('consent-approve').click(),
  );
  await customer.getByText('You approved the request').waitFor(wait);

  step('Manage Customer opens the customer portal in a new tab');
  await second.reload({ waitUntil: 'domcontentloaded' });
  await second.getByTestId('management-type').filter({ hasText: 'Partner Managed' }).waitFor(wait);
  const [portal] = await Promise.all([
    partnerContext.waitForEvent('page', wait),
    expectApiResponse(second, 'POST', /\/api\/v1\/customers\/[^/]+\/manage$/, 201, () => second.getByTestId('manage-customer').click()),
  ]);
  portal.setDefaultTimeout(timeoutMs);
  await portal.getByText(`You are managing ${clinic.name}`, { exact: false }).waitFor(wait);
  await portal.getByRole('heading', { name: clinic.name, exact: true }).waitFor(wait);
  await portal.screenshot({ path: resolve(resultsDir, 'manage-customer.png'), fullPage: true });

  step('the customer admin can no longer sign in');
  const freshContext = await browser.newContext();
  const fresh = await freshContext.newPage();
  fresh.setDefaultTimeout(timeoutMs);
  await fresh.goto(`${baseUrl}/sign-in`, { waitUntil: 'domcontentloaded' });
  await fresh.getByLabel('Email', { exact: true }).fill(clinic.email);
  await fresh.getByLabel('Password', { exact: true }).fill(clinic.password);
  await expectApiResponse(fresh, 'POST', '/api/v1/auth/sign-in', 403, () =>
    fresh.getByRole('button', { name: 'Sign in', exact: true }).click(),
  );
  await fresh.getByRole('alert').filter({ hasText: 'Your partner manages this account' }).waitFor(wait);

  await Promise.all([customerContext.close(), partnerContext.close(), freshContext.close()]);
}
