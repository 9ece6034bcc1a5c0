import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { customerTarget, redirectTarget, type SignInLocationState } from './locationState';

function RestoringSession() {
  return (
    <div className="restoring" role="status" aria-live="polite">
      <span className="restoring__spinner" aria-hidden="true" />
      Loading Partner Console…
    </div>
  );
}

/** Renders its children for signed-in users and sends everyone else to sign in. */
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
