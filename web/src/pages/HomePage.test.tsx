import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { customRoleMe, exspMe } from '../customers/fixtures';
import {
  acmeDashboard,
  defaultLayoutAnswer,
  emptyDashboard,
  sampleDashboard,
} from '../home/fixtures';
import {
  json,
  mockFetch,
  noActivity,
  problem,
  sampleActivity,
  sampleMe,
  sampleToken,
  type RecordedRequest,
} from '../test/fetchMock';
import { dailySchedule, deletingSchedule, processingReport, readyReport, reportPage } from '../reports/fixtures';
import type { ReportSchedule } from '../reports/types';
import { renderApp } from '../test/renderApp';

const ACTIVITY = 'GET /api/v1/me/activity';
const DASHBOARD = 'GET /api/v1/dashboard';
const LAYOUT = 'GET /api/v1/dashboard/layout';
const SAVE_LAYOUT = 'PUT /api/v1/dashboard/layout';
const CUSTOMERS = 'GET /api/v1/customers';
const SCHEDULES = 'GET /api/v1/report-schedules';

/** The automatic reports every partner gets, as the Scheduled Reports list has them. */
const automaticWeekly: ReportSchedule = {
  ...deletingSchedule,
  id: 'sch_weekly',
  name: 'MSP Executive Summary (weekly)',
  templateName: 'MSP Executive Summary (weekly)',
  formats: ['pdf'],
  state: 'active',
  nextRun: '2026-03-16T06:00:00Z',
};
const automaticMonthly: ReportSchedule = {
  ...automaticWeekly,
  id: 'sch_monthly',
  name: 'Service Utilization and Billing (monthly)',
  templateName: 'Service Utilization and Billing (monthly)',
  formats: ['pdf', 'csv'],
  frequency: 'monthly',
  runs: 'Monthly, on the 1st at 06:00 GMT',
  nextRun: '2026-04-01T06:00:00Z',
};

function localTime(value: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(value));
}

function renderHome(me: MeResponse = sampleMe, path = '/') {
  tokenStore.set(sampleToken);
  return renderApp(path, me);
}

/** Home's routes with the sample dashboard and the default layout; `routes` replace or add some. */
function homeRoutes(routes: Parameters<typeof mockFetch>[0] = {}) {
  return mockFetch({
    ...noActivity,
    [DASHBOARD]: () => json(200, sampleDashboard),
    [LAYOUT]: () => json(200, defaultLayoutAnswer),
    ...routes,
  });
}

function sent(requests: RecordedRequest[], route: string): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === route);
}

async function findActivityTable() {
  return screen.findByRole('table', { name: 'Recent activity' });
}

/** The text of each body row's cells. */
function bodyRows(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent ?? ''));
}

/** The shown widgets' ids, in page order. */
function shownWidgets(): string[] {
  return within(screen.getByTestId('widgets'))
    .getAllByRole('region')
    .filter((region) => region.parentElement === screen.getByTestId('widgets'))
    .map((region) => region.getAttribute('data-testid')?.replace(/^widget-/, '') ?? '');
}

async function findWidget(id: string): Promise<HTMLElement> {
  return screen.findByTestId(`widget-${id}`);
}

/** Waits for the dashboard's figures (the Endpoint Protection widget's first). */
async function dashboardShown() {
  await waitFor(() => expect(screen.getByTestId('endpoint-protected')).toBeInTheDocument());
}

beforeEach(() => {
  tokenStore.clear();
  localStorage.clear();
  sessionStorage.clear();
});

