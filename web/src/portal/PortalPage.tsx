import { useEffect, useState } from 'react';
import type { Problem } from '../api/problem';
import { useAuth } from '../auth/AuthContext';
import { FormAlert } from '../components/FormAlert';
import { PortalLayout } from './PortalLayout';
import { PortalView } from './PortalView';
import { answerRequest, fetchPortal, updateMacAccess, type PortalAccount } from './portalApi';

type Loaded = { kind: 'loading' } | { kind: 'failed'; problem: Problem } | { kind: 'ready'; account: PortalAccount };

/** The signed-in customer admin's portal. */
export function PortalPage() {
  const { signOut } = useAuth();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });

  // Bumped to load the account again (after answering a request).
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let active = true;
    void fetchPortal().then((result) => {
      if (!active) return;
      setLoaded(result.ok ? { kind: 'ready', account: result.data } : { kind: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [reloads]);

  return (
    <PortalLayout onSignOut={() => void signOut()}>
      <title>Your account · Partner Console</title>
      {loaded.kind === 'loading' ? (
        <p role="status">Loading your account…</p>
      ) : loaded.kind === 'failed' ? (
        <FormAlert title={loaded.problem.status === 403 ? 'You cannot use this account' : loaded.problem.title}>
          {loaded.problem.detail ? <p>{loaded.problem.detail}</p> : null}
        </FormAlert>
      ) : (
        <PortalView
          account={loaded.account}
          onMacChange={async (access) => {
            const result = await updateMacAccess(access);
            if (!result.ok) return result.problem.detail ?? result.problem.title;
            setLoaded({ kind: 'ready', account: result.data });
            return null;
          }}
          onAnswer={async (request, approve) => {
            const result = await answerRequest(request.id, approve);
            if (!result.ok) return result.problem.detail ?? result.problem.title;
            setReloads((n) => n + 1);
            return null;
          }}
        />
      )}
    </PortalLayout>
  );
}
