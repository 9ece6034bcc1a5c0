import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { chooserCustomers, sampleUsers } from '../../admin/fixtures';
import { tokenStore } from '../../auth/tokenStore';
import { renderAt } from '../../statistics/testing';
import { json, mockFetch, problem, sampleMe, type RecordedRequest } from '../../test/fetchMock';
import { endpointTemplate, processingReport, reportPage, reportTypesAnswer, templateAnswer } from '../fixtures';
import type { Report, ReportRequest, ReportTemplate, TemplateRequest } from '../types';

const CREATE = 'POST /api/v1/reports';
const SAVE_TEMPLATE = 'POST /api/v1/report-templates';

function routes(extra: Parameters<typeof mockFetch>[0] = {}) {
  return mockFetch({
    'GET /api/v1/report-types': reportTypesAnswer,
    'GET /api/v1/customers': () => json(200, { items: chooserCustomers, nextCursor: null }),
    'GET /api/v1/reports': () => json(200, reportPage([])),
    'GET /api/v1/users': () => json(200, { items: sampleUsers }),
    ...extra,
  });
}

function created(body: ReportRequest): Report {
  const options = { ...body.options, customers: body.options.customers ?? [] };
  return { ...processingReport, id: 'rpt_new', name: body.name, type: body.type, formats: body.formats, options };
}

function posts(requests: RecordedRequest[], route = CREATE): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === route);
}

function savedTemplate(body: TemplateRequest): ReportTemplate {
  return { ...endpointTemplate, id: 'tpl_new', name: body.name, type: body.type, formats: body.formats, version: 1 };
}

/** Report Selection and Data Selection of an Endpoint Summary of every customer, ending on Format Selection. */
async function toFormatSelection(user: ReturnType<typeof renderAt>['user'], name = 'Weekly endpoints') {
  await user.type(screen.getByRole('textbox', { name: 'Report name' }), name);
  await user.selectOptions(screen.getByRole('combobox', { name: 'Report Type' }), 'Endpoint Summary');
  await user.click(screen.getByTestId('wizard-next'));
  await user.click(screen.getByTestId('report-all-customers'));
  await user.click(screen.getByTestId('wizard-next'));
  expect(stepHeading()).toHaveTextContent('Format Selection');
}

function stepHeading(): HTMLElement {
  return within(screen.getByTestId('report-wizard')).getByRole('heading', { level: 2 });
}

/** The step bar's steps that show a checkmark. */
function doneSteps(): string[] {
  return screen
    .getAllByTestId('wizard-step')
    .filter((step) => step.dataset.done === 'true')
    .map((step) => step.textContent?.replace(/^✓/, '').replace(' (completed)', '') ?? '');
}

