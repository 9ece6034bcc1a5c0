import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { chooserCustomers, sampleUsers } from '../../admin/fixtures';
import type { MeResponse } from '../../api/client';
import { tokenStore } from '../../auth/tokenStore';
import { administratorMe } from '../../customers/fixtures';
import { json, mockFetch, problem, sampleMe, sampleToken, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import { criticalRule, frontDeskRule, sampleRules } from './fixtures';
import type { AlertRule, RuleRequest } from './types';

const LIST = 'GET /api/v1/alert-rules';
const CREATE = 'POST /api/v1/alert-rules';
const USERS = 'GET /api/v1/users';
const CUSTOMERS = 'GET /api/v1/customers';

function sent(requests: RecordedRequest[], route: string): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === route);
}

function renderRules(me: MeResponse = sampleMe) {
  tokenStore.set(sampleToken);
  return renderApp('/admin/alert-notifications', me);
}

function routes(rules: AlertRule[] = sampleRules) {
  return {
    [LIST]: () => json(200, { items: rules, nextCursor: null }),
    [USERS]: () => json(200, { items: sampleUsers }),
    [CUSTOMERS]: () => json(200, { items: chooserCustomers }),
  };
}

function row(name: string): HTMLElement {
  const found = screen.getAllByTestId('rule-row').find((element) => element.dataset.ruleName === name);
  if (!found) throw new Error(`No row for ${name}`);
  return found;
}

type User = ReturnType<typeof renderRules>['user'];

/** Types a value the quick way: focus the field and paste. */
async function fill(user: User, field: HTMLElement, text: string) {
  await user.click(field);
  await user.paste(text);
}

