import type { MeResponse } from '../api/client';
import { sampleMe } from '../test/fetchMock';

/** Test data shaped like the API's answers for two-step verification. */

export const sampleSetup = {
  secretCode: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  otpauthUri:
    'otpauth://totp/Analytical%20Engines%20Ltd%3Aada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Analytical%20Engines%20Ltd',
};

/** A partner administrator with two-step verification on. */
export const withMfaMe: MeResponse = { ...sampleMe, user: { ...sampleMe.user, mfa: true } };

/** The same, at a partner that requires it of every user. */
export const requiredWithMfaMe: MeResponse = { ...withMfaMe, partner: { ...sampleMe.partner, requireMfa: true } };

/** A user who owes the setup: the partner requires it and they have not set it up. */
export const setupRequiredMe: MeResponse = {
  ...sampleMe,
  partner: { ...sampleMe.partner, requireMfa: true },
  mfaSetupRequired: true,
};

/** The 403 every other endpoint answers such a user. */
export function mfaSetupRefusal(): Response {
  return new Response(
    JSON.stringify({
      type: '/problems/mfa-required',
      title: 'Forbidden',
      status: 403,
      detail: 'Your company requires two-step verification: set it up in My User Settings first.',
    }),
    { status: 403, headers: { 'Content-Type': 'application/problem+json' } },
  );
}
