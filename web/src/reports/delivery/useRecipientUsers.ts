import { useEffect, useState } from 'react';
import { fetchAllUsers } from '../../admin/api';
import { fullName } from '../../admin/labels';
import type { Problem } from '../../api/problem';
import { useCurrentSession } from '../../auth/AuthContext';

/** A user a report can be emailed to. */
export interface RecipientUser {
  id: string;
  name: string;
  email: string;
  disabled: boolean;
}

export interface RecipientUsers {
  /** Null while loading. */
  users: RecipientUser[] | null;
  problem: Problem | null;
  /** The role may not list the partner's users: only the signed-in user is offered. */
  onlyMe: boolean;
}

/**
 * The partner's users to choose recipients from (loaded when `enabled`). Listing
 * users is for the built-in roles; anyone else is offered themselves.
 */
export function useRecipientUsers(enabled = true): RecipientUsers {
  const me = useCurrentSession();
  const onlyMe = !me.can.viewUsers;
  const [loaded, setLoaded] = useState<{ users: RecipientUser[] | null; problem: Problem | null }>({
    users: null,
    problem: null,
  });

  useEffect(() => {
    if (onlyMe || !enabled) return;
    let active = true;
    void fetchAllUsers().then((result) => {
      if (!active) return;
      setLoaded(
        result.ok
          ? {
              users: result.data.map((user) => ({
                id: user.id,
                name: fullName(user),
                email: user.email,
                disabled: user.status === 'disabled',
              })),
              problem: null,
            }
          : { users: null, problem: result.problem },
      );
    });
    return () => {
      active = false;
    };
  }, [onlyMe, enabled]);

  if (onlyMe) {
    const self: RecipientUser = { id: me.user.id, name: fullName(me.user), email: me.user.email, disabled: false };
    return { users: [self], problem: null, onlyMe };
  }
  return { ...loaded, onlyMe };
}