describe('Home: recent activity', () => {
  it('shows the newest records in words, with the bearer token', async () => {
    let answer: (response: Response) => void = () => undefined;
    const { requests } = homeRoutes({
      [ACTIVITY]: () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    });
    renderHome();
    expect(await screen.findByText('Loading activity…')).toHaveAttribute('role', 'status');
    await waitFor(() => expect(sent(requests, ACTIVITY)).toHaveLength(1));
    answer(json(200, sampleActivity));

    const table = await findActivityTable();
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Time',
      'Action',
      'Outcome',
      'Source IP',
    ]);
    expect(bodyRows(table)).toEqual([
      [localTime('2025-03-02T09:30:00Z'), 'Signed in', 'Failed — Incorrect password', '203.0.113.7'],
      [localTime('2025-03-01T17:05:00Z'), 'Signed out', 'Succeeded', '198.51.100.20'],
      [localTime('2025-01-15T10:00:00Z'), 'Signed up', 'Succeeded', '198.51.100.20'],
    ]);
    expect(within(table).getAllByRole('row')[1]?.querySelector('time')).toHaveAttribute(
      'datetime',
      '2025-03-02T09:30:00Z',
    );
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();

    const activity = sent(requests, ACTIVITY);
    expect(activity).toHaveLength(1);
    expect(activity[0]?.headers.get('Authorization')).toBe('Bearer access-token-1');
    expect(Object.fromEntries(activity[0]?.query ?? [])).toEqual({ limit: '10' });
  });

  it('loads the next page with the cursor on "Show more" and appends it', async () => {
    const [first, second, third] = sampleActivity.items;
    const { requests } = homeRoutes({
      [ACTIVITY]: (request) =>
        request.query.get('cursor') === 'cursor-2'
          ? json(200, { items: [third] })
          : json(200, { items: [first, second], nextCursor: 'cursor-2' }),
    });
    const { user } = renderHome();
    const table = await findActivityTable();
    expect(bodyRows(table).map((cells) => cells[1])).toEqual(['Signed in', 'Signed out']);

    await user.click(screen.getByRole('button', { name: 'Show more' }));

    await waitFor(() =>
      expect(bodyRows(table).map((cells) => cells[1])).toEqual(['Signed in', 'Signed out', 'Signed up']),
    );
    const activity = sent(requests, ACTIVITY);
    expect(activity).toHaveLength(2);
    expect(Object.fromEntries(activity[1]?.query ?? [])).toEqual({ limit: '10', cursor: 'cursor-2' });
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
  });

  it('shows the problem when the activity cannot be loaded, and tries again', async () => {
    let calls = 0;
    homeRoutes({
      [ACTIVITY]: () => {
        calls += 1;
        return calls === 1
          ? problem(503, { title: 'Service Unavailable', detail: 'The audit log is unavailable.' })
          : json(200, sampleActivity);
      },
    });
    const { user } = renderHome();

    const activity = await screen.findByRole('region', { name: 'Recent activity' });
    const alert = await within(activity).findByRole('alert');
    expect(alert).toHaveTextContent('Activity could not be loaded');
    expect(alert).toHaveTextContent('Service Unavailable: The audit log is unavailable.');
    expect(within(activity).queryByRole('table')).not.toBeInTheDocument();

    await user.click(within(activity).getByRole('button', { name: 'Try again' }));
    expect(await findActivityTable()).toBeInTheDocument();
    expect(within(activity).queryByRole('alert')).not.toBeInTheDocument();
  });

  describe('Download CSV', () => {
    const csv = 'Time,User,Action,Target,Outcome,Reason,Source IP\r\n2025-01-15T10:00:00Z,ada@example.com,partner.signUp,prt_1,success,,198.51.100.20\r\n';
    const createObjectURL = vi.fn<(blob: Blob) => string>(() => 'blob:http://localhost/activity');
    const revokeObjectURL = vi.fn();
    // jsdom has no object URLs; the stand-ins are removed again after each test.
    const originals = (['createObjectURL', 'revokeObjectURL'] as const).map(
      (name) => [name, Object.getOwnPropertyDescriptor(URL, name)] as const,
    );

    beforeEach(() => {
      createObjectURL.mockClear();
      revokeObjectURL.mockClear();
      Object.assign(URL, { createObjectURL, revokeObjectURL });
    });

    afterEach(() => {
      for (const [name, descriptor] of originals) {
        if (descriptor) Object.defineProperty(URL, name, descriptor);
        else Reflect.deleteProperty(URL, name);
      }
    });

    it('fetches text/csv with the bearer token and saves it as activity.csv', async () => {
      const saved: { href: string; download: string }[] = [];
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        saved.push({ href: this.href, download: this.download });
      });
      const { requests } = homeRoutes({
        [ACTIVITY]: (request) =>
          request.headers.get('Accept') === 'text/csv'
            ? new Response(csv, {
                status: 200,
                headers: {
                  'Content-Type': 'text/csv; charset=utf-8',
                  'Content-Disposition': 'attachment; filename="activity.csv"',
                },
              })
            : json(200, sampleActivity),
      });
      const { user } = renderHome();
      await findActivityTable();

      await user.click(screen.getByRole('button', { name: 'Download CSV' }));

      await waitFor(() => expect(saved).toEqual([{ href: 'blob:http://localhost/activity', download: 'activity.csv' }]));
      const download = sent(requests, ACTIVITY)[1];
      expect(download?.headers.get('Accept')).toBe('text/csv');
      expect(download?.headers.get('Authorization')).toBe('Bearer access-token-1');

      expect(createObjectURL).toHaveBeenCalledTimes(1);
      const blob = createObjectURL.mock.calls[0]?.[0];
      expect(blob?.type).toMatch(/^text\/csv/);
      await expect(blob?.text()).resolves.toBe(csv);
      await waitFor(() => expect(revokeObjectURL).toHaveBeenCalledWith('blob:http://localhost/activity'));
      expect(document.querySelector('a[download]')).toBeNull();
      expect(localStorage.length).toBe(0);
      expect(sessionStorage.length).toBe(0);
    });

    it('shows the problem when the download fails', async () => {
      const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
      homeRoutes({
        [ACTIVITY]: (request) =>
          request.headers.get('Accept') === 'text/csv'
            ? problem(429, { title: 'Too Many Requests', detail: 'Try again in a minute.' })
            : json(200, sampleActivity),
      });
      const { user } = renderHome();
      await findActivityTable();

      await user.click(screen.getByRole('button', { name: 'Download CSV' }));

      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('The CSV could not be downloaded');
      expect(alert).toHaveTextContent('Too Many Requests: Try again in a minute.');
      expect(createObjectURL).not.toHaveBeenCalled();
      expect(click).not.toHaveBeenCalled();
    });
  });
});

