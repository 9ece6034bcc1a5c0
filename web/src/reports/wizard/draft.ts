import { fieldSentence } from '../../admin/problems';
import { normalizeFieldPath, type FieldError, type Problem } from '../../api/problem';
import type { Range } from '../../charts/range';
import type { PickedCustomer } from '../../components/CustomerPicker';
import {
  deliveryOf,
  hasRecipients,
  NO_RECIPIENTS,
  placeRecipientError,
  validateRecipients,
  type RecipientsDraft,
} from '../delivery/recipients';
import type {
  ComputerScope,
  Delivery,
  Format,
  ReportBy,
  ReportOptions,
  ReportPeriod,
  ReportRequest,
  ReportTemplate,
  ReportType,
  ReportTypeInfo,
  TemplateRequest,
} from '../types';

/** The wizard's steps, in the guide's order. */
export const STEPS = ['Report Selection', 'Data Selection', 'Format Selection', 'Delivery', 'Confirmation'] as const;
export const CONFIRMATION_STEP = STEPS.length - 1;

/** The longest report name (the API's limit). */
export const MAX_NAME = 100;
/** The longest custom period, in days (the API's limit). */
export const MAX_PERIOD_DAYS = 400;

/** A range ending when the report is made, or custom dates. */
export type PeriodChoice = Range | 'days';

/** The wizard's choices, as the form holds them. */
export interface ReportDraft {
  name: string;
  type: ReportType | '';
  period: PeriodChoice;
  /** `YYYY-MM-DD`, for custom dates. */
  from: string;
  to: string;
  allCustomers: boolean;
  customers: PickedCustomer[];
  computers: ComputerScope;
  includeMac: boolean;
  reportBy: ReportBy;
  activeUsersOnly: boolean;
  formats: Format[];
  /** Who receives the report by email (the Delivery step); a template keeps none. */
  delivery: RecipientsDraft;
}

export const NEW_REPORT: ReportDraft = {
  name: '',
  type: '',
  period: '7d',
  from: '',
  to: '',
  allCustomers: false,
  customers: [],
  computers: 'all',
  includeMac: false,
  reportBy: 'computers',
  activeUsersOnly: false,
  formats: ['pdf'],
  delivery: NO_RECIPIENTS,
};

/** The fields errors are shown on, named by their path in the request body as the API reports them. */
export type DraftField =
  | 'name'
  | 'type'
  | 'options.period'
  | 'options.customers'
  | 'options'
  | 'formats'
  | 'delivery.users'
  | 'delivery.emails';
export type DraftErrors = Partial<Record<DraftField, string>>;

/** The step each field is on. */
const FIELD_STEPS: Readonly<Record<DraftField, number>> = {
  name: 0,
  type: 0,
  'options.period': 1,
  'options.customers': 1,
  options: 1,
  formats: 2,
  'delivery.users': 3,
  'delivery.emails': 3,
};