async function openAdd(user: User): Promise<HTMLElement> {
  await screen.findByTestId('rules-table');
  await user.click(screen.getByTestId('add-notification'));
  const dialog = screen.getByRole('dialog', { name: 'Add Notification' });
  // The users to choose from are loaded with the dialog.
  await within(dialog).findByRole('checkbox', { name: /Grace Hopper/ });
  return dialog;
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Administration > Alert Notifications', () => {
  it('lists the rules as Table 5-3: name, status switch, recipient count and a Delete action', async () => {
    mockFetch(routes());
    renderRules();
    const table = await screen.findByTestId('rules-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Alert Notification Rule',
      'Status',
      'Recipient Count',
      'Action',
    ]);

    const critical = row('Critical risks');
    expect(within(critical).getByRole('link', { name: 'Critical risks' })).toHaveAttribute(
      'href',
      '/admin/alert-notifications/rul_1',
    );
    const on = within(critical).getByRole('switch', { name: 'Notifications of Critical risks' });
    expect(on).toBeChecked();
    expect(on).toHaveTextContent('Enabled');
    // No recipients named: every administrator is told.
    expect(within(critical).getByTestId('rule-recipient-count')).toHaveTextContent('All administrators (2)');

    const frontDesk = row('Front desk warnings');
    const off = within(frontDesk).getByTestId('rule-toggle');
    expect(off).not.toBeChecked();
    expect(off).toHaveTextContent('Disabled');
    expect(within(frontDesk).getByTestId('rule-recipient-count')).toHaveTextContent(/^1$/);
    expect(within(frontDesk).getByRole('button', { name: 'Delete Front desk warnings' })).toBeInTheDocument();
  });

  it('says when there are no rules', async () => {
    mockFetch(routes([]));
    renderRules();
    expect(await screen.findByTestId('rules-empty')).toHaveTextContent('No notification rules yet.');
  });

  it('is listed under Administration and opens from there', async () => {
    mockFetch({ ...routes(), 'GET /api/v1/me/activity': () => json(200, { items: [] }) });
    tokenStore.set(sampleToken);
    const { user } = renderApp('/admin/users', sampleMe);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const administration = within(nav).getByRole('list', { name: 'Administration' });
    await user.click(within(administration).getByRole('link', { name: 'Alert Notifications' }));
    expect(await screen.findByRole('heading', { name: 'Alert Notifications', level: 1 })).toBeInTheDocument();
  });

  it('switches a rule off with a PUT of the whole rule with enabled flipped and If-Match', async () => {
    const { requests } = mockFetch({
      ...routes(),
      'PUT /api/v1/alert-rules/rul_1': () => json(200, { ...criticalRule, enabled: false, version: 4 }),
      'PUT /api/v1/alert-rules/rul_2': () =>
        json(200, { ...frontDeskRule, enabled: true, version: 2 }),
    });
    const { user } = renderRules();
    await screen.findByTestId('rules-table');

    const toggle = within(row('Critical risks')).getByTestId('rule-toggle');
    await user.click(toggle);
    await waitFor(() => expect(toggle).not.toBeChecked());
    expect(toggle).toHaveTextContent('Disabled');
    const [put] = sent(requests, 'PUT /api/v1/alert-rules/rul_1');
    expect(put?.headers.get('If-Match')).toBe('"3"');
    expect(put?.body).toEqual({
      name: 'Critical risks',
      enabled: false,
      categories: [
        { service: 'endpointProtection', severity: 'error' },
        { service: 'account', severity: 'error' },
      ],
      customers: null,
      computers: { scope: 'all', names: [] },
      recipients: [],
      customerContacts: false,
      webhook: { url: 'https://hooks.example.com/console' },
    });
    expect(screen.getByTestId('rules-notice')).toHaveTextContent('Critical risks is disabled.');

    // A rule with chosen companies, computers and recipients is sent back by their ids.
    await user.click(within(row('Front desk warnings')).getByTestId('rule-toggle'));
    await waitFor(() => expect(within(row('Front desk warnings')).getByTestId('rule-toggle')).toBeChecked());
    const [second] = sent(requests, 'PUT /api/v1/alert-rules/rul_2');
    expect(second?.headers.get('If-Match')).toBe('"1"');
    expect(second?.body).toEqual({
      name: 'Front desk warnings',
      enabled: true,
      categories: [{ service: 'endpointProtection', severity: 'warning' }],
      customers: ['cus_1', 'cus_2'],
      computers: { scope: 'computers', names: ['FRONT-01', 'FRONT-02'] },
      recipients: ['usr_2'],
      customerContacts: true,
      webhook: null,
    });
  });

  it('reloads the list and says so when the rule changed meanwhile', async () => {
    let lists = 0;
    const { requests } = mockFetch({
      ...routes(),
      [LIST]: () => {
        lists += 1;
        const rules = lists === 1 ? sampleRules : [{ ...criticalRule, enabled: false, version: 5 }, frontDeskRule];
        return json(200, { items: rules, nextCursor: null });
      },
      'PUT /api/v1/alert-rules/rul_1': () => problem(412, { title: 'Precondition Failed' }),
    });
    const { user } = renderRules();
    await screen.findByTestId('rules-table');
    await user.click(within(row('Critical risks')).getByTestId('rule-toggle'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Critical risks could not be disabled');
    expect(alert).toHaveTextContent('It was changed by someone else meanwhile. The list was reloaded');
    await waitFor(() => expect(sent(requests, LIST)).toHaveLength(2));
    // The reloaded list shows the rule as someone else left it.
    await waitFor(() => expect(within(row('Critical risks')).getByTestId('rule-toggle')).not.toBeChecked());
  });

  it('deletes a rule only once confirmed', async () => {
    const { requests } = mockFetch({
      ...routes(),
      'DELETE /api/v1/alert-rules/rul_2': () => new Response(null, { status: 204 }),
    });
    const { user } = renderRules();
    await screen.findByTestId('rules-table');

    await user.click(within(row('Front desk warnings')).getByRole('button', { name: 'Delete Front desk warnings' }));
    let dialog = screen.getByRole('dialog', { name: 'Delete the rule Front desk warnings?' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep rule' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(sent(requests, 'DELETE /api/v1/alert-rules/rul_2')).toHaveLength(0);

    await user.click(within(row('Front desk warnings')).getByRole('button', { name: 'Delete Front desk warnings' }));
    dialog = screen.getByRole('dialog', { name: 'Delete the rule Front desk warnings?' });
    await user.click(within(dialog).getByTestId('rule-delete-confirm'));

    expect(await screen.findByTestId('rules-notice')).toHaveTextContent('The rule Front desk warnings was deleted.');
    const deletes = sent(requests, 'DELETE /api/v1/alert-rules/rul_2');
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.headers.get('If-Match')).toBe('"1"');
    expect(screen.getAllByTestId('rule-row').map((element) => element.dataset.ruleName)).toEqual(['Critical risks']);
  });
});

describe('Add Notification', () => {
  it('sends the rule as the form describes it, confirms it first, and shows the webhook secret once', async () => {
    const secret = 'whsec_c2VjcmV0LWZvci10aGUtdGVzdA9f3e';
    const { requests } = mockFetch({
      ...routes(),
      [CREATE]: (request) => {
        const body = request.body as RuleRequest;
        return json(201, {
          ...frontDeskRule,
          id: 'rul_3',
          name: body.name,
          enabled: true,
          webhook: { url: 'https://hooks.example.com/front-desk', secretHint: 'whsec_…9f3e' },
          webhookSecret: secret,
        });
      },
    });
    const { user } = renderRules();
    const dialog = await openAdd(user);

    // The procedure's sections, in order.
    expect(
      within(dialog)
        .getAllByRole('group')
        .filter((group) => group.classList.contains('form__section'))
        .map((group) => group.querySelector('legend')?.textContent),
    ).toEqual(['Rule Name and Categories', 'Companies', 'Computers or Groups', 'Recipients', 'Webhook']);

    await fill(user, within(dialog).getByLabelText('Rule name'), '  Front desk  ');
    // A row's "all" box checks the row; unchecking one leaves it, and its column's, partly checked.
    await user.click(within(dialog).getByRole('checkbox', { name: 'All Endpoint Protection alerts' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Endpoint Protection, Informational' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Reports, Error' }));
    expect(within(dialog).getByRole('checkbox', { name: 'All Endpoint Protection alerts' })).toHaveProperty(
      'indeterminate',
      true,
    );
    expect(within(dialog).getByRole('checkbox', { name: 'All Error alerts' })).toHaveProperty('indeterminate', true);

    await user.click(within(dialog).getByRole('radio', { name: 'Chosen companies' }));
    const search = await within(dialog).findByLabelText('Search customers');
    await within(dialog).findByRole('checkbox', { name: 'Delta Dentistry' });
    await fill(user, search, 'bak');
    expect(
      within(within(dialog).getByTestId('rule-customer-options'))
        .getAllByRole('checkbox')
        .map((box) => box.closest('li')?.textContent),
    ).toEqual(['Bright Bakery']);
    await user.click(within(dialog).getByRole('checkbox', { name: 'Bright Bakery' }));
    await user.clear(search);
    await user.click(within(dialog).getByRole('checkbox', { name: 'Acme Dental' }));
    expect(within(dialog).getByTestId('rule-chosen-customers')).toHaveTextContent('Bright BakeryRemoveAcme DentalRemove');

    await user.click(within(dialog).getByRole('radio', { name: 'Selected groups' }));
    await fill(user, within(dialog).getByLabelText('Group names'), 'Front desk\nServers, front desk\n');

    await user.click(within(dialog).getByRole('checkbox', { name: /Grace Hopper/ }));
    await user.click(within(dialog).getByTestId('rule-customer-contacts'));
    await fill(user, within(dialog).getByLabelText(/Webhook URL/), 'https://hooks.example.com/front-desk');
    expect(within(dialog).getByTestId('rule-webhook-help')).toHaveTextContent('X-Console-Signature');

    const summary = within(dialog).getByTestId('rule-summary');
    expect(
      within(summary)
        .getAllByRole('definition')
        .map((value) => value.textContent),
    ).toEqual([
      'Front desk',
      'Enabled',
      'Endpoint Protection: Error, Warning; Reports: Error',
      'Bright Bakery, Acme Dental',
      'Selected groups: Front desk, Servers',
      "Grace Hopper, and the customer's contact where you share communications",
      'https://hooks.example.com/front-desk',
    ]);

    await user.click(within(dialog).getByTestId('rule-save'));

    const secretDialog = await screen.findByRole('dialog', { name: 'Copy the webhook signing secret now' });
    const [create] = sent(requests, CREATE);
    expect(create?.body).toEqual({
      name: 'Front desk',
      enabled: true,
      categories: [
        { service: 'endpointProtection', severity: 'error' },
        { service: 'endpointProtection', severity: 'warning' },
        { service: 'reports', severity: 'error' },
      ],
      customers: ['cus_2', 'cus_1'],
      computers: { scope: 'groups', names: ['Front desk', 'Servers'] },
      recipients: ['usr_2'],
      customerContacts: true,
      webhook: { url: 'https://hooks.example.com/front-desk' },
    } satisfies RuleRequest);

    expect(within(secretDialog).getByText('You will not see this secret again')).toBeInTheDocument();
    expect(within(secretDialog).getByTestId('webhook-secret')).toHaveTextContent(secret);
    await user.click(within(secretDialog).getByRole('button', { name: 'Copy signing secret' }));
    expect(within(secretDialog).getByText('Copied')).toBeInTheDocument();
    expect(await navigator.clipboard.readText()).toBe(secret);
    await user.click(within(secretDialog).getByTestId('webhook-secret-done'));

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByText(secret)).not.toBeInTheDocument();
    expect(screen.getByTestId('rules-notice')).toHaveTextContent(
      'The rule Front desk was added.Its webhook signing secret is no longer shown.',
    );
    expect(screen.getAllByTestId('rule-row').map((element) => element.dataset.ruleName)).toEqual([
      'Critical risks',
      'Front desk warnings',
      'Front desk',
    ]);
    expect(screen.getByTestId('rules-notice')).toHaveFocus();
  });

  it('sends all companies as null and all administrators as no recipients, with no secret without a webhook', async () => {
    const { requests } = mockFetch({
      ...routes(),
      [CREATE]: () => json(201, { ...criticalRule, id: 'rul_4', name: 'Everything', webhook: null }),
    });
    const { user } = renderRules();
    const dialog = await openAdd(user);
    expect(within(dialog).getByTestId('rule-recipients')).toHaveTextContent(
      'None checked: all administrators (2) are notified.',
    );
    await fill(user, within(dialog).getByLabelText('Rule name'), 'Everything');
    await user.click(within(dialog).getByRole('checkbox', { name: 'All categories' }));
    await user.click(within(dialog).getByTestId('rule-save'));

    expect(await screen.findByTestId('rules-notice')).toHaveTextContent('The rule Everything was added.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(sent(requests, CREATE)[0]?.body).toEqual({
      name: 'Everything',
      enabled: true,
      categories: [
        { service: 'endpointProtection', severity: 'error' },
        { service: 'endpointProtection', severity: 'warning' },
        { service: 'endpointProtection', severity: 'informational' },
        { service: 'account', severity: 'error' },
        { service: 'account', severity: 'warning' },
        { service: 'account', severity: 'informational' },
        { service: 'reports', severity: 'error' },
        { service: 'reports', severity: 'warning' },
        { service: 'reports', severity: 'informational' },
      ],
      customers: null,
      computers: { scope: 'all', names: [] },
      recipients: [],
      customerContacts: false,
      webhook: null,
    });
    // Companies are loaded only when they are to be chosen.
    expect(sent(requests, CUSTOMERS)).toHaveLength(0);
  });

  it('checks the form before sending it', async () => {
    const { requests } = mockFetch(routes());
    const { user } = renderRules();
    const dialog = await openAdd(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Chosen companies' }));
    await user.click(within(dialog).getByRole('radio', { name: 'Selected computers' }));
    await fill(user, within(dialog).getByLabelText(/Webhook URL/), 'http://hooks.example.com/x');
    await user.click(within(dialog).getByTestId('rule-save'));

    const name = within(dialog).getByLabelText('Rule name');
    expect(name).toHaveAccessibleDescription('Enter a name for the rule.');
    expect(name).toHaveFocus();
    expect(within(dialog).getByTestId('rule-categories')).toHaveAccessibleDescription('Check at least one category.');
    expect(within(dialog).getByLabelText('Search customers')).toHaveAccessibleDescription(
      'Choose at least one company, or All companies.',
    );
    expect(within(dialog).getByLabelText('Computer names')).toHaveAccessibleDescription(
      expect.stringContaining('Enter at least one computer name.'),
    );
    expect(within(dialog).getByLabelText(/Webhook URL/)).toHaveAccessibleDescription(
      expect.stringContaining('Use an https:// address'),
    );
    expect(sent(requests, CREATE)).toHaveLength(0);
  });

  it("shows the API's field errors on their fields, naming customers and users", async () => {
    const { requests } = mockFetch({
      ...routes(),
      [CREATE]: () =>
        problem(422, {
          title: 'Unprocessable Entity',
          errors: [
            { field: 'name', message: 'another rule has this name' },
            { field: 'categories', message: 'choose at least one category' },
            { field: 'customers[0]', message: 'cus_2 is not one of your customers' },
            { field: 'computers.names', message: 'at most 100 names' },
            { field: 'recipients[0]', message: 'usr_2 is disabled' },
            { field: 'webhook.url', message: 'must not point to a private address' },
            { field: 'schedule', message: 'is not known' },
          ],
        }),
    });
    const { user } = renderRules();
    const dialog = await openAdd(user);
    await fill(user, within(dialog).getByLabelText('Rule name'), 'Critical risks');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Account, Warning' }));
    await user.click(within(dialog).getByRole('radio', { name: 'Chosen companies' }));
    await user.click(await within(dialog).findByRole('checkbox', { name: 'Bright Bakery' }));
    await user.click(within(dialog).getByRole('radio', { name: 'Selected computers' }));
    await fill(user, within(dialog).getByLabelText('Computer names'), 'PC-1');
    await user.click(within(dialog).getByRole('checkbox', { name: /Grace Hopper/ }));
    await fill(user, within(dialog).getByLabelText(/Webhook URL/), 'https://10.0.0.5/hook');
    await user.click(within(dialog).getByTestId('rule-save'));

    const name = within(dialog).getByLabelText('Rule name');
    await waitFor(() => expect(name).toHaveAccessibleDescription('Another rule has this name.'));
    expect(within(dialog).getByTestId('rule-categories')).toHaveAccessibleDescription('Choose at least one category.');
    expect(within(dialog).getByLabelText('Search customers')).toHaveAccessibleDescription(
      'Bright Bakery is not one of your customers.',
    );
    expect(within(dialog).getByLabelText('Computer names')).toHaveAccessibleDescription(
      expect.stringContaining('At most 100 names.'),
    );
    expect(within(dialog).getByTestId('rule-recipients')).toHaveAccessibleDescription('Grace Hopper is disabled.');
    expect(within(dialog).getByLabelText(/Webhook URL/)).toHaveAccessibleDescription(
      expect.stringContaining('The webhook URL must not point to a private address.'),
    );
    // What no field shows is listed above the form.
    expect(within(dialog).getByRole('alert')).toHaveTextContent('schedule: is not known');
    expect(sent(requests, CREATE)).toHaveLength(1);

    // Changing a field clears its error.
    await fill(user, name, ' 2');
    expect(name).not.toHaveAccessibleDescription();
  });

  it("shows the API's refusal of a user who is not a partner administrator", async () => {
    mockFetch({
      ...routes(),
      [CREATE]: () =>
        problem(403, { title: 'Forbidden', detail: 'Only partner administrators add alert notification rules.' }),
    });
    const { user } = renderRules(administratorMe);
    const dialog = await openAdd(user);
    await fill(user, within(dialog).getByLabelText('Rule name'), 'Mine');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Reports, Error' }));
    await user.click(within(dialog).getByTestId('rule-save'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The notification rule could not be added');
    expect(alert).toHaveTextContent('Only partner administrators add alert notification rules.');
    expect(screen.getByRole('dialog', { name: 'Add Notification' })).toBeInTheDocument();
  });

  it('says why a rule cannot be added when the partner has as many as allowed', async () => {
    mockFetch({
      ...routes(),
      [CREATE]: () =>
        problem(409, { title: 'Conflict', detail: 'A partner has at most 100 alert notification rules.' }),
    });
    const { user } = renderRules();
    const dialog = await openAdd(user);
    await fill(user, within(dialog).getByLabelText('Rule name'), 'One more');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Reports, Error' }));
    await user.click(within(dialog).getByTestId('rule-save'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('A partner has at most 100 alert notification rules.');
    // Not a rule changed meanwhile: there is nothing to reload.
    expect(within(alert).queryByRole('button', { name: 'Reload the rule' })).not.toBeInTheDocument();
  });
});
