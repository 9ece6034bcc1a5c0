// The guide's "Using report templates" and "Scheduling reports" in a real browser, after
// run.mjs has signed a partner up:
//
// 1. The partner adds a customer (a report needs one).
// 2. Reports > Add: the wizard's Format Selection saves an Endpoint Summary of all
//    customers as a template; the Report Templates tab lists it, never generated.
// 3. Scheduled Reports > Add: the Add Report Schedule dialog schedules the template daily
//    at 06:00 GMT; the list shows it with when it runs (test-results/schedules-list.png).
// 4. The schedule is selected and deleted: the list is as it was before.

import { resolve } from 'node:path';
import { addCustomerThroughUi, chooseControl } from './customers.mjs';

/** The text of an element, whitespace collapsed. */
async function shownText(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

export async function schedulesScenario(ctx) {
  const { page, step, expectApiResponse, stamp, resultsDir, timeoutMs } = ctx;
  const wait = { timeout: timeoutMs };

  function navLink(name) {
    return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  }

  // 1. A customer for the report to cover.
  step('schedules: add a customer');
  await addCustomerThroughUi(
    page,
    {
      name: `Schedules Clinic ${stamp}`,
      email: `schedules-${stamp}@customer.example`,
      management: 'coManaged',
      communications: 'shared',
      products: [{ id: 'endpoint-protection', type: 'trial' }],
    },
    { expectApiResponse, timeoutMs },
  );

  // 2. Save as template, from the wizard.
  const templateName = `E2E template ${stamp}`;
  step('schedules: Reports > Add opens the wizard');
  await expectApiResponse(page, 'GET', '/api/v1/reports', 200, () => navLink('Reports').click());
  await page.getByTestId('add-report').click();
  const wizard = page.getByTestId('report-wizard');
  await wizard.waitFor(wait);
  const heading = wizard.getByRole('heading', { level: 2 });
  const next = page.getByTestId('wizard-next');

  step('schedules: an Endpoint Summary of all customers');
  await page.getByLabel('Report name', { exact: true }).fill(templateName);
  await page.getByLabel('Report Type', { exact: true }).selectOption({ label: 'Endpoint Summary' });
  await next.click();
  await heading.filter({ hasText: 'Data Selection' }).waitFor(wait);
  await chooseControl(page, 'report-all-customers', timeoutMs);
  await next.click();
  await heading.filter({ hasText: 'Format Selection' }).waitFor(wait);

  step('schedules: Format Selection — Save as template');
  const saved = await expectApiResponse(page, 'POST', '/api/v1/report-templates', 201, () =>
    page.getByTestId('save-template').click(),
  );
  const template = await saved.json();
  await page.getByText(`Saved as the template “${templateName}”.`, { exact: true }).waitFor(wait);

  step('schedules: the Report Templates tab lists it, never generated');
  await expectApiResponse(page, 'GET', '/api/v1/reports', 200, () => navLink('Reports').click());
  await expectApiResponse(page, 'GET', '/api/v1/report-templates', 200, () =>
    page.getByRole('tab', { name: 'Report Templates', exact: true }).click(),
  );
  const templateRow = page.locator(`[data-testid="template-row"][data-template-id="${template.id}"]`);
  await templateRow.waitFor(wait);
  const generated = await shownText(templateRow.getByTestId('template-generated'));
  if (generated !== 'Never') throw new Error(`the new template's Generated Date reads "${generated}", not Never`);

  // 3. A daily schedule of it.
  step('schedules: the Scheduled Reports tab');
  await expectApiResponse(page, 'GET', '/api/v1/report-schedules', 200, () =>
    page.getByRole('tab', { name: 'Scheduled Reports', exact: true }).click(),
  );
  const rows = page.getByTestId('schedule-row');
  const empty = page.getByTestId('schedules-empty');
  await page.getByTestId('schedules-table').or(empty).first().waitFor(wait);
  const before = await rows.count();

  const scheduleName = `E2E daily ${stamp}`;
  step('schedules: Add Report Schedule — daily at 06:00 GMT');
  await page.locator('[data-testid="add-schedule"]:enabled').click();
  const dialog = page.getByRole('dialog', { name: 'Add Report Schedule', exact: true });
  await dialog.waitFor(wait);
  await dialog.getByLabel('Schedule name', { exact: true }).fill(scheduleName);
  await dialog.getByLabel('Report Template', { exact: true }).selectOption({ label: templateName });
  await dialog.getByLabel('How Often', { exact: true }).selectOption({ label: 'Daily' });
  await dialog.getByLabel('Starting at', { exact: true }).selectOption({ label: '06:00 GMT' });
  const added = await expectApiResponse(page, 'POST', '/api/v1/report-schedules', 201, () =>
    dialog.getByTestId('schedule-save').click(),
  );
  const schedule = await added.json();
  await dialog.waitFor({ state: 'detached', ...wait });

  step('schedules: the list shows it with when it runs');
  const row = page.locator(`[data-testid="schedule-row"][data-schedule-id="${schedule.id}"]`);
  await row.waitFor(wait);
  const runs = await shownText(row.getByTestId('schedule-runs'));
  if (!runs.startsWith(schedule.runs) || !/Daily/.test(runs) || !runs.includes('06:00 GMT')) {
    throw new Error(`the schedule's Schedule column reads "${runs}", the API says "${schedule.runs}"`);
  }
  const cells = await shownText(row);
  if (!cells.includes(scheduleName) || !cells.includes(templateName)) {
    throw new Error(`the schedule's row reads "${cells}"`);
  }
  await page.screenshot({ path: resolve(resultsDir, 'schedules-list.png'), fullPage: true });

  // 4. Deleted.
  step('schedules: select it and Delete');
  await row.getByTestId('schedule-select').check();
  await page.getByTestId('delete-schedules').click();
  const confirm = page.getByRole('dialog', { name: 'Delete this scheduled report?', exact: true });
  await confirm.waitFor(wait);
  await expectApiResponse(page, 'DELETE', `/api/v1/report-schedules/${schedule.id}`, 204, () =>
    confirm.getByTestId('delete-schedules-confirm').click(),
  );
  await confirm.waitFor({ state: 'detached', ...wait });
  await row.waitFor({ state: 'detached', ...wait });
  if (before === 0) await empty.waitFor(wait);
  const after = await rows.count();
  if (after !== before) throw new Error(`the list has ${after} schedules after the delete, ${before} before the add`);
}
