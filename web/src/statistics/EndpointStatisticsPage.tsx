import { useEffect, useRef, useState } from 'react';
import type { Problem } from '../api/problem';
import { BarList } from '../charts/BarList';
import { rangeResolution, RANGE_LABELS } from '../charts/range';
import { StackedBarChart } from '../charts/TimeChart';
import { formatDateTime, formatNumber, MANAGEMENT_LABELS } from '../customers/labels';
import { LoadFailed } from '../customers/problems';
import { GeneratePdfButton, PdfReportOutcome, usePdfReport } from '../reports/GeneratePdfReport';
import { fetchEndpointStatistics, type StatisticsFilters } from './api';
import { csvFilename, downloadCsv } from './csv';
import {
  CsvButton,
  Figures,
  ManageButton,
  ManageNotice,
  Period,
  SectionHeader,
  StatisticsFilterBar,
  SYNC_DELAY_NOTE,
  useCustomerChoices,
  useManageCustomer,
  useStatisticsFilters,
} from './shared';
import type { EndpointStatistics, TopRisk } from '../api/client';

type LoadState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; data: EndpointStatistics; filters: StatisticsFilters };

export const RISK_SERIES = [
  { key: 'blocked', label: 'Blocked', color: 'var(--chart-1)' },
  { key: 'quarantined', label: 'Quarantined', color: 'var(--chart-2)' },
  { key: 'cleaned', label: 'Cleaned', color: 'var(--chart-3)' },
  { key: 'unresolved', label: 'Unresolved', color: 'var(--chart-4)' },
] as const;

export const INTRUSION_SERIES = [
  { key: 'intrusions', label: 'Intrusions', color: 'var(--chart-5)' },
  { key: 'firewall', label: 'Firewall events', color: 'var(--chart-1)' },
] as const;

/** The guide's Endpoint Statistics page: Risk Detections and Intrusion Detection for a range and customer. */
export function EndpointStatisticsPage() {
  const { filters, setFilters } = useStatisticsFilters();
  const customers = useCustomerChoices();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const { manage, busy, notice } = useManageCustomer();
  const generation = useRef(0);

  useEffect(() => {
    generation.current += 1;
    const current = generation.current;
    void fetchEndpointStatistics(filters).then((result) => {
      if (current !== generation.current) return;
      setLoad(result.ok ? { status: 'loaded', data: result.data, filters } : { status: 'failed', problem: result.problem });
    });
  }, [filters, attempt]);

  function change(next: StatisticsFilters) {
    setLoad({ status: 'loading' });
    setFilters(next);
  }

  const customerName =
    filters.customer === null ? null : (customers.rows.find((row) => row.id === filters.customer)?.name ?? null);
  const pdfReport = usePdfReport('securityOverview', 'Endpoint Statistics', {
    range: filters.range,
    customer: filters.customer,
    customerName,
  });

  return (
    <div className="page page--wide">
      <title>Endpoint Statistics · Partner Console</title>
      <div className="page__header">
        <div>
          <h1 className="page__title">Endpoint Statistics</h1>
          <p className="page__subtitle">Risks and intrusions detected on your customers’ computers.</p>
        </div>
        <div className="page__actions">
          <GeneratePdfButton report={pdfReport} />
        </div>
      </div>
      <StatisticsFilterBar filters={filters} onChange={change} customers={customers} />
      <p className="panel__note" data-testid="sync-delay-note">
        {SYNC_DELAY_NOTE}
      </p>
      <ManageNotice notice={notice} />
      <PdfReportOutcome report={pdfReport} />

      {load.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading the statistics…
        </p>
      ) : null}

      {load.status === 'failed' ? (
        <LoadFailure
          problem={load.problem}
          customerFiltered={filters.customer !== null}
          onRetry={() => {
            setLoad({ status: 'loading' });
            setAttempt((count) => count + 1);
          }}
          onAllCustomers={() => change({ ...filters, customer: null })}
        />
      ) : null}

      {load.status === 'loaded' ? (
        <StatisticsView
          key={`${load.filters.range}/${load.filters.customer ?? ''}`}
          data={load.data}
          filters={load.filters}
          customerName={customerName}
          manage={manage}
          busy={busy}
        />
      ) : null}
    </div>
  );
}

