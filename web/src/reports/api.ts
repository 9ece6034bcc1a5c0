import { versionTag } from '../admin/api';
import { api } from '../api/client';
import type { paths } from '../api/schema';
import { authorizedResult, type ApiResult } from '../auth/session';
import { answered, type Answer } from '../customers/api';
import type { Branding, BrandingColours, FileLink, Format, Report, ReportPage, ReportRequest, ReportTypeInfo } from './types';


/** Reports per page of the Reports list. */
export const REPORTS_PAGE_SIZE = 25;

function unexpected(status: number, what: string): ApiResult<never> {
  return {
    ok: false,
    problem: { type: 'about:blank', title: 'Unexpected answer', status, detail: `The server sent no ${what}.` },
  };
}

export async function fetchReportTypes(): Promise<ApiResult<ReportTypeInfo[]>> {
  const result = await authorizedResult((headers) => api.GET('/api/v1/report-types', { headers }));
  return result.ok ? { ok: true, data: result.data.items } : result;
}

/** One page of the partner's reports, newest first; `cursor` is the previous page's `nextCursor`. */
export async function fetchReports(cursor?: string): Promise<ApiResult<ReportPage>> {
  const query = cursor === undefined ? { limit: REPORTS_PAGE_SIZE } : { limit: REPORTS_PAGE_SIZE, cursor };
  const result = await authorizedResult((headers) => api.GET('/api/v1/reports', { params: { query }, headers }));
  return result.ok ? { ok: true, data: { ...result.data, items: result.data.items.map(asReport) } } : result;
}

export async function fetchReport(reportId: string): Promise<ApiResult<Report>> {
  const result = await authorizedResult((headers) =>
    api.GET('/api/v1/reports/{reportId}', { params: { path: { reportId } }, headers }),
  );
  return result.ok ? { ok: true, data: asReport(result.data) } : result;
}

type WireReport = NonNullable<paths['/api/v1/reports/{reportId}']['get']['responses'][200]['content']['application/json']>;

/** A report as the pages use it: its files listed even before there are any. */
function asReport(wire: WireReport): Report {
  return { ...wire, files: wire.files ?? [] };
}

/** Asks for a report (202): it is listed as Processing until its files are made. */
export async function createReport(body: ReportRequest, idempotencyKey: string): Promise<ApiResult<Report>> {
  const result = await authorizedResult((headers) =>
    api.POST('/api/v1/reports', {
      body,
      params: { header: { 'Idempotency-Key': idempotencyKey } },
      headers,
    }),
  );
  return result.ok ? { ok: true, data: asReport(result.data) } : result;
}

export async function deleteReport(reportId: string): Promise<ApiResult<null>> {
  const result = await answered((headers) =>
    api.DELETE('/api/v1/reports/{reportId}', { params: { path: { reportId } }, headers }),
  );
  return result.ok ? { ok: true, data: null } : result;
}

/** A short-lived link to one of a ready report's files: HTML opens in the browser, the others download. */
export function fetchReportFile(reportId: string, format: Format): Promise<ApiResult<FileLink>> {
  return authorizedResult((headers) =>
    api.GET('/api/v1/reports/{reportId}/files/{format}', {
      params: { path: { reportId, format } },
      headers,
    }),
  );
}

/** The branding as loaded or saved, with the `ETag` to send back as `If-Match`. */
export interface BrandingAnswer {
  branding: Branding;
  etag: string;
}

function brandingAnswer(result: ApiResult<Answer<Branding | null>>): ApiResult<BrandingAnswer> {
  if (!result.ok) return result;
  const { data, status, etag } = result.data;
  if (data === null) return unexpected(status, 'branding');
  return { ok: true, data: { branding: data, etag: etag ?? versionTag(data.version) } };
}

export async function fetchBranding(): Promise<ApiResult<BrandingAnswer>> {
  return brandingAnswer(await answered((headers) => api.GET('/api/v1/branding', { headers })));
}

/** Saves the header font and theme colours; 412 when the branding changed since `etag`. */
export async function saveBranding(etag: string, colours: BrandingColours): Promise<ApiResult<BrandingAnswer>> {
  return brandingAnswer(
    await answered((headers) =>
      api.PUT('/api/v1/branding', { body: colours, headers: { ...headers, 'If-Match': etag } }),
    ),
  );
}

/** Uploads the logo as it is (the file is the body); the server refuses a type, size or image it cannot use. */
export async function uploadLogo(file: Blob, contentType: string): Promise<ApiResult<BrandingAnswer>> {
  return brandingAnswer(
    await answered((headers) =>
      api.PUT('/api/v1/branding/logo', {
        // The document calls the body an array of bytes; the file itself is sent, unchanged.
        body: file as unknown as number[],
        bodySerializer: (body) => body,
        headers: { ...headers, 'Content-Type': contentType },
      }),
    ),
  );
}

export async function removeLogo(): Promise<ApiResult<BrandingAnswer>> {
  return brandingAnswer(await answered((headers) => api.DELETE('/api/v1/branding/logo', { headers })));
}
