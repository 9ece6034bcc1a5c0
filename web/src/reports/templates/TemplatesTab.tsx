import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { FailureAlert, failureOf, type Failure } from '../../admin/problems';
import type { Problem } from '../../api/problem';
import type { ApiResult } from '../../auth/session';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormAlert } from '../../components/FormAlert';
import { SelectAll } from '../../components/SelectAll';
import { newIdempotencyKey } from '../../customers/api';
import { formatDateTime, formatNumber } from '../../customers/labels';
import { LoadFailed } from '../../customers/problems';
import { FORMAT_LABELS, inFormatOrder, reportTypeTitle } from '../labels';
import type { ReportsLocationState } from '../ReportsTab';
import type { ReportTemplate } from '../types';
import { deleteTemplate, fetchTemplates, generateFromTemplate } from './api';

type ListState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; items: ReportTemplate[] };

function templatesWord(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? 'template' : 'templates'}`;
}

/**
 * Deletes the templates one by one; those deleted (or gone already) are handed on even
 * when a later one is refused. A refusal names the template (a schedule may use it).
 */
async function deleteAll(
  templates: readonly ReportTemplate[],
  onDeleted: (id: string) => void,
): Promise<ApiResult<number>> {
  for (const template of templates) {
    const result = await deleteTemplate(template.id);
    if (!result.ok && result.problem.status !== 404) {
      const { problem } = result;
      const reason = problem.detail ?? problem.title;
      return { ...result, problem: { ...problem, detail: `“${template.name}” was not deleted. ${reason}` } };
    }
    onDeleted(template.id);
  }
  return { ok: true, data: templates.length };
}

/** The guide's Table 3-2: the templates, Generate Report, Update Template mode, and Delete. */
export function TemplatesTab() {
  const location = useLocation();
  const navigate = useNavigate();
  const saved = (location.state as ReportsLocationState | null)?.savedTemplate;
  const [savedName] = useState(saved);
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [toDelete, setToDelete] = useState<ReportTemplate[] | null>(null);
  const [deleted, setDeleted] = useState<number | null>(null);
  /** The template a report is being asked for from. */
  const [generating, setGenerating] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const keys = useRef(new Map<string, string>());

  // The notice of a saved template is shown once; a reload of the page does not repeat it.
  useEffect(() => {
    if (saved !== undefined) void navigate(`${location.pathname}${location.search}`, { replace: true, state: null });
  }, [saved, navigate, location.pathname, location.search]);

  useEffect(() => {
    let active = true;
    void fetchTemplates().then((result) => {
      if (!active) return;
      setList(result.ok ? { status: 'loaded', items: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  const items = list.status === 'loaded' ? list.items : [];
  const selectedItems = items.filter((template) => selected.has(template.id));

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
      previous.status === 'loaded' ? { ...previous, items: previous.items.filter((template) => template.id !== id) } : previous,
    );
    select(id, false);
  }

  /** Generate Report: a report from the template, then the Reports tab, where it shows Processing. */
  async function generate(template: ReportTemplate) {
    if (generating !== null) return;
    // A retry after a failure is the same request.
    const key = keys.current.get(template.id) ?? newIdempotencyKey();
    keys.current.set(template.id, key);
    setGenerating(template.id);
    setFailure(null);
    const result = await generateFromTemplate(template.id, key);
    setGenerating(null);
    if (result.ok) {
      keys.current.delete(template.id);
      const state: ReportsLocationState = { requested: result.data };
      void navigate('/reports', { state });
      return;
    }
    setFailure(failureOf(`A report could not be made from “${template.name}”`, result.problem, result.retryAfterSeconds));
  }

  const shown = list.status === 'loaded';

  return (
    <section className="panel panel--stack" aria-labelledby="templates-heading" aria-busy={list.status === 'loading'}>
      <div className="panel__header">
        <h2 id="templates-heading" className="panel__title">
          Report Templates
        </h2>
      </div>
      <p className="panel__note">
        Save a template from the report wizard&apos;s Format Selection step. Any template can be generated again or
        scheduled.
      </p>

      {savedName !== undefined ? <FormAlert tone="success" title={`“${savedName}” was saved.`} /> : null}
      {deleted !== null ? <FormAlert tone="success" title={`${templatesWord(deleted)} deleted.`} /> : null}
      {failure ? <FailureAlert failure={failure} /> : null}

      {list.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading templates…
        </p>
      ) : null}
      {list.status === 'failed' ? (
        <LoadFailed
          title="The templates could not be loaded"
          problem={list.problem}
          onRetry={() => {
            setList({ status: 'loading' });
            setAttempt((count) => count + 1);
          }}
        />
      ) : null}

      {shown && items.length === 0 ? (
        <div className="empty-state" data-testid="templates-empty">
          <p>No templates yet. In the report wizard, use Save as template in the Format Selection step.</p>
        </div>
      ) : null}

      {shown && items.length > 0 ? (
        <>
          <div className="reports-selection">
            <p className="panel__note" data-testid="templates-selected">
              {selectedItems.length === 0
                ? 'Select templates to delete them.'
                : `${formatNumber(selectedItems.length)} selected.`}
            </p>
            <button
              type="button"
              className="button button--secondary button--danger-outline"
              onClick={() => {
                setDeleted(null);
                setToDelete(selectedItems);
              }}
              disabled={selectedItems.length === 0}
              data-testid="delete-templates"
            >
              Delete
            </button>
          </div>
          <div className="table-scroll">
            <table className="table plans-table" data-testid="templates-table">
              <caption className="visually-hidden">Report templates</caption>
              <thead>
                <tr>
                  <th scope="col" className="reports-table__check">
                    <SelectAll
                      total={items.length}
                      selected={selectedItems.length}
                      onChange={(on) => setSelected(on ? new Set(items.map((template) => template.id)) : new Set())}
                      label="Select all templates"
                      testId="templates-select-all"
                    />
                  </th>
                  <th scope="col">Actions</th>
                  <th scope="col">Report Template</th>
                  <th scope="col">Report Type</th>
                  <th scope="col">Format</th>
                  <th scope="col">Generated Date</th>
                </tr>
              </thead>
              <tbody>
                {items.map((template) => (
                  <tr key={template.id} data-testid="template-row" data-template-id={template.id}>
                    <td className="reports-table__check">
                      <input
                        type="checkbox"
                        className="checkbox__input"
                        checked={selected.has(template.id)}
                        onChange={(event) => select(template.id, event.target.checked)}
                        aria-label={`Select ${template.name}`}
                        data-testid="template-select"
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => void generate(template)}
                        disabled={generating !== null}
                        aria-label={`Generate Report from ${template.name}`}
                        data-testid="template-generate"
                      >
                        {generating === template.id ? 'Generating…' : 'Generate Report'}
                      </button>
                    </td>
                    <td className="table__primary">
                      <Link
                        to={`/reports/templates/${encodeURIComponent(template.id)}`}
                        title="Opens the report wizard in Update Template mode"
                        data-testid="template-open"
                      >
                        {template.name}
                      </Link>
                      {template.automatic ? (
                        <span className="status status--automatic" title="Every partner receives this report">
                          Automatic
                        </span>
                      ) : null}
                    </td>
                    <td>{reportTypeTitle(template.type)}</td>
                    <td>{inFormatOrder(template.formats).map((format) => FORMAT_LABELS[format]).join(', ')}</td>
                    <td className="reports-table__time" data-testid="template-generated">
                      {template.firstGeneratedAt ? (
                        <time dateTime={template.firstGeneratedAt}>{formatDateTime(template.firstGeneratedAt)}</time>
                      ) : (
                        'Never'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}

      {toDelete !== null ? (
        <ConfirmDialog
          title={toDelete.length === 1 ? 'Delete this template?' : `Delete ${templatesWord(toDelete.length)}?`}
          keepLabel="Keep"
          confirmLabel="Delete"
          busyLabel="Deleting…"
          confirmTestId="delete-templates-confirm"
          run={() => deleteAll(toDelete, removeFromList)}
          failureTitle="Not every template could be deleted"
          onDone={(count) => {
            setToDelete(null);
            setDeleted(count);
          }}
          onClose={() => setToDelete(null)}
        >
          <p className="dialog__lead">
            Reports already made from {toDelete.length === 1 ? 'it' : 'them'} stay on the Reports tab. A template that a
            scheduled report uses cannot be deleted. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
