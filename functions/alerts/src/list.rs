//! The Alerts page: the listing (Table 4-1) sorted by severity, the customer it was
//! delivered to, subject or date; its filters (customer, user, computer, alert type,
//! date range, severity, status); one alert for the viewing pane; dismissal of the
//! selected alerts; and the list as CSV.

use adapters::services::AppState;
use api::{
    acting, csv, csv::CsvRow, ApiJson, ApiQuery, Cursor, ListResponse, PageParams, Principal,
    Problem, SourceIp,
};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    Json,
};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    alert::{parse_severity, severity_name, Alert, AlertKind, AlertStatus, MAX_DISMISS},
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    AlertId, CustomerId, FieldError, UserId, Validation,
};
use serde::{Deserialize, Serialize};
use store::{
    alerts::{AlertQuery, AlertSort, DismissError},
    Table,
};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertParams {
    /// `date` (default), `severity`, `customer` (Delivered to) or `subject`.
    #[param(pattern = "^(date|severity|customer|subject)$")]
    pub sort: Option<String>,
    /// `desc` (default: newest, most severe, or Z–A first) or `asc`.
    #[param(pattern = "^(desc|asc)$")]
    pub order: Option<String>,
    /// Alerts about this customer.
    pub customer: Option<String>,
    /// Alerts about this user (e.g. who sent a consent request).
    pub user: Option<String>,
    /// Text the computer's name contains.
    #[param(max_length = 128)]
    pub computer: Option<String>,
    /// The alert type, e.g. `unresolvedRisk`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// `error`, `warning` or `informational`.
    #[param(pattern = "^(|error|warning|informational)$")]
    pub severity: Option<String>,
    /// `open` or `dismissed` (`all`, the default, for both).
    #[param(pattern = "^(|open|dismissed|all)$")]
    pub status: Option<String>,
    /// Raised at or after (an RFC 3339 time, or a date: its start, UTC).
    pub from: Option<String>,
    /// Raised at or before (an RFC 3339 time, or a date: its end, UTC).
    pub to: Option<String>,
    /// Items per page, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// `nextCursor` from the previous page.
    pub cursor: Option<String>,
    /// `csv` to download the whole filtered list as CSV (same as `Accept: text/csv`).
    pub format: Option<String>,
}

fn time(raw: &str, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| "must be an RFC 3339 time or a YYYY-MM-DD date".to_string())?;
    let t = if end_of_day {
        day.and_hms_milli_opt(23, 59, 59, 999)
    } else {
        day.and_hms_opt(0, 0, 0)
    }
    .expect("a valid time of day");
    Ok(t.and_utc())
}

