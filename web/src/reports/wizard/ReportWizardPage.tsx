import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { CustomerChoices } from '../../admin/CustomerAccessEditor';
import { FailureAlert, failureOf, type Failure } from '../../admin/problems';
import type { Problem } from '../../api/problem';
import { newIdempotencyKey } from '../../customers/api';
import { LoadFailed } from '../../customers/problems';
import { useFocusOnChange } from '../../customers/useFocusOnChange';
import { useCustomerChoices } from '../../statistics/shared';
import { createReport, fetchReportTypes } from '../api';
import { deliveryOf } from '../delivery/recipients';
import { useRecipientUsers } from '../delivery/useRecipientUsers';
import '../reports.css';
import type { ReportsLocationState } from '../ReportsTab';
import { TEMPLATES_TAB } from '../tabs';
import { createTemplate, fetchTemplate, updateTemplate } from '../templates/api';
import type { Delivery, ReportTypeInfo } from '../types';
import { DataSelectionStep } from './DataSelectionStep';
import {
  CONFIRMATION_STEP,
  draftOfTemplate,
  firstInvalidStep,
  mapReportErrors,
  NEW_REPORT,
  reportRequest,
  stepOfErrors,
  STEPS,
  templateRequest,
  todayUtc,
  validateStep,
  withoutStep,
  withType,
  type DraftErrors,
  type ReportDraft,
} from './draft';
import { StepBar } from './StepBar';
import { ConfirmationStep, DeliveryStep, FormatSelectionStep, ReportSelectionStep, SaveAsTemplate } from './steps';

type TypesState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; types: ReportTypeInfo[] };

/** Update Template mode's template: loading, failed, or loaded with the `ETag` its Save sends back. */
type TemplateState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; etag: string };

/** The key of a create, kept while its body is unchanged, so a retry is the same request. */
interface AttemptKey {
  body: string;
  key: string;
}

function keyFor(previous: AttemptKey | null, body: unknown): AttemptKey {
  const serialized = JSON.stringify(body);
  return previous?.body === serialized ? previous : { body: serialized, key: newIdempotencyKey() };
}

/**
 * The report wizard (the guide's "To configure a new report"): five steps, then
 * Generate Report; Format Selection can save the configuration as a template. At
 * `/reports/templates/:templateId` it is in Update Template mode: the template's
 * choices, saved back to it.
 */
