import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import type { ContactPreference, RoleView, UserStatus, UserUpdateRequest, UserView } from '../api/client';
import { mapFieldErrors, type Problem } from '../api/problem';
import { useAuth, useCurrentSession } from '../auth/AuthContext';
import { MailSuppressionNotice } from './MailSuppression';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { SelectInput } from '../customers/controls';
import { LoadFailed, ProblemAlert } from '../customers/problems';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { validateRequired } from '../forms/validation';
import { TwoStepSection } from '../mfa/TwoStepSection';
import { fetchRoles, fetchUser, resendInvitation, resetUserMfa, updateUser, type UserAnswer } from './api';
import { ContactDialog, DeleteContactDialog } from './ContactDialogs';
import { CONTACT_TYPE_LABELS, fullName, USER_STATUS_LABELS } from './labels';
import { FailureAlert, failureOf, type Failure } from './problems';

type LoadState =
  | { status: 'loading' }
  | { status: 'notFound' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; user: UserView; etag: string };

type OpenDialog =
  | { kind: 'addContact' }
  | { kind: 'editContact'; contact: ContactPreference }
  | { kind: 'deleteContact'; contact: ContactPreference }
  | { kind: 'resetMfa' }
  | null;

type Notice = { tone: 'success'; title: string } | { tone: 'error'; failure: Failure };

const PROFILE_FIELDS = ['firstName', 'lastName', 'role', 'status'] as const;
type ProfileField = (typeof PROFILE_FIELDS)[number];
type ProfileValues = Record<ProfileField, string>;

const STATUS_OPTIONS: Record<UserStatus, readonly { value: string; label: string }[]> = {
  // An invited user becomes active by accepting the invitation, not by an edit.
  invited: [
    { value: 'invited', label: 'Invited' },
    { value: 'disabled', label: 'Disabled' },
  ],
  active: [
    { value: 'active', label: 'Active' },
    { value: 'disabled', label: 'Disabled' },
  ],
  disabled: [
    { value: 'active', label: 'Active' },
    { value: 'disabled', label: 'Disabled' },
  ],
};

function profileValues(user: UserView): ProfileValues {
  return { firstName: user.firstName, lastName: user.lastName, role: user.role, status: user.status };
}

interface ProfileFormProps {
  user: UserView;
  etag: string;
  own: boolean;
  /** Names may be changed (one's own, or a partner administrator's users). */
  editNames: boolean;
  /** Role and status may be changed (a partner administrator, for other users). */
  administer: boolean;
  onSaved: (answer: UserAnswer) => void;
  onReload: () => void;
  /** "Lift suppression" is offered (a partner administrator). */
  mayLift: boolean;
  /** The address's mail suppression was lifted. */
  onLifted: () => void;
}

