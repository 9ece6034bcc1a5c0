import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type {
  Catalog,
  Communications,
  ConsentRequest,
  CustomerProfile,
  EntitlementView,
  MacAccess,
  ManagementType,
} from '../api/client';
import type { Problem } from '../api/problem';
import { MailSuppressionNotice } from '../admin/MailSuppression';
import { useCurrentSession } from '../auth/AuthContext';
import type { ApiResult } from '../auth/session';
import { FormAlert } from '../components/FormAlert';
import { countryName } from '../forms/countries';
import { EndpointProtectionSection } from '../statistics/EndpointProtectionSection';
import type { CreatedState } from './AddCustomerPage';
import {
  changeManagement,
  fetchCatalog,
  fetchCustomerProfile,
  resendWelcome,
  updateSettings,
  type ProfileAnswer,
} from './api';
import { RadioGroup, type RadioOption } from './controls';
import {
  capacityLabel,
  COMMUNICATIONS_VALUES,
  formatDate,
  formatDateTime,
  formatNumber,
  groupSerial,
  isLive,
  languageLabel,
  MAC_ACCESS_LABELS,
  MANAGEMENT_ANSWERS,
  MANAGEMENT_HINTS,
  MANAGEMENT_LABELS,
  MANAGEMENT_TYPES,
  PROFILE_COMMUNICATIONS,
  statusLabel,
  timeZoneLabel,
} from './labels';
import { LoadFailed, MessageAlert, ProblemAlert, problemMessage, type Message } from './problems';
import { ActivateProductsDialog, CancelProductDialog, ConvertTrialDialog, RemoveCustomerDialog } from './ProfileDialogs';
import { openCustomerConsole, type Notice } from './manageSession';
import { useFocusOnChange } from './useFocusOnChange';

type LoadState =
  | { status: 'loading' }
  | { status: 'notFound' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; profile: CustomerProfile; etag: string };

type OpenDialog =
  | { kind: 'cancel'; entitlement: EntitlementView }
  | { kind: 'convert'; entitlement: EntitlementView }
  | { kind: 'activate' }
  | { kind: 'remove' }
  | null;

function createdNotice(state: CreatedState['created']): Notice {
  return {
    tone: 'success',
    title: 'The customer account was created.',
    detail:
      state.communications === 'partner'
        ? `You manage all communications with this customer: the welcome email with the link to choose a password was sent to you, to forward to ${state.email}.`
        : `The welcome email with a link to choose a password was sent to ${state.email}; you received a copy.`,
  };
}

function pendingManagementRequest(profile: CustomerProfile): ConsentRequest | undefined {
  return profile.requests.find((request) => request.status === 'pending' && request.type === 'managementChange');
}

