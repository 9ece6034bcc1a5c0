// The guide's "Viewing your alerts" and "Customizing your alert notifications" in a real
// browser, as the demo partner of the local stack (`infra demo`: its simulated fleets
// raised alerts while they were ingested):
//
// 1. The Alerts page lists open alerts. Filter by severity (Warning): every row is a
//    Warning. Then also by a customer: every row is delivered to that customer.
// 2. Click an alert: the viewing pane shows it (its subject and body).
// 3. Select two alerts and Dismiss Alerts: both leave the open list in one request.
// 4. Administration > Alert Notifications: add a rule (a name and a category), see it in
//    the list, toggle it off and on again (each toggle saves the rule).
//
// PC_DEMO_EMAIL and PC_DEMO_PASSWORD override the demo login.

/* global document -- the functions given to page.waitForFunction run in the page */

const DEMO_EMAIL = process.env.PC_DEMO_EMAIL?.trim() || 'demo@partner-console.local';
const DEMO_PASSWORD = process.env.PC_DEMO_PASSWORD || 'Partner-Console-2026';
const ALERTS_PATH = '/api/v1/alerts';

export async function alertsScenario(ctx) {
  const { browser, baseUrl, step, expectApiResponse, resultsDir, timeoutMs } = ctx;
  const wait = { timeout: timeoutMs };
  const context = await browser.newContext({ viewport: { width: 1440, height: 1200 } });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);

  /** Waits for the alerts list answer whose query has every `params` entry. */
  function listAnswer(params) {
    return page.waitForResponse((response) => {
      const url = new URL(response.url());
      if (url.pathname !== ALERTS_PATH || response.request().method() !== 'GET') return false;
      return Object.entries(params).every(([k, v]) => url.searchParams.get(k) === v);
    }, wait);
  }

  /** The listed rows: id, severity text, delivered-to and subject. */
  async function rows() {
    return page.getByTestId('alert-row').evaluateAll((nodes) =>
      nodes.map((row) => {
        const cells = row.querySelectorAll('td');
        return {
          id: row.getAttribute('data-alert-id'),
          severity: cells[1]?.textContent?.trim() ?? '',
          customer: cells[2]?.textContent?.trim() ?? '',
          subject: row.querySelector('[data-testid="alert-open"]')?.textContent?.trim() ?? '',
        };
      }),
    );
  }

  step(`alerts: sign in as the demo partner ${DEMO_EMAIL}`);
  await page.goto(`${baseUrl}/sign-in`, { waitUntil: 'domcontentloaded' });
  await page.getByLabel('Email', { exact: true }).fill(DEMO_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await expectApiResponse(page, 'POST', '/api/v1/auth/sign-in', 200, () =>
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  );
  await page.getByRole('heading', { name: /^Welcome, / }).waitFor(wait);

  step('alerts: the open alerts');
  // In development React mounts the page twice and the first answer is discarded, so
  // the step checks what the page shows: the rows, or the failure it reports.
  await page.goto(`${baseUrl}/alerts?status=open`, { waitUntil: 'domcontentloaded' });
  const firstRow = page.getByTestId('alert-row').first();
  const failure = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
  await firstRow.or(failure).first().waitFor(wait);
  if (await failure.count()) throw new Error(`the Alerts page says: ${await failure.first().innerText()}`);

  step('alerts: filter by severity (Warning)');
  const warnings = listAnswer({ status: 'open', severity: 'warning' });
  await page.getByLabel('Severity', { exact: true }).selectOption('warning');
  await warnings;
  await page.getByTestId('alert-row').first().waitFor(wait);
  const warned = await rows();
  if (warned.length === 0) throw new Error('no open Warning alerts for the demo partner');
  const notWarning = warned.filter((r) => !/warning/i.test(r.severity));
  if (notWarning.length > 0) throw new Error(`rows that are not Warnings: ${JSON.stringify(notWarning)}`);

  step('alerts: and by customer');
  const customer = warned[0].customer;
  const customerSelect = page.getByLabel('Customer', { exact: true });
  const value = await customerSelect.locator('option', { hasText: customer }).first().getAttribute('value');
  if (!value) throw new Error(`no Customer option for ${customer}`);
  const filtered = listAnswer({ status: 'open', severity: 'warning', customer: value });
  await customerSelect.selectOption(value);
  await filtered;
  await page.waitForFunction(
    (name) =>
      [...document.querySelectorAll('[data-testid="alert-row"]')].every(
        (row) => row.querySelectorAll('td')[2]?.textContent?.trim() === name,
      ),
    customer,
    wait,
  );
  const mine = await rows();
  if (mine.length === 0) throw new Error(`no rows for ${customer}`);

  step('alerts: open one in the viewing pane');
  await page.getByTestId('alert-open').first().click();
  const pane = page.getByTestId('alert-pane');
  await pane.waitFor(wait);
  await pane.getByText(mine[0].subject, { exact: false }).first().waitFor(wait);
  const body = (await pane.getByTestId('alert-body').innerText()).trim();
  if (body.length === 0) throw new Error('the viewing pane shows no body');
  await page.screenshot({ path: `${resultsDir}/alerts.png`, fullPage: true });
  await page.getByTestId('alert-pane-close').click();

  step('alerts: dismiss two at once');
  // The open alerts of every customer and severity, so there are at least two.
  const everyOpen = listAnswer({ status: 'open' });
  await page.goto(`${baseUrl}/alerts?status=open`, { waitUntil: 'domcontentloaded' });
  await everyOpen;
  await page.getByTestId('alert-row').nth(1).waitFor(wait);
  const before = await rows();
  const chosen = before.slice(0, 2).map((r) => r.id);
  await page.getByTestId('alert-select').nth(0).check();
  await page.getByTestId('alert-select').nth(1).check();
  const dismiss = page.waitForResponse(
    (r) => new URL(r.url()).pathname === `${ALERTS_PATH}/dismiss` && r.request().method() === 'POST',
    wait,
  );
  const reloaded = listAnswer({ status: 'open' });
  await page.getByTestId('dismiss-alerts').click();
  const answer = await dismiss;
  if (answer.status() !== 200) throw new Error(`Dismiss Alerts answered ${answer.status()}: ${await answer.text()}`);
  const sent = JSON.parse(answer.request().postData() ?? '{}').ids ?? [];
  if (sent.length !== 2 || !chosen.every((id) => sent.includes(id))) {
    throw new Error(`Dismiss Alerts sent ${JSON.stringify(sent)}, not ${JSON.stringify(chosen)}`);
  }
  await reloaded;
  await page.waitForFunction(
    (ids) => ids.every((id) => !document.querySelector(`[data-testid="alert-row"][data-alert-id="${id}"]`)),
    chosen,
    wait,
  );

  step('alert notifications: add a rule');
  const ruleName = `Browser rule ${Date.now()}`;
  const listed = page.waitForResponse(
    (r) => new URL(r.url()).pathname === '/api/v1/alert-rules' && r.request().method() === 'GET',
    wait,
  );
  await page.goto(`${baseUrl}/admin/alert-notifications`, { waitUntil: 'domcontentloaded' });
  await listed;
  await page.getByTestId('add-notification').click();
  const form = page.getByTestId('rule-form');
  await form.waitFor(wait);
  await form.getByLabel('Rule name', { exact: true }).fill(ruleName);
  await form.getByLabel('Account, Warning', { exact: true }).check();
  await expectApiResponse(page, 'POST', '/api/v1/alert-rules', 201, () => page.getByTestId('rule-save').click());
  const row = page.locator(`[data-testid="rule-row"][data-rule-name="${ruleName}"]`);
  await row.waitFor(wait);
  const toggle = row.getByTestId('rule-toggle');
  if ((await toggle.getAttribute('aria-checked')) !== 'true') throw new Error('a new rule is enabled');

  step('alert notifications: toggle the rule off and on');
  await expectApiResponse(page, 'PUT', /^\/api\/v1\/alert-rules\/rul_[0-9a-f]{32}$/, 200, () => toggle.click());
  await page.waitForFunction(
    (name) =>
      document
        .querySelector(`[data-testid="rule-row"][data-rule-name="${name}"] [data-testid="rule-toggle"]`)
        ?.getAttribute('aria-checked') === 'false',
    ruleName,
    wait,
  );
  await expectApiResponse(page, 'PUT', /^\/api\/v1\/alert-rules\/rul_[0-9a-f]{32}$/, 200, () => toggle.click());
  await page.waitForFunction(
    (name) =>
      document
        .querySelector(`[data-testid="rule-row"][data-rule-name="${name}"] [data-testid="rule-toggle"]`)
        ?.getAttribute('aria-checked') === 'true',
    ruleName,
    wait,
  );
  await page.screenshot({ path: `${resultsDir}/alert-notifications.png`, fullPage: true });
  await context.close();
}
