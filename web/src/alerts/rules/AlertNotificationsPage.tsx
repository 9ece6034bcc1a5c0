import { useEffect, useId, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { FailureAlert, failureOf, type Failure } from '../../admin/problems';
import type { Problem } from '../../api/problem';
import { FormAlert } from '../../components/FormAlert';
import { LoadFailed } from '../../customers/problems';
import { useFocusOnChange } from '../../customers/useFocusOnChange';
import { fetchRules, saveRule, versionTag } from './api';
import { DeleteRuleDialog } from './DeleteRuleDialog';
import { requestOf } from './draft';
import { describeCategories } from './labels';
import { RuleDialog } from './RuleDialog';
import type { AlertRule, CreatedRule } from './types';
import { WebhookSecretDialog } from './WebhookSecretDialog';
import './rules.css';

type ListState = { status: 'loading' } | { status: 'failed'; problem: Problem } | { status: 'loaded'; rules: AlertRule[] };

type Notice = { tone: 'success'; title: string; detail?: string } | { tone: 'error'; failure: Failure };

type OpenDialog =
  | { kind: 'add' }
  | { kind: 'secret'; rule: AlertRule; secret: string }
  | { kind: 'delete'; rule: AlertRule }
  | null;

/** Where the rule's page sends the list after a deletion. */
export interface AlertNotificationsLocationState {
  deleted?: string;
}

export const ALERT_NOTIFICATIONS_PATH = '/admin/alert-notifications';

export function rulePath(ruleId: string): string {
  return `${ALERT_NOTIFICATIONS_PATH}/${encodeURIComponent(ruleId)}`;
}

/** The Recipient Count column: a rule naming no one notifies every administrator. */
export function recipientCountText(rule: AlertRule): string {
  return rule.recipients.length === 0 ? `All administrators (${rule.recipientCount})` : String(rule.recipientCount);
}

/** The list's stored rule without what is shown only once. */
function stored(rule: CreatedRule): AlertRule {
  const view: CreatedRule = { ...rule };
  delete view.webhookSecret;
  return view;
}

/** The Status column: an accessible switch, Enabled (green) or Disabled (red). */
export function RuleSwitch({
  rule,
  busy,
  onToggle,
}: {
  rule: AlertRule;
  busy: boolean;
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      role="switch"
      className="rule-switch"
      aria-checked={rule.enabled}
      aria-label={`Notifications of ${rule.name}`}
      disabled={busy}
      onClick={onToggle}
      data-testid="rule-toggle"
    >
      <span className="rule-switch__track" aria-hidden="true">
        <span className="rule-switch__thumb" />
      </span>
      {rule.enabled ? 'Enabled' : 'Disabled'}
    </button>
  );
}

/** Administration > Alert Notifications: the guide's Table 5-3 of notification rules. */
export function AlertNotificationsPage() {
  const headingId = useId();
  const location = useLocation();
  const navigate = useNavigate();
  const deleted = (location.state as AlertNotificationsLocationState | null)?.deleted;
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [busyRow, setBusyRow] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(
    deleted === undefined ? null : { tone: 'success', title: `The rule ${deleted} was deleted.` },
  );
  const [noticeCount, setNoticeCount] = useState(0);
  const noticeRef = useFocusOnChange<HTMLDivElement>(noticeCount);

  useEffect(() => {
    if (deleted !== undefined) void navigate(location.pathname, { replace: true, state: null });
  }, [deleted, navigate, location.pathname]);

  useEffect(() => {
    let active = true;
    void fetchRules().then((result) => {
      if (!active) return;
      setList(result.ok ? { status: 'loaded', rules: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  function reload() {
    setList({ status: 'loading' });
    setAttempt((count) => count + 1);
  }

  /** Shows a notice; `focus` moves focus to it (not after a switch, which keeps focus). */
  function show(next: Notice, focus = true) {
    setNotice(next);
    if (focus) setNoticeCount((count) => count + 1);
  }

  function replace(rule: AlertRule) {
    setList((previous) =>
      previous.status === 'loaded'
        ? { ...previous, rules: previous.rules.map((item) => (item.id === rule.id ? rule : item)) }
        : previous,
    );
  }

  async function toggle(rule: AlertRule) {
    if (busyRow !== null) return;
    const enabled = !rule.enabled;
    setBusyRow(rule.id);
    const result = await saveRule(rule.id, { ...requestOf(rule), enabled }, versionTag(rule.version));
    setBusyRow(null);
    if (result.ok) {
      replace(stored(result.data.rule));
      show(
        {
          tone: 'success',
          title: enabled ? `${rule.name} is enabled.` : `${rule.name} is disabled.`,
          detail: enabled
            ? 'Its recipients are notified of new alerts.'
            : 'No one is notified for it until it is enabled again.',
        },
        false,
      );
      return;
    }
    const title = `${rule.name} could not be ${enabled ? 'enabled' : 'disabled'}`;
    if (result.problem.status === 409 || result.problem.status === 412) {
      reload();
      show({
        tone: 'error',
        failure: {
          title,
          detail: 'It was changed by someone else meanwhile. The list was reloaded: check the rule, then try again.',
        },
      });
      return;
    }
    show({ tone: 'error', failure: failureOf(title, result.problem, result.retryAfterSeconds) });
  }

  function added(rule: CreatedRule) {
    const view = stored(rule);
    setList((previous) =>
      previous.status === 'loaded' ? { status: 'loaded', rules: [...previous.rules, view] } : previous,
    );
    if (rule.webhookSecret !== undefined && rule.webhook !== null) {
      setNotice(null);
      setDialog({ kind: 'secret', rule: view, secret: rule.webhookSecret });
      return;
    }
    setDialog(null);
    show({ tone: 'success', title: `The rule ${rule.name} was added.` });
  }

  return (
    <div className="page page--wide">
      <title>Alert Notifications · Partner Console</title>
      <div className="page__header">
        <div>
          <p className="breadcrumb">Administration</p>
          <h1 className="page__title">Alert Notifications</h1>
          <p className="page__subtitle">
            Who is notified of which alerts, by email, SMS and webhook. A rule covers alerts by service and severity, of
            all or chosen companies and computers.
          </p>
        </div>
        <div className="page__actions">
          <button
            type="button"
            className="button button--primary"
            onClick={() => setDialog({ kind: 'add' })}
            data-testid="add-notification"
          >
            Add Notification
          </button>
        </div>
      </div>

      {notice ? (
        notice.tone === 'success' ? (
          <div ref={noticeRef} tabIndex={-1} className="form__message" data-testid="rules-notice">
            <FormAlert tone="success" title={notice.title}>
              {notice.detail ? <p>{notice.detail}</p> : null}
            </FormAlert>
          </div>
        ) : (
          <FailureAlert ref={noticeRef} failure={notice.failure} />
        )
      ) : null}

      <section className="panel panel--stack" aria-labelledby={headingId} aria-busy={list.status === 'loading'}>
        <h2 id={headingId} className="panel__title">
          Notification rules
        </h2>
        {list.status === 'loading' ? (
          <p className="panel__note" role="status">
            Loading notification rules…
          </p>
        ) : null}
        {list.status === 'failed' ? (
          <LoadFailed title="The notification rules could not be loaded" problem={list.problem} onRetry={reload} />
        ) : null}
        {list.status === 'loaded' && list.rules.length === 0 ? (
          <div className="empty-state" data-testid="rules-empty">
            <p>No notification rules yet. Add one to choose who is told of which alerts.</p>
          </div>
        ) : null}
        {list.status === 'loaded' && list.rules.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby={headingId} data-testid="rules-table">
              <thead>
                <tr>
                  <th scope="col">Alert Notification Rule</th>
                  <th scope="col">Status</th>
                  <th scope="col">Recipient Count</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {list.rules.map((rule) => (
                  <tr key={rule.id} data-testid="rule-row" data-rule-name={rule.name}>
                    <td>
                      <Link to={rulePath(rule.id)}>{rule.name}</Link>
                      <span className="table__secondary">{describeCategories(rule.categories)}</span>
                    </td>
                    <td>
                      <RuleSwitch rule={rule} busy={busyRow === rule.id} onToggle={() => void toggle(rule)} />
                    </td>
                    <td data-testid="rule-recipient-count">{recipientCountText(rule)}</td>
                    <td className="table__actions table__actions--start">
                      <button
                        type="button"
                        className="button button--small button--secondary button--danger-outline"
                        onClick={() => setDialog({ kind: 'delete', rule })}
                        disabled={busyRow === rule.id}
                        aria-label={`Delete ${rule.name}`}
                        data-testid="rule-delete"
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      {dialog?.kind === 'add' ? <RuleDialog onClose={() => setDialog(null)} onSaved={added} /> : null}
      {dialog?.kind === 'secret' ? (
        <WebhookSecretDialog
          ruleName={dialog.rule.name}
          url={dialog.rule.webhook?.url ?? ''}
          secret={dialog.secret}
          onClose={() => {
            setDialog(null);
            show({
              tone: 'success',
              title: `The rule ${dialog.rule.name} was added.`,
              detail: 'Its webhook signing secret is no longer shown.',
            });
          }}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <DeleteRuleDialog
          rule={dialog.rule}
          onClose={() => setDialog(null)}
          onReload={() => {
            setDialog(null);
            reload();
          }}
          onDeleted={() => {
            const removed = dialog.rule;
            setDialog(null);
            setList((previous) =>
              previous.status === 'loaded'
                ? { ...previous, rules: previous.rules.filter((item) => item.id !== removed.id) }
                : previous,
            );
            show({ tone: 'success', title: `The rule ${removed.name} was deleted.` });
          }}
        />
      ) : null}
    </div>
  );
}