impl AlertParams {
    /// The query, or 422 naming each bad parameter; a customer the user may not see is
    /// 404, as everywhere.
    fn query(&self, actor: &acting::Actor, partition: &str) -> Result<AlertQuery, Problem> {
        let mut v = Validation::new();
        let sort = match self.sort.as_deref().unwrap_or("date") {
            "date" => AlertSort::Date,
            "severity" => AlertSort::Severity,
            "customer" => AlertSort::Customer,
            "subject" => AlertSort::Subject,
            _ => {
                v.error("sort", "must be date, severity, customer or subject");
                AlertSort::Date
            }
        };
        let descending = match self.order.as_deref().unwrap_or("desc") {
            "desc" => true,
            "asc" => false,
            _ => {
                v.error("order", "must be asc or desc");
                true
            }
        };
        // The severity index holds Error first: "most severe first" reads it forwards.
        let descending = if sort == AlertSort::Severity {
            !descending
        } else {
            descending
        };
        let customer = match self.customer.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(raw) => {
                let missing = || Problem::not_found(acting::NO_SUCH_CUSTOMER);
                let id = CustomerId::parse(raw).map_err(|_| missing())?;
                actor.may(Action::ViewAlerts, Resource::Customer(&id))?;
                Some(id)
            }
        };
        let user = self
            .user
            .as_deref()
            .filter(|u| !u.is_empty())
            .and_then(|u| v.check("user", UserId::parse(u)));
        let computer = self
            .computer
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        if computer.as_ref().is_some_and(|c| c.chars().count() > 128) {
            v.error("computer", "must be at most 128 characters");
        }
        let kind = self
            .kind
            .as_deref()
            .filter(|k| !k.is_empty())
            .and_then(|k| {
                let parsed = AlertKind::parse(k);
                if parsed.is_none() {
                    v.error("type", format!("{k:?} is not an alert type"));
                }
                parsed
            });
        let severity = self
            .severity
            .as_deref()
            .filter(|s| !s.is_empty())
            .and_then(|s| {
                let parsed = parse_severity(s);
                if parsed.is_none() {
                    v.error("severity", "must be error, warning or informational");
                }
                parsed
            });
        let status = match self.status.as_deref().unwrap_or("") {
            "" | "all" => None,
            "open" => Some(AlertStatus::Open),
            "dismissed" => Some(AlertStatus::Dismissed),
            _ => {
                v.error("status", "must be open, dismissed or all");
                None
            }
        };
        let from = self
            .from
            .as_deref()
            .filter(|t| !t.is_empty())
            .and_then(|t| v.check("from", time(t, false)));
        let to = self
            .to
            .as_deref()
            .filter(|t| !t.is_empty())
            .and_then(|t| v.check("to", time(t, true)));
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                v.error("to", "must not be before from");
            }
        }
        let pages = PageParams {
            limit: self.limit,
            cursor: self.cursor.clone(),
            format: None,
        };
        let limit = match pages.limit() {
            Ok(l) => l,
            Err(_) => {
                v.error("limit", "must be 1 to 100");
                0
            }
        };
        v.finish().map_err(Problem::validation)?;
        let mut query = AlertQuery {
            sort,
            descending,
            customer,
            user,
            computer,
            kind,
            severity,
            status,
            from,
            to,
            limit,
            start: None,
        };
        query.start = pages.start(query.index().0, partition)?;
        Ok(query)
    }
}

/// An alert as a CSV row.
struct AlertRow(Alert);

impl CsvRow for AlertRow {
    fn headers() -> &'static [&'static str] {
        &[
            "Severity",
            "Delivered to",
            "Subject",
            "Date and Time",
            "Type",
            "Computer",
            "User",
            "Status",
            "Occurrences",
            "Updated",
            "Body",
        ]
    }

    fn row(&self) -> Vec<String> {
        let a = &self.0;
        vec![
            severity_name(a.severity).to_string(),
            a.customer_name.clone().unwrap_or_default(),
            a.subject.clone(),
            a.raised_at.to_rfc3339(),
            a.kind.label().to_string(),
            a.computer.clone().unwrap_or_default(),
            a.user_name.clone().unwrap_or_default(),
            a.status.as_str().to_string(),
            a.occurrences.to_string(),
            a.updated_at.to_rfc3339(),
            a.body.clone(),
        ]
    }
}

