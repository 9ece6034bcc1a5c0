import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { sampleUsers } from '../../admin/fixtures';
import { tokenStore } from '../../auth/tokenStore';
import { json, mockFetch, problem, sampleMe, sampleToken, type RecordedRequest } from '../../test/fetchMock';
import { renderApp } from '../../test/renderApp';
import {
  criticalRule,
  emailDelivery,
  frontDeskRule,
  retryingDelivery,
  sentDelivery,
  taggedRule,
} from './fixtures';
import type { AlertRule, Delivery, RuleRequest } from './types';

const RULE = 'GET /api/v1/alert-rules/rul_1';
const SAVE = 'PUT /api/v1/alert-rules/rul_1';
const DELIVERIES = 'GET /api/v1/alert-rules/rul_1/deliveries';
const TEST = 'POST /api/v1/alert-rules/rul_1/test';
const USERS = 'GET /api/v1/users';

function sent(requests: RecordedRequest[], route: string): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === route);
}

function renderRule(path = '/admin/alert-notifications/rul_1') {
  tokenStore.set(sampleToken);
  return renderApp(path, sampleMe);
}

/** The log in two pages, as the API pages it. */
function deliveriesInPages(request: RecordedRequest): Response {
  return request.query.get('cursor') === 'page-2'
    ? // As the API may send it: absent values as null, `test` left out, and fields the page does not show.
      json(200, {
        items: [
          {
            ...emailDelivery,
            statusCode: null,
            nextAttemptAt: null,
            test: undefined,
            partnerId: 'prt_1',
            updatedAt: emailDelivery.at,
          },
        ],
      })
    : json(200, { items: [sentDelivery, retryingDelivery], nextCursor: 'page-2' });
}

function routes(rule: AlertRule = criticalRule) {
  return {
    [RULE]: () => taggedRule(200, rule),
    [DELIVERIES]: deliveriesInPages,
    [USERS]: () => json(200, { items: sampleUsers }),
  };
}

function cells(row: HTMLElement): string[] {
  return within(row)
    .getAllByRole('cell')
    .map((cell) => cell.textContent ?? '');
}

beforeEach(() => {
  tokenStore.clear();
});

