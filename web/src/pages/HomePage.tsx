import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { RecentActivity } from '../activity/RecentActivity';
import { useAuth, useCurrentSession } from '../auth/AuthContext';
import { FormAlert } from '../components/FormAlert';
import { countryName } from '../forms/countries';
import { ActivateSerialDialog } from '../licensing/ActivateSerialDialog';
import { ACTIVATED_MESSAGE } from '../licensing/exspSerial';

const PROGRAM_LABELS: Record<string, string> = { reseller: 'Reseller', exsp: 'ExSP' };

/** What Home says after an activation; `refreshed` is false when the account could not be reloaded. */
interface Activated {
  refreshed: boolean;
}

/** "partnerAdministrator" → "Partner administrator", for values without a label. */
function humanize(value: string): string {
  const words = value.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatDate(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'long' }).format(date);
}

export function HomePage() {
  const { user, partner, roleName, can } = useCurrentSession();
  const { refreshAccount } = useAuth();
  const [activating, setActivating] = useState(false);
  const [activated, setActivated] = useState<Activated | null>(null);
  const activatedRef = useRef<HTMLDivElement>(null);
  const { company } = partner;

  // The dialog's opener is gone once the partner is in ExSP: the confirmation takes focus.
  useEffect(() => {
    if (activated) activatedRef.current?.focus();
  }, [activated]);

  async function handleActivated() {
    const me = await refreshAccount();
    setActivating(false);
    setActivated({ refreshed: me.ok });
  }

  const locality = [company.city, [company.state, company.postalCode].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  const website = company.website && /^https?:\/\//i.test(company.website) ? company.website : null;

  return (
    <div className="page">
      <title>Home · Partner Console</title>
      <h1 className="page__title">Welcome, {user.firstName}</h1>
      <p className="page__lead">Your partner account at a glance.</p>

      {activated ? (
        <div ref={activatedRef} tabIndex={-1} className="form__message">
          <FormAlert tone="success" title={ACTIVATED_MESSAGE}>
            {activated.refreshed ? null : <p>Reload the page to see your partner program.</p>}
          </FormAlert>
        </div>
      ) : null}

      <section className="panel panel--stack" aria-labelledby="quick-tasks-heading">
        <h2 id="quick-tasks-heading" className="panel__title">
          Quick tasks
        </h2>
        <ul className="quick-tasks">
          {can.addCustomers ? (
            <li>
              <Link to="/customers/new" data-testid="quick-add-customer">
                Add a customer
              </Link>
            </li>
          ) : null}
          {can.importCustomers ? (
            <li>
              <Link to="/customers" state={{ openImport: true }} data-testid="quick-import-customer">
                Import existing customer
              </Link>
            </li>
          ) : null}
          <li>
            <Link to="/customers">Activate a product or trial</Link>
            <span className="quick-tasks__note"> — from the customer's profile</span>
          </li>
          <li>
            <Link to="/customers?management=partnerManaged,coManaged">Manage the customer's product</Link>
          </li>
        </ul>
        {partner.program === 'reseller' && can.activateProgram ? (
          <div className="panel__actions">
            <button
              type="button"
              className="button button--secondary"
              onClick={() => setActivating(true)}
              data-testid="activate-serial-open"
            >
              Activate a serial number
            </button>
          </div>
        ) : null}
      </section>

      {activating ? (
        <ActivateSerialDialog onClose={() => setActivating(false)} onActivated={handleActivated} />
      ) : null}

      <section className="panel" aria-labelledby="account-heading">
        <div className="panel__header panel__header--spaced">
          <h2 id="account-heading" className="panel__title">
            Account
          </h2>
          {partner.program === 'exsp' ? (
            <p className="badge badge--success" data-testid="exsp-status">
              ExSP program: active
            </p>
          ) : null}
        </div>
        <dl className="details">
          <div className="details__row">
            <dt>Company</dt>
            <dd data-testid="company-name">{partner.company.name}</dd>
          </div>
          <div className="details__row">
            <dt>Signed in as</dt>
            <dd data-testid="user-email">{user.email}</dd>
          </div>
          <div className="details__row">
            <dt>Role</dt>
            <dd data-testid="role-name">{roleName}</dd>
          </div>
          <div className="details__row">
            <dt>Partner program</dt>
            <dd data-testid="program-name">{PROGRAM_LABELS[partner.program] ?? humanize(partner.program)}</dd>
          </div>

          <div className="details__row">
            <dt>Partner since</dt>
            <dd>{formatDate(partner.createdAt)}</dd>
          </div>
        </dl>
      </section>

      <section className="panel" aria-labelledby="company-heading">
        <h2 id="company-heading" className="panel__title">
          Company details
        </h2>
        <dl className="details">
          <div className="details__row">
            <dt>Address</dt>
            <dd>
              {company.address1}
              {company.address2 ? (
                <>
                  <br />
                  {company.address2}
                </>
              ) : null}
              <br />
              {locality}
              <br />
              {countryName(company.country)}
            </dd>
          </div>
          <div className="details__row">
            <dt>Phone</dt>
            <dd>{company.phone}</dd>
          </div>
          {company.website ? (
            <div className="details__row">
              <dt>Website</dt>
              <dd>
                {website ? (
                  <a href={website} target="_blank" rel="noopener noreferrer">
                    {company.website}
                  </a>
                ) : (
                  company.website
                )}
              </dd>
            </div>
          ) : null}
          <div className="details__row">
            <dt>Primary contact</dt>
            <dd>
              {partner.contact.firstName} {partner.contact.lastName}
              {partner.contact.jobTitle ? `, ${partner.contact.jobTitle}` : ''}
              <br />
              {partner.contact.email} · {partner.contact.phone}
            </dd>
          </div>
        </dl>
      </section>

      <RecentActivity />
    </div>
  );
}
