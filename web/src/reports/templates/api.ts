import { versionTag } from '../../admin/api';
import { api } from '../../api/client';
import { authorizedResult, type ApiResult } from '../../auth/session';
import { answered, type Answer } from '../../customers/api';
import type { Report, ReportTemplate, TemplateRequest } from '../types';

/** A template as loaded or saved, with the `ETag` to send back as `If-Match`. */
export interface TemplateAnswer {
  template: ReportTemplate;
  etag: string;
}

function templateAnswer(result: ApiResult<Answer<ReportTemplate | null>>): ApiResult<TemplateAnswer> {
  if (!result.ok) return result;
  const { data, status, etag } = result.data;
  if (data === null) {
    return {
      ok: false,
      problem: { type: 'about:blank', title: 'Unexpected answer', status, detail: 'The server sent no template.' },
    };
  }
  return { ok: true, data: { template: data, etag: etag ?? versionTag(data.version) } };
}

/** The Report Templates tab: the templates the user may see, oldest first. */
export async function fetchTemplates(): Promise<ApiResult<ReportTemplate[]>> {
  const result = await authorizedResult((headers) => api.GET('/api/v1/report-templates', { headers }));
  return result.ok ? { ok: true, data: result.data.items } : result;
}

export async function fetchTemplate(templateId: string): Promise<ApiResult<TemplateAnswer>> {
  return templateAnswer(
    await answered((headers) =>
      api.GET('/api/v1/report-templates/{templateId}', { params: { path: { templateId } }, headers }),
    ),
  );
}

/** The wizard's "Save as template" (201). */
export async function createTemplate(body: TemplateRequest, idempotencyKey: string): Promise<ApiResult<TemplateAnswer>> {
  return templateAnswer(
    await answered((headers) =>
      api.POST('/api/v1/report-templates', {
        body,
        params: { header: { 'Idempotency-Key': idempotencyKey } },
        headers,
      }),
    ),
  );
}

/** Update Template mode's Save; 412 when the template changed since `etag`. */
export async function updateTemplate(templateId: string, etag: string, body: TemplateRequest): Promise<ApiResult<TemplateAnswer>> {
  return templateAnswer(
    await answered((headers) =>
      api.PUT('/api/v1/report-templates/{templateId}', {
        body,
        params: { path: { templateId }, header: { 'If-Match': etag } },
        headers,
      }),
    ),
  );
}

/** 409 `template-in-use` names the scheduled reports that use it. */
export async function deleteTemplate(templateId: string): Promise<ApiResult<null>> {
  const result = await answered((headers) =>
    api.DELETE('/api/v1/report-templates/{templateId}', { params: { path: { templateId } }, headers }),
  );
  return result.ok ? { ok: true, data: null } : result;
}

/** The Generate Report action (202): the report is listed as Processing until its files are made. */
export async function generateFromTemplate(templateId: string, idempotencyKey: string): Promise<ApiResult<Report>> {
  const result = await authorizedResult((headers) =>
    api.POST('/api/v1/report-templates/{templateId}/reports', {
      params: { path: { templateId }, header: { 'Idempotency-Key': idempotencyKey } },
      headers,
    }),
  );
  if (!result.ok) return result;
  // The answer is the report as stored; it is read as the Reports tab reads it.
  return { ok: true, data: { ...result.data, files: result.data.files ?? [] } };
}
