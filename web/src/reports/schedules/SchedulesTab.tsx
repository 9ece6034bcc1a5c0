import { useEffect, useState } from 'react';
import type { Problem } from '../../api/problem';
import type { ApiResult } from '../../auth/session';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormAlert } from '../../components/FormAlert';
import { SelectAll } from '../../components/SelectAll';
import { formatDateTime, formatNumber } from '../../customers/labels';
import { LoadFailed, ProblemAlert } from '../../customers/problems';
import { FORMAT_LABELS, inFormatOrder } from '../labels';
import { fetchTemplates } from '../templates/api';
import type { ReportSchedule, ReportTemplate, ScheduleState } from '../types';
import { deleteSchedule, fetchSchedules } from './api';
import { ScheduleDialog } from './ScheduleDialog';

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: ReportSchedule[] };

type Templates = { status: 'loading' } | { status: 'failed'; problem: Problem } | { status: 'loaded'; items: ReportTemplate[] };

/** What a schedule not yet in step with its EventBridge schedule shows. */
const STATE_LABELS: Readonly<Record<Exclude<ScheduleState, 'active'>, { label: string; title: string }>> = {
  pending: { label: 'Pending', title: 'Being set up: it becomes active within minutes.' },
  deleting: { label: 'Deleting', title: 'Marked for removal: it makes no more reports and is removed within minutes.' },
};

