//! Every endpoint × every kind of principal, with the exact status each must get: the
//! partner administrator, an administrator, custom roles with Read/Write, Read and No
//! access on the target customer, a user of another partner, an API client (with the
//! Administrator role), the admin of one of the partner's customers, a partner user who
//! was disabled after signing in (their token still valid), and an administrator in a
//! "Manage customer" session (`X-Delegation` on every request). The table must name
//! every route the functions serve: an endpoint added without its row fails here.
//!
//! Each cell gets fresh targets where the call changes or uses them up (a customer to
//! remove, a user to invite again), so cells do not depend on each other's order.

use std::collections::{BTreeSet, HashMap};

use axum::{
    body::Body,
    http::{header, Request},
    Router,
};
use serde_json::{json, Value};
use testkit::{http::*, TestStack};

/// The principals, in column order.
const WHO: [&str; 10] = [
    "partner admin",
    "administrator",
    "role read/write",
    "role read",
    "role no access",
    "other partner",
    "API client",
    "customer admin",
    "disabled user",
    "delegated session",
];

/// The column of the disabled user: their old token, never a fresh one.
const DISABLED: usize = 8;
/// The column whose requests carry the fixture's Manage customer session.
const DELEGATED: usize = 9;

/// (METHOD, path template) → the status for each principal in `WHO` order.
const EXPECTED: &[(&str, &str, [u16; 10])] = &[
    // Sessions and the signed-in user. Public endpoints ignore who asks.
    (
        "POST",
        "/api/v1/auth/sign-up",
        [201, 201, 201, 201, 201, 201, 201, 201, 201, 201],
    ),
    (
        "POST",
        "/api/v1/auth/sign-in",
        [401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/auth/sign-in/mfa",
        [401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/auth/token",
        [401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/auth/refresh",
        [401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/auth/sign-out",
        [204, 204, 204, 204, 204, 204, 204, 204, 204, 204],
    ),
    (
        "GET",
        "/api/v1/me",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/me/activity",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/me/mfa/setup",
        [200, 200, 200, 200, 200, 200, 403, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/me/mfa/verify",
        [422, 422, 422, 422, 422, 422, 403, 403, 403, 422],
    ),
    (
        "DELETE",
        "/api/v1/me/mfa",
        [204, 204, 204, 204, 204, 204, 403, 403, 403, 204],
    ),
    (
        "GET",
        "/api/v1/audit",
        [200, 200, 403, 403, 403, 200, 200, 403, 403, 200],
    ),
    // The ExSP program: the built-in roles only (a malformed serial is 422 to them).
    (
        "POST",
        "/api/v1/licensing/exsp-serial/validate",
        [422, 422, 403, 403, 403, 422, 422, 403, 403, 422],
    ),
    (
        "POST",
        "/api/v1/licensing/exsp-serial/activate",
        [422, 422, 403, 403, 403, 422, 422, 403, 403, 422],
    ),
    // Customers: the access level on the target customer decides; No access and
    // another partner's customer are both "not found".
    (
        "GET",
        "/api/v1/catalog",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/customers",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/customers",
        [201, 201, 201, 403, 403, 201, 201, 403, 403, 201],
    ),
    (
        "GET",
        "/api/v1/customers/{customerId}",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    (
        "DELETE",
        "/api/v1/customers/{customerId}",
        [204, 204, 204, 403, 404, 404, 204, 403, 403, 204],
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/entitlements",
        [200, 200, 200, 403, 404, 404, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/entitlements/{entitlementId}/convert",
        [422, 422, 422, 403, 404, 404, 422, 403, 403, 422],
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/entitlements/{entitlementId}/cancel",
        [200, 200, 200, 403, 404, 404, 200, 403, 403, 200],
    ),
    (
        "PATCH",
        "/api/v1/customers/{customerId}/settings",
        [200, 200, 200, 403, 404, 404, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/management",
        [200, 200, 200, 403, 404, 404, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/manage",
        [201, 201, 201, 403, 404, 404, 201, 403, 403, 201],
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/welcome",
        [202, 202, 202, 403, 404, 404, 202, 403, 403, 202],
    ),
    (
        "POST",
        "/api/v1/customers/import",
        [202, 202, 202, 403, 403, 202, 202, 403, 403, 202],
    ),
    // Bulk actions and the selection's export answer every partner user: each customer is
    // authorized on its own row (tests/tests/customers_bulk.rs), a hidden one is "not
    // found" there.
    (
        "POST",
        "/api/v1/customers/bulk",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/customers/export",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/consent-requests",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/consent-requests/{requestId}/resend",
        [200, 200, 200, 403, 404, 404, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/consent-requests/{requestId}/withdraw",
        [200, 200, 200, 403, 404, 404, 200, 403, 403, 200],
    ),
    // The customer's side: links are public; the rest is the customer admin's alone.
    (
        "POST",
        "/api/v1/links/inspect",
        [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    (
        "POST",
        "/api/v1/welcome/set-password",
        [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    (
        "POST",
        "/api/v1/consent/{requestId}/approve",
        [403, 403, 403, 403, 403, 403, 403, 404, 403, 403],
    ),
    (
        "POST",
        "/api/v1/consent/{requestId}/deny",
        [403, 403, 403, 403, 403, 403, 403, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/portal",
        [403, 403, 403, 403, 403, 403, 403, 200, 403, 200],
    ),
    (
        "PATCH",
        "/api/v1/portal/settings",
        [403, 403, 403, 403, 403, 403, 403, 200, 403, 200],
    ),
    // Users and roles: partner administrators manage; the built-in roles see; custom
    // roles see only themselves; another partner's objects are not found.
    (
        "GET",
        "/api/v1/users",
        [200, 200, 403, 403, 403, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/users",
        [201, 403, 403, 403, 403, 201, 403, 403, 403, 403],
    ),
    (
        "GET",
        "/api/v1/users/{userId}",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "PATCH",
        "/api/v1/users/{userId}",
        [200, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "DELETE",
        "/api/v1/users/{userId}",
        [204, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "POST",
        "/api/v1/users/{userId}/invitation",
        [200, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "POST",
        "/api/v1/users/{userId}/contacts",
        [200, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "PUT",
        "/api/v1/users/{userId}/contacts/{contactId}",
        [200, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "DELETE",
        "/api/v1/users/{userId}/contacts/{contactId}",
        [200, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "POST",
        "/api/v1/users/{userId}/mfa/reset",
        [204, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    // Lifting a mail suppression: user management; another partner's address is not
    // suppressed for the other partner, so it is not found.
    (
        "DELETE",
        "/api/v1/mail-suppressions/{email}",
        [204, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "PUT",
        "/api/v1/security",
        [200, 403, 403, 403, 403, 200, 403, 403, 403, 403],
    ),
    // My Company: every partner user reads it; the built-in roles change it.
    (
        "GET",
        "/api/v1/company",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/api/v1/company",
        [200, 200, 403, 403, 403, 200, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/roles",
        [200, 200, 403, 403, 403, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/roles",
        [201, 403, 403, 403, 403, 201, 403, 403, 403, 403],
    ),
    (
        "GET",
        "/api/v1/roles/{roleId}",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/api/v1/roles/{roleId}",
        [200, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "DELETE",
        "/api/v1/roles/{roleId}",
        [204, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "GET",
        "/api/v1/api-clients",
        [200, 403, 403, 403, 403, 200, 403, 403, 403, 403],
    ),
    (
        "POST",
        "/api/v1/api-clients",
        [201, 403, 403, 403, 403, 201, 403, 403, 403, 403],
    ),
    (
        "DELETE",
        "/api/v1/api-clients/{clientId}",
        [204, 403, 403, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "POST",
        "/api/v1/invitations/inspect",
        [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    (
        "POST",
        "/api/v1/invitations/accept",
        [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    // Forgotten passwords and the sign-up's email confirmation: public, the link is the
    // credential; the same answer whoever asks, whatever the email.
    (
        "POST",
        "/api/v1/auth/password/forgot",
        [202, 202, 202, 202, 202, 202, 202, 202, 202, 202],
    ),
    (
        "POST",
        "/api/v1/auth/password/inspect",
        [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    (
        "POST",
        "/api/v1/auth/password/reset",
        [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    (
        "POST",
        "/api/v1/auth/verify-email",
        [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    // The fixture's partners are confirmed: nothing to send again.
    (
        "POST",
        "/api/v1/me/verification-email",
        [409, 409, 409, 409, 409, 409, 409, 403, 403, 409],
    ),
    // Telemetry. Ingestion takes a customer's ingestion key, never a user's token.
    (
        "POST",
        "/api/v1/ingest/{customerId}/computers",
        [401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/ingest/{customerId}/events",
        [401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/ingestion-key",
        [201, 201, 201, 403, 404, 404, 201, 403, 403, 201],
    ),
    (
        "GET",
        "/api/v1/customers/{customerId}/endpoint-protection",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    // The Home page and statistics pages, filtered to the target customer: hidden
    // customers are not found, as everywhere.
    (
        "GET",
        "/api/v1/dashboard",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/statistics/endpoint",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/statistics/deployment",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/statistics/offline-computers",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    // Everyone's own layout, the news, and the products of the customers they see.
    (
        "GET",
        "/api/v1/dashboard/layout",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/api/v1/dashboard/layout",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/news",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    // Alerts: every role sees those of the customers it reaches (hidden customers are not
    // found, as everywhere); the built-in roles manage notification rules.
    (
        "GET",
        "/api/v1/alerts",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/alerts/{alertId}",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/alerts/dismiss",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/alert-rules",
        [200, 200, 403, 403, 403, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/alert-rules",
        [201, 201, 403, 403, 403, 201, 201, 403, 403, 201],
    ),
    (
        "GET",
        "/api/v1/alert-rules/{ruleId}",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/api/v1/alert-rules/{ruleId}",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "DELETE",
        "/api/v1/alert-rules/{ruleId}",
        [204, 204, 403, 403, 403, 404, 204, 403, 403, 204],
    ),
    (
        "GET",
        "/api/v1/alert-rules/{ruleId}/deliveries",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/alert-rules/{ruleId}/test",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/products/usage",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    // Reports: every role reports on the customers it reads; a customer it cannot read
    // (or another partner's) is refused like one that does not exist.
    (
        "GET",
        "/api/v1/report-types",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/reports",
        [202, 202, 202, 202, 422, 422, 202, 403, 403, 202],
    ),
    (
        "GET",
        "/api/v1/reports",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "GET",
        "/api/v1/reports/{reportId}",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    // A custom role deletes only its own reports.
    (
        "DELETE",
        "/api/v1/reports/{reportId}",
        [204, 204, 403, 403, 404, 404, 204, 403, 403, 204],
    ),
    // Still Processing: the access check passes, and the file is not there yet.
    (
        "GET",
        "/api/v1/reports/{reportId}/files/{format}",
        [409, 409, 409, 409, 404, 404, 409, 403, 403, 409],
    ),
    // Report Customization: the built-in roles change it; everyone reads their own.
    (
        "GET",
        "/api/v1/branding",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/api/v1/branding",
        [200, 200, 403, 403, 403, 200, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/api/v1/branding/logo",
        [200, 200, 403, 403, 403, 200, 200, 403, 403, 200],
    ),
    (
        "DELETE",
        "/api/v1/branding/logo",
        [200, 200, 403, 403, 403, 200, 200, 403, 403, 200],
    ),
    // Report templates and schedules: like reports, each shown to those who read every
    // customer it names; a custom role changes only what its user saved.
    (
        "GET",
        "/api/v1/report-templates",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/report-templates",
        [201, 201, 201, 201, 422, 422, 201, 403, 403, 201],
    ),
    (
        "GET",
        "/api/v1/report-templates/{templateId}",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/api/v1/report-templates/{templateId}",
        [200, 200, 403, 403, 404, 404, 200, 403, 403, 200],
    ),
    (
        "DELETE",
        "/api/v1/report-templates/{templateId}",
        [204, 204, 403, 403, 404, 404, 204, 403, 403, 204],
    ),
    (
        "POST",
        "/api/v1/report-templates/{templateId}/reports",
        [202, 202, 202, 202, 404, 404, 202, 403, 403, 202],
    ),
    (
        "GET",
        "/api/v1/report-schedules",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    // A template the caller cannot see is refused like one that does not exist.
    (
        "POST",
        "/api/v1/report-schedules",
        [201, 201, 201, 201, 422, 422, 201, 403, 403, 201],
    ),
    (
        "GET",
        "/api/v1/report-schedules/{scheduleId}",
        [200, 200, 200, 200, 404, 404, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/api/v1/report-schedules/{scheduleId}",
        [200, 200, 403, 403, 404, 404, 200, 403, 403, 200],
    ),
    (
        "DELETE",
        "/api/v1/report-schedules/{scheduleId}",
        [204, 204, 403, 403, 404, 404, 204, 403, 403, 204],
    ),
    // The billing export: every role, over the customers it reads (tests/tests/billing.rs
    // checks which); another partner's user gets their own.
    (
        "GET",
        "/api/v1/billing/usage",
        [200, 200, 200, 200, 200, 200, 200, 403, 403, 200],
    ),
    // Case Management: the support tickets permission (the built-in roles have it, the
    // matrix's custom roles do not); another partner's ticket is not found. Feedback is
    // every partner user's.
    (
        "GET",
        "/api/v1/tickets",
        [200, 200, 403, 403, 403, 200, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/tickets",
        [201, 201, 403, 403, 403, 201, 201, 403, 403, 201],
    ),
    (
        "GET",
        "/api/v1/tickets/{ticketId}",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "PATCH",
        "/api/v1/tickets/{ticketId}",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/tickets/{ticketId}/comments",
        [201, 201, 403, 403, 403, 404, 201, 403, 403, 201],
    ),
    (
        "POST",
        "/api/v1/tickets/{ticketId}/close",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "PUT",
        "/api/v1/tickets/{ticketId}/follow",
        [204, 204, 403, 403, 403, 404, 204, 403, 403, 204],
    ),
    (
        "DELETE",
        "/api/v1/tickets/{ticketId}/follow",
        [204, 204, 403, 403, 403, 404, 204, 403, 403, 204],
    ),
    (
        "POST",
        "/api/v1/tickets/{ticketId}/attachments",
        [201, 201, 403, 403, 403, 404, 201, 403, 403, 201],
    ),
    (
        "GET",
        "/api/v1/tickets/{ticketId}/attachments/{attachmentId}",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/tickets/{ticketId}/attachments/{attachmentId}/complete",
        [200, 200, 403, 403, 403, 404, 200, 403, 403, 200],
    ),
    (
        "POST",
        "/api/v1/feedback",
        [201, 201, 201, 201, 201, 201, 201, 403, 403, 201],
    ),
];

/// A report request of partner P's administrator about one new customer.
fn report_body(customer: &str) -> Value {
    json!({"name": "Matrix report", "type": "alertHistory", "formats": ["pdf"],
        "options": {"period": {"kind": "last", "range": "7d"}, "customers": [customer]}})
}

/// A weekly schedule of a template, emailed to nobody.
fn schedule_body(template: &str) -> Value {
    json!({"name": "Matrix schedule", "templateId": template, "frequency": "weekly", "hour": 6})
}

/// A valid logo (a 300×150 PNG).
fn logo() -> Vec<u8> {
    std::fs::read(format!(
        "{}/../tests/fixtures/logos/ok-300x150.png",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// An alert notification rule's form.
fn rule_body(n: usize) -> Value {
    json!({
        "name": format!("Rule {n}"),
        "categories": [{"service": "endpointProtection", "severity": "error"}],
        "computers": {"scope": "all"},
        "webhook": {"url": "http://127.0.0.1:9/hook"},
    })
}

const PASSWORD: &str = "Matrix-Passw0rd";
/// A well-formed link secret that was never issued.
const NO_SUCH_TOKEN: &str = "tVb0dPqj7mS9Yc1hXq2Gf6kLz3Rw8NuEa4Jp5Ds0BxI";

struct Fixture {
    stack: TestStack,
    apps: HashMap<String, Router>,
    /// The partner administrator's token (partner P).
    admin: String,
    /// A token per principal, in `WHO` order, and how to get a fresh one.
    tokens: Vec<String>,
    logins: Vec<(String, String)>,
    /// The secret of the delegated session's Manage customer session.
    delegation: String,
    /// Unique names and addresses.
    counter: std::sync::atomic::AtomicUsize,
}

/// One request of a cell.
struct Req {
    path: String,
    body: Option<Value>,
    /// Sign in again first (for sign-out, which ends the session it is called with).
    fresh: bool,
    /// A body that is not JSON (an uploaded file) and its type, instead of `body`.
    raw: Option<(Vec<u8>, &'static str)>,
}

fn req(path: impl Into<String>, body: Option<Value>) -> Req {
    Req {
        path: path.into(),
        body,
        fresh: false,
        raw: None,
    }
}

/// The body of a request, and its content type.
fn body_of(r: &Req) -> Option<(Body, &'static str)> {
    match (&r.raw, &r.body) {
        (Some((bytes, kind)), _) => Some((Body::from(bytes.clone()), *kind)),
        (None, Some(b)) => Some((Body::from(b.to_string()), "application/json")),
        (None, None) => None,
    }
}

impl Fixture {
    fn app(&self, name: &str) -> &Router {
        &self.apps[name]
    }

    fn next(&self) -> usize {
        self.counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    async fn call(
        &self,
        app: &str,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Answer {
        let ip = format!("198.51.100.{}", self.next() % 250 + 1);
        call(self.app(app), method, path, token, body, &ip).await
    }

    async fn ok(&self, app: &str, method: &str, path: &str, body: Option<&Value>) -> Value {
        let a = self.call(app, method, path, &self.admin, body).await;
        assert!(a.status.is_success(), "{method} {path}: {}", a.text);
        a.body
    }

    /// A new customer of partner P (co-managed, a trial): every custom role gets its
    /// default level on it.
    async fn customer(&self) -> Value {
        let n = self.next();
        let form = customer_body(
            &format!("Target {n}"),
            &format!("it{n}@target.example.com"),
            "GB",
            "coManaged",
            "shared",
            json!([{"product": "endpoint-protection", "type": "trial"}]),
        );
        self.ok("customers", "POST", "/api/v1/customers", Some(&form))
            .await
    }

    async fn customer_id(&self) -> String {
        self.customer().await["customer"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A pending management-change request of partner P, for a new customer.
    async fn request_id(&self) -> String {
        let id = self.customer_id().await;
        // Giving access back is immediate, asking for more needs consent.
        self.ok(
            "customers",
            "POST",
            &format!("/api/v1/customers/{id}/management"),
            Some(&json!({"management": "customerManaged"})),
        )
        .await;
        let p = self
            .ok(
                "customers",
                "POST",
                &format!("/api/v1/customers/{id}/management"),
                Some(&json!({"management": "partnerManaged"})),
            )
            .await;
        p["requests"][0]["id"].as_str().unwrap().to_string()
    }

    /// An address partner P's mail no longer goes to (as the notifier stores it).
    async fn suppressed_email(&self) -> String {
        use domain::{
            audit::{Action, AuditRecord, Outcome},
            mail::{MailSuppression, SuppressionReason},
        };
        let email = format!("bounced{}@p.example.com", self.next());
        let me = self.ok("auth", "GET", "/api/v1/me", None).await;
        let partner = domain::PartnerId::parse(me["partner"]["id"].as_str().unwrap()).unwrap();
        let suppression = MailSuppression {
            email: domain::EmailAddress::parse(&email).unwrap(),
            reason: SuppressionReason::Bounced,
            since: chrono::Utc::now(),
            feedback_id: "matrix".into(),
        };
        let record = AuditRecord::new(Action::SuppressMail, "ses", "ses", Outcome::Success)
            .by(&partner, None)
            .target(email.clone());
        self.stack
            .state
            .table
            .suppress_mail(&partner, &suppression, &record)
            .await
            .unwrap();
        email
    }

    /// A new invited user of partner P.
    async fn user_id(&self) -> String {
        let n = self.next();
        let u = self
            .ok(
                "users",
                "POST",
                "/api/v1/users",
                Some(&json!({"email": format!("u{n}@p.example.com"), "firstName": "U", "lastName": "V", "role": "administrator"})),
            )
            .await;
        u["id"].as_str().unwrap().to_string()
    }

    async fn role_id(&self) -> String {
        let n = self.next();
        let r = self
            .ok(
                "users",
                "POST",
                "/api/v1/roles",
                Some(&json!({"name": format!("Role {n}")})),
            )
            .await;
        r["id"].as_str().unwrap().to_string()
    }

    /// An open alert of partner P about a new customer.
    async fn alert_id(&self) -> String {
        let c = self.customer().await;
        let customer = domain::CustomerId::parse(c["customer"]["id"].as_str().unwrap()).unwrap();
        let partner =
            domain::PartnerId::parse(c["customer"]["partnerId"].as_str().unwrap()).unwrap();
        let mut account: domain::customer::Customer =
            serde_json::from_value(c["customer"].clone()).unwrap();
        account.seats_used = 1000;
        let raise = domain::alert::seats_over_capacity(&account, chrono::Utc::now())
            .expect("more seats used than the trial has");
        assert_eq!(raise.customer.as_ref().map(|c| &c.0), Some(&customer));
        match adapters::notify::raise(&self.stack.state, &partner, &[raise])
            .await
            .unwrap()[0]
            .clone()
        {
            store::alerts::Raised::New(id) => id.to_string(),
            other => panic!("{other:?}"),
        }
    }

    /// A template of partner P's administrator about a new customer.
    async fn template_id(&self) -> String {
        let customer = self.customer_id().await;
        let t = self
            .ok(
                "reports",
                "POST",
                "/api/v1/report-templates",
                Some(&report_body(&customer)),
            )
            .await;
        t["id"].as_str().unwrap().to_string()
    }

    /// A rule of partner P with a webhook (on a loopback port nothing listens on).
    async fn rule_id(&self) -> String {
        let r = self
            .ok(
                "alerts",
                "POST",
                "/api/v1/alert-rules",
                Some(&rule_body(self.next())),
            )
            .await;
        r["id"].as_str().unwrap().to_string()
    }

    /// A new support ticket of partner P.
    async fn ticket_id(&self) -> String {
        let t = self
            .ok(
                "support",
                "POST",
                "/api/v1/tickets",
                Some(&json!({"subject": "Matrix case", "description": "Agents offline"})),
            )
            .await;
        t["id"].as_str().unwrap().to_string()
    }

    /// An attachment of a new ticket of partner P, uploaded to S3, and checked when
    /// `complete`: (ticket, attachment).
    async fn attachment(&self, complete: bool) -> (String, String) {
        let ticket = self.ticket_id().await;
        let u = self
            .ok(
                "support",
                "POST",
                &format!("/api/v1/tickets/{ticket}/attachments"),
                Some(&json!({"fileName": "agent.log", "contentType": "text/plain", "size": 5})),
            )
            .await;
        let put = adapters::tls::http_client()
            .put(u["url"].as_str().unwrap())
            .header("content-type", "text/plain")
            .body("hello")
            .send()
            .await
            .unwrap();
        assert!(put.status().is_success(), "{}", put.status());
        let id = u["attachment"]["id"].as_str().unwrap().to_string();
        if complete {
            self.ok(
                "support",
                "POST",
                &format!("/api/v1/tickets/{ticket}/attachments/{id}/complete"),
                None,
            )
            .await;
        }
        (ticket, id)
    }

    /// The request a cell sends for a route.
    async fn prepare(&self, method: &str, path: &str) -> Req {
        let n = self.next();
        match (method, path) {
            ("POST", "/api/v1/auth/sign-up") => req(
                path,
                Some(sign_up_body(
                    &format!("new{n}@signup.example.com"),
                    "New Co",
                )),
            ),
            ("POST", "/api/v1/auth/sign-in") => req(
                path,
                Some(
                    json!({"email": format!("nobody{n}@example.com"), "password": "Wrong-passw0rd"}),
                ),
            ),
            ("POST", "/api/v1/auth/sign-in/mfa") => req(
                path,
                Some(
                    json!({"email": format!("nobody{n}@example.com"), "session": "x", "code": "123456"}),
                ),
            ),
            ("POST", "/api/v1/auth/token") => req(
                path,
                Some(
                    json!({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}),
                ),
            ),
            ("POST", "/api/v1/auth/refresh") => req(path, None),
            ("POST", "/api/v1/auth/sign-out") => Req {
                fresh: true,
                ..req(path, None)
            },
            // The identity provider acts on the caller's session, which the sign-out row
            // has ended (signing out ends every session of the user): fresh ones.
            ("POST", "/api/v1/me/mfa/verify") => Req {
                fresh: true,
                ..req(path, Some(json!({"code": "000000"})))
            },
            ("POST", "/api/v1/me/mfa/setup") => Req {
                fresh: true,
                ..req(path, None)
            },
            (
                "POST",
                "/api/v1/licensing/exsp-serial/validate" | "/api/v1/licensing/exsp-serial/activate",
            ) => req(path, Some(json!({"serial": "EXSP-0000-0000-0000-0000"}))),
            ("POST", "/api/v1/customers") => {
                let form = customer_body(
                    &format!("Added {n}"),
                    &format!("it{n}@added.example.com"),
                    "GB",
                    "coManaged",
                    "shared",
                    json!([{"product": "endpoint-protection", "type": "trial"}]),
                );
                req(path, Some(form))
            }
            ("GET", "/api/v1/customers/{customerId}") => req(
                format!("/api/v1/customers/{}", self.customer_id().await),
                None,
            ),
            ("DELETE", "/api/v1/customers/{customerId}") => req(
                format!(
                    "/api/v1/customers/{}?confirm=true",
                    self.customer_id().await
                ),
                None,
            ),
            ("POST", "/api/v1/customers/{customerId}/entitlements") => req(
                format!(
                    "/api/v1/customers/{}/entitlements",
                    self.customer_id().await
                ),
                Some(json!({"products": [{"product": "email-security", "type": "trial"}]})),
            ),
            ("POST", "/api/v1/customers/{customerId}/entitlements/{entitlementId}/convert")
            | ("POST", "/api/v1/customers/{customerId}/entitlements/{entitlementId}/cancel") => {
                let c = self.customer().await;
                let id = c["customer"]["id"].as_str().unwrap();
                let e = c["entitlements"][0]["id"].as_str().unwrap();
                if path.ends_with("convert") {
                    req(
                        format!("/api/v1/customers/{id}/entitlements/{e}/convert"),
                        Some(json!({"productSerial": "NOT-A-SERIAL"})),
                    )
                } else {
                    req(
                        format!("/api/v1/customers/{id}/entitlements/{e}/cancel"),
                        Some(json!({"confirm": true})),
                    )
                }
            }
            ("PATCH", "/api/v1/customers/{customerId}/settings") => req(
                format!("/api/v1/customers/{}/settings", self.customer_id().await),
                Some(json!({"unmanagedMac": "allow"})),
            ),
            ("POST", "/api/v1/customers/{customerId}/management") => req(
                format!("/api/v1/customers/{}/management", self.customer_id().await),
                Some(json!({"management": "customerManaged"})),
            ),
            (
                "POST",
                "/api/v1/customers/{customerId}/manage" | "/api/v1/customers/{customerId}/welcome",
            ) => {
                let id = self.customer_id().await;
                req(path.replace("{customerId}", &id), None)
            }
            ("POST", "/api/v1/customers/import") => req(
                path,
                Some(json!({"email": format!("nobody{n}@import.example.com")})),
            ),
            ("POST", "/api/v1/customers/bulk") => req(
                path,
                Some(
                    json!({"action": "startTrial", "customerIds": [self.customer_id().await],
                    "product": "email-security"}),
                ),
            ),
            ("POST", "/api/v1/customers/export") => req(
                path,
                Some(json!({"customerIds": [self.customer_id().await]})),
            ),
            (
                "POST",
                "/api/v1/consent-requests/{requestId}/resend"
                | "/api/v1/consent-requests/{requestId}/withdraw",
            ) => {
                let id = self.request_id().await;
                req(path.replace("{requestId}", &id), None)
            }
            ("POST", "/api/v1/links/inspect" | "/api/v1/invitations/inspect") => {
                req(path, Some(json!({"token": NO_SUCH_TOKEN})))
            }
            ("POST", "/api/v1/auth/password/forgot") => req(
                path,
                Some(json!({"email": format!("nobody{n}@reset.example.com")})),
            ),
            ("POST", "/api/v1/auth/password/inspect" | "/api/v1/auth/verify-email") => {
                req(path, Some(json!({"token": NO_SUCH_TOKEN})))
            }
            ("POST", "/api/v1/auth/password/reset") => req(
                path,
                Some(json!({"token": NO_SUCH_TOKEN, "password": "Strong-Passw0rd"})),
            ),
            ("POST", "/api/v1/me/verification-email") => req(path, None),
            ("POST", "/api/v1/welcome/set-password" | "/api/v1/invitations/accept") => req(
                path,
                Some(json!({"token": NO_SUCH_TOKEN, "password": "Strong-Passw0rd"})),
            ),
            (
                "POST",
                "/api/v1/consent/{requestId}/approve" | "/api/v1/consent/{requestId}/deny",
            ) => {
                let id = self.request_id().await;
                req(path.replace("{requestId}", &id), Some(json!({})))
            }
            ("POST", "/api/v1/ingest/{customerId}/computers") => {
                let id = self.customer_id().await;
                let computers = testkit::simulator::fleet(
                    &testkit::simulator::Spec {
                        seed: n as u64,
                        customer: 0,
                        computers: 1,
                        history_days: 7,
                        agent_version: "22.4.1",
                    },
                    chrono::Utc::now(),
                )
                .computers;
                req(
                    path.replace("{customerId}", &id),
                    Some(json!({"computers": computers})),
                )
            }
            ("POST", "/api/v1/ingest/{customerId}/events") => {
                let id = self.customer_id().await;
                let event = json!({"id": "e1", "computerId": "pc-1", "occurredAt": chrono::Utc::now().to_rfc3339(),
                    "detail": {"type": "intrusion", "signature": "Attack: SMB Double Pulsar Ping"}});
                req(
                    path.replace("{customerId}", &id),
                    Some(json!({"events": [event]})),
                )
            }
            ("POST", "/api/v1/customers/{customerId}/ingestion-key")
            | ("GET", "/api/v1/customers/{customerId}/endpoint-protection") => req(
                path.replace("{customerId}", &self.customer_id().await),
                None,
            ),
            (
                "GET",
                "/api/v1/dashboard"
                | "/api/v1/statistics/endpoint"
                | "/api/v1/statistics/deployment"
                | "/api/v1/statistics/offline-computers",
            ) => req(
                format!("{path}?customer={}", self.customer_id().await),
                None,
            ),
            ("PUT", "/api/v1/dashboard/layout") => req(
                path,
                Some(serde_json::to_value(domain::home::Layout::default()).unwrap()),
            ),
            ("PATCH", "/api/v1/portal/settings") => {
                req(path, Some(json!({"unmanagedMac": "allow"})))
            }
            ("POST", "/api/v1/users") => req(
                path,
                Some(
                    json!({"email": format!("added{n}@p.example.com"), "firstName": "A", "lastName": "B", "role": "administrator"}),
                ),
            ),
            ("GET" | "DELETE", "/api/v1/users/{userId}")
            | ("POST", "/api/v1/users/{userId}/invitation" | "/api/v1/users/{userId}/mfa/reset") => {
                let id = self.user_id().await;
                req(path.replace("{userId}", &id), None)
            }
            ("DELETE", "/api/v1/mail-suppressions/{email}") => req(
                path.replace("{email}", &self.suppressed_email().await),
                None,
            ),
            ("PATCH", "/api/v1/users/{userId}") => req(
                path.replace("{userId}", &self.user_id().await),
                Some(json!({"firstName": "Renamed"})),
            ),
            ("POST", "/api/v1/users/{userId}/contacts") => req(
                path.replace("{userId}", &self.user_id().await),
                Some(json!({"type": "sms", "address": "+447700900123"})),
            ),
            ("PUT" | "DELETE", "/api/v1/users/{userId}/contacts/{contactId}") => {
                let id = self.user_id().await;
                let u = self
                    .ok(
                        "users",
                        "POST",
                        &format!("/api/v1/users/{id}/contacts"),
                        Some(&json!({"type": "email", "address": "c@p.example.com"})),
                    )
                    .await;
                let contact = u["contacts"][0]["id"].as_str().unwrap();
                let body = (method == "PUT").then(
                    || json!({"type": "email", "address": "d@p.example.com", "primary": true}),
                );
                req(format!("/api/v1/users/{id}/contacts/{contact}"), body)
            }
            ("PUT", "/api/v1/security") => req(path, Some(json!({"requireMfa": false}))),
            ("PUT", "/api/v1/company") => req(
                path,
                Some(json!({"support": {"supportEmail": "help@p.example.com"}, "language": "en"})),
            ),
            ("POST", "/api/v1/roles") => req(path, Some(json!({"name": format!("New role {n}")}))),
            ("GET" | "DELETE", "/api/v1/roles/{roleId}") => {
                req(path.replace("{roleId}", &self.role_id().await), None)
            }
            ("PUT", "/api/v1/roles/{roleId}") => req(
                path.replace("{roleId}", &self.role_id().await),
                Some(
                    json!({"name": format!("Renamed {n}"), "access": {"all": "read", "defaultLevel": "read"}, "permissions": {"addCustomers": false, "importCustomers": false, "removeCustomers": false}}),
                ),
            ),
            ("POST", "/api/v1/api-clients") => req(
                path,
                Some(json!({"name": format!("Client {n}"), "role": "administrator"})),
            ),
            ("DELETE", "/api/v1/api-clients/{clientId}") => {
                let c = self
                    .ok(
                        "users",
                        "POST",
                        "/api/v1/api-clients",
                        Some(&json!({"name": format!("Doomed {n}"), "role": "administrator"})),
                    )
                    .await;
                req(
                    path.replace("{clientId}", c["clientId"].as_str().unwrap()),
                    None,
                )
            }
            ("GET", "/api/v1/alerts") => req(
                format!("{path}?customer={}", self.customer_id().await),
                None,
            ),
            ("GET", "/api/v1/alerts/{alertId}") => {
                req(path.replace("{alertId}", &self.alert_id().await), None)
            }
            ("POST", "/api/v1/alerts/dismiss") => {
                req(path, Some(json!({"ids": [self.alert_id().await]})))
            }
            ("POST", "/api/v1/alert-rules") => req(path, Some(rule_body(n))),
            ("PUT", "/api/v1/alert-rules/{ruleId}") => req(
                path.replace("{ruleId}", &self.rule_id().await),
                Some(rule_body(n)),
            ),
            (
                "GET" | "DELETE",
                "/api/v1/alert-rules/{ruleId}" | "/api/v1/alert-rules/{ruleId}/deliveries",
            )
            | ("POST", "/api/v1/alert-rules/{ruleId}/test") => {
                req(path.replace("{ruleId}", &self.rule_id().await), None)
            }
            ("POST", "/api/v1/reports") => req(path, Some(report_body(&self.customer_id().await))),
            (
                "GET" | "DELETE",
                "/api/v1/reports/{reportId}" | "/api/v1/reports/{reportId}/files/{format}",
            ) => {
                let customer = self.customer_id().await;
                let r = self
                    .ok(
                        "reports",
                        "POST",
                        "/api/v1/reports",
                        Some(&report_body(&customer)),
                    )
                    .await;
                let id = r["id"].as_str().unwrap();
                req(
                    path.replace("{reportId}", id).replace("{format}", "pdf"),
                    None,
                )
            }
            ("POST", "/api/v1/report-templates") => {
                req(path, Some(report_body(&self.customer_id().await)))
            }
            ("GET" | "PUT" | "DELETE", "/api/v1/report-templates/{templateId}")
            | ("POST", "/api/v1/report-templates/{templateId}/reports") => {
                let id = self.template_id().await;
                let body = if method == "PUT" {
                    Some(report_body(&self.customer_id().await))
                } else {
                    None
                };
                req(path.replace("{templateId}", &id), body)
            }
            ("POST", "/api/v1/report-schedules") => {
                req(path, Some(schedule_body(&self.template_id().await)))
            }
            ("GET" | "PUT" | "DELETE", "/api/v1/report-schedules/{scheduleId}") => {
                let template = self.template_id().await;
                let s = self
                    .ok(
                        "report-schedules",
                        "POST",
                        "/api/v1/report-schedules",
                        Some(&schedule_body(&template)),
                    )
                    .await;
                let body = (method == "PUT").then(|| schedule_body(&template));
                req(
                    path.replace("{scheduleId}", s["id"].as_str().unwrap()),
                    body,
                )
            }
            ("POST", "/api/v1/tickets") => req(
                path,
                Some(json!({"subject": format!("Case {n}"), "description": "Agents offline"})),
            ),
            ("POST", "/api/v1/feedback") => req(
                path,
                Some(json!({"category": "general", "comments": "Fine",
                    "rating": {"content": 5, "design": 4, "usability": 3, "overall": 4, "easeOfUse": 5},
                    "wouldRecommend": "yes"})),
            ),
            ("GET" | "PATCH", "/api/v1/tickets/{ticketId}")
            | (
                "POST",
                "/api/v1/tickets/{ticketId}/comments"
                | "/api/v1/tickets/{ticketId}/close"
                | "/api/v1/tickets/{ticketId}/attachments",
            )
            | ("PUT" | "DELETE", "/api/v1/tickets/{ticketId}/follow") => {
                let body = match (method, path.rsplit('/').next()) {
                    ("PATCH", _) => Some(json!({"subject": format!("Renamed {n}")})),
                    (_, Some("comments")) => Some(json!({"text": "A comment"})),
                    (_, Some("close")) => Some(json!({"resolution": "Solved"})),
                    (_, Some("attachments")) => Some(
                        json!({"fileName": "shot.png", "contentType": "image/png", "size": 100}),
                    ),
                    _ => None,
                };
                req(path.replace("{ticketId}", &self.ticket_id().await), body)
            }
            ("GET", "/api/v1/tickets/{ticketId}/attachments/{attachmentId}")
            | ("POST", "/api/v1/tickets/{ticketId}/attachments/{attachmentId}/complete") => {
                let (ticket, attachment) = self.attachment(method == "GET").await;
                req(
                    path.replace("{ticketId}", &ticket)
                        .replace("{attachmentId}", &attachment),
                    None,
                )
            }
            ("PUT", "/api/v1/branding") => req(
                path,
                Some(
                    json!({"headerColour": "#ffffff", "themeColour": format!("#0000{:02x}", n % 256)}),
                ),
            ),
            ("PUT", "/api/v1/branding/logo") => Req {
                raw: Some((logo(), "image/png")),
                ..req(path, None)
            },
            ("GET", _) | ("DELETE", "/api/v1/me/mfa" | "/api/v1/branding/logo") => req(path, None),
            other => panic!("no request for {other:?}: add one to `prepare`"),
        }
    }

    /// A fresh session for principal `i`.
    /// A user of P with `role` who accepted the invitation and signed in: their token is
    /// the next principal's; their id is returned.
    async fn member(&mut self, email: &str, role: &str) -> String {
        let user = self
            .ok(
                "users",
                "POST",
                "/api/v1/users",
                Some(&json!({"email": email, "firstName": "M", "lastName": "N", "role": role})),
            )
            .await;
        let secret = self.stack.link_secret(email).expect("an invitation");
        let a = send(
            self.app("users"),
            json_post(
                "/api/v1/invitations/accept",
                &json!({"token": secret, "password": PASSWORD}),
            ),
            "203.0.113.7",
        )
        .await;
        assert_eq!(a.status.as_u16(), 200, "{}", a.text);
        self.logins.push((email.to_string(), PASSWORD.into()));
        let token = self.sign_in_again(self.logins.len() - 1).await;
        self.tokens.push(token);
        user["id"].as_str().unwrap().to_string()
    }

    async fn sign_in_again(&self, i: usize) -> String {
        let (login, secret) = &self.logins[i];
        if login.contains('@') {
            let a = sign_in(self.app("auth"), login, secret, "203.0.113.9").await;
            assert_eq!(a.status.as_u16(), 200, "{}", a.text);
            a.body["accessToken"].as_str().unwrap().to_string()
        } else {
            client_token(self.app("auth"), login, secret).await
        }
    }
}

async fn client_token(auth: &Router, id: &str, secret: &str) -> String {
    let t = send(
        auth,
        json_post(
            "/api/v1/auth/token",
            &json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}),
        ),
        "203.0.113.8",
    )
    .await;
    assert_eq!(t.status.as_u16(), 200, "{}", t.text);
    t.body["access_token"].as_str().unwrap().to_string()
}

/// Partner P with a user of each role and an API client, and partner Q.
async fn fixture() -> Fixture {
    let stack = testkit::stack().await;
    let mut apps = HashMap::new();
    for (name, _) in infra::functions() {
        apps.insert(
            name.to_string(),
            infra::app(name, stack.function(name)).expect("an app per function"),
        );
    }
    let auth = apps["auth"].clone();
    let (_, admin) = stack
        .confirmed_partner(&auth, "pa@p.example.com", "P Ltd")
        .await;
    let mut fx = Fixture {
        stack,
        apps,
        admin: admin.clone(),
        tokens: Vec::new(),
        logins: Vec::new(),
        delegation: String::new(),
        counter: Default::default(),
    };
    fx.logins
        .push(("pa@p.example.com".into(), testkit::http::PASSWORD.into()));
    fx.tokens.push(admin.clone());

    // A user per role: the administrator, then custom roles whose default level is the
    // level they get on every customer created later.
    let roles = [
        ("administrator".to_string(), None),
        (String::new(), Some(("Matrix RW", "readWrite", true))),
        (String::new(), Some(("Matrix R", "read", false))),
        (String::new(), Some(("Matrix none", "noAccess", false))),
    ];
    for (i, (builtin, custom)) in roles.into_iter().enumerate() {
        let role = match custom {
            None => builtin,
            Some((name, level, may)) => {
                let r = fx
                    .ok(
                        "users",
                        "POST",
                        "/api/v1/roles",
                        Some(&json!({"name": name})),
                    )
                    .await;
                let id = r["id"].as_str().unwrap().to_string();
                fx.ok(
                    "users",
                    "PUT",
                    &format!("/api/v1/roles/{id}"),
                    Some(&json!({"name": name, "access": {"all": null, "defaultLevel": level}, "permissions": {"addCustomers": may, "importCustomers": may, "removeCustomers": may}})),
                )
                .await;
                id
            }
        };
        fx.member(&format!("member{i}@p.example.com"), &role).await;
    }
    let (_, other) = fx
        .stack
        .confirmed_partner(&auth, "pa@q.example.com", "Q Ltd")
        .await;
    fx.logins
        .push(("pa@q.example.com".into(), testkit::http::PASSWORD.into()));
    fx.tokens.push(other);
    let c = fx
        .ok(
            "users",
            "POST",
            "/api/v1/api-clients",
            Some(&json!({"name": "Matrix client", "role": "administrator"})),
        )
        .await;
    let (id, secret) = (
        c["clientId"].as_str().unwrap().to_string(),
        c["clientSecret"].as_str().unwrap().to_string(),
    );
    fx.tokens.push(client_token(&auth, &id, &secret).await);
    fx.logins.push((id, secret));

    // The admin of a co-managed customer of P, signed in to the portal.
    let customer = fx.customer().await;
    let email = customer["customer"]["contact"]["email"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = fx.stack.link_secret(&email).expect("a welcome link");
    let set = send(
        fx.app("portal"),
        json_post(
            "/api/v1/welcome/set-password",
            &json!({"token": secret, "password": PASSWORD}),
        ),
        "203.0.113.7",
    )
    .await;
    assert_eq!(set.status.as_u16(), 200, "{}", set.text);
    fx.logins.push((email, PASSWORD.into()));
    let token = fx.sign_in_again(fx.logins.len() - 1).await;
    fx.tokens.push(token);

    // An administrator of P who signed in, then was disabled.
    let disabled = fx.member("disabled@p.example.com", "administrator").await;
    fx.ok(
        "users",
        "PATCH",
        &format!("/api/v1/users/{disabled}"),
        Some(&json!({"status": "disabled"})),
    )
    .await;

    // An administrator of P in a Manage customer session of that customer.
    fx.member("delegate@p.example.com", "administrator").await;
    let id = customer["customer"]["id"].as_str().unwrap();
    let session = fx
        .call(
            "customers",
            "POST",
            &format!("/api/v1/customers/{id}/manage"),
            &fx.tokens[DELEGATED],
            None,
        )
        .await;
    assert_eq!(session.status.as_u16(), 201, "{}", session.text);
    fx.delegation = session.body["token"].as_str().unwrap().to_string();
    assert_eq!(fx.tokens.len(), WHO.len());
    fx
}

#[test]
fn every_route_has_a_row_in_the_matrix() {
    let expected: BTreeSet<(String, String)> = EXPECTED
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(expected.len(), EXPECTED.len(), "a route is listed twice");
    let routes: HashMap<(String, String), String> = infra::routes()
        .into_iter()
        .map(|(f, m, p)| ((m, p), f))
        .collect();
    let served: BTreeSet<(String, String)> = routes.keys().cloned().collect();
    let missing: Vec<_> = served.difference(&expected).collect();
    assert!(missing.is_empty(), "routes without a row: {missing:?}");
    let extra: Vec<_> = expected.difference(&served).collect();
    assert!(extra.is_empty(), "rows without a route: {extra:?}");
}

/// The matrix runs in parts, each on a fixture (and a table) of its own, so they run side
/// by side and each table stays small.
const PARTS: usize = 4;

async fn answers_each_principal_exactly(part: usize) {
    let routes: HashMap<(String, String), String> = infra::routes()
        .into_iter()
        .map(|(f, m, p)| ((m, p), f))
        .collect();
    let fx = fixture().await;
    let mut failures = Vec::new();
    // A row's cells run together (each principal is another user, so one's sign-out
    // cannot end another's session); rows run one after another.
    for (method, path, statuses) in EXPECTED.iter().skip(part).step_by(PARTS) {
        let function = &routes[&(method.to_string(), path.to_string())];
        let cells = statuses.iter().enumerate().map(|(i, want)| {
            let fx = &fx;
            async move {
                let r = fx.prepare(method, path).await;
                let token = if r.fresh && i != DISABLED {
                    fx.sign_in_again(i).await
                } else {
                    fx.tokens[i].clone()
                };
                let mut builder = bearer(request(method, &r.path), &token);
                if i == DELEGATED {
                    builder = builder.header(portal::DELEGATION_HEADER, &fx.delegation);
                }
                let body = match body_of(&r) {
                    Some((b, kind)) => {
                        builder = builder.header(header::CONTENT_TYPE, kind);
                        b
                    }
                    None => Body::empty(),
                };
                let req: Request<Body> = builder.body(body).unwrap();
                let ip = format!("192.0.2.{}", fx.next() % 250 + 1);
                let a = send(fx.app(function), req, &ip).await;
                (a.status.as_u16() != *want).then(|| {
                    format!(
                        "{method} {path} as {}: {} (expected {want}) {}",
                        WHO[i],
                        a.status.as_u16(),
                        a.text.chars().take(160).collect::<String>()
                    )
                })
            }
        });
        failures.extend(futures::future::join_all(cells).await.into_iter().flatten());
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn every_endpoint_answers_each_principal_exactly_part_1() {
    answers_each_principal_exactly(0).await;
}

#[tokio::test]
async fn every_endpoint_answers_each_principal_exactly_part_2() {
    answers_each_principal_exactly(1).await;
}

#[tokio::test]
async fn every_endpoint_answers_each_principal_exactly_part_3() {
    answers_each_principal_exactly(2).await;
}

#[tokio::test]
async fn every_endpoint_answers_each_principal_exactly_part_4() {
    answers_each_principal_exactly(3).await;
}

/// Mutating routes that write no audit record, and why.
const NOT_AUDITED: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/api/v1/auth/refresh",
        "continues a session; its sign-in was recorded",
    ),
    (
        "POST",
        "/api/v1/licensing/exsp-serial/validate",
        "checks a serial and changes nothing",
    ),
    ("POST", "/api/v1/links/inspect", "reads what a link is for"),
    (
        "POST",
        "/api/v1/customers/export",
        "reads the selected customers as CSV",
    ),
    (
        "POST",
        "/api/v1/invitations/inspect",
        "reads what an invitation is for",
    ),
    (
        "POST",
        "/api/v1/auth/password/inspect",
        "reads which login a reset link is for",
    ),
    (
        "POST",
        "/api/v1/ingest/{customerId}/computers",
        "telemetry: the endpoint service's reports are stored as data; refused batches are logged",
    ),
    (
        "POST",
        "/api/v1/ingest/{customerId}/events",
        "telemetry: the endpoint service's reports are stored as data; refused batches are logged",
    ),
];

/// Every other mutating route, with the action its record names.
const AUDITED: &[(&str, &str, &str)] = &[
    ("POST", "/api/v1/auth/sign-up", "partner.signUp"),
    (
        "POST",
        "/api/v1/auth/password/forgot",
        "auth.requestPasswordReset",
    ),
    ("POST", "/api/v1/auth/password/reset", "auth.resetPassword"),
    ("POST", "/api/v1/auth/verify-email", "partner.verifyEmail"),
    (
        "POST",
        "/api/v1/me/verification-email",
        "partner.resendVerification",
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/ingestion-key",
        "customer.rotateIngestionKey",
    ),
    ("PUT", "/api/v1/dashboard/layout", "user.updateLayout"),
    ("POST", "/api/v1/alerts/dismiss", "alert.dismiss"),
    ("POST", "/api/v1/tickets", "supportTicket.create"),
    (
        "PATCH",
        "/api/v1/tickets/{ticketId}",
        "supportTicket.update",
    ),
    (
        "POST",
        "/api/v1/tickets/{ticketId}/comments",
        "supportTicket.comment",
    ),
    (
        "POST",
        "/api/v1/tickets/{ticketId}/close",
        "supportTicket.close",
    ),
    (
        "PUT",
        "/api/v1/tickets/{ticketId}/follow",
        "supportTicket.follow",
    ),
    (
        "DELETE",
        "/api/v1/tickets/{ticketId}/follow",
        "supportTicket.unfollow",
    ),
    (
        "POST",
        "/api/v1/tickets/{ticketId}/attachments",
        "supportTicket.addAttachment",
    ),
    (
        "POST",
        "/api/v1/tickets/{ticketId}/attachments/{attachmentId}/complete",
        "supportTicket.checkAttachment",
    ),
    ("POST", "/api/v1/feedback", "feedback.submit"),
    ("POST", "/api/v1/reports", "report.create"),
    ("DELETE", "/api/v1/reports/{reportId}", "report.delete"),
    ("POST", "/api/v1/report-templates", "reportTemplate.create"),
    (
        "PUT",
        "/api/v1/report-templates/{templateId}",
        "reportTemplate.update",
    ),
    (
        "DELETE",
        "/api/v1/report-templates/{templateId}",
        "reportTemplate.delete",
    ),
    (
        "POST",
        "/api/v1/report-templates/{templateId}/reports",
        "report.create",
    ),
    ("POST", "/api/v1/report-schedules", "reportSchedule.create"),
    (
        "PUT",
        "/api/v1/report-schedules/{scheduleId}",
        "reportSchedule.update",
    ),
    (
        "DELETE",
        "/api/v1/report-schedules/{scheduleId}",
        "reportSchedule.delete",
    ),
    ("PUT", "/api/v1/branding", "branding.update"),
    ("PUT", "/api/v1/branding/logo", "branding.update"),
    ("DELETE", "/api/v1/branding/logo", "branding.update"),
    ("POST", "/api/v1/alert-rules", "alertRule.create"),
    ("PUT", "/api/v1/alert-rules/{ruleId}", "alertRule.update"),
    ("DELETE", "/api/v1/alert-rules/{ruleId}", "alertRule.delete"),
    (
        "POST",
        "/api/v1/alert-rules/{ruleId}/test",
        "alertRule.test",
    ),
    ("POST", "/api/v1/auth/sign-in", "auth.signIn"),
    ("POST", "/api/v1/auth/sign-in/mfa", "auth.signIn"),
    ("POST", "/api/v1/auth/token", "apiClient.token"),
    ("POST", "/api/v1/auth/sign-out", "auth.signOut"),
    ("POST", "/api/v1/me/mfa/setup", "user.setupMfa"),
    ("POST", "/api/v1/me/mfa/verify", "user.enableMfa"),
    ("DELETE", "/api/v1/me/mfa", "user.disableMfa"),
    (
        "POST",
        "/api/v1/licensing/exsp-serial/activate",
        "licensing.activateProgramSerial",
    ),
    ("POST", "/api/v1/customers", "customer.add"),
    (
        "DELETE",
        "/api/v1/customers/{customerId}",
        "customer.remove",
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/entitlements",
        "customer.addProducts",
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/entitlements/{entitlementId}/convert",
        "customer.convertTrial",
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/entitlements/{entitlementId}/cancel",
        "customer.cancelProduct",
    ),
    (
        "PATCH",
        "/api/v1/customers/{customerId}/settings",
        "customer.updateSettings",
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/management",
        "customer.changeManagement",
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/manage",
        "customer.manage",
    ),
    (
        "POST",
        "/api/v1/customers/{customerId}/welcome",
        "customer.resendWelcome",
    ),
    ("POST", "/api/v1/customers/import", "consent.request"),
    // One record per customer changed, as its single route writes it (here: one trial).
    ("POST", "/api/v1/customers/bulk", "customer.addProducts"),
    (
        "POST",
        "/api/v1/consent-requests/{requestId}/resend",
        "consent.resend",
    ),
    (
        "POST",
        "/api/v1/consent-requests/{requestId}/withdraw",
        "consent.withdraw",
    ),
    (
        "POST",
        "/api/v1/welcome/set-password",
        "customer.setPassword",
    ),
    (
        "POST",
        "/api/v1/consent/{requestId}/approve",
        "consent.approve",
    ),
    ("POST", "/api/v1/consent/{requestId}/deny", "consent.deny"),
    ("PATCH", "/api/v1/portal/settings", "portal.updateSettings"),
    ("POST", "/api/v1/users", "user.add"),
    ("PATCH", "/api/v1/users/{userId}", "user.update"),
    ("DELETE", "/api/v1/users/{userId}", "user.remove"),
    (
        "POST",
        "/api/v1/users/{userId}/invitation",
        "user.resendInvitation",
    ),
    ("POST", "/api/v1/users/{userId}/contacts", "user.addContact"),
    (
        "PUT",
        "/api/v1/users/{userId}/contacts/{contactId}",
        "user.updateContact",
    ),
    (
        "DELETE",
        "/api/v1/users/{userId}/contacts/{contactId}",
        "user.removeContact",
    ),
    ("POST", "/api/v1/users/{userId}/mfa/reset", "user.resetMfa"),
    (
        "DELETE",
        "/api/v1/mail-suppressions/{email}",
        "mail.liftSuppression",
    ),
    ("PUT", "/api/v1/security", "partner.updateSecurity"),
    ("PUT", "/api/v1/company", "partner.updateCompany"),
    ("POST", "/api/v1/roles", "role.create"),
    ("PUT", "/api/v1/roles/{roleId}", "role.update"),
    ("DELETE", "/api/v1/roles/{roleId}", "role.delete"),
    ("POST", "/api/v1/api-clients", "apiClient.create"),
    (
        "DELETE",
        "/api/v1/api-clients/{clientId}",
        "apiClient.revoke",
    ),
    (
        "POST",
        "/api/v1/invitations/accept",
        "user.acceptInvitation",
    ),
];

const ADMIN_PASSWORD: &str = "Customer-Passw0rd";

/// A request that succeeds, with the token it is sent with (`None`: public) and the
/// email its audit record names as the actor.
struct Success {
    req: Req,
    token: Option<String>,
    actor: String,
    /// A TOTP secret whose current code goes into the body's `code` just before sending
    /// (a code is good for its 30-second step only).
    totp: Option<String>,
}

impl Fixture {
    async fn audit_ids(&self) -> BTreeSet<String> {
        self.stack
            .items_of("AuditRecord")
            .await
            .iter()
            .map(|r| r["id"].as_s().unwrap().clone())
            .collect()
    }

    /// The welcome link secret and the signed-in session of a new customer's admin.
    async fn customer_admin(&self) -> (String, String, String) {
        let c = self.customer().await;
        let id = c["customer"]["id"].as_str().unwrap().to_string();
        let email = c["customer"]["contact"]["email"]
            .as_str()
            .unwrap()
            .to_string();
        let secret = self.stack.link_secret(&email).expect("a welcome link");
        (id, email, secret)
    }

    async fn customer_admin_session(&self) -> (String, String, String) {
        let (id, email, secret) = self.customer_admin().await;
        let set = send(
            self.app("portal"),
            json_post(
                "/api/v1/welcome/set-password",
                &json!({"token": secret, "password": ADMIN_PASSWORD}),
            ),
            "203.0.113.20",
        )
        .await;
        assert_eq!(set.status.as_u16(), 200, "{}", set.text);
        let s = sign_in(self.app("auth"), &email, ADMIN_PASSWORD, "203.0.113.21").await;
        assert_eq!(s.status.as_u16(), 200, "{}", s.text);
        (
            id,
            email,
            s.body["accessToken"].as_str().unwrap().to_string(),
        )
    }

    /// A signed-in partner administrator of a new partner, with TOTP set up: (email,
    /// token, secret).
    async fn partner_with_mfa(&self) -> (String, String, String) {
        let email = format!("mfa{}@r.example.com", self.next());
        let (_, token) = partner_session(self.app("auth"), &email, "R Ltd").await;
        let setup = self
            .call("auth", "POST", "/api/v1/me/mfa/setup", &token, None)
            .await;
        let secret = setup.body["secretCode"].as_str().unwrap().to_string();
        let code = testkit::totp_now(&secret).await;
        let ok = self
            .call(
                "auth",
                "POST",
                "/api/v1/me/mfa/verify",
                &token,
                Some(&json!({"code": code})),
            )
            .await;
        assert_eq!(ok.status.as_u16(), 204, "{}", ok.text);
        (email, token, secret)
    }

    async fn issue(
        &self,
        kind: domain::serial::SerialKind,
        grant: Option<store::serials::ProductGrant>,
    ) -> String {
        let serial = domain::serial::Serial::generate(kind);
        self.stack
            .state
            .table
            .issue_serial(&store::serials::IssuedSerial {
                serial: serial.clone(),
                issued_at: chrono::Utc::now(),
                grant,
                activation: None,
            })
            .await
            .unwrap();
        serial.as_str().to_string()
    }

    /// How a route succeeds, by the partner administrator unless it needs someone else.
    async fn success(&self, method: &str, path: &str) -> Success {
        use domain::serial::SerialKind;
        let admin = |req: Req| Success {
            req,
            token: Some(self.admin.clone()),
            actor: "pa@p.example.com".into(),
            totp: None,
        };
        let public = |req: Req, actor: String| Success {
            req,
            token: None,
            actor,
            totp: None,
        };
        let n = self.next();
        match (method, path) {
            ("POST", "/api/v1/auth/sign-up") => {
                let email = format!("audited{n}@signup.example.com");
                public(req(path, Some(sign_up_body(&email, "Audited Co"))), email)
            }
            // A link for the administrator (sessions end only when it is used).
            ("POST", "/api/v1/auth/password/forgot") => public(
                req(path, Some(json!({"email": "pa@p.example.com"}))),
                "pa@p.example.com".into(),
            ),
            ("POST", "/api/v1/auth/password/reset") => {
                let (_, email, _) = self.customer_admin_session().await;
                let asked = send(
                    self.app("auth"),
                    json_post("/api/v1/auth/password/forgot", &json!({ "email": email })),
                    "203.0.113.30",
                )
                .await;
                assert_eq!(asked.status.as_u16(), 202, "{}", asked.text);
                let secret = self.stack.link_secret(&email).expect("a reset link");
                public(
                    req(
                        path,
                        Some(json!({"token": secret, "password": "Newer-Passw0rd-1"})),
                    ),
                    email,
                )
            }
            ("POST", "/api/v1/auth/verify-email" | "/api/v1/me/verification-email") => {
                let email = format!("confirm{n}@signup.example.com");
                let (_, token) = partner_session(self.app("auth"), &email, "Confirm Co").await;
                let secret = self.stack.link_secret(&email).expect("a confirmation link");
                if path.ends_with("verify-email") {
                    public(req(path, Some(json!({ "token": secret }))), email)
                } else {
                    Success {
                        req: req(path, None),
                        token: Some(token),
                        actor: email,
                        totp: None,
                    }
                }
            }
            ("POST", "/api/v1/auth/sign-in") => public(
                req(
                    path,
                    Some(json!({"email": "pa@p.example.com", "password": testkit::http::PASSWORD})),
                ),
                "pa@p.example.com".into(),
            ),
            ("POST", "/api/v1/auth/sign-in/mfa") => {
                let (email, _, secret) = self.partner_with_mfa().await;
                let first = sign_in(
                    self.app("auth"),
                    &email,
                    testkit::http::PASSWORD,
                    "203.0.113.22",
                )
                .await;
                let session = first.body["challenge"]
                    .as_str()
                    .expect("a challenge")
                    .to_string();
                Success {
                    totp: Some(secret),
                    ..public(
                        req(path, Some(json!({"email": email, "session": session}))),
                        email,
                    )
                }
            }
            ("POST", "/api/v1/auth/token") => {
                let (id, secret) = self.logins[6].clone();
                public(
                    req(
                        path,
                        Some(
                            json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}),
                        ),
                    ),
                    id,
                )
            }
            ("POST", "/api/v1/me/mfa/verify") | ("DELETE", "/api/v1/me/mfa") => {
                let email = format!("mfa{n}@s.example.com");
                let (_, token) = partner_session(self.app("auth"), &email, "S Ltd").await;
                let setup = self
                    .call("auth", "POST", "/api/v1/me/mfa/setup", &token, None)
                    .await;
                let secret = setup.body["secretCode"].as_str().unwrap().to_string();
                let r = if method == "DELETE" {
                    let code = testkit::totp_now(&secret).await;
                    let ok = self
                        .call(
                            "auth",
                            "POST",
                            "/api/v1/me/mfa/verify",
                            &token,
                            Some(&json!({"code": code})),
                        )
                        .await;
                    assert_eq!(ok.status.as_u16(), 204, "{}", ok.text);
                    req(path, None)
                } else {
                    req(path, Some(json!({})))
                };
                Success {
                    req: r,
                    token: Some(token),
                    actor: email,
                    totp: (method == "POST").then_some(secret),
                }
            }
            ("POST", "/api/v1/licensing/exsp-serial/activate") => {
                let email = format!("exsp{n}@t.example.com");
                let (_, token) = partner_session(self.app("auth"), &email, "T Ltd").await;
                let serial = self.issue(SerialKind::ExspProgram, None).await;
                Success {
                    req: req(path, Some(json!({"serial": serial}))),
                    token: Some(token),
                    actor: email,
                    totp: None,
                }
            }
            ("POST", "/api/v1/customers/{customerId}/entitlements/{entitlementId}/convert") => {
                let c = self.customer().await;
                let id = c["customer"]["id"].as_str().unwrap();
                let e = c["entitlements"][0]["id"].as_str().unwrap();
                let serial = self
                    .issue(
                        SerialKind::Product,
                        Some(store::serials::ProductGrant {
                            product: "endpoint-protection".into(),
                            seats: 10,
                            term_months: 12,
                        }),
                    )
                    .await;
                admin(req(
                    format!("/api/v1/customers/{id}/entitlements/{e}/convert"),
                    Some(json!({"productSerial": serial})),
                ))
            }
            ("POST", "/api/v1/customers/import") => {
                let q = self.tokens[5].clone();
                let email = format!("it{n}@imported.example.com");
                let form = customer_body(
                    &format!("Imported {n}"),
                    &email,
                    "GB",
                    "coManaged",
                    "shared",
                    json!([{"product": "endpoint-protection", "type": "trial"}]),
                );
                let a = self
                    .call("customers", "POST", "/api/v1/customers", &q, Some(&form))
                    .await;
                assert_eq!(a.status.as_u16(), 201, "{}", a.text);
                admin(req(path, Some(json!({"email": email}))))
            }
            ("POST", "/api/v1/welcome/set-password") => {
                let (_, email, secret) = self.customer_admin().await;
                public(
                    req(
                        path,
                        Some(json!({"token": secret, "password": ADMIN_PASSWORD})),
                    ),
                    email,
                )
            }
            (
                "POST",
                "/api/v1/consent/{requestId}/approve" | "/api/v1/consent/{requestId}/deny",
            ) => {
                let (id, email, token) = self.customer_admin_session().await;
                let p = self
                    .ok(
                        "customers",
                        "POST",
                        &format!("/api/v1/customers/{id}/management"),
                        Some(&json!({"management": "partnerManaged"})),
                    )
                    .await;
                let request = p["requests"][0]["id"].as_str().unwrap();
                Success {
                    req: req(path.replace("{requestId}", request), Some(json!({}))),
                    token: Some(token),
                    actor: email,
                    totp: None,
                }
            }
            ("PATCH", "/api/v1/portal/settings") => {
                let (_, email, token) = self.customer_admin_session().await;
                Success {
                    req: req(path, Some(json!({"unmanagedMac": "allow"}))),
                    token: Some(token),
                    actor: email,
                    totp: None,
                }
            }
            ("POST", "/api/v1/invitations/accept") => {
                let id = self.user_id().await;
                let u = self
                    .ok("users", "GET", &format!("/api/v1/users/{id}"), None)
                    .await;
                let email = u["email"].as_str().unwrap().to_string();
                let secret = self.stack.link_secret(&email).expect("an invitation");
                public(
                    req(path, Some(json!({"token": secret, "password": PASSWORD}))),
                    email,
                )
            }
            // Removing a logo records only when there is one.
            ("DELETE", "/api/v1/branding/logo") => {
                let upload = bearer(request("PUT", path), &self.admin)
                    .header(header::CONTENT_TYPE, "image/png")
                    .body(Body::from(logo()))
                    .unwrap();
                let a = send(self.app("reports"), upload, "203.0.113.23").await;
                assert_eq!(a.status.as_u16(), 200, "{}", a.text);
                admin(req(path, None))
            }
            _ => {
                let mut r = self.prepare(method, path).await;
                let mut s = admin(req(String::new(), None));
                if r.fresh {
                    s.token = Some(self.sign_in_again(0).await);
                    r.fresh = false;
                }
                s.req = r;
                s
            }
        }
    }
}

#[test]
fn every_mutating_route_is_audited_or_says_why_not() {
    let named: BTreeSet<(String, String)> = AUDITED
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .chain(
            NOT_AUDITED
                .iter()
                .map(|(m, p, _)| (m.to_string(), p.to_string())),
        )
        .collect();
    let routes: HashMap<(String, String), String> = infra::routes()
        .into_iter()
        .map(|(f, m, p)| ((m, p), f))
        .collect();
    let mutations: BTreeSet<(String, String)> =
        routes.keys().filter(|(m, _)| m != "GET").cloned().collect();
    assert_eq!(
        mutations, named,
        "every mutating route is audited (AUDITED) or says why not (NOT_AUDITED)"
    );
}

async fn writes_exactly_one_audit_record(part: usize) {
    let routes: HashMap<(String, String), String> = infra::routes()
        .into_iter()
        .map(|(f, m, p)| ((m, p), f))
        .collect();
    let fx = fixture().await;
    let mut failures = Vec::new();
    for (method, path, action) in AUDITED.iter().skip(part).step_by(PARTS) {
        let function = &routes[&(method.to_string(), path.to_string())];
        let mut s = fx.success(method, path).await;
        let before = fx.audit_ids().await;
        if let (Some(secret), Some(body)) = (&s.totp, s.req.body.as_mut()) {
            body["code"] = json!(testkit::totp_now(secret).await);
        }
        let mut builder = request(method, &s.req.path);
        if let Some(t) = &s.token {
            builder = bearer(builder, t);
        }
        let body = match body_of(&s.req) {
            Some((b, kind)) => {
                builder = builder.header(header::CONTENT_TYPE, kind);
                b
            }
            None => Body::empty(),
        };
        let a = send(fx.app(function), builder.body(body).unwrap(), "192.0.2.77").await;
        if !a.status.is_success() {
            failures.push(format!("{method} {path}: {} {}", a.status.as_u16(), a.text));
            continue;
        }
        let records: Vec<_> = fx
            .stack
            .items_of("AuditRecord")
            .await
            .into_iter()
            .filter(|r| !before.contains(r["id"].as_s().unwrap()))
            .collect();
        let text = |r: &store::Item, k: &str| {
            r.get(k)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default()
        };
        match records.as_slice() {
            [r] => {
                let problems: Vec<String> = [
                    ("action", text(r, "action") == *action),
                    ("actor", text(r, "actorEmail") == s.actor),
                    ("target", !text(r, "target").is_empty()),
                    ("outcome", text(r, "outcome") == "success"),
                ]
                .into_iter()
                .filter(|(_, ok)| !ok)
                .map(|(what, _)| what.to_string())
                .collect();
                if !problems.is_empty() {
                    failures.push(format!("{method} {path}: wrong {problems:?} in {r:?}"));
                }
            }
            other => failures.push(format!(
                "{method} {path}: {} records ({:?})",
                other.len(),
                other.iter().map(|r| text(r, "action")).collect::<Vec<_>>()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_mutation_writes_exactly_one_audit_record_part_1() {
    writes_exactly_one_audit_record(0).await;
}

#[tokio::test]
async fn every_mutation_writes_exactly_one_audit_record_part_2() {
    writes_exactly_one_audit_record(1).await;
}

#[tokio::test]
async fn every_mutation_writes_exactly_one_audit_record_part_3() {
    writes_exactly_one_audit_record(2).await;
}

#[tokio::test]
async fn every_mutation_writes_exactly_one_audit_record_part_4() {
    writes_exactly_one_audit_record(3).await;
}
