import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Restored } from '../auth/session';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { attachFile, fileProblem, fileTypeOf, type Ticket, type TicketView, type Upload } from './api';

const ticket: Ticket = {
  id: 'tkt_0192a0000000700080000000000000a1',
  caseNumber: 7,
  subject: 'Agents offline',
  description: 'Since Monday.\nAll of them.',
  product: 'Partner Console',
  severity: 'high',
  status: 'awaitingReply',
  openedAt: '2026-11-30T10:00:00Z',
  openedBy: 'usr_1',
  openedByName: 'Ada Lovelace',
  updatedAt: '2026-11-30T10:00:00Z',
  attachmentCount: 1,
  version: 3,
};

const detail: TicketView = {
  ...ticket,
  following: true,
  attachments: [
    {
      id: 'att_1',
      fileName: 'agent.log',
      contentType: 'text/plain',
      size: 2048,
      status: 'ready',
      uploadedByName: 'Ada Lovelace',
      createdAt: '2026-11-30T10:01:00Z',
    },
  ],
  comments: [
    {
      id: 'cmt_1',
      author: 'support',
      authorName: 'Sam of Support',
      text: 'Please send the agent log.',
      resolution: false,
      at: '2026-11-30T11:00:00Z',
    },
  ],
};

function signedIn(path: string, me: Restored = sampleMe) {
  tokenStore.set(sampleToken);
  return renderApp(path, me);
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Case Management', () => {
  it('lists cases with the columns of Table 6-1 and filters by period', async () => {
    const { requests } = mockFetch({ 'GET /api/v1/tickets': () => json(200, { items: [ticket] }) });
    signedIn('/cases');
    const table = await screen.findByTestId('cases-table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Case number',
      'Subject',
      'Severity',
      'Product',
      'Status',
      'Date/Time Opened',
    ]);
    const cells = within(table).getAllByRole('cell').map((c) => c.textContent);
    expect(cells.slice(0, 5)).toEqual(['7', 'Agents offline', 'High', 'Partner Console', 'Awaiting your reply']);
    expect(within(table).getByRole('link', { name: '7' }).getAttribute('href')).toBe(`/cases/${ticket.id}`);

    fireEvent.change(screen.getByTestId('case-period'), { target: { value: '2w' } });
    await waitFor(() => expect(requests.at(-1)?.query.get('period')).toBe('2w'));
  });

  it('opens a case about a product of the catalogue and shows it', async () => {
    const { requests } = mockFetch({
      'GET /api/v1/tickets': () => json(200, { items: [] }),
      'GET /api/v1/catalog': () =>
        json(200, { products: [{ id: 'email-security', name: 'Email Security.cloud', productType: 'email', capacityUnit: 'mailboxes', hasTrial: true, termMonths: 12 }] }),
      'POST /api/v1/tickets': () => json(201, { ...detail, comments: [], attachments: [], status: 'new' }),
      [`GET /api/v1/tickets/${ticket.id}`]: () => json(200, detail),
    });
    signedIn('/cases');
    fireEvent.click(await screen.findByTestId('create-ticket'));
    fireEvent.click(screen.getByTestId('ticket-submit'));
    expect(await screen.findByText('Enter a subject.')).toBeTruthy();
    fireEvent.change(screen.getByTestId('ticket-subject'), { target: { value: 'Mail delayed' } });
    fireEvent.change(screen.getByTestId('ticket-description'), { target: { value: 'Since noon' } });
    await screen.findByRole('option', { name: 'Email Security.cloud' });
    fireEvent.change(screen.getByTestId('ticket-product'), { target: { value: 'email-security' } });
    fireEvent.click(screen.getByTestId('ticket-submit'));
    expect(await screen.findByTestId('ticket-title')).toBeTruthy();
    const created = requests.find((r) => r.method === 'POST');
    expect(created?.body).toEqual({ subject: 'Mail delayed', description: 'Since noon', product: 'email-security' });
    expect(created?.headers.get('Idempotency-Key')).toBeTruthy();
  });

  it('is not offered to a role without the permission', () => {
    mockFetch({});
    signedIn('/cases', { ...sampleMe, can: { ...sampleMe.can, supportTickets: false } });
    expect(screen.queryByTestId('cases-table')).toBeNull();
  });
});