/** The user's profile: names for the user themselves; role and status for a partner administrator. */
function ProfileForm({
  user,
  etag,
  own,
  editNames,
  administer,
  onSaved,
  onReload,
  mayLift,
  onLifted,
}: ProfileFormProps) {
  const [values, setValues] = useState<ProfileValues>(() => profileValues(user));
  const [errors, setErrors] = useState<Partial<Record<ProfileField, string>>>({});
  const [roles, setRoles] = useState<RoleView[] | null>(null);
  const [rolesProblem, setRolesProblem] = useState<Problem | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '.form__message, [aria-invalid="true"]');

  useEffect(() => {
    if (!administer) return;
    let active = true;
    void fetchRoles().then((result) => {
      if (!active) return;
      if (result.ok) setRoles(result.data);
      else setRolesProblem(result.problem);
    });
    return () => {
      active = false;
    };
  }, [administer]);

  const set = (field: ProfileField) => (value: string) => {
    setValues((previous) => ({ ...previous, [field]: value }));
    setErrors((previous) => ({ ...previous, [field]: undefined }));
    setSaved(null);
  };

  function fail(next: Partial<Record<ProfileField, string>>, nextFailure: Failure | null) {
    setErrors(next);
    setFailure(nextFailure);
    setFailures((count) => count + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const clientErrors: Partial<Record<ProfileField, string>> = {};
    if (editNames) {
      const first = validateRequired(values.firstName, 'a first name');
      const last = validateRequired(values.lastName, 'a last name');
      if (first) clientErrors.firstName = first;
      if (last) clientErrors.lastName = last;
    }
    if (Object.keys(clientErrors).length > 0) {
      fail(clientErrors, null);
      return;
    }
    // Only what changed is sent: a partner administrator's own role is never part of it.
    const body: UserUpdateRequest = {};
    if (editNames && values.firstName.trim() !== user.firstName) body.firstName = values.firstName.trim();
    if (editNames && values.lastName.trim() !== user.lastName) body.lastName = values.lastName.trim();
    if (administer && values.role !== user.role) body.role = values.role;
    if (administer && values.status !== user.status && values.status !== 'invited') {
      body.status = values.status as NonNullable<UserUpdateRequest['status']>;
    }
    if (Object.keys(body).length === 0) {
      setFailure(null);
      setSaved('Nothing to save: the profile is unchanged.');
      return;
    }
    setBusy(true);
    setFailure(null);
    setSaved(null);
    const result = await updateUser(user.id, etag, body);
    setBusy(false);
    if (result.ok) {
      setErrors({});
      setValues(profileValues(result.data.user));
      setSaved(own ? 'Your profile was saved.' : `${fullName(result.data.user)}’s profile was saved.`);
      onSaved(result.data);
      return;
    }
    const { fields, unmatched } = mapFieldErrors(result.problem, PROFILE_FIELDS);
    if (result.problem.status === 422 && Object.keys(fields).length > 0) {
      fail(fields, unmatched.length > 0 ? failureOf('The profile could not be saved', result.problem, undefined, unmatched) : null);
      return;
    }
    fail({}, failureOf('The profile could not be saved', result.problem, result.retryAfterSeconds));
  }

  const roleOptions = (roles ?? [{ id: user.role, name: user.roleName } as Pick<RoleView, 'id' | 'name'>]).map(
    (role) => ({ value: role.id, label: role.name }),
  );
  const editable = editNames || administer;

  return (
    <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
      {failure ? <FailureAlert failure={failure} onReload={onReload} reloadLabel="Reload user" /> : null}
      <dl className="details">
        <div className="details__row">
          <dt>Email</dt>
          <dd>
            <span data-testid="user-email-address">{user.email}</span>
            {user.mailSuppression ? (
              <div>
                <MailSuppressionNotice
                  email={user.email}
                  suppression={user.mailSuppression}
                  mayLift={mayLift}
                  onLifted={onLifted}
                />
              </div>
            ) : null}
          </dd>
        </div>
        {!administer ? (
          <>
            <div className="details__row">
              <dt>Role</dt>
              <dd data-testid="user-role">
                {user.roleName}
                {own ? (
                  <span className="table__secondary">
                    {user.role === 'partnerAdministrator'
                      ? 'Another partner administrator can change your role.'
                      : 'A partner administrator can change your role.'}
                  </span>
                ) : null}
              </dd>
            </div>
            <div className="details__row">
              <dt>Status</dt>
              <dd data-testid="user-status">{USER_STATUS_LABELS[user.status]}</dd>
            </div>
          </>
        ) : null}
        {own ? null : (
          <div className="details__row">
            <dt>Two-step verification</dt>
            <dd data-testid="user-mfa">{user.mfa ? 'On' : 'Off'}</dd>
          </div>
        )}
      </dl>
      {editNames ? (
        <div className="form__grid">
          <TextField
            name="profile.firstName"
            label="First name"
            autoComplete={own ? 'given-name' : 'off'}
            value={values.firstName}
            onChange={set('firstName')}
            error={errors.firstName}
            testId="profile-first-name"
          />
          <TextField
            name="profile.lastName"
            label="Last name"
            autoComplete={own ? 'family-name' : 'off'}
            value={values.lastName}
            onChange={set('lastName')}
            error={errors.lastName}
            testId="profile-last-name"
          />
        </div>
      ) : (
        <dl className="details">
          <div className="details__row">
            <dt>Name</dt>
            <dd>{fullName(user)}</dd>
          </div>
        </dl>
      )}
      {administer ? (
        <div className="form__grid">
          <SelectInput
            name="profile.role"
            label="Role"
            value={values.role}
            onChange={set('role')}
            options={roleOptions}
            placeholder={roles === null ? 'Loading roles…' : 'Select a role'}
            error={errors.role}
            testId="profile-role"
          />
          <SelectInput
            name="profile.status"
            label="Status"
            value={values.status}
            onChange={set('status')}
            options={STATUS_OPTIONS[user.status]}
            placeholder="Select a status"
            error={errors.status}
            hint={
              user.status === 'invited'
                ? 'Invited users become active when they accept the invitation.'
                : 'Disabled users cannot sign in.'
            }
            testId="profile-status"
          />
        </div>
      ) : null}
      {rolesProblem ? <ProblemAlert title="The roles could not be loaded" problem={rolesProblem} /> : null}
      {editable ? (
        <div className="setting__footer">
          <p className="setting__status" role="status">
            {saved ?? ''}
          </p>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="profile-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      ) : null}
    </form>
  );
}

interface ResetMfaDialogProps {
  user: UserView;
  /** The partner requires two-step verification: the user sets it up again at their next sign-in. */
  required: boolean;
  onClose: () => void;
  onReset: () => void;
}

/** Recovery of another user's two-step verification (a lost phone), confirmed first. */
function ResetMfaDialog({ user, required, onClose, onReset }: ResetMfaDialogProps) {
  return (
    <ConfirmDialog
      title="Reset two-step verification?"
      keepLabel="Cancel"
      confirmLabel="Reset"
      busyLabel="Resetting…"
      confirmTestId="user-reset-mfa-confirm"
      run={() => resetUserMfa(user.id)}
      failureTitle="Two-step verification could not be reset"
      onDone={onReset}
      onClose={onClose}
    >
      <p className="dialog__lead">
        {fullName(user)} ({user.email}) will no longer be asked for a code from their authenticator app.{' '}
        {required
          ? 'Your company requires two-step verification, so they set it up again, with a new app, as soon as they sign in.'
          : 'They sign in with their password only until they set it up again in My User Settings.'}
      </p>
      <p className="dialog__lead">Do this when they have lost the phone with their app, after checking it is really them.</p>
    </ConfirmDialog>
  );
}

/** A user's profile and contact preferences: My User Settings for oneself, or a user from Administration > Users. */
function UserSettings({ userId }: { userId: string }) {
  const { user: me, partner, can } = useCurrentSession();
  const { refreshAccount } = useAuth();
  const own = userId === me.id;
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [formKey, setFormKey] = useState(0);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [noticeCount, setNoticeCount] = useState(0);
  const [inviting, setInviting] = useState(false);
  const noticeRef = useFocusOnChange<HTMLDivElement>(noticeCount);

  useEffect(() => {
    let active = true;
    void fetchUser(userId).then((result) => {
      if (!active) return;
      if (result.ok) setLoad({ status: 'loaded', user: result.data.user, etag: result.data.etag });
      else if (result.problem.status === 404) setLoad({ status: 'notFound' });
      else setLoad({ status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [userId, attempt]);

  function reload() {
    setDialog(null);
    setNotice(null);
    setLoad({ status: 'loading' });
    setFormKey((count) => count + 1);
    setAttempt((count) => count + 1);
  }

  function show(next: Notice) {
    setNotice(next);
    setNoticeCount((count) => count + 1);
  }

  function applied(answer: UserAnswer) {
    setLoad({ status: 'loaded', user: answer.user, etag: answer.etag });
  }

  /** Loads the user again after a change that moved their version (a new invitation, two-step verification). */
  async function refetch(userIdToLoad: string) {
    const fresh = await fetchUser(userIdToLoad);
    if (fresh.ok) applied(fresh.data);
  }

  function contactDone(answer: UserAnswer, text: string) {
    applied(answer);
    setDialog(null);
    show({ tone: 'success', title: text });
  }

  async function resend(user: UserView) {
    if (inviting) return;
    setInviting(true);
    const result = await resendInvitation(user.id);
    setInviting(false);
    if (!result.ok) {
      show({ tone: 'error', failure: failureOf(`The invitation to ${user.email} could not be sent`, result.problem) });
      return;
    }
    show({ tone: 'success', title: `A new invitation was sent to ${user.email}.` });
    // The new invitation moved the user's version.
    await refetch(user.id);
  }

  const pageTitle = own ? 'My User Settings' : 'User';

  if (load.status === 'loading') {
    return (
      <div className="page">
        <title>{`${pageTitle} · Partner Console`}</title>
        <p className="panel__note" role="status">
          Loading the user…
        </p>
      </div>
    );
  }

  if (load.status === 'notFound') {
    return (
      <div className="page">
        <title>No such user · Partner Console</title>
        <h1 className="page__title">No such user</h1>
        <p>
          There is no user at this address. They may have been removed. <Link to="/admin/users">Back to Users</Link>
        </p>
      </div>
    );
  }

  if (load.status === 'failed') {
    return (
      <div className="page">
        <title>{`${pageTitle} · Partner Console`}</title>
        <h1 className="page__title">{pageTitle}</h1>
        <LoadFailed title="The user could not be loaded" problem={load.problem} onRetry={reload} />
      </div>
    );
  }

  const { user, etag } = load;
  const administer = can.manageUsers && !own;
  const editNames = own || can.manageUsers;
  const editContacts = own || can.manageUsers;
  const resetMfa = !own && can.manageSecurity && user.mfa;

  return (
    <div className="page page--wide">
      <title>{`${own ? pageTitle : fullName(user)} · Partner Console`}</title>
      <div className="page__header">
        <div>
          {own ? null : (
            <nav aria-label="Breadcrumb" className="breadcrumb">
              <Link to="/admin/users">Users</Link>
            </nav>
          )}
          <h1 className="page__title">{own ? pageTitle : fullName(user)}</h1>
          <p className="page__subtitle">
            {own ? `${fullName(user)} · ${user.roleName}` : `${user.roleName} · ${USER_STATUS_LABELS[user.status]}`}
          </p>
        </div>
        {(administer && user.status === 'invited') || resetMfa ? (
          <div className="page__actions">
            {administer && user.status === 'invited' ? (
              <button
                type="button"
                className="button button--secondary"
                onClick={() => void resend(user)}
                disabled={inviting}
                data-testid="user-resend-invitation"
              >
                {inviting ? 'Sending…' : 'Resend invitation'}
              </button>
            ) : null}
            {resetMfa ? (
              <button
                type="button"
                className="button button--secondary"
                onClick={() => setDialog({ kind: 'resetMfa' })}
                data-testid="user-reset-mfa"
              >
                Reset two-step verification
              </button>
            ) : null}
          </div>
        ) : null}
      </div>

      {notice ? (
        notice.tone === 'success' ? (
          <div ref={noticeRef} tabIndex={-1} className="form__message" data-testid="user-notice">
            <FormAlert tone="success" title={notice.title} />
          </div>
        ) : (
          <FailureAlert ref={noticeRef} failure={notice.failure} onReload={reload} reloadLabel="Reload user" />
        )
      ) : null}

      <section className="panel panel--stack" aria-labelledby="profile-heading">
        <h2 id="profile-heading" className="panel__title">
          Profile
        </h2>
        <ProfileForm
          key={formKey}
          user={user}
          etag={etag}
          own={own}
          editNames={editNames}
          administer={administer}
          onSaved={(answer) => {
            applied(answer);
            if (own) void refreshAccount();
          }}
          onReload={reload}
          mayLift={can.manageUsers}
          onLifted={() => {
            show({ tone: 'success', title: `The console emails ${user.email} again.` });
            void refetch(user.id);
          }}
        />
      </section>

      {own ? <TwoStepSection onChanged={() => void refetch(user.id)} /> : null}

      <section className="panel panel--stack" aria-labelledby="contacts-heading">
        <div className="panel__header">
          <h2 id="contacts-heading" className="panel__title">
            Contact Preferences
          </h2>
          {editContacts ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => setDialog({ kind: 'addContact' })}
              data-testid="add-contact-open"
            >
              Add Contact
            </button>
          ) : null}
        </div>
        {user.contacts.length === 0 ? (
          <p className="panel__note">No contact preferences yet. Alerts and notices go to {user.email}.</p>
        ) : (
          <div className="table-scroll">
            <table className="table" aria-labelledby="contacts-heading" data-testid="contacts-table">
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Address</th>
                  <th scope="col">Primary Contact</th>
                  {editContacts ? <th scope="col">Action</th> : null}
                </tr>
              </thead>
              <tbody>
                {user.contacts.map((contact) => (
                  <tr key={contact.id} data-testid="contact-row">
                    <td>{CONTACT_TYPE_LABELS[contact.type]}</td>
                    <td>{contact.address}</td>
                    <td>{contact.primary ? 'Primary' : ''}</td>
                    {editContacts ? (
                      <td className="table__actions table__actions--start">
                        <button
                          type="button"
                          className="button button--small button--secondary"
                          onClick={() => setDialog({ kind: 'editContact', contact })}
                          aria-label={`Edit ${contact.address}`}
                          data-testid="contact-edit"
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="button button--small button--secondary button--danger-outline"
                          onClick={() => setDialog({ kind: 'deleteContact', contact })}
                          aria-label={`Delete ${contact.address}`}
                          data-testid="contact-delete"
                        >
                          Delete
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {dialog?.kind === 'addContact' ? (
        <ContactDialog
          userId={user.id}
          etag={etag}
          onClose={() => setDialog(null)}
          onSaved={contactDone}
          onReload={reload}
        />
      ) : null}
      {dialog?.kind === 'editContact' ? (
        <ContactDialog
          userId={user.id}
          etag={etag}
          contact={dialog.contact}
          onClose={() => setDialog(null)}
          onSaved={contactDone}
          onReload={reload}
        />
      ) : null}
      {dialog?.kind === 'resetMfa' ? (
        <ResetMfaDialog
          user={user}
          required={partner.requireMfa === true}
          onClose={() => setDialog(null)}
          onReset={() => {
            setDialog(null);
            show({
              tone: 'success',
              title: `Two-step verification was reset for ${fullName(user)}.`,
            });
            void refetch(user.id);
          }}
        />
      ) : null}
      {dialog?.kind === 'deleteContact' ? (
        <DeleteContactDialog
          userId={user.id}
          etag={etag}
          contact={dialog.contact}
          onClose={() => setDialog(null)}
          onDeleted={contactDone}
          onReload={reload}
        />
      ) : null}
    </div>
  );
}

/** Administration > Users > a user (the user name link). */
export function UserPage() {
  const { userId = '' } = useParams();
  return <UserSettings key={userId} userId={userId} />;
}

/** "My User Settings" from the account menu: the same page for one's own user. */
export function MyUserSettingsPage() {
  const { user } = useCurrentSession();
  return <UserSettings key={user.id} userId={user.id} />;
}