describe('Home: Quick Tasks', () => {
  it('links each task that exists to its page; Import opens the import dialog', async () => {
    homeRoutes({
      'GET /api/v1/catalog': () =>
        json(200, { products: [], productTypes: [], trialDays: 60, trialSeats: 50, maxSeats: 100000 }),
      [CUSTOMERS]: () => json(200, { items: [] }),
    });
    const { user } = renderHome();
    const tasks = await screen.findByTestId('widget-quickTasks');
    expect(tasks).toHaveAccessibleName('Quick Tasks');
    expect(within(tasks).getByRole('link', { name: 'Add a customer' })).toHaveAttribute('href', '/customers/new');
    expect(within(tasks).getByRole('link', { name: "Manage the customer's product" })).toHaveAttribute(
      'href',
      '/customers?management=partnerManaged,coManaged',
    );
    expect(within(tasks).getByRole('link', { name: 'Offline computers' })).toHaveAttribute(
      'href',
      '/statistics/deployment?range=24h#offline',
    );
    expect(await within(tasks).findByTestId('quick-offline-count')).toHaveTextContent('(3)');
    // No automatic report schedules: nothing to link to.
    expect(within(tasks).queryByTestId('quick-latest-weekly')).not.toBeInTheDocument();
    expect(within(tasks).queryByTestId('quick-latest-monthly')).not.toBeInTheDocument();
    expect(within(tasks).getByTestId('activate-serial-open')).toBeInTheDocument();
    await user.click(within(tasks).getByTestId('quick-import-customer'));
    expect(await screen.findByRole('dialog', { name: /Import/ })).toBeInTheDocument();
  });

  it('opens the latest automatic report in a new window, and says when the first one comes', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { requests } = homeRoutes({
      [SCHEDULES]: () =>
        json(200, {
          items: [
            // A partner's own weekly schedule is not one of the automatic reports.
            { ...dailySchedule, id: 'sch_9', frequency: 'weekly', lastReportId: 'rpt_9' },
            { ...automaticWeekly, lastReportId: 'rpt_2' },
            automaticMonthly,
          ],
        }),
      'GET /api/v1/reports/rpt_2': () => json(200, readyReport),
      'GET /api/v1/reports/rpt_2/files/html': () =>
        json(200, { url: 'https://files.example/rpt_2.html?sig=a', expiresAt: '2026-03-10T10:05:00Z' }),
    });
    const { user } = renderHome();
    const tasks = await screen.findByTestId('widget-quickTasks');

    const weekly = await within(tasks).findByRole('button', { name: 'Latest MSP Executive Summary' });
    const monthly = within(tasks).getByRole('button', { name: 'Latest Service Utilization and Billing report' });
    expect(weekly).toBeEnabled();
    expect(monthly).toBeDisabled();
    expect(monthly.parentElement).toHaveTextContent('Latest Service Utilization and Billing report (first one on the 1st)');
    expect(weekly.parentElement).toHaveTextContent(/^Latest MSP Executive Summary$/);

    await user.click(weekly);
    await waitFor(() => expect(open).toHaveBeenCalledWith('https://files.example/rpt_2.html?sig=a', '_blank', 'noopener'));
    expect(requests.filter((request) => request.path.startsWith('/api/v1/reports/')).map((request) => request.path)).toEqual([
      '/api/v1/reports/rpt_2',
      '/api/v1/reports/rpt_2/files/html',
    ]);
    expect(sent(requests, SCHEDULES)[0]?.headers.get('Authorization')).toBe('Bearer access-token-1');
  });

  it('shows each automatic report disabled until it first ran, and says when the latest is gone', async () => {
    homeRoutes({ [SCHEDULES]: () => json(200, { items: [automaticWeekly, automaticMonthly] }) });
    const { unmount } = renderHome();
    const tasks = await screen.findByTestId('widget-quickTasks');
    const weekly = await within(tasks).findByTestId('quick-latest-weekly');
    expect(weekly).toBeDisabled();
    expect(weekly.parentElement).toHaveTextContent('Latest MSP Executive Summary (first one on Monday)');
    expect(within(tasks).getByTestId('quick-latest-monthly')).toBeDisabled();
    unmount();

    homeRoutes({
      [SCHEDULES]: () => json(200, { items: [{ ...automaticMonthly, lastReportId: 'rpt_7' }] }),
      'GET /api/v1/reports/rpt_7': () => problem(404, { title: 'Not Found', detail: 'No such report.' }),
    });
    const { user } = renderHome();
    const again = await screen.findByTestId('widget-quickTasks');
    const monthly = await within(again).findByTestId('quick-latest-monthly');
    // The weekly schedule was deleted: no item for it.
    expect(within(again).queryByTestId('quick-latest-weekly')).not.toBeInTheDocument();
    await user.click(monthly);
    const alert = await within(again).findByRole('alert');
    expect(alert).toHaveTextContent('The Service Utilization and Billing report could not be opened');
    expect(alert).toHaveTextContent('No such report.');
  });

  it('shows a latest report still being made on the Reports page', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    homeRoutes({
      [SCHEDULES]: () => json(200, { items: [{ ...automaticWeekly, lastReportId: 'rpt_3' }] }),
      'GET /api/v1/reports/rpt_3': () => json(200, processingReport),
      'GET /api/v1/reports': () => json(200, reportPage([processingReport])),
    });
    const { user } = renderHome();
    await user.click(await screen.findByTestId('quick-latest-weekly'));
    expect(await screen.findByRole('heading', { name: 'Reports', level: 1 })).toBeInTheDocument();
    expect(await screen.findByText('March endpoints')).toBeInTheDocument();
    expect(open).not.toHaveBeenCalled();
  });

  it('offers only what the role allows', async () => {
    homeRoutes();
    renderHome(customRoleMe);
    const tasks = await screen.findByTestId('widget-quickTasks');
    expect(tasks).toHaveAccessibleName('Quick Tasks');
    expect(within(tasks).queryByRole('link', { name: 'Add a customer' })).not.toBeInTheDocument();
    expect(within(tasks).queryByTestId('quick-import-customer')).not.toBeInTheDocument();
    expect(within(tasks).queryByTestId('activate-serial-open')).not.toBeInTheDocument();
    expect(within(tasks).getByRole('link', { name: 'Activate a product or trial' })).toBeInTheDocument();
    expect(screen.getByTestId('role-name')).toHaveTextContent('Help desk');
  });

  it('has no serial number to activate once the partner is in ExSP, and My Profile says so', async () => {
    homeRoutes();
    renderHome(exspMe);
    const tasks = await screen.findByTestId('widget-quickTasks');
    expect(tasks).toHaveAccessibleName('Quick Tasks');
    expect(within(tasks).queryByTestId('activate-serial-open')).not.toBeInTheDocument();
    expect(screen.getByTestId('exsp-status')).toHaveTextContent('ExSP program: active');
    expect(screen.getByTestId('program-name')).toHaveTextContent('ExSP');
  });
});

