import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { saveBlob } from '../activity/saveBlob';
import { fetchUntilItems } from '../api/paging';
import type { Problem } from '../api/problem';
import { BarList } from '../charts/BarList';
import { rangeResolution, RANGE_LABELS } from '../charts/range';
import { LineChart, StackedBarChart } from '../charts/TimeChart';
import { LoadMore } from '../components/LoadMore';
import { formatDateTime, formatNumber } from '../customers/labels';
import { LoadFailed, ProblemAlert } from '../customers/problems';
import { GeneratePdfButton, PdfReportOutcome, usePdfReport } from '../reports/GeneratePdfReport';
import {
  fetchDeploymentStatistics,
  fetchOfflineComputers,
  fetchOfflineComputersCsv,
  OFFLINE_CSV_FILENAME,
  type StatisticsFilters,
} from './api';
import { csvFilename, downloadCsv } from './csv';
import { LoadFailure } from './EndpointStatisticsPage';
import {
  CsvButton,
  Figures,
  ManageButton,
  ManageNotice,
  OS_LABELS,
  Period,
  SectionHeader,
  StatisticsFilterBar,
  SYNC_DELAY_NOTE,
  useCustomerChoices,
  useManageCustomer,
  useStatisticsFilters,
} from './shared';
import type { DeploymentStatistics, OfflineComputer } from '../api/client';

type LoadState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; data: DeploymentStatistics; filters: StatisticsFilters };

type OfflineState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: OfflineComputer[]; nextCursor: string | null };

export const INSTALL_SERIES = [
  { key: 'installed', label: 'Installed', color: 'var(--chart-3)' },
  { key: 'removed', label: 'Removed', color: 'var(--chart-2)' },
] as const;

const TOTAL_SERIES = [{ key: 'total', label: 'Computers deployed', color: 'var(--chart-1)' }] as const;

/** The first page from `cursor` that has items, or the end of the list. */
function loadOffline(filters: StatisticsFilters, cursor: string | undefined) {
  return fetchUntilItems((next) => fetchOfflineComputers(filters, next), cursor);
}

/** Whether nothing has ever reported: no computers now and none installed or removed in the range. */
function nothingReports(data: DeploymentStatistics): boolean {
  const { deployed } = data;
  return (
    deployed.total === 0 &&
    deployed.installedInRange === 0 &&
    deployed.removedInRange === 0 &&
    deployed.series.every((point) => point.total === 0 && point.installed === 0 && point.removed === 0) &&
    data.offline.count === 0
  );
}

