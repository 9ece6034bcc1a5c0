import { manageUrl, startManageSession } from './api';
import { formatDateTime } from './labels';

/** A message above the page's content, after an action. */
export interface Notice {
  tone: 'success' | 'error' | 'info';
  title: string;
  detail?: string | undefined;
}

/**
 * "Manage Customer": a delegated session opens the customer's console in a new tab.
 * Answers what to tell the user, whether it opened or not.
 */
export async function openCustomerConsole(customerId: string, name: string): Promise<Notice> {
  const result = await startManageSession(customerId);
  if (!result.ok) {
    return { tone: 'error', title: 'The customer’s console could not be opened', detail: result.problem.detail ?? result.problem.title };
  }
  window.open(manageUrl(result.data), '_blank', 'noopener');
  return {
    tone: 'info',
    title: `${name}’s console opened in a new tab.`,
    detail: `You are signed in with full administrative rights until ${formatDateTime(result.data.expiresAt)}. Sign out there to end the session.`,
  };
}