async function openWizard() {
  tokenStore.clear();
  const view = renderAt('/reports/new', sampleMe);
  await screen.findByTestId('report-wizard');
  return view;
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Report wizard', () => {
  it('walks the five steps, with a checkmark for each completed one, and posts the report as chosen', async () => {
    const { requests } = routes({ [CREATE]: (request) => json(202, created(request.body as ReportRequest)) });
    const { user } = await openWizard();

    expect(screen.getByRole('heading', { level: 1, name: 'Add Report' })).toBeInTheDocument();
    expect(screen.getAllByTestId('wizard-step').map((step) => step.textContent)).toEqual([
      '1Report Selection',
      '2Data Selection',
      '3Format Selection',
      '4Delivery',
      '5Confirmation',
    ]);
    expect(stepHeading()).toHaveTextContent('Report Selection');
    const typeSelect = screen.getByRole('combobox', { name: 'Report Type' });
    expect(within(typeSelect).getAllByRole('option').slice(1).map((option) => option.textContent)).toEqual([
      'Customer Executive Summary',
      'MSP Executive Summary',
      'Service Utilization and Billing',
      'Endpoint Summary',
      'Product Deployment Summary',
      'Virus and Risk Activity Summary',
      'Intrusion Prevention Summary',
      'Mac Computer Summary',
      'Computer Status Summary',
      'Alert History',
      'Security Audit',
      'Firewall History',
      'Risk Detection',
      'Security Overview',
    ]);

    await user.type(screen.getByRole('textbox', { name: 'Report name' }), 'March endpoints');
    await user.selectOptions(typeSelect, 'Endpoint Summary');
    await user.click(screen.getByTestId('wizard-next'));

    expect(stepHeading()).toHaveTextContent('Data Selection');
    expect(stepHeading()).toHaveFocus();
    expect(doneSteps()).toEqual(['Report Selection']);
    await user.click(screen.getByRole('radio', { name: 'Last 30 days' }));
    await user.type(screen.getByTestId('report-customer-search'), 'a');
    await user.click(await screen.findByRole('checkbox', { name: 'Bright Bakery' }));
    await user.click(screen.getByRole('checkbox', { name: 'Acme Dental' }));
    expect(screen.getByTestId('report-chosen-customers')).toHaveTextContent('Bright BakeryRemoveAcme DentalRemove');
    await user.click(screen.getByRole('radio', { name: 'Active computers only' }));
    await user.click(screen.getByRole('checkbox', { name: 'Mac computers' }));
    await user.click(screen.getByRole('radio', { name: 'Groups' }));
    await user.click(screen.getByTestId('wizard-next'));

    expect(stepHeading()).toHaveTextContent('Format Selection');
    expect(doneSteps()).toEqual(['Report Selection', 'Data Selection']);
    const formats = screen.getByTestId('report-formats');
    expect(within(formats).getAllByRole('checkbox').map((box) => [box.nextSibling?.textContent, (box as HTMLInputElement).checked])).toEqual([
      ['PDF', true],
      ['HTML', false],
      ['CSV', false],
      ['XML', false],
    ]);
    expect(screen.getByTestId('save-template')).toHaveTextContent('Save as template');
    await user.click(within(formats).getByRole('checkbox', { name: 'CSV' }));
    await user.click(screen.getByTestId('wizard-next'));

    expect(stepHeading()).toHaveTextContent('Delivery');
    expect(screen.getByTestId('report-delivery')).toHaveTextContent(
      'Reports are listed on the Reports page, where you can open and download them.',
    );
    await user.click(screen.getByTestId('wizard-next'));

    expect(stepHeading()).toHaveTextContent('Confirmation');
    expect(doneSteps()).toEqual(['Report Selection', 'Data Selection', 'Format Selection', 'Delivery']);
    const summary = screen.getByTestId('report-summary');
    expect(within(summary).getAllByRole('term').map((term) => term.textContent)).toEqual([
      'Report name',
      'Report Type',
      'Time period',
      'Customers',
      'Computers',
      'Mac computers',
      'Report By',
      'Formats',
      'Delivery',
    ]);
    expect(within(summary).getAllByRole('definition').map((value) => value.textContent)).toEqual([
      'March endpoints',
      'Endpoint Summary',
      'Last 30 days',
      'Bright Bakery, Acme Dental',
      'Active computers only',
      'Included',
      'Groups',
      'PDF, CSV',
      'Reports are listed on the Reports page, where you can open and download them.',
    ]);
    expect(posts(requests)).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Generate Report' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/reports$/));
    const [post] = posts(requests);
    expect(post?.body).toEqual({
      name: 'March endpoints',
      type: 'endpointSummary',
      formats: ['pdf', 'csv'],
      options: {
        period: { kind: 'last', range: '30d' },
        customers: ['cus_2', 'cus_1'],
        computers: 'active',
        includeMac: true,
        reportBy: 'groups',
      },
    });
    expect(post?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);

    // The Reports page lists it as Processing, even though the list was read without it.
    const row = await screen.findByTestId('report-row');
    expect(row).toHaveAttribute('data-report-id', 'rpt_new');
    expect(within(row).getByTestId('report-status')).toHaveTextContent('Processing');
    expect(screen.getByText('“March endpoints” was asked for.')).toBeInTheDocument();
  });

  it('offers only the options of the chosen report type', async () => {
    routes();
    const { user } = await openWizard();
    await user.type(screen.getByRole('textbox', { name: 'Report name' }), 'Who signed in');
    // Each step is rendered afresh: the type select is found again after Back.
    const typeSelect = () => screen.getByRole('combobox', { name: 'Report Type' });

    await user.selectOptions(typeSelect(), 'Security Audit');
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByRole('checkbox', { name: 'Active users only' })).toBeInTheDocument();
    expect(screen.queryByRole('radiogroup', { name: 'Report By' })).not.toBeInTheDocument();
    expect(screen.queryByRole('radiogroup', { name: 'Computers' })).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'Mac computers' })).not.toBeInTheDocument();

    await user.click(screen.getByTestId('wizard-back'));
    await user.selectOptions(typeSelect(), 'Endpoint Summary');
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByRole('radiogroup', { name: 'Computers' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Mac computers' })).toBeInTheDocument();
    expect(screen.getByRole('radiogroup', { name: 'Report By' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'Active users only' })).not.toBeInTheDocument();

    await user.click(screen.getByTestId('wizard-back'));
    await user.selectOptions(typeSelect(), 'Product Deployment Summary');
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByRole('radiogroup', { name: 'Computers' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'Mac computers' })).not.toBeInTheDocument();
    expect(screen.queryByRole('radiogroup', { name: 'Report By' })).not.toBeInTheDocument();

    await user.click(screen.getByTestId('wizard-back'));
    await user.selectOptions(typeSelect(), 'Customer Executive Summary');
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.queryByTestId('report-options')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('report-all-customers'));
    await user.click(screen.getByTestId('wizard-next'));
    // Its formats are PDF and HTML only.
    expect(within(screen.getByTestId('report-formats')).getAllByRole('checkbox').map((box) => box.nextSibling?.textContent)).toEqual([
      'PDF',
      'HTML',
    ]);
  });

  it('refuses Next without a customer, and takes All customers', async () => {
    const { requests } = routes({ [CREATE]: (request) => json(202, created(request.body as ReportRequest)) });
    const { user } = await openWizard();
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByRole('textbox', { name: 'Report name' })).toHaveAccessibleDescription(
      expect.stringContaining('Enter a name for the report.') as string,
    );
    expect(screen.getByRole('textbox', { name: 'Report name' })).toHaveFocus();
    expect(screen.getByText('Select a report type.')).toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: 'Report name' }), 'Who signed in');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Report Type' }), 'Security Audit');
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('wizard-next'));

    expect(stepHeading()).toHaveTextContent('Data Selection');
    const search = screen.getByTestId('report-customer-search');
    expect(search).toHaveAttribute('aria-invalid', 'true');
    expect(search).toHaveFocus();
    expect(search).toHaveAccessibleDescription('Select at least one customer, or All customers.');
    expect(doneSteps()).toEqual(['Report Selection']);

    await user.click(screen.getByTestId('report-all-customers'));
    expect(screen.queryByTestId('report-customer-search')).not.toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'Active users only' }));
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('wizard-next'));
    expect(within(screen.getByTestId('report-summary')).getByText('All customers')).toBeInTheDocument();
    await user.click(screen.getByTestId('generate-report'));
    await waitFor(() => expect(posts(requests)).toHaveLength(1));
    expect(posts(requests)[0]?.body).toEqual({
      name: 'Who signed in',
      type: 'securityAudit',
      formats: ['pdf'],
      options: { period: { kind: 'last', range: '7d' }, customers: [], allCustomers: true, activeUsersOnly: true },
    });
  });

  it('checks custom dates before going on', async () => {
    routes();
    const { user } = await openWizard();
    await user.type(screen.getByRole('textbox', { name: 'Report name' }), 'Alerts');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Report Type' }), 'Alert History');
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('report-all-customers'));
    await user.click(screen.getByRole('radio', { name: 'Custom dates' }));
    await user.type(screen.getByLabelText('From'), '2026-03-10');
    await user.type(screen.getByLabelText('To'), '2026-03-01');
    await user.click(screen.getByTestId('wizard-next'));
    expect(stepHeading()).toHaveTextContent('Data Selection');
    expect(screen.getByLabelText('From')).toHaveAccessibleDescription('The last day must not be before the first.');
  });

  it('puts the API’s field errors on the step they belong to', async () => {
    let answer: 'refuse' | 'accept' = 'refuse';
    const { requests } = routes({
      [CREATE]: (request) =>
        answer === 'refuse'
          ? problem(422, {
              title: 'Unprocessable Entity',
              detail: 'The request has errors.',
              errors: [
                { field: 'options.customers[1]', message: 'cus_1 is chosen twice' },
                { field: 'formats[1]', message: 'XML is not offered for Risk Detection' },
              ],
            })
          : json(202, created(request.body as ReportRequest)),
    });
    const { user } = await openWizard();
    await user.type(screen.getByRole('textbox', { name: 'Report name' }), 'Risks');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Report Type' }), 'Risk Detection');
    await user.click(screen.getByTestId('wizard-next'));
    await user.type(screen.getByTestId('report-customer-search'), 'Acme');
    await user.click(await screen.findByRole('checkbox', { name: 'Acme Dental' }));
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByRole('checkbox', { name: 'XML' }));
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('generate-report'));

    // The earliest step with an error is shown, the error on its field, named by name.
    await waitFor(() => expect(stepHeading()).toHaveTextContent('Data Selection'));
    const search = screen.getByTestId('report-customer-search');
    expect(search).toHaveAccessibleDescription('Acme Dental is chosen twice.');
    expect(search).toHaveFocus();

    // The format error waits on its own step.
    await user.click(screen.getByTestId('wizard-next'));
    expect(stepHeading()).toHaveTextContent('Format Selection');
    expect(screen.getByTestId('report-formats')).toHaveTextContent('XML is not offered for Risk Detection.');
    await user.click(screen.getByRole('checkbox', { name: 'XML' }));
    expect(screen.getByTestId('report-formats')).not.toHaveTextContent('is not offered');

    answer = 'accept';
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('generate-report'));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/reports$/));
    const sent = posts(requests);
    expect(sent.map((request) => (request.body as ReportRequest).formats)).toEqual([['pdf', 'xml'], ['pdf']]);
    // A changed request is a new one.
    expect(sent[0]?.headers.get('Idempotency-Key')).not.toBe(sent[1]?.headers.get('Idempotency-Key'));
  });

  it('sends the same request again with the same key after a failure, and sends a customer no longer visible back to Data Selection', async () => {
    let answer: 'unavailable' | 'gone' = 'unavailable';
    const { requests } = routes({
      [CREATE]: () =>
        answer === 'unavailable'
          ? problem(503, { title: 'Service Unavailable', detail: 'Try again in a moment.' })
          : problem(404, { title: 'Not Found', detail: 'No such customer.' }),
    });
    const { user } = await openWizard();
    await user.type(screen.getByRole('textbox', { name: 'Report name' }), 'Summary');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Report Type' }), 'Customer Executive Summary');
    await user.click(screen.getByTestId('wizard-next'));
    await user.type(screen.getByTestId('report-customer-search'), 'Cobalt');
    await user.click(await screen.findByRole('checkbox', { name: 'Cobalt Clinic' }));
    for (let step = 0; step < 3; step += 1) await user.click(screen.getByTestId('wizard-next'));

    await user.click(screen.getByTestId('generate-report'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The report could not be asked for');
    expect(alert).toHaveTextContent('Try again in a moment.');
    expect(stepHeading()).toHaveTextContent('Confirmation');

    answer = 'gone';
    await user.click(screen.getByTestId('generate-report'));
    await waitFor(() => expect(stepHeading()).toHaveTextContent('Data Selection'));
    expect(screen.getByTestId('report-customer-search')).toHaveAccessibleDescription(
      'A chosen customer is no longer in your customer list: remove it and try again. No such customer.',
    );
    const keys = posts(requests).map((request) => request.headers.get('Idempotency-Key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('saves the configuration as a template in Format Selection, and still generates the report for its recipients', async () => {
    const { requests } = routes({
      [SAVE_TEMPLATE]: (request) => templateAnswer(savedTemplate(request.body as TemplateRequest), 201),
      [CREATE]: (request) => json(202, created(request.body as ReportRequest)),
    });
    const { user } = await openWizard();
    await toFormatSelection(user);

    await user.click(screen.getByTestId('save-template'));
    expect(await screen.findByText('Saved as the template “Weekly endpoints”.')).toBeInTheDocument();
    expect(screen.getByTestId('save-template')).toBeDisabled();
    expect(screen.getByTestId('save-template')).toHaveTextContent('Saved as template');
    const [saved] = posts(requests, SAVE_TEMPLATE);
    // A template keeps no recipients.
    expect(saved?.body).toEqual({
      name: 'Weekly endpoints',
      type: 'endpointSummary',
      formats: ['pdf'],
      options: {
        period: { kind: 'last', range: '7d' },
        customers: [],
        allCustomers: true,
        computers: 'all',
        includeMac: false,
        reportBy: 'computers',
      },
    });
    expect(saved?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
    // A changed configuration can be saved again.
    await user.click(screen.getByRole('checkbox', { name: 'CSV' }));
    expect(screen.getByTestId('save-template')).toBeEnabled();
    expect(screen.queryByText('Saved as the template “Weekly endpoints”.')).not.toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'CSV' }));
    expect(screen.getByTestId('save-template')).toBeDisabled();

    await user.click(screen.getByTestId('wizard-next'));
    expect(stepHeading()).toHaveTextContent('Delivery');
    const delivery = screen.getByTestId('report-recipients');
    const addresses = within(delivery).getByRole('textbox', { name: /Other email addresses/ });
    expect(addresses).toBeDisabled();
    expect(within(delivery).getAllByRole('checkbox').map((box) => box.parentElement?.textContent)).toEqual([
      'Ada Lovelace ada@example.com',
      'Grace Hopper grace@example.com',
      'Hal Abelson hal@example.com',
      'Email the report as an attached file',
    ]);
    await user.click(within(delivery).getByRole('checkbox', { name: /Grace Hopper/ }));
    await user.click(within(delivery).getByRole('checkbox', { name: 'Email the report as an attached file' }));
    expect(addresses).toBeEnabled();
    expect(addresses).toHaveAccessibleDescription(expect.stringContaining('Required for people without a login') as string);
    await user.type(addresses, 'owner@acme.example{Enter}books@acme.example');
    await user.click(screen.getByTestId('wizard-next'));

    expect(stepHeading()).toHaveTextContent('Confirmation');
    expect(doneSteps()).toEqual(['Report Selection', 'Data Selection', 'Format Selection', 'Delivery']);
    const summary = screen.getByTestId('report-summary');
    expect(within(summary).getAllByRole('term').slice(-3).map((term) => term.textContent)).toEqual([
      'Formats',
      'Delivery',
      'Recipients',
    ]);
    expect(within(summary).getByText('Emailed as an attached file')).toBeInTheDocument();
    expect(within(screen.getByTestId('report-recipients')).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Grace Hopper',
      'owner@acme.example',
      'books@acme.example',
    ]);

    await user.click(screen.getByTestId('generate-report'));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/reports$/));
    expect(posts(requests)[0]?.body).toMatchObject({
      name: 'Weekly endpoints',
      delivery: { users: ['usr_2'], emails: ['owner@acme.example', 'books@acme.example'], attach: true },
    });
  });

  it('sends other addresses only with an attached file, and puts the API’s recipient errors on the Delivery step', async () => {
    let answer: 'refuse' | 'accept' = 'refuse';
    const { requests } = routes({
      [CREATE]: (request) =>
        answer === 'refuse'
          ? problem(422, {
              title: 'Unprocessable Entity',
              errors: [
                { field: 'delivery.users[0]', message: 'no such user' },
                { field: 'delivery.emails[1]', message: 'is chosen twice' },
              ],
            })
          : json(202, created(request.body as ReportRequest)),
    });
    const { user } = await openWizard();
    await toFormatSelection(user);
    await user.click(screen.getByTestId('wizard-next'));

    // Each step is rendered afresh: its controls are found again after Back.
    const attach = () => screen.getByRole('checkbox', { name: 'Email the report as an attached file' });
    const addresses = () => screen.getByRole('textbox', { name: /Other email addresses/ });
    await user.click(screen.getByRole('checkbox', { name: /Hal Abelson/ }));
    await user.click(attach());
    await user.type(addresses(), 'owner@acme.example, not an address');
    await user.click(screen.getByTestId('wizard-next'));
    expect(stepHeading()).toHaveTextContent('Delivery');
    expect(addresses()).toHaveAccessibleDescription(
      expect.stringContaining('“not an address” is not a valid email address.') as string,
    );
    expect(addresses()).toHaveFocus();

    await user.clear(addresses());
    await user.type(addresses(), 'owner@acme.example, Owner@acme.example');
    await user.click(screen.getByTestId('wizard-next'));
    expect(addresses()).toHaveAccessibleDescription(expect.stringContaining('Owner@acme.example is listed twice.') as string);

    // Unchecked, the addresses are kept but not sent.
    await user.click(attach());
    expect(addresses()).toBeDisabled();
    await user.click(screen.getByTestId('wizard-next'));
    expect(within(screen.getByTestId('report-recipients')).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Hal Abelson',
    ]);
    await user.click(screen.getByTestId('wizard-back'));
    await user.click(attach());
    await user.clear(addresses());
    await user.type(addresses(), 'owner@acme.example{Enter}books@acme.example');
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('generate-report'));

    // The API's errors name the user and the address, on the Delivery step.
    await waitFor(() => expect(stepHeading()).toHaveTextContent('Delivery'));
    const users = screen.getByRole('group', { name: 'Users' });
    expect(users).toHaveAccessibleDescription('Hal Abelson: no such user.');
    expect(addresses()).toHaveAccessibleDescription(
      expect.stringContaining('books@acme.example is chosen twice.') as string,
    );

    answer = 'accept';
    await user.click(screen.getByRole('checkbox', { name: /Hal Abelson/ }));
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('generate-report'));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/reports$/));
    expect(posts(requests).map((request) => (request.body as ReportRequest).delivery)).toEqual([
      { users: ['usr_3'], emails: ['owner@acme.example', 'books@acme.example'], attach: true },
      { users: [], emails: ['owner@acme.example', 'books@acme.example'], attach: true },
    ]);
  });

  it('opens a template in Update Template mode and saves it with If-Match', async () => {
    let version = 3;
    const { requests } = routes({
      'GET /api/v1/report-templates/tpl_1': () => templateAnswer({ ...endpointTemplate, version }),
      'PUT /api/v1/report-templates/tpl_1': (request) =>
        request.headers.get('If-Match') === `"${version}"`
          ? templateAnswer({ ...endpointTemplate, name: (request.body as TemplateRequest).name, version: version + 1 })
          : problem(412, { title: 'Precondition Failed', detail: 'The template changed.' }),
      'GET /api/v1/report-templates': () => json(200, { items: [endpointTemplate] }),
    });
    tokenStore.clear();
    const { user } = renderAt('/reports/templates/tpl_1', sampleMe);
    const wizard = await screen.findByTestId('report-wizard');
    expect(wizard).toHaveAttribute('data-mode', 'update-template');
    expect(screen.getByRole('heading', { level: 1, name: 'Update Template' })).toBeInTheDocument();
    // Every step of a saved template is done.
    expect(doneSteps()).toEqual(['Report Selection', 'Data Selection', 'Format Selection', 'Delivery']);
    expect(screen.getByRole('textbox', { name: 'Report name' })).toHaveValue('Monthly endpoints');
    expect(screen.getByRole('combobox', { name: 'Report Type' })).toHaveValue('endpointSummary');

    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByRole('radio', { name: 'Last 30 days' })).toBeChecked();
    await waitFor(() =>
      expect(screen.getByTestId('report-chosen-customers')).toHaveTextContent('Bright BakeryRemoveAcme DentalRemove'),
    );
    expect(screen.getByRole('radio', { name: 'Active computers only' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Mac computers' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Groups' })).toBeChecked();
    await user.click(screen.getByRole('radio', { name: 'Last 7 days' }));
    await user.click(screen.getByTestId('wizard-next'));
    expect(within(screen.getByTestId('report-formats')).getByRole('checkbox', { name: 'CSV' })).toBeChecked();
    expect(screen.queryByTestId('save-template')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByTestId('report-delivery')).toHaveTextContent('A template keeps no recipients');
    expect(screen.queryByTestId('report-recipients')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('wizard-next'));

    // Someone else saved it meanwhile: the change is refused, and Reload starts again from theirs.
    version = 4;
    await user.click(screen.getByTestId('save-template-changes'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The template could not be saved');
    expect(alert).toHaveTextContent('It was changed by someone else since the page was loaded. Reload, then try again.');
    await user.click(within(alert).getByRole('button', { name: 'Reload template' }));
    expect(await screen.findByRole('textbox', { name: 'Report name' })).toHaveValue('Monthly endpoints');
    for (let step = 0; step < 4; step += 1) await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('save-template-changes'));

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/reports?tab=templates'));
    const puts = requests.filter((request) => request.method === 'PUT');
    expect(puts.map((request) => request.headers.get('If-Match'))).toEqual(['"3"', '"4"']);
    expect(puts[0]?.body).toEqual({
      name: 'Monthly endpoints',
      type: 'endpointSummary',
      formats: ['pdf', 'csv'],
      options: {
        period: { kind: 'last', range: '7d' },
        customers: ['cus_2', 'cus_1'],
        computers: 'active',
        includeMac: true,
        reportBy: 'groups',
      },
    });
    expect(requests.some((request) => request.path === '/api/v1/users')).toBe(false);
    expect(await screen.findByText('“Monthly endpoints” was saved.')).toBeInTheDocument();
  });
});
