import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { saveBlob } from '../../activity/saveBlob';
import { mapFieldErrors, type Problem } from '../../api/problem';
import { DateInput, RadioGroup } from '../../customers/controls';
import { formatNumber } from '../../customers/labels';
import { LoadFailed, ProblemAlert } from '../../customers/problems';
import { formatDay } from '../labels';
import { todayUtc } from '../wizard/draft';
import '../reports.css';
import {
  billingCsvFilename,
  fetchBillingCsv,
  fetchBillingUsage,
  type BillingPeriod,
  type BillingUsage,
} from './api';

type PeriodChoice = BillingPeriod['kind'];

const PERIOD_OPTIONS: readonly { value: PeriodChoice; label: string; hint?: string }[] = [
  { value: 'lastQuarter', label: 'Last quarter', hint: 'The last full calendar quarter (GMT): billing is quarterly, in arrears.' },
  { value: 'lastMonth', label: 'Last month', hint: 'The last full calendar month (GMT).' },
  { value: 'days', label: 'Custom days', hint: 'Whole days (GMT), at most 400, ending today at the latest.' },
];

const DAY_FIELDS = ['from', 'to', 'period'] as const;
type DayField = (typeof DAY_FIELDS)[number];

type LoadState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; usage: BillingUsage; period: BillingPeriod };