/** A row of read-only details. */
function Detail({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="details__row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function TimeRemaining({ entitlement }: { entitlement: EntitlementView }) {
  let when: string | null = null;
  switch (entitlement.status) {
    case 'trial':
      when = `Ends ${formatDate(entitlement.endsAt)}`;
      break;
    case 'paid':
      when = `Renews ${formatDate(entitlement.renewsAt)}`;
      break;
    case 'cancelled':
      when = `Cancelled ${formatDate(entitlement.at)}`;
      break;
    case 'expired':
      when = `Ended ${formatDate(entitlement.at)}`;
      break;
    case 'held':
      when = 'Starts once the compliance review is cleared';
      break;
  }
  return (
    <>
      {entitlement.timeRemaining.label}
      {when ? <span className="table__secondary">{when}</span> : null}
    </>
  );
}

interface SettingFormProps<T extends string> {
  name: string;
  legend: string;
  current: T;
  options: readonly RadioOption<T>[];
  /** Says what the saved change did. */
  describe: (answer: ProfileAnswer, value: T) => string;
  submit: (value: T) => Promise<ApiResult<ProfileAnswer>>;
  onSaved: (answer: ProfileAnswer) => void;
  onReload: () => void;
  testIdPrefix: string;
  updateTestId: string;
  unchanged: string;
}

type FormOutcome = { kind: 'saved'; text: string } | { kind: 'failed'; message: Message } | null;

/** One of the profile's radio-button settings with its Update button. */
function SettingForm<T extends string>({
  name,
  legend,
  current,
  options,
  describe,
  submit,
  onSaved,
  onReload,
  testIdPrefix,
  updateTestId,
  unchanged,
}: SettingFormProps<T>) {
  const [value, setValue] = useState<T>(current);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<FormOutcome>(null);
  const [failures, setFailures] = useState(0);
  const messageRef = useFocusOnChange<HTMLDivElement>(failures);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (value === current) {
      setOutcome({ kind: 'saved', text: unchanged });
      return;
    }
    setBusy(true);
    setOutcome(null);
    const result = await submit(value);
    setBusy(false);
    if (result.ok) {
      setOutcome({ kind: 'saved', text: describe(result.data, value) });
      onSaved(result.data);
      return;
    }
    const message = problemMessage(result.problem, result.retryAfterSeconds, result.problem.errors);
    if (result.problem.status === 422 && result.problem.errors) {
      message.title = 'This could not be changed';
      message.detail = undefined;
      message.items = result.problem.errors.map((error) => `${legend.replace(/\?$/, '')}: ${error.message}`);
    }
    setOutcome({ kind: 'failed', message });
    setFailures((count) => count + 1);
  }

  return (
    <form className="setting" noValidate onSubmit={(event) => void handleSubmit(event)} aria-busy={busy}>
      <RadioGroup<T>
        name={name}
        legend={legend}
        value={value}
        onChange={(next) => {
          setValue(next);
          setOutcome(null);
        }}
        options={options}
        testIdPrefix={testIdPrefix}
      />
      {outcome?.kind === 'failed' ? <MessageAlert ref={messageRef} message={outcome.message} onReload={onReload} /> : null}
      <div className="setting__footer">
        <p className="setting__status" role="status">
          {outcome?.kind === 'saved' ? outcome.text : ''}
        </p>
        <button type="submit" className="button button--secondary" disabled={busy} data-testid={updateTestId}>
          {busy ? 'Updating…' : 'Update'}
        </button>
      </div>
    </form>
  );
}

