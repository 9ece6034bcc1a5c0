import { versionTag } from '../admin/api';
import { api } from '../api/client';
import type { paths } from '../api/schema';
import { authorizedResult, type ApiResult } from '../auth/session';
import { jsonOnly } from '../customers/api';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Body<T> = T extends { requestBody?: infer R } ? Json<NonNullable<R>> : never;

export type TicketPage = Json<paths['/api/v1/tickets']['get']['responses'][200]>;
export type Ticket = TicketPage['items'][number];
export type TicketView = Json<paths['/api/v1/tickets/{ticketId}']['get']['responses'][200]>;
export type Comment = TicketView['comments'][number];
export type Attachment = TicketView['attachments'][number];
export type FileType = Attachment['contentType'];
export type Severity = NonNullable<Ticket['severity']>;
export type TicketStatus = Ticket['status'];
export type NewTicket = Body<paths['/api/v1/tickets']['post']>;
export type TicketEdit = Body<paths['/api/v1/tickets/{ticketId}']['patch']>;
export type Upload = Json<paths['/api/v1/tickets/{ticketId}/attachments']['post']['responses'][201]>;
export type FeedbackForm = Body<paths['/api/v1/feedback']['post']>;
export type TicketPeriod = '1w' | '2w' | '1m' | '3m';

export const TICKETS_PAGE_SIZE = 25;
export const TICKETS_CSV_FILENAME = 'support-tickets.csv';
/** The largest attachment and the most a ticket holds (the API's limits). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 5;

/** The period filter of the Case Management page. */
export const PERIODS: { value: TicketPeriod; label: string }[] = [
  { value: '1w', label: 'Last week' },
  { value: '2w', label: 'Last 2 weeks' },
  { value: '1m', label: 'Last month' },
  { value: '3m', label: 'Last 3 months' },
];

export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: 'New',
  inProgress: 'In progress',
  awaitingReply: 'Awaiting your reply',
  closed: 'Closed',
};

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** Types support accepts, by what a file's name or browser type says it is. */
const TYPES_BY_EXTENSION: Record<string, FileType> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
  zip: 'application/zip',
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
};

/**
 * The type to declare for a file, or null when support does not take it. The server
 * checks the bytes after the upload; this only spares an upload bound to be refused.
 */
export function fileTypeOf(file: Pick<File, 'name' | 'type'>): FileType | null {
  const known = Object.values(TYPES_BY_EXTENSION) as string[];
  if (known.includes(file.type)) return file.type as FileType;
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return TYPES_BY_EXTENSION[extension] ?? null;
}

/** Why a file cannot be attached before trying, or null. */
export function fileProblem(file: Pick<File, 'name' | 'type' | 'size'>): string | null {
  if (fileTypeOf(file) === null) return 'Support accepts images (PNG, JPEG, GIF), PDF, ZIP and text files only.';
  if (file.size === 0) return 'The file is empty.';
  if (file.size > MAX_ATTACHMENT_BYTES) return 'The file is larger than 10 MB.';
  return null;
}

export async function fetchTickets(period: TicketPeriod | '', cursor?: string): Promise<ApiResult<TicketPage>> {
  const query: { limit: number; period?: TicketPeriod; cursor?: string } = { limit: TICKETS_PAGE_SIZE };
  if (period !== '') query.period = period;
  if (cursor !== undefined) query.cursor = cursor;
  return jsonOnly(await authorizedResult((headers) => api.GET('/api/v1/tickets', { params: { query }, headers })));
}

export function fetchTicketsCsv(period: TicketPeriod | ''): Promise<ApiResult<Blob>> {
  const query: { format: string; period?: TicketPeriod } = { format: 'csv' };
  if (period !== '') query.period = period;
  return authorizedResult((headers) =>
    api.GET('/api/v1/tickets', { params: { query }, headers: { ...headers, Accept: 'text/csv' }, parseAs: 'blob' }),
  );
}

export function createTicket(body: NewTicket, idempotencyKey: string): Promise<ApiResult<TicketView>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/tickets', { body, params: { header: { 'Idempotency-Key': idempotencyKey } }, headers }),
  );
}

