import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type {
  AccessLevel,
  CustomerPermissions,
  CustomerRow,
  RoleUpdate,
  RoleView,
  UserView,
} from '../api/client';
import { mapFieldErrors, type FieldError, type Problem } from '../api/problem';
import { useCurrentSession } from '../auth/AuthContext';
import { Dialog } from '../components/Dialog';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { CheckboxInput, RadioGroup, SelectInput } from '../customers/controls';
import { LoadFailed, ProblemAlert } from '../customers/problems';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import {
  deleteRole,
  fetchAllCustomers,
  fetchAllUsers,
  fetchRole,
  fetchRoles,
  saveRole,
  updateUser,
  versionTag,
  type RoleAnswer,
} from './api';
import { CustomerAccessEditor, type AccessDraft, type CustomerChoices } from './CustomerAccessEditor';
import { ACCESS_LEVEL_LABELS, ACCESS_LEVELS, disabledPermissions, disabledReason, fullName } from './labels';
import { FailureAlert, failureOf, fieldSentence, ROLE_IN_USE, type Failure } from './problems';
import type { RolesLocationState } from './RolesPage';

type LoadState =
  | { status: 'loading' }
  | { status: 'notFound' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; role: RoleView; etag: string };

interface Draft {
  name: string;
  access: AccessDraft;
  defaultLevel: AccessLevel;
  permissions: CustomerPermissions;
}

function draftOf(role: RoleView): Draft {
  return {
    name: role.name,
    access: {
      all: role.access.all ?? null,
      readWrite: [...(role.access.readWrite ?? [])],
      read: [...(role.access.read ?? [])],
      noAccess: [...(role.access.noAccess ?? [])],
    },
    defaultLevel: role.access.defaultLevel,
    permissions: { ...role.permissions },
  };
}

/** The permissions as saved: the ones the guide disables are off. */
function effectivePermissions(draft: Draft): CustomerPermissions {
  const disabled = disabledPermissions(draft.access.all);
  return {
    addCustomers: draft.permissions.addCustomers && !disabled.addCustomers,
    importCustomers: draft.permissions.importCustomers && !disabled.importCustomers,
    removeCustomers: draft.permissions.removeCustomers && !disabled.removeCustomers,
  };
}

function roleUpdate(draft: Draft): RoleUpdate {
  return {
    name: draft.name.trim(),
    access: {
      all: draft.access.all,
      readWrite: draft.access.readWrite,
      read: draft.access.read,
      noAccess: draft.access.noAccess,
      defaultLevel: draft.defaultLevel,
    },
    permissions: effectivePermissions(draft),
  };
}

const FIELD_LABELS: Record<string, string> = {
  access: 'Customer Access',
  'access.readWrite': 'Read/Write',
  'access.read': 'Read',
  'access.noAccess': 'No access',
  'access.all': 'All customers',
  'access.defaultLevel': 'Default access level for new customers',
  permissions: 'Settings',
  'permissions.addCustomers': 'Add customers',
  'permissions.importCustomers': 'Import customers',
  'permissions.removeCustomers': 'Remove customers',
  'permissions.supportTickets': 'Support tickets (Case Management)',
};

/** A refusal of the role's settings in the page's words, with customer ids named. */
function describeErrors(errors: FieldError[], names: Map<string, string>): string[] {
  return errors.map((error) => {
    const message = error.message.replace(/\bcus_[0-9a-f]+\b/g, (id) => names.get(id) ?? id);
    return `${FIELD_LABELS[error.field] ?? error.field}: ${message}`;
  });
}

const PERMISSION_LABELS: Record<keyof CustomerPermissions, string> = {
  addCustomers: 'Add customers',
  importCustomers: 'Import customers',
  removeCustomers: 'Remove customers',
  supportTickets: 'Support tickets (Case Management)',
};

