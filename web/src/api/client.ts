import createClient from 'openapi-fetch';
import type { paths } from './schema';

/**
 * Request and response types are derived from the paths of the generated OpenAPI
 * document rather than from component schema names, so the client keeps compiling
 * when the server-generated document names its schemas differently.
 */
type JsonBody<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type RequestJson<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: infer R;
}
  ? JsonBody<NonNullable<R>>
  : never;
type ResponseJson<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: infer Rs;
}
  ? S extends keyof Rs
    ? JsonBody<Rs[S]>
    : never
  : never;

export type SignUpRequest = RequestJson<'/api/v1/auth/sign-up', 'post'>;
export type SignUpResponse = ResponseJson<'/api/v1/auth/sign-up', 'post', 201>;
export type SignInRequest = RequestJson<'/api/v1/auth/sign-in', 'post'>;
export type TokenResponse = ResponseJson<'/api/v1/auth/sign-in', 'post', 200>;
export type MfaSignInRequest = RequestJson<'/api/v1/auth/sign-in/mfa', 'post'>;
export type MeResponse = ResponseJson<'/api/v1/me', 'get', 200>;
export type CurrentUser = MeResponse['user'];
export type CurrentPartner = MeResponse['partner'];
export type ActivityPage = ResponseJson<'/api/v1/me/activity', 'get', 200>;
export type AuditRecord = ActivityPage['items'][number];
export type ExspSerialRequest = RequestJson<'/api/v1/licensing/exsp-serial/validate', 'post'>;
export type ExspSerialValidation = ResponseJson<'/api/v1/licensing/exsp-serial/validate', 'post', 200>;
export type ExspActivation = ResponseJson<'/api/v1/licensing/exsp-serial/activate', 'post', 200>;

type QueryParams<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

export type Catalog = ResponseJson<'/api/v1/catalog', 'get', 200>;
export type CatalogProduct = Catalog['products'][number];
export type CapacityUnit = CatalogProduct['capacityUnit'];
export type CustomerListQuery = QueryParams<'/api/v1/customers', 'get'>;
export type CustomerListPage = ResponseJson<'/api/v1/customers', 'get', 200>;
export type CustomerRow = CustomerListPage['items'][number];
export type AddCustomerRequest = RequestJson<'/api/v1/customers', 'post'>;
export type ProductRequest = AddCustomerRequest['products'][number];
export type ProductChoice = ProductRequest['type'];
export type CustomerProfile = ResponseJson<'/api/v1/customers/{customerId}', 'get', 200>;
export type Customer = CustomerProfile['customer'];
export type ManagementType = Customer['management'];
export type Communications = Customer['communications'];
export type MacAccess = Customer['unmanagedMac'];
export type EntitlementView = CustomerProfile['entitlements'][number];
export type AddProductsRequest = RequestJson<'/api/v1/customers/{customerId}/entitlements', 'post'>;
export type ConvertRequest = RequestJson<'/api/v1/customers/{customerId}/entitlements/{entitlementId}/convert', 'post'>;
export type SettingsRequest = RequestJson<'/api/v1/customers/{customerId}/settings', 'patch'>;
export type Delegation = ResponseJson<'/api/v1/customers/{customerId}/manage', 'post', 201>;
export type BulkRequest = RequestJson<'/api/v1/customers/bulk', 'post'>;
export type BulkResponse = ResponseJson<'/api/v1/customers/bulk', 'post', 200>;
export type ImportRequest = RequestJson<'/api/v1/customers/import', 'post'>;
export type ConsentRequest = ResponseJson<'/api/v1/customers/import', 'post', 202>;
export type ConsentRequestQuery = QueryParams<'/api/v1/consent-requests', 'get'>;
export type ConsentRequestPage = ResponseJson<'/api/v1/consent-requests', 'get', 200>;

