import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { saveBlob } from '../activity/saveBlob';
import type { UserView } from '../api/client';
import { appendNew } from '../api/paging';
import type { Problem } from '../api/problem';
import { useCurrentSession } from '../auth/AuthContext';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FormAlert } from '../components/FormAlert';
import { LoadMore } from '../components/LoadMore';
import { LoadFailed, ProblemAlert } from '../customers/problems';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { AddUserDialog } from './AddUserDialog';
import {
  fetchUser,
  fetchUsers,
  fetchUsersCsv,
  removeUser,
  resendInvitation,
  updateUser,
  USERS_CSV_FILENAME,
  versionTag,
} from './api';
import { fullName, USER_STATUS_LABELS } from './labels';
import { MailSuppressionNotice } from './MailSuppression';
import { FailureAlert, failureOf, type Failure } from './problems';

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: UserView[]; nextCursor: string | null };

type Notice = { tone: 'success'; title: string; detail?: string } | { tone: 'error'; failure: Failure };

/** "Remove user": confirmed, then the login stops working; the audit records stay. */
function RemoveUserDialog({
  user,
  onClose,
  onRemoved,
}: {
  user: UserView;
  onClose: () => void;
  onRemoved: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Remove ${fullName(user)}?`}
      keepLabel="Keep user"
      confirmLabel="Remove user"
      busyLabel="Removing…"
      confirmTestId="remove-user-confirm"
      run={() => removeUser(user.id, versionTag(user.version))}
      failureTitle={`${fullName(user)} could not be removed`}
      onDone={onRemoved}
      onClose={onClose}
    >
      <p className="dialog__lead">
        {user.email} can no longer sign in to the Partner Console, and the address can be given to a new user. What they
        did stays in the Security Audit. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}

/** Administration > Users: the people who use the account, Add User, and (for partner administrators) their status. */
export function UsersPage() {
  const { user: me, can } = useCurrentSession();
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<UserView | null>(null);
  const [busyRow, setBusyRow] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [noticeCount, setNoticeCount] = useState(0);
  const noticeRef = useFocusOnChange<HTMLDivElement>(noticeCount);

  useEffect(() => {
    let active = true;
    void fetchUsers().then((result) => {
      if (!active) return;
      setList(
        result.ok
          ? { status: 'loaded', items: [...result.data.items], nextCursor: result.data.nextCursor ?? null }
          : { status: 'failed', problem: result.problem },
      );
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  function reload() {
    setList({ status: 'loading' });
    setMoreProblem(null);
    setNotice(null);
    setAttempt((count) => count + 1);
  }

  function show(next: Notice) {
    setNotice(next);
    setNoticeCount((count) => count + 1);
  }

  function replace(user: UserView) {
    setList((previous) =>
      previous.status === 'loaded'
        ? { ...previous, items: previous.items.map((item) => (item.id === user.id ? user : item)) }
        : previous,
    );
  }

  async function loadMore() {
    if (list.status !== 'loaded' || list.nextCursor === null || loadingMore) return;
    setLoadingMore(true);
    setMoreProblem(null);
    const result = await fetchUsers(list.nextCursor);
    setLoadingMore(false);
    if (!result.ok) {
      setMoreProblem(result.problem);
      return;
    }
    setList((previous) =>
      previous.status === 'loaded'
        ? {
            status: 'loaded',
            items: appendNew(previous.items, result.data.items),
            nextCursor: result.data.nextCursor ?? null,
          }
        : previous,
    );
  }

  async function exportCsv() {
    if (downloading) return;
    setDownloading(true);
    setDownloadProblem(null);
    const result = await fetchUsersCsv();
    setDownloading(false);
    if (result.ok) saveBlob(result.data, USERS_CSV_FILENAME);
    else setDownloadProblem(result.problem);
  }

  async function setStatus(user: UserView, status: 'active' | 'disabled') {
    if (busyRow !== null) return;
    setBusyRow(user.id);
    const result = await updateUser(user.id, versionTag(user.version), { status });
    setBusyRow(null);
    if (result.ok) {
      replace(result.data.user);
      show({
        tone: 'success',
        title:
          status === 'disabled'
            ? `${fullName(user)} is disabled and can no longer sign in.`
            : `${fullName(user)} is enabled again.`,
      });
      return;
    }
    const verb = status === 'disabled' ? 'disabled' : 'enabled';
    show({ tone: 'error', failure: failureOf(`${fullName(user)} could not be ${verb}`, result.problem) });
  }

  async function resend(user: UserView) {
    if (busyRow !== null) return;
    setBusyRow(user.id);
    const result = await resendInvitation(user.id);
    setBusyRow(null);
    if (result.ok) {
      show({
        tone: 'success',
        title: `A new invitation was sent to ${user.email}.`,
        detail: 'The link in any earlier invitation no longer works.',
      });
      // The user's version moved with the new invitation.
      const fresh = await fetchUser(user.id);
      if (fresh.ok) replace(fresh.data.user);
      return;
    }
    show({ tone: 'error', failure: failureOf(`The invitation to ${user.email} could not be sent`, result.problem) });
  }

  async function lifted(user: UserView) {
    show({
      tone: 'success',
      title: `The console emails ${user.email} again.`,
      detail: 'Send the invitation again if the user is still waiting for one.',
    });
    const fresh = await fetchUser(user.id);
    if (fresh.ok) replace(fresh.data.user);
  }

  const manage = can.manageUsers;

  return (
    <div className="page page--wide">
      <title>Users · Partner Console</title>
      <div className="page__header">
        <div>
          <p className="breadcrumb">Administration</p>
          <h1 className="page__title">Users</h1>
          <p className="page__subtitle">The people who are authorized to use this Partner Console account.</p>
        </div>
        <div className="page__actions">
          {manage ? (
            <button
              type="button"
              className="button button--primary"
              onClick={() => setAdding(true)}
              data-testid="add-user-open"
            >
              Add User
            </button>
          ) : null}
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void exportCsv()}
            disabled={downloading}
            data-testid="users-export-csv"
          >
            {downloading ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </div>

      {notice ? (
        notice.tone === 'success' ? (
          <div ref={noticeRef} tabIndex={-1} className="form__message" data-testid="users-notice">
            <FormAlert tone="success" title={notice.title}>
              {notice.detail ? <p>{notice.detail}</p> : null}
            </FormAlert>
          </div>
        ) : (
          <FailureAlert ref={noticeRef} failure={notice.failure} onReload={reload} reloadLabel="Reload users" />
        )
      ) : null}

      {downloadProblem ? <ProblemAlert title="The CSV could not be downloaded" problem={downloadProblem} /> : null}

      <section className="panel panel--stack" aria-labelledby="users-heading" aria-busy={list.status === 'loading'}>
        <h2 id="users-heading" className="visually-hidden">
          Users
        </h2>
        {list.status === 'loading' ? (
          <p className="panel__note" role="status">
            Loading users…
          </p>
        ) : null}
        {list.status === 'failed' ? (
          <LoadFailed title="The users could not be loaded" problem={list.problem} onRetry={reload} />
        ) : null}
        {list.status === 'loaded' ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby="users-heading" data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  {manage ? <th scope="col">Action</th> : null}
                </tr>
              </thead>
              <tbody>
                {list.items.map((user) => {
                  const own = user.id === me.id;
                  const busy = busyRow === user.id;
                  return (
                    <tr key={user.id} data-testid="user-row" data-user-id={user.id}>
                      <td>
                        <Link to={own ? '/settings/me' : `/admin/users/${encodeURIComponent(user.id)}`}>
                          {fullName(user)}
                        </Link>
                        {own ? <span className="table__secondary">You</span> : null}
                      </td>
                      <td>
                        {user.email}
                        {user.mailSuppression ? (
                          <div>
                            <MailSuppressionNotice
                              email={user.email}
                              suppression={user.mailSuppression}
                              mayLift={manage}
                              onLifted={() => void lifted(user)}
                            />
                          </div>
                        ) : null}
                      </td>
                      <td>{user.roleName}</td>
                      <td>
                        <span className={`status status--user-${user.status}`}>{USER_STATUS_LABELS[user.status]}</span>
                      </td>
                      {manage ? (
                        <td className="table__actions table__actions--start">
                          {!own && user.status === 'invited' ? (
                            <button
                              type="button"
                              className="button button--small button--secondary"
                              onClick={() => void resend(user)}
                              disabled={busy}
                              aria-label={`Resend invitation to ${fullName(user)}`}
                              data-testid="resend-invitation"
                            >
                              Resend invitation
                            </button>
                          ) : null}
                          {!own && user.status !== 'disabled' ? (
                            <button
                              type="button"
                              className="button button--small button--secondary"
                              onClick={() => void setStatus(user, 'disabled')}
                              disabled={busy}
                              aria-label={`Disable ${fullName(user)}`}
                              data-testid="disable-user"
                            >
                              Disable
                            </button>
                          ) : null}
                          {!own && user.status === 'disabled' ? (
                            <button
                              type="button"
                              className="button button--small button--secondary"
                              onClick={() => void setStatus(user, 'active')}
                              disabled={busy}
                              aria-label={`Enable ${fullName(user)}`}
                              data-testid="enable-user"
                            >
                              Enable
                            </button>
                          ) : null}
                          {!own ? (
                            <button
                              type="button"
                              className="button button--small button--secondary button--danger-outline"
                              onClick={() => setRemoving(user)}
                              disabled={busy}
                              aria-label={`Remove ${fullName(user)}`}
                              data-testid="remove-user-open"
                            >
                              Remove
                            </button>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}

        {moreProblem ? <ProblemAlert title="More users could not be loaded" problem={moreProblem} /> : null}

        {list.status === 'loaded' && list.nextCursor !== null ? (
          <LoadMore loading={loadingMore} onLoad={loadMore} testId="users-load-more" />
        ) : null}
      </section>

      {adding ? (
        <AddUserDialog
          onClose={() => setAdding(false)}
          onAdded={(user) => {
            setAdding(false);
            setList((previous) =>
              previous.status === 'loaded' && previous.nextCursor === null
                ? { ...previous, items: appendNew(previous.items, [user]) }
                : previous,
            );
            show({
              tone: 'success',
              title: `${fullName(user)} was added as ${user.roleName}.`,
              detail: `An invitation to choose a password was sent to ${user.email}.`,
            });
          }}
        />
      ) : null}
      {removing ? (
        <RemoveUserDialog
          user={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            const removed = removing;
            setRemoving(null);
            setList((previous) =>
              previous.status === 'loaded'
                ? { ...previous, items: previous.items.filter((item) => item.id !== removed.id) }
                : previous,
            );
            show({ tone: 'success', title: `${fullName(removed)} was removed.` });
          }}
        />
      ) : null}
    </div>
  );
}