/** A failed load: a customer the user cannot see (404) offers all customers instead. */
export function LoadFailure({
  problem,
  customerFiltered,
  onRetry,
  onAllCustomers,
}: {
  problem: Problem;
  customerFiltered: boolean;
  onRetry: () => void;
  onAllCustomers: () => void;
}) {
  if (problem.status === 404 && customerFiltered) {
    return (
      <div className="empty-state" data-testid="statistics-unknown-customer">
        <p>This customer is not in your customer list. It may have been removed, or your access changed.</p>
        <button type="button" className="button button--secondary" onClick={onAllCustomers}>
          Show all customers
        </button>
      </div>
    );
  }
  return (
    <LoadFailed title="The statistics could not be loaded" problem={problem} onRetry={onRetry} />
  );
}

function StatisticsView({
  data,
  filters,
  customerName,
  manage,
  busy,
}: {
  data: EndpointStatistics;
  filters: StatisticsFilters;
  customerName: string | null;
  manage: (customerId: string, name: string) => Promise<void>;
  busy: string | null;
}) {
  const resolution = rangeResolution(data.range);
  const { risks, intrusions } = data;
  const [open, setOpen] = useState<string | null>(null);
  const scope = filters.customer === null ? 'All customers' : (customerName ?? 'The selected customer');

  function exportRisks() {
    downloadCsv(csvFilename('top-risks', data.range, customerName), risks.top, [
      { header: 'Risk', value: (row) => row.name },
      { header: 'Detections', value: (row) => row.detections },
      { header: 'Customers affected', value: (row) => row.customers },
      { header: 'Last detected', value: (row) => row.lastDetected ?? '' },
    ]);
  }

  function exportSignatures() {
    downloadCsv(csvFilename('top-intrusions', data.range, customerName), intrusions.top, [
      { header: 'Signature', value: (row) => row.signature },
      { header: 'Count', value: (row) => row.count },
    ]);
  }

  return (
    <>
      <p className="panel__note" role="status" data-testid="statistics-period">
        {scope}, {RANGE_LABELS[data.range].toLowerCase()}: <Period from={data.from} to={data.to} />.
      </p>

      <section className="panel panel--stack" aria-labelledby="risks-heading" data-testid="risk-detections">
        <SectionHeader id="risks-heading" title="Risk Detections" />
        <Figures
          label="Risk detections by action"
          figures={[
            { label: 'Total detections', value: risks.total, testId: 'risks-total' },
            { label: 'Blocked', value: risks.byAction.blocked, testId: 'risks-blocked' },
            { label: 'Quarantined', value: risks.byAction.quarantined, testId: 'risks-quarantined' },
            { label: 'Cleaned', value: risks.byAction.cleaned, testId: 'risks-cleaned' },
            { label: 'Unresolved', value: risks.byAction.unresolved, testId: 'risks-unresolved' },
          ]}
        />
        <StackedBarChart
          title="Risk detections by action"
          points={risks.series}
          series={RISK_SERIES}
          resolution={resolution}
          testId="risks-chart"
        />
        <div className="panel__header">
          <h3 id="top-risks-heading" className="subsection-title">
            Top risks
          </h3>
          {risks.top.length > 0 ? <CsvButton onExport={exportRisks} testId="top-risks-csv" what="the top risks" /> : null}
        </div>
        {risks.top.length === 0 ? (
          <p className="panel__note">No risks were detected in this period.</p>
        ) : (
          <div className="table-scroll">
            <table className="table" aria-labelledby="top-risks-heading" data-testid="top-risks-table">
              <thead>
                <tr>
                  <th scope="col">Risk</th>
                  <th scope="col" className="table__number">
                    Detections
                  </th>
                  <th scope="col" className="table__number">
                    Customers affected
                  </th>
                  <th scope="col">Last detected</th>
                  <th scope="col">
                    <span className="visually-hidden">Spread across customers</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {risks.top.map((risk) => (
                  <RiskRows
                    key={risk.name}
                    risk={risk}
                    open={open === risk.name}
                    onToggle={() => setOpen((value) => (value === risk.name ? null : risk.name))}
                    range={data.range}
                    customerName={customerName}
                    manage={manage}
                    busy={busy}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel panel--stack" aria-labelledby="intrusions-heading" data-testid="intrusion-detection">
        <SectionHeader id="intrusions-heading" title="Intrusion Detection" />
        <Figures
          label="Intrusion detection"
          figures={[
            { label: 'Intrusions', value: intrusions.total, testId: 'intrusions-total' },
            { label: 'Firewall events', value: intrusions.firewall, testId: 'intrusions-firewall' },
          ]}
        />
        <StackedBarChart
          title="Intrusions and firewall events"
          points={intrusions.series}
          series={INTRUSION_SERIES}
          resolution={resolution}
          testId="intrusions-chart"
        />
        <div className="panel__header">
          <h3 id="top-signatures-heading" className="subsection-title">
            Top signatures
          </h3>
          {intrusions.top.length > 0 ? (
            <CsvButton onExport={exportSignatures} testId="top-signatures-csv" what="the top signatures" />
          ) : null}
        </div>
        {intrusions.top.length === 0 ? (
          <p className="panel__note">No intrusions were detected in this period.</p>
        ) : (
          <div className="table-scroll">
            <table className="table" aria-labelledby="top-signatures-heading" data-testid="top-signatures-table">
              <thead>
                <tr>
                  <th scope="col">Signature</th>
                  <th scope="col" className="table__number">
                    Count
                  </th>
                </tr>
              </thead>
              <tbody>
                {intrusions.top.map((row) => (
                  <tr key={row.signature}>
                    <td>{row.signature}</td>
                    <td className="table__number">{formatNumber(row.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

/** A top risk's row, and below it, when open, how it spread across customers. */
function RiskRows({
  risk,
  open,
  onToggle,
  range,
  customerName,
  manage,
  busy,
}: {
  risk: TopRisk;
  open: boolean;
  onToggle: () => void;
  range: string;
  customerName: string | null;
  manage: (customerId: string, name: string) => Promise<void>;
  busy: string | null;
}) {
  const spreadId = `spread-${risk.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

  function exportSpread() {
    downloadCsv(csvFilename(`risk-spread-${risk.name}`, range, customerName), risk.spread, [
      { header: 'Customer', value: (row) => row.name },
      { header: 'Management', value: (row) => MANAGEMENT_LABELS[row.management] },
      { header: 'Detections', value: (row) => row.detections },
      { header: 'Last detected', value: (row) => row.lastDetected },
    ]);
  }

  return (
    <>
      <tr data-testid="top-risk-row">
        <td className="table__primary">{risk.name}</td>
        <td className="table__number">{formatNumber(risk.detections)}</td>
        <td className="table__number">{formatNumber(risk.customers)}</td>
        <td>{risk.lastDetected ? <time dateTime={risk.lastDetected}>{formatDateTime(risk.lastDetected)}</time> : '—'}</td>
        <td className="table__actions">
          <button
            type="button"
            className="button button--small button--secondary"
            aria-expanded={open}
            aria-controls={open ? spreadId : undefined}
            aria-label={`Spread of ${risk.name} across customers`}
            onClick={onToggle}
            data-testid="spread-toggle"
          >
            {open ? 'Hide spread' : 'Spread'}
          </button>
        </td>
      </tr>
      {open ? (
        <tr className="spread-row">
          <td colSpan={5}>
            <div id={spreadId} className="spread" data-testid="risk-spread">
              <div className="panel__header">
                <h4 className="spread__title">
                  {risk.name} across {formatNumber(risk.customers)} {risk.customers === 1 ? 'customer' : 'customers'}
                  {risk.spread.length < risk.customers ? ` (the ${risk.spread.length} with the most detections)` : ''}
                </h4>
                <CsvButton onExport={exportSpread} testId="risk-spread-csv" what={`the spread of ${risk.name}`} />
              </div>
              <BarList
                title={`Detections of ${risk.name} by customer`}
                items={risk.spread.map((row) => ({
                  key: row.customerId,
                  label: row.name,
                  value: row.detections,
                  detail: (
                    <>
                      {row.manageable ? (
                        <ManageButton customerId={row.customerId} name={row.name} manage={manage} busy={busy} />
                      ) : null}
                      <span>
                        Last detected <time dateTime={row.lastDetected}>{formatDateTime(row.lastDetected)}</time>
                      </span>
                    </>
                  ),
                }))}
                emptyText="No customer details for this risk."
              />
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
}
