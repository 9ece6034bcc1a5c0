import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { sampleUsers } from '../../admin/fixtures';
import type { MeResponse } from '../../api/client';
import { tokenStore } from '../../auth/tokenStore';
import { customRoleMe } from '../../customers/fixtures';
import { formatDateTime } from '../../customers/labels';
import { renderAt } from '../../statistics/testing';
import { json, mockFetch, problem, sampleMe, type RecordedRequest } from '../../test/fetchMock';
import { dailySchedule, deletingSchedule, sampleSchedules, sampleTemplates, scheduleAnswer } from '../fixtures';
import type { ReportSchedule, ScheduleRequest } from '../types';

const LIST = 'GET /api/v1/report-schedules';
const ADD = 'POST /api/v1/report-schedules';

function routes(extra: Parameters<typeof mockFetch>[0] = {}, schedules: ReportSchedule[] = sampleSchedules) {
  return mockFetch({
    [LIST]: () => json(200, { items: schedules }),
    'GET /api/v1/report-templates': () => json(200, { items: sampleTemplates }),
    'GET /api/v1/users': () => json(200, { items: sampleUsers }),
    ...extra,
  });
}

function rows(): HTMLElement[] {
  return screen.getAllByTestId('schedule-row');
}

function row(id: string): HTMLElement {
  const found = rows().find((element) => element.dataset.scheduleId === id);
  if (!found) throw new Error(`No row for ${id}`);
  return found;
}

function sent(requests: RecordedRequest[], method: string): RecordedRequest[] {
  return requests.filter((request) => request.method === method && request.path.startsWith('/api/v1/report-schedules'));
}

