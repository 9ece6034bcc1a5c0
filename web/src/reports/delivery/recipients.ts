import { fieldSentence } from '../../admin/problems';
import { normalizeFieldPath } from '../../api/problem';
import { validateEmail } from '../../forms/validation';
import type { Delivery } from '../types';

/** The most other addresses one report or schedule is emailed to (the API's limit). */
export const MAX_OTHER_ADDRESSES = 20;
/** The most of the partner's users one report or schedule is emailed to (the API's limit). */
export const MAX_USER_RECIPIENTS = 100;

/** The recipients as the form holds them: the other addresses as typed. */
export interface RecipientsDraft {
  users: string[];
  attach: boolean;
  /** Other addresses, one a line (commas and semicolons separate too). */
  emails: string;
}

export const NO_RECIPIENTS: RecipientsDraft = { users: [], attach: false, emails: '' };

export type RecipientField = 'delivery.users' | 'delivery.emails';
export type RecipientErrors = Partial<Record<RecipientField, string>>;

/** The addresses typed, in order, blank entries left out. */
export function parseAddresses(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((address) => address.trim())
    .filter((address) => address !== '');
}

/**
 * The recipients as sent. Other addresses are sent only with "Email the report as an
 * attached file": without it their field is disabled, and a disabled field sends nothing.
 */
export function deliveryOf(draft: RecipientsDraft): Delivery {
  return { users: [...draft.users], emails: draft.attach ? parseAddresses(draft.emails) : [], attach: draft.attach };
}

export function hasRecipients(delivery: Delivery): boolean {
  return delivery.users.length > 0 || delivery.emails.length > 0;
}

export function recipientsDraftOf(delivery: Partial<Delivery> | undefined): RecipientsDraft {
  return {
    users: [...(delivery?.users ?? [])],
    attach: delivery?.attach ?? false,
    emails: (delivery?.emails ?? []).join('\n'),
  };
}

/** The checks the API makes that need no lookup: each address a mailbox, nobody twice, both lists bounded. */
export function validateRecipients(draft: RecipientsDraft): RecipientErrors {
  const errors: RecipientErrors = {};
  if (draft.users.length > MAX_USER_RECIPIENTS) {
    errors['delivery.users'] = `Choose at most ${MAX_USER_RECIPIENTS} users.`;
  }
  if (!draft.attach) return errors;
  const addresses = parseAddresses(draft.emails);
  const messages: string[] = [];
  if (addresses.length > MAX_OTHER_ADDRESSES) messages.push(`Enter at most ${MAX_OTHER_ADDRESSES} other addresses.`);
  const seen = new Set<string>();
  for (const address of addresses) {
    const key = address.toLowerCase();
    if (validateEmail(address) !== undefined) messages.push(`“${address}” is not a valid email address.`);
    else if (seen.has(key)) messages.push(`${address} is listed twice.`);
    seen.add(key);
  }
  if (messages.length > 0) errors['delivery.emails'] = messages.join(' ');
  return errors;
}

/** A message about one recipient, naming them: "x@example.com is chosen twice.", "Hal Abelson: no such user." */
function aboutRecipient(name: string, message: string): string {
  const sentence = fieldSentence(name, message);
  return sentence.startsWith(name) ? sentence : `${name}: ${message.trim().replace(/[.]$/, '')}.`;
}

/**
 * Where an error of the API about the recipients belongs, and the sentence it becomes:
 * `delivery.users[2]` on the users, named by name; `delivery.emails[0]` on the other
 * addresses, naming the address as sent. Null for a path outside `delivery`.
 */
export function placeRecipientError(
  field: string,
  message: string,
  sent: Delivery,
  userName: (id: string) => string,
): { field: RecipientField; message: string } | null {
  const path = normalizeFieldPath(field);
  const item = /^delivery\.(users|emails)(?:\[(\d+)\]|\.(\d+))$/.exec(path);
  if (item) {
    const index = Number(item[2] ?? item[3]);
    if (item[1] === 'users') {
      const id = sent.users[index];
      return { field: 'delivery.users', message: aboutRecipient(id ? userName(id) : 'A user', message) };
    }
    return { field: 'delivery.emails', message: aboutRecipient(sent.emails[index] ?? 'An address', message) };
  }
  if (path === 'delivery.users') return { field: 'delivery.users', message: fieldSentence('The users', message) };
  if (path === 'delivery.emails' || path === 'delivery.attach' || path === 'delivery') {
    return { field: 'delivery.emails', message: fieldSentence('The other addresses', message) };
  }
  return null;
}
