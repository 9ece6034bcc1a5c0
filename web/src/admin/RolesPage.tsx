import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import type { RoleView } from '../api/client';
import { mapFieldErrors, type Problem } from '../api/problem';
import { useCurrentSession } from '../auth/AuthContext';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { newIdempotencyKey } from '../customers/api';
import { LoadFailed } from '../customers/problems';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { createRole, fetchRoles } from './api';
import { ACCESS_LEVEL_LABELS } from './labels';
import { FailureAlert, failureOf, fieldSentence, type Failure } from './problems';

type ListState = { status: 'loading' } | { status: 'failed'; problem: Problem } | { status: 'loaded'; roles: RoleView[] };

/** Where the role page sends the list after a deletion. */
export interface RolesLocationState {
  deleted?: string;
}

const MAX_ROLE_NAME = 64;

/** A role's customer access in a few words, for the list. */
export function accessSummary(role: RoleView): string {
  if (role.builtIn) return 'Read/Write on all existing and new customers';
  const { access } = role;
  const parts: string[] = [];
  if (access.all) parts.push(`${ACCESS_LEVEL_LABELS[access.all]} on all customers`);
  for (const level of ['readWrite', 'read', 'noAccess'] as const) {
    const count = access[level]?.length ?? 0;
    if (count > 0) parts.push(`${ACCESS_LEVEL_LABELS[level]} on ${count} ${count === 1 ? 'customer' : 'customers'}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'No customers';
}

/** "Type the role name and click Add Role." */
function AddRoleForm({ onAdded }: { onAdded: (role: RoleView) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const attempt = useRef<{ name: string; key: string } | null>(null);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '.form__message, [aria-invalid="true"]');

  function fail(nextError: string | undefined, nextFailure: Failure | null) {
    setError(nextError);
    setFailure(nextFailure);
    setFailures((count) => count + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const trimmed = name.trim();
    if (trimmed === '') {
      fail('Enter a name for the role.', null);
      return;
    }
    if (Array.from(trimmed).length > MAX_ROLE_NAME) {
      fail(`Use at most ${MAX_ROLE_NAME} characters.`, null);
      return;
    }
    if (attempt.current?.name !== trimmed) attempt.current = { name: trimmed, key: newIdempotencyKey() };
    setBusy(true);
    setFailure(null);
    const result = await createRole(trimmed, attempt.current.key);
    setBusy(false);
    if (result.ok) {
      setName('');
      setError(undefined);
      onAdded(result.data);
      return;
    }
    const { fields, unmatched } = mapFieldErrors(result.problem, ['name'] as const);
    if (result.problem.status === 422 && fields.name) {
      fail(
        fieldSentence('The role name', fields.name),
        unmatched.length > 0 ? failureOf('The role could not be added', result.problem, undefined, unmatched) : null,
      );
      return;
    }
    fail(undefined, failureOf('The role could not be added', result.problem, result.retryAfterSeconds));
  }

  return (
    <form
      ref={formRef}
      className="form"
      noValidate
      onSubmit={(event) => void handleSubmit(event)}
      aria-busy={busy}
      aria-label="Add Role"
    >
      {failure ? <FailureAlert failure={failure} /> : null}
      <div className="admin-form">
        <TextField
          name="newRole.name"
          label="Role name"
          value={name}
          onChange={(value) => {
            setName(value);
            setError(undefined);
          }}
          error={error}
          autoComplete="off"
          hint="A new role starts with Read/Write access to all customers; click its name to choose its customers."
          testId="new-role-name"
        />
        <button type="submit" className="button button--primary" disabled={busy} data-testid="add-role">
          {busy ? 'Adding…' : 'Add Role'}
        </button>
      </div>
    </form>
  );
}

/** Administration > User Roles: the built-in roles, then the custom roles, with their users. */
export function RolesPage() {
  const { can } = useCurrentSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const deleted = (location.state as RolesLocationState | null)?.deleted;
  const [notice, setNotice] = useState<string | null>(deleted ? `The role ${deleted} was deleted.` : null);
  const [added, setAdded] = useState<RoleView | null>(null);
  const [noticeCount, setNoticeCount] = useState(0);
  const noticeRef = useFocusOnChange<HTMLDivElement>(noticeCount);

  useEffect(() => {
    if (deleted !== undefined) void navigate(location.pathname, { replace: true, state: null });
  }, [deleted, navigate, location.pathname]);

  useEffect(() => {
    let active = true;
    void fetchRoles().then((result) => {
      if (!active) return;
      setList(result.ok ? { status: 'loaded', roles: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  function retry() {
    setList({ status: 'loading' });
    setAttempt((count) => count + 1);
  }

  return (
    <div className="page page--wide">
      <title>User Roles · Partner Console</title>
      <div className="page__header">
        <div>
          <p className="breadcrumb">Administration</p>
          <h1 className="page__title">User Roles</h1>
          <p className="page__subtitle">
            Which users have how much access to your customers. Partner Administrator and Administrator are built in;
            only partner administrators add and change roles.
          </p>
        </div>
      </div>

      {notice !== null || added !== null ? (
        <div ref={noticeRef} tabIndex={-1} className="form__message" data-testid="roles-notice">
          {added ? (
            <FormAlert tone="success" title={`The role ${added.name} was added.`}>
              <p>
                It gives Read/Write access to all customers until you change it.{' '}
                <Link to={`/admin/roles/${encodeURIComponent(added.id)}`}>Choose its users and customers</Link>
              </p>
            </FormAlert>
          ) : (
            <FormAlert tone="success" title={notice ?? ''} />
          )}
        </div>
      ) : null}

      {can.manageRoles ? (
        <section className="panel panel--stack" aria-labelledby="add-role-heading">
          <h2 id="add-role-heading" className="panel__title">
            Add a role
          </h2>
          <AddRoleForm
            onAdded={(role) => {
              setList((previous) =>
                previous.status === 'loaded' ? { status: 'loaded', roles: [...previous.roles, role] } : previous,
              );
              setNotice(null);
              setAdded(role);
              setNoticeCount((count) => count + 1);
            }}
          />
        </section>
      ) : null}

      <section className="panel panel--stack" aria-labelledby="roles-heading" aria-busy={list.status === 'loading'}>
        <h2 id="roles-heading" className="panel__title">
          Roles
        </h2>
        {list.status === 'loading' ? (
          <p className="panel__note" role="status">
            Loading roles…
          </p>
        ) : null}
        {list.status === 'failed' ? (
          <LoadFailed title="The roles could not be loaded" problem={list.problem} onRetry={retry} />
        ) : null}
        {list.status === 'loaded' ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby="roles-heading" data-testid="roles-table">
              <thead>
                <tr>
                  <th scope="col">Role name</th>
                  <th scope="col" className="table__number">
                    Users
                  </th>
                  <th scope="col">Create, edit and assign roles</th>
                  <th scope="col">Customer access level</th>
                </tr>
              </thead>
              <tbody>
                {list.roles.map((role) => (
                  <tr key={role.id} data-testid="role-row" data-role-id={role.id}>
                    <td>
                      <Link to={`/admin/roles/${encodeURIComponent(role.id)}`}>{role.name}</Link>
                      {role.builtIn ? <span className="table__secondary">Built in, cannot be changed</span> : null}
                    </td>
                    <td className="table__number" data-testid="role-user-count">
                      {role.userCount}
                    </td>
                    <td>{role.managesRoles ? 'Yes' : 'No'}</td>
                    <td>{accessSummary(role)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </div>
  );
}
