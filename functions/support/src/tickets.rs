//! Case Management: the listing (Table 6-1, filtered by period), Create Support Ticket,
//! the Support Ticket Detail (Description Information, Attachments, Case Comments), Add
//! Comments, Close Ticket (with the Case Resolution) and following a ticket (its
//! followers are emailed when support comments). Every route needs the support tickets
//! permission (built-in roles have it); another partner's ticket is not found.

use adapters::services::AppState;
use api::{
    acting::{self, Actor},
    csv::{self, CsvRow},
    versions::{check_if_match, located, with_etag},
    ApiJson, ApiQuery, Cursor, ListResponse, Principal, Problem, ProblemType, SourceIp,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use chrono::Utc;
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    support::{
        self, Attachment, Comment, CommentAuthor, CommentId, EditError, NewTicket, Ticket,
        TicketEdit, TicketId, TicketPeriod, TicketStatus, MAX_COMMENT,
    },
    FieldError,
};
use serde::{Deserialize, Serialize};
use store::{
    tickets::{Along, TicketDetail},
    PartnerScope, StoreError, Table,
};
use utoipa::{IntoParams, ToSchema};

/// Who may use Case Management: a partner user whose role has the permission.
pub(crate) async fn actor(state: &AppState, principal: &Principal) -> Result<Actor, Problem> {
    acting::user(state, principal, Action::SupportTickets, Resource::Partner).await
}

pub(crate) fn no_such_ticket() -> Problem {
    Problem::not_found("No such support ticket.")
}

pub(crate) fn closed() -> Problem {
    Problem::conflict(
        ProblemType::TicketClosed,
        "The ticket is closed: it takes no more changes, comments or attachments.",
    )
}

pub(crate) fn changed() -> Problem {
    Problem::conflict(
        ProblemType::Changed,
        "The ticket changed meanwhile: reload it and try again.",
    )
}

/// The ticket a path names, in the caller's partner, with everything of it. An id of
/// another shape, or another partner's ticket, is simply not found.
pub(crate) async fn detail(
    state: &AppState,
    scope: &PartnerScope,
    raw: &str,
) -> Result<TicketDetail, Problem> {
    let id = TicketId::parse(raw).map_err(|_| no_such_ticket())?;
    state
        .table
        .ticket_detail(scope, &id)
        .await?
        .ok_or_else(no_such_ticket)
}

/// The Support Ticket Detail.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// Case Comments, oldest first: support's, the partner's, and the resolution.
    pub comments: Vec<Comment>,
    pub attachments: Vec<Attachment>,
    /// Whether the signed-in user is emailed when support comments.
    pub following: bool,
}

pub(crate) fn view(d: TicketDetail, actor: &Actor) -> TicketView {
    TicketView {
        following: d.followers.contains(&actor.user.id),
        ticket: d.ticket,
        comments: d.comments,
        attachments: d.attachments,
    }
}

