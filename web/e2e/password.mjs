// "Forgot password" end to end (the acceptance of the password reset): a partner user
// who is signed in elsewhere (a second browser context, its refresh cookie kept) signs
// out, asks for a link from the sign-in page, reads the email in the local outbox
// (PC_OUTBOX_DIR), chooses a new password on the page the link opens, and signs in with
// it; the other context's session then ends: its refresh is refused (401) and it lands on
// the sign-in page.

import { messagesTo, waitForLink } from './customers.mjs';

export async function passwordScenario(ctx) {
  const { browser, page, baseUrl, outboxDir, account, step, expectApiResponse, expectHome, timeoutMs } = ctx;
  const wait = { timeout: timeoutMs };
  const newPassword = `${account.password}-New1`;

  step('sign in in a second browser, which keeps its session');
  const elsewhere = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const other = await elsewhere.newPage();
  other.setDefaultTimeout(timeoutMs);
  try {
    await other.goto(`${baseUrl}/sign-in`, { waitUntil: 'domcontentloaded' });
    await other.getByLabel('Email', { exact: true }).fill(account.email);
    await other.getByLabel('Password', { exact: true }).fill(account.password);
    await expectApiResponse(other, 'POST', '/api/v1/auth/sign-in', 200, () =>
      other.getByRole('button', { name: 'Sign in', exact: true }).click(),
    );
    await expectHome(other);

    step('sign out, and ask for a link from "Forgot password?" on the sign-in page');
    await expectApiResponse(page, 'POST', '/api/v1/auth/sign-out', 204, () =>
      page.getByRole('button', { name: 'Sign out', exact: true }).click(),
    );
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor(wait);
    await page.getByTestId('forgot-password-link').click();
    await page.getByRole('heading', { name: 'Forgot your password?', exact: true }).waitFor(wait);
    const seen = (await messagesTo(outboxDir, account.email)).length;
    await page.getByTestId('forgot-email').fill(account.email);
    await expectApiResponse(page, 'POST', '/api/v1/auth/password/forgot', 202, () => page.getByTestId('forgot-submit').click());
    await page.getByTestId('forgot-sent').waitFor(wait);

    step('read the email in the outbox and open its link');
    const link = await waitForLink(outboxDir, account.email, seen, timeoutMs);
    if (!link.includes('/reset-password#token=')) throw new Error(`the newest link is not a reset link: ${link}`);
    await page.goto(link, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('reset-lead').filter({ hasText: account.email }).waitFor(wait);

    step('choose a new password and sign in with it');
    await page.getByTestId('reset-password').fill(newPassword);
    await page.getByTestId('reset-confirm').fill(newPassword);
    await expectApiResponse(page, 'POST', '/api/v1/auth/password/reset', 200, () => page.getByTestId('reset-submit').click());
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor(wait);
    await page.getByText('Your new password is set', { exact: false }).waitFor(wait);
    await page.getByLabel('Password', { exact: true }).fill(newPassword);
    await expectApiResponse(page, 'POST', '/api/v1/auth/sign-in', 200, () =>
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    );
    await expectHome(page);

    step("the other browser's session has ended: its refresh is refused");
    await expectApiResponse(other, 'POST', '/api/v1/auth/refresh', 401, () => other.reload({ waitUntil: 'domcontentloaded' }));
    await other.getByRole('heading', { name: 'Sign in', exact: true }).waitFor(wait);
  } finally {
    await elsewhere.close();
  }
}
