import { useEffect, useState, type FormEvent } from 'react';
import { FailureAlert, failureOf, type Failure } from '../../admin/problems';
import type { Problem } from '../../api/problem';
import { Dialog } from '../../components/Dialog';
import { TextField } from '../../components/fields';
import { SelectInput } from '../../customers/controls';
import { LoadFailed } from '../../customers/problems';
import { useFocusOnChange } from '../../customers/useFocusOnChange';
import { RecipientsFields } from '../delivery/RecipientsFields';
import type { RecipientsDraft } from '../delivery/recipients';
import { useRecipientUsers } from '../delivery/useRecipientUsers';
import { FORMAT_LABELS, inFormatOrder, reportTypeTitle } from '../labels';
import type { ReportSchedule, ReportTemplate } from '../types';
import { MAX_NAME } from '../wizard/draft';
import { createSchedule, fetchSchedule, updateSchedule } from './api';
import {
  draftOfSchedule,
  FREQUENCIES,
  FREQUENCY_HINTS,
  FREQUENCY_LABELS,
  hourLabel,
  HOURS,
  mapScheduleErrors,
  NEW_SCHEDULE,
  scheduleRequest,
  validateSchedule,
  type ScheduleDraft,
  type ScheduleErrors,
  type ScheduleField,
} from './draft';

const HOUR_OPTIONS = HOURS.map((hour) => ({ value: String(hour), label: hourLabel(hour) }));
const FREQUENCY_OPTIONS = FREQUENCIES.map((frequency) => ({ value: frequency, label: FREQUENCY_LABELS[frequency] }));

type Loaded = { status: 'loading' } | { status: 'failed'; problem: Problem } | { status: 'loaded'; etag: string };

interface ScheduleDialogProps {
  /** The schedule to edit; none to add one. */
  schedule?: ReportSchedule;
  /** The templates to choose from. */
  templates: readonly ReportTemplate[];
  onClose: () => void;
  onSaved: (schedule: ReportSchedule) => void;
  /** The list may have changed without an answer to show (a schedule left pending). */
  onStale: () => void;
}

/**
 * The guide's Add Report Schedule modal (name, Report Template, How Often, Starting
 * at), with the recipients of each report; with a schedule, the same form edits it.
 */
