import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../../auth/tokenStore';
import { formatDateTime } from '../../customers/labels';
import { renderAt } from '../../statistics/testing';
import { json, mockFetch, problem, sampleMe } from '../../test/fetchMock';
import { endpointTemplate, processingReport, reportPage, sampleTemplates } from '../fixtures';
import type { Report } from '../types';

const LIST = 'GET /api/v1/report-templates';

function rows(): HTMLElement[] {
  return screen.getAllByTestId('template-row');
}

function row(id: string): HTMLElement {
  const found = rows().find((element) => element.dataset.templateId === id);
  if (!found) throw new Error(`No row for ${id}`);
  return found;
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Report Templates tab', () => {
  it('is a tab of the Reports page, listing the templates with the columns of Table 3-2', async () => {
    mockFetch({
      'GET /api/v1/reports': () => json(200, reportPage([])),
      [LIST]: () => json(200, { items: sampleTemplates }),
      'GET /api/v1/report-schedules': () => json(200, { items: [] }),
    });
    const { user } = renderAt('/reports', sampleMe);
    await screen.findByTestId('reports-empty');

    await user.click(screen.getByRole('tab', { name: 'Report Templates' }));
    expect(screen.getByTestId('location')).toHaveTextContent('/reports?tab=templates');
    expect(screen.getByRole('tab', { name: 'Report Templates' })).toHaveAttribute('aria-selected', 'true');
    const table = await screen.findByTestId('templates-table');
    expect(screen.getByRole('tabpanel', { name: 'Report Templates' })).toContainElement(table);
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      '',
      'Actions',
      'Report Template',
      'Report Type',
      'Format',
      'Generated Date',
    ]);
    const cells = (id: string) => within(row(id)).getAllByRole('cell').slice(1).map((cell) => cell.textContent);
    expect(cells('tpl_1')).toEqual([
      'Generate Report',
      'Monthly endpoints',
      'Endpoint Summary',
      'PDF, CSV',
      formatDateTime(endpointTemplate.firstGeneratedAt ?? ''),
    ]);
    expect(cells('tpl_2')).toEqual(['Generate Report', 'MSP Executive SummaryAutomatic', 'MSP Executive Summary', 'PDF, HTML', 'Never']);
    // The name opens the wizard in Update Template mode.
    expect(within(row('tpl_1')).getByRole('link', { name: 'Monthly endpoints' })).toHaveAttribute(
      'href',
      '/reports/templates/tpl_1',
    );

    // The arrow keys move between the tabs.
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Scheduled Reports' })).toHaveFocus();
    expect(screen.getByTestId('location')).toHaveTextContent('/reports?tab=schedules');
  });

  it('generates a report from a template and shows it Processing on the Reports tab', async () => {
    const generated: Report = { ...processingReport, id: 'rpt_9', name: 'Monthly endpoints' };
    const { requests } = mockFetch({
      [LIST]: () => json(200, { items: sampleTemplates }),
      'POST /api/v1/report-templates/tpl_1/reports': () => json(202, generated),
      'GET /api/v1/reports': () => json(200, reportPage([])),
    });
    const { user } = renderAt('/reports?tab=templates', sampleMe);
    await screen.findByTestId('templates-table');

    await user.click(within(row('tpl_1')).getByRole('button', { name: 'Generate Report from Monthly endpoints' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/reports$/));
    expect(screen.getByRole('tab', { name: 'Reports' })).toHaveAttribute('aria-selected', 'true');
    const reportRow = await screen.findByTestId('report-row');
    expect(reportRow).toHaveAttribute('data-report-id', 'rpt_9');
    expect(within(reportRow).getByTestId('report-status')).toHaveTextContent('Processing');
    const post = requests.find((request) => request.method === 'POST');
    expect(post?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('says why a report could not be made from a template', async () => {
    mockFetch({
      [LIST]: () => json(200, { items: sampleTemplates }),
      'POST /api/v1/report-templates/tpl_2/reports': () =>
        problem(422, { title: 'Unprocessable Entity', errors: [{ field: 'options.customers', message: 'you can see no customers' }] }),
    });
    const { user } = renderAt('/reports?tab=templates', sampleMe);
    await screen.findByTestId('templates-table');
    await user.click(within(row('tpl_2')).getByRole('button', { name: 'Generate Report from MSP Executive Summary' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('A report could not be made from “MSP Executive Summary”');
    expect(alert).toHaveTextContent('options.customers: you can see no customers');
    expect(screen.getByTestId('location')).toHaveTextContent('/reports?tab=templates');
  });

  it('deletes the selected templates, and says which a scheduled report still uses', async () => {
    const { requests } = mockFetch({
      [LIST]: () => json(200, { items: sampleTemplates }),
      'DELETE /api/v1/report-templates/tpl_1': () => new Response(null, { status: 204 }),
      'DELETE /api/v1/report-templates/tpl_2': () =>
        problem(409, {
          title: 'Conflict',
          detail: 'Scheduled reports use this template: Weekly summary. Delete or change them first.',
        }),
    });
    const { user } = renderAt('/reports?tab=templates', sampleMe);
    await screen.findByTestId('templates-table');
    expect(screen.getByTestId('delete-templates')).toBeDisabled();

    await user.click(screen.getByRole('checkbox', { name: 'Select all templates' }));
    expect(screen.getByTestId('templates-selected')).toHaveTextContent('2 selected.');
    await user.click(screen.getByTestId('delete-templates'));
    const dialog = screen.getByRole('dialog', { name: 'Delete 2 templates?' });
    await user.click(within(dialog).getByTestId('delete-templates-confirm'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Not every template could be deleted');
    expect(alert).toHaveTextContent(
      '“MSP Executive Summary” was not deleted. Scheduled reports use this template: Weekly summary. Delete or change them first.',
    );
    expect(rows().map((element) => element.dataset.templateId)).toEqual(['tpl_2']);
    await user.click(within(dialog).getByRole('button', { name: 'Keep' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(requests.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual([
      '/api/v1/report-templates/tpl_1',
      '/api/v1/report-templates/tpl_2',
    ]);
  });

  it('invites saving a template from the wizard when there is none', async () => {
    mockFetch({ [LIST]: () => json(200, { items: [] }) });
    renderAt('/reports?tab=templates', sampleMe);
    expect(await screen.findByTestId('templates-empty')).toHaveTextContent(
      'No templates yet. In the report wizard, use Save as template in the Format Selection step.',
    );
  });
});
