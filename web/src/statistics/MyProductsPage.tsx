import { useEffect, useState } from 'react';
import type { Problem } from '../api/problem';
import { formatNumber } from '../customers/labels';
import { LoadFailed } from '../customers/problems';
import { fetchProductUsage } from './api';
import { downloadCsv } from './csv';
import { CsvButton } from './shared';
import type { ProductUsage } from '../api/client';

type LoadState = { status: 'loading' } | { status: 'failed'; problem: Problem } | { status: 'loaded'; items: ProductUsage[] };

export const PRODUCTS_CSV_FILENAME = 'my-products.csv';

/** My Products: the partner's products with the trials and subscriptions in use. */
export function MyProductsPage() {
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let active = true;
    void fetchProductUsage().then((result) => {
      if (!active) return;
      setLoad(result.ok ? { status: 'loaded', items: result.data.items } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  function exportCsv(items: readonly ProductUsage[]) {
    downloadCsv(PRODUCTS_CSV_FILENAME, items, [
      { header: 'Product', value: (row) => row.name },
      { header: 'Customers on trial', value: (row) => row.trials },
      { header: 'Customers paid', value: (row) => row.paid },
      { header: 'Seats', value: (row) => row.seats },
    ]);
  }

  return (
    <div className="page page--wide">
      <title>My Products · Partner Console</title>
      <div className="page__header">
        <div>
          <h1 className="page__title">My Products</h1>
          <p className="page__subtitle">Your products with the trials and subscriptions your customers use.</p>
        </div>
      </div>

      <section className="panel panel--stack" aria-labelledby="products-heading" aria-busy={load.status === 'loading'}>
        <div className="panel__header">
          <h2 id="products-heading" className="panel__title">
            Trials and subscriptions in use
          </h2>
          {load.status === 'loaded' && load.items.length > 0 ? (
            <CsvButton onExport={() => exportCsv(load.items)} testId="products-csv" what="my products" />
          ) : null}
        </div>
        {load.status === 'loading' ? (
          <p className="panel__note" role="status">
            Loading your products…
          </p>
        ) : null}
        {load.status === 'failed' ? (
          <LoadFailed
            title="Your products could not be loaded"
            problem={load.problem}
            onRetry={() => {
              setLoad({ status: 'loading' });
              setAttempt((count) => count + 1);
            }}
          />
        ) : null}
        {load.status === 'loaded' && load.items.length === 0 ? (
          <p className="empty-state" data-testid="products-empty">
            None of your customers has a trial or subscription in use yet.
          </p>
        ) : null}
        {load.status === 'loaded' && load.items.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby="products-heading" data-testid="products-table">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col" className="table__number">
                    Customers on trial
                  </th>
                  <th scope="col" className="table__number">
                    Customers paid
                  </th>
                  <th scope="col" className="table__number">
                    Seats
                  </th>
                </tr>
              </thead>
              <tbody>
                {load.items.map((item) => (
                  <tr key={item.product} data-testid="product-row">
                    <td className="table__primary">{item.name}</td>
                    <td className="table__number">{formatNumber(item.trials)}</td>
                    <td className="table__number">{formatNumber(item.paid)}</td>
                    <td className="table__number">{formatNumber(item.seats)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td className="table__number">{formatNumber(load.items.reduce((sum, item) => sum + item.trials, 0))}</td>
                  <td className="table__number">{formatNumber(load.items.reduce((sum, item) => sum + item.paid, 0))}</td>
                  <td className="table__number">{formatNumber(load.items.reduce((sum, item) => sum + item.seats, 0))}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        ) : null}
        <p className="field__hint">
          Trials are counted while they run; paid subscriptions while they are active. Seats are those of the paid
          subscriptions.
        </p>
      </section>
    </div>
  );
}
