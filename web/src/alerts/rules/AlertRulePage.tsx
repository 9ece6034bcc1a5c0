import { useEffect, useId, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { formatTime } from '../../activity/activity';
import type { Problem } from '../../api/problem';
import { FormAlert } from '../../components/FormAlert';
import { LoadFailed } from '../../customers/problems';
import { useFocusOnChange } from '../../customers/useFocusOnChange';
import {
  ALERT_NOTIFICATIONS_PATH,
  recipientCountText,
  type AlertNotificationsLocationState,
} from './AlertNotificationsPage';
import { fetchRule } from './api';
import { DeleteRuleDialog } from './DeleteRuleDialog';
import { DeliveryLog } from './DeliveryLog';
import { COMPUTER_SCOPE_LABELS, describeCategories } from './labels';
import { RuleDialog } from './RuleDialog';
import type { AlertRule, CreatedRule } from './types';
import { WebhookSecretDialog } from './WebhookSecretDialog';
import './rules.css';

type LoadState =
  | { status: 'loading' }
  | { status: 'notFound' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; rule: AlertRule; etag: string };

type OpenDialog = { kind: 'edit' } | { kind: 'delete' } | { kind: 'secret'; secret: string } | null;

function Row({ term, children, testId }: { term: string; children: ReactNode; testId?: string }) {
  return (
    <div className="details__row">
      <dt>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** The rule's settings, in the order of the procedure. */
function Configuration({ rule }: { rule: AlertRule }) {
  return (
    <dl className="details" data-testid="rule-configuration">
      <Row term="Status" testId="rule-status">
        <span className={`status status--rule-${rule.enabled ? 'enabled' : 'disabled'}`}>
          {rule.enabled ? 'Enabled' : 'Disabled'}
        </span>
      </Row>
      <Row term="Categories" testId="rule-categories-summary">
        {describeCategories(rule.categories)}
      </Row>
      <Row term="Companies" testId="rule-companies">
        {rule.customers === null ? 'All companies' : rule.customers.map((customer) => customer.name).join(', ')}
      </Row>
      <Row term="Computers or groups" testId="rule-computers">
        {rule.computers.scope === 'all'
          ? COMPUTER_SCOPE_LABELS.all
          : `${COMPUTER_SCOPE_LABELS[rule.computers.scope]}: ${rule.computers.names.join(', ')}`}
      </Row>
      <Row term="Recipients" testId="rule-recipients-summary">
        {rule.recipients.length === 0 ? (
          recipientCountText(rule)
        ) : (
          <ul className="product-list">
            {rule.recipients.map((recipient) => (
              <li key={recipient.id}>
                {recipient.name} <span className="muted">{recipient.email}</span>
              </li>
            ))}
          </ul>
        )}
      </Row>
      <Row term="Customer contacts">
        {rule.customerContacts ? "Also emailed, where you share the customer's communications" : 'Not emailed'}
      </Row>
      <Row term="Webhook" testId="rule-webhook">
        {rule.webhook === null ? (
          'None'
        ) : (
          <>
            <span className="table__mono">{rule.webhook.url}</span>
            <span className="table__secondary">
              Signed with the secret <code>{rule.webhook.secretHint}</code>
            </span>
          </>
        )}
      </Row>
      <Row term="Created">
        <time dateTime={rule.createdAt}>{formatTime(rule.createdAt)}</time>
      </Row>
      <Row term="Last changed">
        <time dateTime={rule.updatedAt}>{formatTime(rule.updatedAt)}</time>
      </Row>
    </dl>
  );
}

/** Administration > Alert Notifications > a rule: its configuration, Edit, and its delivery log with Send test. */
export function AlertRulePage() {
  const { ruleId = '' } = useParams();
  const navigate = useNavigate();
  const configurationId = useId();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [savedCount, setSavedCount] = useState(0);
  const savedRef = useFocusOnChange<HTMLDivElement>(savedCount);

  useEffect(() => {
    let active = true;
    void fetchRule(ruleId).then((result) => {
      if (!active) return;
      if (result.ok) setLoad({ status: 'loaded', rule: result.data.rule, etag: result.data.etag });
      else if (result.problem.status === 404) setLoad({ status: 'notFound' });
      else setLoad({ status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [ruleId, attempt]);

  function reload() {
    setDialog(null);
    setLoad({ status: 'loading' });
    setAttempt((count) => count + 1);
  }

  function afterSave(rule: CreatedRule, etag: string) {
    const view: CreatedRule = { ...rule };
    delete view.webhookSecret;
    setLoad({ status: 'loaded', rule: view, etag });
    if (rule.webhookSecret !== undefined && rule.webhook !== null) {
      setDialog({ kind: 'secret', secret: rule.webhookSecret });
      return;
    }
    setDialog(null);
    setSaved('The rule was saved. It applies to alerts raised from now on.');
    setSavedCount((count) => count + 1);
  }

  if (load.status === 'loading') {
    return (
      <div className="page">
        <title>Alert Notification · Partner Console</title>
        <p className="panel__note" role="status">
          Loading the notification rule…
        </p>
      </div>
    );
  }

  if (load.status === 'notFound') {
    return (
      <div className="page">
        <title>No such rule · Partner Console</title>
        <h1 className="page__title">No such rule</h1>
        <p>
          There is no notification rule at this address. It may have been deleted.{' '}
          <Link to={ALERT_NOTIFICATIONS_PATH}>Back to Alert Notifications</Link>
        </p>
      </div>
    );
  }

  if (load.status === 'failed') {
    return (
      <div className="page">
        <title>Alert Notification · Partner Console</title>
        <h1 className="page__title">Alert Notification</h1>
        <LoadFailed title="The notification rule could not be loaded" problem={load.problem} onRetry={reload} />
      </div>
    );
  }

  const { rule, etag } = load;
  return (
    <div className="page page--wide">
      <title>{`${rule.name} · Partner Console`}</title>
      <div className="page__header">
        <div>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link to={ALERT_NOTIFICATIONS_PATH}>Alert Notifications</Link>
          </nav>
          <h1 className="page__title">{rule.name}</h1>
          <p className="page__subtitle">
            {rule.enabled ? 'Enabled' : 'Disabled'} · {describeCategories(rule.categories)}
          </p>
        </div>
        <div className="page__actions">
          <button
            type="button"
            className="button button--secondary button--danger-outline"
            onClick={() => setDialog({ kind: 'delete' })}
            data-testid="rule-delete-open"
          >
            Delete
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setSaved(null);
              setDialog({ kind: 'edit' });
            }}
            data-testid="rule-edit"
          >
            Edit
          </button>
        </div>
      </div>

      {saved ? (
        <div ref={savedRef} tabIndex={-1} className="form__message" data-testid="rule-notice">
          <FormAlert tone="success" title={saved} />
        </div>
      ) : null}

      <section className="panel" aria-labelledby={configurationId}>
        <h2 id={configurationId} className="panel__title">
          Configuration
        </h2>
        <Configuration rule={rule} />
      </section>

      <DeliveryLog key={rule.id} ruleId={rule.id} hasWebhook={rule.webhook !== null} />

      {dialog?.kind === 'edit' ? (
        <RuleDialog rule={rule} etag={etag} onClose={() => setDialog(null)} onSaved={afterSave} onReload={reload} />
      ) : null}
      {dialog?.kind === 'secret' && rule.webhook ? (
        <WebhookSecretDialog
          ruleName={rule.name}
          url={rule.webhook.url}
          secret={dialog.secret}
          onClose={() => {
            setDialog(null);
            setSaved('The rule was saved. Its webhook signing secret is no longer shown.');
            setSavedCount((count) => count + 1);
          }}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <DeleteRuleDialog
          rule={rule}
          onClose={() => setDialog(null)}
          onReload={reload}
          onDeleted={() => {
            const state: AlertNotificationsLocationState = { deleted: rule.name };
            void navigate(ALERT_NOTIFICATIONS_PATH, { state });
          }}
        />
      ) : null}
    </div>
  );
}