async function openTab(me: MeResponse = sampleMe) {
  tokenStore.clear();
  const view = renderAt('/reports?tab=schedules', me);
  await screen.findByTestId('schedules-table');
  return view;
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Scheduled Reports tab', () => {
  it('lists the schedules with the columns of Table 3-3, and marks an automatic one and one being removed', async () => {
    routes();
    await openTab();
    const table = screen.getByTestId('schedules-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      '',
      'Schedule Name',
      'Report Template',
      'Format',
      'Schedule',
    ]);
    const cells = (id: string) => within(row(id)).getAllByRole('cell').slice(1).map((cell) => cell.textContent);
    expect(cells('sch_1')).toEqual([
      'Endpoints every morning',
      'Monthly endpoints',
      'PDF, CSV',
      `Daily, every day at 06:00 GMTnext ${formatDateTime(dailySchedule.nextRun ?? '')}`,
    ]);
    expect(cells('sch_2')).toEqual(['Weekly summaryAutomaticDeleting', 'MSP Executive Summary', 'PDF, HTML', 'Weekly, Mondays at 06:00 GMT']);
    expect(within(row('sch_2')).getByTestId('schedule-state')).toHaveAttribute(
      'title',
      'Marked for removal: it makes no more reports and is removed within minutes.',
    );
  });

  it('adds a schedule with the Add Report Schedule dialog', async () => {
    const { requests } = routes({
      [ADD]: (request) => {
        const body = request.body as ScheduleRequest;
        const made: ReportSchedule = {
          ...dailySchedule,
          id: 'sch_9',
          name: body.name,
          hour: body.hour,
          runs: 'Monthly, on the 1st at 23:00 GMT',
          state: 'active',
          version: 1,
        };
        return scheduleAnswer(made, 201);
      },
    });
    const { user } = await openTab();

    await user.click(screen.getByTestId('add-schedule'));
    const dialog = screen.getByRole('dialog', { name: 'Add Report Schedule' });
    expect(within(dialog).getByRole('textbox', { name: 'Schedule name' })).toHaveFocus();
    const hours = within(within(dialog).getByRole('combobox', { name: 'Starting at' })).getAllByRole('option');
    expect(hours).toHaveLength(25);
    expect([hours[1]?.textContent, hours[24]?.textContent]).toEqual(['00:00 GMT', '23:00 GMT']);
    expect(
      within(within(dialog).getByRole('combobox', { name: 'How Often' }))
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Select', 'Daily', 'Weekly', 'Monthly', 'Quarterly']);

    // Nothing chosen: each field says what it needs.
    await user.click(within(dialog).getByTestId('schedule-save'));
    expect(within(dialog).getByRole('textbox', { name: 'Schedule name' })).toHaveAccessibleDescription(
      expect.stringContaining('Enter a name for the schedule.') as string,
    );
    expect(within(dialog).getByRole('combobox', { name: 'Report Template' })).toHaveAccessibleDescription(
      'Save templates from the report wizard’s Format Selection step. Select a report template.',
    );
    expect(within(dialog).getByText('Select how often the report runs.')).toBeInTheDocument();
    expect(within(dialog).getByText('Select the hour it runs at.')).toBeInTheDocument();
    expect(sent(requests, 'POST')).toEqual([]);

    await user.type(within(dialog).getByRole('textbox', { name: 'Schedule name' }), 'Month end');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Report Template' }), 'Monthly endpoints');
    expect(within(dialog).getByRole('combobox', { name: 'Report Template' })).toHaveAccessibleDescription('Endpoint Summary in PDF, CSV.');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'How Often' }), 'Monthly');
    expect(within(dialog).getByText('On the 1st, for the month before.')).toBeInTheDocument();
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Starting at' }), '23:00 GMT');
    await user.click(within(dialog).getByRole('checkbox', { name: /Grace Hopper/ }));
    const addresses = within(dialog).getByRole('textbox', { name: /Other email addresses/ });
    expect(addresses).toBeDisabled();
    await user.click(within(dialog).getByRole('checkbox', { name: 'Email the report as an attached file' }));
    await user.type(addresses, 'owner@acme.example');
    await user.click(within(dialog).getByTestId('schedule-save'));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(sent(requests, 'POST')[0]?.body).toEqual({
      name: 'Month end',
      templateId: 'tpl_1',
      frequency: 'monthly',
      hour: 23,
      delivery: { users: ['usr_2'], emails: ['owner@acme.example'], attach: true },
    });
    expect(screen.getByText('“Month end” was added.')).toBeInTheDocument();
    expect(within(row('sch_9')).getByTestId('schedule-runs')).toHaveTextContent('Monthly, on the 1st at 23:00 GMT');
  });

  it('puts the API’s field errors on the dialog’s fields', async () => {
    routes({
      [ADD]: () =>
        problem(422, {
          title: 'Unprocessable Entity',
          errors: [
            { field: 'hour', message: 'must be an hour from 0 to 23 (GMT)' },
            { field: 'delivery.emails[0]', message: 'must be one address, without line breaks' },
            { field: 'schedule', message: 'is unknown' },
          ],
        }),
    });
    const { user } = await openTab();
    await user.click(screen.getByTestId('add-schedule'));
    const dialog = screen.getByRole('dialog', { name: 'Add Report Schedule' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Schedule name' }), 'Daily');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Report Template' }), 'Monthly endpoints');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'How Often' }), 'Daily');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Starting at' }), '06:00 GMT');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Email the report as an attached file' }));
    await user.type(within(dialog).getByRole('textbox', { name: /Other email addresses/ }), 'owner@acme.example');
    await user.click(within(dialog).getByTestId('schedule-save'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('schedule: is unknown');
    expect(within(dialog).getByRole('combobox', { name: 'Starting at' })).toHaveAccessibleDescription(
      'The time of day it runs, GMT. Starting at must be an hour from 0 to 23 (GMT).',
    );
    expect(within(dialog).getByRole('textbox', { name: /Other email addresses/ })).toHaveAccessibleDescription(
      expect.stringContaining('owner@acme.example must be one address, without line breaks.') as string,
    );
  });

  it('edits a schedule with If-Match, asks for a reload when it changed meanwhile, and shows why one cannot be changed yet', async () => {
    let version = 2;
    let settled = true;
    const { requests } = routes({
      'GET /api/v1/report-schedules/sch_1': () => scheduleAnswer({ ...dailySchedule, version }),
      'PUT /api/v1/report-schedules/sch_1': (request) => {
        if (!settled) {
          return problem(409, {
            title: 'Conflict',
            detail: 'The schedule is still being made or removed: try again in a few minutes.',
          });
        }
        if (request.headers.get('If-Match') !== `"${version}"`) return problem(412, { title: 'Precondition Failed' });
        const body = request.body as ScheduleRequest;
        return scheduleAnswer({ ...dailySchedule, hour: body.hour, runs: 'Daily, every day at 07:00 GMT', version: version + 1 });
      },
    });
    const { user } = await openTab();

    await user.click(within(row('sch_1')).getByRole('button', { name: 'Endpoints every morning' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Report Schedule' });
    const name = await within(dialog).findByRole('textbox', { name: 'Schedule name' });
    expect(name).toHaveValue('Endpoints every morning');
    expect(within(dialog).getByRole('combobox', { name: 'Report Template' })).toHaveValue('tpl_1');
    expect(within(dialog).getByRole('combobox', { name: 'How Often' })).toHaveValue('daily');
    expect(within(dialog).getByRole('combobox', { name: 'Starting at' })).toHaveValue('6');
    expect(within(dialog).getByRole('checkbox', { name: /Grace Hopper/ })).toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'Email the report as an attached file' })).toBeChecked();
    expect(within(dialog).getByRole('textbox', { name: /Other email addresses/ })).toHaveValue('owner@acme.example');

    settled = false;
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Starting at' }), '07:00 GMT');
    await user.click(within(dialog).getByTestId('schedule-save'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The schedule is still being made or removed: try again in a few minutes.',
    );

    settled = true;
    version = 3;
    await user.click(within(dialog).getByTestId('schedule-save'));
    await waitFor(() =>
      expect(within(dialog).getByRole('alert')).toHaveTextContent(
        'It was changed by someone else since the page was loaded. Reload, then try again.',
      ),
    );
    await user.click(within(dialog).getByRole('button', { name: 'Reload schedule' }));
    await user.selectOptions(await within(dialog).findByRole('combobox', { name: 'Starting at' }), '07:00 GMT');
    await user.click(within(dialog).getByTestId('schedule-save'));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(within(row('sch_1')).getByTestId('schedule-runs')).toHaveTextContent('Daily, every day at 07:00 GMT');
    expect(screen.getByText('“Endpoints every morning” was saved.')).toBeInTheDocument();
    expect(sent(requests, 'PUT').map((request) => request.headers.get('If-Match'))).toEqual(['"2"', '"2"', '"3"']);
    expect(sent(requests, 'PUT')[2]?.body).toEqual({
      name: 'Endpoints every morning',
      templateId: 'tpl_1',
      frequency: 'daily',
      hour: 7,
      delivery: { users: ['usr_2'], emails: ['owner@acme.example'], attach: true },
    });
  });

  it('deletes the selected schedules, and shows the ones only marked for removal', async () => {
    let listed = sampleSchedules;
    const { requests } = routes({
      [LIST]: () => json(200, { items: listed }),
      'DELETE /api/v1/report-schedules/sch_1': () => {
        listed = [{ ...dailySchedule, state: 'deleting', nextRun: null }, deletingSchedule];
        return problem(503, {
          title: 'Service unavailable',
          detail: 'The schedule could not be removed now. It makes no more reports and is removed within minutes.',
        });
      },
      'DELETE /api/v1/report-schedules/sch_2': () => new Response(null, { status: 204 }),
    });
    const { user } = await openTab();
    await user.click(screen.getByRole('checkbox', { name: 'Select all scheduled reports' }));
    await user.click(screen.getByTestId('delete-schedules'));
    const dialog = screen.getByRole('dialog', { name: 'Delete 2 scheduled reports?' });
    await user.click(within(dialog).getByTestId('delete-schedules-confirm'));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByText('1 scheduled report deleted.')).toBeInTheDocument();
    expect(screen.getByTestId('schedules-marked')).toHaveTextContent(
      '“Endpoints every morning”: The schedule could not be removed now. It makes no more reports and is removed within minutes.',
    );
    await waitFor(() => expect(within(row('sch_1')).getByTestId('schedule-state')).toHaveTextContent('Deleting'));
    expect(sent(requests, 'DELETE').map((request) => request.path)).toEqual([
      '/api/v1/report-schedules/sch_1',
      '/api/v1/report-schedules/sch_2',
    ]);
  });

  it('offers a role that cannot list users only themselves as a recipient', async () => {
    const { requests } = routes();
    const { user } = await openTab(customRoleMe);
    await user.click(screen.getByTestId('add-schedule'));
    const dialog = screen.getByRole('dialog', { name: 'Add Report Schedule' });
    const users = within(dialog).getByTestId('schedule-recipient-users');
    expect(within(users).getAllByRole('checkbox').map((box) => box.parentElement?.textContent)).toEqual([
      'Hal Lovelace help@example.com',
    ]);
    expect(within(dialog).getByText(/Your role lists only you/)).toBeInTheDocument();
    expect(requests.some((request) => request.path === '/api/v1/users')).toBe(false);
  });

  it('says there is nothing to schedule until a template is saved', async () => {
    mockFetch({
      [LIST]: () => json(200, { items: [] }),
      'GET /api/v1/report-templates': () => json(200, { items: [] }),
    });
    renderAt('/reports?tab=schedules', sampleMe);
    expect(await screen.findByTestId('schedules-empty')).toHaveTextContent(
      'No scheduled reports yet. Save a report template in the report wizard first, then use Add.',
    );
  });
});
