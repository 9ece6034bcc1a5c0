/** Router state that opens the welcome wizard on Home (the help menu's "Welcome Wizard"). */
export const WELCOME_WIZARD_STATE = { welcomeWizard: true } as const;

export function asksForWizard(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as { welcomeWizard?: unknown }).welcomeWizard === true;
}

/** Where the browser remembers that a user has finished or dismissed the welcome. */
export function welcomeSeenKey(userId: string): string {
  return `pc.welcome.seen.${userId}`;
}

export function welcomeSeen(userId: string): boolean {
  try {
    return window.localStorage.getItem(welcomeSeenKey(userId)) !== null;
  } catch {
    // Storage refused (private mode, policies): show the welcome, it can be dismissed.
    return false;
  }
}

export function markWelcomeSeen(userId: string): void {
  try {
    window.localStorage.setItem(welcomeSeenKey(userId), new Date().toISOString());
  } catch {
    // Not remembered: the welcome shows again next time, which is harmless.
  }
}

export interface WizardStep {
  title: string;
  text: readonly string[];
  /** A page the step is about, opened by the step's link after the wizard closes. */
  link?: { to: string; label: string };
}

/** The tour of Home and the console, step by step. */
export const WIZARD_STEPS: readonly WizardStep[] = [
  {
    title: 'Welcome to the Partner Console',
    text: [
      'This is where you add your customers, provision their trials and subscriptions, watch their endpoint protection, receive alerts and send them reports.',
      'This short tour shows you around. You can open it again from the question mark in the banner.',
    ],
  },
  {
    title: 'Your Home page',
    text: [
      'Home is made of widgets: customer issues, your profile, quick tasks, deployment, risks, intrusions, threats and news.',
      'Drag a widget by its handle, or use its arrows from the keyboard, to order the page as you like. Remove what you do not need and bring it back from Add widgets.',
    ],
  },
  {
    title: 'One customer at a time',
    text: [
      'The Display filter at the top right shows Home for a single customer: the widgets then show that customer’s computers and events.',
    ],
  },
  {
    title: 'Add your customers',
    text: [
      'Quick Tasks and the Customers page add a new customer, with a welcome email for their administrator, or import a customer who already uses the service, once they approve.',
      'From a customer’s profile you start trials, activate products and ask to manage their account.',
    ],
    link: { to: '/customers', label: 'Open Customers' },
  },
  {
    title: 'Stay ahead of problems',
    text: [
      'Alerts collects what needs your attention across customers. Administration > Alert Notifications decides who is told, by email or SMS.',
    ],
    link: { to: '/alerts', label: 'Open Alerts' },
  },
  {
    title: 'Reports, made for you',
    text: [
      'Make reports in PDF, HTML, CSV or XML, with your colours and logo, and schedule them to be emailed. The Executive Summary comes every week and the Billing report every month on its own.',
    ],
    link: { to: '/reports', label: 'Open Reports' },
  },
  {
    title: 'Your team and your company',
    text: [
      'Administration holds your users and their roles, My Company (the support details your customers see), security settings and the audit trail.',
      'Need a hand? The question mark opens help for the page you are on, the FAQ, support tickets and feedback.',
    ],
  },
];
