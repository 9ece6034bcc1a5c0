// The guide's chapter 3 ("Configuring, running, and scheduling reports") and "Customizing
// your reports" in a real browser, after run.mjs has signed a partner up:
//
// 1. The partner adds a customer whose name is Greek and Cyrillic.
// 2. Administration > Report Customization: a theme colour (the preview follows it before
//    Save), a logo uploaded (tests/fixtures/logos/ok-300x150.png, when it is there) and
//    shown in the preview, then Save.
// 3. Reports > Add: the wizard's five steps for an Endpoint Summary of that customer in
//    PDF and HTML (test-results/report-wizard.png at the Confirmation step), Generate
//    Report; the Reports page lists it as Processing and follows it until it is Ready
//    (test-results/reports-list.png).
// 4. Its name opens the HTML in a new window: the report's name and the customer's name
//    are in it.
// 5. Download PDF saves test-results/report.pdf; Debian's pdftotext finds the customer's
//    name in it, and pdftoppm turns its first page into test-results/report-page1.png.

import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { addCustomerThroughUi, chooseControl } from './customers.mjs';

/* global document, getComputedStyle, HTMLImageElement -- the functions given to page.evaluate and page.waitForFunction run in the page */

const run = promisify(execFile);
const PDFTOTEXT = '/usr/bin/pdftotext';
const PDFTOPPM = '/usr/bin/pdftoppm';
const LOGO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'fixtures', 'logos', 'ok-300x150.png');
/** How long a report may take to be made (the worker runs through the local event dispatcher). */
const READY_TIMEOUT_MS = 180_000;

