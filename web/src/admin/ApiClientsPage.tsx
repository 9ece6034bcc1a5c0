import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ApiClientView, NewApiClient, RoleView } from '../api/client';
import { mapFieldErrors, type Problem } from '../api/problem';
import { formatTime } from '../activity/activity';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { Dialog } from '../components/Dialog';
import { TextField } from '../components/fields';
import { FormAlert } from '../components/FormAlert';
import { SelectInput } from '../customers/controls';
import { LoadFailed } from '../customers/problems';
import { useFocusOnChange } from '../customers/useFocusOnChange';
import { validateRequired } from '../forms/validation';
import { createApiClient, fetchApiClients, fetchRoles, revokeApiClient } from './api';
import { FailureAlert, failureOf, fieldSentence, type Failure } from './problems';

const MAX_NAME = 64;
const FIELDS = ['name', 'role'] as const;
type Field = (typeof FIELDS)[number];
type Errors = Partial<Record<Field, string>>;

/** The token endpoint on this console's own address. */
export function tokenUrl(): string {
  return `${window.location.origin}/api/v1/auth/token`;
}

/** The client-credentials request for a client, as a curl command. */
export function tokenRequestExample(clientId: string, clientSecret: string): string {
  return [
    `curl -X POST ${tokenUrl()} \\`,
    `  -d grant_type=client_credentials \\`,
    `  -d client_id=${clientId} \\`,
    `  -d client_secret=${clientSecret}`,
  ].join('\n');
}

interface NewClientDialogProps {
  onClose: () => void;
  onCreated: (client: NewApiClient) => void;
}

