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
 *
 * Call it straight from the click: the tab is opened before the first `await` (a
 * browser lets a click open a window, not the answer of a request that came after
 * it), blank, and sent to the console once the session is started; when the browser
 * blocks it, no session is started and the user is told to allow pop-ups. It is opened
 * without `noopener` (which would hide whether it opened) and cut from this page
 * (`opener = null`) before it loads anything.
 */
export async function openCustomerConsole(customerId: string, name: string): Promise<Notice> {
  const tab = window.open('about:blank', '_blank');
  if (!tab) {
    return {
      tone: 'error',
      title: `${name}’s console could not be opened`,
      detail: 'The browser blocked the new tab: allow pop-ups for this site, then choose Manage customer again.',
    };
  }
  tab.opener = null;
  const result = await startManageSession(customerId);
  if (!result.ok) {
    tab.close();
    return { tone: 'error', title: 'The customer’s console could not be opened', detail: result.problem.detail ?? result.problem.title };
  }
  if (tab.closed) {
    return {
      tone: 'info',
      title: `The tab for ${name}’s console was closed before it opened.`,
      detail: `The session started lasts until ${formatDateTime(result.data.expiresAt)}; choose Manage customer again to open it.`,
    };
  }
  tab.location.href = new URL(manageUrl(result.data), window.location.origin).href;
  return {
    tone: 'info',
    title: `${name}’s console opened in a new tab.`,
    detail: `You are signed in with full administrative rights until ${formatDateTime(result.data.expiresAt)}. Sign out there to end the session.`,
  };
}
