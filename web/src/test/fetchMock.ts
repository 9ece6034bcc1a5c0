import { vi } from 'vitest';
import { defaultLayoutAnswer, emptyDashboard } from '../home/fixtures';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string's parameters. */
  query: URLSearchParams;
  headers: Headers;
  /** A JSON body parsed; any other as a Blob. */
  body: unknown;
  credentials: RequestCredentials;
}

type Responder = (request: RecordedRequest) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function problem(
  status: number,
  body: { title: string; type?: string; detail?: string; errors?: { field: string; message: string }[] },
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ type: 'about:blank', status, ...body }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
}

/**
 * Replaces the global fetch with a router keyed by "METHOD /path". Requests
 * without a route fail the test loudly. Returns the list of requests seen.
 */
export function mockFetch(routes: Record<string, Responder>) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const contentType = request.headers.get('Content-Type') ?? '';
    // A JSON body is parsed; any other (an uploaded image) is kept as it came, as a Blob.
    const isJson = contentType === '' || contentType.includes('json');
    const raw = isJson ? await request.text() : await request.blob();
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: typeof raw === 'string' ? (raw === '' ? undefined : (JSON.parse(raw) as unknown)) : raw.size === 0 ? undefined : raw,
      credentials: request.credentials,
    };
    requests.push(recorded);
    const responder = routes[`${recorded.method} ${recorded.path}`];
    if (!responder) throw new Error(`Unexpected request ${recorded.method} ${recorded.path}`);
    return responder(recorded);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { requests, fetchMock };
}

export const sampleMe = {
  user: {
    id: 'usr_1',
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    partnerId: 'prt_1',
    role: 'partnerAdministrator',
    createdAt: '2025-01-15T10:00:00Z',
    version: 1,
  },
  partner: {
    id: 'prt_1',
    company: {
      name: 'Analytical Engines Ltd',
      address1: '12 Marylebone Road',
      city: 'London',
      postalCode: 'NW1 5LR',
      country: 'GB',
      phone: '+44 20 7946 0000',
      website: 'https://engines.example.com',
    },
    contact: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+44 20 7946 0001',
      jobTitle: 'Director',
    },
    program: 'reseller',
    termsAcceptedAt: '2025-01-15T10:00:00Z',
    createdAt: '2025-01-15T10:00:00Z',
    version: 1,
  },
  roleName: 'Partner Administrator',
  mfaSetupRequired: false,
  can: {
    activateProgram: true,
    addCustomers: true,
    importCustomers: true,
    viewUsers: true,
    manageUsers: true,
    manageRoles: true,
    manageSecurity: true,
    viewAuditTrail: true,
    supportTickets: true,
  },
} as const;

export const sampleToken = { accessToken: 'access-token-1', tokenType: 'Bearer', expiresIn: 900 } as const;

/** An empty activity list and dashboard, for tests that render Home but are not about them. */
export const noActivity = {
  'GET /api/v1/me/activity': () => json(200, { items: [] }),
  'GET /api/v1/dashboard': () => json(200, emptyDashboard),
  'GET /api/v1/dashboard/layout': () => json(200, defaultLayoutAnswer),
  // Quick Tasks' latest automatic reports: none.
  'GET /api/v1/report-schedules': () => json(200, { items: [] }),
} as const;

export const sampleActivity = {
  items: [
    {
      id: 'aud_3',
      at: '2025-03-02T09:30:00Z',
      partnerId: 'prt_1',
      actorUserId: 'usr_1',
      actorEmail: 'ada@example.com',
      action: 'auth.signIn',
      outcome: 'failure',
      reason: 'Incorrect password',
      sourceIp: '203.0.113.7',
    },
    {
      id: 'aud_2',
      at: '2025-03-01T17:05:00Z',
      partnerId: 'prt_1',
      actorUserId: 'usr_1',
      actorEmail: 'ada@example.com',
      action: 'auth.signOut',
      outcome: 'success',
      sourceIp: '198.51.100.20',
    },
    {
      id: 'aud_1',
      at: '2025-01-15T10:00:00Z',
      partnerId: 'prt_1',
      actorUserId: 'usr_1',
      actorEmail: 'ada@example.com',
      action: 'partner.signUp',
      target: 'prt_1',
      outcome: 'success',
      sourceIp: '198.51.100.20',
    },
  ],
} as const;