const BUILT_IN_DESCRIPTIONS: Record<string, string> = {
  partnerAdministrator:
    'Creates, edits and assigns roles, manages users, and has Read/Write access to all existing and new customers. It cannot be changed.',
  administrator:
    'Has Read/Write access to all existing and new customers, but does not create, edit or assign roles. It cannot be changed.',
};

function Members({ role }: { role: RoleView }) {
  const { user: me } = useCurrentSession();
  if (role.users.length === 0) return <p className="panel__note">No users have this role.</p>;
  return (
    <ul className="chosen-list" aria-label={`Users with the role ${role.name}`} data-testid="role-members">
      {role.users.map((member) => (
        <li key={member.id} className="chosen-list__item">
          <span>
            <Link to={member.id === me.id ? '/settings/me' : `/admin/users/${encodeURIComponent(member.id)}`}>
              {member.name}
            </Link>{' '}
            <span className="muted">{member.email}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The Users section: select a user, then Add User, which gives them this role. */
function AssignUser({ role, onAssigned }: { role: RoleView; onAssigned: (user: UserView) => void }) {
  const { user: me } = useCurrentSession();
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [usersProblem, setUsersProblem] = useState<Problem | null>(null);
  const [selected, setSelected] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [failures, setFailures] = useState(0);
  const failureRef = useFocusOnChange<HTMLDivElement>(failures);

  useEffect(() => {
    let active = true;
    void fetchAllUsers().then((result) => {
      if (!active) return;
      if (result.ok) setUsers(result.data);
      else setUsersProblem(result.problem);
    });
    return () => {
      active = false;
    };
  }, []);

  // Nobody changes their own role, and members are already here.
  const members = new Set(role.users.map((member) => member.id));
  const options = (users ?? [])
    .filter((user) => user.id !== me.id && !members.has(user.id))
    .map((user) => ({ value: user.id, label: `${fullName(user)} (${user.email}, ${user.roleName})` }));

  async function assign() {
    const user = users?.find((candidate) => candidate.id === selected);
    if (!user || busy) return;
    setBusy(true);
    setFailure(null);
    const result = await updateUser(user.id, versionTag(user.version), { role: role.id });
    setBusy(false);
    if (result.ok) {
      setUsers((previous) => previous?.map((item) => (item.id === user.id ? result.data.user : item)) ?? null);
      setSelected('');
      onAssigned(result.data.user);
      return;
    }
    setFailure(failureOf(`${fullName(user)} could not be given this role`, result.problem, result.retryAfterSeconds));
    setFailures((count) => count + 1);
  }

  return (
    <>
      {usersProblem ? <ProblemAlert title="The users could not be loaded" problem={usersProblem} /> : null}
      {failure ? <FailureAlert ref={failureRef} failure={failure} /> : null}
      <div className="admin-form">
        <SelectInput
          name="role.user"
          label="User"
          value={selected}
          onChange={setSelected}
          options={options}
          placeholder={users === null ? 'Loading users…' : 'Select a user'}
          hint="The user moves from their current role to this one."
          testId="role-user-select"
        />
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void assign()}
          disabled={selected === '' || busy}
          data-testid="role-add-user"
        >
          {busy ? 'Adding…' : 'Add User'}
        </button>
      </div>
    </>
  );
}

/** Deleting a custom role; a role with users needs the role they move to. */
function DeleteRoleDialog({
  role,
  memberCount,
  onClose,
  onDeleted,
}: {
  role: RoleView;
  memberCount: number;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [roles, setRoles] = useState<RoleView[] | null>(null);
  const [reassignTo, setReassignTo] = useState('');
  const [needsTarget, setNeedsTarget] = useState(memberCount > 0);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '.form__message, [aria-invalid="true"]');

  useEffect(() => {
    let active = true;
    void fetchRoles().then((result) => {
      if (active && result.ok) setRoles(result.data);
    });
    return () => {
      active = false;
    };
  }, []);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (needsTarget && reassignTo === '') {
      setError('Select the role its users move to.');
      setFailures((count) => count + 1);
      return;
    }
    setBusy(true);
    setFailure(null);
    const result = await deleteRole(role.id, needsTarget ? reassignTo : undefined);
    setBusy(false);
    if (result.ok) {
      onDeleted();
      return;
    }
    if (result.problem.status === 409 && result.problem.type === ROLE_IN_USE && !needsTarget) {
      // Users were given the role meanwhile: they need somewhere to go.
      setNeedsTarget(true);
    }
    const { fields, unmatched } = mapFieldErrors(result.problem, ['reassignTo'] as const);
    setError(fields.reassignTo ? fieldSentence('The role', fields.reassignTo) : undefined);
    setFailure(
      fields.reassignTo && unmatched.length === 0
        ? null
        : failureOf('The role could not be deleted', result.problem, result.retryAfterSeconds, unmatched),
    );
    setFailures((count) => count + 1);
  }

  const options = (roles ?? [])
    .filter((other) => other.id !== role.id)
    .map((other) => ({ value: other.id, label: other.name }));

  return (
    <Dialog title={`Delete the role ${role.name}?`} onClose={onClose} closeDisabled={busy}>
      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <p className="dialog__lead">
          {memberCount > 0
            ? `${memberCount} ${memberCount === 1 ? 'user has' : 'users have'} this role. Choose the role they move to; the change takes effect on their next request.`
            : 'No users have this role. Deleting it cannot be undone.'}
        </p>
        {failure ? <FailureAlert failure={failure} /> : null}
        {needsTarget ? (
          <SelectInput
            name="deleteRole.reassignTo"
            label="Move its users to"
            value={reassignTo}
            onChange={(value) => {
              setReassignTo(value);
              setError(undefined);
            }}
            options={options}
            placeholder={roles === null ? 'Loading roles…' : 'Select a role'}
            error={error}
            testId="delete-role-reassign"
          />
        ) : null}
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Keep role
          </button>
          <button type="submit" className="button button--danger" disabled={busy} data-testid="delete-role-confirm">
            {busy ? 'Deleting…' : 'Delete role'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface CustomRoleProps {
  role: RoleView;
  etag: string;
  editable: boolean;
  onSaved: (answer: RoleAnswer) => void;
  onMembersChanged: (role: RoleView) => void;
  onReload: () => void;
}

/** A custom role: its users, customer access and settings, saved together with Save. */
function CustomRole({ role, etag, editable, onSaved, onMembersChanged, onReload }: CustomRoleProps) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => draftOf(role));
  const [choices, setChoices] = useState<CustomerChoices>({ rows: [], done: false, problem: null });
  const [nameError, setNameError] = useState<string | undefined>();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '.form__message, [aria-invalid="true"]');

  useEffect(() => {
    let active = true;
    void fetchAllCustomers(
      (rows: CustomerRow[]) => {
        if (active) setChoices({ rows, done: false, problem: null });
      },
      () => active,
    ).then((result) => {
      if (!active) return;
      setChoices((previous) =>
        result.ok ? { rows: result.data, done: true, problem: null } : { ...previous, problem: result.problem },
      );
    });
    return () => {
      active = false;
    };
  }, []);

  function change(next: Partial<Draft>) {
    setDraft((previous) => ({ ...previous, ...next }));
    setSaved(null);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy || !editable) return;
    if (draft.name.trim() === '') {
      setNameError('Enter a name for the role.');
      setFailures((count) => count + 1);
      return;
    }
    setBusy(true);
    setFailure(null);
    setSaved(null);
    const result = await saveRole(role.id, etag, roleUpdate(draft));
    setBusy(false);
    if (result.ok) {
      setNameError(undefined);
      setDraft(draftOf(result.data.role));
      setSaved('The role was saved. Its users have the new access from their next request.');
      onSaved(result.data);
      return;
    }
    const names = new Map(choices.rows.map((row) => [row.id, row.name]));
    const { fields, unmatched } = mapFieldErrors(result.problem, ['name'] as const);
    setNameError(fields.name ? fieldSentence('The role name', fields.name) : undefined);
    if (result.problem.status === 422) {
      setFailure(
        unmatched.length > 0 || !fields.name
          ? {
              title: 'The role could not be saved',
              detail: 'Correct the settings below and save again.',
              items: describeErrors(unmatched, names),
            }
          : null,
      );
    } else {
      setFailure(failureOf('The role could not be saved', result.problem, result.retryAfterSeconds, []));
    }
    setFailures((count) => count + 1);
  }

  const disabled = disabledPermissions(draft.access.all);
  const reason = disabledReason(draft.access.all);
  const permissions = effectivePermissions(draft);
  const defaultApplies = draft.access.all === null;

  return (
    <>
      <form ref={formRef} className="form__stack" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        {failure ? <FailureAlert failure={failure} onReload={onReload} reloadLabel="Reload role" /> : null}

        <section className="panel panel--stack" aria-labelledby="role-users-heading">
          <h2 id="role-users-heading" className="panel__title">
            Users
          </h2>
          <Members role={role} />
          {editable ? (
            <AssignUser
              role={role}
              onAssigned={(user) =>
                onMembersChanged({
                  ...role,
                  users: [...role.users, { id: user.id, email: user.email, name: fullName(user) }],
                  userCount: role.userCount + 1,
                })
              }
            />
          ) : null}
        </section>

        <section className="panel panel--stack" aria-labelledby="role-access-heading">
          <h2 id="role-access-heading" className="panel__title">
            Customer Access
          </h2>
          <p className="field__hint">
            Assign the customers under the applicable access levels. A customer may be chosen at one level only; only one
            level can have All customers, and customers chosen at another level are its exceptions.
          </p>
          <CustomerAccessEditor
            draft={draft.access}
            choices={choices}
            readOnly={!editable}
            onChange={(access) => change({ access })}
          />
          <RadioGroup<AccessLevel>
            name="role.defaultLevel"
            legend="Default access level for new customers"
            value={draft.defaultLevel}
            onChange={(defaultLevel) => change({ defaultLevel })}
            options={ACCESS_LEVELS.map((level) => ({
              value: level,
              label: ACCESS_LEVEL_LABELS[level],
              disabled: !editable || !defaultApplies,
            }))}
            description={
              defaultApplies
                ? 'The level a customer added later gets in this role.'
                : 'Disabled: All customers is checked for a level, so new customers get that level.'
            }
            testIdPrefix="default-level"
          />
        </section>

        <section className="panel panel--stack" aria-labelledby="role-settings-heading">
          <h2 id="role-settings-heading" className="panel__title">
            Settings
          </h2>
          {(Object.keys(PERMISSION_LABELS) as (keyof CustomerPermissions)[]).map((key) => (
            <CheckboxInput
              key={key}
              name={`role.permissions.${key}`}
              checked={permissions[key] ?? false}
              onChange={(on) => change({ permissions: { ...draft.permissions, [key]: on } })}
              disabled={!editable || disabled[key]}
              hint={disabled[key] ? reason : undefined}
              testId={`permission-${key}`}
            >
              {PERMISSION_LABELS[key]}
            </CheckboxInput>
          ))}
        </section>

        {editable ? (
          <section className="panel panel--stack" aria-labelledby="role-name-heading">
            <h2 id="role-name-heading" className="panel__title">
              Name
            </h2>
            <TextField
              name="role.name"
              label="Role name"
              value={draft.name}
              onChange={(name) => {
                change({ name });
                setNameError(undefined);
              }}
              error={nameError}
              autoComplete="off"
              testId="role-name"
            />
            <div className="setting__footer">
              <p className="setting__status" role="status" data-testid="role-saved">
                {saved ?? ''}
              </p>
              <div className="page__actions">
                <button
                  type="button"
                  className="button button--secondary button--danger-outline"
                  onClick={() => setDeleting(true)}
                  data-testid="delete-role-open"
                >
                  Delete role
                </button>
                <button type="submit" className="button button--primary" disabled={busy} data-testid="role-save">
                  {busy ? 'Saving…' : 'Save'}
                </button>
              </div>
            </div>
          </section>
        ) : null}
      </form>
      {/* Outside the form: a dialog's submit must not bubble into Save. */}
      {deleting ? (
        <DeleteRoleDialog
          role={role}
          memberCount={role.users.length}
          onClose={() => setDeleting(false)}
          onDeleted={() => {
            const state: RolesLocationState = { deleted: role.name };
            void navigate('/admin/roles', { state });
          }}
        />
      ) : null}
    </>
  );
}

/** Administration > User Roles > a role: read-only for the built-in roles. */
export function RolePage() {
  const { roleId = '' } = useParams();
  const { can } = useCurrentSession();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [editorKey, setEditorKey] = useState(0);

  useEffect(() => {
    let active = true;
    void fetchRole(roleId).then((result) => {
      if (!active) return;
      if (result.ok) setLoad({ status: 'loaded', role: result.data.role, etag: result.data.etag });
      else if (result.problem.status === 404) setLoad({ status: 'notFound' });
      else setLoad({ status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [roleId, attempt]);

  function reload() {
    setLoad({ status: 'loading' });
    setEditorKey((count) => count + 1);
    setAttempt((count) => count + 1);
  }

  if (load.status === 'loading') {
    return (
      <div className="page">
        <title>User Role · Partner Console</title>
        <p className="panel__note" role="status">
          Loading the role…
        </p>
      </div>
    );
  }

  if (load.status === 'notFound') {
    return (
      <div className="page">
        <title>No such role · Partner Console</title>
        <h1 className="page__title">No such role</h1>
        <p>
          There is no role at this address. It may have been deleted. <Link to="/admin/roles">Back to User Roles</Link>
        </p>
      </div>
    );
  }

  if (load.status === 'failed') {
    return (
      <div className="page">
        <title>User Role · Partner Console</title>
        <h1 className="page__title">User Role</h1>
        <LoadFailed title="The role could not be loaded" problem={load.problem} onRetry={reload} />
      </div>
    );
  }

  const { role, etag } = load;
  return (
    <div className="page page--wide">
      <title>{`${role.name} · Partner Console`}</title>
      <div className="page__header">
        <div>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link to="/admin/roles">User Roles</Link>
          </nav>
          <h1 className="page__title">{role.name}</h1>
          <p className="page__subtitle">
            {role.builtIn ? 'Built-in role' : 'Custom role'} · {role.userCount} {role.userCount === 1 ? 'user' : 'users'}
          </p>
        </div>
      </div>

      {role.builtIn ? (
        <>
          <FormAlert tone="info" title="Built-in roles cannot be changed">
            <p>{BUILT_IN_DESCRIPTIONS[role.id] ?? 'Read/Write access to all existing and new customers.'}</p>
          </FormAlert>
          <section className="panel panel--stack" aria-labelledby="role-users-heading">
            <h2 id="role-users-heading" className="panel__title">
              Users
            </h2>
            <Members role={role} />
            <p className="field__hint">
              Give a user this role from their page in <Link to="/admin/users">Users</Link>.
            </p>
          </section>
          <section className="panel" aria-labelledby="role-access-heading">
            <h2 id="role-access-heading" className="panel__title">
              Customer Access
            </h2>
            <p data-testid="built-in-access">Read/Write on all existing and new customers.</p>
          </section>
        </>
      ) : (
        <>
          {!can.manageRoles ? (
            <FormAlert tone="info" title="Only partner administrators change roles">
              <p>You can see this role’s users and customer access.</p>
            </FormAlert>
          ) : null}
          <CustomRole
            key={editorKey}
            role={role}
            etag={etag}
            editable={can.manageRoles}
            onSaved={(answer) => setLoad({ status: 'loaded', role: answer.role, etag: answer.etag })}
            onMembersChanged={(next) => setLoad({ status: 'loaded', role: next, etag })}
            onReload={reload}
          />
        </>
      )}
    </div>
  );
}
