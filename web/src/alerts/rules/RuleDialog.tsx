import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { fetchAllCustomers, fetchAllUsers } from '../../admin/api';
import type { CustomerChoices } from '../../admin/CustomerAccessEditor';
import { fullName } from '../../admin/labels';
import { FailureAlert, failureOf, type Failure } from '../../admin/problems';
import type { UserView } from '../../api/client';
import type { Problem } from '../../api/problem';
import type { ApiResult } from '../../auth/session';
import { CustomerPicker } from '../../components/CustomerPicker';
import { Dialog } from '../../components/Dialog';
import { TextField } from '../../components/fields';
import { CheckboxInput, RadioGroup } from '../../customers/controls';
import { ProblemAlert } from '../../customers/problems';
import { useFocusOnChange } from '../../customers/useFocusOnChange';
import { createRule, saveRule, versionTag, type RuleAnswer } from './api';
import {
  categoryKey,
  draftOf,
  mapRuleErrors,
  NEW_RULE,
  orderedCategories,
  parseNames,
  ruleRequest,
  validateDraft,
  type CategoryKey,
  type RuleDraft,
  type RuleErrors,
} from './draft';
import {
  COMPUTER_SCOPE_LABELS,
  DELIVERY_HEADER,
  describeCategories,
  SERVICE_LABELS,
  SERVICES,
  SEVERITIES,
  SEVERITY_LABELS,
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_MINUTES,
  TIMESTAMP_HEADER,
} from './labels';
import type { AlertRule, ComputerScope, CreatedRule, RuleRequest } from './types';
import './rules.css';

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const present = ids.filter((id): id is string => typeof id === 'string');
  return present.length > 0 ? present.join(' ') : undefined;
}

/** A check box whose third state ("some") is shown while part of its row or column is checked. */
function HelperCheckbox({
  checked,
  mixed,
  label,
  invalid,
  onChange,
}: {
  checked: boolean;
  mixed: boolean;
  label: string;
  invalid: boolean;
  onChange: (checked: boolean) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = mixed;
  }, [mixed]);
  return (
    <input
      ref={ref}
      type="checkbox"
      checked={checked}
      aria-label={label}
      aria-invalid={invalid || undefined}
      onChange={(event) => onChange(event.target.checked)}
    />
  );
}

