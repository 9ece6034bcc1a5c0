import './support.css';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { FailureAlert, failureOf, type Failure } from '../admin/problems';
import { saveBlob } from '../activity/saveBlob';
import { LoadMore } from '../components/LoadMore';
import { formatDateTime } from '../customers/labels';
import { CreateTicketDialog } from './CreateTicketDialog';
import {
  fetchTickets,
  fetchTicketsCsv,
  PERIODS,
  SEVERITY_LABELS,
  STATUS_LABELS,
  TICKETS_CSV_FILENAME,
  type Ticket,
  type TicketPeriod,
} from './api';

type Listing =
  | { status: 'loading' }
  | { status: 'failed'; failure: Failure }
  | { status: 'ready'; items: Ticket[]; nextCursor: string | null; loadingMore: boolean };

function periodOf(value: string | null): TicketPeriod | '' {
  return PERIODS.some((p) => p.value === value) ? (value as TicketPeriod) : '';
}

/**
 * Case Management (the guide's "Using the Support ticket listing", Table 6-1): the
 * partner's support cases, newest first, filtered by the period they were opened in;
 * Create Support Ticket in the Actions section; each case number opens its detail.
 */
export function CaseManagementPage() {
  const [params, setParams] = useSearchParams();
  const period = periodOf(params.get('period'));
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [creating, setCreating] = useState(false);
  const [csvFailure, setCsvFailure] = useState<Failure | null>(null);
  const navigate = useNavigate();

  function show(result: Awaited<ReturnType<typeof fetchTickets>>) {
    if (!result.ok) {
      setListing({ status: 'failed', failure: failureOf('The cases could not be loaded', result.problem) });
      return;
    }
    setListing({ status: 'ready', items: result.data.items, nextCursor: result.data.nextCursor ?? null, loadingMore: false });
  }

  useEffect(() => {
    let active = true;
    void fetchTickets(period).then((result) => {
      if (active) show(result);
    });
    return () => {
      active = false;
    };
  }, [period]);

  function reload() {
    setListing({ status: 'loading' });
    void fetchTickets(period).then(show);
  }

  async function loadMore() {
    if (listing.status !== 'ready' || listing.nextCursor === null) return;
    setListing({ ...listing, loadingMore: true });
    const result = await fetchTickets(period, listing.nextCursor);
    if (!result.ok) {
      setListing({ status: 'failed', failure: failureOf('More cases could not be loaded', result.problem) });
      return;
    }
    setListing({
      status: 'ready',
      items: [...listing.items, ...result.data.items],
      nextCursor: result.data.nextCursor ?? null,
      loadingMore: false,
    });
  }

  async function exportCsv() {
    setCsvFailure(null);
    const result = await fetchTicketsCsv(period);
    if (result.ok) saveBlob(result.data, TICKETS_CSV_FILENAME);
    else setCsvFailure(failureOf('The export failed', result.problem));
  }

  function choosePeriod(value: string) {
    const next = new URLSearchParams(params);
    setListing({ status: 'loading' });
    if (value === '') next.delete('period');
    else next.set('period', value);
    setParams(next, { replace: true });
  }

  return (
    <div className="page page--wide">
      <div className="page__header">
        <div>
          <h1 className="page__title">Case Management</h1>
          <p className="page__subtitle">Open and track support tickets for your customers and yourself.</p>
        </div>
        <div className="page__actions" aria-label="Actions" role="group">
          <button type="button" className="button button--secondary" onClick={() => void exportCsv()}>
            Export CSV
          </button>
          <button type="button" className="button" onClick={() => setCreating(true)} data-testid="create-ticket">
            Create Support Ticket
          </button>
        </div>
      </div>
      {csvFailure ? <FailureAlert failure={csvFailure} /> : null}
      <section className="panel panel--stack" aria-labelledby="cases-heading" aria-busy={listing.status === 'loading'}>
        <div className="panel__toolbar">
          <h2 id="cases-heading" className="panel__title">
            Support tickets
          </h2>
          <label className="field__label" htmlFor="case-period">
            Opened in{' '}
            <select
              id="case-period"
              className="field__input field__select"
              value={period}
              onChange={(event) => choosePeriod(event.target.value)}
              data-testid="case-period"
            >
              <option value="">Any time</option>
              {PERIODS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {listing.status === 'loading' ? <p className="panel__note">Loading cases…</p> : null}
        {listing.status === 'failed' ? <FailureAlert failure={listing.failure} /> : null}
        {listing.status === 'ready' && listing.items.length === 0 ? (
          <p className="panel__note">No support cases were opened in this period.</p>
        ) : null}
        {listing.status === 'ready' && listing.items.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-labelledby="cases-heading" data-testid="cases-table">
              <thead>
                <tr>
                  <th scope="col">Case number</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Product</th>
                  <th scope="col">Status</th>
                  <th scope="col">Date/Time Opened</th>
                </tr>
              </thead>
              <tbody>
                {listing.items.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <Link to={`/cases/${t.id}`} data-testid={`case-${t.caseNumber}`}>
                        {t.caseNumber}
                      </Link>
                    </td>
                    <td>{t.subject}</td>
                    <td>{t.severity ? SEVERITY_LABELS[t.severity] : 'Not yet evaluated'}</td>
                    <td>{t.product}</td>
                    <td>{STATUS_LABELS[t.status]}</td>
                    <td>{formatDateTime(t.openedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {listing.status === 'ready' && listing.nextCursor !== null ? (
          <LoadMore loading={listing.loadingMore} onLoad={() => void loadMore()} label="More cases" />
        ) : null}
      </section>
      {creating ? (
        <CreateTicketDialog
          onClose={() => {
            setCreating(false);
            reload();
          }}
          onCreated={(ticket) => {
            setCreating(false);
            void navigate(`/cases/${ticket.id}`);
          }}
        />
      ) : null}
    </div>
  );
}
