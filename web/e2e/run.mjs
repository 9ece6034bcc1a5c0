#!/usr/bin/env node
// Browser end-to-end test of the Partner Console against a running web front
// end and API. Usage: PC_WEB_URL=http://127.0.0.1:5173 npm run e2e
//
// Each scenario runs in a browser context of its own, with a partner of its own, so one
// failing scenario does not hide the others; each failure saves a screenshot,
// test-results/failure-<scenario>.png, and the run ends with "N passed, M failed".
//
// - session: sign up a new partner, land on Home and see its company, sign out, sign in
//   again, see the sign-up and sign-in in Home's recent activity, reload (session
//   restored from the refresh cookie), no token in web storage; test-results/signed-in.png.
//   With PC_EXSP_SERIAL (an available ExSP serial number; each activates once) it then
//   activates it from Home's Quick tasks and sees the program read "ExSP"
//   (test-results/exsp-active.png), and with PC_OUTBOX_DIR (the local stack's mail
//   outbox) as well, goes on with the customers scenario of e2e/customers.mjs (the
//   guide's chapter 2), which needs that ExSP partner.
// - roles (PC_OUTBOX_DIR): users and custom roles, e2e/roles.mjs (chapter 5).
// - company (PC_OUTBOX_DIR): Administration > My Company's support email and German saved,
//   consent reminders turned off, and the next customer's welcome German with that email,
//   e2e/company.mjs (chapter 5).
// - security (PC_OUTBOX_DIR): two-step verification set up and used to sign in, and an API
//   client whose secret is shown once, e2e/security.mjs.
// - home: the demo partner of `infra demo`, with its simulated fleet: the ten widgets,
//   drag and drop, removal, the layout surviving a reload, the Display filter.
// - alerts: the demo partner's alerts (filters, the viewing pane, dismissing two at once)
//   and an alert notification rule added and toggled off and on.
// - reports: a new partner's customer with a Greek and Cyrillic name, Report Customization
//   (colour, logo, preview), a report made with the wizard, followed until Ready, its HTML
//   opened and its PDF downloaded and read with pdftotext, e2e/reports.mjs (chapter 3).
// - password (PC_OUTBOX_DIR): "Forgot password?" from the sign-in page, the link read from
//   the outbox, a new password chosen and used to sign in, and a session signed in
//   before in another browser refused at its next refresh, e2e/password.mjs.
// - schedules (PC_OUTBOX_DIR and PC_ENV_FILE, the local stack's env file): a report
//   template saved from the wizard, scheduled daily from the Scheduled Reports tab to be
//   emailed with the file attached, fired with `infra fire-schedule`, its report listed
//   Ready and its email found in the outbox with the PDF and the logo, then deleted, in
//   the console and in moto's EventBridge Scheduler, e2e/schedules.mjs (chapter 3).
//
// With PC_OUTBOX_DIR, every partner signed up confirms its email from the sign-up email's
// link (the console sends no email for an unconfirmed partner); without it, only the
// scenarios that send no email run (the reports scenario adds a customer: it needs it).
// - support (PC_OUTBOX_DIR and PC_ENV_FILE): Case Management, e2e/support.mjs (chapter 6): a
//   ticket opened with a screenshot uploaded from the browser straight to storage,
//   answered by support with `infra support-comment` (the user emailed, the outbox),
//   commented and closed with a case resolution.
//
// - bulk (PC_OUTBOX_DIR): the Customers page at scale, e2e/bulk.mjs: a customer's pop-up
//   opened from the keyboard (aria-expanded, Escape giving focus back) and a trial started
//   from it, then three customers selected and a trial started for all of them in exactly
//   one bulk call with an Idempotency-Key, the results panel focused, one refused (it has
//   that trial already)
//   (test-results/customer-popup.png, test-results/bulk-results.png).
//
// PC_E2E_SCENARIOS (names, comma-separated, e.g. "schedules,home") runs only those.

