// The guide's "Using report templates" and "Scheduling reports" in a real browser, after
// run.mjs has signed a partner up, against the local stack (PC_OUTBOX_DIR, its mail
// outbox, and PC_ENV_FILE, the environment `infra local-stack` wrote):
//
// 1. The partner adds a customer (a report needs one) and uploads a logo in
//    Administration > Report Customization (the emailed report carries it).
// 2. Reports > Add: the wizard's Format Selection saves an Endpoint Summary of all
//    customers as a template; the Report Templates tab lists it, never generated.
// 3. Scheduled Reports > Add: the Add Report Schedule dialog schedules the template daily
//    at 06:00 GMT, emailed as an attached file to one address outside the console
//    (test-results/schedule-dialog.png); the list shows it with when it runs
//    (test-results/schedules-list.png), and moto's EventBridge Scheduler has it.
// 4. The operator command fires it as EventBridge Scheduler would
//    (`infra fire-schedule --schedule sch_…`): the worker answers that the report is
//    ready, and the Reports tab lists it Ready (test-results/scheduled-report-ready.png).
// 5. The outbox has one email to that address, with the PDF attached and the partner's
//    logo inline in its HTML body (test-results/scheduled-report.eml).
// 6. The schedule, which now names that report as its latest, is selected and deleted:
//    the list is as it was before, and moto's Scheduler no longer has it.

import { execFile } from 'node:child_process';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { addCustomerThroughUi, chooseControl } from './customers.mjs';

const run = promisify(execFile);
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOGO = resolve(REPO_ROOT, 'tests', 'fixtures', 'logos', 'ok-300x150.png');
/** `cargo run -p infra` reuses the build `make test` made; a change since then compiles first. */
const FIRE_TIMEOUT_MS = 300_000;
/** How long a fired report may take to be listed Ready (the worker answered already). */
const READY_TIMEOUT_MS = 120_000;

/** The text of an element, whitespace collapsed. */
async function shownText(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/**
 * The KEY=value lines of an env file as `infra local-stack` writes it (and bash reads
 * it): a value may be double-quoted.
 */
async function readEnvFile(path) {
  const env = {};
  for (const line of (await readFile(path, 'utf8')).split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2].trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    } else if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
      value = value.slice(1, -1);
    }
    env[match[1]] = value;
  }
  return env;
}

/**
 * GetSchedule on moto's EventBridge Scheduler API: `GET /schedules/{name}?groupName=`.
 * moto's server tells services apart by the credential scope of the Authorization
 * header and checks no signature; a request without one goes to S3, whose 404
 * (NoSuchBucket "schedules") would pass for a schedule that is gone.
 */
async function schedulerSchedule(env, name) {
  const endpoint = env.AWS_ENDPOINT_URL?.replace(/\/+$/, '');
  if (!endpoint || !env.SCHEDULE_GROUP) throw new Error('the env file has no AWS_ENDPOINT_URL or SCHEDULE_GROUP');
  const region = env.AWS_REGION || 'us-east-1';
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const url = `${endpoint}/schedules/${encodeURIComponent(name)}?groupName=${encodeURIComponent(env.SCHEDULE_GROUP)}`;
  const response = await fetch(url, {
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=${env.AWS_ACCESS_KEY_ID || 'local'}/${day}/${region}/scheduler/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: reported as text below
  }
  return { status: response.status, body, text: text.slice(0, 500) };
}

// A minimal MIME reader for the outbox's messages: headers (unfolded), multipart bodies
// split on their boundaries, and base64 or quoted-printable content decoded.

/** `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=` words decoded. */
function decodeWords(value) {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, encoding, text) => {
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          );
    return bytes.toString(/^utf-?8$/i.test(charset) ? 'utf8' : 'latin1');
  });
}