/** A new type chosen: its formats are offered afresh, PDF checked (or its first format without PDF). */
export function withType(draft: ReportDraft, info: ReportTypeInfo): ReportDraft {
  const formats: Format[] = info.formats.includes('pdf') ? ['pdf'] : info.formats.slice(0, 1);
  return { ...draft, type: info.type, formats };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Today as the API counts days (UTC), `YYYY-MM-DD`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function periodError(draft: ReportDraft, today: string): string | undefined {
  if (draft.period !== 'days') return undefined;
  if (!DAY.test(draft.from) || !DAY.test(draft.to)) return 'Choose the first and the last day of the period.';
  if (draft.to < draft.from) return 'The last day must not be before the first.';
  if (draft.from > today) return 'The period must not start in the future.';
  if (daysBetween(draft.from, draft.to) + 1 > MAX_PERIOD_DAYS) return `The period can be at most ${MAX_PERIOD_DAYS} days.`;
  return undefined;
}

/** What keeps a step from being done; an empty object when it is. */
export function validateStep(step: number, draft: ReportDraft, info: ReportTypeInfo | undefined, today: string): DraftErrors {
  const errors: DraftErrors = {};
  if (step === 0) {
    const name = draft.name.trim();
    if (name === '') errors.name = 'Enter a name for the report.';
    else if (Array.from(name).length > MAX_NAME) errors.name = `Use at most ${MAX_NAME} characters.`;
    if (draft.type === '') errors.type = 'Select a report type.';
  }
  if (step === 1) {
    const period = periodError(draft, today);
    if (period) errors['options.period'] = period;
    if (!draft.allCustomers && draft.customers.length === 0) {
      errors['options.customers'] = 'Select at least one customer, or All customers.';
    }
  }
  if (step === 2) {
    const offered = draft.formats.filter((format) => info?.formats.includes(format) ?? true);
    if (offered.length === 0) errors.formats = 'Select at least one format.';
  }
  if (step === 3) Object.assign(errors, validateRecipients(draft.delivery));
  return errors;
}

/** The first step that is not done, or null when every step is. */
export function firstInvalidStep(draft: ReportDraft, info: ReportTypeInfo | undefined, today: string): number | null {
  for (let step = 0; step < CONFIRMATION_STEP; step += 1) {
    if (Object.keys(validateStep(step, draft, info, today)).length > 0) return step;
  }
  return null;
}

function period(draft: ReportDraft): ReportPeriod {
  return draft.period === 'days' ? { kind: 'days', from: draft.from, to: draft.to } : { kind: 'last', range: draft.period };
}

/** A template's body: the report's type, data and formats, without recipients. */
export function templateRequest(draft: ReportDraft, info: ReportTypeInfo): TemplateRequest {
  const options: ReportOptions = draft.allCustomers
    ? { period: period(draft), customers: [], allCustomers: true }
    : { period: period(draft), customers: draft.customers.map((customer) => customer.id) };
  if (info.options.computers) options.computers = draft.computers;
  if (info.options.mac) options.includeMac = draft.includeMac;
  if (info.options.reportBy) options.reportBy = draft.reportBy;
  if (info.options.activeUsers) options.activeUsersOnly = draft.activeUsersOnly;
  return {
    name: draft.name.trim(),
    type: info.type,
    formats: info.formats.filter((format) => draft.formats.includes(format)),
    options,
  };
}

/** The request body: only the options the type offers, the formats in the type's order, and the recipients if any. */
export function reportRequest(draft: ReportDraft, info: ReportTypeInfo): ReportRequest {
  const delivery = deliveryOf(draft.delivery);
  const request: ReportRequest = templateRequest(draft, info);
  if (hasRecipients(delivery)) request.delivery = delivery;
  return request;
}

/**
 * A template as the wizard's choices (Update Template mode). Its customers are named
 * by id until the customer list names them.
 */
export function draftOfTemplate(template: ReportTemplate): ReportDraft {
  const { options } = template;
  return {
    name: template.name,
    type: template.type,
    period: options.period.kind === 'last' ? options.period.range : 'days',
    from: options.period.kind === 'days' ? options.period.from : '',
    to: options.period.kind === 'days' ? options.period.to : '',
    allCustomers: template.allCustomers ?? false,
    customers: template.allCustomers ? [] : options.customers.map((id) => ({ id, name: id })),
    computers: options.computers ?? NEW_REPORT.computers,
    includeMac: options.includeMac ?? NEW_REPORT.includeMac,
    reportBy: options.reportBy ?? NEW_REPORT.reportBy,
    activeUsersOnly: options.activeUsersOnly ?? NEW_REPORT.activeUsersOnly,
    formats: [...template.formats],
    delivery: NO_RECIPIENTS,
  };
}

/** The words for the options an error may name. */
const OPTION_LABELS: Readonly<Record<string, string>> = {
  'options.computers': 'The computers option',
  'options.includeMac': 'Mac computers',
  'options.reportBy': 'Report By',
  'options.activeUsersOnly': 'Active users only',
};

/**
 * Where an error of the API belongs, and what to call the field in a sentence:
 * `formats[1]` is on the formats, `options.customers[0]` on the customers,
 * `options.period.from` on the period, any other option on the options.
 */
function placeOf(path: string): { field: DraftField; label: string } | null {
  const base = path.replace(/\[\d+\]/g, '');
  if (base === 'name') return { field: 'name', label: 'The report name' };
  if (base === 'type') return { field: 'type', label: 'The report type' };
  if (base === 'formats') return { field: 'formats', label: 'A format' };
  if (base === 'options.customers' || base === 'options.allCustomers') {
    return { field: 'options.customers', label: 'A customer' };
  }
  if (base.startsWith('options.period')) return { field: 'options.period', label: 'The time period' };
  if (base.startsWith('options.')) return { field: 'options', label: OPTION_LABELS[base] ?? 'This option' };
  return null;
}

export interface MappedReportErrors {
  fields: DraftErrors;
  unmatched: FieldError[];
}

/**
 * A 422's field errors on the wizard's fields (several for one field are joined);
 * `describe` names ids, `sent` is the request's recipients, which errors name by index.
 */
export function mapReportErrors(
  problem: Problem,
  describe: (message: string) => string,
  sent: Delivery = deliveryOf(NO_RECIPIENTS),
): MappedReportErrors {
  const fields: DraftErrors = {};
  const unmatched: FieldError[] = [];
  function add(field: DraftField, message: string) {
    const existing = fields[field];
    fields[field] = existing ? `${existing} ${message}` : message;
  }
  for (const error of problem.errors ?? []) {
    const path = normalizeFieldPath(error.field);
    const recipient = placeRecipientError(path, describe(error.message), sent, describe);
    if (recipient) {
      add(recipient.field, recipient.message);
      continue;
    }
    const place = placeOf(path);
    if (place === null) {
      unmatched.push({ field: path, message: describe(error.message) });
      continue;
    }
    add(place.field, fieldSentence(place.label, describe(error.message)));
  }
  return { fields, unmatched };
}

/** The errors without those of one step's fields (the step is done; the API's errors on other steps stay). */
export function withoutStep(errors: DraftErrors, step: number): DraftErrors {
  const kept: DraftErrors = {};
  for (const field of Object.keys(errors) as DraftField[]) {
    if (FIELD_STEPS[field] !== step) kept[field] = errors[field];
  }
  return kept;
}

/** The first step with an error, for the wizard to go back to. */
export function stepOfErrors(errors: DraftErrors): number | null {
  const steps = (Object.keys(errors) as DraftField[]).filter((field) => errors[field]).map((field) => FIELD_STEPS[field]);
  return steps.length > 0 ? Math.min(...steps) : null;
}
