// Two-step verification and API clients in a real browser, after the users and roles
// scenario (e2e/roles.mjs), as the signed-up partner administrator:
//
// 1. My User Settings > Set up two-step verification: the page shows the key; the code
//    is computed here from that key (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) and
//    confirms the setup.
// 2. Sign out, sign in with the password, then with a code: Home.
// 3. Administration > API Clients > New API Client: the secret is shown once, works at
//    the token endpoint, and is gone from the page once the dialog is closed.

import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_SECONDS = 30;
/** Codes computed this close to the end of their step may reach the server in the next one. */
const MIN_SECONDS_LEFT = 4;

function base32Decode(text) {
  const bytes = [];
  let value = 0;
  let bits = 0;
  for (const char of text.replace(/[\s=-]/g, '').toUpperCase()) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`the key shown is not base32: "${text}"`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(bytes);
}

/** The RFC 6238 code of a base32 key for a counter (floor(unix time / 30)). */
export function totp(key, counter) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac('sha1', base32Decode(key)).update(message).digest();
  const offset = hmac[hmac.length - 1] & 0x0f;
  const binary =
    ((hmac[offset] & 0x7f) << 24) | (hmac[offset + 1] << 16) | (hmac[offset + 2] << 8) | hmac[offset + 3];
  return String(binary % 1_000_000).padStart(6, '0');
}

// RFC 6238 appendix B (SHA-1, the key "12345678901234567890"), last six digits.
for (const [time, expected] of [
  [59, '287082'],
  [1_111_111_109, '081804'],
  [1_234_567_890, '005924'],
]) {
  const code = totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', Math.floor(time / STEP_SECONDS));
  if (code !== expected) throw new Error(`TOTP self-check failed at ${time}: ${code}, expected ${expected}`);
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * The code for now, waiting for the next step when fewer than 4 seconds of this one are
 * left (the server checks the exact step) or when this step's code was used already (an
 * identity provider takes each code once).
 */
async function currentCode(key, usedCounter = null) {
  for (;;) {
    const now = Date.now() / 1000;
    const left = STEP_SECONDS - (now % STEP_SECONDS);
    const counter = Math.floor(now / STEP_SECONDS);
    if (left < MIN_SECONDS_LEFT || counter === usedCounter) {
      await sleep(left * 1000 + 250);
      continue;
    }
    return { code: totp(key, counter), counter };
  }
}

