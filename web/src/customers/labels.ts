import type {
  CapacityUnit,
  Communications,
  ConsentRequest,
  EntitlementView,
  MacAccess,
  ManagementType,
} from '../api/client';

/** Every management type, in the order the guide lists the answers. */
export const MANAGEMENT_TYPES: readonly ManagementType[] = ['partnerManaged', 'customerManaged', 'coManaged'];

/** The list's Type column and the filter (Table 2-1). */
export const MANAGEMENT_LABELS: Record<ManagementType, string> = {
  customerManaged: 'Customer Managed',
  partnerManaged: 'Partner Managed',
  coManaged: 'Co-Managed',
};

/** The answers to "Who manages this customer's product?" (Table 2-4). */
export const MANAGEMENT_ANSWERS: Record<ManagementType, string> = {
  partnerManaged: 'I will manage the products',
  customerManaged: 'The customer will manage the products',
  coManaged: 'Both the customer and I will manage the products',
};

export const MANAGEMENT_HINTS: Record<ManagementType, string> = {
  partnerManaged:
    'Creates a Partner Managed account: you can open the customer’s console, and the customer cannot sign in to it.',
  customerManaged: 'Creates a Customer Managed account: you see its products and usage, but cannot sign in to it.',
  coManaged: 'Creates a Co-Managed account: both you and the customer can sign in to its console.',
};

export const COMMUNICATIONS_VALUES: readonly Communications[] = ['partner', 'shared'];

/** The answers to "Do you want to manage all communications with this customer?" on the Add Customer page. */
export const NEW_CUSTOMER_COMMUNICATIONS: Record<Communications, { label: string; hint: string }> = {
  partner: {
    label: 'Yes, I will manage all communications with this customer',
    hint: 'The customer receives no emails from their account. You receive the welcome email to forward.',
  },
  shared: {
    label: 'No, allow the vendor to send welcome email and login credentials directly to this customer',
    hint: 'The customer receives account emails, and you receive a copy of each.',
  },
};

/** The communication settings on the Customer Profile page (Table 2-8). */
export const PROFILE_COMMUNICATIONS: Record<Communications, { label: string; hint: string }> = {
  partner: {
    label: 'I will manage all communications with this customer',
    hint: 'You receive all communications and alerts for the account; the customer receives no emails unless you forward them.',
  },
  shared: {
    label: 'Both the customer and I will manage communications',
    hint: 'Both you and the customer receive all communications, alerts and reports for the account.',
  },
};

export const MAC_ACCESS_LABELS: Record<MacAccess, string> = { allow: 'Allow', deny: 'Deny' };

/** Languages the console and its emails speak. */
export const LANGUAGES: readonly { value: string; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'de', label: 'German (Deutsch)' },
  { value: 'es', label: 'Spanish (Español)' },
  { value: 'fr', label: 'French (Français)' },
  { value: 'it', label: 'Italian (Italiano)' },
  { value: 'ja', label: 'Japanese (日本語)' },
  { value: 'ko', label: 'Korean (한국어)' },
  { value: 'nl', label: 'Dutch (Nederlands)' },
  { value: 'pl', label: 'Polish (Polski)' },
  { value: 'pt-BR', label: 'Portuguese, Brazil (Português)' },
  { value: 'ru', label: 'Russian (Русский)' },
  { value: 'zh-CN', label: 'Chinese, Simplified (简体中文)' },
  { value: 'zh-TW', label: 'Chinese, Traditional (繁體中文)' },
];

export function languageLabel(code: string): string {
  return LANGUAGES.find((language) => language.value === code)?.label ?? code;
}

