import { createContext, useContext } from 'react';
import type { MeResponse, MfaSignInRequest, SignInRequest } from '../api/client';
import type { AccountKind, ApiResult } from './session';

export type AuthState =
  | { status: 'restoring' }
  | { status: 'anonymous' }
  | { status: 'authenticated'; me: MeResponse }
  /** A customer admin: the customer portal is theirs, the partner console is not. */
  | { status: 'customer' };

export interface AuthContextValue {
  state: AuthState;
  /**
   * Signs in. A partner user's account is loaded and the state becomes authenticated;
   * a customer admin's session makes the state customer. Answers which it was.
   */
  signIn: (credentials: SignInRequest) => Promise<ApiResult<AccountKind>>;
  /**
   * The second step of a sign-in with two-step verification: the code with the challenge
   * from `signIn`'s `/problems/mfa-required` answer. Signs in as `signIn` does.
   */
  signInWithCode: (request: MfaSignInRequest) => Promise<ApiResult<AccountKind>>;
  signOut: () => Promise<void>;
  /**
   * Loads the signed-in user and partner again (after a change such as joining the
   * ExSP program); the state keeps its old account when the request fails.
   */
  refreshAccount: () => Promise<ApiResult<MeResponse>>;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (value === null) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

/** The signed-in user and partner; only for components rendered behind RequireAuth. */
export function useCurrentSession(): MeResponse {
  const { state } = useAuth();
  if (state.status !== 'authenticated') throw new Error('useCurrentSession requires a signed-in user');
  return state.me;
}