fn located_view(status: StatusCode, v: &TicketView) -> Response {
    located(
        with_etag(status, v, v.ticket.version),
        &format!("/api/v1/tickets/{}", v.ticket.id),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketParams {
    /// Cases opened in the last week (`1w`), 2 weeks (`2w`), month (`1m`) or 3 months
    /// (`3m`); every case when absent.
    #[param(pattern = "^(1w|2w|1m|3m)$")]
    pub period: Option<String>,
    /// Items per page, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// `nextCursor` from the previous page.
    pub cursor: Option<String>,
    /// `csv` to download the list as CSV (same as `Accept: text/csv`).
    pub format: Option<String>,
}

fn period(raw: Option<&str>) -> Result<Option<TicketPeriod>, Problem> {
    raw.map(|p| {
        serde_json::from_value(serde_json::Value::String(p.to_string())).map_err(|_| {
            Problem::validation(vec![FieldError {
                field: "period".into(),
                message: "must be 1w, 2w, 1m or 3m".into(),
            }])
        })
    })
    .transpose()
}

/// A row of the listing's CSV: Table 6-1's columns.
struct Row(Ticket);

impl CsvRow for Row {
    fn headers() -> &'static [&'static str] {
        &[
            "Case number",
            "Subject",
            "Severity",
            "Product",
            "Status",
            "Date/Time Opened",
        ]
    }

    fn row(&self) -> Vec<String> {
        let t = &self.0;
        vec![
            t.case_number.to_string(),
            t.subject.clone(),
            t.severity
                .map(|s| s.label())
                .unwrap_or_default()
                .to_string(),
            t.product.clone(),
            t.status.label().to_string(),
            t.opened_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ]
    }
}

/// The Case Management listing: the partner's cases, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/tickets",
    tag = "support",
    security(("bearer" = [])),
    params(TicketParams),
    responses(
        (status = 200, description = "A page of cases (or every case of the period as CSV)", body = ListResponse<Ticket>,
            content(
                (ListResponse<Ticket> = "application/json"),
                (String = "text/csv"),
            )),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 422, description = "A bad period, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_tickets(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<TicketParams>,
) -> Result<Response, Problem> {
    actor(&state, &principal).await?;
    let scope = principal.scope();
    let since = period(params.period.as_deref())?.map(|p| p.since(Utc::now()));
    let page = api::PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
        format: None,
    };
    let limit = page.limit()?;
    let (index, partition) = Table::tickets_partition(&scope);
    let start = page.start(index, &partition)?;
    if csv::wants_csv(&headers, params.format.as_deref()) {
        let tickets = csv::every_page(|start| {
            state
                .table
                .tickets_page(&scope, since, api::pagination::MAX_LIMIT, start)
        })
        .await?;
        let rows: Vec<Row> = tickets.into_iter().map(Row).collect();
        return Ok(csv::response(&rows, "support-tickets.csv"));
    }
    let page = state
        .table
        .tickets_page(&scope, since, limit, start)
        .await?;
    Ok(Json(ListResponse {
        items: page.items,
        next_cursor: page.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}

/// Create Support Ticket: the case is New, its severity unset until support evaluates
/// it, and its opener follows it. Files follow with `POST …/attachments`.
#[utoipa::path(
    post,
    path = "/api/v1/tickets",
    tag = "support",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request open one case")),
    request_body = NewTicket,
    responses(
        (status = 201, description = "Opened", body = TicketView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::InvalidFields,
    )
)]
pub async fn create_ticket(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(form): ApiJson<NewTicket>,
) -> Result<Response, Problem> {
    let actor = actor(&state, &principal).await?;
    let (subject, description, product) = support::check_new(&form).map_err(Problem::validation)?;
    let now = Utc::now();
    let ticket = Ticket {
        id: TicketId::generate(),
        case_number: 0,
        subject,
        description,
        product,
        severity: None,
        status: TicketStatus::New,
        opened_at: now,
        opened_by: actor.user.id.clone(),
        opened_by_name: actor.user.name(),
        updated_at: now,
        closed_at: None,
        resolution: None,
        attachment_count: 0,
        version: 1,
    };
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::CreateTicket,
        &ip,
        ticket.id.to_string(),
    );
    let scope = principal.scope();
    let saved = state.table.create_ticket(&scope, &ticket, &audit).await?;
    let v = TicketView {
        ticket: saved,
        comments: Vec::new(),
        attachments: Vec::new(),
        following: true,
    };
    Ok(located_view(StatusCode::CREATED, &v))
}

/// The Support Ticket Detail, with its `ETag`.
#[utoipa::path(
    get,
    path = "/api/v1/tickets/{ticketId}",
    tag = "support",
    security(("bearer" = [])),
    params(("ticketId" = String, Path)),
    responses(
        (status = 200, description = "The case", body = TicketView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
    )
)]
pub async fn get_ticket(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let actor = actor(&state, &principal).await?;
    let d = detail(&state, &principal.scope(), &id).await?;
    let v = view(d, &actor);
    Ok(with_etag(StatusCode::OK, &v, v.ticket.version))
}

fn edit_problem(e: EditError) -> Problem {
    match e {
        EditError::Closed => closed(),
        EditError::Invalid(errors) => Problem::validation(errors),
    }
}

fn save_problem(e: StoreError) -> Problem {
    match e {
        StoreError::ConditionFailed { index: Some(0) } | StoreError::TransactionConflict { .. } => {
            changed()
        }
        e => e.into(),
    }
}