function schedulesWord(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? 'scheduled report' : 'scheduled reports'}`;
}

/** How a Delete went: the schedules removed, and those only marked for removal with the API's words. */
interface Deletion {
  removed: number;
  marked: { name: string; detail: string }[];
}

/**
 * Deletes the schedules one by one. A 503 means the schedule was marked for removal and
 * goes within minutes: it is reported, not a failure. Another refusal stops, naming the
 * schedule, with those before it handed on.
 */
async function deleteAll(
  schedules: readonly ReportSchedule[],
  onRemoved: (id: string) => void,
): Promise<ApiResult<Deletion>> {
  const deletion: Deletion = { removed: 0, marked: [] };
  for (const schedule of schedules) {
    const result = await deleteSchedule(schedule.id);
    if (result.ok || result.problem.status === 404) {
      deletion.removed += 1;
      onRemoved(schedule.id);
      continue;
    }
    const { problem } = result;
    if (problem.status === 503) {
      deletion.marked.push({ name: schedule.name, detail: problem.detail ?? problem.title });
      continue;
    }
    return { ...result, problem: { ...problem, detail: `“${schedule.name}” was not deleted. ${problem.detail ?? problem.title}` } };
  }
  return { ok: true, data: deletion };
}

/** The guide's Table 3-3: the scheduled reports, Add, edit (the name) and Delete. */
export function SchedulesTab() {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [templates, setTemplates] = useState<Templates>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [toDelete, setToDelete] = useState<ReportSchedule[] | null>(null);
  const [deletion, setDeletion] = useState<Deletion | null>(null);
  /** The dialog: Add (null schedule) or edit. */
  const [dialog, setDialog] = useState<{ schedule?: ReportSchedule } | null>(null);
  const [savedNotice, setSavedNotice] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    void fetchSchedules().then((result) => {
      if (!active) return;
      setList(result.ok ? { status: 'loaded', items: result.data } : { status: 'failed', problem: result.problem });
    });
    void fetchTemplates().then((result) => {
      if (!active) return;
      setTemplates(result.ok ? { status: 'loaded', items: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  const items = list.status === 'loaded' ? list.items : [];
  const selectedItems = items.filter((schedule) => selected.has(schedule.id));
  const templateItems = templates.status === 'loaded' ? templates.items : [];

  function reload() {
    setList((previous) => (previous.status === 'failed' ? { status: 'loading' } : previous));
    setAttempt((count) => count + 1);
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
      previous.status === 'loaded' ? { ...previous, items: previous.items.filter((schedule) => schedule.id !== id) } : previous,
    );
    select(id, false);
  }

  function saved(schedule: ReportSchedule) {
    const editing = dialog?.schedule !== undefined;
    setDialog(null);
    setDeletion(null);
    setSavedNotice(editing ? `“${schedule.name}” was saved.` : `“${schedule.name}” was added.`);
    setList((previous) => {
      if (previous.status !== 'loaded') return previous;
      const others = previous.items.filter((item) => item.id !== schedule.id);
      return {
        ...previous,
        items: editing ? previous.items.map((item) => (item.id === schedule.id ? schedule : item)) : [...others, schedule],
      };
    });
  }

  const shown = list.status === 'loaded';

  return (
    <section className="panel panel--stack" aria-labelledby="schedules-heading" aria-busy={list.status === 'loading'}>
      <div className="panel__header">
        <h2 id="schedules-heading" className="panel__title">
          Scheduled Reports
        </h2>
        <button
          type="button"
          className="button button--primary"
          onClick={() => {
            setSavedNotice(null);
            setDialog({});
          }}
          disabled={templates.status !== 'loaded'}
          data-testid="add-schedule"
        >
          Add
        </button>
      </div>
      <p className="panel__note">
        Any report template can run by itself, daily, weekly, monthly or quarterly, for the last full period (GMT).
      </p>

      {savedNotice !== null ? <FormAlert tone="success" title={savedNotice} /> : null}
      {deletion !== null && deletion.removed > 0 ? (
        <FormAlert tone="success" title={`${schedulesWord(deletion.removed)} deleted.`} />
      ) : null}
      {deletion !== null && deletion.marked.length > 0 ? (
        <FormAlert tone="info" title="Marked for removal">
          <ul data-testid="schedules-marked">
            {deletion.marked.map((marked) => (
              <li key={marked.name}>
                “{marked.name}”: {marked.detail}
              </li>
            ))}
          </ul>
        </FormAlert>
      ) : null}
      {templates.status === 'failed' ? (
        <ProblemAlert title="The report templates could not be loaded" problem={templates.problem} />
      ) : null}

      {list.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading scheduled reports…
        </p>
      ) : null}
      {list.status === 'failed' ? (
        <LoadFailed title="The scheduled reports could not be loaded" problem={list.problem} onRetry={reload} />
      ) : null}

      {shown && items.length === 0 ? (
        <div className="empty-state" data-testid="schedules-empty">
          <p>
            No scheduled reports yet.{' '}
            {templates.status === 'loaded' && templateItems.length === 0
              ? 'Save a report template in the report wizard first, then use Add.'
              : 'Use Add to run a report template on a schedule.'}
          </p>
        </div>
      ) : null}

      {shown && items.length > 0 ? (
        <>
          <div className="reports-selection">
            <p className="panel__note" data-testid="schedules-selected">
              {selectedItems.length === 0
                ? 'Select scheduled reports to delete them.'
                : `${formatNumber(selectedItems.length)} selected.`}
            </p>
            <button
              type="button"
              className="button button--secondary button--danger-outline"
              onClick={() => {
                setDeletion(null);
                setSavedNotice(null);
                setToDelete(selectedItems);
              }}
              disabled={selectedItems.length === 0}
              data-testid="delete-schedules"
            >
              Delete
            </button>
          </div>
          <div className="table-scroll">
            <table className="table plans-table" data-testid="schedules-table">
              <caption className="visually-hidden">Scheduled reports</caption>
              <thead>
                <tr>
                  <th scope="col" className="reports-table__check">
                    <SelectAll
                      total={items.length}
                      selected={selectedItems.length}
                      onChange={(on) => setSelected(on ? new Set(items.map((schedule) => schedule.id)) : new Set())}
                      label="Select all scheduled reports"
                      testId="schedules-select-all"
                    />
                  </th>
                  <th scope="col">Schedule Name</th>
                  <th scope="col">Report Template</th>
                  <th scope="col">Format</th>
                  <th scope="col">Schedule</th>
                </tr>
              </thead>
              <tbody>
                {items.map((schedule) => {
                  const state = schedule.state === 'active' ? null : STATE_LABELS[schedule.state];
                  return (
                    <tr key={schedule.id} data-testid="schedule-row" data-schedule-id={schedule.id} data-state={schedule.state}>
                      <td className="reports-table__check">
                        <input
                          type="checkbox"
                          className="checkbox__input"
                          checked={selected.has(schedule.id)}
                          onChange={(event) => select(schedule.id, event.target.checked)}
                          aria-label={`Select ${schedule.name}`}
                          data-testid="schedule-select"
                        />
                      </td>
                      <td className="table__primary">
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => {
                            setSavedNotice(null);
                            setDialog({ schedule });
                          }}
                          disabled={templates.status !== 'loaded'}
                          title="Edit the schedule"
                          data-testid="schedule-open"
                        >
                          {schedule.name}
                        </button>
                        {schedule.automatic ? (
                          <span className="status status--automatic" title="Every partner receives this report">
                            Automatic
                          </span>
                        ) : null}
                        {state ? (
                          <span
                            className={`status status--schedule-${schedule.state}`}
                            title={state.title}
                            data-testid="schedule-state"
                          >
                            {state.label}
                          </span>
                        ) : null}
                      </td>
                      <td>{schedule.templateName}</td>
                      <td>{inFormatOrder(schedule.formats).map((format) => FORMAT_LABELS[format]).join(', ')}</td>
                      <td data-testid="schedule-runs">
                        {schedule.runs}
                        {schedule.nextRun ? (
                          <small className="table__secondary">
                            next <time dateTime={schedule.nextRun}>{formatDateTime(schedule.nextRun)}</time>
                          </small>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      ) : null}

      {dialog !== null ? (
        <ScheduleDialog
          schedule={dialog.schedule}
          templates={templateItems}
          onClose={() => setDialog(null)}
          onSaved={saved}
          onStale={reload}
        />
      ) : null}

      {toDelete !== null ? (
        <ConfirmDialog
          title={toDelete.length === 1 ? 'Delete this scheduled report?' : `Delete ${schedulesWord(toDelete.length)}?`}
          keepLabel="Keep"
          confirmLabel="Delete"
          busyLabel="Deleting…"
          confirmTestId="delete-schedules-confirm"
          run={() => deleteAll(toDelete, removeFromList)}
          failureTitle="Not every scheduled report could be deleted"
          onDone={(result) => {
            setToDelete(null);
            setDeletion(result);
            // Those only marked for removal are listed as Deleting.
            if (result && result.marked.length > 0) reload();
          }}
          onClose={() => setToDelete(null)}
        >
          <p className="dialog__lead">
            {toDelete.length === 1 ? 'It makes' : 'They make'} no more reports. Reports already made stay on the Reports tab.
            This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
