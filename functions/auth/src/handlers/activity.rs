//! The signed-in user's own activity and the partner's Security Audit.

use super::*;

/// The signed-in user's own security audit records (sign-ins, sign-outs, changes), newest
/// first. Answers CSV with `Accept: text/csv` or `?format=csv`.
#[utoipa::path(
    get,
    path = "/api/v1/me/activity",
    tag = "auth",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of audit records", body = ListResponse<AuditRecord>),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn my_activity(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(page): ApiQuery<PageParams>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    // The user as they are now: a disabled or removed user reads nothing.
    acting::session(&state, &principal).await?;
    let (partner, user) = principal.partner_user();
    let partition = format!("AUDITUSER#{partner}#{user}");
    let limit = page.limit()?;
    let start = page.start(Some("gsi1"), &partition)?;
    let result = state
        .table
        .query_page::<AuditRecord>(PageQuery {
            index: Some("gsi1"),
            pk: &partition,
            prefix: "AUDIT#",
            limit,
            newest_first: true,
            start,
            filter: None,
            range: None,
        })
        .await?;
    if csv::wants_csv(&headers, page.format.as_deref()) {
        return Ok(csv::response(&result.items, "activity.csv"));
    }
    Ok(Json(ListResponse {
        items: result.items,
        next_cursor: result.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}

/// `GET /audit` query: paging and the Security Audit filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Items per page, 1–100 (default 25). With filters, a page may hold fewer records
    /// than the limit and still have a `nextCursor`.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    pub cursor: Option<String>,
    /// `csv` to download every matching record (up to 10,000) as CSV.
    pub format: Option<String>,
    /// A user id (`usr_…`) of the partner: only what they did.
    #[param(pattern = r"^\s*usr_[0-9a-f]{32}\s*$")]
    pub user: Option<String>,
    /// An action, e.g. `auth.signIn` or `customer.add`.
    #[param(value_type = Option<domain::audit::Action>, inline)]
    pub action: Option<String>,
    /// A customer id (`cus_…`): only what was done to that customer.
    #[param(pattern = r"^\s*cus_[0-9a-f]{32}\s*$")]
    pub customer: Option<String>,
    /// Records at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Records at or before this time (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
}

impl AuditParams {
    fn query(&self, scope: &store::PartnerScope) -> Result<AuditQuery, Problem> {
        let mut v = domain::Validation::new();
        let user = self
            .user
            .as_deref()
            .and_then(|u| v.check("user", UserId::parse(u.trim())));
        let action = self.action.as_deref().map(str::trim).and_then(|a| {
            let known =
                serde_json::from_value::<Action>(serde_json::Value::String(a.into())).is_ok();
            if known {
                Some(a.to_string())
            } else {
                v.error("action", "is not an action the audit trail records");
                None
            }
        });
        let customer = self
            .customer
            .as_deref()
            .and_then(|c| v.check("customer", domain::CustomerId::parse(c.trim())));
        let time = |field: &str, raw: &Option<String>, v: &mut domain::Validation| {
            raw.as_deref().and_then(|t| {
                v.check(
                    field,
                    chrono::DateTime::parse_from_rfc3339(t.trim())
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|_| {
                            "must be an RFC 3339 time, e.g. 2026-11-28T00:00:00Z".to_string()
                        }),
                )
            })
        };
        let from = time("from", &self.from, &mut v);
        let to = time("to", &self.to, &mut v);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                v.error("to", "must not be before from");
            }
        }
        v.finish().map_err(Problem::validation)?;
        let page = PageParams {
            limit: self.limit,
            cursor: self.cursor.clone(),
            format: None,
        };
        let mut query = AuditQuery {
            user,
            action,
            customer,
            from,
            to,
            limit: page.limit()?,
            start: None,
        };
        let (index, partition) = query.partition(scope);
        query.start = page.start(index, &partition)?;
        Ok(query)
    }
}

/// The Security Audit: the partner's logons and every change, newest first, by user,
/// action, customer and time range. Records cannot be changed through any endpoint.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "auth",
    security(("bearer" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "A page of audit records (or all matching, as CSV)", body = ListResponse<AuditRecord>,
            content(
                (ListResponse<AuditRecord> = "application/json"),
                (String = "text/csv"),
            )),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 422, description = "A bad filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn audit_trail(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Response, Problem> {
    acting::user(
        &state,
        &principal,
        domain::authorization::Action::ViewAuditTrail,
        domain::authorization::Resource::Partner,
    )
    .await?;
    let scope = principal.scope();
    let mut query = params.query(&scope)?;
    if csv::wants_csv(&headers, params.format.as_deref()) {
        query.limit = api::pagination::MAX_LIMIT;
        let rows = csv::every_page(|start| {
            let query = AuditQuery {
                start,
                ..query.clone()
            };
            state.table.audit_page(&scope, query)
        })
        .await?;
        return Ok(csv::response(&rows, "security-audit.csv"));
    }
    let page = state.table.audit_page(&scope, query).await?;
    Ok(Json(ListResponse {
        items: page.items,
        next_cursor: page.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}
