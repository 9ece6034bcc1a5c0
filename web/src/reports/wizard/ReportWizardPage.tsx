import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { CustomerChoices } from '../../admin/CustomerAccessEditor';
import { FailureAlert, failureOf, type Failure } from '../../admin/problems';
import type { Problem } from '../../api/problem';
import { newIdempotencyKey } from '../../customers/api';
import { LoadFailed } from '../../customers/problems';
import { useFocusOnChange } from '../../customers/useFocusOnChange';
import { useCustomerChoices } from '../../statistics/shared';
import { createReport, fetchReportTypes } from '../api';
import '../reports.css';
import type { ReportsLocationState } from '../ReportsTab';
import type { ReportTypeInfo } from '../types';
import { DataSelectionStep } from './DataSelectionStep';
import {
  CONFIRMATION_STEP,
  firstInvalidStep,
  mapReportErrors,
  NEW_REPORT,
  reportRequest,
  stepOfErrors,
  STEPS,
  todayUtc,
  validateStep,
  withoutStep,
  withType,
  type DraftErrors,
  type ReportDraft,
} from './draft';
import { StepBar } from './StepBar';
import { ConfirmationStep, DeliveryStep, FormatSelectionStep, ReportSelectionStep } from './steps';

type TypesState =
  | { status: 'loading' }
  | { status: 'failed'; problem: Problem }
  | { status: 'loaded'; types: ReportTypeInfo[] };

/** The report wizard (the guide's "To configure a new report"): five steps, then Generate Report. */
export function ReportWizardPage() {
  const navigate = useNavigate();
  const [types, setTypes] = useState<TypesState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const customers = useCustomerChoices();
  const [draft, setDraft] = useState<ReportDraft>(NEW_REPORT);
  const [step, setStep] = useState(0);
  /** The furthest step reached; those before it that still hold are completed. */
  const [reached, setReached] = useState(0);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const shownStep = useRef(step);
  const attemptKey = useRef<{ body: string; key: string } | null>(null);
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

  /** A message of the API with the customers it names by id named by name. */
  function describe(message: string): string {
    return message.replace(/\bcus_[A-Za-z0-9]+\b/g, (id) => names.get(id) ?? id);
  }

  async function generate() {
    if (busy || !info) return;
    const invalid = firstInvalidStep(draft, info, today);
    if (invalid !== null) {
      refuse(validateStep(invalid, draft, info, today), null, invalid);
      return;
    }
    const body = reportRequest(draft, info);
    const serialized = JSON.stringify(body);
    if (attemptKey.current?.body !== serialized) attemptKey.current = { body: serialized, key: newIdempotencyKey() };
    setBusy(true);
    setFailure(null);
    const result = await createReport(body, attemptKey.current.key);
    setBusy(false);
    if (result.ok) {
      const state: ReportsLocationState = { requested: result.data };
      void navigate('/reports', { state });
      return;
    }
    const { problem } = result;
    const title = 'The report could not be asked for';
    if (problem.status === 422) {
      const { fields, unmatched } = mapReportErrors(problem, describe);
      const at = stepOfErrors(fields);
      if (at !== null && unmatched.length === 0) {
        refuse(fields, null, at);
        return;
      }
      refuse(fields, failureOf(title, problem, result.retryAfterSeconds, unmatched), at ?? step);
      return;
    }
    if (problem.status === 404) {
      const detail = problem.detail ? ` ${describe(problem.detail)}` : '';
      refuse(
        { 'options.customers': `A chosen customer is no longer in your customer list: remove it and try again.${detail}` },
        null,
        1,
      );
      return;
    }
    refuse({}, failureOf(title, problem, result.retryAfterSeconds, []), step);
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step === CONFIRMATION_STEP) void generate();
    else next();
  }

  const completed = STEPS.map(
    (_, index) => index < reached && Object.keys(validateStep(index, draft, info, today)).length === 0,
  );

  return (
    <div className="page">
      <title>Add Report · Partner Console</title>
      <div className="page__header">
        <div>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link to="/reports">Reports</Link>
          </nav>
          <h1 className="page__title">Add Report</h1>
        </div>
      </div>

      {types.status === 'loading' ? (
        <p className="panel__note" role="status">
          Loading the report types…
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

      {types.status === 'loaded' ? (
        <>
          <StepBar steps={STEPS} current={step} completed={completed} />
          <form
            ref={formRef}
            className="panel panel--stack"
            noValidate
            onSubmit={handleSubmit}
            aria-busy={busy}
            aria-labelledby="wizard-step-heading"
            data-testid="report-wizard"
          >
            <h2 id="wizard-step-heading" ref={headingRef} tabIndex={-1} className="panel__title">
              {STEPS[step]}
            </h2>
            {failure ? <FailureAlert failure={failure} /> : null}

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
              <DataSelectionStep draft={draft} info={info} errors={errors} choices={choices} today={today} onChange={change} />
            ) : null}
            {step === 2 && info ? <FormatSelectionStep draft={draft} errors={errors} onChange={change} info={info} /> : null}
            {step === 3 ? <DeliveryStep /> : null}
            {step === CONFIRMATION_STEP && info ? <ConfirmationStep draft={draft} info={info} /> : null}

            <div className="form__actions form__actions--split">
              {step > 0 ? (
                <button type="button" className="button button--secondary" onClick={back} disabled={busy} data-testid="wizard-back">
                  Back
                </button>
              ) : (
                <Link to="/reports" className="button button--secondary">
                  Cancel
                </Link>
              )}
              {step < CONFIRMATION_STEP ? (
                <button type="submit" className="button button--primary" data-testid="wizard-next">
                  Next
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
