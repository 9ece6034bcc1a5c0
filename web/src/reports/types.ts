/**
 * The reports and report branding contract, derived from the paths of the generated
 * OpenAPI document (as `api/client.ts` derives its types). JSON is camelCase and times
 * are RFC 3339 UTC.
 */

import type { paths } from '../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? Json<R[200 & keyof R]> | Json<R[202 & keyof R]>
  : never;
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: infer B }
  ? Json<NonNullable<B>>
  : never;

export type ReportTypeList = Answer<'/api/v1/report-types', 'get'>;
export type ReportTypeInfo = ReportTypeList['items'][number];
export type ReportType = ReportTypeInfo['type'];
export type ReportTypeOptions = ReportTypeInfo['options'];
export type Format = ReportTypeInfo['formats'][number];

type WireRequest = Body<'/api/v1/reports', 'post'>;
type WireReport = Answer<'/api/v1/reports/{reportId}', 'get'>;

/** What the wizard's Data Selection step chose; only the options the type offers are sent. */
export type ReportOptions = WireRequest['options'];
/** Which computers a report counts: all, or active ones only. */
export type ComputerScope = NonNullable<ReportOptions['computers']>;
export type ReportPeriod = ReportOptions['period'];
export type ReportBy = NonNullable<ReportOptions['reportBy']>;

/** The body of `POST /api/v1/reports`. */
export type ReportRequest = Omit<WireRequest, 'options'> & { options: ReportOptions };

/** The options of a stored report: the customers are always listed. */
export type StoredOptions = Omit<WireReport['options'], 'computers'> & { computers?: ComputerScope };
export type ReportFile = NonNullable<WireReport['files']>[number];
/** A report as the pages use it: its files listed (none until it is Ready). */
export type Report = Omit<WireReport, 'options' | 'files'> & { options: StoredOptions; files: ReportFile[] };
export type ReportStatus = Report['status'];

/** A page of `GET /api/v1/reports`, newest first. */
export type ReportPage = Omit<Answer<'/api/v1/reports', 'get'>, 'items'> & { items: Report[] };

/** `GET /api/v1/reports/{reportId}/files/{format}`: a short-lived link to the file. */
export type FileLink = Answer<'/api/v1/reports/{reportId}/files/{format}', 'get'>;

/** The partner's report branding (`GET /api/v1/branding`, with an `ETag`). */
export type Branding = Answer<'/api/v1/branding', 'get'>;
export type Logo = NonNullable<Branding['logo']>;

/** The body of `PUT /api/v1/branding`: colours as `#rrggbb`. */
export type BrandingColours = Body<'/api/v1/branding', 'put'>;

/** Who receives a report by email (the wizard's Delivery step, a schedule's recipients). */
export type DeliveryForm = NonNullable<WireRequest['delivery']>;
/** The recipients as a schedule keeps them: every list present. */
export type Delivery = Required<DeliveryForm>;

/** A saved wizard (Table 3-2): `GET /api/v1/report-templates`. */
export type ReportTemplate = Answer<'/api/v1/report-templates/{templateId}', 'get'>;
/** The body of `POST` and `PUT` of a template: a report request without recipients. */
export type TemplateRequest = Omit<ReportRequest, 'delivery'>;

type WireSchedule = Answer<'/api/v1/report-schedules/{scheduleId}', 'get'>;
/** One row of the Scheduled Reports tab (Table 3-3), its recipients as the API keeps them. */
export type ReportSchedule = Omit<WireSchedule, 'delivery'> & { delivery?: Delivery };
export type ScheduleState = ReportSchedule['state'];
export type Frequency = ReportSchedule['frequency'];
/** The body of the Add Report Schedule dialog's `POST` and the edit dialog's `PUT`. */
export type ScheduleRequest = Body<'/api/v1/report-schedules', 'post'>;
