import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MfaSignInRequest, SignInRequest } from '../api/client';
import { AuthContext, type AuthContextValue, type AuthState } from './AuthContext';
import * as session from './session';
import { tokenStore } from './tokenStore';

interface AuthProviderProps {
  /**
   * The session restored on application start (see session.restoreSession).
   * Created once, outside React, so the refresh request is sent exactly once.
   */
  initialSession: Promise<session.Restored>;
  children: ReactNode;
}

export function AuthProvider({ initialSession, children }: AuthProviderProps) {
  const [state, setState] = useState<AuthState>({ status: 'restoring' });

  useEffect(() => {
    let active = true;
    initialSession.then(
      (me) => {
        if (!active) return;
        setState((previous) => {
          if (previous.status !== 'restoring') return previous;
          if (me === 'customer') return { status: 'customer' };
          return me ? { status: 'authenticated', me } : { status: 'anonymous' };
        });
      },
      () => {
        if (active) setState((previous) => (previous.status === 'restoring' ? { status: 'anonymous' } : previous));
      },
    );
    return () => {
      active = false;
    };
  }, [initialSession]);

  // When the token is cleared (sign-out, or a refresh that failed) the session is over.
  useEffect(
    () =>
      tokenStore.subscribe(() => {
        if (tokenStore.getAccessToken() === null) {
          setState((previous) =>
            previous.status === 'authenticated' || previous.status === 'customer' ? { status: 'anonymous' } : previous,
          );
        }
      }),
    [],
  );

  // The server refused a request because the partner requires two-step verification and
  // this user has not set it up: the console shows the setup until it is done.
  useEffect(
    () =>
      session.onMfaSetupRequired(() => {
        setState((previous) =>
          previous.status === 'authenticated' && !previous.me.mfaSetupRequired
            ? {
                status: 'authenticated',
                me: { ...previous.me, mfaSetupRequired: true, partner: { ...previous.me.partner, requireMfa: true } },
              }
            : previous,
        );
      }),
    [],
  );

  const finishSignIn = useCallback(async (signedIn: session.ApiResult<session.AccountKind>) => {
    if (!signedIn.ok) return signedIn;
    if (signedIn.data === 'customer') {
      setState({ status: 'customer' });
      return signedIn;
    }
    const me = await session.fetchMe();
    if (!me.ok) return me;
    setState({ status: 'authenticated', me: me.data });
    return signedIn;
  }, []);

  const signIn = useCallback(
    async (credentials: SignInRequest) => finishSignIn(await session.signIn(credentials)),
    [finishSignIn],
  );

  const signInWithCode = useCallback(
    async (request: MfaSignInRequest) => finishSignIn(await session.signInWithCode(request)),
    [finishSignIn],
  );

  const signOut = useCallback(async () => {
    await session.signOut();
    setState({ status: 'anonymous' });
  }, []);

  const refreshAccount = useCallback(async () => {
    const me = await session.fetchMe();
    if (me.ok) {
      setState((previous) => (previous.status === 'authenticated' ? { status: 'authenticated', me: me.data } : previous));
    }
    return me;
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({ state, signIn, signInWithCode, signOut, refreshAccount }),
    [state, signIn, signInWithCode, signOut, refreshAccount],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
