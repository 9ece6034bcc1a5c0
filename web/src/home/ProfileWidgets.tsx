import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useCurrentSession } from '../auth/AuthContext';
import { formatCount } from '../charts';
import { formatDate, MANAGEMENT_LABELS, statusLabel } from '../customers/labels';
import { ProblemAlert } from '../customers/problems';
import type { DashboardView } from './DashboardContent';
import type { Dashboard } from './types';
import { useLatestReports } from './useLatestReports';
import { Widget, type WidgetControls } from './Widget';

const PROGRAM_LABELS: Record<string, string> = { reseller: 'Reseller', exsp: 'ExSP' };

/** Customers a partner may open the console of: the Manage Account and "Manage the customer's product" list. */
const MANAGEABLE_CUSTOMERS = '/customers?management=partnerManaged,coManaged';

/** "partnerAdministrator" → "Partner administrator", for values without a label. */
function humanize(value: string): string {
  const words = value.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function customerPath(customerId: string): string {
  return `/customers/${encodeURIComponent(customerId)}`;
}

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="details__row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** The Display filter's customer: the extra information My Profile shows while it is chosen. */
function ChosenCustomer({ dashboard }: { dashboard: Dashboard }) {
  const customer = dashboard.customer ?? null;
  if (customer === null) return null;
  const names = new Map(dashboard.myProducts.map((usage) => [usage.product, usage.name]));
  const capacity = customer.products
    .filter((product) => product.status === 'paid' || product.status === 'trial')
    .reduce((sum, product) => sum + product.capacity, 0);
  return (
    <div className="widget__section" data-testid="profile-customer">
      <h3 className="widget__subtitle">Customer</h3>
      <dl className="details details--compact">
        <Row label="Name">
          <Link to={customerPath(customer.id)} data-testid="profile-customer-name">
            {customer.name}
          </Link>
        </Row>
        <Row label="Management">{MANAGEMENT_LABELS[customer.management]}</Row>
        <Row label="Customer since">{formatDate(customer.createdAt)}</Row>
        <Row label="Products">
          {customer.products.length === 0 ? (
            <span className="muted">None</span>
          ) : (
            <ul className="product-list">
              {customer.products.map((product) => (
                <li key={product.product}>
                  {names.get(product.product) ?? humanize(product.product)}{' '}
                  <span className={`status status--${product.status}`}>{statusLabel(product.status)}</span>{' '}
                  <span className="muted">{formatCount(product.capacity)} seats</span>
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row label="Seats used" testId="profile-customer-seats">
          {formatCount(customer.seatsUsed)} of {formatCount(capacity)}
        </Row>
        {customer.requireUpdate > 0 ? (
          <Row label="Need an update">{formatCount(customer.requireUpdate)} computers</Row>
        ) : null}
      </dl>
    </div>
  );
}

/**
 * My Profile: the partner's membership, customers and licenses; with a customer chosen in
 * the Display filter, that customer's information too.
 */
export function MyProfileWidget({
  controls,
  view,
  customerId,
}: {
  controls: WidgetControls;
  view: DashboardView;
  customerId: string | null;
}) {
  const { user, partner, roleName } = useCurrentSession();
  const dashboard = view.dashboard;
  const profile = dashboard?.profile ?? null;
  return (
    <Widget id="myProfile" controls={controls} busy={view.loading}>
      <dl className="details details--compact">
        <Row label="Partner name" testId="company-name">
          {partner.company.name}
        </Row>
        <Row label="Member since">{formatDate(profile?.memberSince ?? partner.createdAt)}</Row>
        <Row label="Partner program">
          <span data-testid="program-name">{PROGRAM_LABELS[partner.program] ?? humanize(partner.program)}</span>
          {partner.program === 'exsp' ? (
            <>
              {' '}
              <span className="badge badge--success" data-testid="exsp-status">
                ExSP program: active
              </span>
            </>
          ) : null}
        </Row>
        <Row label="Signed in as" testId="user-email">
          {user.email}
        </Row>
        <Row label="Role" testId="role-name">
          {roleName}
        </Row>
        {profile ? (
          <>
            <Row label="Total installed" testId="profile-total-installed">
              {formatCount(profile.totalInstalled)}
            </Row>
            <Row label="Total customers" testId="profile-customers">
              <strong>{formatCount(profile.customers.total)}</strong>
              <ul className="product-list">
                <li>Partner Managed: {formatCount(profile.customers.partnerManaged)}</li>
                <li>Customer Managed: {formatCount(profile.customers.customerManaged)}</li>
                <li>Co-Managed: {formatCount(profile.customers.coManaged)}</li>
              </ul>
            </Row>
            <Row label="Product usage" testId="profile-licenses">
              <ul className="product-list">
                <li>Paid: {formatCount(profile.licenses.paid)}</li>
                <li>Trial: {formatCount(profile.licenses.trial)}</li>
              </ul>
            </Row>
          </>
        ) : null}
      </dl>
      {profile === null && view.loading ? (
        <p className="panel__note" role="status">
          Loading…
        </p>
      ) : null}
      <p>
        <Link to={customerId === null ? MANAGEABLE_CUSTOMERS : customerPath(customerId)} data-testid="profile-manage-account">
          Manage Account
        </Link>
      </p>
      {dashboard ? <ChosenCustomer dashboard={dashboard} /> : null}
    </Widget>
  );
}

/**
 * Quick Tasks: the common tasks the console has, as far as the role allows them, and the
 * latest of the automatic reports.
 */
export function QuickTasksWidget({
  controls,
  view,
  customerId,
  onActivateSerial,
}: {
  controls: WidgetControls;
  view: DashboardView;
  customerId: string | null;
  onActivateSerial: () => void;
}) {
  const { partner, can } = useCurrentSession();
  const latest = useLatestReports();
  const offline = view.dashboard?.offlineComputers ?? null;
  // The count is of computers unseen for more than 24 hours: the page's 24-hour range lists the same ones.
  const offlineQuery = new URLSearchParams({ range: '24h' });
  if (customerId !== null) offlineQuery.set('customer', customerId);
  return (
    <Widget id="quickTasks" controls={controls}>
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
          {customerId === null ? (
            <>
              <Link to="/customers">Activate a product or trial</Link>
              <span className="quick-tasks__note"> — from the customer's profile</span>
            </>
          ) : (
            <Link to={customerPath(customerId)}>Activate a product or trial</Link>
          )}
        </li>
        <li>
          <Link to={customerId === null ? MANAGEABLE_CUSTOMERS : customerPath(customerId)}>
            Manage the customer's product
          </Link>
        </li>
        <li>
          <Link to={`/statistics/deployment?${offlineQuery.toString()}#offline`} data-testid="quick-offline">
            Offline computers
          </Link>
          {offline !== null ? (
            <span className="quick-tasks__note" data-testid="quick-offline-count">
              {' '}
              ({formatCount(offline)})
            </span>
          ) : null}
        </li>
        {latest.items.map((item) => (
          <li key={item.frequency}>
            <button
              type="button"
              className="link-button"
              onClick={() => void latest.open(item)}
              disabled={item.reportId === null || latest.busy}
              title={item.reportId === null ? undefined : 'Opens the report in a new window'}
              data-testid={item.testId}
            >
              {item.label}
            </button>
            {item.reportId === null ? <span className="quick-tasks__note"> ({item.first})</span> : null}
          </li>
        ))}
      </ul>
      {latest.failure ? <ProblemAlert title={latest.failure.title} problem={latest.failure.problem} /> : null}
      {partner.program === 'reseller' && can.activateProgram ? (
        <div className="panel__actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={onActivateSerial}
            data-testid="activate-serial-open"
          >
            Activate a serial number
          </button>
        </div>
      ) : null}
    </Widget>
  );
}
