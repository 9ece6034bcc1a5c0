import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../../auth/tokenStore';
import { customRoleMe } from '../../customers/fixtures';
import { blobText, renderAt } from '../../statistics/testing';
import { captureDownloads } from '../../test/downloads';
import { json, mockFetch, problem, type RecordedRequest } from '../../test/fetchMock';
import type { BillingUsage } from './api';

const USAGE = 'GET /api/v1/billing/usage';

const quarter: BillingUsage = {
  from: '2026-07-01',
  to: '2026-09-30',
  days: 92,
  items: [
    {
      customerId: 'cus_1',
      customerName: 'Contoso Dental',
      product: 'endpoint-protection',
      productName: 'Endpoint Protection Cloud',
      status: 'paid',
      firstDay: '2026-07-01',
      lastDay: '2026-09-30',
      paidDays: 92,
      seatDays: 1840,
      averageSeats: 20,
      peakSeats: 25,
      trialDays: 0,
    },
    {
      customerId: 'cus_1',
      customerName: 'Contoso Dental',
      product: 'email-security',
      productName: 'Email Security.cloud',
      status: 'paid',
      firstDay: '2026-07-01',
      lastDay: '2026-09-30',
      paidDays: 80,
      seatDays: 400,
      averageSeats: 4.3,
      peakSeats: 5,
      trialDays: 12,
    },
  ],
  products: [
    {
      product: 'endpoint-protection',
      productName: 'Endpoint Protection Cloud',
      billedCustomers: 1,
      seatDays: 1840,
      averageSeats: 20,
      peakSeats: 25,
      trialCustomers: 0,
    },
  ],
  totals: { seatDays: 2240, averageSeats: 24.3, peakSeats: 30, billedCustomers: 1, trials: 1 },
};

function query(request: RecordedRequest | undefined): Record<string, string> {
  return Object.fromEntries(request?.query ?? []);
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Billing page', () => {
  it('shows the last quarter by default with the totals, beside Reports in the navigation', async () => {
    const { requests } = mockFetch({ [USAGE]: () => json(200, quarter) });
    renderAt('/billing', customRoleMe);
    const table = await screen.findByTestId('billing-table');
    expect(within(table).getAllByRole('row').map((row) => row.textContent)).toEqual([
      'CustomerProductPaid daysSeat-daysAverage seatsPeak seatsTrial days',
      'Contoso DentalEndpoint Protection Cloud921,84020.0250',
      'Contoso DentalEmail Security.cloud804004.3512',
      'Total2,24024.330',
    ]);
    expect(query(requests.find((r) => r.path === '/api/v1/billing/usage'))).toEqual({ period: 'lastQuarter' });
    expect(screen.getByTestId('billing-period-lastQuarter')).toBeChecked();
    expect(screen.getByTestId('billing-period')).toHaveTextContent('(92 days)');
    expect(within(screen.getByTestId('billing-products')).getAllByRole('row')).toHaveLength(2);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Billing' })).toHaveAttribute('aria-current', 'page');
    expect(within(nav).getByRole('link', { name: 'Reports' })).not.toHaveAttribute('aria-current');
  });

  it('downloads the CSV of the period shown, from the server', async () => {
    const downloads = captureDownloads();
    try {
      const csv = 'Customer,Customer ID\r\nContoso Dental,cus_1\r\n';
      const { requests } = mockFetch({
        [USAGE]: (request) =>
          request.query.get('format') === 'csv'
            ? new Response(csv, { status: 200, headers: { 'Content-Type': 'text/csv' } })
            : json(200, quarter),
      });
      const { user } = renderAt('/billing', customRoleMe);
      await screen.findByTestId('billing-table');
      await user.click(screen.getByTestId('billing-csv'));
      await screen.findByText('Download CSV');
      const download = requests.find((r) => r.query.get('format') === 'csv');
      expect(query(download)).toEqual({ period: 'lastQuarter', format: 'csv' });
      expect(download?.headers.get('Accept')).toBe('text/csv');
      expect(downloads.names).toEqual(['billing-usage-2026-07-01-2026-09-30.csv']);
      await expect(blobText(downloads.blobs[0])).resolves.toBe(csv);
    } finally {
      downloads.restore();
    }
  });

  it('asks for the last month, or for custom days, and shows what the server refuses by the field', async () => {
    const { requests } = mockFetch({
      [USAGE]: (request) => {
        if (request.query.get('to') === '2026-12-31')
          return problem(422, {
            title: 'Validation failed',
            errors: [{ field: 'to', message: 'must not be in the future' }],
          });
        return json(200, { ...quarter, items: [], products: [] });
      },
    });
    const { user } = renderAt('/billing', customRoleMe);
    expect(await screen.findByTestId('billing-empty')).toHaveTextContent('No usage was recorded in this period.');

    await user.click(screen.getByTestId('billing-period-lastMonth'));
    await screen.findByTestId('billing-empty');
    expect(query(requests.at(-1))).toEqual({ period: 'lastMonth' });

    await user.click(screen.getByTestId('billing-period-days'));
    await user.click(screen.getByTestId('billing-apply'));
    expect(screen.getByText('Choose the first day.')).toBeInTheDocument();
    const asked = requests.length;
    await user.type(screen.getByLabelText('From'), '2026-11-01');
    await user.type(screen.getByLabelText('To'), '2026-10-01');
    await user.click(screen.getByTestId('billing-apply'));
    expect(screen.getByText('The last day must not be before the first.')).toBeInTheDocument();
    expect(requests).toHaveLength(asked);

    await user.clear(screen.getByLabelText('To'));
    await user.type(screen.getByLabelText('To'), '2026-11-30');
    await user.click(screen.getByTestId('billing-apply'));
    await screen.findByTestId('billing-empty');
    expect(query(requests.at(-1))).toEqual({ from: '2026-11-01', to: '2026-11-30' });

    await user.clear(screen.getByLabelText('To'));
    await user.type(screen.getByLabelText('To'), '2026-12-31');
    await user.click(screen.getByTestId('billing-apply'));
    expect(await screen.findByText('must not be in the future')).toBeInTheDocument();
    expect(screen.getByText('The usage could not be loaded')).toBeInTheDocument();
  });
});