/** Average seats with the one decimal the server rounds to. */
function formatAverage(value: number): string {
  return value.toLocaleString(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/**
 * Billing (beside Reports): the paid seats each customer used of each product over a
 * period, from the usage recorded once a day: the figures of the Service Utilization and
 * Billing report, with the lines as CSV to download.
 */
export function BillingPage() {
  const [choice, setChoice] = useState<PeriodChoice>('lastQuarter');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [errors, setErrors] = useState<Partial<Record<DayField, string>>>({});
  const [period, setPeriod] = useState<BillingPeriod>({ kind: 'lastQuarter' });
  const [attempt, setAttempt] = useState(0);
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [downloading, setDownloading] = useState(false);
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);
  const generation = useRef(0);
  const today = todayUtc();

  useEffect(() => {
    generation.current += 1;
    const current = generation.current;
    void fetchBillingUsage(period).then((result) => {
      if (current !== generation.current) return;
      if (result.ok) {
        setLoad({ status: 'loaded', usage: result.data, period });
        return;
      }
      setErrors(mapFieldErrors(result.problem, DAY_FIELDS).fields);
      setLoad({ status: 'failed', problem: result.problem });
    });
  }, [period, attempt]);

  function show(next: BillingPeriod) {
    setErrors({});
    setDownloadProblem(null);
    setLoad({ status: 'loading' });
    setPeriod(next);
    setAttempt((count) => count + 1);
  }

  function choose(next: PeriodChoice) {
    setChoice(next);
    setErrors({});
    if (next !== 'days') show({ kind: next });
  }

  function applyDays(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const missing: Partial<Record<DayField, string>> = {};
    if (from === '') missing.from = 'Choose the first day.';
    if (to === '') missing.to = 'Choose the last day.';
    else if (from !== '' && to < from) missing.to = 'The last day must not be before the first.';
    if (Object.keys(missing).length > 0) {
      setErrors(missing);
      return;
    }
    show({ kind: 'days', from, to });
  }

  async function downloadCsv() {
    if (load.status !== 'loaded' || downloading) return;
    setDownloading(true);
    setDownloadProblem(null);
    const result = await fetchBillingCsv(load.period);
    setDownloading(false);
    if (result.ok) saveBlob(result.data, billingCsvFilename(load.usage));
    else setDownloadProblem(result.problem);
  }

  const usage = load.status === 'loaded' ? load.usage : null;

  return (
    <div className="page page--wide">
      <title>Billing · Partner Console</title>
      <div className="page__header">
        <div>
          <p className="breadcrumb">
            <Link to="/reports">Reports</Link>
          </p>
          <h1 className="page__title">Billing</h1>
          <p className="page__subtitle">
            The paid seats your customers used, from the usage recorded once a day: the figures of the Service Utilization
            and Billing report.
          </p>
        </div>
        <div className="page__actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void downloadCsv()}
            disabled={usage === null || downloading}
            data-testid="billing-csv"
          >
            {downloading ? 'Downloading…' : 'Download CSV'}
          </button>
        </div>
      </div>

      {downloadProblem ? <ProblemAlert title="The CSV could not be downloaded" problem={downloadProblem} /> : null}

      <form className="panel panel--stack" noValidate onSubmit={applyDays} aria-label="Period">
        <RadioGroup<PeriodChoice>
          name="billing.period"
          legend="Period"
          value={choice}
          onChange={choose}
          options={PERIOD_OPTIONS}
          error={errors.period}
          testIdPrefix="billing-period"
        />
        {choice === 'days' ? (
          <div className="report-dates">
            <DateInput
              name="billing.from"
              label="From"
              value={from}
              max={to || today}
              onChange={(value) => {
                setFrom(value);
                setErrors((previous) => ({ ...previous, from: undefined }));
              }}
              error={errors.from}
              testId="billing-from"
            />
            <DateInput
              name="billing.to"
              label="To"
              value={to}
              min={from || undefined}
              max={today}
              onChange={(value) => {
                setTo(value);
                setErrors((previous) => ({ ...previous, to: undefined }));
              }}
              error={errors.to}
              testId="billing-to"
            />
            <div className="pager">
              <button type="submit" className="button button--primary" data-testid="billing-apply">
                Show
              </button>
            </div>
          </div>
        ) : null}
      </form>

      <section className="panel panel--stack" aria-labelledby="billing-heading" aria-busy={load.status === 'loading'}>
        <div className="panel__header">
          <h2 id="billing-heading" className="panel__title">
            Usage by customer and product
          </h2>
          {usage ? (
            <p className="panel__note" data-testid="billing-period">
              {formatDay(usage.from)} to {formatDay(usage.to)} ({formatNumber(usage.days)} {usage.days === 1 ? 'day' : 'days'})
            </p>
          ) : null}
        </div>
        {load.status === 'loading' ? (
          <p className="panel__note" role="status">
            Loading the usage…
          </p>
        ) : null}
        {load.status === 'failed' ? (
          <LoadFailed title="The usage could not be loaded" problem={load.problem} onRetry={() => show(period)} />
        ) : null}
        {usage && usage.items.length === 0 ? (
          <p className="empty-state" data-testid="billing-empty">
            No usage was recorded in this period.
          </p>
        ) : null}
        {usage && usage.items.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby="billing-heading" data-testid="billing-table">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Product</th>
                  <th scope="col" className="table__number">
                    Paid days
                  </th>
                  <th scope="col" className="table__number">
                    Seat-days
                  </th>
                  <th scope="col" className="table__number">
                    Average seats
                  </th>
                  <th scope="col" className="table__number">
                    Peak seats
                  </th>
                  <th scope="col" className="table__number">
                    Trial days
                  </th>
                </tr>
              </thead>
              <tbody>
                {usage.items.map((line) => (
                  <tr key={`${line.customerId} ${line.product}`} data-testid="billing-row">
                    <td className="table__primary">{line.customerName}</td>
                    <td>{line.productName}</td>
                    <td className="table__number">{formatNumber(line.paidDays)}</td>
                    <td className="table__number">{formatNumber(line.seatDays)}</td>
                    <td className="table__number">{formatAverage(line.averageSeats)}</td>
                    <td className="table__number">{formatNumber(line.peakSeats)}</td>
                    <td className="table__number">{formatNumber(line.trialDays)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3}>
                    Total
                  </th>
                  <td className="table__number">{formatNumber(usage.totals.seatDays)}</td>
                  <td className="table__number">{formatAverage(usage.totals.averageSeats)}</td>
                  <td className="table__number">{formatNumber(usage.totals.peakSeats)}</td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
        ) : null}
        <p className="field__hint">
          Seat-days add up the paid seats of every recorded day; the average divides them by the days of the period; the
          peak is the most paid seats on one day (for the total, of all customers and products together). Trials and
          subscriptions held for trade-compliance review are not billed.
        </p>
      </section>

      {usage && usage.products.length > 0 ? (
        <section className="panel panel--stack" aria-labelledby="billing-products-heading">
          <h2 id="billing-products-heading" className="panel__title">
            Totals by product
          </h2>
          <div className="table-scroll">
            <table className="table" aria-labelledby="billing-products-heading" data-testid="billing-products">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col" className="table__number">
                    Customers billed
                  </th>
                  <th scope="col" className="table__number">
                    Seat-days
                  </th>
                  <th scope="col" className="table__number">
                    Average seats
                  </th>
                  <th scope="col" className="table__number">
                    Peak seats
                  </th>
                  <th scope="col" className="table__number">
                    Customers on trial
                  </th>
                </tr>
              </thead>
              <tbody>
                {usage.products.map((product) => (
                  <tr key={product.product}>
                    <td className="table__primary">{product.productName}</td>
                    <td className="table__number">{formatNumber(product.billedCustomers)}</td>
                    <td className="table__number">{formatNumber(product.seatDays)}</td>
                    <td className="table__number">{formatAverage(product.averageSeats)}</td>
                    <td className="table__number">{formatNumber(product.peakSeats)}</td>
                    <td className="table__number">{formatNumber(product.trialCustomers)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