export function fetchTicket(ticketId: string): Promise<ApiResult<TicketView>> {
  return authorizedResult((headers) => api.GET('/api/v1/tickets/{ticketId}', { params: { path: { ticketId } }, headers }));
}

/** Saves the Description Information, based on the version shown. */
export function updateTicket(ticket: TicketView, body: TicketEdit): Promise<ApiResult<TicketView>> {
  return authorizedResult((headers) =>
    api.PATCH('/api/v1/tickets/{ticketId}', {
      params: { path: { ticketId: ticket.id }, header: { 'If-Match': versionTag(ticket.version) } },
      body,
      headers,
    }),
  );
}

export function addComment(ticketId: string, text: string): Promise<ApiResult<TicketView>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/tickets/{ticketId}/comments', { params: { path: { ticketId } }, body: { text }, headers }),
  );
}

export function closeTicket(ticketId: string, resolution: string): Promise<ApiResult<TicketView>> {
  return authorizedResult((headers) =>
    api.POST('/api/v1/tickets/{ticketId}/close', { params: { path: { ticketId } }, body: { resolution }, headers }),
  );
}

export async function setFollowing(ticketId: string, follow: boolean): Promise<ApiResult<null>> {
  const params = { params: { path: { ticketId } } };
  const result = await authorizedResult(async (headers) => {
    const outcome = follow
      ? await api.PUT('/api/v1/tickets/{ticketId}/follow', { ...params, headers })
      : await api.DELETE('/api/v1/tickets/{ticketId}/follow', { ...params, headers });
    return { ...outcome, data: outcome.response.ok ? {} : undefined };
  });
  return result.ok ? { ok: true, data: null } : result;
}

export function attachmentLink(ticketId: string, attachmentId: string): Promise<ApiResult<{ url: string }>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/tickets/{ticketId}/attachments/{attachmentId}', {
      params: { path: { ticketId, attachmentId } },
      headers,
    }),
  );
}

/** Sends the file's bytes to the presigned link, reporting progress (0–1). */
export type PutFile = (upload: Upload, file: File, onProgress: (fraction: number) => void) => Promise<boolean>;

export const putFile: PutFile = (upload, file, onProgress) =>
  new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open(upload.method, upload.url);
    request.setRequestHeader('Content-Type', upload.attachment.contentType);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => resolve(request.status >= 200 && request.status < 300);
    request.onerror = () => resolve(false);
    request.send(file);
  });

/**
 * Attaches one file: a place and a presigned link from the API, the bytes straight to
 * storage, then the API's check of what arrived (which refuses and removes a file that
 * is not what it claims). The answer is the ticket as it is afterwards.
 */
export async function attachFile(
  ticketId: string,
  file: File,
  onProgress: (fraction: number) => void,
  put: PutFile = putFile,
): Promise<ApiResult<TicketView>> {
  const contentType = fileTypeOf(file);
  if (contentType === null) {
    return { ok: false, problem: { type: 'about:blank', title: 'Not accepted', status: 422, detail: fileProblem(file) ?? '' } };
  }
  const started = await authorizedResult((headers) =>
    api.POST('/api/v1/tickets/{ticketId}/attachments', {
      params: { path: { ticketId } },
      body: { fileName: file.name, contentType, size: file.size },
      headers,
    }),
  );
  if (!started.ok) return started;
  const sent = await put(started.data, file, onProgress);
  if (!sent) {
    return {
      ok: false,
      problem: { type: 'about:blank', title: 'Upload failed', status: 0, detail: 'The file could not be uploaded. Try again.' },
    };
  }
  return authorizedResult((headers) =>
    api.POST('/api/v1/tickets/{ticketId}/attachments/{attachmentId}/complete', {
      params: { path: { ticketId, attachmentId: started.data.attachment.id } },
      headers,
    }),
  );
}

export function sendFeedback(body: FeedbackForm): Promise<ApiResult<{ id: string }>> {
  return authorizedResult((headers) => api.POST('/api/v1/feedback', { body, headers }));
}