/** Standard-time offsets in use around the world, with places that keep them. */
const OFFSETS: readonly [string, string][] = [
  ['-12:00', 'Baker Island'],
  ['-11:00', 'American Samoa, Niue'],
  ['-10:00', 'Hawaii, Tahiti'],
  ['-09:30', 'Marquesas Islands'],
  ['-09:00', 'Alaska'],
  ['-08:00', 'Pacific Time (US and Canada)'],
  ['-07:00', 'Mountain Time (US and Canada), Arizona'],
  ['-06:00', 'Central Time (US and Canada), Mexico City'],
  ['-05:00', 'Eastern Time (US and Canada), Bogotá, Lima'],
  ['-04:00', 'Atlantic Time (Canada), Caracas, Santiago'],
  ['-03:30', 'Newfoundland'],
  ['-03:00', 'Buenos Aires, São Paulo'],
  ['-02:00', 'South Georgia'],
  ['-01:00', 'Azores, Cape Verde'],
  ['', 'London, Lisbon, Dublin, Reykjavík'],
  ['+01:00', 'Berlin, Paris, Rome, Lagos'],
  ['+02:00', 'Athens, Helsinki, Cairo, Johannesburg'],
  ['+03:00', 'Istanbul, Moscow, Nairobi, Riyadh'],
  ['+03:30', 'Tehran'],
  ['+04:00', 'Dubai, Baku, Tbilisi'],
  ['+04:30', 'Kabul'],
  ['+05:00', 'Karachi, Tashkent, Yekaterinburg'],
  ['+05:30', 'India, Sri Lanka'],
  ['+05:45', 'Nepal'],
  ['+06:00', 'Dhaka, Bishkek'],
  ['+06:30', 'Yangon, Cocos Islands'],
  ['+07:00', 'Bangkok, Hanoi, Jakarta'],
  ['+08:00', 'Beijing, Singapore, Perth, Manila'],
  ['+08:45', 'Eucla'],
  ['+09:00', 'Tokyo, Seoul'],
  ['+09:30', 'Adelaide, Darwin'],
  ['+10:00', 'Sydney, Brisbane, Guam, Vladivostok'],
  ['+10:30', 'Lord Howe Island'],
  ['+11:00', 'Solomon Islands, New Caledonia'],
  ['+12:00', 'Auckland, Fiji'],
  ['+12:45', 'Chatham Islands'],
  ['+13:00', 'Samoa, Tonga'],
  ['+14:00', 'Line Islands (Kiribati)'],
];

/** "UTC" and "UTC±HH:MM" values, from UTC-12:00 to UTC+14:00. */
export const TIME_ZONES: readonly { value: string; label: string }[] = OFFSETS.map(([offset, places]) => {
  const value = `UTC${offset}`;
  return { value, label: `${value.replace('-', '−')} — ${places}` };
});

export function timeZoneLabel(value: string): string {
  return value.replace('-', '−');
}

const PRODUCT_TYPE_LABELS: Record<string, string> = {
  endpoint: 'Endpoint protection',
  email: 'Email security',
  web: 'Web security',
};

/** "endpoint" → "Endpoint protection"; product types this version does not know are capitalised. */
export function productTypeLabel(type: string): string {
  return PRODUCT_TYPE_LABELS[type] ?? type.charAt(0).toUpperCase() + type.slice(1);
}

type EntitlementStatus = EntitlementView['status'];

const STATUS_LABELS: Record<EntitlementStatus, string> = {
  trial: 'Trial',
  paid: 'Paid',
  held: 'Held for compliance review',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

/** `trial`, `paid`, `held`, … in words; statuses this version does not know are shown as sent. */
export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? status;
}

export function isLive(entitlement: EntitlementView): boolean {
  return entitlement.status === 'trial' || entitlement.status === 'paid' || entitlement.status === 'held';
}

const UNIT_NAMES: Record<CapacityUnit, [string, string]> = {
  devices: ['device', 'devices'],
  users: ['user', 'users'],
  mailboxes: ['mailbox', 'mailboxes'],
};

const numberFormat = new Intl.NumberFormat();

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

/** "50 devices", "1 mailbox"; without a unit, "50 seats". */
export function capacityLabel(seats: number, unit: CapacityUnit | null | undefined): string {
  const [one, many] = unit ? UNIT_NAMES[unit] : ['seat', 'seats'];
  return `${formatNumber(seats)} ${seats === 1 ? one : many}`;
}

/** "A 60-day trial with 50 seats" or "12-month subscription, renews automatically". */
export function durationLabel(type: 'trial' | 'paid', trialDays: number, termMonths: number): string {
  return type === 'trial'
    ? `${trialDays}-day trial`
    : `${termMonths}-month subscription, renews automatically`;
}

const REQUEST_STATUS_LABELS: Record<ConsentRequest['status'], string> = {
  pending: 'Pending',
  approved: 'Approved',
  denied: 'Denied',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
  cancelled: 'Cancelled',
};

export function requestStatusLabel(status: string): string {
  return (REQUEST_STATUS_LABELS as Record<string, string>)[status] ?? status;
}

/**
 * Whom a request is to: the customer's name, or for an import not yet approved the email
 * it was sent to (the console learns the customer's name only when they approve).
 */
export function requestSubject(request: ConsentRequest): string {
  return request.customerName ?? request.email;
}

/** What a request asks: "Import" or "Management change to Partner Managed". */
export function requestKindLabel(request: ConsentRequest): string {
  if (request.type === 'import') return 'Import';
  return request.management ? `Management change to ${MANAGEMENT_LABELS[request.management]}` : 'Management change';
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** An RFC 3339 timestamp as day, date and time in the user's locale and time zone. */
export function formatDateTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTimeFormat.format(date);
}

export function formatDate(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

/** A serial number in groups of five, as printed for people. */
export function groupSerial(serial: string): string {
  const compact = serial.replace(/[\s-]/g, '').toUpperCase();
  return compact.match(/.{1,5}/g)?.join('-') ?? serial;
}
