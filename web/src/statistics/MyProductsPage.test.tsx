import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { customRoleMe } from '../customers/fixtures';
import { captureDownloads } from '../test/downloads';
import { json, mockFetch } from '../test/fetchMock';
import { sampleUsage } from './fixtures';
import { blobText, renderAt } from './testing';

const USAGE = 'GET /api/v1/products/usage';

beforeEach(() => {
  tokenStore.clear();
});

describe('My Products page', () => {
  it('lists the products with trials, paid customers and seats, and exports them', async () => {
    const downloads = captureDownloads();
    try {
      mockFetch({ [USAGE]: () => json(200, { items: sampleUsage }) });
      const { user } = renderAt('/products', customRoleMe);
      const table = await screen.findByTestId('products-table');
      expect(within(table).getAllByRole('row').map((row) => row.textContent)).toEqual([
        'ProductCustomers on trialCustomers paidSeats',
        'Endpoint Protection Cloud35420',
        'Email Security.cloud100',
        'Total45420',
      ]);
      const nav = screen.getByRole('navigation', { name: 'Main' });
      expect(within(nav).getByRole('link', { name: 'My Products' })).toHaveAttribute('aria-current', 'page');

      await user.click(screen.getByTestId('products-csv'));
      expect(downloads.names).toEqual(['my-products.csv']);
      await expect(blobText(downloads.blobs[0])).resolves.toBe(
        'Product,Customers on trial,Customers paid,Seats\r\n' +
          'Endpoint Protection Cloud,3,5,420\r\n' +
          'Email Security.cloud,1,0,0\r\n',
      );
    } finally {
      downloads.restore();
    }
  });

  it('says when nothing is in use', async () => {
    mockFetch({ [USAGE]: () => json(200, { items: [] }) });
    renderAt('/products', customRoleMe);
    expect(await screen.findByTestId('products-empty')).toHaveTextContent('None of your customers has a trial');
    expect(screen.queryByTestId('products-csv')).not.toBeInTheDocument();
  });
});