/// The Alerts page: one Query per page, in the order of the chosen column, filtered by
/// DynamoDB. Alerts about customers the user has No access to are left out, so a page
/// may hold fewer than `limit` alerts while `nextCursor` goes on.
#[utoipa::path(
    get,
    path = "/api/v1/alerts",
    tag = "alerts",
    security(("bearer" = [])),
    params(AlertParams),
    responses(
        (status = 200, description = "A page of alerts (or the whole filtered list as CSV)", body = ListResponse<Alert>,
            content(
                (ListResponse<Alert> = "application/json"),
                (String = "text/csv"),
            )),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 422, description = "A bad filter, sort, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_alerts(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<AlertParams>,
) -> Result<Response, Problem> {
    let actor = acting::user(&state, &principal, Action::ViewAlerts, Resource::Partner).await?;
    let scope = principal.scope();
    let visible = actor.visibility();
    let mut query = params.query(&actor, &Table::alert_partition(&scope))?;
    if let Some(c) = &query.customer {
        // Another partner's customer is not found, as everywhere (a read by key; the
        // page itself is still one Query).
        let mine = state
            .table
            .accounts(std::slice::from_ref(c))
            .await?
            .iter()
            .any(|a| &a.partner_id == scope.partner_id());
        if !mine {
            return Err(Problem::not_found(acting::NO_SUCH_CUSTOMER));
        }
    }
    if csv::wants_csv(&headers, params.format.as_deref()) {
        query.limit = api::pagination::MAX_LIMIT;
        let alerts = csv::every_page(|start| {
            let query = AlertQuery {
                start,
                ..query.clone()
            };
            state.table.alert_page(&scope, query, &visible)
        })
        .await?;
        let rows: Vec<AlertRow> = alerts.into_iter().map(AlertRow).collect();
        return Ok(csv::response(&rows, "alerts.csv"));
    }
    let page = state.table.alert_page(&scope, query, &visible).await?;
    Ok(Json(ListResponse {
        items: page.items,
        next_cursor: page.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}

fn no_such_alert() -> Problem {
    Problem::not_found("No such alert.")
}

/// One alert, for the viewing pane.
#[utoipa::path(
    get,
    path = "/api/v1/alerts/{alertId}",
    tag = "alerts",
    security(("bearer" = [])),
    params(("alertId" = String, Path, description = "The alert")),
    responses(
        (status = 200, description = "The alert", body = Alert),
        api::responses::Unauthorized,
        api::responses::NotFound,
    )
)]
pub async fn get_alert(
    State(state): State<AppState>,
    principal: Principal,
    Path(alert_id): Path<String>,
) -> Result<Json<Alert>, Problem> {
    let actor = acting::user(&state, &principal, Action::ViewAlerts, Resource::Partner).await?;
    let id = AlertId::parse(&alert_id).map_err(|_| no_such_alert())?;
    let alert = state
        .table
        .alert(principal.scope().partner_id(), &id)
        .await?
        .ok_or_else(no_such_alert)?;
    if let Some(c) = &alert.customer_id {
        actor
            .may(Action::ViewAlerts, Resource::Customer(c))
            .map_err(|_| no_such_alert())?;
    }
    Ok(Json(alert))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DismissRequest {
    /// 1–25 alert ids.
    #[schema(schema_with = domain::schema::alert_ids)]
    pub ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dismissed {
    /// Alerts now dismissed (including those dismissed before).
    pub dismissed: usize,
}

/// Dismiss Alerts: the selected alerts, all or none. Each open one is marked dismissed
/// and its condition closed, so the next occurrence raises a new alert; the customers'
/// Alerts column moves with it.
#[utoipa::path(
    post,
    path = "/api/v1/alerts/dismiss",
    tag = "alerts",
    security(("bearer" = [])),
    request_body = DismissRequest,
    responses(
        (status = 200, description = "Dismissed", body = Dismissed),
        api::responses::Unauthorized,
        (status = 404, description = "One of the alerts does not exist (nothing was dismissed)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No ids, too many, repeated or malformed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn dismiss_alerts(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<DismissRequest>,
) -> Result<Json<Dismissed>, Problem> {
    let actor = acting::user(&state, &principal, Action::ViewAlerts, Resource::Partner).await?;
    let mut errors = Vec::new();
    if request.ids.is_empty() || request.ids.len() > MAX_DISMISS {
        errors.push(FieldError {
            field: "ids".into(),
            message: format!("choose 1 to {MAX_DISMISS} alerts"),
        });
    }
    let mut ids: Vec<AlertId> = Vec::new();
    for (i, raw) in request.ids.iter().enumerate() {
        match AlertId::parse(raw) {
            Ok(id) if ids.contains(&id) => errors.push(FieldError {
                field: format!("ids[{i}]"),
                message: "is repeated".into(),
            }),
            Ok(id) => ids.push(id),
            Err(m) => errors.push(FieldError {
                field: format!("ids[{i}]"),
                message: m,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let user = &actor.user;
    let audit = AuditRecord::of_user(
        user,
        Audited::DismissAlerts,
        &ip,
        ids.iter()
            .map(AlertId::as_str)
            .collect::<Vec<_>>()
            .join(","),
    );
    let dismissed = state
        .table
        .dismiss(
            &user.partner_id,
            &ids,
            &actor.visibility(),
            &user.name(),
            &audit,
            Utc::now(),
        )
        .await
        .map_err(|e| match e {
            DismissError::NotFound => no_such_alert(),
            DismissError::Store(e) => e.into(),
        })?;
    Ok(Json(Dismissed { dismissed }))
}
