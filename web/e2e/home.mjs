// The guide's Home page widgets in a real browser, as the demo partner of the local stack
// (`make run`: its customers' computers report through the fleet simulator):
//
// 1. Sign in as the demo partner: Home shows the ten widgets of Table 1-1, Quick Tasks
//    link to the latest MSP Executive Summary and Service Utilization and Billing report
//    (both made by `infra demo`), and Product Deployment, Virus and Risk Activity,
//    Intrusion Prevention and Endpoint Protection show figures above zero (the chart
//    widgets over their longest range, with a chart).
// 2. Drag My Products by its handle onto News Alerts with the mouse, remove Intrusion
//    Prevention, reload: the order and the removal were saved.
// 3. Choose a customer in the Display filter: a customer-specific figure changes, while
//    Customer Issues, Threats Summary and News Alerts stay the partner's ("All customers").
// 4. Reset the layout: every widget again, in the guide's order.
// 5. The first visit's welcome panel opens the Welcome Wizard, followed to its last step;
//    the question mark's "Learn more about this page" opens Home's help, which leads back.
//
// PC_DEMO_EMAIL and PC_DEMO_PASSWORD override the demo login.

import { resolve } from 'node:path';

const DEMO_EMAIL = process.env.PC_DEMO_EMAIL?.trim() || 'demo@partner-console.local';
const DEMO_PASSWORD = process.env.PC_DEMO_PASSWORD || 'Partner-Console-2026';

/** Table 1-1, the default layout. */
const WIDGETS = [
  'customerIssues',
  'myProfile',
  'quickTasks',
  'productDeployment',
  'riskActivity',
  'intrusionPrevention',
  'threatsSummary',
  'newsAlerts',
  'endpointProtection',
  'myProducts',
];

/** Quick Tasks' links to the latest automatic reports (Table 1-1), which `infra demo` makes. */
const LATEST_REPORTS = {
  'quick-latest-weekly': 'Latest MSP Executive Summary',
  'quick-latest-monthly': 'Latest Service Utilization and Billing report',
};

const LAYOUT_PATH = '/api/v1/dashboard/layout';
const DASHBOARD_PATH = '/api/v1/dashboard';

/** "1,234" → 1234. */
function count(text) {
  const digits = (text ?? '').replace(/[^0-9]/g, '');
  if (digits === '') throw new Error(`"${text}" is not a count`);
  return Number(digits);
}