describe("A notification rule's page", () => {
  it('shows the configuration', async () => {
    mockFetch({
      ...routes(frontDeskRule),
      'GET /api/v1/alert-rules/rul_2': () => taggedRule(200, frontDeskRule),
      'GET /api/v1/alert-rules/rul_2/deliveries': () => json(200, { items: [], nextCursor: null }),
    });
    renderRule('/admin/alert-notifications/rul_2');
    expect(await screen.findByRole('heading', { name: 'Front desk warnings', level: 1 })).toBeInTheDocument();
    expect(
      within(screen.getByRole('navigation', { name: 'Breadcrumb' })).getByRole('link', { name: 'Alert Notifications' }),
    ).toHaveAttribute('href', '/admin/alert-notifications');
    expect(screen.getByTestId('rule-status')).toHaveTextContent('Disabled');
    expect(screen.getByTestId('rule-categories-summary')).toHaveTextContent('Endpoint Protection: Warning');
    expect(screen.getByTestId('rule-companies')).toHaveTextContent('Acme Dental, Bright Bakery');
    expect(screen.getByTestId('rule-computers')).toHaveTextContent('Selected computers: FRONT-01, FRONT-02');
    expect(screen.getByTestId('rule-recipients-summary')).toHaveTextContent('Grace Hopper grace@example.com');
    expect(screen.getByTestId('rule-webhook')).toHaveTextContent('None');
    expect(await screen.findByTestId('deliveries-empty')).toHaveTextContent('Nothing was sent for this rule yet.');
    // Without a webhook there is nothing to test.
    expect(screen.getByTestId('rule-send-test')).toBeDisabled();
    expect(screen.getByTestId('rule-send-test')).toHaveAccessibleDescription(/edit the rule to add one/);
  });

  it('shows the delivery log, newest first, with More for the next page', async () => {
    const { requests } = mockFetch(routes());
    const { user } = renderRule();
    const table = await screen.findByTestId('deliveries-table');
    expect(screen.getByTestId('rule-recipients-summary')).toHaveTextContent('All administrators (2)');
    expect(screen.getByTestId('rule-webhook')).toHaveTextContent('https://hooks.example.com/console');
    expect(screen.getByTestId('rule-webhook')).toHaveTextContent('whsec_…1a2b');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Time',
      'Channel',
      'Target',
      'Status',
      'Status code',
      'Attempts',
      'Next attempt',
      'Error',
    ]);
    let rows = within(table).getAllByTestId('delivery-row');
    expect(rows.map((row) => row.dataset.deliveryId)).toEqual(['dlv_3', 'dlv_2']);
    expect(cells(rows[0]!).slice(1)).toEqual([
      'Webhook',
      'https://hooks.example.com/console',
      'Sent',
      '200',
      '1',
      '—',
      '—',
    ]);
    const retrying = cells(rows[1]!);
    expect(retrying.slice(1, 6)).toEqual(['Webhook', 'https://hooks.example.com/console', 'Retrying', '503', '2']);
    expect(retrying[6]).not.toBe('—');
    expect(within(rows[1]!).getAllByRole('cell')[6]?.querySelector('time')).toHaveAttribute(
      'datetime',
      '2026-01-10T11:35:00Z',
    );
    expect(retrying[7]).toBe('Service Unavailable');

    await user.click(screen.getByRole('button', { name: 'More' }));
    await waitFor(() => expect(within(table).getAllByTestId('delivery-row')).toHaveLength(3));
    rows = within(table).getAllByTestId('delivery-row');
    expect(cells(rows[2]!).slice(1)).toEqual([
      'Email',
      'ada@example.com',
      'Failed',
      '—',
      '5',
      '—',
      'Mailbox unavailable',
    ]);
    expect(screen.queryByRole('button', { name: 'More' })).not.toBeInTheDocument();
    expect(sent(requests, DELIVERIES).map((request) => Object.fromEntries(request.query))).toEqual([
      { limit: '25' },
      { limit: '25', cursor: 'page-2' },
    ]);
  });

  it('sends a test to the webhook, shows the result and adds it to the log', async () => {
    const testDelivery: Delivery = {
      id: 'dlv_9',
      alertId: 'test',
      ruleId: 'rul_1',
      channel: 'webhook',
      target: 'https://hooks.example.com/console',
      status: 'failed',
      statusCode: 404,
      attempts: 1,
      error: 'Not Found',
      test: true,
      at: '2026-01-11T08:00:00Z',
    };
    const { requests } = mockFetch({ ...routes(), [TEST]: () => json(200, testDelivery) });
    const { user } = renderRule();
    await screen.findByTestId('deliveries-table');

    await user.click(screen.getByRole('button', { name: 'Send test' }));

    const result = await screen.findByText('The test could not be delivered: Failed · HTTP 404.');
    expect(result.closest('[data-testid="rule-test-result"]')).toHaveTextContent('Not Found');
    expect(sent(requests, TEST)).toHaveLength(1);
    expect(sent(requests, TEST)[0]?.body).toBeUndefined();
    const rows = screen.getAllByTestId('delivery-row');
    expect(rows.map((row) => row.dataset.deliveryId)).toEqual(['dlv_9', 'dlv_3', 'dlv_2']);
    expect(cells(rows[0]!)[0]).toMatch(/Test$/);
    expect(cells(rows[0]!).slice(3, 5)).toEqual(['Failed', '404']);
  });

  it('says when a test was delivered', async () => {
    mockFetch({ ...routes(), [TEST]: () => json(200, { ...sentDelivery, id: 'dlv_10', test: true }) });
    const { user } = renderRule();
    await screen.findByTestId('deliveries-table');
    await user.click(screen.getByTestId('rule-send-test'));
    expect(await screen.findByTestId('rule-test-result')).toHaveTextContent('The test was delivered: Sent · HTTP 200.');
  });

  it('edits the rule in the same form and saves it with If-Match', async () => {
    const { requests } = mockFetch({
      ...routes(),
      [SAVE]: (request) => {
        const body = request.body as RuleRequest;
        return taggedRule(200, { ...criticalRule, categories: body.categories, webhook: null, version: 4 });
      },
    });
    const { user } = renderRule();
    await screen.findByRole('heading', { name: 'Critical risks', level: 1 });
    await user.click(screen.getByTestId('rule-edit'));
    const dialog = screen.getByRole('dialog', { name: 'Edit Notification' });
    await within(dialog).findByRole('checkbox', { name: /Grace Hopper/ });

    expect(within(dialog).getByLabelText('Rule name')).toHaveValue('Critical risks');
    expect(within(dialog).getByRole('checkbox', { name: 'Endpoint Protection, Error' })).toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'Account, Error' })).toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'All Error alerts' })).toHaveProperty('indeterminate', true);
    expect(within(dialog).getByRole('radio', { name: 'All companies' })).toBeChecked();
    expect(within(dialog).getByLabelText(/Webhook URL/)).toHaveValue('https://hooks.example.com/console');

    await user.click(within(dialog).getByRole('checkbox', { name: 'Account, Error' }));
    await user.clear(within(dialog).getByLabelText(/Webhook URL/));
    await user.click(within(dialog).getByTestId('rule-save'));

    expect(await screen.findByTestId('rule-notice')).toHaveTextContent('The rule was saved.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const [save] = sent(requests, SAVE);
    expect(save?.headers.get('If-Match')).toBe('"3"');
    expect(save?.body).toEqual({
      name: 'Critical risks',
      enabled: true,
      categories: [{ service: 'endpointProtection', severity: 'error' }],
      customers: null,
      computers: { scope: 'all', names: [] },
      recipients: [],
      customerContacts: false,
      webhook: null,
    });
    expect(screen.getByTestId('rule-categories-summary')).toHaveTextContent('Endpoint Protection: Error');
    expect(screen.getByTestId('rule-webhook')).toHaveTextContent('None');
    expect(screen.getByTestId('rule-send-test')).toBeDisabled();
  });

  it('asks to reload when the rule changed since it was loaded', async () => {
    let loads = 0;
    const { requests } = mockFetch({
      ...routes(),
      [RULE]: () => {
        loads += 1;
        return taggedRule(200, loads === 1 ? criticalRule : { ...criticalRule, name: 'Critical risks (all)', version: 5 });
      },
      [SAVE]: () => problem(412, { title: 'Precondition Failed' }),
    });
    const { user } = renderRule();
    await screen.findByRole('heading', { name: 'Critical risks', level: 1 });
    await user.click(screen.getByTestId('rule-edit'));
    const dialog = screen.getByRole('dialog', { name: 'Edit Notification' });
    await user.click(within(dialog).getByTestId('rule-save'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('It was changed by someone else since it was loaded.');
    await user.click(within(alert).getByRole('button', { name: 'Reload the rule' }));

    expect(await screen.findByRole('heading', { name: 'Critical risks (all)', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(sent(requests, RULE)).toHaveLength(2);
  });

  it('shows a new webhook secret once when a save answers one', async () => {
    mockFetch({
      ...routes(frontDeskRule),
      'GET /api/v1/alert-rules/rul_2': () => taggedRule(200, frontDeskRule),
      'GET /api/v1/alert-rules/rul_2/deliveries': () => json(200, { items: [], nextCursor: null }),
      'PUT /api/v1/alert-rules/rul_2': () =>
        json(200, {
          ...frontDeskRule,
          webhook: { url: 'https://hooks.example.com/new', secretHint: 'whsec_…7c7c' },
          webhookSecret: 'whsec_bmV3LXNlY3JldA7c7c',
          version: 2,
        }),
      'GET /api/v1/customers': () => json(200, { items: [] }),
    });
    const { user } = renderRule('/admin/alert-notifications/rul_2');
    await screen.findByRole('heading', { name: 'Front desk warnings', level: 1 });
    await user.click(screen.getByTestId('rule-edit'));
    const dialog = screen.getByRole('dialog', { name: 'Edit Notification' });
    await user.click(within(dialog).getByLabelText(/Webhook URL/));
    await user.paste('https://hooks.example.com/new');
    await user.click(within(dialog).getByTestId('rule-save'));

    const secretDialog = await screen.findByRole('dialog', { name: 'Copy the webhook signing secret now' });
    expect(within(secretDialog).getByTestId('webhook-secret')).toHaveTextContent('whsec_bmV3LXNlY3JldA7c7c');
    await user.click(within(secretDialog).getByRole('button', { name: 'I have stored the secret' }));
    expect(screen.queryByText('whsec_bmV3LXNlY3JldA7c7c')).not.toBeInTheDocument();
    expect(screen.getByTestId('rule-webhook')).toHaveTextContent('whsec_…7c7c');
    expect(screen.getByTestId('rule-send-test')).toBeEnabled();
  });

  it('deletes the rule and goes back to the list', async () => {
    mockFetch({
      ...routes(),
      'DELETE /api/v1/alert-rules/rul_1': () => new Response(null, { status: 204 }),
      'GET /api/v1/alert-rules': () => json(200, { items: [frontDeskRule], nextCursor: null }),
    });
    const { user } = renderRule();
    await screen.findByRole('heading', { name: 'Critical risks', level: 1 });
    await user.click(screen.getByTestId('rule-delete-open'));
    await user.click(within(screen.getByRole('dialog')).getByTestId('rule-delete-confirm'));
    expect(await screen.findByRole('heading', { name: 'Alert Notifications', level: 1 })).toBeInTheDocument();
    expect(screen.getByTestId('rules-notice')).toHaveTextContent('The rule Critical risks was deleted.');
  });

  it('says when there is no such rule', async () => {
    mockFetch({ 'GET /api/v1/alert-rules/rul_404': () => problem(404, { title: 'Not Found' }) });
    renderRule('/admin/alert-notifications/rul_404');
    expect(await screen.findByRole('heading', { name: 'No such rule' })).toBeInTheDocument();
  });
});
