import { api, type ActivityPage, type AuditRecord } from '../api/client';
import { authorizedResult, type ApiResult } from '../auth/session';

/** Records shown on Home, and loaded by each "Show more". */
export const ACTIVITY_PAGE_SIZE = 10;

/**
 * Records in the CSV download. The API answers one page as CSV, without a cursor
 * for the next one, so the download holds the newest records up to its page limit.
 */
export const ACTIVITY_CSV_LIMIT = 100;

export const ACTIVITY_CSV_FILENAME = 'activity.csv';

/** One page of the signed-in user's activity, newest first; `cursor` is the previous page's `nextCursor`. */
export function fetchActivity(cursor?: string): Promise<ApiResult<ActivityPage>> {
  const query = cursor === undefined ? { limit: ACTIVITY_PAGE_SIZE } : { limit: ACTIVITY_PAGE_SIZE, cursor };
  return authorizedResult((headers) => api.GET('/api/v1/me/activity', { params: { query }, headers }));
}

/** The signed-in user's activity as CSV (`Accept: text/csv`). */
export function fetchActivityCsv(): Promise<ApiResult<Blob>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/me/activity', {
      params: { query: { limit: ACTIVITY_CSV_LIMIT } },
      headers: { ...headers, Accept: 'text/csv' },
      parseAs: 'blob',
    }),
  );
}

/** Every action the API can record: a new one fails type-checking until it has a label. */
export const ACTION_LABELS: Record<AuditRecord['action'], string> = {
  'partner.signUp': 'Signed up',
  'auth.signIn': 'Signed in',
  'auth.signOut': 'Signed out',
  'licensing.activateProgramSerial': 'Activated the ExSP serial number',
  'customer.add': 'Added a customer',
  'customer.addProducts': 'Added products to a customer',
  'customer.convertTrial': 'Converted a trial to paid',
  'customer.cancelProduct': 'Cancelled a product',
  'customer.updateSettings': 'Changed customer settings',
  'customer.remove': 'Removed a customer',
  'customer.clearCompliance': 'Trade-compliance review cleared',
  'customer.changeManagement': 'Changed a management type',
  'consent.request': 'Asked a customer for consent',
  'consent.resend': 'Re-sent a consent request',
  'consent.withdraw': 'Withdrew a consent request',
  'consent.remind': 'Reminded a customer of a consent request',
  'consent.approve': 'Customer approved a request',
  'consent.deny': 'Customer denied a request',
  'customer.setPassword': 'Customer admin chose a password',
  'customer.resendWelcome': 'Sent a welcome email again',
  'customer.manage': 'Opened a Manage customer session',
  'portal.updateSettings': 'Changed settings in the customer portal',
  'user.add': 'Added a user',
  'user.update': 'Changed a user',
  'user.remove': 'Removed a user',
  'user.resendInvitation': 'Sent an invitation again',
  'user.acceptInvitation': 'Accepted an invitation',
  'auth.requestPasswordReset': 'Asked for a password reset link',
  'auth.resetPassword': 'Chose a new password from a reset link',
  'partner.verifyEmail': 'Confirmed the sign-up email',
  'partner.resendVerification': 'Sent the sign-up confirmation again',
  'partner.removeUnverified': 'Unconfirmed sign-up removed',
  'user.addContact': 'Added a contact preference',
  'user.updateContact': 'Changed a contact preference',
  'user.removeContact': 'Deleted a contact preference',
  'user.setupMfa': 'Started setting up two-step verification',
  'user.enableMfa': 'Turned on two-step verification',
  'user.disableMfa': 'Turned off two-step verification',
  'user.resetMfa': 'Reset a user’s two-step verification',
  'partner.updateSecurity': 'Changed the sign-in security settings',
  'partner.updateCompany': 'Changed My Company’s support information or language',
  'apiClient.create': 'Added an API client',
  'apiClient.revoke': 'Revoked an API client',
  'apiClient.token': 'API client signed in',
  'role.create': 'Added a role',
  'role.update': 'Changed a role',
  'role.delete': 'Deleted a role',
  'alert.dismiss': 'Dismissed alerts',
  'alertRule.create': 'Created an alert notification rule',
  'alertRule.update': 'Changed an alert notification rule',
  'alertRule.delete': 'Deleted an alert notification rule',
  'alertRule.test': 'Sent a test to an alert rule\'s webhook',
  'schedule.entitlements': 'Trials ended or subscriptions renewed',
  'customer.rotateIngestionKey': 'Made a new ingestion key for a customer',
  'user.updateLayout': 'Changed the Home page layout',
  'report.create': 'Asked for a report',
  'report.delete': 'Deleted a report',
  'branding.update': 'Changed the report customization',
  'reportTemplate.create': 'Saved a report template',
  'reportTemplate.update': 'Changed a report template',
  'reportTemplate.delete': 'Deleted a report template',
  'reportSchedule.create': 'Added a scheduled report',
  'reportSchedule.update': 'Changed a scheduled report',
  'reportSchedule.delete': 'Deleted a scheduled report',
  'supportTicket.create': 'Opened a support ticket',
  'supportTicket.update': 'Changed a support ticket',
  'supportTicket.comment': 'Commented on a support ticket',
  'supportTicket.addAttachment': 'Started attaching a file to a support ticket',
  'supportTicket.checkAttachment': 'Attached a file to a support ticket',
  'supportTicket.close': 'Closed a support ticket',
  'supportTicket.follow': 'Followed a support ticket',
  'supportTicket.unfollow': 'Stopped following a support ticket',
  'supportTicket.triage': 'Support changed a ticket’s severity or status',
  'feedback.submit': 'Sent feedback',
  'mail.suppress': 'Stopped emailing an address that bounced or marked mail as spam',
  'mail.liftSuppression': 'Lifted an email address’s suppression',
};

/** "auth.signIn" → "Signed in"; actions this version does not know are shown as sent. */
export function actionLabel(action: string): string {
  return (ACTION_LABELS as Record<string, string>)[action] ?? action;
}

export function outcomeLabel(outcome: AuditRecord['outcome']): string {
  return outcome === 'success' ? 'Succeeded' : 'Failed';
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** An RFC 3339 timestamp as a date and time in the user's locale and time zone. */
export function formatTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : timeFormat.format(date);
}
