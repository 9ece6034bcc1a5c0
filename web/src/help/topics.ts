/**
 * The console's own help: one topic per page, the FAQ and the troubleshooting articles.
 * "Learn more about this page" opens the topic of the page you are on
 * ({@link topicForPath}); the Help contents list them all.
 */

export interface HelpSection {
  heading: string;
  /** Paragraphs, in order. */
  text?: readonly string[];
  /** Numbered steps. */
  steps?: readonly string[];
  /** A list of terms and what they mean (a table's columns, a form's fields). */
  terms?: readonly (readonly [term: string, meaning: string])[];
}

export interface HelpTopic {
  id: string;
  title: string;
  /** One sentence: what the page is for. */
  summary: string;
  /** The console page the topic describes, where there is one. */
  page?: string;
  sections: readonly HelpSection[];
  /** Other topics worth reading next. */
  related?: readonly string[];
  /** How the contents group it. */
  group: 'Getting started' | 'Customers' | 'Monitoring' | 'Reports' | 'Administration' | 'Help and support';
}

export const HELP_TOPICS: readonly HelpTopic[] = [
  {
    id: 'home',
    group: 'Getting started',
    title: 'Home',
    page: '/',
    summary: 'Your dashboard: the state of every customer at a glance, in widgets you arrange.',
    sections: [
      {
        heading: 'Widgets',
        text: [
          'The first time you sign in, every widget is on the page. Drag a widget by its handle to move it, or use its Move up and Move down buttons from the keyboard. Remove a widget with its close button and bring it back from Add widgets. Your layout is saved for your user and follows you to any browser.',
        ],
        terms: [
          ['Customer Issues', 'Customers that need your attention, sortable by severity, customer type and date, linked to their alerts.'],
          ['My Profile', 'Your company, member since, computers installed, customers by management type and product usage.'],
          ['Quick Tasks', 'Add or import a customer, activate a product, the latest Executive Summary and Billing reports, activate a serial number, offline computers.'],
          ['Product Deployment', 'Computers deployed, from the last 24 hours to the last 3 months.'],
          ['Virus and Risk Activity', 'Viruses and risks found, over the period you choose.'],
          ['Intrusion Prevention', 'Intrusion events blocked, over the period you choose.'],
          ['Threats Summary and News Alerts', 'The current threat level and the latest news from the service.'],
          ['Endpoint Protection', 'Your customers’ computers’ protection now, and the risks handled so far.'],
          ['My Products', 'Seats bought and used per product, trials and paid subscriptions.'],
        ],
      },
      {
        heading: 'The Display filter',
        text: [
          'Choose a customer in Display to see the widgets for that customer only. Customer Issues, News Alerts and Threats Summary stay partner-wide.',
        ],
      },
    ],
    related: ['welcome', 'customers', 'alerts'],
  },
  {
    id: 'welcome',
    group: 'Getting started',
    title: 'Getting started',
    summary: 'The first things to do in a new Partner Console account.',
    sections: [
      {
        heading: 'Your first hour',
        steps: [
          'Confirm your email address from the message we sent when you signed up: until then the console sends no email on your behalf.',
          'In Administration, open My Company and give the contact and support information your customers will see in every email.',
          'Add your first customer from Customers or Quick Tasks, or import a customer who already uses endpoint protection.',
          'Start a trial or activate a paid product for that customer from its profile.',
          'Add the people who work with you in Administration > Users, and give them a role.',
          'Choose who gets which alerts in Administration > Alert Notifications.',
        ],
        text: ['The Welcome Wizard, in the question-mark menu, walks you through Home again at any time.'],
      },
    ],
    related: ['home', 'add-customer', 'users'],
  },
  {
    id: 'customers',
    group: 'Customers',
    title: 'Customers',
    page: '/customers',
    summary: 'Every customer you manage, with their management type, products and usage.',
    sections: [
      {
        heading: 'The list',
        terms: [
          ['Customer', 'The company name; it opens the customer profile. The button beside it opens the customer’s pop-up.'],
          ['Type', 'Partner Managed, Customer Managed or Co-Managed: who administers the customer’s protection.'],
          ['Alerts', 'The customer’s open Error and Warning alerts; they link to the Alerts page.'],
          ['Products', 'The customer’s trials and subscriptions.'],
          ['Require Update', 'Computers that need the latest version of the agent.'],
          ['Used/Capacity', 'Seats in use on the whole account, and the seats of its live products.'],
        ],
        text: [
          'Search, sort and filter the list; the filters stay in the address, so you can bookmark or share a view. Export the list as CSV with the same filters.',
        ],
      },
      {
        heading: 'The customer’s pop-up',
        text: [
          'Point at a customer’s name, or Tab to the button beside it and press Enter, to see its management type, products, used/capacity and open alerts. From there you can view the profile, activate a product or trial, open the customer’s console (Manage customer, for Partner Managed and Co-Managed customers) or remove the customer. Escape closes it.',
          'Only what your role allows on that customer is offered: with Read access you see the summary and the profile only. The guide’s “Deploy products to computers” has no counterpart in this console.',
        ],
      },
      {
        heading: 'Acting on several customers at once',
        steps: [
          'Tick the customers, or the box in the header for every customer shown. Once every customer shown is ticked you can select all customers matching the search and filters, up to 1,000 at a time.',
          'Choose an action: Start trial (of one product), Request management change (partner and co-management wait for each customer’s approval), Resend welcome email, Export selection (CSV), or Remove (type REMOVE to confirm).',
          'Only the selected customers your role may change (or remove) are sent; the dialog says how many are skipped.',
          'The results list each customer as done or refused, with the reason: a customer that already has the trial, one whose administrator has already chosen a password. One refusal does not undo the others. Customers not done (a server error, or no time left) can be tried again; customers whose call could not be confirmed may have been done: reload the list to check, or choose Retry, which does nothing twice.',
        ],
        text: [
          'The selection is kept while you load more customers, and cleared when you change the search or filters.',
        ],
      },
      {
        heading: 'What you can do',
        text: [
          'Add a customer, import an existing one, open a profile to activate products, change the communication settings or management type, or remove the customer. What you see and change depends on your role and on your access level for each customer.',
        ],
      },
    ],
    related: ['add-customer', 'customer-profile', 'requests'],
  },
  {
    id: 'add-customer',
    group: 'Customers',
    title: 'Adding and importing a customer',
    page: '/customers/new',
    summary: 'Create a customer account, or ask an existing customer to join you.',
    sections: [
      {
        heading: 'Add a customer',
        steps: [
          'Give the company information and the customer administrator’s contact details. The administrator’s email becomes their login and must not be in use anywhere in the console.',
          'Choose the management type and who receives communications: you and the customer, or you only.',
          'Optionally start trials or activate products at once.',
          'Save. The customer administrator receives a welcome email with a single-use link to choose a password.',
        ],
      },
      {
        heading: 'Import an existing customer',
        text: [
          'Enter the email of the customer’s administrator. They receive a request to approve; the customer appears in your list once they approve it. The Requests page shows every request and its status; you can resend or withdraw a pending request.',
        ],
      },
    ],
    related: ['requests', 'customer-profile'],
  },
  {
    id: 'customer-profile',
    group: 'Customers',
    title: 'A customer’s profile',
    page: '/customers/:id',
    summary: 'Everything about one customer: company, contact, products, communications and management.',
    sections: [
      {
        heading: 'Products',
        text: [
          'Start a trial, convert a trial to a paid subscription, add seats or cancel a product. A partner in the ExSP program activates paid products itself; a reseller activates them with a serial number.',
        ],
      },
      {
        heading: 'Management type',
        text: [
          'Changing to Partner Managed or Co-Managed needs the customer’s consent: the customer administrator receives a request to approve. Until then nothing changes. With Partner Managed, the customer no longer signs in themselves.',
          'Manage opens the customer’s own console in a short session that is recorded in the security audit.',
        ],
      },
      {
        heading: 'Communication settings',
        text: [
          'Choose whether emails go to the customer with a copy to you, or to you only, to forward when you are ready. The link to choose a password always goes to the customer.',
        ],
      },
    ],
    related: ['customers', 'requests'],
  },
  {
    id: 'requests',
    group: 'Customers',
    title: 'Requests',
    page: '/customers/requests',
    summary: 'The import and management requests you sent, and what the customers answered.',
    sections: [
      {
        heading: 'Request status',
        terms: [
          ['Pending', 'Sent and not answered yet. You can resend it (up to five times) or withdraw it.'],
          ['Approved or Denied', 'The customer answered.'],
          ['Expired', 'Nobody answered before the request expired.'],
          ['Withdrawn or Cancelled', 'You withdrew it, or it no longer applied (the customer moved or was removed).'],
        ],
        text: ['An import request shows the email you typed until the customer approves it.'],
      },
      {
        heading: 'Reminders',
        text: [
          'While a request waits, the customer’s administrator is reminded by email, as set on My Company: by default a day after it was sent and a day before it expires, twice at most. Each reminder carries one more link that expires with the request; the links in earlier emails keep working until then, and a resend or withdrawal stops them all. The Reminders column shows how many went (of how many the setting allows), when the last went and when the next is planned, or Off; a reminder whose email could not be delivered (the address bounced, say) is marked so, and a resend reaches the customer again. A resend plans the reminders again from the resend. When nobody answers in time, the request expires and your administrators get a Consent expired alert.',
        ],
      },
    ],
    related: ['add-customer', 'my-company'],
  },
  {
    id: 'alerts',
    group: 'Monitoring',
    title: 'Alerts',
    page: '/alerts',
    summary: 'What happened in your customers’ protection that needs a look.',
    sections: [
      {
        heading: 'Working with alerts',
        text: [
          'Filter by severity, type, customer and period. Select an alert to read it in the viewing pane. Dismiss alerts you have handled, one or many at a time; dismissed alerts stay available through the filters.',
          'Who receives alerts by email or SMS is set in Administration > Alert Notifications.',
        ],
      },
    ],
    related: ['alert-notifications', 'endpoint-statistics'],
  },
  {
    id: 'endpoint-statistics',
    group: 'Monitoring',
    title: 'Endpoint Statistics',
    page: '/statistics/endpoint',
    summary: 'Computers at risk, viruses and intrusions across your customers.',
    sections: [
      {
        heading: 'Reading the page',
        text: [
          'Choose a period from the last 24 hours to the last 3 months. Each customer’s line shows its computers at risk and the events found; Manage opens the customer’s console to act on a computer. Export the tables as CSV or make a report from them.',
        ],
      },
    ],
    related: ['product-deployment', 'reports'],
  },
  {
    id: 'product-deployment',
    group: 'Monitoring',
    title: 'Product Deployment',
    page: '/statistics/deployment',
    summary: 'Where your products are installed, and which computers have gone offline.',
    sections: [
      {
        heading: 'Reading the page',
        text: [
          'The totals show computers deployed per product over the period you choose. The offline computers table lists the computers that have not reported recently, by customer, so you can follow them up.',
        ],
      },
    ],
    related: ['endpoint-statistics'],
  },
  {
    id: 'my-products',
    group: 'Monitoring',
    title: 'My Products',
    page: '/products',
    summary: 'Your trials and subscriptions across customers: seats bought and used.',
    sections: [
      {
        heading: 'Reading the page',
        text: [
          'Each product shows its trials and paid subscriptions, the seats bought and used, and those expiring soon. Export it as CSV for your own records.',
        ],
      },
    ],
    related: ['billing'],
  },
  {
    id: 'reports',
    group: 'Reports',
    title: 'Reports, templates and schedules',
    page: '/reports',
    summary: 'Make reports now, keep their settings as templates, and have them made and emailed on a schedule.',
    sections: [
      {
        heading: 'Make a report',
        steps: [
          'Click New report and choose the type, the customers and the period.',
          'Choose the formats (PDF, HTML, CSV, XML) and whether to email it.',
          'Generate. The report is listed as Processing, then Ready; open or download it from the list.',
        ],
      },
      {
        heading: 'Templates and schedules',
        text: [
          'Save a report’s settings as a template to make it again later. Schedule a template daily, weekly, monthly or quarterly at a GMT time, and choose who receives it. The MSP Executive Summary is made every week and the Service Utilization and Billing report every month without anyone asking.',
        ],
      },
    ],
    related: ['report-customization', 'billing'],
  },
  {
    id: 'billing',
    group: 'Reports',
    title: 'Billing',
    page: '/billing',
    summary: 'Service utilization for the month: what to bill each customer.',
    sections: [
      {
        heading: 'Reading the page',
        text: [
          'Each customer’s seats used per product over the period you choose (the last full month by default), with the totals, to download as CSV or make into a report.',
        ],
      },
    ],
    related: ['reports', 'my-products'],
  },
  {
    id: 'news',
    group: 'Monitoring',
    title: 'News Alerts',
    page: '/news',
    summary: 'Announcements from the service: new versions, threats and maintenance.',
    sections: [{ heading: 'Reading the page', text: ['The newest announcements come first; each opens in full.'] }],
  },
  {
    id: 'users',
    group: 'Administration',
    title: 'Users',
    page: '/admin/users',
    summary: 'The people who use your Partner Console account.',
    sections: [
      {
        heading: 'Adding a user',
        steps: [
          'Click Add User and give the name, the email (their login, not in use anywhere in the console) and the role.',
          'The user receives an invitation with a single-use link to choose a password.',
        ],
      },
      {
        heading: 'Changing a user',
        text: [
          'Open a user to change their details, role or contact preferences, disable or enable them, or remove them. A partner administrator cannot change their own role, and the account always keeps at least one partner administrator.',
        ],
      },
    ],
    related: ['roles', 'my-settings'],
  },
  {
    id: 'roles',
    group: 'Administration',
    title: 'User roles',
    page: '/admin/roles',
    summary: 'What each user may do, and on which customers.',
    sections: [
      {
        heading: 'Built-in and custom roles',
        text: [
          'Partner Administrator and Administrator can do everything and cannot be edited; only partner administrators manage roles. A custom role gives each customer an access level (Read/Write, Read or No access), a default level for new customers, and the permissions to add, import and remove customers.',
        ],
      },
    ],
    related: ['users'],
  },
  {
    id: 'alert-notifications',
    group: 'Administration',
    title: 'Alert Notifications',
    page: '/admin/alert-notifications',
    summary: 'Who is told about which alerts, and how.',
    sections: [
      {
        heading: 'Notification rules',
        text: [
          'A rule chooses alert types and severities, the customers they apply to, and the users notified by email or SMS (each user’s primary contact preference). Turn a rule off without deleting it.',
        ],
      },
    ],
    related: ['alerts'],
  },
  {
    id: 'report-customization',
    group: 'Administration',
    title: 'Report Customization',
    page: '/admin/report-customization',
    summary: 'Your colours and logo on every report.',
    sections: [
      {
        heading: 'Branding',
        text: [
          'Choose the header font colour and the theme colour, and upload a logo (PNG, JPG, JPEG or GIF under 200 KB; larger images are scaled to fit 116 by 110 pixels). The preview shows the result before you save.',
        ],
      },
    ],
    related: ['reports'],
  },
  {
    id: 'api-clients',
    group: 'Administration',
    title: 'API clients',
    page: '/admin/api-clients',
    summary: 'Credentials for your own tools to call the Partner Console API.',
    sections: [
      {
        heading: 'Using the API',
        text: [
          'Create a client with a role; its secret is shown once. Your tool exchanges the client id and secret for a short-lived token and calls the same API the console uses. Rotate or delete a client at any time.',
        ],
      },
    ],
    related: ['security'],
  },
  {
    id: 'security',
    group: 'Administration',
    title: 'Security',
    page: '/admin/security',
    summary: 'Account-wide security settings such as required two-step verification.',
    sections: [
      {
        heading: 'Two-step verification',
        text: [
          'When required, every user sets up an authenticator app at their next sign-in and uses a code each time. Users set it up for themselves in My User Settings.',
        ],
      },
    ],
    related: ['audit', 'my-settings'],
  },
  {
    id: 'audit',
    group: 'Administration',
    title: 'Security Audit',
    page: '/admin/audit',
    summary: 'Who did what, when and from where.',
    sections: [
      {
        heading: 'Reading the trail',
        text: [
          'Every sign-in, job run and change is recorded with the user, the time, the action, what it changed and the address it came from. Filter by user, action and customer, and export as CSV.',
        ],
      },
    ],
    related: ['security'],
  },
  {
    id: 'my-settings',
    group: 'Administration',
    title: 'My User Settings',
    page: '/settings/me',
    summary: 'Your own name, contact preferences and two-step verification.',
    sections: [
      {
        heading: 'Contact preferences',
        text: [
          'Add email addresses and mobile numbers for notifications and choose one as primary. Set up two-step verification with an authenticator app.',
        ],
      },
    ],
    related: ['users'],
  },
  {
    id: 'my-company',
    group: 'Administration',
    title: 'My Company',
    page: '/admin/company',
    summary: 'Your company information, and the contact and support details your customers see.',
    sections: [
      {
        heading: 'Company information',
        text: [
          'The company name and address you gave when you signed up. It cannot be changed here.',
        ],
      },
      {
        heading: 'Contact and support information',
        text: [
          'The address where customers buy or renew, your support website, support email and support phone. They appear in every email the console sends to your customers and in your customers’ portal. Partner administrators and administrators change them; if someone saved a change since you opened the page, reload it and try again.',
        ],
      },
      {
        heading: 'Language',
        text: ['The language of the emails the console sends for you: welcome emails, requests to customers, invitations and report emails (alert notifications are in English).'],
      },
      {
        heading: 'Consent reminders',
        text: [
          'When the customer’s administrator is reminded of a pending import or management request: some hours after it was sent or resent, some hours before it expires (0 leaves either out), and how many reminders a request gets at most (1 to 5). Turn them off to send none. A change applies to every pending request from its next reminder time, requests sent while reminders were off included.',
        ],
      },
    ],
    related: ['users', 'welcome'],
  },
  {
    id: 'cases',
    group: 'Help and support',
    title: 'Case Management',
    page: '/cases',
    summary: 'Your support tickets: open one, follow it and close it.',
    sections: [
      {
        heading: 'The listing',
        terms: [
          ['Case number', 'Opens the ticket’s detail.'],
          ['Subject', 'The title you gave the ticket.'],
          ['Severity', 'Set by support once they have looked at the ticket; it may change as the case goes on.'],
          ['Product', 'What the ticket is about.'],
          ['Status', 'Where the case stands, until it is closed.'],
          ['Date/Time Opened', 'When the ticket was submitted.'],
        ],
        text: ['Choose a period, from the last week to the last 3 months, to see the tickets opened in it.'],
      },
      {
        heading: 'Open a ticket',
        steps: [
          'Click Create Support Ticket.',
          'Give a subject that says what is wrong, and a description with enough detail for the right person to pick it up.',
          'Attach screenshots, logs or documents if they help (images, PDF, text or ZIP files; up to 5 files of 10 MB each).',
          'Submit. You follow the ticket, so you receive an email when support answers.',
        ],
      },
    ],
    related: ['case-detail', 'contact-support'],
  },
  {
    id: 'case-detail',
    group: 'Help and support',
    title: 'A support ticket',
    page: '/cases/:id',
    summary: 'One ticket: its description, attachments and the conversation with support.',
    sections: [
      {
        heading: 'Working on a ticket',
        terms: [
          ['Description Information', 'What you wrote; you can correct the subject and the description while the ticket is open.'],
          ['Attachments', 'The files added to the ticket; Add Attachments adds more.'],
          ['Case Comments', 'The conversation with support, newest last. Add Comments to answer a question or add detail.'],
        ],
        text: [
          'Follow a ticket to receive an email whenever support comments. When the problem is solved, Close Ticket and describe the solution in the Case Resolution.',
        ],
      },
    ],
    related: ['cases'],
  },
  {
    id: 'feedback',
    group: 'Help and support',
    title: 'Feedback',
    page: '/feedback',
    summary: 'Tell the people who make the Partner Console what you think.',
    sections: [
      {
        heading: 'Sending feedback',
        steps: [
          'Choose what your comments are about, and write them.',
          'Rate the content, design, usability, ease of use and the console overall, from 1 (unsatisfactory) to 5 (excellent).',
          'Say whether you would recommend the service to a colleague, and submit.',
        ],
      },
    ],
    related: ['contact-support'],
  },
  {
    id: 'faq',
    group: 'Help and support',
    title: 'Frequently asked questions',
    summary: 'Short answers to what partners ask most.',
    sections: [
      {
        heading: 'Accounts and sign-in',
        terms: [
          ['I forgot my password.', 'Choose “Forgot password?” on the sign-in page. If the email is a user of the console, a single-use link to choose a new password arrives within minutes; every other session is signed out when you set it.'],
          ['Why does the console not send my welcome emails?', 'Confirm your own email address first, from the message sent when you signed up. Until then the console sends no email on your behalf.'],
          ['Can one email be a user of two partners?', 'No. A login is one person in one account, so an email cannot be used twice anywhere in the console.'],
        ],
      },
      {
        heading: 'Customers',
        terms: [
          ['The customer never got the welcome email.', 'Resend it from the customer’s profile, and check the communication settings: with “partner only” the welcome comes to you to forward, and the link to choose a password goes to the customer.'],
          ['Why is my import request still pending?', 'The customer administrator must sign in and approve it. Resend it from the Requests page; it expires if nobody answers.'],
          ['Can I manage a customer without their consent?', 'No. Partner Managed and Co-Managed need the customer’s approval, and every session in their console is in the security audit.'],
        ],
      },
      {
        heading: 'Reports',
        terms: [
          ['When do automatic reports run?', 'The MSP Executive Summary every week and the Service Utilization and Billing report every month, for the last full period.'],
          ['Why is a report still Processing?', 'Large reports take a little longer. It turns Ready or Failed on its own; a failed report can be generated again.'],
        ],
      },
    ],
    related: ['troubleshooting', 'contact-support'],
  },
  {
    id: 'troubleshooting',
    group: 'Help and support',
    title: 'Troubleshooting',
    summary: 'What to check when something does not work as expected.',
    sections: [
      {
        heading: 'Emails do not arrive',
        steps: [
          'Check the spam or junk folder, and that the address is spelt correctly.',
          'Check that your own email address is confirmed (a banner says so when it is not).',
          'Resend the message from where it was sent: the customer’s profile, the user’s page or the Requests page.',
        ],
      },
      {
        heading: 'A customer’s computers do not report',
        text: [
          'Product Deployment lists offline computers. A computer that stays offline usually has no network access or an agent that was removed; open the customer’s console with Manage to look at it.',
        ],
      },
      {
        heading: 'You cannot see a page or a customer',
        text: [
          'Pages and customers follow your role. Ask a partner administrator to check your role and your access level for that customer in Administration > User Roles.',
        ],
      },
    ],
    related: ['faq', 'contact-support'],
  },
  {
    id: 'contact-support',
    group: 'Help and support',
    title: 'Contacting support',
    summary: 'How to reach the people who run the Partner Console.',
    sections: [
      {
        heading: 'Support tickets',
        text: [
          'Open a support ticket from Case Management (in your account menu, or Support in the question-mark menu). Describe what happened and attach screenshots or logs. Support sets the severity after reading it, answers in the ticket’s comments, and you receive an email when they do.',
        ],
      },
      {
        heading: 'Feedback',
        text: ['Tell us what works and what does not with Feedback in the question-mark menu.'],
      },
    ],
    related: ['faq', 'troubleshooting'],
  },
];