describe('Home: widgets', () => {
  it('shows the ten widgets of Table 1-1 in the stored order, without the removed ones', async () => {
    const stored = {
      widgets: ['myProducts', 'customerIssues', 'myProfile', 'quickTasks', 'productDeployment', 'riskActivity', 'intrusionPrevention', 'threatsSummary'],
      hidden: ['newsAlerts', 'endpointProtection'],
    };
    homeRoutes({ [LAYOUT]: () => json(200, stored) });
    renderHome();
    await findWidget('myProducts');
    expect(shownWidgets()).toEqual(stored.widgets);
    expect(screen.getByRole('region', { name: 'My Products' })).toBeInTheDocument();
    expect(screen.queryByTestId('widget-newsAlerts')).not.toBeInTheDocument();
  });

  it('shows every widget by default, each with its title, its more link and a Remove button', async () => {
    homeRoutes();
    renderHome();
    await findWidget('customerIssues');
    expect(shownWidgets()).toEqual(defaultLayoutAnswer.widgets);
    const titles = within(screen.getByTestId('widgets'))
      .getAllByRole('heading', { level: 2 })
      .map((heading) => heading.textContent);
    expect(titles).toEqual([
      'Customer Issues',
      'My Profile',
      'Quick Tasks',
      'Product Deployment',
      'Virus and Risk Activity',
      'Intrusion Prevention',
      'Threats Summary',
      'News Alerts',
      'Endpoint Protection',
      'My Products',
    ]);
    const more = (id: string) => screen.getByTestId(`widget-${id}-more`).getAttribute('href');
    expect(more('productDeployment')).toBe('/statistics/deployment?range=7d');
    expect(more('riskActivity')).toBe('/statistics/endpoint?range=7d');
    expect(more('intrusionPrevention')).toBe('/statistics/endpoint?range=7d');
    expect(more('newsAlerts')).toBe('/news');
    expect(more('myProducts')).toBe('/products');
    expect(more('customerIssues')).toBe('/customers');
    expect(screen.getByTestId('widget-newsAlerts-more')).toHaveAccessibleName('More on News Alerts');
    expect(screen.getByRole('button', { name: 'Remove Threats Summary' })).toBeInTheDocument();
    expect(screen.getByTestId('widget-myProducts-handle')).toHaveAttribute('draggable', 'true');
  });

  it('shows the figures of the dashboard', async () => {
    homeRoutes();
    renderHome();
    await dashboardShown();

    // My Profile: the account and the partner's figures.
    expect(screen.getByTestId('company-name')).toHaveTextContent('Analytical Engines Ltd');
    expect(screen.getByTestId('user-email')).toHaveTextContent('ada@example.com');
    expect(screen.getByTestId('profile-total-installed')).toHaveTextContent('180');
    expect(screen.getByTestId('profile-customers')).toHaveTextContent(
      '8Partner Managed: 3Customer Managed: 2Co-Managed: 3',
    );
    expect(screen.getByTestId('profile-licenses')).toHaveTextContent('Paid: 5Trial: 4');

    // The activity widgets over the last 7 days.
    expect(screen.getByTestId('deployment-total')).toHaveTextContent('180');
    expect(screen.getByTestId('deployment-installed')).toHaveTextContent('14');
    expect(screen.getByTestId('risk-blocked')).toHaveTextContent('35');
    expect(screen.getByTestId('risk-detections')).toHaveTextContent('57');
    expect(screen.getByTestId('intrusion-count')).toHaveTextContent('28');
    expect(within(screen.getByTestId('widget-riskActivity')).getByRole('img')).toHaveAccessibleName(
      /^Virus and risk detections, 7 days/,
    );

    // Endpoint Protection.
    const endpoint = screen.getByTestId('widget-endpointProtection');
    expect(within(endpoint).getByTestId('endpoint-protected')).toHaveTextContent('171');
    expect(within(endpoint).getByTestId('endpoint-agent-update')).toHaveTextContent('7');
    expect(within(endpoint).getByTestId('endpoint-offline')).toHaveTextContent('3');
    expect(within(endpoint).getByTestId('endpoint-risks-blocked')).toHaveTextContent('1,240');
    expect(within(endpoint).getByTestId('endpoint-infectious')).toHaveTextContent('6');

    // Threats Summary.
    const threats = screen.getByTestId('widget-threatsSummary');
    expect(within(threats).getByTestId('threatcon-level')).toHaveTextContent('2: Elevated');
    expect(within(threats).getByTestId('threats-title')).toHaveTextContent('Elevated: a worm spreads');
    const link = within(threats).getByRole('link', { name: /W32\.Sharecrawl/ });
    expect(link).toHaveAttribute('href', 'https://threats.example.com/w32-sharecrawl');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(within(threats).getAllByRole('row').map((row) => row.textContent)).toEqual([
      'SeverityNameTypeProtected',
      'HighW32.Sharecrawl (opens in a new tab)WormProtected',
      'MediumTrojan.Invoicer (opens in a new tab)TrojanNot protected',
    ]);

    // News Alerts: the two newest.
    const news = screen.getByTestId('widget-newsAlerts');
    expect(within(news).getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual([
      'Agent 14.3 released',
      'Maintenance on Sunday',
    ]);

    // My Products.
    expect(
      within(screen.getByTestId('my-products-table'))
        .getAllByTestId('my-products-row')
        .map((row) => row.textContent),
    ).toEqual(['Endpoint Protection Cloud43220', 'Email Security.cloud1125']);
  });

  it('slices the charts by the range chosen on each widget', async () => {
    homeRoutes();
    const { user } = renderHome();
    await dashboardShown();
    const deployment = screen.getByTestId('widget-productDeployment');
    const dataRows = () => within(deployment).getAllByRole('row', { hidden: true }).length - 1;
    expect(dataRows()).toBe(7);

    await user.selectOptions(within(deployment).getByRole('combobox', { name: 'Period' }), 'Last 24 hours');
    expect(screen.getByTestId('deployment-installed')).toHaveTextContent('24');
    expect(dataRows()).toBe(24);
    expect(within(deployment).getByRole('img')).toHaveAccessibleName(/^Computers deployed, 24 hours/);
    expect(screen.getByTestId('widget-productDeployment-more')).toHaveAttribute('href', '/statistics/deployment?range=24h');

    await user.selectOptions(screen.getByTestId('widget-productDeployment-range'), '3m');
    expect(screen.getByTestId('deployment-installed')).toHaveTextContent('184');
    expect(dataRows()).toBe(92);

    // The other widgets keep their own range.
    expect(screen.getByTestId('risk-blocked')).toHaveTextContent('35');
    await user.selectOptions(screen.getByTestId('widget-riskActivity-range'), '30d');
    expect(screen.getByTestId('risk-blocked')).toHaveTextContent('150');
    await user.selectOptions(screen.getByTestId('widget-intrusionPrevention-range'), '24h');
    expect(screen.getByTestId('intrusion-count')).toHaveTextContent('48');
  });

  it('sorts Customer Issues by severity, customer type and date, and filters them by date', async () => {
    homeRoutes();
    const { user } = renderHome();
    await dashboardShown();
    const table = screen.getByTestId('issues-table');
    const names = () => within(table).getAllByTestId('issue-row').map((row) => within(row).getByRole('link').textContent);
    expect(names()).toEqual(['Babbage Bakery', 'Acme Dental', 'Curie Clinic']);
    // Each row leads to the customer's open alerts; its issues are the open alerts by kind.
    expect(within(table).getByRole('link', { name: 'Acme Dental' })).toHaveAttribute(
      'href',
      '/alerts?customer=cus_1&status=open',
    );
    expect(within(table).getAllByTestId('issue-row')[1]).toHaveTextContent(
      'Acme DentalPartner ManagedErrorUnresolved risk (3)Computer offline (1)',
    );
    expect(within(table).getAllByTestId('issue-row')[0]).toHaveTextContent('Agent update required (2)');
    expect(within(table).getAllByTestId('issue-row')[2]).toHaveTextContent('Consent approved (1)');
    expect(within(within(table).getAllByTestId('issue-row')[1]!).getByText('Error')).toHaveClass('severity--error');

    await user.click(screen.getByTestId('issues-sort-severity'));
    expect(names()).toEqual(['Acme Dental', 'Babbage Bakery', 'Curie Clinic']);
    expect(screen.getByTestId('issues-sort-severity').closest('th')).toHaveAttribute('aria-sort', 'ascending');
    await user.click(screen.getByTestId('issues-sort-severity'));
    expect(names()).toEqual(['Curie Clinic', 'Babbage Bakery', 'Acme Dental']);

    await user.click(screen.getByTestId('issues-sort-management'));
    expect(names()).toEqual(['Babbage Bakery', 'Curie Clinic', 'Acme Dental']);

    await user.click(screen.getByTestId('issues-sort-date'));
    expect(names()).toEqual(['Babbage Bakery', 'Acme Dental', 'Curie Clinic']);
    await user.click(screen.getByTestId('issues-sort-date'));
    expect(names()).toEqual(['Curie Clinic', 'Acme Dental', 'Babbage Bakery']);

    fireEvent.change(screen.getByTestId('issues-from'), { target: { value: '2025-02-01' } });
    expect(names()).toEqual(['Acme Dental', 'Babbage Bakery']);
    fireEvent.change(screen.getByTestId('issues-to'), { target: { value: '2025-02-28' } });
    expect(names()).toEqual(['Acme Dental']);
    fireEvent.change(screen.getByTestId('issues-from'), { target: { value: '2025-03-01' } });
    fireEvent.change(screen.getByTestId('issues-to'), { target: { value: '2025-03-01' } });
    expect(screen.getByText('No customer issues between these dates.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Any date' }));
    expect(within(screen.getByTestId('issues-table')).getAllByTestId('issue-row')).toHaveLength(3);
  });

  it('says what is missing when no computer reports, nothing is published and nobody needs attention', async () => {
    homeRoutes({ [DASHBOARD]: () => json(200, emptyDashboard) });
    renderHome();
    await dashboardShown();
    expect(within(screen.getByTestId('widget-productDeployment')).getByText('No computers report yet.')).toBeInTheDocument();
    expect(within(screen.getByTestId('widget-riskActivity')).getByText('No computers report yet.')).toBeInTheDocument();
    expect(within(screen.getByTestId('widget-intrusionPrevention')).getByText('No computers report yet.')).toBeInTheDocument();
    expect(within(screen.getByTestId('widget-endpointProtection')).getByText('No computers report yet.')).toBeInTheDocument();
    expect(screen.getByTestId('endpoint-protected')).toHaveTextContent('0');
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByTestId('threats-empty')).toHaveTextContent('No threat level has been published yet.');
    expect(screen.getByText('No customer needs your attention.')).toBeInTheDocument();
    expect(screen.getByText('No news yet.')).toBeInTheDocument();
    expect(screen.getByText('No trials or subscriptions yet.')).toBeInTheDocument();
  });

  it('shows the problem when the dashboard cannot be loaded, and tries again', async () => {
    let calls = 0;
    homeRoutes({
      [DASHBOARD]: () => {
        calls += 1;
        return calls === 1 ? problem(503, { title: 'Service Unavailable' }) : json(200, sampleDashboard);
      },
    });
    const { user } = renderHome();
    const alert = await screen.findByTestId('dashboard-problem');
    expect(alert).toHaveTextContent('The dashboard could not be loaded');
    expect(alert).toHaveTextContent('Service Unavailable');
    expect(within(screen.getByTestId('widget-endpointProtection')).getByText(/Not available/)).toBeInTheDocument();
    // What the session knows stays.
    expect(screen.getByTestId('company-name')).toHaveTextContent('Analytical Engines Ltd');

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await dashboardShown();
    expect(screen.queryByTestId('dashboard-problem')).not.toBeInTheDocument();
  });
});