/// Description Information: a new subject or description (`If-Match` with the `ETag`).
#[utoipa::path(
    patch,
    path = "/api/v1/tickets/{ticketId}",
    tag = "support",
    security(("bearer" = [])),
    params(("ticketId" = String, Path), ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body = TicketEdit,
    responses(
        (status = 200, description = "Saved", body = TicketView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        api::responses::StaleVersion,
        api::responses::InvalidFields,
        (status = 409, description = "The ticket is closed, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_ticket(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<TicketEdit>,
) -> Result<Response, Problem> {
    let actor = actor(&state, &principal).await?;
    let scope = principal.scope();
    let mut d = detail(&state, &scope, &id).await?;
    check_if_match(&headers, d.ticket.version)?;
    let next = edit.apply(&d.ticket, Utc::now()).map_err(edit_problem)?;
    let audit = AuditRecord::of_user(&actor.user, Audited::UpdateTicket, &ip, id.clone());
    d.ticket = state
        .table
        .save_ticket(
            scope.partner_id(),
            &next,
            d.ticket.version,
            Along {
                audit: Some(&audit),
                ..Along::default()
            },
        )
        .await
        .map_err(save_problem)?;
    let v = view(d, &actor);
    Ok(with_etag(StatusCode::OK, &v, v.ticket.version))
}

/// Add Comments.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommentForm {
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub text: String,
}

fn field(name: &str, message: String) -> Problem {
    Problem::validation(vec![FieldError {
        field: name.into(),
        message,
    }])
}

/// Add Comments: a Case Comment from the signed-in user, on an open case. A case awaiting
/// the partner's reply goes back to In progress.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{ticketId}/comments",
    tag = "support",
    security(("bearer" = [])),
    params(("ticketId" = String, Path)),
    request_body = CommentForm,
    responses(
        (status = 201, description = "Added; the case as it is now", body = TicketView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        api::responses::InvalidFields,
        (status = 409, description = "The ticket is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_comment(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<CommentForm>,
) -> Result<Response, Problem> {
    let actor = actor(&state, &principal).await?;
    let scope = principal.scope();
    let mut d = detail(&state, &scope, &id).await?;
    let text = support::multiline_text(&form.text, MAX_COMMENT).map_err(|m| field("text", m))?;
    d.ticket.check_open().map_err(|_| closed())?;
    let comment = Comment {
        id: CommentId::generate(),
        author: CommentAuthor::Partner,
        author_name: actor.user.name(),
        text,
        resolution: false,
        at: Utc::now(),
    };
    let audit = AuditRecord::of_user(&actor.user, Audited::CommentTicket, &ip, id.clone());
    match d.ticket.answered(comment.at) {
        // Awaiting the partner's reply: the comment sends the case back to support, in
        // the same transaction.
        Some(next) => {
            d.ticket = state
                .table
                .save_ticket(
                    scope.partner_id(),
                    &next,
                    d.ticket.version,
                    Along {
                        comment: Some(&comment),
                        audit: Some(&audit),
                        ..Along::default()
                    },
                )
                .await
                .map_err(save_problem)?;
        }
        None => match state
            .table
            .add_comment(scope.partner_id(), &d.ticket.id, &comment, &audit)
            .await
        {
            Ok(()) => {}
            Err(StoreError::ConditionFailed { index: Some(0) }) => return Err(closed()),
            Err(e) => return Err(e.into()),
        },
    }
    d.comments.push(comment);
    Ok(located_view(StatusCode::CREATED, &view(d, &actor)))
}

/// The Case Resolution modal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloseForm {
    /// What solved the case.
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub resolution: String,
}

/// Close Ticket: the case is Closed with its Case Resolution, which joins the Case
/// Comments. A closed case takes no more changes.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{ticketId}/close",
    tag = "support",
    security(("bearer" = [])),
    params(("ticketId" = String, Path)),
    request_body = CloseForm,
    responses(
        (status = 200, description = "Closed", body = TicketView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        api::responses::InvalidFields,
        (status = 409, description = "The ticket is already closed, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn close_ticket(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<CloseForm>,
) -> Result<Response, Problem> {
    let actor = actor(&state, &principal).await?;
    let scope = principal.scope();
    let mut d = detail(&state, &scope, &id).await?;
    let now = Utc::now();
    let closed_ticket = support::close(&d.ticket, &form.resolution, now).map_err(edit_problem)?;
    let comment = Comment {
        id: CommentId::generate(),
        author: CommentAuthor::Partner,
        author_name: actor.user.name(),
        text: closed_ticket.resolution.clone().unwrap_or_default(),
        resolution: true,
        at: now,
    };
    let audit = AuditRecord::of_user(&actor.user, Audited::CloseTicket, &ip, id.clone());
    d.ticket = state
        .table
        .save_ticket(
            scope.partner_id(),
            &closed_ticket,
            d.ticket.version,
            Along {
                comment: Some(&comment),
                audit: Some(&audit),
                ..Along::default()
            },
        )
        .await
        .map_err(save_problem)?;
    d.comments.push(comment);
    let v = view(d, &actor);
    Ok(with_etag(StatusCode::OK, &v, v.ticket.version))
}

async fn set_following(
    state: &AppState,
    principal: &Principal,
    ip: &str,
    id: &str,
    follow: bool,
) -> Result<StatusCode, Problem> {
    let actor = actor(state, principal).await?;
    let scope = principal.scope();
    let d = detail(state, &scope, id).await?;
    let action = if follow {
        Audited::FollowTicket
    } else {
        Audited::UnfollowTicket
    };
    let audit = AuditRecord::of_user(&actor.user, action, ip, id.to_string());
    match state
        .table
        .set_following(
            scope.partner_id(),
            &d.ticket.id,
            &actor.user.id,
            follow,
            &audit,
        )
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::ConditionFailed { index: Some(0) }) => Err(no_such_ticket()),
        Err(e) => Err(e.into()),
    }
}

/// Follow a case: the signed-in user is emailed when support comments on it.
#[utoipa::path(
    put,
    path = "/api/v1/tickets/{ticketId}/follow",
    tag = "support",
    security(("bearer" = [])),
    params(("ticketId" = String, Path)),
    responses(
        (status = 204, description = "Following"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
    )
)]
pub async fn follow(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    set_following(&state, &principal, &ip, &id, true).await
}

/// Stop following a case.
#[utoipa::path(
    delete,
    path = "/api/v1/tickets/{ticketId}/follow",
    tag = "support",
    security(("bearer" = [])),
    params(("ticketId" = String, Path)),
    responses(
        (status = 204, description = "Not following"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
    )
)]
pub async fn unfollow(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    set_following(&state, &principal, &ip, &id, false).await
}