const BY_ID = new Map(HELP_TOPICS.map((topic) => [topic.id, topic]));

export function helpTopic(id: string): HelpTopic | undefined {
  return BY_ID.get(id);
}

function matches(pattern: string, pathname: string): boolean {
  const want = pattern.split('/');
  const have = pathname.replace(/\/+$/, '').split('/');
  if (pattern === '/') return pathname === '/' || pathname === '';
  return want.length === have.length && want.every((part, i) => part.startsWith(':') || part === have[i]);
}

/**
 * The topic about the page at `pathname`: the topic whose page is that path, else one whose
 * page matches it with its ids (`/customers/:id`), else the one whose page is its closest
 * parent (a report template opens the reports topic), else the getting-started topic.
 */
export function topicForPath(pathname: string): HelpTopic {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const exact =
    HELP_TOPICS.find((topic) => topic.page === trimmed) ??
    HELP_TOPICS.find((topic) => topic.page !== undefined && matches(topic.page, trimmed));
  if (exact) return exact;
  const parts = pathname.replace(/\/+$/, '').split('/');
  for (let length = parts.length - 1; length > 1; length -= 1) {
    const parent = parts.slice(0, length).join('/');
    const found = HELP_TOPICS.find((topic) => topic.page === parent);
    if (found) return found;
  }
  return BY_ID.get('welcome') as HelpTopic;
}
