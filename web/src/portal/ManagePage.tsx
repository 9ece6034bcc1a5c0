import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import type { Problem } from '../api/problem';
import { FormAlert } from '../components/FormAlert';
import { PortalLayout } from './PortalLayout';
import { PortalView } from './PortalView';
import { fetchPortal, formatTime, fragmentValue, updateMacAccess, type PortalAccount } from './portalApi';

type Loaded = { kind: 'loading' } | { kind: 'failed'; problem: Problem } | { kind: 'ready'; account: PortalAccount };

/**
 * "Manage Customer": the customer's console in a partner user's short, audited session.
 * The session's secret arrives in the URL fragment (`#delegation=…`), which is never
 * sent to a server, and goes with every request beside the user's own token.
 */
export function ManagePage() {
  const location = useLocation();
  const delegation = fragmentValue(location.hash, 'delegation');
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });

  useEffect(() => {
    if (delegation === null) return;
    let active = true;
    void fetchPortal(delegation).then((result) => {
      if (!active) return;
      setLoaded(result.ok ? { kind: 'ready', account: result.data } : { kind: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [delegation]);

  const until = loaded.kind === 'ready' ? loaded.account.delegatedUntil : undefined;
  return (
    <PortalLayout
      banner={
        loaded.kind === 'ready'
          ? `You are managing ${loaded.account.customer.company.name} with full administrative rights${until ? ` until ${formatTime(until)}` : ''}. Everything you do is recorded.`
          : undefined
      }
      onSignOut={() => window.close()}
      signOutLabel="End session"
    >
      <title>Manage customer · Partner Console</title>
      {delegation === null ? (
        <FormAlert title="No Manage customer session">
          <p>Open the customer from its profile with Manage Customer.</p>
        </FormAlert>
      ) : loaded.kind === 'loading' ? (
        <p role="status">Opening the customer's console…</p>
      ) : loaded.kind === 'failed' ? (
        <FormAlert title={loaded.problem.status === 403 ? 'This session has ended' : loaded.problem.title}>
          <p>{loaded.problem.detail ?? 'Open it again from the customer profile.'}</p>
        </FormAlert>
      ) : (
        <PortalView
          account={loaded.account}
          onMacChange={async (access) => {
            const result = await updateMacAccess(access, delegation);
            if (!result.ok) return result.problem.detail ?? result.problem.title;
            setLoaded({ kind: 'ready', account: result.data });
            return null;
          }}
        />
      )}
    </PortalLayout>
  );
}