import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { customersScenario } from './customers.mjs';
import { rolesScenario } from './roles.mjs';
import { companyScenario } from './company.mjs';
import { securityScenario } from './security.mjs';
import { homeScenario } from './home.mjs';
import { alertsScenario } from './alerts.mjs';
import { reportsScenario } from './reports.mjs';
import { schedulesScenario } from './schedules.mjs';
import { passwordScenario } from './password.mjs';
import { waitForLink } from './customers.mjs';
import { supportScenario } from './support.mjs';
import { bulkScenario } from './bulk.mjs';

const STEP_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 900_000;
const resultsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

const baseUrl = process.env.PC_WEB_URL?.replace(/\/+$/, '');
if (!baseUrl) {
  console.error('e2e: PC_WEB_URL is required, e.g. PC_WEB_URL=http://127.0.0.1:5173 npm run e2e');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const exspSerial = process.env.PC_EXSP_SERIAL?.trim() || null;
const outboxDir = process.env.PC_OUTBOX_DIR?.trim() || null;
const envFile = process.env.PC_ENV_FILE?.trim() || null;
const only = process.env.PC_E2E_SCENARIOS?.split(',').map((name) => name.trim()).filter(Boolean) ?? [];

const stamp = `${Date.now()}-${randomBytes(4).toString('hex')}`;

/** A new partner's sign-up details; `name` keeps each scenario's partner apart. */
function newAccount(name) {
  return {
    email: `e2e-${name}-${stamp}@example.com`,
    password: `E2e-Passw0rd-${randomBytes(6).toString('hex')}`,
    company: `E2E ${name} ${stamp}`,
    firstName: 'Erin',
    lastName: 'Tester',
  };
}

let currentStep = 'starting';
function step(name) {
  currentStep = name;
  console.log(`e2e: ${name}`);
}

/** `path` is the exact pathname, or a RegExp it must match. */
function isApi(response, method, path) {
  const pathname = new URL(response.url()).pathname;
  const matches = path instanceof RegExp ? path.test(pathname) : pathname === path;
  return response.request().method() === method && matches;
}

/** Waits for the API response triggered by `action` and checks its status. */
async function expectApiResponse(page, method, path, expectedStatus, action) {
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => isApi(candidate, method, path), { timeout: STEP_TIMEOUT_MS }),
    action(),
  ]);
  if (response.status() !== expectedStatus) {
    const body = await response.text().then(
      (text) => text.slice(0, 2000),
      () => '(no body)',
    );
    throw new Error(`${method} ${path} returned ${response.status()}, expected ${expectedStatus}: ${body}`);
  }
  return response;
}

async function expectText(locator, expected, what) {
  await locator.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  const actual = (await locator.textContent())?.trim();
  if (actual !== expected) throw new Error(`${what}: expected "${expected}", found "${actual}"`);
}

async function expectHome(page, account) {
  await page.getByRole('heading', { name: `Welcome, ${account.firstName}`, exact: true }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await expectText(page.getByTestId('company-name'), account.company, 'company name on Home');
  await expectText(page.getByTestId('user-email'), account.email, 'signed-in email on Home');
  const path = new URL(page.url()).pathname;
  if (path !== '/') throw new Error(`expected to be on Home (/), but the page is at ${path}`);
}

/**
 * Waits until Home's activity table has a successful row for each action ("Signed up",
 * "Signed in"); fails at once with the shown problem if the activity could not be loaded.
 */
async function expectActivity(page, actions) {
  const activity = page.getByRole('region', { name: 'Recent activity' });
  const failure = activity.getByRole('alert').first();
  const table = activity.getByRole('table', { name: 'Recent activity' });
  for (const action of actions) {
    const row = table
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: action, exact: true }) })
      .filter({ hasText: 'Succeeded' });
    await row.or(failure).first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    if (await failure.isVisible()) {
      const shown = (await failure.innerText()).replace(/\s+/g, ' ').trim();
      throw new Error(`the recent activity could not be loaded: ${shown}`);
    }
  }
}

async function fill(page, label, value) {
  await page.getByLabel(label, { exact: true }).fill(value);
}

const VALIDATE_SERIAL_PATH = '/api/v1/licensing/exsp-serial/validate';
const ACTIVATE_SERIAL_PATH = '/api/v1/licensing/exsp-serial/activate';

