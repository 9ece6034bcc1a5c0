import { normalizeFieldPath, type FieldError, type Problem } from '../../api/problem';
import { fieldSentence } from '../../admin/problems';
import { MAX_COMPUTER_NAME, MAX_NAMES, MAX_RULE_NAME, SERVICES, SEVERITIES } from './labels';
import type { AlertRule, Category, ComputerScope, RuleCustomer, RuleRequest, Service, Severity } from './types';

/** A category as a key of the grid's check boxes. */
export type CategoryKey = `${Service}.${Severity}`;

export function categoryKey(category: Category): CategoryKey {
  return `${category.service}.${category.severity}`;
}

/** The rule form as the dialog holds it. */
export interface RuleDraft {
  name: string;
  enabled: boolean;
  categories: CategoryKey[];
  /** False: all companies. */
  chooseCustomers: boolean;
  customers: RuleCustomer[];
  scope: ComputerScope;
  /** The computer or group names as typed: one a line, or separated by commas. */
  names: string;
  recipients: string[];
  customerContacts: boolean;
  webhookUrl: string;
}

export const NEW_RULE: RuleDraft = {
  name: '',
  enabled: true,
  categories: [],
  chooseCustomers: false,
  customers: [],
  scope: 'all',
  names: '',
  recipients: [],
  customerContacts: false,
  webhookUrl: '',
};

export function draftOf(rule: AlertRule): RuleDraft {
  return {
    name: rule.name,
    enabled: rule.enabled,
    categories: rule.categories.map(categoryKey),
    chooseCustomers: rule.customers !== null,
    customers: rule.customers === null ? [] : rule.customers.map(({ id, name }) => ({ id, name })),
    scope: rule.computers.scope,
    names: rule.computers.names.join('\n'),
    recipients: rule.recipients.map((recipient) => recipient.id),
    customerContacts: rule.customerContacts,
    webhookUrl: rule.webhook?.url ?? '',
  };
}

/** The names typed, each once (case-insensitively) and in the order typed. */
export function parseNames(text: string): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(/[\n,]/)) {
    const name = part.trim();
    if (name === '' || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    names.push(name);
  }
  return names;
}

/** The checked categories in the grid's order (by service, then by severity). */
export function orderedCategories(keys: readonly CategoryKey[]): Category[] {
  const checked = new Set(keys);
  const categories: Category[] = [];
  for (const service of SERVICES) {
    for (const severity of SEVERITIES) {
      if (checked.has(`${service}.${severity}`)) categories.push({ service, severity });
    }
  }
  return categories;
}

export function ruleRequest(draft: RuleDraft): RuleRequest {
  const url = draft.webhookUrl.trim();
  return {
    name: draft.name.trim(),
    enabled: draft.enabled,
    categories: orderedCategories(draft.categories),
    customers: draft.chooseCustomers ? draft.customers.map((customer) => customer.id) : null,
    computers: { scope: draft.scope, names: draft.scope === 'all' ? [] : parseNames(draft.names) },
    recipients: [...draft.recipients],
    customerContacts: draft.customerContacts,
    webhook: url === '' ? null : { url },
  };
}

/** A saved rule sent back as it is (the list's Enabled switch changes only `enabled`). */
export function requestOf(rule: AlertRule): RuleRequest {
  return ruleRequest(draftOf(rule));
}

/** The form's fields that can show an error. */
export const RULE_FIELDS = ['name', 'categories', 'customers', 'computers', 'recipients', 'webhook'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];
export type RuleErrors = Partial<Record<RuleField, string>>;

/** What a field's error is about, for messages such as "must be an https:// URL". */
const FIELD_SUBJECTS: Record<RuleField, string> = {
  name: 'The rule name',
  categories: 'The categories',
  customers: 'The company',
  computers: 'The name',
  recipients: 'The recipient',
  webhook: 'The webhook URL',
};

/** A field's message as a sentence; one that starts with an id ("cus_9 is not yours") keeps the id as it is. */
function asSentence(subject: string, message: string): string {
  const text = message.trim();
  return /^[a-z]+_\w/.test(text) ? `${text.replace(/[.]$/, '')}.` : fieldSentence(subject, text);
}

/** The form's field for an error of the API (`customers[0]`, `computers.names[2]`, `webhook.url` …). */
export function ruleFieldOf(path: string): RuleField | undefined {
  const head = /^[A-Za-z]+/.exec(normalizeFieldPath(path))?.[0];
  return RULE_FIELDS.find((field) => field === head);
}

/**
 * Maps the API's field errors onto the form: several messages for one field are joined,
 * ids are named (`describe`), and errors of no field are returned to be listed above.
 */
export function mapRuleErrors(
  problem: Problem,
  describe: (message: string) => string = (message) => message,
): { fields: RuleErrors; unmatched: FieldError[] } {
  const fields: RuleErrors = {};
  const unmatched: FieldError[] = [];
  for (const error of problem.errors ?? []) {
    const field = ruleFieldOf(error.field);
    if (field === undefined) {
      unmatched.push({ field: normalizeFieldPath(error.field), message: describe(error.message) });
      continue;
    }
    const message = asSentence(FIELD_SUBJECTS[field], describe(error.message));
    const existing = fields[field];
    if (existing === undefined) fields[field] = message;
    else if (!existing.includes(message)) fields[field] = `${existing} ${message}`;
  }
  return { fields, unmatched };
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** What the form checks before sending; the API checks the rest (private addresses, unknown ids). */
export function validateDraft(draft: RuleDraft): RuleErrors {
  const errors: RuleErrors = {};
  const name = draft.name.trim();
  if (name === '') errors.name = 'Enter a name for the rule.';
  else if (Array.from(name).length > MAX_RULE_NAME) errors.name = `Use at most ${MAX_RULE_NAME} characters.`;
  if (draft.categories.length === 0) errors.categories = 'Check at least one category.';
  if (draft.chooseCustomers) {
    if (draft.customers.length === 0) errors.customers = 'Choose at least one company, or All companies.';
    else if (draft.customers.length > MAX_NAMES) errors.customers = `Choose at most ${MAX_NAMES} companies.`;
  }
  if (draft.scope !== 'all') {
    const names = parseNames(draft.names);
    const what = draft.scope === 'computers' ? 'computer' : 'group';
    if (names.length === 0) errors.computers = `Enter at least one ${what} name.`;
    else if (names.length > MAX_NAMES) errors.computers = `Enter at most ${MAX_NAMES} names.`;
    else if (names.some((name) => Array.from(name).length > MAX_COMPUTER_NAME)) {
      errors.computers = `A name has at most ${MAX_COMPUTER_NAME} characters.`;
    }
  }
  if (draft.recipients.length > MAX_NAMES) errors.recipients = `Choose at most ${MAX_NAMES} recipients.`;
  const url = draft.webhookUrl.trim();
  if (url !== '') {
    const parsed = parseUrl(url);
    if (parsed === null || parsed.hostname === '') {
      errors.webhook = 'Enter the full address, like https://example.com/alerts.';
    } else if (parsed.protocol !== 'https:') errors.webhook = 'Use an https:// address: alerts are not sent unencrypted.';
  }
  return errors;
}
