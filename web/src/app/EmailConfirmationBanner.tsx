import { useState } from 'react';
import { rateLimitMessage } from '../api/problem';
import { useCurrentSession } from '../auth/AuthContext';
import { resendVerification } from '../auth/accountLinks';

/**
 * Shown while the partner's sign-up email is not confirmed: until it is, the console
 * sends no email for the partner (welcomes, invitations, requests, reports), and those
 * actions answer `email-not-verified`.
 */
export function EmailConfirmationBanner() {
  const { partner, user } = useCurrentSession();
  const [sentTo, setSentTo] = useState(user.email);
  const [status, setStatus] = useState<'idle' | 'sending' | 'sent'>('idle');
  const [error, setError] = useState<string | null>(null);
  // Absent means confirmed, as for partners stored before the check.
  if (partner.emailVerified !== false) return null;

  async function resend() {
    setStatus('sending');
    setError(null);
    const result = await resendVerification();
    if (result.ok) {
      setSentTo(result.data.sentTo);
      setStatus('sent');
      return;
    }
    setStatus('idle');
    const { problem } = result;
    setError(problem.status === 429 ? rateLimitMessage(undefined) : (problem.detail ?? problem.title));
  }

  return (
    <div className="alert alert--info confirm-banner" role="status" data-testid="confirm-email-banner">
      <p className="alert__title">
        Confirm your email: we sent a link to {sentTo} —{' '}
        <button
          type="button"
          className="link-button"
          onClick={() => void resend()}
          disabled={status === 'sending'}
          data-testid="confirm-email-resend"
        >
          {status === 'sending' ? 'sending…' : 'resend'}
        </button>
      </p>
      <div className="alert__body">
        {status === 'sent' ? <p>A new link is on its way to {sentTo}.</p> : null}
        {error ? <p>{error}</p> : null}
        <p>Until you confirm it, the console sends no welcome emails, invitations, requests or reports for you.</p>
      </div>
    </div>
  );
}
