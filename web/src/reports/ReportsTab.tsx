import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { appendNew } from '../api/paging';
import type { Problem } from '../api/problem';
import type { ApiResult } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FormAlert } from '../components/FormAlert';
import { LoadMore } from '../components/LoadMore';
import { formatNumber } from '../customers/labels';
import { LoadFailed, ProblemAlert } from '../customers/problems';
import { deleteReport, fetchReport, fetchReports } from './api';
import { LinkedReport, type LinkedReportState } from './LinkedReport';
import { ReportsTable } from './ReportsTable';
import type { Report } from './types';
import { useProcessingRefresh } from './useProcessingRefresh';
import { useReportFiles } from './useReportFiles';

/** Router state left for the Reports page: the report asked for, or the template saved. */
export interface ReportsLocationState {
  requested?: Report;
  /** Update Template mode's Save: the template's name, for the Report Templates tab. */
  savedTemplate?: string;
}

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: Report[]; nextCursor: string | null };

function reportsWord(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? 'report' : 'reports'}`;
}

/** Deletes the reports one by one; those deleted (or gone already) are handed on even when a later one fails. */
async function deleteAll(ids: readonly string[], onDeleted: (id: string) => void): Promise<ApiResult<number>> {
  for (const id of ids) {
    const result = await deleteReport(id);
    if (!result.ok && result.problem.status !== 404) return result;
    onDeleted(id);
  }
  return { ok: true, data: ids.length };
}

/**
 * The Reports tab (Table 3-1): the reports with their status, files and dates, Add and Delete.
 * A linked report (`?report=`) is marked in the table, or shown above it when it is not on
 * the first page.
 */
export function ReportsTab({ linkedReportId = null }: { linkedReportId?: string | null }) {
  const location = useLocation();
  const navigate = useNavigate();
  const requested = (location.state as ReportsLocationState | null)?.requested;
  const [requestedReport] = useState(requested);
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<Problem | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  /** The reports Delete asks about, as selected when it was pressed. */
  const [toDelete, setToDelete] = useState<string[] | null>(null);
  const [deleted, setDeleted] = useState<number | null>(null);
  const [linked, setLinked] = useState<LinkedReportState | null>(null);
  const files = useReportFiles();
  const generation = useRef(0);

  // The notice of a new report is shown once; a reload of the page does not repeat it.
  useEffect(() => {
    if (requested !== undefined) void navigate(location.pathname, { replace: true, state: null });
  }, [requested, navigate, location.pathname]);

  useEffect(() => {
    generation.current += 1;
    const current = generation.current;
    void fetchReports().then((result) => {
      if (current !== generation.current) return;
      if (!result.ok) {
        setList({ status: 'failed', problem: result.problem });
        return;
      }
      // The report just asked for is listed even when the list was read before it was stored.
      const items = [...result.data.items];
      if (requestedReport && !items.some((report) => report.id === requestedReport.id)) items.unshift(requestedReport);
      setList({ status: 'loaded', items, nextCursor: result.data.nextCursor ?? null });
      if (linkedReportId === null || items.some((report) => report.id === linkedReportId)) {
        setLinked(null);
        return;
      }
      // Not on the first page: read on its own, for the panel above the table.
      setLinked({ status: 'loading' });
      void fetchReport(linkedReportId).then((answer) => {
        if (current !== generation.current) return;
        setLinked(answer.ok ? { status: 'loaded', report: answer.data } : { status: 'failed', problem: answer.problem });
      });
    });
  }, [attempt, requestedReport, linkedReportId]);

  const items = list.status === 'loaded' ? list.items : [];

  const applyRefresh = useCallback((updated: Report[], gone: string[]) => {
    const byId = new Map(updated.map((report) => [report.id, report]));
    setList((previous) =>
      previous.status === 'loaded'
        ? {
            ...previous,
            items: previous.items
              .filter((report) => !gone.includes(report.id))
              .map((report) => byId.get(report.id) ?? report),
          }
        : previous,
    );
  }, []);
  useProcessingRefresh(items, applyRefresh);

  function reload() {
    setList({ status: 'loading' });
    setMoreProblem(null);
    setAttempt((count) => count + 1);
  }

  async function loadMore() {
    if (list.status !== 'loaded' || list.nextCursor === null || loadingMore) return;
    const current = generation.current;
    setLoadingMore(true);
    setMoreProblem(null);
    const result = await fetchReports(list.nextCursor);
    setLoadingMore(false);
    if (current !== generation.current) return;
    if (!result.ok) {
      setMoreProblem(result.problem);
      return;
    }
    setList((previous) =>
      previous.status === 'loaded'
        ? {
            status: 'loaded',
            items: appendNew(previous.items, result.data.items),
            nextCursor: result.data.nextCursor ?? null,
          }
        : previous,
    );
  }

  function select(id: string, on: boolean) {
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function removeFromList(id: string) {
    setList((previous) =>
      previous.status === 'loaded' ? { ...previous, items: previous.items.filter((report) => report.id !== id) } : previous,
    );
    setSelected((previous) => {
      const next = new Set(previous);
      next.delete(id);
      return next;
    });
  }

  // Only the reports shown count as selected.
  const selectedIds = items.filter((report) => selected.has(report.id)).map((report) => report.id);
  const shown = list.status === 'loaded';

  return (
    <section className="panel panel--stack" aria-labelledby="reports-heading" aria-busy={list.status === 'loading'}>
      <div className="panel__header">
        <h2 id="reports-heading" className="panel__title">
          Reports
        </h2>
        <Link to="/reports/new" className="button button--primary" data-testid="add-report">
          Add
        </Link>
      </div>

      {requestedReport ? (
        <FormAlert tone="success" title={`“${requestedReport.name}” was asked for.`}>
          <p>It is listed as Processing until its files are ready; this list follows it by itself.</p>
        </FormAlert>
      ) : null}
      {deleted !== null ? <FormAlert tone="success" title={`${reportsWord(deleted)} deleted.`} /> : null}
      {files.failure ? <ProblemAlert title={files.failure.title} problem={files.failure.problem} /> : null}

      {linked ? (
        <LinkedReport
          state={linked}
          onOpen={(report) => void files.open(report)}
          onDownload={(report, format) => void files.download(report, format)}
          busy={files.busy}
        />
      ) : null}

      {list.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading reports…
        </p>
      ) : null}
      {list.status === 'failed' ? (
        <LoadFailed title="The reports could not be loaded" problem={list.problem} onRetry={reload} />
      ) : null}

      {shown && items.length === 0 ? (
        <div className="empty-state" data-testid="reports-empty">
          <p>No reports yet. Use Add to make one with the report wizard.</p>
        </div>
      ) : null}

      {shown && items.length > 0 ? (
        <>
          <div className="reports-selection">
            <p className="panel__note" data-testid="reports-selected">
              {selectedIds.length === 0 ? 'Select reports to delete them.' : `${formatNumber(selectedIds.length)} selected.`}
            </p>
            <button
              type="button"
              className="button button--secondary button--danger-outline"
              onClick={() => {
                setDeleted(null);
                setToDelete(selectedIds);
              }}
              disabled={selectedIds.length === 0}
              data-testid="delete-reports"
            >
              Delete
            </button>
          </div>
          <ReportsTable
            reports={items}
            selected={selected}
            onSelect={select}
            onSelectAll={(on) => setSelected(on ? new Set(items.map((report) => report.id)) : new Set())}
            onOpen={(report) => void files.open(report)}
            onDownload={(report, format) => void files.download(report, format)}
            busy={files.busy}
            highlighted={linkedReportId}
          />
        </>
      ) : null}

      {moreProblem ? <ProblemAlert title="More reports could not be loaded" problem={moreProblem} /> : null}
      {shown && list.nextCursor !== null ? (
        <LoadMore loading={loadingMore} onLoad={loadMore} label="More" testId="reports-more" />
      ) : null}

      {toDelete !== null ? (
        <ConfirmDialog
          title={toDelete.length === 1 ? 'Delete this report?' : `Delete ${reportsWord(toDelete.length)}?`}
          keepLabel="Keep"
          confirmLabel="Delete"
          busyLabel="Deleting…"
          confirmTestId="delete-reports-confirm"
          run={() => deleteAll(toDelete, removeFromList)}
          failureTitle="Not every report could be deleted"
          onDone={(count) => {
            setToDelete(null);
            setDeleted(count);
          }}
          onClose={() => setToDelete(null)}
        >
          <p className="dialog__lead">
            {toDelete.length === 1 ? 'The report and its files are deleted.' : 'The reports and their files are deleted.'} This
            cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