describe('Home: the Display filter', () => {
  const customers = {
    items: [
      {
        id: 'cus_1',
        name: 'Acme Dental',
        management: 'partnerManaged',
        products: [],
        createdAt: '2025-02-01T10:00:00Z',
      },
    ],
  };

  it('shows one customer in the customer-specific widgets; Customer Issues, Threats and News stay partner-wide', async () => {
    const { requests } = homeRoutes({
      [DASHBOARD]: (request) => json(200, request.query.get('customer') === 'cus_1' ? acmeDashboard : sampleDashboard),
      [CUSTOMERS]: () => json(200, customers),
    });
    const { user } = renderHome();
    await dashboardShown();
    const issuesBefore = screen.getByTestId('issues-table').textContent;
    const threatsBefore = screen.getByTestId('widget-threatsSummary').querySelector('.widget__body')?.textContent;
    const newsBefore = screen.getByTestId('news-snippets').textContent;
    expect(screen.getByTestId('endpoint-protected')).toHaveTextContent('171');

    const filter = screen.getByRole('combobox', { name: 'Display' });
    await user.type(filter, 'acme');
    const option = await screen.findByRole('option', { name: /Acme Dental/ });
    const search = sent(requests, CUSTOMERS).at(-1);
    expect(search?.query.get('q')).toBe('acme');
    await user.click(option);

    await waitFor(() => expect(screen.getByTestId('endpoint-protected')).toHaveTextContent('38'));
    const dashboards = sent(requests, DASHBOARD);
    expect(dashboards.map((request) => request.query.get('customer'))).toEqual([null, 'cus_1']);
    expect(filter).toHaveValue('Acme Dental');

    // Customer-specific widgets say whose figures they show.
    expect(within(screen.getByTestId('widget-productDeployment')).getByText('Acme Dental')).toBeInTheDocument();
    expect(screen.getByTestId('deployment-total')).toHaveTextContent('41');
    expect(screen.getByTestId('widget-productDeployment-more')).toHaveAttribute(
      'href',
      '/statistics/deployment?range=7d&customer=cus_1',
    );
    expect(screen.getByTestId('quick-offline-count')).toHaveTextContent('(1)');
    expect(screen.getByTestId('quick-offline')).toHaveAttribute(
      'href',
      '/statistics/deployment?range=24h&customer=cus_1#offline',
    );

    // The partner-wide ones say so, and show the same as before.
    for (const id of ['customerIssues', 'threatsSummary', 'newsAlerts']) {
      expect(within(screen.getByTestId(`widget-${id}`)).getByText('All customers')).toBeInTheDocument();
    }
    expect(screen.getByTestId('issues-table').textContent).toBe(issuesBefore);
    expect(screen.getByTestId('widget-threatsSummary').querySelector('.widget__body')?.textContent).toBe(threatsBefore);
    expect(screen.getByTestId('news-snippets').textContent).toBe(newsBefore);

    // My Profile adds the customer.
    const chosen = screen.getByTestId('profile-customer');
    expect(within(chosen).getByRole('link', { name: 'Acme Dental' })).toHaveAttribute('href', '/customers/cus_1');
    expect(chosen).toHaveTextContent('Partner Managed');
    expect(chosen).toHaveTextContent('Endpoint Protection Cloud Paid 50 seats');
    expect(screen.getByTestId('profile-customer-seats')).toHaveTextContent('41 of 75');
    expect(screen.getByTestId('profile-total-installed')).toHaveTextContent('180');

    // Back to all customers.
    await user.click(screen.getByRole('button', { name: 'Show all customers' }));
    await waitFor(() => expect(screen.getByTestId('endpoint-protected')).toHaveTextContent('171'));
    expect(screen.queryByTestId('profile-customer')).not.toBeInTheDocument();
    expect(within(screen.getByTestId('widget-customerIssues')).queryByText('All customers')).not.toBeInTheDocument();
  });

  it('chooses with the keyboard and opens with the customer in the address', async () => {
    const { requests } = homeRoutes({
      [DASHBOARD]: (request) => json(200, request.query.get('customer') === 'cus_1' ? acmeDashboard : sampleDashboard),
      [CUSTOMERS]: () => json(200, customers),
    });
    const { user, unmount } = renderHome();
    await dashboardShown();
    const filter = screen.getByRole('combobox', { name: 'Display' });
    await user.click(filter);
    await screen.findByRole('option', { name: /Acme Dental/ });
    expect(filter).toHaveAttribute('aria-expanded', 'true');
    await user.keyboard('{ArrowDown}{Enter}');
    await waitFor(() => expect(screen.getByTestId('endpoint-protected')).toHaveTextContent('38'));
    expect(filter).toHaveAttribute('aria-expanded', 'false');
    unmount();

    renderHome(sampleMe, '/?customer=cus_1');
    await waitFor(() => expect(screen.getByTestId('endpoint-protected')).toHaveTextContent('38'));
    expect(screen.getByRole('combobox', { name: 'Display' })).toHaveValue('Acme Dental');
    expect(sent(requests, DASHBOARD).at(-1)?.query.get('customer')).toBe('cus_1');
  });

  it('says when the chosen customer is not available', async () => {
    homeRoutes({
      [DASHBOARD]: (request) =>
        request.query.get('customer') === null
          ? json(200, sampleDashboard)
          : problem(404, { title: 'Not Found', detail: 'No such customer.' }),
    });
    const { user } = renderHome(sampleMe, '/?customer=cus_9');
    const alert = await screen.findByTestId('dashboard-problem');
    expect(alert).toHaveTextContent('This customer is not available');
    await user.click(within(alert).getByRole('button', { name: 'Show all customers' }));
    await dashboardShown();
    expect(screen.queryByTestId('dashboard-problem')).not.toBeInTheDocument();
  });
});