/** Home's Quick tasks → Activate a serial number: Validate, Activate, and see the program turn to ExSP. */
async function activateExspSerial(page, serial) {
  step('open the Activate Serial Number dialog from Quick tasks');
  await page.getByTestId('activate-serial-open').click();
  const dialog = page.getByRole('dialog', { name: 'Activate Serial Number', exact: true });
  await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });

  step('enter the ExSP serial number and validate it');
  await dialog.getByTestId('serial-input').fill(serial);
  await expectApiResponse(page, 'POST', VALIDATE_SERIAL_PATH, 200, () => dialog.getByTestId('serial-validate').click());
  const activate = dialog.getByTestId('serial-activate');
  const failure = dialog.getByRole('alert');
  await dialog.locator('[data-testid="serial-activate"]:enabled').or(failure).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  if (await failure.isVisible()) {
    throw new Error(`the serial number was not accepted: ${(await failure.innerText()).replace(/\s+/g, ' ').trim()}`);
  }

  step('activate it');
  await expectApiResponse(page, 'POST', ACTIVATE_SERIAL_PATH, 200, () => activate.click());
  await dialog.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });

  step('see the ExSP program on Home');
  await page.getByTestId('program-name').filter({ hasText: /^\s*ExSP\s*$/ }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await page
    .getByText('Your ExSP serial number is active: you can now provision paid subscriptions.', { exact: true })
    .waitFor({ timeout: STEP_TIMEOUT_MS });

  step('save test-results/exsp-active.png');
  await page.screenshot({ path: resolve(resultsDir, 'exsp-active.png'), fullPage: true });
}