export async function homeScenario(ctx) {
  const { browser, baseUrl, step, expectApiResponse, resultsDir, timeoutMs } = ctx;
  const wait = { timeout: timeoutMs };
  const context = await browser.newContext({ viewport: { width: 1440, height: 1400 } });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);

  /** The shown widgets' ids, top to bottom. */
  async function shownWidgets() {
    return page
      .getByTestId('widgets')
      .locator(':scope > [data-testid^="widget-"]')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid').replace(/^widget-/, '')));
  }

  async function expectOrder(expected, what) {
    const deadline = Date.now() + timeoutMs;
    let shown = [];
    while (Date.now() < deadline) {
      shown = await shownWidgets();
      if (shown.join() === expected.join()) return;
      await page.waitForTimeout(100);
    }
    throw new Error(`${what}: expected the widgets ${expected.join(', ')}, found ${shown.join(', ')}`);
  }

  async function figure(testId) {
    const locator = page.getByTestId(testId);
    await locator.waitFor(wait);
    return count(await locator.textContent());
  }

  /** Fails at once with the page's message when the dashboard or the layout could not be loaded or saved. */
  async function expectNoProblem() {
    for (const testId of ['dashboard-problem', 'layout-problem']) {
      const problem = page.getByTestId(testId);
      if (await problem.isVisible()) {
        throw new Error(`Home says: ${(await problem.innerText()).replace(/\s+/g, ' ').trim()}`);
      }
    }
  }

  /** What a partner-wide widget shows, without its header (which names the Display filter's scope). */
  async function widgetBody(id) {
    return (await page.getByTestId(`widget-${id}`).locator('.widget__body').innerText()).replace(/\s+/g, ' ').trim();
  }

  async function issueCustomers() {
    const rows = page.getByTestId('issue-row');
    return (await rows.count()) === 0 ? [] : (await rows.getByRole('link').allTextContents()).sort();
  }

  step(`sign in as the demo partner ${DEMO_EMAIL}`);
  await page.goto(`${baseUrl}/sign-in`, { waitUntil: 'domcontentloaded' });
  await page.getByLabel('Email', { exact: true }).fill(DEMO_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === LAYOUT_PATH, wait),
    expectApiResponse(page, 'POST', '/api/v1/auth/sign-in', 200, () =>
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ),
  ]);
  await page.getByRole('heading', { name: /^Welcome, / }).waitFor(wait);
  await page.getByTestId('widgets').waitFor(wait);
  await expectNoProblem();

  const reset = page.getByTestId('reset-layout');
  if (await reset.isEnabled()) {
    step('put back the default layout an earlier run left changed');
    await expectApiResponse(page, 'PUT', LAYOUT_PATH, 200, () => reset.click());
  }

  step('Home shows the ten widgets of Table 1-1 in the guide’s order');
  await expectOrder(WIDGETS, 'the default layout');
  for (const id of WIDGETS) await page.getByTestId(`widget-${id}`).waitFor(wait);

  step('Quick Tasks link to the latest MSP Executive Summary and Service Utilization and Billing report');
  const quickTasks = page.getByTestId('widget-quickTasks');
  for (const [testId, name] of Object.entries(LATEST_REPORTS)) {
    const item = quickTasks.locator(`[data-testid="${testId}"]`);
    await item.waitFor(wait);
    const shown = (await item.innerText()).trim();
    if (shown !== name) throw new Error(`Quick Tasks show "${shown}" where "${name}" belongs`);
    if (!(await item.isEnabled())) {
      const note = (await item.locator('..').innerText()).replace(/\s+/g, ' ').trim();
      throw new Error(`Quick Tasks' "${name}" is disabled (${note}); the demo partner's report is made`);
    }
  }

  step('the activity widgets show figures above zero over the last 3 months, with charts');
  await page.getByTestId('endpoint-protected').waitFor(wait);
  for (const id of ['productDeployment', 'riskActivity', 'intrusionPrevention']) {
    await page.getByTestId(`widget-${id}-range`).selectOption('3m');
  }
  const nonZero = {
    'deployment-total': 'computers deployed (Product Deployment)',
    'risk-detections': 'detections (Virus and Risk Activity)',
    'intrusion-count': 'intrusions (Intrusion Prevention)',
    'endpoint-protected': 'protected computers (Endpoint Protection)',
  };
  for (const [testId, what] of Object.entries(nonZero)) {
    if ((await figure(testId)) === 0) throw new Error(`Home shows 0 ${what}; the demo fleet should have reported some`);
  }
  for (const testId of ['deployment-chart', 'risk-chart', 'intrusion-chart']) {
    await page.getByTestId(testId).getByRole('img').waitFor(wait);
  }
  await page.screenshot({ path: resolve(resultsDir, 'home-widgets.png'), fullPage: true });

  step('drag My Products by its handle onto News Alerts');
  const dragged = WIDGETS.filter((id) => id !== 'myProducts');
  dragged.splice(dragged.indexOf('newsAlerts'), 0, 'myProducts');
  await page.getByTestId('widget-newsAlerts').scrollIntoViewIfNeeded();
  await expectApiResponse(page, 'PUT', LAYOUT_PATH, 200, () =>
    page.getByTestId('widget-myProducts-handle').dragTo(page.getByTestId('widget-newsAlerts')),
  );
  await expectOrder(dragged, 'after the drag');

  step('remove Intrusion Prevention');
  const removed = dragged.filter((id) => id !== 'intrusionPrevention');
  await expectApiResponse(page, 'PUT', LAYOUT_PATH, 200, () =>
    page.getByTestId('widget-intrusionPrevention-remove').click(),
  );
  await page.getByTestId('widget-intrusionPrevention').waitFor({ state: 'detached', ...wait });
  await expectNoProblem();

  step('reload: the order and the removal were saved');
  await expectApiResponse(page, 'GET', LAYOUT_PATH, 200, () => page.reload({ waitUntil: 'domcontentloaded' }));
  await page.getByTestId('widgets').waitFor(wait);
  await expectOrder(removed, 'after reloading');
  if (await page.getByTestId('widget-intrusionPrevention').count()) {
    throw new Error('Intrusion Prevention is back after reloading');
  }
  await page.getByTestId('add-widgets-open').click();
  await page.getByTestId('add-widget-intrusionPrevention').waitFor(wait);
  await page.keyboard.press('Escape');

  step('choose a customer in the Display filter');
  await page.getByTestId('endpoint-protected').waitFor(wait);
  const before = {
    figures: [await figure('deployment-total'), await figure('endpoint-protected'), await figure('risk-detections')],
    issues: await issueCustomers(),
    threats: await widgetBody('threatsSummary'),
    news: await widgetBody('newsAlerts'),
  };
  const filter = page.getByTestId('home-customer-filter');
  await filter.click();
  const customerOption = page.getByTestId('home-customer-option').nth(1);
  await customerOption.waitFor(wait);
  const customerName = (await customerOption.evaluate((node) => node.firstChild?.textContent ?? '')).trim();
  await expectApiResponse(page, 'GET', DASHBOARD_PATH, 200, () => customerOption.click());
  await page.getByTestId('profile-customer-name').filter({ hasText: customerName }).waitFor(wait);
  if (!new URL(page.url()).searchParams.get('customer')) throw new Error('the address does not name the chosen customer');
  await expectNoProblem();

  step(`a customer-specific figure shows ${customerName} alone; the partner-wide widgets stay the partner's`);
  const after = [await figure('deployment-total'), await figure('endpoint-protected'), await figure('risk-detections')];
  if (after.every((value, index) => value === before.figures[index])) {
    throw new Error(
      `Product Deployment, Endpoint Protection and Virus and Risk Activity show the same for ${customerName} as for all customers (${after.join(', ')})`,
    );
  }
  await page.getByTestId('widget-productDeployment').getByText(customerName, { exact: true }).waitFor(wait);
  for (const id of ['customerIssues', 'threatsSummary', 'newsAlerts']) {
    await page.getByTestId(`widget-${id}`).getByText('All customers', { exact: true }).waitFor(wait);
  }
  const issuesAfter = await issueCustomers();
  if (issuesAfter.join('|') !== before.issues.join('|')) {
    throw new Error(`Customer Issues changed with the Display filter: ${before.issues.join(', ')} → ${issuesAfter.join(', ')}`);
  }
  if ((await widgetBody('threatsSummary')) !== before.threats) throw new Error('Threats Summary changed with the Display filter');
  if ((await widgetBody('newsAlerts')) !== before.news) throw new Error('News Alerts changed with the Display filter');
  await page.screenshot({ path: resolve(resultsDir, 'home-customer.png'), fullPage: true });

  step('show all customers again and reset the layout');
  await expectApiResponse(page, 'GET', DASHBOARD_PATH, 200, () => page.getByTestId('home-customer-filter-clear').click());
  await page.getByTestId('profile-customer').waitFor({ state: 'detached', ...wait });
  await expectApiResponse(page, 'PUT', LAYOUT_PATH, 200, () => page.getByTestId('reset-layout').click());
  await expectOrder(WIDGETS, 'after Reset layout');
  await expectNoProblem();

  step('the first visit offers the Welcome Wizard: taken from the keyboard to its last step');
  const welcome = page.getByTestId('welcome-panel');
  await welcome.getByRole('button', { name: 'Take the tour' }).focus();
  await page.keyboard.press('Enter');
  const wizard = page.getByRole('dialog', { name: 'Welcome Wizard' });
  await wizard.waitFor(wait);
  let steps = 1;
  while (await wizard.getByRole('button', { name: 'Next' }).isVisible()) {
    await wizard.getByRole('button', { name: 'Next' }).click();
    steps += 1;
    if (steps > 20) throw new Error('the Welcome Wizard never reaches its last step');
  }
  await wizard.getByRole('button', { name: 'Finish' }).click();
  await wizard.waitFor({ state: 'detached', ...wait });
  if (await welcome.isVisible()) throw new Error('Home still offers the tour after it was taken');

  step('the question mark opens the help about Home, and leads back to it');
  await page.getByTestId('help-menu').click();
  await page.getByTestId('help-this-page').click();
  await page.getByTestId('help-topic').getByRole('heading', { level: 1, name: 'Home' }).waitFor(wait);
  await page.screenshot({ path: resolve(resultsDir, 'help-home.png'), fullPage: true });
  await page.getByRole('link', { name: 'Back to the page' }).click();
  await page.getByTestId('widgets').waitFor(wait);

  await context.close();
}