async function exists(path) {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The text of an element, whitespace collapsed. */
async function shownText(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Text without any whitespace, to compare text a PDF may have broken across lines. */
function squeezed(text) {
  return text.replace(/\s+/g, '');
}

export async function reportsScenario(ctx) {
  const { page, step, expectApiResponse, stamp, resultsDir, timeoutMs } = ctx;
  const wait = { timeout: timeoutMs };

  function navLink(name) {
    return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  }

  for (const tool of [PDFTOTEXT, PDFTOPPM]) {
    if (!(await exists(tool))) throw new Error(`${tool} is missing: make setup-browser installs poppler-utils`);
  }

  // 1. A customer whose name is not in Latin letters.
  const customer = {
    name: `Κλινική Αθηνά Москва ${stamp}`,
    email: `reports-${stamp}@customer.example`,
    management: 'coManaged',
    communications: 'shared',
    products: [{ id: 'endpoint-protection', type: 'trial' }],
  };
  step('reports: add a customer with a Greek and Cyrillic name');
  await addCustomerThroughUi(page, customer, { expectApiResponse, timeoutMs });

  // 2. Report Customization.
  step('reports: Administration > Report Customization');
  await expectApiResponse(page, 'GET', '/api/v1/branding', 200, () => navLink('Report Customization').click());
  await page.getByRole('heading', { name: 'Report Customization', exact: true, level: 1 }).waitFor(wait);
  const preview = page.getByTestId('report-preview');
  await preview.waitFor(wait);

  step('reports: a theme colour shows in the preview before it is saved');
  await page.getByLabel('Report Theme colour', { exact: true }).fill('#2a6f4e');
  const banner = page.getByTestId('preview-banner');
  const background = await banner.evaluate((element) => getComputedStyle(element).backgroundColor);
  if (background !== 'rgb(42, 111, 78)') throw new Error(`the preview's banner is ${background}, not the chosen colour`);
  const green = await page.getByTestId('theme-colour-g').inputValue();
  if (green !== '111') throw new Error(`the G value reads ${green} after choosing #2a6f4e, not 111`);

  if (await exists(LOGO)) {
    step('reports: upload a logo; the preview shows it within 116 × 110');
    await expectApiResponse(page, 'PUT', '/api/v1/branding/logo', 200, () =>
      page.getByTestId('logo-input').setInputFiles(LOGO),
    );
    const logo = page.getByTestId('preview-logo');
    await logo.waitFor(wait);
    await page.waitForFunction(
      () => {
        const image = document.querySelector('[data-testid="preview-logo"]');
        return image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0;
      },
      undefined,
      wait,
    );
    const box = await logo.boundingBox();
    const fit = await logo.evaluate((image) => getComputedStyle(image).objectFit);
    if (!box || box.width > 116.5 || box.height > 110.5 || fit !== 'contain') {
      throw new Error(`the preview's logo is ${JSON.stringify(box)} with object-fit ${fit}, not contained in 116 × 110`);
    }
  } else {
    step(`reports: no ${LOGO} yet, the logo upload is left out`);
  }

  step('reports: save the customization');
  await expectApiResponse(page, 'PUT', '/api/v1/branding', 200, () => page.getByTestId('branding-save').click());
  await page.getByTestId('branding-status').filter({ hasText: 'Saved.' }).waitFor(wait);
  await page.screenshot({ path: resolve(resultsDir, 'report-customization.png'), fullPage: true });

  // 3. The report wizard.
  const reportName = `E2E Endpoint Summary ${stamp}`;
  step('reports: Reports > Add opens the wizard');
  await expectApiResponse(page, 'GET', '/api/v1/reports', 200, () => navLink('Reports').click());
  await page.getByTestId('add-report').click();
  const wizard = page.getByTestId('report-wizard');
  await wizard.waitFor(wait);
  const heading = wizard.getByRole('heading', { level: 2 });
  const next = page.getByTestId('wizard-next');

  step('reports: Report Selection');
  await page.getByLabel('Report name', { exact: true }).fill(reportName);
  await page.getByLabel('Report Type', { exact: true }).selectOption({ label: 'Endpoint Summary' });
  await next.click();

  step('reports: Data Selection — the last 30 days, the customer, active computers');
  await heading.filter({ hasText: 'Data Selection' }).waitFor(wait);
  await chooseControl(page, 'report-period-30d', timeoutMs);
  await page.getByTestId('report-customer-search').fill('Κλινική Αθηνά');
  await page.getByRole('checkbox', { name: customer.name, exact: true }).check();
  await page.getByTestId('report-chosen-customers').getByText(customer.name, { exact: true }).waitFor(wait);
  await chooseControl(page, 'report-computers-active', timeoutMs);
  await next.click();

  step('reports: Format Selection — PDF and HTML');
  await heading.filter({ hasText: 'Format Selection' }).waitFor(wait);
  if (!(await page.getByTestId('report-format-pdf').isChecked())) throw new Error('PDF is not checked at first');
  await chooseControl(page, 'report-format-html', timeoutMs);
  await next.click();

  step('reports: Delivery, then Confirmation');
  await heading.filter({ hasText: 'Delivery' }).waitFor(wait);
  await next.click();
  await heading.filter({ hasText: 'Confirmation' }).waitFor(wait);
  const summary = await shownText(page.getByTestId('report-summary'));
  for (const expected of [reportName, 'Endpoint Summary', 'Last 30 days', customer.name, 'PDF, HTML']) {
    if (!summary.includes(expected)) throw new Error(`the confirmation does not show "${expected}": ${summary}`);
  }
  const done = await page.locator('[data-testid="wizard-step"][data-done="true"]').count();
  if (done !== 4) throw new Error(`the step bar shows ${done} completed steps at Confirmation, not 4`);
  await page.screenshot({ path: resolve(resultsDir, 'report-wizard.png'), fullPage: true });

  step('reports: Generate Report');
  const created = await expectApiResponse(page, 'POST', '/api/v1/reports', 202, () =>
    page.getByTestId('generate-report').click(),
  );
  const report = await created.json();
  const sent = JSON.parse(created.request().postData() ?? '{}');
  if (JSON.stringify(sent.formats) !== JSON.stringify(['pdf', 'html']) || sent.type !== 'endpointSummary') {
    throw new Error(`the wizard asked for ${JSON.stringify(sent)}`);
  }
  await page.getByRole('heading', { name: 'Reports', exact: true, level: 1 }).waitFor(wait);
  const row = page.locator(`[data-testid="report-row"][data-report-id="${report.id}"]`);
  await row.waitFor(wait);

  step('reports: the list follows the report until it is Ready');
  const ready = page.locator(`[data-testid="report-row"][data-report-id="${report.id}"][data-status="ready"]`);
  const failed = page.locator(`[data-testid="report-row"][data-report-id="${report.id}"][data-status="failed"]`);
  await ready.or(failed).first().waitFor({ timeout: READY_TIMEOUT_MS });
  if (await failed.count()) {
    throw new Error(`the report failed: ${await shownText(failed.getByTestId('report-status'))}`);
  }
  await page.screenshot({ path: resolve(resultsDir, 'reports-list.png'), fullPage: true });

  // 4. The HTML, in a new window.
  step('reports: the name opens the HTML in a new window');
  const [view] = await Promise.all([
    page.context().waitForEvent('page', wait),
    expectApiResponse(page, 'GET', `/api/v1/reports/${report.id}/files/html`, 200, () =>
      row.getByTestId('report-open').click(),
    ),
  ]);
  await view.waitForLoadState('domcontentloaded', wait);
  const title = await view.title();
  const firstHeading = (await view.locator('h1').count()) > 0 ? await view.locator('h1').first().innerText() : '';
  if (!title.includes(reportName) && !firstHeading.includes(reportName)) {
    throw new Error(`the HTML report's title "${title}" and heading "${firstHeading}" do not name "${reportName}"`);
  }
  const html = await shownText(view.locator('body'));
  if (!html.includes(customer.name)) throw new Error(`the HTML report does not name the customer "${customer.name}"`);
  await view.close();

  // 5. The PDF, downloaded and read.
  step('reports: Download PDF');
  const pdfPath = resolve(resultsDir, 'report.pdf');
  const [download] = await Promise.all([
    page.waitForEvent('download', wait),
    row.getByTestId('report-download-pdf').click(),
  ]);
  await download.saveAs(pdfPath);
  const failure = await download.failure();
  if (failure) throw new Error(`the PDF download failed: ${failure}`);

  step('reports: pdftotext finds the customer in the PDF');
  const { stdout: text } = await run(PDFTOTEXT, ['-enc', 'UTF-8', pdfPath, '-'], { maxBuffer: 32 * 1024 * 1024 });
  if (!squeezed(text).includes(squeezed(customer.name))) {
    throw new Error(`pdftotext does not find "${customer.name}" in the PDF; it reads: ${text.slice(0, 600)}`);
  }

  step('reports: save the first page as test-results/report-page1.png');
  await run(PDFTOPPM, ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdfPath, resolve(resultsDir, 'report-page1')]);
  if (!(await exists(resolve(resultsDir, 'report-page1.png')))) throw new Error('pdftoppm wrote no report-page1.png');
}
