// Administration > My Company in a real browser (the guide's "Viewing My Company
// information"): the signed-up partner administrator sees the company information read
// only, sets a support email and phone and German as the emails' language, saves, and
// the next customer's welcome email in the outbox is German and gives the new support
// email; a reload shows what was saved. It also turns consent reminders off.

import { addCustomerThroughUi, messagesTo } from './customers.mjs';

export async function companyScenario(ctx) {
  const { page, outboxDir, step, expectApiResponse, stamp, timeoutMs } = ctx;
  const wait = { timeout: timeoutMs };
  const supportEmail = `help-${stamp}@partner.example`;

  step('the partner administrator opens Administration > My Company');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My Company', exact: true }).click();
  await page.getByRole('heading', { name: 'My Company', exact: true }).waitFor(wait);
  await page.getByTestId('company-information').getByText('Main contact').waitFor(wait);

  step('it sets the support email and phone and German, and saves');
  await page.getByTestId('company-support-email').fill(supportEmail);
  await page.getByTestId('company-support-phone').fill('+44 113 496 0100');
  await page.getByTestId('company-language').selectOption('de');
  await expectApiResponse(page, 'PUT', '/api/v1/company', 200, () => page.getByTestId('company-save').click());
  await page.getByText('Saved. The next emails to your customers', { exact: false }).waitFor(wait);

  step('a reload shows what was saved');
  await page.reload();
  await page.getByRole('heading', { name: 'My Company', exact: true }).waitFor(wait);
  await page.locator(`[data-testid="company-support-email"][value="${supportEmail}"]`).waitFor(wait);
  const language = await page.getByTestId('company-language').inputValue();
  if (language !== 'de') throw new Error(`the language reads "${language}" after a reload, not de`);

  step('it turns consent reminders off and saves them; a reload shows them off');
  await page.getByTestId('reminders-enabled').uncheck();
  await page.getByTestId('reminders-max').fill('3');
  await expectApiResponse(page, 'PUT', '/api/v1/company', 200, () => page.getByTestId('reminders-save').click());
  await page.getByText('Saved. Every pending request follows it', { exact: false }).waitFor(wait);
  await page.reload();
  await page.getByTestId('reminders-summary').getByText('Off: customers are not reminded.', { exact: false }).waitFor(wait);
  if (await page.getByTestId('reminders-enabled').isChecked()) throw new Error('reminders read on after a reload');
  const max = await page.getByTestId('reminders-max').inputValue();
  if (max !== '3') throw new Error(`the reminders' max reads "${max}" after a reload, not 3`);

  step("the next customer's welcome email is German and gives the new support email");
  const customer = {
    name: `E2E Kunde ${stamp}`,
    email: `kunde-${stamp}@customer.example`,
    management: 'coManaged',
    communications: 'shared',
    products: [{ id: 'endpoint-protection', type: 'trial' }],
  };
  await addCustomerThroughUi(page, customer, { expectApiResponse, timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let welcome;
  while (!welcome) {
    [welcome] = await messagesTo(outboxDir, customer.email);
    if (!welcome && Date.now() > deadline) throw new Error(`no welcome reached ${customer.email}`);
    if (!welcome) await new Promise((r) => setTimeout(r, 250));
  }
  if (!welcome.startsWith('Hallo ')) throw new Error(`the welcome is not German:\n${welcome}`);
  if (!welcome.includes(`Support-E-Mail: ${supportEmail}`)) {
    throw new Error(`the welcome does not give the support email ${supportEmail}:\n${welcome}`);
  }
}