/** New API Client: a name and the role it acts with (never Partner Administrator). */
function NewClientDialog({ onClose, onCreated }: NewClientDialogProps) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [roles, setRoles] = useState<RoleView[] | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '[aria-invalid="true"], .form__message');

  useEffect(() => {
    let active = true;
    void fetchRoles().then((result) => {
      if (!active) return;
      if (result.ok) setRoles(result.data.filter((candidate) => candidate.id !== 'partnerAdministrator'));
      else setFailure(failureOf('The roles could not be loaded', result.problem));
    });
    return () => {
      active = false;
    };
  }, []);

  function fail(nextErrors: Errors, nextFailure: Failure | null) {
    setErrors(nextErrors);
    setFailure(nextFailure);
    setFailures((count) => count + 1);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const clientErrors: Errors = {};
    const nameError = validateRequired(name, 'a name for the client');
    if (nameError) clientErrors.name = nameError;
    else if (Array.from(name.trim()).length > MAX_NAME) clientErrors.name = `Use at most ${MAX_NAME} characters.`;
    if (role === '') clientErrors.role = 'Select the role the client acts with.';
    if (Object.keys(clientErrors).length > 0) {
      fail(clientErrors, null);
      return;
    }
    setBusy(true);
    setFailure(null);
    const result = await createApiClient({ name: name.trim(), role });
    setBusy(false);
    if (result.ok) {
      onCreated(result.data);
      return;
    }
    const { fields, unmatched } = mapFieldErrors(result.problem, FIELDS);
    if (result.problem.status === 422 && Object.keys(fields).length > 0) {
      fail(
        {
          name: fields.name && fieldSentence('The name', fields.name),
          role: fields.role && fieldSentence('The role', fields.role),
        },
        unmatched.length > 0 ? failureOf('The API client could not be created', result.problem, undefined, unmatched) : null,
      );
      return;
    }
    fail({}, failureOf('The API client could not be created', result.problem, result.retryAfterSeconds));
  }

  const roleOptions = (roles ?? []).map((candidate) => ({ value: candidate.id, label: candidate.name }));

  return (
    <Dialog title="New API Client" onClose={onClose} closeDisabled={busy}>
      <form ref={formRef} className="form" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
        <p className="dialog__lead">
          A script or PSA tool signs in with the client id and secret, and may then do what the role allows. Its secret
          is shown once, when the client is created.
        </p>
        {failure ? <FailureAlert failure={failure} /> : null}
        <TextField
          name="apiClient.name"
          label="Name"
          autoComplete="off"
          value={name}
          onChange={(value) => {
            setName(value);
            setErrors((previous) => ({ ...previous, name: undefined }));
          }}
          error={errors.name}
          hint="What the client is for, e.g. PSA sync."
          testId="api-client-name"
        />
        <SelectInput
          name="apiClient.role"
          label="Role"
          value={role}
          onChange={(value) => {
            setRole(value);
            setErrors((previous) => ({ ...previous, role: undefined }));
          }}
          options={roleOptions}
          placeholder={roles === null ? 'Loading roles…' : 'Select a role'}
          error={errors.role}
          hint="Administrator reaches every customer; a custom role reaches the customers it lists. A client never manages users, roles or security settings."
          testId="api-client-role"
        />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="api-client-create">
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The new client's secret, shown this once, with the token request that uses it. */
function SecretDialog({ client, onClose }: { client: NewApiClient; onClose: () => void }) {
  const example = tokenRequestExample(client.clientId, client.clientSecret);
  const exampleId = useId();
  return (
    <Dialog title="Copy the client secret now" onClose={onClose} wide>
      <FormAlert tone="info" title="You will not see this secret again">
        <p>
          Store it where your script or tool keeps its secrets before you close this. If it is lost, revoke the client
          and create a new one.
        </p>
      </FormAlert>
      <dl className="details details--compact">
        <div className="details__row">
          <dt>Name</dt>
          <dd>{client.name}</dd>
        </div>
        <div className="details__row">
          <dt>Role</dt>
          <dd>{client.roleName}</dd>
        </div>
        <div className="details__row">
          <dt>Client ID</dt>
          <dd>
            <code className="secret" data-testid="api-client-id">
              {client.clientId}
            </code>{' '}
            <CopyButton text={client.clientId} what="client ID" testId="api-client-id-copy" />
          </dd>
        </div>
        <div className="details__row">
          <dt>Client secret</dt>
          <dd>
            <code className="secret" data-testid="api-client-secret">
              {client.clientSecret}
            </code>{' '}
            <CopyButton text={client.clientSecret} what="client secret" testId="api-client-secret-copy" />
          </dd>
        </div>
      </dl>
      <div className="subsection">
        <div className="panel__header">
          <p className="field__label" id={exampleId}>
            Get an access token (OAuth 2.0 client credentials)
          </p>
          <CopyButton text={example} what="token request" testId="api-client-example-copy" />
        </div>
        <pre className="code-block" aria-labelledby={exampleId} data-testid="api-client-example">
          {example}
        </pre>
        <p className="panel__note">
          The answer&apos;s <code>access_token</code> goes in an <code>Authorization: Bearer</code> header on every
          request; get a new one when it expires, after <code>expires_in</code> seconds.
        </p>
      </div>
      <div className="dialog__actions">
        <button type="button" className="button button--primary" onClick={onClose} data-testid="api-client-secret-done">
          I have stored the secret
        </button>
      </div>
    </Dialog>
  );
}

interface RevokeDialogProps {
  client: ApiClientView;
  onClose: () => void;
  onRevoked: () => void;
}

function RevokeDialog({ client, onClose, onRevoked }: RevokeDialogProps) {
  return (
    <ConfirmDialog
      title={`Revoke ${client.name}?`}
      keepLabel="Keep client"
      confirmLabel="Revoke"
      busyLabel="Revoking…"
      confirmTestId="api-client-revoke-confirm"
      run={() => revokeApiClient(client.clientId)}
      failureTitle="The API client could not be revoked"
      goneIsDone
      onDone={onRevoked}
      onClose={onClose}
    >
      <p className="dialog__lead">
        Scripts and tools using client <code>{client.clientId}</code> stop working at their next request: its secret
        and access tokens are refused. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; clients: ApiClientView[] };

type OpenDialog =
  | { kind: 'new' }
  | { kind: 'secret'; client: NewApiClient }
  | { kind: 'revoke'; client: ApiClientView }
  | null;

/** Administration > API Clients: credentials for scripts and PSA tools (partner administrators). */
export function ApiClientsPage() {
  const headingId = useId();
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [noticeCount, setNoticeCount] = useState(0);
  const noticeRef = useFocusOnChange<HTMLDivElement>(noticeCount);

  useEffect(() => {
    let active = true;
    void fetchApiClients().then((result) => {
      if (!active) return;
      setList(result.ok ? { status: 'loaded', clients: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  function retry() {
    setList({ status: 'loading' });
    setAttempt((count) => count + 1);
  }

  function show(text: string) {
    setNotice(text);
    setNoticeCount((count) => count + 1);
  }

  function created(client: NewApiClient) {
    // The list keeps no secret.
    const view: ApiClientView = {
      clientId: client.clientId,
      name: client.name,
      role: client.role,
      roleName: client.roleName,
      createdAt: client.createdAt,
    };
    setList((previous) =>
      previous.status === 'loaded' ? { status: 'loaded', clients: [...previous.clients, view] } : previous,
    );
    setNotice(null);
    setDialog({ kind: 'secret', client });
  }

  function revoked(client: ApiClientView) {
    setList((previous) =>
      previous.status === 'loaded'
        ? { status: 'loaded', clients: previous.clients.filter((item) => item.clientId !== client.clientId) }
        : previous,
    );
    setDialog(null);
    show(`The API client ${client.name} was revoked.`);
  }

  return (
    <div className="page page--wide">
      <title>API Clients · Partner Console</title>
      <div className="page__header">
        <div>
          <p className="breadcrumb">Administration</p>
          <h1 className="page__title">API Clients</h1>
          <p className="page__subtitle">
            Credentials for scripts and PSA tools that use the Partner Console API. A client acts with the role you give
            it, and every request it makes is in the Security Audit.
          </p>
        </div>
        <div className="page__actions">
          <button
            type="button"
            className="button button--primary"
            onClick={() => setDialog({ kind: 'new' })}
            data-testid="api-client-new"
          >
            New API Client
          </button>
        </div>
      </div>

      {notice ? (
        <div ref={noticeRef} tabIndex={-1} className="form__message" data-testid="api-clients-notice">
          <FormAlert tone="success" title={notice} />
        </div>
      ) : null}

      <section className="panel panel--stack" aria-labelledby={headingId} aria-busy={list.status === 'loading'}>
        <h2 id={headingId} className="panel__title">
          Clients
        </h2>
        {list.status === 'loading' ? (
          <p className="panel__note" role="status">
            Loading API clients…
          </p>
        ) : null}
        {list.status === 'failed' ? (
          <LoadFailed title="The API clients could not be loaded" problem={list.problem} onRetry={retry} />
        ) : null}
        {list.status === 'loaded' && list.clients.length === 0 ? (
          <div className="empty-state" data-testid="api-clients-empty">
            <p>No API clients yet. Create one for each script or tool, so that each can be revoked on its own.</p>
          </div>
        ) : null}
        {list.status === 'loaded' && list.clients.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby={headingId} data-testid="api-clients-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Client ID</th>
                  <th scope="col">Role</th>
                  <th scope="col">Created</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {list.clients.map((client) => (
                  <tr key={client.clientId} data-testid="api-client-row">
                    <td>{client.name}</td>
                    <td className="table__mono">{client.clientId}</td>
                    <td>{client.roleName}</td>
                    <td>
                      <time dateTime={client.createdAt}>{formatTime(client.createdAt)}</time>
                    </td>
                    <td className="table__actions table__actions--start">
                      <button
                        type="button"
                        className="button button--small button--secondary button--danger-outline"
                        onClick={() => setDialog({ kind: 'revoke', client })}
                        aria-label={`Revoke ${client.name}`}
                        data-testid="api-client-revoke"
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      {dialog?.kind === 'new' ? <NewClientDialog onClose={() => setDialog(null)} onCreated={created} /> : null}
      {dialog?.kind === 'secret' ? (
        <SecretDialog
          client={dialog.client}
          onClose={() => {
            setDialog(null);
            show(`The API client ${dialog.client.name} was created. Its secret is no longer shown.`);
          }}
        />
      ) : null}
      {dialog?.kind === 'revoke' ? (
        <RevokeDialog client={dialog.client} onClose={() => setDialog(null)} onRevoked={() => revoked(dialog.client)} />
      ) : null}
    </div>
  );
}