export function ReportWizardPage() {
  const navigate = useNavigate();
  const { templateId } = useParams();
  const updating = templateId !== undefined;
  const [types, setTypes] = useState<TypesState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [template, setTemplate] = useState<TemplateState>(updating ? { status: 'loading' } : { status: 'loaded', etag: '' });
  const [templateAttempt, setTemplateAttempt] = useState(0);
  const customers = useCustomerChoices();
  const recipients = useRecipientUsers(!updating);
  const [draft, setDraft] = useState<ReportDraft>(NEW_REPORT);
  const [step, setStep] = useState(0);
  /** The furthest step reached; those before it that still hold are completed. */
  const [reached, setReached] = useState(0);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [savingTemplate, setSavingTemplate] = useState(false);
  /** The template body last saved with "Save as template", and its name. */
  const [savedTemplate, setSavedTemplate] = useState<{ body: string; name: string } | null>(null);
  const [failures, setFailures] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const shownStep = useRef(step);
  const reportKey = useRef<AttemptKey | null>(null);
  const templateKey = useRef<AttemptKey | null>(null);
  const today = todayUtc();

  useEffect(() => {
    let active = true;
    void fetchReportTypes().then((result) => {
      if (active) setTypes(result.ok ? { status: 'loaded', types: result.data } : { status: 'failed', problem: result.problem });
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  // Update Template mode starts from the template, every step done.
  useEffect(() => {
    if (templateId === undefined) return;
    let active = true;
    void fetchTemplate(templateId).then((result) => {
      if (!active) return;
      if (!result.ok) {
        setTemplate({ status: 'failed', problem: result.problem });
        return;
      }
      setDraft(draftOfTemplate(result.data.template));
      setReached(CONFIRMATION_STEP);
      setTemplate({ status: 'loaded', etag: result.data.etag });
    });
    return () => {
      active = false;
    };
  }, [templateId, templateAttempt]);

  // A new step takes focus at its heading; a refused step then moves it to its first error (below).
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    headingRef.current?.focus();
  }, [step]);
  const formRef = useFocusOnChange<HTMLFormElement>(failures, '.form__message, [aria-invalid="true"]');

  const typeList = types.status === 'loaded' ? types.types : [];
  const info = typeList.find((candidate) => candidate.type === draft.type);
  const choices: CustomerChoices = {
    rows: customers.rows,
    done: customers.status === 'loaded',
    problem: customers.status === 'failed' ? customers.problem : null,
  };
  const names = new Map([
    ...draft.customers.map((customer) => [customer.id, customer.name] as const),
    ...customers.rows.map((row) => [row.id, row.name] as const),
  ]);
  const userNames = new Map((recipients.users ?? []).map((user) => [user.id, user.name] as const));
  // A template names its customers by id; the customer list names them.
  const shownDraft: ReportDraft = {
    ...draft,
    customers: draft.customers.map((customer) => ({ ...customer, name: names.get(customer.id) ?? customer.name })),
  };

  function change(next: Partial<ReportDraft>, field?: keyof DraftErrors) {
    setDraft((previous) => ({ ...previous, ...next }));
    if (field) setErrors((previous) => ({ ...previous, [field]: undefined }));
  }

  function refuse(nextErrors: DraftErrors, nextFailure: Failure | null, atStep: number) {
    setErrors(nextErrors);
    setFailure(nextFailure);
    setStep(atStep);
    setFailures((count) => count + 1);
  }

  function next() {
    const stepErrors = validateStep(step, draft, info, today);
    if (Object.keys(stepErrors).length > 0) {
      refuse(stepErrors, null, step);
      return;
    }
    setErrors((previous) => withoutStep(previous, step));
    setFailure(null);
    setStep(step + 1);
    setReached((furthest) => Math.max(furthest, step + 1));
  }

  function back() {
    setFailure(null);
    setStep(Math.max(0, step - 1));
  }

  /** A message of the API with the customers and users it names by id named by name. */
  function describe(message: string): string {
    return message.replace(/\b(?:cus|usr)_[A-Za-z0-9]+\b/g, (id) => names.get(id) ?? userNames.get(id) ?? id);
  }

  /** The first step of `upTo` that is not done, refused; true when all are done. */
  function stepsDone(upTo: number): boolean {
    for (let index = 0; index < upTo; index += 1) {
      const stepErrors = validateStep(index, draft, info, today);
      if (Object.keys(stepErrors).length > 0) {
        refuse(stepErrors, null, index);
        return false;
      }
    }
    return true;
  }

  /**
   * A refused request: field errors on their steps, anything else above the form.
   * `sent` is the request's recipients, which the API's errors name by index.
   */
  function refused(title: string, problem: Problem, retryAfterSeconds: number | undefined, sent?: Delivery) {
    if (problem.status === 422) {
      const { fields, unmatched } = mapReportErrors(problem, describe, sent);
      const at = stepOfErrors(fields);
      if (at !== null && unmatched.length === 0) {
        refuse(fields, null, at);
        return;
      }
      refuse(fields, failureOf(title, problem, retryAfterSeconds, unmatched), at ?? step);
      return;
    }
    // In Update Template mode a 404 may be the template itself: its reason is shown as it came.
    if (problem.status === 404 && !updating) {
      const detail = problem.detail ? ` ${describe(problem.detail)}` : '';
      refuse(
        { 'options.customers': `A chosen customer is no longer in your customer list: remove it and try again.${detail}` },
        null,
        1,
      );
      return;
    }
    refuse({}, failureOf(title, problem, retryAfterSeconds, []), step);
  }

  async function generate() {
    if (busy || !info) return;
    const invalid = firstInvalidStep(draft, info, today);
    if (invalid !== null) {
      refuse(validateStep(invalid, draft, info, today), null, invalid);
      return;
    }
    const body = reportRequest(draft, info);
    reportKey.current = keyFor(reportKey.current, body);
    setBusy(true);
    setFailure(null);
    const result = await createReport(body, reportKey.current.key);
    setBusy(false);
    if (result.ok) {
      const state: ReportsLocationState = { requested: result.data };
      void navigate('/reports', { state });
      return;
    }
    refused('The report could not be asked for', result.problem, result.retryAfterSeconds, deliveryOf(draft.delivery));
  }

  /** "Save as template": the choices of the first three steps, as a new template. */
  async function saveAsTemplate() {
    if (savingTemplate || !info || !stepsDone(3)) return;
    const body = templateRequest(draft, info);
    templateKey.current = keyFor(templateKey.current, body);
    setSavingTemplate(true);
    setFailure(null);
    const result = await createTemplate(body, templateKey.current.key);
    setSavingTemplate(false);
    if (result.ok) {
      setSavedTemplate({ body: templateKey.current.body, name: result.data.template.name });
      return;
    }
    refused('The template could not be saved', result.problem, result.retryAfterSeconds);
  }

  /** Update Template mode's Save Template: the template replaced, if nobody changed it meanwhile. */
  async function saveTemplate() {
    if (busy || !info || templateId === undefined || template.status !== 'loaded') return;
    const invalid = firstInvalidStep(draft, info, today);
    if (invalid !== null) {
      refuse(validateStep(invalid, draft, info, today), null, invalid);
      return;
    }
    setBusy(true);
    setFailure(null);
    const result = await updateTemplate(templateId, template.etag, templateRequest(draft, info));
    setBusy(false);
    if (result.ok) {
      const state: ReportsLocationState = { savedTemplate: result.data.template.name };
      void navigate(`/reports?tab=${TEMPLATES_TAB}`, { state });
      return;
    }
    refused('The template could not be saved', result.problem, result.retryAfterSeconds);
  }

  function reloadTemplate() {
    setFailure(null);
    setErrors({});
    setStep(0);
    setTemplate({ status: 'loading' });
    setTemplateAttempt((count) => count + 1);
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step !== CONFIRMATION_STEP) next();
    else if (updating) void saveTemplate();
    else void generate();
  }

  const completed = STEPS.map(
    (_, index) => index < reached && Object.keys(validateStep(index, draft, info, today)).length === 0,
  );
  const title = updating ? 'Update Template' : 'Add Report';
  const templateBody = info ? JSON.stringify(templateRequest(draft, info)) : null;

  return (
    <div className="page">
      <title>{`${title} · Partner Console`}</title>
      <div className="page__header">
        <div>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            {updating ? <Link to={`/reports?tab=${TEMPLATES_TAB}`}>Report Templates</Link> : <Link to="/reports">Reports</Link>}
          </nav>
          <h1 className="page__title">{title}</h1>
        </div>
      </div>

      {types.status === 'loading' || template.status === 'loading' ? (
        <p className="panel__note" role="status">
          {updating ? 'Loading the template…' : 'Loading the report types…'}
        </p>
      ) : null}
      {types.status === 'failed' ? (
        <LoadFailed
          title="The report types could not be loaded"
          problem={types.problem}
          onRetry={() => {
            setTypes({ status: 'loading' });
            setAttempt((count) => count + 1);
          }}
        />
      ) : null}
      {template.status === 'failed' ? (
        <LoadFailed title="The template could not be loaded" problem={template.problem} onRetry={reloadTemplate} />
      ) : null}

      {types.status === 'loaded' && template.status === 'loaded' ? (
        <>
          <StepBar steps={STEPS} current={step} completed={completed} />
          <form
            ref={formRef}
            className="panel panel--stack"
            noValidate
            onSubmit={handleSubmit}
            aria-busy={busy || savingTemplate}
            aria-labelledby="wizard-step-heading"
            data-testid="report-wizard"
            data-mode={updating ? 'update-template' : 'add-report'}
          >
            <h2 id="wizard-step-heading" ref={headingRef} tabIndex={-1} className="panel__title">
              {STEPS[step]}
            </h2>
            {failure ? (
              <FailureAlert failure={failure} onReload={updating ? reloadTemplate : undefined} reloadLabel="Reload template" />
            ) : null}

            {step === 0 ? (
              <ReportSelectionStep
                draft={draft}
                errors={errors}
                onChange={change}
                types={typeList}
                onType={(chosen) => {
                  setDraft((previous) => withType(previous, chosen));
                  setErrors((previous) => ({ ...previous, type: undefined, formats: undefined, options: undefined }));
                }}
              />
            ) : null}
            {step === 1 && info ? (
              <DataSelectionStep draft={shownDraft} info={info} errors={errors} choices={choices} today={today} onChange={change} />
            ) : null}
            {step === 2 && info ? (
              <>
                <FormatSelectionStep draft={draft} errors={errors} onChange={change} info={info} />
                {updating ? null : (
                  <SaveAsTemplate
                    onSave={() => void saveAsTemplate()}
                    busy={savingTemplate}
                    saved={savedTemplate !== null && savedTemplate.body === templateBody ? savedTemplate.name : null}
                  />
                )}
              </>
            ) : null}
            {step === 3 ? (
              <DeliveryStep
                draft={draft}
                errors={errors}
                onChange={(delivery, field) => change({ delivery: { ...draft.delivery, ...delivery } }, field)}
                choices={recipients}
                template={updating}
              />
            ) : null}
            {step === CONFIRMATION_STEP && info ? (
              <ConfirmationStep
                draft={shownDraft}
                info={info}
                userName={(id) => userNames.get(id) ?? id}
                template={updating}
              />
            ) : null}

            <div className="form__actions form__actions--split">
              {step > 0 ? (
                <button type="button" className="button button--secondary" onClick={back} disabled={busy} data-testid="wizard-back">
                  Back
                </button>
              ) : (
                <Link to={updating ? `/reports?tab=${TEMPLATES_TAB}` : '/reports'} className="button button--secondary">
                  Cancel
                </Link>
              )}
              {step < CONFIRMATION_STEP ? (
                <button type="submit" className="button button--primary" data-testid="wizard-next">
                  Next
                </button>
              ) : updating ? (
                <button type="submit" className="button button--primary" disabled={busy} data-testid="save-template-changes">
                  {busy ? 'Saving…' : 'Save Template'}
                </button>
              ) : (
                <button type="submit" className="button button--primary" disabled={busy} data-testid="generate-report">
                  {busy ? 'Generating…' : 'Generate Report'}
                </button>
              )}
            </div>
          </form>
        </>
      ) : null}
    </div>
  );
}
