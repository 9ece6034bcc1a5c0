import { versionTag } from '../../admin/api';
import { api } from '../../api/client';
import { authorizedResult, type ApiResult } from '../../auth/session';
import { answered, type Answer } from '../../customers/api';
import type { ReportSchedule, ScheduleRequest } from '../types';

/** A schedule as loaded or saved, with the `ETag` to send back as `If-Match`. */
export interface ScheduleAnswer {
  schedule: ReportSchedule;
  etag: string;
}

function scheduleAnswer(result: ApiResult<Answer<unknown>>): ApiResult<ScheduleAnswer> {
  if (!result.ok) return result;
  const { data, status, etag } = result.data;
  if (data === null || data === undefined) {
    return {
      ok: false,
      problem: { type: 'about:blank', title: 'Unexpected answer', status, detail: 'The server sent no schedule.' },
    };
  }
  const schedule = data as ReportSchedule;
  return { ok: true, data: { schedule, etag: etag ?? versionTag(schedule.version) } };
}

/** The Scheduled Reports tab: the schedules whose templates the user may see. */
export async function fetchSchedules(): Promise<ApiResult<ReportSchedule[]>> {
  const result = await authorizedResult((headers) => api.GET('/api/v1/report-schedules', { headers }));
  return result.ok ? { ok: true, data: result.data.items as ReportSchedule[] } : result;
}

export async function fetchSchedule(scheduleId: string): Promise<ApiResult<ScheduleAnswer>> {
  return scheduleAnswer(
    await answered((headers) =>
      api.GET('/api/v1/report-schedules/{scheduleId}', { params: { path: { scheduleId } }, headers }),
    ),
  );
}

/**
 * Add Report Schedule (201). A 503 may mean the schedule was made but not confirmed:
 * it is then listed as pending.
 */
export async function createSchedule(body: ScheduleRequest): Promise<ApiResult<ScheduleAnswer>> {
  return scheduleAnswer(await answered((headers) => api.POST('/api/v1/report-schedules', { body, headers })));
}

/** The edit dialog's Save; 412 when the schedule changed since `etag`, 409 while it is pending or being removed. */
export async function updateSchedule(scheduleId: string, etag: string, body: ScheduleRequest): Promise<ApiResult<ScheduleAnswer>> {
  return scheduleAnswer(
    await answered((headers) =>
      api.PUT('/api/v1/report-schedules/{scheduleId}', {
        body,
        params: { path: { scheduleId }, header: { 'If-Match': etag } },
        headers,
      }),
    ),
  );
}

/** 503 when the schedule is only marked for removal: it makes no more reports and goes within minutes. */
export async function deleteSchedule(scheduleId: string): Promise<ApiResult<null>> {
  const result = await answered((headers) =>
    api.DELETE('/api/v1/report-schedules/{scheduleId}', { params: { path: { scheduleId } }, headers }),
  );
  return result.ok ? { ok: true, data: null } : result;
}