describe('Support Ticket Detail', () => {
  it('shows support comments read only, and closes the case with a resolution', async () => {
    const { requests } = mockFetch({
      [`GET /api/v1/tickets/${ticket.id}`]: () => json(200, detail),
      [`POST /api/v1/tickets/${ticket.id}/close`]: (r) =>
        json(200, {
          ...detail,
          status: 'closed',
          resolution: (r.body as { resolution: string }).resolution,
          comments: [
            ...detail.comments,
            { id: 'cmt_2', author: 'partner', authorName: 'Ada Lovelace', text: 'Fixed', resolution: true, at: '2026-12-01T09:00:00Z' },
          ],
        }),
    });
    signedIn(`/cases/${ticket.id}`);
    const comments = await screen.findByTestId('case-comments');
    expect(comments.textContent).toContain('Please send the agent log.');
    expect(comments.textContent).toContain('(Support)');
    expect(screen.getByTestId('attachment-agent.log')).toBeTruthy();

    fireEvent.click(screen.getByTestId('close-ticket'));
    fireEvent.click(screen.getByTestId('resolution-submit'));
    expect(await screen.findByText('Describe the solution.')).toBeTruthy();
    fireEvent.change(screen.getByTestId('resolution-text'), { target: { value: 'Fixed' } });
    fireEvent.click(screen.getByTestId('resolution-submit'));
    await waitFor(() => expect(screen.getByTestId('ticket-status').textContent).toBe('Closed'));
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ resolution: 'Fixed' });
    // A closed case offers no more changes.
    expect(screen.queryByTestId('comment-submit')).toBeNull();
    expect(screen.queryByTestId('close-ticket')).toBeNull();
  });

  it('saves the description with the version it was based on', async () => {
    const { requests } = mockFetch({
      [`GET /api/v1/tickets/${ticket.id}`]: () => json(200, detail),
      [`PATCH /api/v1/tickets/${ticket.id}`]: () =>
        problem(412, { title: 'Precondition failed', type: '/problems/stale-version', detail: 'Reload.' }),
    });
    signedIn(`/cases/${ticket.id}`);
    fireEvent.click(await screen.findByTestId('edit-description-open'));
    fireEvent.change(screen.getByTestId('edit-subject'), { target: { value: 'Agents offline since Monday' } });
    fireEvent.click(screen.getByTestId('save-description'));
    expect(await screen.findByText('The description was not saved')).toBeTruthy();
    const patch = requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"3"');
  });
});

describe('attachments', () => {
  it('knows the accepted types and refuses what support does not take before uploading', () => {
    expect(fileTypeOf({ name: 'shot.PNG', type: '' })).toBe('image/png');
    expect(fileTypeOf({ name: 'agent.log', type: 'application/octet-stream' })).toBe('text/plain');
    expect(fileTypeOf({ name: 'setup.exe', type: 'application/x-msdownload' })).toBeNull();
    expect(fileProblem({ name: 'big.zip', type: 'application/zip', size: 10 * 1024 * 1024 + 1 })).toContain('10 MB');
    expect(fileProblem({ name: 'a.txt', type: 'text/plain', size: 3 })).toBeNull();
  });

  it('uploads to the presigned link, then asks the API to check the file', async () => {
    const upload: Upload = {
      attachment: { ...detail.attachments[0]!, id: 'att_2', status: 'uploading' },
      url: 'https://files.example.com/support/x?sig=1',
      method: 'PUT',
      expiresAt: '2026-12-01T10:10:00Z',
    };
    const { requests } = mockFetch({
      [`POST /api/v1/tickets/${ticket.id}/attachments`]: () => json(201, upload),
      [`POST /api/v1/tickets/${ticket.id}/attachments/att_2/complete`]: () =>
        problem(422, { title: 'Validation failed', errors: [{ field: 'file', message: 'is not a file type support accepts; it was removed' }] }),
    });
    tokenStore.set(sampleToken);
    const put: string[] = [];
    const file = new File(['MZ'], 'cat.png', { type: 'image/png' });
    const result = await attachFile(ticket.id, file, () => undefined, (u, f, progress) => {
      put.push(`${u.method} ${u.url} ${f.name}`);
      progress(1);
      return Promise.resolve(true);
    });
    expect(put).toEqual(['PUT https://files.example.com/support/x?sig=1 cat.png']);
    expect(requests[0]?.body).toEqual({ fileName: 'cat.png', contentType: 'image/png', size: 2 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.errors?.[0]?.message).toContain('removed');
  });
});

describe('Feedback', () => {
  it('asks for every rating and sends the form', async () => {
    const { requests } = mockFetch({ 'POST /api/v1/feedback': () => json(201, { id: 'fbk_1' }) });
    signedIn('/feedback');
    fireEvent.click(await screen.findByTestId('feedback-submit'));
    expect(await screen.findByText('Rate ease of use.')).toBeTruthy();
    expect(requests).toHaveLength(0);
    fireEvent.change(screen.getByTestId('feedback-category'), { target: { value: 'suggestion' } });
    fireEvent.change(screen.getByTestId('feedback-comments'), { target: { value: 'More filters' } });
    for (const key of ['content', 'design', 'usability', 'overall', 'easeOfUse']) {
      fireEvent.click(screen.getByTestId(`rating-${key}-4`));
    }
    fireEvent.change(screen.getByTestId('feedback-recommend'), { target: { value: 'yes' } });
    fireEvent.click(screen.getByTestId('feedback-submit'));
    expect(await screen.findByTestId('feedback-sent')).toBeTruthy();
    expect(requests[0]?.body).toEqual({
      category: 'suggestion',
      comments: 'More filters',
      rating: { content: 4, design: 4, usability: 4, overall: 4, easeOfUse: 4 },
      wouldRecommend: 'yes',
    });
  });
});