/** The guide's Product Deployment page: products deployed and offline computers, for a range and customer. */
export function ProductDeploymentPage() {
  const { filters, setFilters } = useStatisticsFilters();
  const customers = useCustomerChoices();
  const location = useLocation();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [offline, setOffline] = useState<OfflineState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [offlineAttempt, setOfflineAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);
  const { manage, busy, notice } = useManageCustomer();
  const generation = useRef(0);
  const offlineGeneration = useRef(0);
  const scrolled = useRef(false);

  useEffect(() => {
    generation.current += 1;
    const current = generation.current;
    void fetchDeploymentStatistics(filters).then((result) => {
      if (current !== generation.current) return;
      setLoad(result.ok ? { status: 'loaded', data: result.data, filters } : { status: 'failed', problem: result.problem });
    });
  }, [filters, attempt]);

  useEffect(() => {
    offlineGeneration.current += 1;
    const current = offlineGeneration.current;
    void loadOffline(filters, undefined).then((result) => {
      if (current !== offlineGeneration.current) return;
      setOffline(
        result.ok
          ? { status: 'loaded', items: result.data.items, nextCursor: result.data.nextCursor }
          : { status: 'failed', problem: result.problem },
      );
    });
  }, [filters, offlineAttempt]);

  // The Home page's "offline computers" task links to #offline: go there once the page has loaded.
  useEffect(() => {
    if (scrolled.current || location.hash !== '#offline' || load.status === 'loading') return;
    const target = document.getElementById('offline');
    if (!target) return;
    scrolled.current = true;
    if (typeof target.scrollIntoView === 'function') target.scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  }, [location.hash, load.status]);

  function change(next: StatisticsFilters) {
    setLoad({ status: 'loading' });
    setOffline({ status: 'loading' });
    setMoreProblem(null);
    setDownloadProblem(null);
    setFilters(next);
  }

  async function loadMore() {
    if (offline.status !== 'loaded' || offline.nextCursor === null || loadingMore) return;
    const current = offlineGeneration.current;
    setLoadingMore(true);
    setMoreProblem(null);
    const result = await loadOffline(filters, offline.nextCursor);
    setLoadingMore(false);
    if (current !== offlineGeneration.current) return;
    if (!result.ok) {
      setMoreProblem(result.problem);
      return;
    }
    setOffline((previous) => {
      if (previous.status !== 'loaded') return previous;
      const seen = new Set(previous.items.map((item) => `${item.customerId}/${item.computerId}`));
      const added = result.data.items.filter((item) => !seen.has(`${item.customerId}/${item.computerId}`));
      return { status: 'loaded', items: [...previous.items, ...added], nextCursor: result.data.nextCursor };
    });
  }

  async function exportOffline() {
    if (downloading) return;
    setDownloading(true);
    setDownloadProblem(null);
    const result = await fetchOfflineComputersCsv(filters);
    setDownloading(false);
    if (result.ok) saveBlob(result.data, OFFLINE_CSV_FILENAME);
    else setDownloadProblem(result.problem);
  }

  const customerName =
    filters.customer === null ? null : (customers.rows.find((row) => row.id === filters.customer)?.name ?? null);
  const pdfReport = usePdfReport('productDeploymentSummary', 'Product Deployment', {
    range: filters.range,
    customer: filters.customer,
    customerName,
  });
  const scope = filters.customer === null ? 'All customers' : (customerName ?? 'The selected customer');

  return (
    <div className="page page--wide">
      <title>Product Deployment · Partner Console</title>
      <div className="page__header">
        <div>
          <h1 className="page__title">Product Deployment</h1>
          <p className="page__subtitle">Products deployed on your customers’ computers, and the computers offline.</p>
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
            setOffline({ status: 'loading' });
            setAttempt((count) => count + 1);
            setOfflineAttempt((count) => count + 1);
          }}
          onAllCustomers={() => change({ ...filters, customer: null })}
        />
      ) : null}

      {load.status === 'loaded' ? (
        <>
          <p className="panel__note" role="status" data-testid="statistics-period">
            {scope}, {RANGE_LABELS[load.data.range].toLowerCase()}: <Period from={load.data.from} to={load.data.to} />.
          </p>
          {nothingReports(load.data) ? (
            <div className="empty-state panel" data-testid="no-computers">
              <p>No computers report yet.</p>
              <p>Figures appear once the Endpoint Protection agent on a customer’s computer reports to the service.</p>
            </div>
          ) : (
            <DeployedSection data={load.data} customerName={customerName} />
          )}

          <section
            id="offline"
            tabIndex={-1}
            className="panel panel--stack"
            aria-labelledby="offline-heading"
            data-testid="offline-computers"
          >
            <SectionHeader id="offline-heading" title="Offline computers">
              <CsvButton
                onExport={() => void exportOffline()}
                busy={downloading}
                testId="offline-csv"
                what="the offline computers"
              />
            </SectionHeader>
            <p>
              <span className="figures__value figures__value--inline" data-testid="offline-count">
                {formatNumber(load.data.offline.count)}
              </span>{' '}
              {load.data.offline.count === 1 ? 'computer has' : 'computers have'} not reported since{' '}
              <time dateTime={load.data.offline.since}>{formatDateTime(load.data.offline.since)}</time>.
            </p>
            <p className="field__hint">
              In the customer’s console (Manage), the Computers page lets you move offline computers to a group and
              delete it, so their licenses can be used by other computers.
            </p>
            {downloadProblem ? <ProblemAlert title="The CSV could not be downloaded" problem={downloadProblem} /> : null}
            <OfflineList
              state={offline}
              manage={manage}
              busy={busy}
              onRetry={() => {
                setOffline({ status: 'loading' });
                setOfflineAttempt((count) => count + 1);
              }}
            />
            {moreProblem ? <ProblemAlert title="More computers could not be loaded" problem={moreProblem} /> : null}
            {offline.status === 'loaded' && offline.nextCursor !== null ? (
              <LoadMore loading={loadingMore} onLoad={loadMore} testId="offline-load-more" />
            ) : null}
          </section>
        </>
      ) : null}
    </div>
  );
}

