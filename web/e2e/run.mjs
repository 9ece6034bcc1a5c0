#!/usr/bin/env node
// Browser end-to-end test of the Partner Console against a running web front
// end and API. Usage: PC_WEB_URL=http://127.0.0.1:5173 npm run e2e
//
// Scenario: sign up a new partner, land on Home and see its company, sign out,
// sign in again, see the same company and the sign-up and sign-in in the Home
// page's recent activity, reload (session restored from the refresh cookie), and
// save a full-page screenshot to test-results/signed-in.png.
//
// With PC_EXSP_SERIAL set to an available ExSP serial number, it then activates it
// from Home's Quick tasks (Validate, Activate), waits for the partner program to
// read "ExSP" and saves test-results/exsp-active.png (a serial number activates
// once, so each run needs a fresh one). Without it, that part is left out.
//
// With PC_OUTBOX_DIR (the local stack's mail outbox) as well, it goes on with the
// customers scenario of e2e/customers.mjs (the guide's chapter 2). With PC_OUTBOX_DIR it
// then runs the users and roles scenario of e2e/roles.mjs (the guide's chapter 5), and
// the security scenario of e2e/security.mjs: the partner administrator sets up two-step
// verification (the code computed from the key the page shows), signs in again with the
// password and a code, and creates an API client whose secret is shown once. Last, the
// Home scenario of e2e/home.mjs signs in as the demo partner (`infra demo`, with its
// simulated fleet): the ten widgets with figures, drag and drop, removal, the layout
// surviving a reload, and the Display filter. Then the alerts scenario of e2e/alerts.mjs,
// as the demo partner: filters, the viewing pane, dismissing two alerts at once, and an
// alert notification rule added and toggled off and on.

import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { customersScenario } from './customers.mjs';
import { rolesScenario } from './roles.mjs';
import { securityScenario } from './security.mjs';
import { homeScenario } from './home.mjs';
import { alertsScenario } from './alerts.mjs';

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

const stamp = `${Date.now()}-${randomBytes(4).toString('hex')}`;
const account = {
  email: `e2e-${stamp}@example.com`,
  password: `E2e-Passw0rd-${randomBytes(6).toString('hex')}`,
  company: `E2E Partner ${stamp}`,
  firstName: 'Erin',
  lastName: 'Tester',
};

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

async function expectHome(page) {
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
}

async function run(page, browser) {
  await signUp(page, account);

  step('land on Home and see the new company');
  await expectHome(page);

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
  await expectHome(page);

  step('see the sign-up and the sign-in in the recent activity on Home');
  await expectActivity(page, ['Signed up', 'Signed in']);

  step('reload: the session is restored from the refresh cookie');
  await expectApiResponse(page, 'POST', '/api/v1/auth/refresh', 200, () => page.reload({ waitUntil: 'domcontentloaded' }));
  await expectHome(page);

  step('check that no token was written to web storage');
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
  if (stored.local !== 0 || stored.session !== 0) {
    throw new Error(`web storage is not empty: localStorage=${stored.local}, sessionStorage=${stored.session}`);
  }

  step('save test-results/signed-in.png');
  await page.screenshot({ path: resolve(resultsDir, 'signed-in.png'), fullPage: true });

  if (exspSerial) await activateExspSerial(page, exspSerial);
  if (exspSerial && outboxDir) {
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
  if (outboxDir) {
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
    await securityScenario({
      page,
      account,
      step,
      expectApiResponse,
      expectHome,
      stamp,
      resultsDir,
      timeoutMs: STEP_TIMEOUT_MS,
    });
    // The local stack's demo partner, with its simulated fleet (`infra demo`).
    await homeScenario({
      browser,
      baseUrl,
      step,
      expectApiResponse,
      resultsDir,
      timeoutMs: STEP_TIMEOUT_MS,
    });
    // The demo partner's alerts (raised while its fleets were ingested) and its alert
    // notification rules.
    await alertsScenario({
      browser,
      baseUrl,
      step,
      expectApiResponse,
      resultsDir,
      timeoutMs: STEP_TIMEOUT_MS,
    });
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
  const pageErrors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await run(page, browser);
    } catch (error) {
      const failurePath = resolve(resultsDir, 'failure.png');
      await page.screenshot({ path: failurePath, fullPage: true }).catch(() => undefined);
      console.error(`e2e: screenshot of the failure saved to ${failurePath}`);
      throw error;
    }
    if (pageErrors.length > 0) throw new Error(`uncaught errors in the page: ${pageErrors.join('; ')}`);
  } finally {
    await browser.close();
  }
}

const watchdog = setTimeout(() => {
  console.error(`e2e: FAILED — the run took longer than ${RUN_TIMEOUT_MS / 1000} s (last step: ${currentStep})`);
  process.exit(1);
}, RUN_TIMEOUT_MS);
watchdog.unref();

try {
  await main();
  console.log('e2e: 1 passed, 0 failed');
} catch (error) {
  console.error(`e2e: FAILED at step "${currentStep}": ${error instanceof Error ? error.message : String(error)}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}