/** "type/sub; a=b; c=\"d e\"" → { value: 'type/sub', params: { a: 'b', c: 'd e' } }. */
function headerParams(header) {
  const [value, ...rest] = (header ?? '').split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const params = {};
  for (const part of rest) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    let v = part.slice(at + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[part.slice(0, at).trim().toLowerCase()] = decodeWords(v);
  }
  return { value: value.trim().toLowerCase(), params };
}

/** A part (or the message) from its raw text (one char a byte): headers, decoded content, child parts. */
function parsePart(raw) {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : raw;
  const body = split ? raw.slice(split.index + split[0].length) : '';
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const type = headerParams(headers['content-type'] ?? 'text/plain');
  const part = { headers, type, disposition: headerParams(headers['content-disposition']), parts: [], content: null };
  if (type.value.startsWith('multipart/') && type.params.boundary) {
    const delimiter = `--${type.params.boundary}`;
    const sections = body.split(new RegExp(`(?:^|\\r?\\n)${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // Before the first delimiter is the preamble; from the closing one ("--") on, the epilogue.
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      part.parts.push(parsePart(section.replace(/^[ \t]*\r?\n/, '')));
    }
    return part;
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') {
    part.content = Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  } else if (encoding === 'quoted-printable') {
    const text = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    part.content = Buffer.from(text, 'latin1');
  } else {
    part.content = Buffer.from(body, 'latin1');
  }
  return part;
}

/** Every part that holds content (not a multipart), in order. */
function leaves(part) {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

/** The addresses a header names, lower-cased. */
function addresses(header) {
  return (decodeWords(header ?? '').match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []).map((address) => address.toLowerCase());
}

/** Every outbox message addressed to `to`: its file name and parsed MIME. */
async function outboxMessagesTo(outboxDir, to) {
  let names;
  try {
    names = (await readdir(outboxDir)).filter((name) => name.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  const found = [];
  for (const name of names) {
    const message = parsePart((await readFile(join(outboxDir, name))).toString('latin1'));
    if (addresses(message.headers.to).includes(to.toLowerCase())) found.push({ name, message });
  }
  return found;
}

export async function schedulesScenario(ctx) {
  const { page, step, expectApiResponse, stamp, resultsDir, timeoutMs, outboxDir, envFile } = ctx;
  const wait = { timeout: timeoutMs };
  const stackEnv = await readEnvFile(envFile);

  function navLink(name) {
    return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  }

  // 1. A customer for the report to cover, and the logo the email carries.
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

  step('schedules: Administration > Report Customization — upload a logo');
  const logo = await readFile(LOGO);
  await expectApiResponse(page, 'GET', '/api/v1/branding', 200, () => navLink('Report Customization').click());
  await page.getByTestId('report-preview').waitFor(wait);
  await expectApiResponse(page, 'PUT', '/api/v1/branding/logo', 200, () => page.getByTestId('logo-input').setInputFiles(LOGO));
  await page.getByTestId('preview-logo').waitFor(wait);

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
  if (JSON.stringify(template.formats) !== JSON.stringify(['pdf'])) {
    throw new Error(`the template was saved with the formats ${JSON.stringify(template.formats)}, not PDF alone`);
  }
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

  // 3. A daily schedule of it, emailed to an address outside the console.
  step('schedules: the Scheduled Reports tab');
  await expectApiResponse(page, 'GET', '/api/v1/report-schedules', 200, () =>
    page.getByRole('tab', { name: 'Scheduled Reports', exact: true }).click(),
  );
  const rows = page.getByTestId('schedule-row');
  const empty = page.getByTestId('schedules-empty');
  await page.getByTestId('schedules-table').or(empty).first().waitFor(wait);
  const before = await rows.count();

  const scheduleName = `E2E daily ${stamp}`;
  const recipient = `owner-${stamp}@customer.example`;
  step(`schedules: Add Report Schedule — daily at 06:00 GMT, attached, to ${recipient}`);
  await page.locator('[data-testid="add-schedule"]:enabled').click();
  const dialog = page.getByRole('dialog', { name: 'Add Report Schedule', exact: true });
  await dialog.waitFor(wait);
  await dialog.getByLabel('Schedule name', { exact: true }).fill(scheduleName);
  await dialog.getByLabel('Report Template', { exact: true }).selectOption({ label: templateName });
  await dialog.getByLabel('How Often', { exact: true }).selectOption({ label: 'Daily' });
  await dialog.getByLabel('Starting at', { exact: true }).selectOption({ label: '06:00 GMT' });
  await chooseControl(dialog, 'schedule-attach', timeoutMs);
  await dialog.locator('[data-testid="schedule-emails"]:enabled').fill(recipient);
  await page.screenshot({ path: resolve(resultsDir, 'schedule-dialog.png'), fullPage: true });
  const added = await expectApiResponse(page, 'POST', '/api/v1/report-schedules', 201, () =>
    dialog.getByTestId('schedule-save').click(),
  );
  const sentDelivery = JSON.parse(added.request().postData() ?? '{}').delivery;
  if (sentDelivery?.attach !== true || JSON.stringify(sentDelivery?.emails) !== JSON.stringify([recipient])) {
    throw new Error(`the dialog sent the recipients ${JSON.stringify(sentDelivery)}`);
  }
  const schedule = await added.json();
  if (schedule.state !== 'active') throw new Error(`the new schedule is ${schedule.state}, not active`);
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

  step(`schedules: moto's EventBridge Scheduler has ${schedule.id} in ${stackEnv.SCHEDULE_GROUP}`);
  const made = await schedulerSchedule(stackEnv, schedule.id);
  if (made.status !== 200 || made.body?.Name !== schedule.id) {
    throw new Error(`GetSchedule ${schedule.id} answered ${made.status}: ${made.text}`);
  }
  if (made.body.ScheduleExpression !== 'cron(0 6 * * ? *)') {
    throw new Error(`the EventBridge schedule runs at ${made.body.ScheduleExpression}, not daily at 06:00`);
  }

  // 4. Fired by the operator command, as EventBridge Scheduler would.
  step(`schedules: infra fire-schedule --schedule ${schedule.id}`);
  let answer;
  try {
    const { stdout } = await run('cargo', ['run', '-q', '-p', 'infra', '--', 'fire-schedule', '--schedule', schedule.id], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...stackEnv },
      timeout: FIRE_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    answer = stdout.trim().split('\n').at(-1) ?? '';
  } catch (error) {
    const said = `${error.stderr ?? ''}${error.stdout ?? ''}`.trim().slice(-2000);
    throw new Error(`fire-schedule failed (${error.killed ? 'timed out' : `exit ${error.code}`}): ${said || error.message}`, {
      cause: error,
    });
  }
  console.log(`e2e: the report worker answered ${answer}`);
  let outcome;
  try {
    outcome = JSON.parse(answer);
  } catch {
    throw new Error(`fire-schedule printed no JSON answer: ${answer}`);
  }
  if (!outcome || typeof outcome !== 'object' || !('ready' in outcome)) {
    throw new Error(`the report worker did not make the report: ${answer}`);
  }

  step('schedules: the Reports tab lists the new report, followed until it is Ready');
  await expectApiResponse(page, 'GET', '/api/v1/reports', 200, () =>
    page.getByRole('tab', { name: 'Reports', exact: true }).click(),
  );
  const reportRow = page.getByTestId('report-row').filter({ hasText: templateName });
  await reportRow.first().waitFor(wait);
  const reportCount = await reportRow.count();
  if (reportCount !== 1) throw new Error(`the Reports tab lists ${reportCount} reports named "${templateName}", not 1`);
  const reportId = await reportRow.getAttribute('data-report-id');
  const ready = page.locator(`[data-testid="report-row"][data-report-id="${reportId}"][data-status="ready"]`);
  const failed = page.locator(`[data-testid="report-row"][data-report-id="${reportId}"][data-status="failed"]`);
  await ready.or(failed).first().waitFor({ timeout: READY_TIMEOUT_MS });
  if (await failed.count()) {
    throw new Error(`the scheduled report failed: ${await shownText(failed.getByTestId('report-status'))}`);
  }
  await ready.getByTestId('report-open').waitFor(wait);
  await page.screenshot({ path: resolve(resultsDir, 'scheduled-report-ready.png'), fullPage: true });

  // 5. The email.
  step(`schedules: the outbox has the email to ${recipient}, the PDF attached and the logo inline`);
  const deadline = Date.now() + timeoutMs;
  let messages = await outboxMessagesTo(outboxDir, recipient);
  while (messages.length === 0 && Date.now() < deadline) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
    messages = await outboxMessagesTo(outboxDir, recipient);
  }
  if (messages.length !== 1) {
    throw new Error(`the outbox (${outboxDir}) has ${messages.length} emails to ${recipient}, not 1`);
  }
  const [{ name: emlName, message }] = messages;
  await copyFile(join(outboxDir, emlName), resolve(resultsDir, 'scheduled-report.eml'));
  const parts = leaves(message);
  const attachments = parts.filter((part) => part.disposition.value === 'attachment');
  const pdf = attachments.find((part) => /\.pdf$/i.test(part.disposition.params.filename ?? ''));
  if (!pdf) {
    const names = attachments.map((part) => part.disposition.params.filename ?? '(no name)');
    throw new Error(`the email has no PDF attached (attachments: ${names.join(', ') || 'none'})`);
  }
  if (pdf.disposition.params.filename !== `${templateName}.pdf`) {
    throw new Error(`the attached PDF is named "${pdf.disposition.params.filename}", not "${templateName}.pdf"`);
  }
  if (pdf.content.subarray(0, 4).toString('latin1') !== '%PDF') {
    throw new Error(`the attached "${pdf.disposition.params.filename}" does not start with %PDF`);
  }
  const inlineLogo = parts.find((part) => (part.headers['content-id'] ?? '').trim() === '<logo>');
  if (!inlineLogo) throw new Error('the email has no part with Content-ID: <logo>');
  if (inlineLogo.disposition.value !== 'inline' || !inlineLogo.content.equals(logo)) {
    throw new Error(
      `the <logo> part is ${inlineLogo.disposition.value || 'without a disposition'}, ${inlineLogo.content.length} bytes, not the uploaded ${logo.length}-byte logo inline`,
    );
  }
  const html = parts.find((part) => part.type.value === 'text/html');
  if (!html) throw new Error('the email has no HTML body');
  const htmlText = html.content.toString(/^utf-?8$/i.test(html.type.params.charset ?? 'utf-8') ? 'utf8' : 'latin1');
  if (!htmlText.includes('cid:logo')) throw new Error('the email’s HTML body does not show the logo (no cid:logo)');

  // 6. Deleted, in the console and in EventBridge Scheduler.
  step('schedules: the Scheduled Reports tab names the report as the schedule’s latest');
  const listed = await expectApiResponse(page, 'GET', '/api/v1/report-schedules', 200, () =>
    page.getByRole('tab', { name: 'Scheduled Reports', exact: true }).click(),
  );
  const latest = (await listed.json()).items.find((item) => item.id === schedule.id)?.lastReportId;
  if (latest !== reportId) throw new Error(`the schedule's latest report is ${latest}, not the listed ${reportId}`);
  await row.waitFor(wait);

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

  step(`schedules: moto's EventBridge Scheduler no longer has ${schedule.id}`);
  const gone = await schedulerSchedule(stackEnv, schedule.id);
  if (gone.status !== 404 || gone.body?.__type !== 'ResourceNotFoundException') {
    throw new Error(`GetSchedule ${schedule.id} answered ${gone.status} after the delete, not 404 ResourceNotFoundException: ${gone.text}`);
  }
}