/** Signs a partner up through the Partner Signup page and lands on Home. */
async function signUp(page, acct) {
  step(`open the sign-up page at ${baseUrl}/sign-up`);
  await page.goto(`${baseUrl}/sign-up`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Partner Signup', exact: true }).waitFor({ timeout: STEP_TIMEOUT_MS });

  step(`sign up as ${acct.email} for "${acct.company}"`);
  await fill(page, 'Email', acct.email);
  await fill(page, 'Password', acct.password);
  await fill(page, 'Confirm password', acct.password);
  await fill(page, 'Company name', acct.company);
  await fill(page, 'Address line 1', '100 Test Street');
  await fill(page, 'City', 'Springfield');
  await fill(page, 'Postal code', '12345');
  await page.getByLabel('Country', { exact: true }).selectOption('US');
  await fill(page, 'Company phone', '+1 555 010 0100');
  await fill(page, 'First name', acct.firstName);
  await fill(page, 'Last name', acct.lastName);
  await fill(page, 'Contact email', acct.email);
  await fill(page, 'Contact phone', '+1 555 010 0101');
  await page.getByLabel(/accept the Terms and Conditions/).check();
  await expectApiResponse(page, 'POST', '/api/v1/auth/sign-up', 201, () =>
    page.getByRole('button', { name: 'Create Account', exact: true }).click(),
  );

  await page.getByRole('heading', { name: `Welcome, ${acct.firstName}`, exact: true }).waitFor({ timeout: STEP_TIMEOUT_MS });
  if (outboxDir) await confirmEmail(page, acct);
}

/**
 * Confirms a new partner's email as its user does: the banner asks for it, the link comes
 * from the sign-up email in the outbox, and back on Home the banner is gone. Until then
 * the console sends no email for the partner (welcomes, invitations, requests, reports).
 */
async function confirmEmail(page, acct) {
  step(`confirm ${acct.email} with the link from the sign-up email`);
  await page.getByTestId('confirm-email-banner').filter({ hasText: acct.email }).waitFor({ timeout: STEP_TIMEOUT_MS });
  const link = await waitForLink(outboxDir, acct.email, 0, STEP_TIMEOUT_MS);
  if (!link.includes('/verify-email#token=')) throw new Error(`the sign-up email's link is not a confirmation link: ${link}`);
  await expectApiResponse(page, 'POST', '/api/v1/auth/verify-email', 200, () =>
    page.goto(link, { waitUntil: 'domcontentloaded' }),
  );
  await page.getByTestId('verify-confirmed').waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.getByRole('link', { name: 'Go to the console', exact: true }).click();
  await page.getByRole('heading', { name: `Welcome, ${acct.firstName}`, exact: true }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.getByTestId('confirm-email-banner').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
}

async function sessionScenario({ page, browser }) {
  const account = newAccount('session');
  await signUp(page, account);

  step('land on Home and see the new company');
  await expectHome(page, account);

  step('sign out');
  await expectApiResponse(page, 'POST', '/api/v1/auth/sign-out', 204, () =>
    page.getByRole('button', { name: 'Sign out', exact: true }).click(),
  );
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor({ timeout: STEP_TIMEOUT_MS });

  step('sign in again');
  await fill(page, 'Email', account.email);
  await fill(page, 'Password', account.password);
  await expectApiResponse(page, 'POST', '/api/v1/auth/sign-in', 200, () =>
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  );
  await expectHome(page, account);

  step('see the sign-up and the sign-in in the recent activity on Home');
  await expectActivity(page, ['Signed up', 'Signed in']);

  step('reload: the session is restored from the refresh cookie');
  await expectApiResponse(page, 'POST', '/api/v1/auth/refresh', 200, () => page.reload({ waitUntil: 'domcontentloaded' }));
  await expectHome(page, account);

  step('check that no token was written to web storage');
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
  if (stored.local !== 0 || stored.session !== 0) {
    throw new Error(`web storage is not empty: localStorage=${stored.local}, sessionStorage=${stored.session}`);
  }

  step('save test-results/signed-in.png');
  await page.screenshot({ path: resolve(resultsDir, 'signed-in.png'), fullPage: true });

  if (!exspSerial) return;
  await activateExspSerial(page, exspSerial);
  if (!outboxDir) return;
  await customersScenario({
    browser,
    page,
    baseUrl,
    outboxDir,
    step,
    expectApiResponse,
    stamp,
    resultsDir,
    signUp,
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

async function rolesRun({ page, browser }) {
  await signUp(page, newAccount('roles'));
  await rolesScenario({
    browser,
    page,
    baseUrl,
    outboxDir,
    step,
    expectApiResponse,
    stamp,
    resultsDir,
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

async function companyRun({ page }) {
  await signUp(page, newAccount('company'));
  await companyScenario({ page, outboxDir, step, expectApiResponse, stamp, timeoutMs: STEP_TIMEOUT_MS });
}

async function securityRun({ page }) {
  const account = newAccount('security');
  await signUp(page, account);
  await securityScenario({
    page,
    account,
    step,
    expectApiResponse,
    expectHome: (p) => expectHome(p, account),
    stamp,
    resultsDir,
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

async function reportsRun({ page }) {
  await signUp(page, newAccount('reports'));
  await reportsScenario({ page, step, expectApiResponse, stamp, resultsDir, timeoutMs: STEP_TIMEOUT_MS });
}

async function schedulesRun({ page }) {
  await signUp(page, newAccount('schedules'));
  await schedulesScenario({
    page,
    step,
    expectApiResponse,
    stamp,
    resultsDir,
    outboxDir,
    envFile,
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

async function supportRun({ page }) {
  // The sign-up is run.mjs's own helper, as for every scenario that starts a partner.
  const account = newAccount('support');
  await signUp(page, account);
  await supportScenario({
    page,
    step,
    expectApiResponse,
    stamp,
    resultsDir,
    outboxDir,
    envFile,
    account,
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

async function bulkRun({ page }) {
  await signUp(page, newAccount('bulk'));
  await bulkScenario({ page, step, expectApiResponse, stamp, resultsDir, timeoutMs: STEP_TIMEOUT_MS });
}

// The local stack's demo partner, with its simulated fleet (`infra demo`), and its alerts
// (raised while its fleets were ingested) and alert notification rules. These scenarios
// open their own pages.
async function passwordRun({ page, browser }) {
  const account = newAccount('password');
  await signUp(page, account);
  await passwordScenario({
    browser,
    page,
    baseUrl,
    outboxDir,
    account,
    step,
    expectApiResponse,
    expectHome: (p) => expectHome(p, account),
    timeoutMs: STEP_TIMEOUT_MS,
  });
}

const demoContext = { baseUrl, step, expectApiResponse, resultsDir, timeoutMs: STEP_TIMEOUT_MS };

const SCENARIOS = [
  { name: 'session', run: sessionScenario },
  { name: 'roles', run: rolesRun, needs: outboxDir },
  { name: 'company', run: companyRun, needs: outboxDir },
  { name: 'security', run: securityRun, needs: outboxDir },
  { name: 'home', run: ({ browser }) => homeScenario({ browser, ...demoContext }) },
  { name: 'alerts', run: ({ browser }) => alertsScenario({ browser, ...demoContext }) },
  { name: 'reports', run: reportsRun, needs: outboxDir },
  { name: 'schedules', run: schedulesRun, needs: outboxDir && envFile },
  { name: 'password', run: passwordRun, needs: outboxDir },
  { name: 'support', run: supportRun, needs: outboxDir && envFile },
  { name: 'bulk', run: bulkRun, needs: outboxDir },
];

/** Runs one scenario in a context of its own: its error, or null when it passed. */
async function runScenario(browser, scenario) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  // Answers the server failed, and requests that got none: printed with a failure, as a
  // blank page is otherwise hard to explain afterwards.
  const serverErrors = [];
  const watch = (p, errors) => {
    p.on('pageerror', (error) => errors.push(error.message));
    p.on('response', (r) => {
      if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    p.on('requestfailed', (r) =>
      serverErrors.push(`no answer (${r.failure()?.errorText ?? 'failed'}) ${r.method()} ${new URL(r.url()).pathname}`),
    );
  };
  watch(page, pageErrors);
  // Scenarios that open browser contexts of their own (home, alerts, customers) are
  // watched the same way (their uncaught errors printed with a failure), and their pages
  // are in the failure's screenshots.
  const opened = [];
  const otherErrors = [];
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const own = await newContext(...args);
    own.on('page', (p) => {
      opened.push(p);
      watch(p, otherErrors);
    });
    return own;
  };
  step(`scenario ${scenario.name}`);
  try {
    await scenario.run({ page, browser });
    if (pageErrors.length > 0) throw new Error(`uncaught errors in the page: ${pageErrors.join('; ')}`);
    return null;
  } catch (error) {
    const failurePath = resolve(resultsDir, `failure-${scenario.name}.png`);
    await page.screenshot({ path: failurePath, fullPage: true }).catch(() => undefined);
    const shots = [failurePath];
    for (const [i, other] of opened.filter((p) => !p.isClosed()).entries()) {
      const otherPath = resolve(resultsDir, `failure-${scenario.name}-${i + 1}.png`);
      if (await other.screenshot({ path: otherPath, fullPage: true }).then(() => true, () => false)) shots.push(otherPath);
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`e2e: scenario ${scenario.name} FAILED at step "${currentStep}": ${message}`);
    console.error(`e2e: screenshots of the failure saved to ${shots.join(', ')}`);
    const uncaught = [...pageErrors, ...otherErrors];
    if (uncaught.length > 0) console.error(`e2e: uncaught errors in the page: ${uncaught.join('; ')}`);
    if (serverErrors.length > 0) console.error(`e2e: failed requests: ${serverErrors.slice(-10).join('; ')}`);
    return message;
  } finally {
    browser.newContext = newContext;
    await context.close();
  }
}

async function main() {
  await mkdir(resultsDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  const failed = [];
  let passed = 0;
  try {
    for (const scenario of SCENARIOS) {
      if ('needs' in scenario && !scenario.needs) continue;
      if (only.length > 0 && !only.includes(scenario.name)) continue;
      const error = await runScenario(browser, scenario);
      if (error === null) passed += 1;
      else failed.push(scenario.name);
    }
  } finally {
    await browser.close();
  }
  return { passed, failed };
}

const watchdog = setTimeout(() => {
  console.error(`e2e: FAILED — the run took longer than ${RUN_TIMEOUT_MS / 1000} s (last step: ${currentStep})`);
  process.exit(1);
}, RUN_TIMEOUT_MS);
watchdog.unref();

const { passed, failed } = await main();
console.log(`e2e: ${passed} passed, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}`);
process.exit(failed.length ? 1 : 0);