describe('Home: the layout', () => {
  function layoutRoutes(save: (request: RecordedRequest) => Response = (request) => json(200, request.body)) {
    return homeRoutes({ [SAVE_LAYOUT]: save });
  }

  function lastSaved(requests: RecordedRequest[]) {
    return sent(requests, SAVE_LAYOUT).at(-1)?.body as { widgets: string[]; hidden: string[] } | undefined;
  }

  it('removes a widget, adds it back at the end, and saves each change', async () => {
    const { requests } = layoutRoutes();
    const { user } = renderHome();
    await findWidget('newsAlerts');
    expect(screen.getByTestId('add-widgets-open')).toBeDisabled();
    expect(screen.getByTestId('reset-layout')).toBeDisabled();

    await user.click(screen.getByTestId('widget-newsAlerts-remove'));
    expect(screen.queryByTestId('widget-newsAlerts')).not.toBeInTheDocument();
    await waitFor(() => expect(sent(requests, SAVE_LAYOUT)).toHaveLength(1));
    expect(lastSaved(requests)).toEqual({
      widgets: defaultLayoutAnswer.widgets.filter((id) => id !== 'newsAlerts'),
      hidden: ['newsAlerts'],
    });
    await waitFor(() => expect(screen.getByTestId('add-widgets-open')).toHaveFocus());
    expect(screen.getByTestId('layout-announcement')).toHaveTextContent('News Alerts removed.');

    await user.click(screen.getByTestId('add-widgets-open'));
    await user.click(screen.getByTestId('add-widget-newsAlerts'));
    await waitFor(() => expect(sent(requests, SAVE_LAYOUT)).toHaveLength(2));
    expect(lastSaved(requests)).toEqual({
      widgets: [...defaultLayoutAnswer.widgets.filter((id) => id !== 'newsAlerts'), 'newsAlerts'],
      hidden: [],
    });
    expect(shownWidgets().at(-1)).toBe('newsAlerts');
    await waitFor(() => expect(screen.getByTestId('widget-newsAlerts')).toHaveFocus());

    await user.click(screen.getByTestId('reset-layout'));
    await waitFor(() => expect(sent(requests, SAVE_LAYOUT)).toHaveLength(3));
    expect(lastSaved(requests)).toEqual(defaultLayoutAnswer);
    expect(shownWidgets()).toEqual(defaultLayoutAnswer.widgets);
  });

  it('moves a widget up and down with its buttons, keeping focus on the button', async () => {
    const { requests } = layoutRoutes();
    const { user } = renderHome();
    await findWidget('myProfile');
    expect(screen.getByTestId('widget-customerIssues-up')).toHaveAttribute('aria-disabled', 'true');

    await user.click(screen.getByTestId('widget-myProfile-up'));
    expect(shownWidgets().slice(0, 2)).toEqual(['myProfile', 'customerIssues']);
    await waitFor(() => expect(lastSaved(requests)?.widgets.slice(0, 3)).toEqual(['myProfile', 'customerIssues', 'quickTasks']));
    expect(screen.getByTestId('widget-myProfile-up')).toHaveFocus();
    expect(screen.getByTestId('widget-myProfile-up')).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId('layout-announcement')).toHaveTextContent('My Profile moved to position 1 of 10.');

    await user.click(screen.getByTestId('widget-myProfile-down'));
    await user.click(screen.getByTestId('widget-myProfile-down'));
    await waitFor(() => expect(sent(requests, SAVE_LAYOUT)).toHaveLength(3));
    expect(lastSaved(requests)?.widgets.slice(0, 3)).toEqual(['customerIssues', 'quickTasks', 'myProfile']);
    expect(screen.getByTestId('widget-myProfile-down')).toHaveFocus();
  });

  it('moves a widget by dragging its handle onto another widget', async () => {
    const { requests } = layoutRoutes();
    renderHome();
    await findWidget('myProducts');
    const data = new Map<string, string>();
    const dataTransfer = {
      types: ['application/x-partner-console-widget', 'text/plain'],
      setData: (type: string, value: string) => data.set(type, value),
      getData: (type: string) => data.get(type) ?? '',
      effectAllowed: 'all',
      dropEffect: 'none',
    };

    fireEvent.dragStart(screen.getByTestId('widget-myProducts-handle'), { dataTransfer });
    expect(data.get('application/x-partner-console-widget')).toBe('myProducts');
    const target = screen.getByTestId('widget-myProfile');
    fireEvent.dragEnter(target, { dataTransfer });
    fireEvent.dragOver(target, { dataTransfer });
    expect(target).toHaveClass('widget--drop-target');
    fireEvent.drop(target, { dataTransfer });
    fireEvent.dragEnd(screen.getByTestId('widget-myProducts-handle'), { dataTransfer });

    expect(shownWidgets().slice(0, 3)).toEqual(['customerIssues', 'myProducts', 'myProfile']);
    await waitFor(() => expect(sent(requests, SAVE_LAYOUT)).toHaveLength(1));
    expect(lastSaved(requests)?.widgets).toEqual([
      'customerIssues',
      'myProducts',
      'myProfile',
      'quickTasks',
      'productDeployment',
      'riskActivity',
      'intrusionPrevention',
      'threatsSummary',
      'newsAlerts',
      'endpointProtection',
    ]);
    expect(target).not.toHaveClass('widget--drop-target');
  });

  it('puts the layout back and says why when the server refuses a change', async () => {
    const { requests } = layoutRoutes(() => problem(503, { title: 'Service Unavailable', detail: 'Try again later.' }));
    const { user } = renderHome();
    await findWidget('threatsSummary');

    await user.click(screen.getByTestId('widget-threatsSummary-remove'));
    const alert = await screen.findByTestId('layout-problem');
    expect(alert).toHaveTextContent('Your layout could not be saved, so the change was undone');
    expect(alert).toHaveTextContent('Service Unavailable: Try again later.');
    expect(shownWidgets()).toEqual(defaultLayoutAnswer.widgets);
    expect(sent(requests, SAVE_LAYOUT)).toHaveLength(1);
    expect(screen.getByTestId('layout-announcement')).toHaveTextContent('The layout could not be saved');

    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('layout-problem')).not.toBeInTheDocument();
  });

  it('shows the default layout when the stored one cannot be loaded, and one unknown to it in full', async () => {
    homeRoutes({ [LAYOUT]: () => problem(503, { title: 'Service Unavailable' }) });
    const { unmount } = renderHome();
    expect(await screen.findByText('Your layout could not be loaded: the default layout is shown')).toBeInTheDocument();
    expect(shownWidgets()).toEqual(defaultLayoutAnswer.widgets);
    unmount();

    homeRoutes({ [LAYOUT]: () => json(200, { widgets: ['myProducts', 'weather'], hidden: ['customerIssues'] }) });
    renderHome();
    await findWidget('myProducts');
    expect(shownWidgets()).toEqual([
      'myProducts',
      'myProfile',
      'quickTasks',
      'productDeployment',
      'riskActivity',
      'intrusionPrevention',
      'threatsSummary',
      'newsAlerts',
      'endpointProtection',
    ]);
  });
});
