import { useState } from 'react';
import { FormAlert } from '../components/FormAlert';
import { groupSerial } from '../customers/labels';
import { describeRequest, formatTime, MANAGEMENT_LABELS, type ConsentRequest, type MacAccess, type PortalAccount } from './portalApi';

interface PortalViewProps {
  account: PortalAccount;
  /** Saves unmanaged Mac access; resolves to an error message, or null when saved. */
  onMacChange: (access: MacAccess) => Promise<string | null>;
  /** The customer admin answers a pending request; absent in a partner's session. */
  onAnswer?: ((request: ConsentRequest, approve: boolean) => Promise<string | null>) | undefined;
}

const STATUS_LABELS: Record<string, string> = {
  trial: 'Trial',
  paid: 'Subscription',
  held: 'Awaiting compliance review',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

/** The customer's console: account, products, partner contact, requests, Mac access. */
export function PortalView({ account, onMacChange, onAnswer }: PortalViewProps) {
  const { customer, partner } = account;
  const [macError, setMacError] = useState<string | null>(null);
  const [savingMac, setSavingMac] = useState(false);
  const [answerError, setAnswerError] = useState<string | null>(null);
  const [answering, setAnswering] = useState<string | null>(null);

  async function changeMac(access: MacAccess) {
    setSavingMac(true);
    setMacError(await onMacChange(access));
    setSavingMac(false);
  }

  async function answer(request: ConsentRequest, approve: boolean) {
    if (!onAnswer) return;
    setAnswering(request.id);
    setAnswerError(await onAnswer(request, approve));
    setAnswering(null);
  }

  return (
    <div className="page">
      <h1 className="page__title">{customer.company.name}</h1>
      <p className="page__lead">
        {MANAGEMENT_LABELS[customer.management] ?? customer.management}
        {customer.compliance.status === 'pendingReview' ? ' · awaiting trade-compliance review' : ''}
      </p>

      {account.pendingRequests.length > 0 ? (
        <section className="panel" aria-labelledby="portal-requests">
          <h2 id="portal-requests" className="panel__title">
            Requests waiting for your answer
          </h2>
          {answerError ? <FormAlert title={answerError} /> : null}
          <ul className="portal-list">
            {account.pendingRequests.map((request) => (
              <li key={request.id} className="portal-list__item" data-testid="portal-request">
                <p>{describeRequest(request)}</p>
                <p className="panel__note">Until {formatTime(request.expiresAt)}</p>
                {onAnswer ? (
                  <div className="form__actions">
                    <button type="button" className="button button--primary" disabled={answering !== null} onClick={() => void answer(request, true)}>
                      Approve
                    </button>
                    <button type="button" className="button button--secondary" disabled={answering !== null} onClick={() => void answer(request, false)}>
                      Deny
                    </button>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="portal-products">
        <h2 id="portal-products" className="panel__title">
          Products
        </h2>
        {account.entitlements.length === 0 ? (
          <p>No products yet.</p>
        ) : (
          <table className="table" data-testid="portal-products">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Serial number</th>
                <th scope="col">Type</th>
                <th scope="col">Seats</th>
                <th scope="col">Time remaining</th>
              </tr>
            </thead>
            <tbody>
              {account.entitlements.map((e) => (
                <tr key={e.id}>
                  <td>{e.productName}</td>
                  <td className="table__mono">{groupSerial(e.serial)}</td>
                  <td>{STATUS_LABELS[e.status] ?? e.status}</td>
                  <td>{e.seats}</td>
                  <td>{e.timeRemaining.label}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="portal-mac">
        <h2 id="portal-mac" className="panel__title">
          Unmanaged Mac computers
        </h2>
        <fieldset className="choice" disabled={savingMac}>
          <legend>May Mac computers without management connect?</legend>
          {(['allow', 'deny'] as const).map((access) => (
            <label key={access} className="choice__option">
              <input
                type="radio"
                name="unmanaged-mac"
                value={access}
                checked={customer.unmanagedMac === access}
                onChange={() => void changeMac(access)}
                data-testid={`portal-mac-${access}`}
              />
              {access === 'allow' ? 'Allow' : 'Deny'}
            </label>
          ))}
        </fieldset>
        {macError ? <FormAlert title={macError} /> : null}
      </section>

      <section className="panel" aria-labelledby="portal-account">
        <h2 id="portal-account" className="panel__title">
          Your account
        </h2>
        <dl className="facts">
          <dt>Company</dt>
          <dd>
            {customer.company.name}, {customer.company.city}, {customer.company.country}
          </dd>
          <dt>Administrator</dt>
          <dd>
            {customer.contact.firstName} {customer.contact.lastName} ({customer.contact.email})
          </dd>
        </dl>
      </section>

      {partner ? (
        <section className="panel" aria-labelledby="portal-partner">
          <h2 id="portal-partner" className="panel__title">
            Your partner
          </h2>
          <p className="panel__note">Ask your partner for help, and to buy or renew your products.</p>
          <dl className="facts" data-testid="portal-partner">
            <dt>Company</dt>
            <dd>{partner.name}</dd>
            <dt>Contact</dt>
            <dd>{partner.contactName}</dd>
            <dt>Support email</dt>
            <dd>
              <a href={`mailto:${partner.supportEmail}`}>{partner.supportEmail}</a>
            </dd>
            <dt>Support phone</dt>
            <dd>{partner.supportPhone}</dd>
            {partner.supportUrl ? (
              <>
                <dt>Support website</dt>
                <dd>
                  <a href={partner.supportUrl} rel="noopener noreferrer" target="_blank" data-testid="portal-support-url">
                    {partner.supportUrl}
                  </a>
                </dd>
              </>
            ) : null}
            {partner.purchaseUrl ? (
              <>
                <dt>Buy or renew</dt>
                <dd>
                  <a href={partner.purchaseUrl} rel="noopener noreferrer" target="_blank">
                    {partner.purchaseUrl}
                  </a>
                </dd>
              </>
            ) : null}
          </dl>
        </section>
      ) : null}
    </div>
  );
}