function DeployedSection({ data, customerName }: { data: DeploymentStatistics; customerName: string | null }) {
  const { deployed } = data;
  const resolution = rangeResolution(data.range);
  const osTotal = deployed.byOs.reduce((sum, row) => sum + row.count, 0);

  function exportOs() {
    downloadCsv(csvFilename('computers-by-os', data.range, customerName), deployed.byOs, [
      { header: 'Operating system', value: (row) => OS_LABELS[row.os] ?? row.os },
      { header: 'Computers', value: (row) => row.count },
    ]);
  }

  return (
    <section className="panel panel--stack" aria-labelledby="deployed-heading" data-testid="products-deployed">
      <SectionHeader id="deployed-heading" title="Products deployed" />
      <Figures
        label="Products deployed"
        figures={[
          { label: 'Total deployed', value: deployed.total, testId: 'deployed-total' },
          { label: 'Installed in this period', value: deployed.installedInRange, testId: 'deployed-installed' },
          { label: 'Removed in this period', value: deployed.removedInRange, testId: 'deployed-removed' },
        ]}
      />
      <div className="chart-grid">
        <div>
          <h3 className="subsection-title">Computers deployed</h3>
          <LineChart
            title="Computers deployed"
            points={deployed.series}
            series={TOTAL_SERIES}
            resolution={resolution}
            hideLegend
            testId="deployed-chart"
          />
        </div>
        <div>
          <h3 className="subsection-title">Installations and removals</h3>
          <StackedBarChart
            title="Installations and removals"
            points={deployed.series}
            series={INSTALL_SERIES}
            resolution={resolution}
            testId="installs-chart"
          />
        </div>
      </div>
      <div className="panel__header">
        <h3 id="os-heading" className="subsection-title">
          Operating systems
        </h3>
        {deployed.byOs.length > 0 ? (
          <CsvButton onExport={exportOs} testId="os-csv" what="the operating systems" />
        ) : null}
      </div>
      <BarList
        title="Computers deployed by operating system"
        items={deployed.byOs.map((row) => ({
          key: row.os,
          label: OS_LABELS[row.os] ?? row.os,
          value: row.count,
          detail: osTotal > 0 ? `${Math.round((row.count / osTotal) * 100)}%` : undefined,
        }))}
        emptyText="No computers are deployed."
        testId="os-breakdown"
      />
    </section>
  );
}

function OfflineList({
  state,
  manage,
  busy,
  onRetry,
}: {
  state: OfflineState;
  manage: (customerId: string, name: string) => Promise<void>;
  busy: string | null;
  onRetry: () => void;
}) {
  if (state.status === 'loading') {
    return (
      <p className="panel__note" role="status">
        Loading the offline computers…
      </p>
    );
  }
  if (state.status === 'failed') {
    return (
      <LoadFailed title="The offline computers could not be loaded" problem={state.problem} onRetry={onRetry} />
    );
  }
  if (state.items.length === 0) {
    return (
      <p className="panel__note">
        {state.nextCursor === null
          ? 'No computers are offline in this period.'
          : 'No offline computers of your customers in the first part of the list yet.'}
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table" aria-labelledby="offline-heading" data-testid="offline-table">
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Computer</th>
            <th scope="col">OS</th>
            <th scope="col">Group</th>
            <th scope="col">Agent version</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {state.items.map((item) => (
            <tr key={`${item.customerId}/${item.computerId}`} data-testid="offline-row">
              <td>
                <span className="table__primary">{item.customerName}</span>{' '}
                {item.manageable ? (
                  <ManageButton customerId={item.customerId} name={item.customerName} manage={manage} busy={busy} />
                ) : null}
              </td>
              <td>{item.name}</td>
              <td>{item.os}</td>
              <td>{item.group ?? <span className="muted">None</span>}</td>
              <td className="table__mono">{item.agentVersion}</td>
              <td>
                <time dateTime={item.lastSeen}>{formatDateTime(item.lastSeen)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
