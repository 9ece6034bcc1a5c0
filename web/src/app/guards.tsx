import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import type { Permissions } from '../api/client';
import { useAuth, useCurrentSession } from '../auth/AuthContext';
import { TwoStepRequiredPage } from '../mfa/TwoStepRequiredPage';
import { customerTarget, redirectTarget, type SignInLocationState } from './locationState';

function RestoringSession() {
  return (
    <div className="restoring" role="status" aria-live="polite">
      <span className="restoring__spinner" aria-hidden="true" />
      Loading Partner Console…
    </div>
  );
}

/**
 * Renders its children for signed-in users and sends everyone else to sign in. While the
 * partner requires two-step verification that the user has not set up, the setup is shown
 * instead (the server refuses everything else until then).
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'restoring') return <RestoringSession />;
  if (state.status === 'customer') return <Navigate to="/portal" replace />;
  if (state.status === 'anonymous') {
    const from = `${location.pathname}${location.search}${location.hash}`;
    const signInState: SignInLocationState = from === '/' ? {} : { from };
    return <Navigate to="/sign-in" replace state={signInState} />;
  }
  if (state.me.mfaSetupRequired) return <TwoStepRequiredPage />;
  return children;
}

/** Renders its children for a signed-in customer admin (the customer portal). */
export function RequireCustomer({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'restoring') return <RestoringSession />;
  if (state.status === 'authenticated') return <Navigate to="/" replace />;
  if (state.status === 'anonymous') {
    const signInState: SignInLocationState = { from: `${location.pathname}${location.search}` };
    return <Navigate to="/sign-in" replace state={signInState} />;
  }
  return children;
}

/** Renders its children for visitors; signed-in users go on to the console. */
export function PublicOnly({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'restoring') return <RestoringSession />;
  if (state.status === 'authenticated') {
    return <Navigate to={redirectTarget(location.state as SignInLocationState | null)} replace />;
  }
  if (state.status === 'customer') {
    return <Navigate to={customerTarget(location.state as SignInLocationState | null)} replace />;
  }
  return children;
}

/** Shown instead of a page the signed-in user's role does not open. */
function NotAllowed() {
  return (
    <div className="page">
      <title>Not available · Partner Console</title>
      <h1 className="page__title">Not available for your role</h1>
      <p>
        Your role does not give access to this page. A partner administrator can change your role.{' '}
        <Link to="/">Back to Home</Link>
      </p>
    </div>
  );
}

/**
 * Renders its children when the signed-in user's role allows the page (see `can` in
 * `/me`); the server refuses what the role does not allow either way.
 */
export function RequirePermission({
  allowed,
  children,
}: {
  allowed: ((can: Permissions, role: string) => boolean) | undefined;
  children: ReactNode;
}) {
  const { can, user } = useCurrentSession();
  if (allowed !== undefined && !allowed(can, user.role)) return <NotAllowed />;
  return children;
}