export function ScheduleDialog({ schedule, templates, onClose, onSaved, onStale }: ScheduleDialogProps) {
  const editing = schedule !== undefined;
  const [draft, setDraft] = useState<ScheduleDraft>(() => (schedule ? draftOfSchedule(schedule) : NEW_SCHEDULE));
  const [loaded, setLoaded] = useState<Loaded>(editing ? { status: 'loading' } : { status: 'loaded', etag: '' });
  const [attempt, setAttempt] = useState(0);
  const [errors, setErrors] = useState<ScheduleErrors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const recipients = useRecipientUsers();
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '.form__message, [aria-invalid="true"]');
  const scheduleId = schedule?.id;

  // The edit dialog works on the schedule as stored now, with its ETag.
  useEffect(() => {
    if (scheduleId === undefined) return;
    let active = true;
    void fetchSchedule(scheduleId).then((result) => {
      if (!active) return;
      if (!result.ok) {
        setLoaded({ status: 'failed', problem: result.problem });
        return;
      }
      setDraft(draftOfSchedule(result.data.schedule));
      setLoaded({ status: 'loaded', etag: result.data.etag });
    });
    return () => {
      active = false;
    };
  }, [scheduleId, attempt]);

  const userNames = new Map((recipients.users ?? []).map((user) => [user.id, user.name] as const));
  const describe = (message: string) => message.replace(/\busr_[A-Za-z0-9]+\b/g, (id) => userNames.get(id) ?? id);

  // The schedule's own template is offered even if the list no longer has it.
  const options = templates.map((template) => ({ value: template.id, label: template.name }));
  if (schedule && !templates.some((template) => template.id === schedule.templateId)) {
    options.unshift({ value: schedule.templateId, label: schedule.templateName });
  }
  const chosenTemplate = templates.find((template) => template.id === draft.templateId);

  function change(next: Partial<ScheduleDraft>, field?: ScheduleField) {
    setDraft((previous) => ({ ...previous, ...next }));
    if (field) setErrors((previous) => ({ ...previous, [field]: undefined }));
  }

  function fail(nextErrors: ScheduleErrors, nextFailure: Failure | null) {
    setErrors(nextErrors);
    setFailure(nextFailure);
    setFailures((count) => count + 1);
  }

  function reload() {
    setFailure(null);
    setErrors({});
    setLoaded({ status: 'loading' });
    setAttempt((count) => count + 1);
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy || loaded.status !== 'loaded') return;
    const invalid = validateSchedule(draft);
    if (Object.keys(invalid).length > 0) {
      fail(invalid, null);
      return;
    }
    const body = scheduleRequest(draft);
    setBusy(true);
    setFailure(null);
    const result =
      scheduleId === undefined ? await createSchedule(body) : await updateSchedule(scheduleId, loaded.etag, body);
    setBusy(false);
    if (result.ok) {
      onSaved(result.data.schedule);
      return;
    }
    const { problem } = result;
    const title = editing ? 'The schedule could not be saved' : 'The schedule could not be added';
    if (problem.status === 422) {
      const { fields, unmatched } = mapScheduleErrors(problem, body, describe);
      fail(fields, unmatched.length > 0 ? failureOf(title, problem, result.retryAfterSeconds, unmatched) : null);
      return;
    }
    // A schedule made but not confirmed is listed as pending: the list is read again.
    if (problem.status === 503) onStale();
    fail({}, failureOf(title, problem, result.retryAfterSeconds, []));
  }

  const title = editing ? 'Edit Report Schedule' : 'Add Report Schedule';

  return (
    <Dialog title={title} onClose={onClose} closeDisabled={busy} wide>
      {loaded.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading the schedule…
        </p>
      ) : null}
      {loaded.status === 'failed' ? (
        <>
          <LoadFailed title="The schedule could not be loaded" problem={loaded.problem} onRetry={reload} />
          <div className="dialog__actions">
            <button type="button" className="button button--secondary" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : null}
      {loaded.status === 'loaded' ? (
        <form ref={formRef} className="form" noValidate onSubmit={(event) => void save(event)} aria-busy={busy} data-testid="schedule-form">
          {failure ? <FailureAlert failure={failure} onReload={editing ? reload : undefined} reloadLabel="Reload schedule" /> : null}
          <div className="form__stack">
            <TextField
              name="schedule.name"
              label="Schedule name"
              value={draft.name}
              onChange={(name) => change({ name }, 'name')}
              error={errors.name}
              hint={`Up to ${MAX_NAME} characters. Each report it makes is listed under this name.`}
              autoComplete="off"
              testId="schedule-name"
            />
            <SelectInput
              name="schedule.templateId"
              label="Report Template"
              value={draft.templateId}
              onChange={(templateId) => change({ templateId }, 'templateId')}
              options={options}
              placeholder={options.length === 0 ? 'No templates yet' : 'Select a template'}
              error={errors.templateId}
              hint={
                chosenTemplate
                  ? `${reportTypeTitle(chosenTemplate.type)} in ${inFormatOrder(chosenTemplate.formats)
                      .map((format) => FORMAT_LABELS[format])
                      .join(', ')}.`
                  : 'Save templates from the report wizard’s Format Selection step.'
              }
              testId="schedule-template"
            />
            <div className="schedule-hours">
              <SelectInput
                name="schedule.frequency"
                label="How Often"
                value={draft.frequency}
                onChange={(frequency) => change({ frequency: frequency as ScheduleDraft['frequency'] }, 'frequency')}
                options={FREQUENCY_OPTIONS}
                placeholder="Select"
                error={errors.frequency}
                hint={draft.frequency === '' ? undefined : FREQUENCY_HINTS[draft.frequency]}
                testId="schedule-frequency"
              />
              <SelectInput
                name="schedule.hour"
                label="Starting at"
                value={draft.hour}
                onChange={(hour) => change({ hour }, 'hour')}
                options={HOUR_OPTIONS}
                placeholder="Select"
                error={errors.hour}
                hint="The time of day it runs, GMT."
                testId="schedule-hour"
              />
            </div>
          </div>

          <fieldset className="form__section">
            <legend className="form__legend">Recipients</legend>
            <p className="field__hint">
              Each report is also listed on the Reports tab. Emailing it is optional.
            </p>
            <RecipientsFields
              draft={draft.recipients}
              errors={errors}
              onChange={(next: Partial<RecipientsDraft>, field) => change({ recipients: { ...draft.recipients, ...next } }, field)}
              choices={recipients}
              prefix="schedule"
            />
          </fieldset>

          <div className="dialog__actions">
            <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" disabled={busy} data-testid="schedule-save">
              {busy ? 'Saving…' : editing ? 'Save' : 'Add'}
            </button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}
