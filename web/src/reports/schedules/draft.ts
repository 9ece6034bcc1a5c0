import { fieldSentence } from '../../admin/problems';
import { normalizeFieldPath, type FieldError, type Problem } from '../../api/problem';
import {
  deliveryOf,
  NO_RECIPIENTS,
  placeRecipientError,
  recipientsDraftOf,
  validateRecipients,
  type RecipientField,
  type RecipientsDraft,
} from '../delivery/recipients';
import { MAX_NAME } from '../wizard/draft';
import type { Frequency, ReportSchedule, ScheduleRequest } from '../types';

/** How Often, in the guide's order and words. */
export const FREQUENCIES: readonly Frequency[] = ['daily', 'weekly', 'monthly', 'quarterly'];

export const FREQUENCY_LABELS: Readonly<Record<Frequency, string>> = {
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
  quarterly: 'Quarterly',
};

/** When each runs and the period its report covers (the last full one, GMT). */
export const FREQUENCY_HINTS: Readonly<Record<Frequency, string>> = {
  daily: 'Every day, for the day before.',
  weekly: 'On Mondays, for the week before (Monday to Sunday).',
  monthly: 'On the 1st, for the month before.',
  quarterly: 'On 1 January, April, July and October, for the quarter before.',
};

/** "06:00 GMT". */
export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00 GMT`;
}

export const HOURS: readonly number[] = Array.from({ length: 24 }, (_, hour) => hour);

/** The Add Report Schedule dialog's choices, as the form holds them. */
export interface ScheduleDraft {
  name: string;
  templateId: string;
  frequency: Frequency | '';
  /** The hour as its option's value, '' until chosen. */
  hour: string;
  recipients: RecipientsDraft;
}

export const NEW_SCHEDULE: ScheduleDraft = {
  name: '',
  templateId: '',
  frequency: '',
  hour: '',
  recipients: NO_RECIPIENTS,
};

export function draftOfSchedule(schedule: ReportSchedule): ScheduleDraft {
  return {
    name: schedule.name,
    templateId: schedule.templateId,
    frequency: schedule.frequency,
    hour: String(schedule.hour),
    recipients: recipientsDraftOf(schedule.delivery),
  };
}

export type ScheduleField = 'name' | 'templateId' | 'frequency' | 'hour' | RecipientField;
export type ScheduleErrors = Partial<Record<ScheduleField, string>>;

export function validateSchedule(draft: ScheduleDraft): ScheduleErrors {
  const errors: ScheduleErrors = {};
  const name = draft.name.trim();
  if (name === '') errors.name = 'Enter a name for the schedule.';
  else if (Array.from(name).length > MAX_NAME) errors.name = `Use at most ${MAX_NAME} characters.`;
  if (draft.templateId === '') errors.templateId = 'Select a report template.';
  if (draft.frequency === '') errors.frequency = 'Select how often the report runs.';
  if (draft.hour === '') errors.hour = 'Select the hour it runs at.';
  return { ...errors, ...validateRecipients(draft.recipients) };
}

/** The request body of a valid draft. */
export function scheduleRequest(draft: ScheduleDraft): ScheduleRequest {
  return {
    name: draft.name.trim(),
    templateId: draft.templateId,
    frequency: draft.frequency === '' ? 'daily' : draft.frequency,
    hour: Number(draft.hour),
    delivery: deliveryOf(draft.recipients),
  };
}

const LABELS: Readonly<Record<Exclude<ScheduleField, RecipientField>, string>> = {
  name: 'The schedule name',
  templateId: 'The report template',
  frequency: 'How Often',
  hour: 'Starting at',
};

export interface MappedScheduleErrors {
  fields: ScheduleErrors;
  unmatched: FieldError[];
}

/** A 422's field errors on the dialog's fields; `describe` names users by name. */
export function mapScheduleErrors(
  problem: Problem,
  sent: ScheduleRequest,
  describe: (message: string) => string,
): MappedScheduleErrors {
  const fields: ScheduleErrors = {};
  const unmatched: FieldError[] = [];
  const delivery = { users: sent.delivery?.users ?? [], emails: sent.delivery?.emails ?? [], attach: sent.delivery?.attach ?? false };
  function add(field: ScheduleField, message: string) {
    const existing = fields[field];
    fields[field] = existing ? `${existing} ${message}` : message;
  }
  for (const error of problem.errors ?? []) {
    const path = normalizeFieldPath(error.field);
    const recipient = placeRecipientError(path, describe(error.message), delivery, describe);
    if (recipient) {
      add(recipient.field, recipient.message);
      continue;
    }
    if (path in LABELS) {
      const field = path as keyof typeof LABELS;
      add(field, fieldSentence(LABELS[field], describe(error.message)));
      continue;
    }
    unmatched.push({ field: path, message: describe(error.message) });
  }
  return { fields, unmatched };
}