/** The guide's Customer Profile page. */
export function CustomerProfilePage() {
  const { customerId = '' } = useParams();
  const { partner, can } = useCurrentSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [catalogProblem, setCatalogProblem] = useState<Problem | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const created = (location.state as Partial<CreatedState> | null)?.created;
  const [notice, setNotice] = useState<Notice | null>(created ? createdNotice(created) : null);
  const [noticeCount, setNoticeCount] = useState(0);
  const [managing, setManaging] = useState(false);
  // Bumped to re-mount the settings forms after a reload, so they show the saved values.
  const [formsKey, setFormsKey] = useState(0);
  const noticeRef = useFocusOnChange<HTMLDivElement>(noticeCount);

  useEffect(() => {
    if (created) void navigate(location.pathname, { replace: true, state: null });
  }, [created, navigate, location.pathname]);

  useEffect(() => {
    let active = true;
    void fetchCustomerProfile(customerId).then((result) => {
      if (!active) return;
      if (result.ok) setLoad({ status: 'loaded', profile: result.data.profile, etag: result.data.etag });
      else if (result.problem.status === 404) setLoad({ status: 'notFound' });
      else setLoad({ status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [customerId, attempt]);

  useEffect(() => {
    let active = true;
    void fetchCatalog().then((result) => {
      if (!active) return;
      if (result.ok) setCatalog(result.data);
      else setCatalogProblem(result.problem);
    });
    return () => {
      active = false;
    };
  }, []);

  function reload() {
    setDialog(null);
    setLoad({ status: 'loading' });
    setFormsKey((count) => count + 1);
    setAttempt((count) => count + 1);
  }

  function show(next: Notice) {
    setNotice(next);
    setNoticeCount((count) => count + 1);
  }

  function applied(answer: ProfileAnswer) {
    setLoad({ status: 'loaded', profile: answer.profile, etag: answer.etag });
  }

  function dialogDone(answer: ProfileAnswer, text: string) {
    applied(answer);
    setDialog(null);
    show({ tone: 'success', title: text });
  }

  async function manageCustomer(profile: CustomerProfile) {
    if (managing) return;
    setManaging(true);
    const notice = await openCustomerConsole(profile.customer.id, profile.customer.company.name);
    setManaging(false);
    show(notice);
  }

  if (load.status === 'loading') {
    return (
      <div className="page page--wide">
        <title>Customer Profile · Partner Console</title>
        <p className="panel__note" role="status">
          Loading the customer…
        </p>
      </div>
    );
  }

  if (load.status === 'notFound') {
    return (
      <div className="page">
        <title>No such customer · Partner Console</title>
        <h1 className="page__title">No such customer</h1>
        <p>
          There is no customer at this address in your customer list. It may have been removed.{' '}
          <Link to="/customers">Back to Customers</Link>
        </p>
      </div>
    );
  }

  if (load.status === 'failed') {
    return (
      <div className="page">
        <title>Customer Profile · Partner Console</title>
        <h1 className="page__title">Customer Profile</h1>
        <LoadFailed title="The customer could not be loaded" problem={load.problem} onRetry={reload} />
      </div>
    );
  }

  const { profile, etag } = load;
  const { customer } = profile;
  const { mayManage, mayRemove, level } = profile.yourAccess;
  const live = profile.entitlements.filter(isLive);
  const liveCapacity = customer.products.reduce((sum, product) => sum + product.capacity, 0);
  const pending = pendingManagementRequest(profile);
  const locality = [customer.company.city, [customer.company.state, customer.company.postalCode].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  const website =
    customer.company.website && /^https?:\/\//i.test(customer.company.website) ? customer.company.website : null;

  return (
    <div className="page page--wide">
      <title>{`${customer.company.name} · Partner Console`}</title>
      <div className="page__header">
        <div>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link to="/customers">Customers</Link>
          </nav>
          <h1 className="page__title">{customer.company.name}</h1>
          <p className="page__subtitle">
            Customer Profile · <span data-testid="profile-management">{profile.managementLabel}</span>
          </p>
        </div>
        {mayRemove ? (
          <div className="page__actions">
            <button
              type="button"
              className="button button--secondary button--danger-outline"
              onClick={() => setDialog({ kind: 'remove' })}
              data-testid="remove-customer-open"
            >
              Remove customer
            </button>
          </div>
        ) : null}
      </div>

      {level === 'read' ? (
        <div className="alert alert--info" role="note" data-testid="read-only-access">
          <p className="alert__title">Read-only access</p>
          <p className="alert__body">
            Your role lets you view this customer but not change it: products, settings and management stay as they
            are. A partner administrator can change your access.
          </p>
        </div>
      ) : null}

      {customer.compliance.status === 'pendingReview' ? (
        <div className="alert alert--warning" data-testid="compliance-review">
          <p className="alert__title">Trade-compliance review pending</p>
          <p className="alert__body">{customer.compliance.reason}</p>
          <p className="alert__body">
            Paid products stay on hold until the review is cleared. Trials can be used meanwhile.
          </p>
        </div>
      ) : null}

      {notice ? (
        <div ref={noticeRef} tabIndex={-1} className="form__message" data-testid="profile-notice">
          <FormAlert tone={notice.tone} title={notice.title}>
            {notice.detail ? <p>{notice.detail}</p> : null}
          </FormAlert>
        </div>
      ) : null}

      <section className="panel panel--stack" aria-labelledby="entitlement-heading">
        <div className="panel__header">
          <h2 id="entitlement-heading" className="panel__title">
            Product Entitlement
          </h2>
          {mayManage ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => setDialog({ kind: 'activate' })}
              disabled={catalog === null}
              data-testid="activate-product-open"
            >
              Activate a Product or Trial
            </button>
          ) : null}
        </div>
        {catalogProblem && mayManage ? <ProblemAlert title="The products could not be loaded" problem={catalogProblem} /> : null}
        {profile.entitlements.length === 0 ? (
          <p className="panel__note">This customer has no products or trials yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="table" aria-labelledby="entitlement-heading" data-testid="entitlement-table">
              <thead>
                <tr>
                  <th scope="col">Serial Number</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="table__number">
                    Used / Capacity
                  </th>
                  <th scope="col">Time Remaining</th>
                  {mayManage ? <th scope="col">Action</th> : null}
                </tr>
              </thead>
              <tbody>
                {profile.entitlements.map((entitlement) => (
                  <tr key={entitlement.id} data-testid="entitlement-row" data-entitlement-id={entitlement.id}>
                    <td className="table__mono">{groupSerial(entitlement.serial)}</td>
                    <td>
                      {entitlement.productName}{' '}
                      <span className={`status status--${entitlement.status}`}>{statusLabel(entitlement.status)}</span>
                    </td>
                    <td className={`table__number${isLive(entitlement) ? '' : ' muted'}`}>
                      {capacityLabel(entitlement.seats, entitlement.capacityUnit)}
                    </td>
                    <td>
                      <TimeRemaining entitlement={entitlement} />
                    </td>
                    {mayManage ? (
                      <td className="table__actions table__actions--start">
                        {entitlement.status === 'trial' ? (
                          <button
                            type="button"
                            className="button button--small button--secondary"
                            onClick={() => setDialog({ kind: 'convert', entitlement })}
                            aria-label={`Convert ${entitlement.productName} to paid`}
                            data-testid="convert-open"
                          >
                            Convert to paid
                          </button>
                        ) : null}
                        {isLive(entitlement) ? (
                          <button
                            type="button"
                            className="button button--small button--secondary"
                            onClick={() => setDialog({ kind: 'cancel', entitlement })}
                            aria-label={`Cancel Product: ${entitlement.productName}`}
                            data-testid="cancel-product"
                          >
                            Cancel Product
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Whole account ({live.length} active {live.length === 1 ? 'product' : 'products'})
                  </th>
                  <td className="table__number" data-testid="account-usage">
                    {formatNumber(customer.seatsUsed)} / {formatNumber(liveCapacity)}
                  </td>
                  <td colSpan={mayManage ? 2 : 1} />
                </tr>
              </tfoot>
            </table>
          </div>
        )}
        <p className="field__hint">
          Seats in use are reported for the whole account, not per product. All subscriptions renew automatically
          until you cancel them.
        </p>
      </section>

      <EndpointProtectionSection customerId={customer.id} customerName={customer.company.name} mayManage={mayManage} />

      <section className="panel panel--stack" aria-labelledby="management-heading">
        <h2 id="management-heading" className="panel__title">
          Customer Management
        </h2>
        <div className="subsection" aria-labelledby="status-heading">
          <div className="panel__header">
            <h3 id="status-heading" className="subsection-title">
              Management Status
            </h3>
            {profile.partnerMayManage && mayManage ? (
              <button
                type="button"
                className="button button--primary"
                onClick={() => void manageCustomer(profile)}
                disabled={managing}
                data-testid="manage-customer"
              >
                {managing ? 'Opening…' : 'Manage Customer'}
              </button>
            ) : null}
          </div>
          <dl className="details">
            <Detail label="Management type" testId="management-type">
              {profile.managementLabel}
            </Detail>
            <Detail label="Communications" testId="communications-setting">
              {profile.communicationsLabel}
            </Detail>
            <Detail label="Pending request" testId="pending-management">
              {pending ? (
                <>
                  Waiting for the customer’s approval to change to{' '}
                  {pending.management ? MANAGEMENT_LABELS[pending.management] : 'another management type'}. Sent to{' '}
                  {pending.email}; the link expires <time dateTime={pending.expiresAt}>{formatDateTime(pending.expiresAt)}</time>.{' '}
                  {mayManage ? <Link to="/customers/requests">Re-send or withdraw</Link> : null}
                </>
              ) : (
                'None'
              )}
            </Detail>
            {!mayManage ? (
              <Detail label="Unmanaged Mac" testId="read-only-settings">
                {MAC_ACCESS_LABELS[customer.unmanagedMac]}
              </Detail>
            ) : null}
          </dl>
          {!profile.partnerMayManage && mayManage ? (
            <p className="field__hint">
              Manage Customer opens the customer’s console for Partner Managed and Co-Managed customers.
            </p>
          ) : null}
        </div>

        {mayManage ? (
          <div className="settings-grid" key={formsKey}>
            <SettingForm<ManagementType>
              name="management"
              legend="Who manages this customer’s product?"
              current={customer.management}
              options={MANAGEMENT_TYPES.map((type) => ({
                value: type,
                label: MANAGEMENT_ANSWERS[type],
                hint: MANAGEMENT_HINTS[type],
              }))}
              submit={(value) => changeManagement(customer.id, etag, value)}
              describe={(answer, value) => {
                if (answer.status === 202) {
                  const request = pendingManagementRequest(answer.profile);
                  return `Request sent to ${request?.email ?? answer.profile.customer.contact.email}. Waiting for the customer’s approval to change to ${MANAGEMENT_LABELS[value]}.`;
                }
                return `The management type is now ${answer.profile.managementLabel}.`;
              }}
              onSaved={applied}
              onReload={reload}
              testIdPrefix="management"
              updateTestId="management-update"
              unchanged={`This customer is already ${profile.managementLabel}.`}
            />
            <SettingForm<Communications>
              name="communications"
              legend="Do you want to manage all communications with this customer?"
              current={customer.communications}
              options={COMMUNICATIONS_VALUES.map((value) => ({
                value,
                label: PROFILE_COMMUNICATIONS[value].label,
                hint: PROFILE_COMMUNICATIONS[value].hint,
              }))}
              submit={(value) => updateSettings(customer.id, etag, { communications: value })}
              describe={(answer) => `Communication settings updated: ${answer.profile.communicationsLabel}.`}
              onSaved={applied}
              onReload={reload}
              testIdPrefix="communications"
              updateTestId="communications-update"
              unchanged="The communication settings are already set this way."
            />
            <SettingForm<MacAccess>
              name="unmanagedMac"
              legend="Unmanaged Mac"
              current={customer.unmanagedMac}
              options={[
                { value: 'allow', label: 'Allow', hint: 'Mac computers without management may connect.' },
                { value: 'deny', label: 'Deny', hint: 'Mac computers without management are refused.' },
              ]}
              submit={(value) => updateSettings(customer.id, etag, { unmanagedMac: value })}
              describe={(answer) => `Unmanaged Mac access: ${MAC_ACCESS_LABELS[answer.profile.customer.unmanagedMac]}.`}
              onSaved={applied}
              onReload={reload}
              testIdPrefix="mac"
              updateTestId="mac-update"
              unchanged={`Unmanaged Mac access is already ${MAC_ACCESS_LABELS[customer.unmanagedMac]}.`}
            />
          </div>
        ) : null}
      </section>

      <div className="profile-columns">
        <section className="panel" aria-labelledby="company-heading">
          <h2 id="company-heading" className="panel__title">
            Company Information
          </h2>
          <dl className="details">
            <Detail label="Name">{customer.company.name}</Detail>
            <Detail label="Address">
              {customer.company.address1}
              {customer.company.address2 ? (
                <>
                  <br />
                  {customer.company.address2}
                </>
              ) : null}
              {locality ? (
                <>
                  <br />
                  {locality}
                </>
              ) : null}
            </Detail>
            <Detail label="Country">{countryName(customer.company.country)}</Detail>
            <Detail label="Phone">{customer.company.phone}</Detail>
            {customer.company.website ? (
              <Detail label="Website">
                {website ? (
                  <a href={website} target="_blank" rel="noopener noreferrer">
                    {customer.company.website}
                  </a>
                ) : (
                  customer.company.website
                )}
              </Detail>
            ) : null}
          </dl>
        </section>

        <section className="panel" aria-labelledby="contact-heading">
          <h2 id="contact-heading" className="panel__title">
            Contact Information
          </h2>
          <dl className="details">
            <Detail label="Contact name">
              {customer.contact.firstName} {customer.contact.lastName}
            </Detail>
            <Detail label="Email address">
              {customer.contact.email}
              {profile.adminMailSuppression ? (
                <div>
                  <MailSuppressionNotice
                    email={customer.contact.email}
                    suppression={profile.adminMailSuppression}
                    mayLift={can.manageUsers}
                    onLifted={reload}
                  />
                </div>
              ) : null}
            </Detail>
            <Detail label="Phone number">{customer.contact.phone}</Detail>
            <Detail label="Language">{languageLabel(customer.contact.language)}</Detail>
            <Detail label="Time zone">{timeZoneLabel(customer.contact.timeZone)}</Detail>
            <Detail label="Daylight saving time">{customer.contact.daylightSaving ? 'Observed' : 'Not observed'}</Detail>
          </dl>
          <p className="field__hint">Contact information cannot be edited here.</p>
          <WelcomeEmail
            customerId={customer.id}
            adminActive={customer.adminActive ?? false}
            mayResend={mayManage}
          />
        </section>
      </div>

      {dialog?.kind === 'cancel' ? (
        <CancelProductDialog
          entitlement={dialog.entitlement}
          profile={profile}
          etag={etag}
          onClose={() => setDialog(null)}
          onDone={dialogDone}
          onReload={reload}
        />
      ) : null}
      {dialog?.kind === 'convert' ? (
        <ConvertTrialDialog
          entitlement={dialog.entitlement}
          program={partner.program}
          maxSeats={catalog?.maxSeats ?? 100000}
          profile={profile}
          etag={etag}
          onClose={() => setDialog(null)}
          onDone={dialogDone}
          onReload={reload}
        />
      ) : null}
      {dialog?.kind === 'activate' && catalog ? (
        <ActivateProductsDialog
          catalog={catalog}
          program={partner.program}
          profile={profile}
          etag={etag}
          onClose={() => setDialog(null)}
          onDone={dialogDone}
          onReload={reload}
        />
      ) : null}
      {dialog?.kind === 'remove' ? (
        <RemoveCustomerDialog
          profile={profile}
          etag={etag}
          onClose={() => setDialog(null)}
          onReload={reload}
          onRemoved={() => void navigate('/customers', { state: { removed: customer.company.name } })}
        />
      ) : null}
    </div>
  );
}

/**
 * Whether the customer's administrator has chosen a password, and — until they have —
 * "Send the welcome email again" (a new link; the earlier ones stop working once a
 * password is set).
 */
function WelcomeEmail({
  customerId,
  adminActive,
  mayResend,
}: {
  customerId: string;
  adminActive: boolean;
  /** Sending it again changes the customer: read-only access only says whether a password was chosen. */
  mayResend: boolean;
}) {
  const [state, setState] = useState<'idle' | 'sending' | 'sent' | { error: string }>('idle');
  if (adminActive) {
    return (
      <p className="field__hint" data-testid="admin-active">
        The administrator has chosen a password and signs in with this email address.
      </p>
    );
  }
  if (!mayResend) return <p className="field__hint">The administrator has not chosen a password yet.</p>;
  async function send() {
    setState('sending');
    const result = await resendWelcome(customerId);
    setState(result.ok ? 'sent' : { error: result.problem.detail ?? result.problem.title });
  }
  return (
    <div className="panel__actions">
      <p className="field__hint">The administrator has not chosen a password yet.</p>
      <button
        type="button"
        className="button button--secondary"
        disabled={state === 'sending'}
        onClick={() => void send()}
        data-testid="resend-welcome"
      >
        {state === 'sending' ? 'Sending…' : 'Send the welcome email again'}
      </button>
      {state === 'sent' ? (
        <p role="status" data-testid="resend-welcome-sent">
          Sent, with a new link.
        </p>
      ) : typeof state === 'object' ? (
        <FormAlert title={state.error} />
      ) : null}
    </div>
  );
}