export type Permissions = MeResponse['can'];
export type UserListQuery = QueryParams<'/api/v1/users', 'get'>;
export type UserListPage = ResponseJson<'/api/v1/users', 'get', 200>;
export type UserView = ResponseJson<'/api/v1/users/{userId}', 'get', 200>;
export type UserStatus = UserView['status'];
/** The partner's mail no longer goes to an address: it bounced or marked mail as spam. */
export type MailSuppression = NonNullable<UserView['mailSuppression']>;
export type NewUserRequest = RequestJson<'/api/v1/users', 'post'>;
export type UserUpdateRequest = RequestJson<'/api/v1/users/{userId}', 'patch'>;
export type ContactPreference = UserView['contacts'][number];
export type ContactRequest = RequestJson<'/api/v1/users/{userId}/contacts', 'post'>;
export type ContactType = ContactRequest['type'];
export type RoleView = ResponseJson<'/api/v1/roles/{roleId}', 'get', 200>;
export type RoleUpdate = RequestJson<'/api/v1/roles/{roleId}', 'put'>;
export type CustomerAccess = RoleView['access'];
export type AccessLevel = CustomerAccess['defaultLevel'];
export type CustomerPermissions = RoleView['permissions'];
export type YourAccess = CustomerProfile['yourAccess'];
export type AuditQuery = QueryParams<'/api/v1/audit', 'get'>;
export type AuditPage = ResponseJson<'/api/v1/audit', 'get', 200>;
export type AuditAction = AuditRecord['action'];
export type InvitationInfo = ResponseJson<'/api/v1/invitations/inspect', 'post', 200>;
export type InvitationAccepted = ResponseJson<'/api/v1/invitations/accept', 'post', 200>;
export type MfaSetup = ResponseJson<'/api/v1/me/mfa/setup', 'post', 200>;
export type SecuritySettings = ResponseJson<'/api/v1/security', 'put', 200>;
export type CompanyView = ResponseJson<'/api/v1/company', 'get', 200>;
export type CompanySettings = RequestJson<'/api/v1/company', 'put'>;
export type SupportInfo = CompanySettings['support'];
export type EmailLanguage = CompanySettings['language'];
export type ConsentReminders = CompanyView['consentReminders'];
export type ApiClientView = ResponseJson<'/api/v1/api-clients', 'get', 200>[number];
export type NewApiClientRequest = RequestJson<'/api/v1/api-clients', 'post'>;
export type NewApiClient = ResponseJson<'/api/v1/api-clients', 'post', 201>;
export type StatisticsQuery = QueryParams<'/api/v1/statistics/offline-computers', 'get'>;
export type EndpointStatistics = ResponseJson<'/api/v1/statistics/endpoint', 'get', 200>;
export type TopRisk = EndpointStatistics['risks']['top'][number];
export type DeploymentStatistics = ResponseJson<'/api/v1/statistics/deployment', 'get', 200>;
export type OperatingSystem = DeploymentStatistics['deployed']['byOs'][number]['os'];
export type OfflineComputerPage = ResponseJson<'/api/v1/statistics/offline-computers', 'get', 200>;
export type OfflineComputer = OfflineComputerPage['items'][number];
export type ProductUsageList = ResponseJson<'/api/v1/products/usage', 'get', 200>;
export type ProductUsage = ProductUsageList['items'][number];
export type CustomerEndpointProtection = ResponseJson<'/api/v1/customers/{customerId}/endpoint-protection', 'get', 200>;
export type EndpointSummary = CustomerEndpointProtection['summary'];
export type IngestionKey = ResponseJson<'/api/v1/customers/{customerId}/ingestion-key', 'post', 201>;
export type Dashboard = ResponseJson<'/api/v1/dashboard', 'get', 200>;
export type DashboardLayout = ResponseJson<'/api/v1/dashboard/layout', 'get', 200>;
export type WidgetId = DashboardLayout['widgets'][number];
export type NewsPage = ResponseJson<'/api/v1/news', 'get', 200>;
export type NewsItem = NewsPage['items'][number];

function currentOrigin(): string {
  return typeof window === 'undefined' ? '' : window.location.origin;
}

/**
 * The typed API client. Requests go to the page's own origin (the dev/preview
 * server proxies /api to the API), so the refresh cookie is same-origin.
 * `fetch` is resolved on every call so tests can stub the global.
 */
export const api = createClient<paths>({
  baseUrl: currentOrigin(),
  credentials: 'same-origin',
  fetch: (request: Request) => globalThis.fetch(request),
});
