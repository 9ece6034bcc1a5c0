import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { FormAlert } from '../../components/FormAlert';
import { WebhookSignatureHelp } from './RuleDialog';

interface WebhookSecretDialogProps {
  ruleName: string;
  url: string;
  secret: string;
  onClose: () => void;
}

/** The webhook's signing secret, shown this once after the rule is saved. */
export function WebhookSecretDialog({ ruleName, url, secret, onClose }: WebhookSecretDialogProps) {
  return (
    <Dialog title="Copy the webhook signing secret now" onClose={onClose} wide>
      <FormAlert tone="info" title="You will not see this secret again">
        <p>
          Store it with the service that receives the webhook before you close this. If it is lost, remove the webhook from
          the rule, save, and add it again: a changed webhook URL gets a new secret.
        </p>
      </FormAlert>
      <dl className="details details--compact">
        <div className="details__row">
          <dt>Rule</dt>
          <dd>{ruleName}</dd>
        </div>
        <div className="details__row">
          <dt>Webhook URL</dt>
          <dd>{url}</dd>
        </div>
        <div className="details__row">
          <dt>Signing secret</dt>
          <dd>
            <code className="secret" data-testid="webhook-secret">
              {secret}
            </code>{' '}
            <CopyButton text={secret} what="signing secret" testId="webhook-secret-copy" />
          </dd>
        </div>
      </dl>
      <div className="field__hint subsection">
        <WebhookSignatureHelp />
      </div>
      <div className="dialog__actions">
        <button type="button" className="button button--primary" onClick={onClose} data-testid="webhook-secret-done">
          I have stored the secret
        </button>
      </div>
    </Dialog>
  );
}