export async function securityScenario(ctx) {
  const { page, account, step, expectApiResponse, expectHome, stamp, resultsDir, timeoutMs } = ctx;
  const wait = { timeout: timeoutMs };

  // 1. Two-step verification from My User Settings.
  step('the partner administrator opens My User Settings');
  await page.getByTestId('account-menu').click();
  await page.getByTestId('my-user-settings').click();
  await page.getByRole('heading', { name: 'My User Settings', exact: true }).waitFor(wait);
  const section = page.getByTestId('two-step-section');
  await section.getByTestId('mfa-status').filter({ hasText: /^\s*Off\s*$/ }).waitFor(wait);

  step('it starts setting up two-step verification and reads the key the page shows');
  await expectApiResponse(page, 'POST', '/api/v1/me/mfa/setup', 200, () => section.getByTestId('mfa-setup-start').click());
  const shownKey = (await section.getByTestId('mfa-secret').textContent())?.trim() ?? '';
  const key = shownKey.replace(/\s/g, '');
  // Real secrets are 32 characters; the local identity provider's fixed one is shorter.
  if (!/^[A-Z2-7]{8,}$/.test(key)) throw new Error(`the page shows "${shownKey}" as the key`);
  if (!/^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/.test(shownKey)) throw new Error(`the key is not grouped for typing: "${shownKey}"`);
  const link = await section.getByTestId('mfa-otpauth-link').getAttribute('href');
  if (!link?.startsWith('otpauth://totp/') || new URL(link).searchParams.get('secret')?.toUpperCase() !== key) {
    throw new Error(`the otpauth link does not carry the key shown: ${link}`);
  }
  await section.getByTestId('mfa-qr-code').waitFor(wait);

  step('it confirms the setup with the code computed from the key');
  const enrolled = await currentCode(key);
  await section.getByTestId('mfa-code').fill(enrolled.code);
  await expectApiResponse(page, 'POST', '/api/v1/me/mfa/verify', 204, () => section.getByTestId('mfa-verify').click());
  await section.getByTestId('mfa-notice').filter({ hasText: 'Two-step verification is on.' }).waitFor(wait);
  await section.getByTestId('mfa-status').filter({ hasText: /^\s*On\s*$/ }).waitFor(wait);
  await page.screenshot({ path: resolve(resultsDir, 'two-step-on.png'), fullPage: true });

  // 2. Signing in asks for the code after the password.
  step('it goes to Home and signs out');
  // Signing in again returns to the page the session ended on: Home.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home', exact: true }).click();
  await expectHome(page);
  await expectApiResponse(page, 'POST', '/api/v1/auth/sign-out', 204, () =>
    page.getByRole('button', { name: 'Sign out', exact: true }).click(),
  );
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor(wait);

  step('it signs in with the password, and is asked for the code');
  await page.getByLabel('Email', { exact: true }).fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  const first = await expectApiResponse(page, 'POST', '/api/v1/auth/sign-in', 401, () =>
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  );
  const challenge = await first.json();
  if (challenge.type !== '/problems/mfa-required' || typeof challenge.challenge !== 'string') {
    throw new Error(`the sign-in did not ask for the code: ${JSON.stringify(challenge).slice(0, 300)}`);
  }
  await page.getByRole('heading', { name: 'Two-step verification', exact: true }).waitFor(wait);

  step('it enters the current code and lands on Home');
  const signIn = await currentCode(key, enrolled.counter);
  await page.getByTestId('sign-in-code').fill(signIn.code);
  await expectApiResponse(page, 'POST', '/api/v1/auth/sign-in/mfa', 200, () => page.getByTestId('sign-in-verify').click());
  await expectHome(page);

  // 3. An API client and its secret, shown once.
  step('it creates an API client under Administration > API Clients');
  await expectApiResponse(page, 'GET', '/api/v1/api-clients', 200, () =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API Clients', exact: true }).click(),
  );
  await page.getByRole('heading', { name: 'API Clients', exact: true }).waitFor(wait);
  const clientName = `E2E PSA sync ${stamp}`;
  await page.getByTestId('api-client-new').click();
  const dialog = page.getByRole('dialog', { name: 'New API Client', exact: true });
  await dialog.getByTestId('api-client-name').fill(clientName);
  const role = dialog.getByTestId('api-client-role');
  await role.locator('option', { hasText: 'Administrator' }).first().waitFor({ state: 'attached', ...wait });
  if (await role.locator('option', { hasText: 'Partner Administrator' }).count()) {
    throw new Error('an API client is offered the Partner Administrator role');
  }
  await role.selectOption({ label: 'Administrator' });
  const created = await expectApiResponse(page, 'POST', '/api/v1/api-clients', 201, () =>
    dialog.getByTestId('api-client-create').click(),
  );
  const body = await created.json();

  step('it sees the secret once, with the token request');
  const secretDialog = page.getByRole('dialog', { name: 'Copy the client secret now', exact: true });
  await secretDialog.getByText('You will not see this secret again', { exact: true }).waitFor(wait);
  const secret = (await secretDialog.getByTestId('api-client-secret').textContent())?.trim();
  const clientId = (await secretDialog.getByTestId('api-client-id').textContent())?.trim();
  if (!secret || secret !== body.clientSecret) throw new Error('the dialog does not show the new client secret');
  if (clientId !== body.clientId) throw new Error(`the dialog shows client id ${clientId}, not ${body.clientId}`);
  const example = (await secretDialog.getByTestId('api-client-example').textContent()) ?? '';
  if (!example.includes('grant_type=client_credentials') || !example.includes(`client_secret=${secret}`)) {
    throw new Error(`the token request example is incomplete: ${example}`);
  }
  await page.screenshot({ path: resolve(resultsDir, 'api-client-secret.png'), fullPage: true });

  step('the secret gets an access token at the token endpoint');
  const token = await page.evaluate(
    async ({ id, value }) => {
      const response = await fetch('/api/v1/auth/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: value }).toString(),
      });
      const answer = await response.json().catch(() => ({}));
      return { status: response.status, type: answer.token_type, hasToken: typeof answer.access_token === 'string' };
    },
    { id: clientId, value: secret },
  );
  if (token.status !== 200 || token.type !== 'Bearer' || !token.hasToken) {
    throw new Error(`the token request answered ${JSON.stringify(token)}`);
  }

  step('once the dialog is closed the secret is no longer shown, and the client is listed');
  await secretDialog.getByTestId('api-client-secret-done').click();
  await secretDialog.waitFor({ state: 'detached', ...wait });
  await page.getByTestId('api-client-row').filter({ hasText: clientName }).filter({ hasText: 'Administrator' }).waitFor(wait);
  if (await page.getByText(secret).count()) throw new Error('the client secret is still on the page');
}