/** The guide's check boxes "by service and by severity", with an "all" box per row and per column. */
export function CategoryGrid({
  value,
  onChange,
  error,
}: {
  value: readonly CategoryKey[];
  onChange: (value: CategoryKey[]) => void;
  error: string | undefined;
}) {
  const legendId = useId();
  const errorId = useId();
  const checked = new Set(value);
  const invalid = error !== undefined;

  function set(keys: CategoryKey[], on: boolean) {
    const next = new Set(checked);
    for (const key of keys) {
      if (on) next.add(key);
      else next.delete(key);
    }
    // In the grid's order, so the request does not depend on the order of the clicks.
    const ordered: CategoryKey[] = [];
    for (const service of SERVICES) {
      for (const severity of SEVERITIES) {
        const key = categoryKey({ service, severity });
        if (next.has(key)) ordered.push(key);
      }
    }
    onChange(ordered);
  }

  function helper(keys: CategoryKey[], label: string) {
    const count = keys.filter((key) => checked.has(key)).length;
    return (
      <HelperCheckbox
        checked={count === keys.length}
        mixed={count > 0 && count < keys.length}
        label={label}
        invalid={invalid}
        onChange={(on) => set(keys, on)}
      />
    );
  }

  const allKeys = SERVICES.flatMap((service) => SEVERITIES.map((severity) => categoryKey({ service, severity })));

  return (
    <fieldset
      className={['rule-group', invalid ? 'rule-group--invalid' : ''].filter(Boolean).join(' ')}
      aria-describedby={describedBy(invalid && errorId)}
      data-testid="rule-categories"
    >
      <legend id={legendId} className="rule-group__legend">
        Categories
      </legend>
      <p className="field__hint">Check the alerts to be notified of, by service and by severity.</p>
      <div className="table-scroll">
        <table className="category-grid" aria-labelledby={legendId}>
          <thead>
            <tr>
              <td>
                <label className="category-grid__helper">
                  {helper(allKeys, 'All categories')}
                  <span aria-hidden="true">All</span>
                </label>
              </td>
              {SEVERITIES.map((severity) => (
                <th key={severity} scope="col">
                  <label className="category-grid__helper">
                    {helper(
                      SERVICES.map((service) => categoryKey({ service, severity })),
                      `All ${SEVERITY_LABELS[severity]} alerts`,
                    )}
                    <span aria-hidden="true">{SEVERITY_LABELS[severity]}</span>
                  </label>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {SERVICES.map((service) => (
              <tr key={service}>
                <th scope="row">
                  <label className="category-grid__helper">
                    {helper(
                      SEVERITIES.map((severity) => categoryKey({ service, severity })),
                      `All ${SERVICE_LABELS[service]} alerts`,
                    )}
                    <span aria-hidden="true">{SERVICE_LABELS[service]}</span>
                  </label>
                </th>
                {SEVERITIES.map((severity) => {
                  const key = categoryKey({ service, severity });
                  return (
                    <td key={severity}>
                      <input
                        type="checkbox"
                        checked={checked.has(key)}
                        aria-label={`${SERVICE_LABELS[service]}, ${SEVERITY_LABELS[severity]}`}
                        aria-invalid={invalid || undefined}
                        data-testid={`category-${key}`}
                        onChange={(event) => set([key], event.target.checked)}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A list of names typed one a line (or separated by commas). */
function NamesField({
  label,
  value,
  onChange,
  error,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  hint: string;
}) {
  const id = 'field-rule-computers-names';
  return (
    <div className={['field', error ? 'field--invalid' : ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <textarea
        id={id}
        name="rule.computers.names"
        className="field__input rule-textarea"
        value={value}
        spellCheck={false}
        aria-required
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, error && `${id}-error`)}
        onChange={(event) => onChange(event.target.value)}
        data-testid="rule-computer-names"
      />
      <div className="field__hint" id={`${id}-hint`}>
        {hint}
      </div>
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The users to check; none checked means every administrator. */
function RecipientList({
  users,
  problem,
  known,
  chosen,
  administrators,
  onChange,
  error,
}: {
  users: UserView[] | null;
  problem: Problem | null;
  /** Recipients of the saved rule, for names of users no longer listed. */
  known: { id: string; name: string; email: string }[];
  chosen: string[];
  /** How many administrators are notified when no one is checked (null until the users are loaded). */
  administrators: number | null;
  onChange: (recipients: string[]) => void;
  error: string | undefined;
}) {
  const errorId = useId();
  const chosenIds = new Set(chosen);
  const listed = (users ?? []).filter((user) => user.status !== 'disabled' || chosenIds.has(user.id));
  const listedIds = new Set(listed.map((user) => user.id));
  const others = known.filter((recipient) => chosenIds.has(recipient.id) && !listedIds.has(recipient.id));
  const options = [
    ...listed.map((user) => ({
      id: user.id,
      name: fullName(user),
      detail: `${user.email} · ${user.roleName}${user.status === 'disabled' ? ' · Disabled' : ''}`,
    })),
    ...others.map((recipient) => ({ id: recipient.id, name: recipient.name, detail: recipient.email })),
  ];

  function toggle(id: string, on: boolean) {
    onChange(on ? [...chosen, id] : chosen.filter((other) => other !== id));
  }

  return (
    <fieldset
      className={['rule-group', error ? 'rule-group--invalid' : ''].filter(Boolean).join(' ')}
      aria-describedby={describedBy(error && errorId)}
      data-testid="rule-recipients"
    >
      <legend className="rule-group__legend">Users</legend>
      <p className="field__hint">
        {chosen.length === 0
          ? `None checked: all administrators${administrators === null ? '' : ` (${administrators})`} are notified.`
          : `${chosen.length} ${chosen.length === 1 ? 'user is' : 'users are'} notified, at their contact preferences.`}
      </p>
      {problem ? <ProblemAlert title="The users could not be loaded" problem={problem} /> : null}
      {users === null && problem === null ? (
        <p className="panel__note" role="status">
          Loading users…
        </p>
      ) : null}
      {options.length > 0 ? (
        <ul className="option-list">
          {options.map((option, index) => (
            <li key={option.id}>
              <div className="checkbox">
                <input
                  id={`field-rule-recipient-${option.id}`}
                  type="checkbox"
                  className="checkbox__input"
                  checked={chosenIds.has(option.id)}
                  aria-invalid={error && index === 0 ? true : undefined}
                  onChange={(event) => toggle(option.id, event.target.checked)}
                />
                <label className="checkbox__label" htmlFor={`field-rule-recipient-${option.id}`}>
                  {option.name} <span className="muted">{option.detail}</span>
                </label>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** How a receiver checks that a webhook call came from the console. */
export function WebhookSignatureHelp() {
  return (
    <>
      <p>
        Alerts are posted as JSON. Each call carries <code>{SIGNATURE_HEADER}</code>: <code>v1=</code> and the hex
        HMAC-SHA256, keyed by the rule’s signing secret, of the value of <code>{TIMESTAMP_HEADER}</code> (Unix
        seconds), a dot and the body.
      </p>
      <p>
        Accept a call only when the signature matches and the timestamp is within {SIGNATURE_TOLERANCE_MINUTES}{' '}
        minutes; <code>{DELIVERY_HEADER}</code> stays the same on every retry of one delivery. The secret (
        <code>whsec_…</code>) is shown once, when the rule is saved with a new webhook URL.
      </p>
    </>
  );
}

function SummaryRow({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="details__row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The rule as it will be saved (the procedure's Confirmation). */
function Confirmation({
  draft,
  userNames,
  administrators,
}: {
  draft: RuleDraft;
  userNames: Map<string, string>;
  administrators: number | null;
}) {
  const names = parseNames(draft.names);
  const url = draft.webhookUrl.trim();
  return (
    <dl className="details details--compact" data-testid="rule-summary">
      <SummaryRow term="Rule name">{draft.name.trim() === '' ? '—' : draft.name.trim()}</SummaryRow>
      <SummaryRow term="Status">{draft.enabled ? 'Enabled' : 'Disabled'}</SummaryRow>
      <SummaryRow term="Categories">{describeCategories(orderedCategories(draft.categories))}</SummaryRow>
      <SummaryRow term="Companies">
        {draft.chooseCustomers
          ? draft.customers.length > 0
            ? draft.customers.map((customer) => customer.name).join(', ')
            : 'None chosen'
          : 'All companies'}
      </SummaryRow>
      <SummaryRow term="Computers or groups">
        {draft.scope === 'all'
          ? COMPUTER_SCOPE_LABELS.all
          : `${COMPUTER_SCOPE_LABELS[draft.scope]}: ${names.length > 0 ? names.join(', ') : 'none named'}`}
      </SummaryRow>
      <SummaryRow term="Recipients">
        {draft.recipients.length === 0
          ? `All administrators${administrators === null ? '' : ` (${administrators})`}`
          : draft.recipients.map((id) => userNames.get(id) ?? id).join(', ')}
        {draft.customerContacts ? ", and the customer's contact where you share communications" : ''}
      </SummaryRow>
      <SummaryRow term="Webhook">{url === '' ? 'None' : url}</SummaryRow>
    </dl>
  );
}

/** A new rule as a save's answer: it has no `ETag` to keep, its version stands in. */
async function created(body: RuleRequest): Promise<ApiResult<RuleAnswer>> {
  const result = await createRule(body);
  return result.ok ? { ok: true, data: { rule: result.data, etag: versionTag(result.data.version) } } : result;
}

const STALE_DETAIL = 'It was changed by someone else since it was loaded. Reload, then try again.';

const SCOPE_HINTS: Record<Exclude<ComputerScope, 'all'>, string> = {
  computers: 'One computer name a line (or separated by commas), as the computers report it.',
  groups: 'One group name a line (or separated by commas), as in the customer’s console.',
};

interface RuleDialogProps {
  /** The rule to edit; Add Notification has none. */
  rule?: AlertRule;
  /** The rule's ETag, sent as `If-Match`. */
  etag?: string;
  onClose: () => void;
  /** Saved, with the `ETag` to send next; a new webhook URL's secret (`webhookSecret`) comes this once. */
  onSaved: (rule: CreatedRule, etag: string) => void;
  /** Offered when the rule changed meanwhile. */
  onReload?: () => void;
}

/** Add Notification and Edit Notification: the guide's procedure, section by section, then the confirmation. */
export function RuleDialog({ rule, etag, onClose, onSaved, onReload }: RuleDialogProps) {
  const [draft, setDraft] = useState<RuleDraft>(() => (rule ? draftOf(rule) : NEW_RULE));
  const [errors, setErrors] = useState<RuleErrors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [usersProblem, setUsersProblem] = useState<Problem | null>(null);
  const [choices, setChoices] = useState<CustomerChoices>({ rows: [], done: false, problem: null });
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '.form__message, [aria-invalid="true"]');
  const loadCustomers = draft.chooseCustomers && !choices.done;

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

  // The customers are loaded once companies are to be chosen.
  useEffect(() => {
    if (!loadCustomers) return;
    let active = true;
    void fetchAllCustomers(
      (rows) => {
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
  }, [loadCustomers]);

  function change(next: Partial<RuleDraft>, field?: keyof RuleErrors) {
    setDraft((previous) => ({ ...previous, ...next }));
    if (field) setErrors((previous) => ({ ...previous, [field]: undefined }));
  }

  function fail(nextErrors: RuleErrors, nextFailure: Failure | null) {
    setErrors(nextErrors);
    setFailure(nextFailure);
    setFailures((count) => count + 1);
  }

  const userNames = new Map<string, string>([
    ...(rule?.recipients ?? []).map((recipient) => [recipient.id, recipient.name] as const),
    ...(users ?? []).map((user) => [user.id, fullName(user)] as const),
  ]);
  const customerNames = new Map<string, string>([
    ...draft.customers.map((customer) => [customer.id, customer.name] as const),
    ...choices.rows.map((row) => [row.id, row.name] as const),
  ]);
  const administrators =
    users === null
      ? null
      : users.filter(
          (user) =>
            user.status !== 'disabled' && (user.role === 'partnerAdministrator' || user.role === 'administrator'),
        ).length;

  /** A message of the API with the customers and users it names by id named by name. */
  function describe(message: string): string {
    return message.replace(/\b(?:cus|usr)_[A-Za-z0-9]+\b/g, (id) => customerNames.get(id) ?? userNames.get(id) ?? id);
  }

  const action = rule ? 'saved' : 'added';
  const confirmationId = useId();

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const clientErrors = validateDraft(draft);
    if (Object.keys(clientErrors).length > 0) {
      fail(clientErrors, null);
      return;
    }
    setBusy(true);
    setFailure(null);
    const body = ruleRequest(draft);
    const result = rule ? await saveRule(rule.id, body, etag ?? versionTag(rule.version)) : await created(body);
    setBusy(false);
    if (result.ok) {
      onSaved(result.data.rule, result.data.etag);
      return;
    }
    const { problem } = result;
    const title = `The notification rule could not be ${action}`;
    if (problem.status === 422) {
      const { fields, unmatched } = mapRuleErrors(problem, describe);
      if (Object.keys(fields).length > 0) {
        fail(fields, unmatched.length > 0 ? failureOf(title, problem, undefined, unmatched) : null);
        return;
      }
    }
    // Saving an existing rule: someone else saved it since it was loaded.
    if (rule && (problem.status === 409 || problem.status === 412)) {
      fail({}, { title, detail: STALE_DETAIL, stale: true });
      return;
    }
    fail({}, failureOf(title, problem, result.retryAfterSeconds));
  }

  return (
    <Dialog title={rule ? 'Edit Notification' : 'Add Notification'} onClose={onClose} closeDisabled={busy} wide>
      <form
        ref={formRef}
        className="form"
        noValidate
        onSubmit={(event) => void handleSubmit(event)}
        aria-busy={busy}
        data-testid="rule-form"
      >
        <p className="dialog__lead">
          Who is told of which alerts, and how. Check what the rule covers, choose its recipients, confirm and save.
        </p>
        {failure ? (
          <FailureAlert failure={failure} onReload={onReload} reloadLabel="Reload the rule" />
        ) : null}

        <fieldset className="form__section">
          <legend className="form__legend">Rule Name and Categories</legend>
          <div className="form__stack">
            <TextField
              name="rule.name"
              label="Rule name"
              value={draft.name}
              onChange={(name) => change({ name }, 'name')}
              error={errors.name}
              autoComplete="off"
              testId="rule-name"
            />
            <CategoryGrid
              value={draft.categories}
              onChange={(categories) => change({ categories }, 'categories')}
              error={errors.categories}
            />
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">Companies</legend>
          <div className="form__stack">
            <RadioGroup<'all' | 'chosen'>
              name="rule.companies"
              legend="Alerts of"
              value={draft.chooseCustomers ? 'chosen' : 'all'}
              onChange={(value) => change({ chooseCustomers: value === 'chosen' }, 'customers')}
              options={[
                { value: 'all', label: 'All companies', hint: 'Including customers added later.' },
                { value: 'chosen', label: 'Chosen companies' },
              ]}
              testIdPrefix="rule-companies"
            />
            {draft.chooseCustomers ? (
              <CustomerPicker
                chosen={draft.customers}
                choices={choices}
                onChange={(customers) => change({ customers }, 'customers')}
                error={errors.customers}
                noun="companies"
                idPrefix="rule"
              />
            ) : null}
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">Computers or Groups</legend>
          <div className="form__stack">
            <RadioGroup<ComputerScope>
              name="rule.computers.scope"
              legend="Alerts about"
              value={draft.scope}
              onChange={(scope) => change({ scope }, 'computers')}
              options={(['all', 'computers', 'groups'] as const).map((scope) => ({
                value: scope,
                label: COMPUTER_SCOPE_LABELS[scope],
              }))}
              description="Alerts that concern no computer (account and report alerts) only reach rules for all computers."
              testIdPrefix="rule-scope"
            />
            {draft.scope !== 'all' ? (
              <NamesField
                label={draft.scope === 'computers' ? 'Computer names' : 'Group names'}
                value={draft.names}
                onChange={(names) => change({ names }, 'computers')}
                error={errors.computers}
                hint={SCOPE_HINTS[draft.scope]}
              />
            ) : null}
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">Recipients</legend>
          <div className="form__stack">
            <RecipientList
              users={users}
              problem={usersProblem}
              known={rule?.recipients ?? []}
              chosen={draft.recipients}
              administrators={administrators}
              onChange={(recipients) => change({ recipients }, 'recipients')}
              error={errors.recipients}
            />
            <CheckboxInput
              name="rule.customerContacts"
              checked={draft.customerContacts}
              onChange={(customerContacts) => change({ customerContacts })}
              hint="Only for customers whose communications you share; the contact receives email only."
              testId="rule-customer-contacts"
            >
              Also email the customer&apos;s contact where we share communications
            </CheckboxInput>
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">Webhook</legend>
          <div className="form__stack">
            <TextField
              name="rule.webhook.url"
              label="Webhook URL"
              type="url"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              optional
              value={draft.webhookUrl}
              onChange={(webhookUrl) => change({ webhookUrl }, 'webhook')}
              error={errors.webhook}
              hint="An https:// address on the internet (not a private or local one) that receives each alert of the rule."
              testId="rule-webhook-url"
            />
            <div className="field__hint" data-testid="rule-webhook-help">
              <WebhookSignatureHelp />
            </div>
          </div>
        </fieldset>

        <section className="form__section" aria-labelledby={confirmationId}>
          <h3 id={confirmationId} className="form__legend">
            Confirmation
          </h3>
          <Confirmation draft={draft} userNames={userNames} administrators={administrators} />
        </section>

        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="rule-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
