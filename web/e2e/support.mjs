// The guide's "Submitting support tickets" and "Using the Support ticket listing" in a
// real browser, after run.mjs has signed a partner up, against the local stack
// (PC_OUTBOX_DIR, its mail outbox, and PC_ENV_FILE, the environment `infra local-stack`
// wrote):
//
// 1. The account menu's Case Management opens the listing; Create Support Ticket opens
//    a case with a PNG chosen with Browse: the file goes from the browser straight to
//    the files bucket (moto) with its presigned PUT, and the API checks it.
// 2. The case's detail shows the attachment (its download link is given).
// 3. Support answers from the operator tools (`infra support-tickets`, then
//    `infra support-comment`): the user, who follows the case they opened, is emailed
//    (the outbox), and sees the comment in Case Comments after a reload.
// 4. The user adds a comment and closes the case with a Case Resolution: the case reads
//    Closed and offers no more changes (test-results/support-closed.png).

import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOT = resolve(REPO_ROOT, 'tests', 'fixtures', 'logos', 'ok-300x150.png');
/** `cargo run -p infra` reuses the build `make test` made; a change since then compiles first. */
const INFRA_TIMEOUT_MS = 300_000;

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

async function infra(stackEnv, args) {
  try {
    const { stdout } = await run('cargo', ['run', '-q', '-p', 'infra', '--', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...stackEnv },
      timeout: INFRA_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const said = `${error.stderr ?? ''}${error.stdout ?? ''}`.trim().slice(-2000);
    throw new Error(`infra ${args[0]} failed (${error.killed ? 'timed out' : `exit ${error.code}`}): ${said || error.message}`, {
      cause: error,
    });
  }
}

/** The outbox messages to `to` whose text contains `text` (quoted-printable undone). */
async function outboxMessages(outboxDir, to, text) {
  const found = [];
  for (const name of (await readdir(outboxDir)).filter((n) => n.endsWith('.eml'))) {
    const raw = await readFile(join(outboxDir, name), 'latin1');
    if (!raw.includes(`To: ${to}\r\n`)) continue;
    const body = raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    let decoded = body;
    for (const match of raw.matchAll(/\r\n\r\n([A-Za-z0-9+/=\r\n]+)(?:\r\n--|$)/g)) {
      try {
        decoded += Buffer.from(match[1].replace(/\r\n/g, ''), 'base64').toString('utf8');
      } catch {
        // Not base64: the text is in the body as it is.
      }
    }
    if (decoded.includes(text)) found.push(name);
  }
  return found;
}

export async function supportScenario(ctx) {
  const { page, step, expectApiResponse, resultsDir, timeoutMs, outboxDir, envFile, account, stamp } = ctx;
  const wait = { timeout: timeoutMs };
  const stackEnv = await readEnvFile(envFile);
  const subject = `Agents offline ${stamp}`;

  step('support: the account menu opens Case Management');
  await page.getByTestId('account-menu').click();
  await expectApiResponse(page, 'GET', '/api/v1/tickets', 200, () => page.getByTestId('case-management').click());
  await page.getByRole('heading', { name: 'Case Management', exact: true }).waitFor(wait);

  step('support: Create Support Ticket with a screenshot chosen with Browse');
  await page.getByTestId('create-ticket').click();
  const dialog = page.getByRole('dialog', { name: 'Create Support Ticket', exact: true });
  await dialog.waitFor(wait);
  await dialog.getByTestId('ticket-subject').fill(subject);
  await dialog.getByTestId('ticket-description').fill('Every agent stopped reporting on Monday.\nThe screenshot shows the console.');
  await dialog.getByTestId('ticket-files').setInputFiles(SCREENSHOT);
  const created = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/tickets',
    wait,
  );
  const uploaded = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/support/'), wait);
  const checked = expectApiResponse(page, 'POST', /^\/api\/v1\/tickets\/tkt_[0-9a-f]+\/attachments\/att_[0-9a-f]+\/complete$/, 200, () =>
    dialog.getByTestId('ticket-submit').click(),
  );
  const ticket = await (await created).json();
  if ((await created).status() !== 201) throw new Error(`POST /api/v1/tickets answered ${(await created).status()}`);
  const put = await uploaded;
  if (put.status() !== 200) throw new Error(`the upload to storage answered ${put.status()}`);
  await checked;
  await page.waitForURL(`**/cases/${ticket.id}`, wait);
  await page.getByTestId('ticket-title').filter({ hasText: subject }).waitFor(wait);
  await page.getByTestId('attachment-ok-300x150.png').waitFor(wait);

  step('support: the attachment downloads through a link given after the access check');
  const linked = await expectApiResponse(page, 'GET', /^\/api\/v1\/tickets\/tkt_[0-9a-f]+\/attachments\/att_[0-9a-f]+$/, 200, () =>
    page.getByTestId('attachment-ok-300x150.png').click(),
  );
  const { url } = await linked.json();
  const served = Buffer.from(await (await fetch(url)).arrayBuffer());
  if (!served.equals(await readFile(SCREENSHOT))) throw new Error('the downloaded attachment differs from the file uploaded');

  step('support: the operator finds the case among the open ones and comments');
  const open = await infra(stackEnv, ['support-tickets']);
  const line = open.split('\n').find((l) => l.includes(ticket.id));
  if (!line) throw new Error(`infra support-tickets does not list ${ticket.id}:\n${open}`);
  const partnerId = line.split('\t')[0];
  const answer = `Please send the agent log ${stamp}.`;
  const said = await infra(stackEnv, [
    'support-comment',
    '--partner',
    partnerId,
    '--ticket',
    ticket.id,
    '--author',
    'Sam of Support',
    '--text',
    answer,
  ]);
  if (!said.includes('1 follower(s) emailed')) throw new Error(`infra support-comment said: ${said}`);

  step(`support: the outbox has the email to ${account.email}`);
  const mails = await outboxMessages(outboxDir, account.email, answer);
  if (mails.length !== 1) throw new Error(`the outbox has ${mails.length} emails to ${account.email} with the comment, not 1`);

  step('support: the user sees support comment in Case Comments');
  await expectApiResponse(page, 'GET', `/api/v1/tickets/${ticket.id}`, 200, () => page.reload());
  const comments = page.getByTestId('case-comments');
  await comments.filter({ hasText: answer }).waitFor(wait);
  if (!(await comments.innerText()).includes('(Support)')) throw new Error('the comment is not shown as support’s');

  step('support: the user adds a comment');
  await page.getByTestId('comment-text').fill('The log is attached to my next message.');
  await expectApiResponse(page, 'POST', `/api/v1/tickets/${ticket.id}/comments`, 201, () =>
    page.getByTestId('comment-submit').click(),
  );
  await comments.filter({ hasText: 'The log is attached to my next message.' }).waitFor(wait);

  step('support: Close Ticket with a Case Resolution');
  await page.getByTestId('close-ticket').click();
  const resolution = page.getByRole('dialog', { name: 'Case Resolution', exact: true });
  await resolution.getByTestId('resolution-text').fill('A new agent version fixed it.');
  await expectApiResponse(page, 'POST', `/api/v1/tickets/${ticket.id}/close`, 200, () =>
    resolution.getByTestId('resolution-submit').click(),
  );
  await page.getByTestId('ticket-status').filter({ hasText: /^Closed$/ }).waitFor(wait);
  await comments.filter({ hasText: 'A new agent version fixed it.' }).waitFor(wait);
  if (await page.getByTestId('comment-submit').count()) throw new Error('a closed case still offers Add Comments');
  await page.screenshot({ path: resolve(resultsDir, 'support-closed.png'), fullPage: true });
}
