// The Customers page at scale, in a real browser, after run.mjs has signed a partner up
// (and confirmed its email):
//
// 1. Three customers are added through the API (each with a trial of Email Security).
// 2. With the keyboard only, the partner tabs to the first customer's name, opens its
//    pop-up from the button beside it (aria-expanded follows), closes it with Escape
//    (focus back on the button), opens it again, chooses "Activate a product or trial" and
//    starts a trial of Endpoint Protection in the Customer Profile's own dialog; the row
//    then lists it (test-results/customer-popup.png shows the pop-up).
// 3. It selects the three customers and starts a trial of Endpoint Protection for all of
//    them: the page sends exactly one bulk call, with an Idempotency-Key, for the three;
//    the results panel takes focus and counts 2 done and 1 refused, the refusal being the
//    first customer, which already has that trial, and the two others now list the trial
//    (test-results/bulk-results.png).

/* global document -- the functions given to page.evaluate run in the page */

import { resolve } from 'node:path';
import { chooseControl } from './customers.mjs';

const TRIAL = { id: 'endpoint-protection', name: 'Endpoint Protection Cloud' };

/** Adds the customers with the signed-in user's session (a fresh token from the refresh cookie); returns their ids. */
async function addCustomersThroughApi(page, customers) {
  const answer = await page.evaluate(async (list) => {
    const refresh = await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' });
    if (!refresh.ok) return { error: `refresh answered ${refresh.status}` };
    const { accessToken } = await refresh.json();
    const ids = [];
    for (const customer of list) {
      const response = await fetch('/api/v1/customers', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${accessToken}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': crypto.randomUUID(),
        },
        body: JSON.stringify({
          management: 'partnerManaged',
          communications: 'partner',
          company: {
            name: customer.name,
            address1: '4 Mill Lane',
            city: 'York',
            postalCode: 'YO1 7HH',
            country: 'GB',
            phone: '+44 1904 000000',
          },
          contact: {
            firstName: 'Dee',
            lastName: 'Okafor',
            email: customer.email,
            phone: '+44 1904 000001',
            language: 'en',
            timeZone: 'UTC',
          },
          products: [{ product: 'email-security', type: 'trial' }],
        }),
      });
      if (response.status !== 201) return { error: `adding ${customer.name} answered ${response.status}: ${await response.text()}` };
      ids.push((await response.json()).customer.id);
    }
    return { ids };
  }, customers);
  if (answer.error) throw new Error(answer.error);
  return answer.ids;
}

export async function bulkScenario({ page, step, expectApiResponse, stamp, resultsDir, timeoutMs }) {
  const wait = { timeout: timeoutMs };
  const customers = ['Alder', 'Birch', 'Cedar'].map((name) => ({
    name: `E2E ${name} ${stamp}`,
    email: `${name.toLowerCase()}-${stamp}@customer.example`,
  }));
  const [alder, birch, cedar] = customers;

  step('add three customers through the API');
  const ids = await addCustomersThroughApi(page, customers);
  await page.getByRole('link', { name: 'Customers', exact: true }).click();
  const table = page.getByTestId('customers-table');
  const rowOf = (customer) => table.getByTestId('customer-row').filter({ hasText: customer.name });
  for (const customer of customers) await rowOf(customer).waitFor(wait);

  step("with the keyboard, tab to the first customer's name");
  await page.getByTestId('customer-search').focus();
  const focused = () =>
    page.evaluate(() => ({
      text: document.activeElement?.textContent ?? '',
      testId: document.activeElement?.getAttribute('data-testid'),
    }));
  for (let presses = 0; ; presses += 1) {
    if (presses > 60) throw new Error(`Tab never reached ${alder.name}'s name`);
    await page.keyboard.press('Tab');
    const now = await focused();
    if (now.testId === 'customer-link' && now.text === alder.name) break;
  }

  step('open its pop-up from the button beside the name');
  await page.keyboard.press('Tab');
  if ((await focused()).testId !== 'customer-popup-toggle') throw new Error('Tab after the name did not reach the pop-up button');
  const toggle = rowOf(alder).getByTestId('customer-popup-toggle');
  const expanded = () => toggle.getAttribute('aria-expanded');
  if ((await expanded()) !== 'false') throw new Error(`the closed pop-up's button says aria-expanded=${await expanded()}`);
  await page.keyboard.press('Enter');
  const popup = rowOf(alder).getByTestId('customer-popup');
  await popup.waitFor({ state: 'visible', ...wait });
  await popup.getByText('Partner Managed').waitFor(wait);
  if ((await expanded()) !== 'true') throw new Error(`the open pop-up's button says aria-expanded=${await expanded()}`);
  await page.screenshot({ path: resolve(resultsDir, 'customer-popup.png'), fullPage: true });

  step('Escape closes it and gives focus back to its button; Enter opens it again');
  await page.keyboard.press('Escape');
  await popup.waitFor({ state: 'hidden', ...wait });
  if ((await focused()).testId !== 'customer-popup-toggle') throw new Error('Escape did not give focus back to the pop-up button');
  if ((await expanded()) !== 'false') throw new Error(`after Escape the button says aria-expanded=${await expanded()}`);
  await page.keyboard.press('Enter');
  await popup.waitFor({ state: 'visible', ...wait });

  step('choose "Activate a product or trial" and start a trial of Endpoint Protection');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  if ((await focused()).testId !== 'popup-activate') throw new Error('Tab in the pop-up did not reach "Activate a product or trial"');
  await expectApiResponse(page, 'GET', /^\/api\/v1\/customers\/[^/]+$/, 200, () => page.keyboard.press('Enter'));
  const dialog = page.getByRole('dialog', { name: 'Activate a Product or Trial', exact: true });
  await dialog.getByTestId('activate-customer').filter({ hasText: alder.name }).waitFor(wait);
  await dialog.getByTestId('product-select').selectOption(TRIAL.id);
  await chooseControl(dialog, 'product-type-trial', timeoutMs);
  await dialog.getByTestId('product-add').click();
  await expectApiResponse(page, 'POST', /\/entitlements$/, 200, () => dialog.getByTestId('activate-save').click());
  await dialog.waitFor({ state: 'detached', ...wait });
  await page.getByTestId('row-action-notice').filter({ hasText: `Activated for ${alder.name}` }).waitFor(wait);
  await rowOf(alder).filter({ hasText: TRIAL.name }).waitFor(wait);

  step('select the three customers and start a trial of Endpoint Protection for all of them');
  for (const customer of customers) await chooseControl(rowOf(customer), 'customer-select', timeoutMs);
  await page.getByTestId('customers-selected').filter({ hasText: '3 selected.' }).waitFor(wait);
  await page.getByTestId('bulk-start-trial').click();
  const trialDialog = page.getByRole('dialog', { name: 'Start a trial', exact: true });
  await trialDialog.getByTestId('bulk-trial-product').selectOption(TRIAL.id);
  const bulkCalls = [];
  const recordBulk = (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/customers/bulk') {
      bulkCalls.push({ key: request.headers()['idempotency-key'], body: request.postDataJSON() });
    }
  };
  page.on('request', recordBulk);
  await expectApiResponse(page, 'POST', '/api/v1/customers/bulk', 200, () => trialDialog.getByTestId('bulk-trial-confirm').click());

  step('the results panel takes focus: 2 done, 1 refused because it already has that trial');
  const results = page.getByTestId('bulk-results');
  await results.getByTestId('bulk-results-counts').filter({ hasText: '2 done, 1 refused.' }).waitFor(wait);
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'bulk-results', null, wait);
  page.off('request', recordBulk);
  if (bulkCalls.length !== 1) throw new Error(`expected exactly one bulk call, saw ${bulkCalls.length}`);
  const [call] = bulkCalls;
  if (!/^[0-9a-f-]{32,36}$/.test(call.key ?? '')) throw new Error(`the bulk call's Idempotency-Key is "${call.key}"`);
  const sentIds = [...(call.body?.customerIds ?? [])].sort();
  if (call.body?.action !== 'startTrial' || JSON.stringify(sentIds) !== JSON.stringify([...ids].sort())) {
    throw new Error(`the bulk call was not a trial for the three customers: ${JSON.stringify(call.body)}`);
  }
  const refused = results.getByTestId('bulk-result-refused');
  if ((await refused.count()) !== 1) throw new Error(`expected one refusal, found ${await refused.count()}`);
  const reason = (await refused.innerText()).replace(/\s+/g, ' ').trim();
  if (!reason.includes(alder.name) || !/already/i.test(reason)) {
    throw new Error(`the refusal should name ${alder.name} and say it already has the trial: "${reason}"`);
  }
  for (const customer of [birch, cedar]) await results.getByTestId('bulk-result-done').filter({ hasText: customer.name }).waitFor(wait);

  step('the two others now list the trial');
  for (const customer of [birch, cedar]) await rowOf(customer).filter({ hasText: TRIAL.name }).waitFor(wait);
  await page.screenshot({ path: resolve(resultsDir, 'bulk-results.png'), fullPage: true });
}
