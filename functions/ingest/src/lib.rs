//! The ingest function: the endpoint-protection service reports each customer's
//! computers and events here, authenticated by the customer's ingestion key; and partner
//! users rotate that key. What is ingested updates the aggregates every page reads, in
//! the same transactions (`store::telemetry`).

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json, Router,
};
use std::collections::BTreeMap;

use adapters::metrics::Metric;
use adapters::notify;
use adapters::services::AppState;
use api::ProblemType;
use api::{
    acting,
    openapi::{BearerAuth, IngestionKeyAuth},
    Principal, Problem, SourceIp,
};
use chrono::{DateTime, Utc};
use domain::{
    alert,
    audit::{Action as Audited, AuditRecord},
    authorization::Action,
    telemetry::{
        counter, hour_of, validate_computers, validate_events, AgentVersion, ComputerBatch,
        EventBatch, EventDetail, EventReport,
    },
    FieldError,
};
use serde::{de::DeserializeOwned, Serialize};
use store::telemetry::{generate_key, key_hash, IngestError, Ingested, Source};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth, &IngestionKeyAuth),
    tags((name = "ingest", description = "Endpoint telemetry from the endpoint-protection service"))
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(ingest_computers))
        .routes(routes!(ingest_events))
        .routes(routes!(rotate_key))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}

/// What an ingestion request did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngestResult {
    /// Records stored (new, or changed since the last report).
    pub accepted: usize,
    /// Records already stored exactly so: replays, which change nothing.
    pub unchanged: usize,
}

impl From<Ingested> for IngestResult {
    fn from(i: Ingested) -> Self {
        IngestResult {
            accepted: i.accepted,
            unchanged: i.unchanged,
        }
    }
}

/// Records accepted, as the `IngestedRecords` metric (replays are not counted).
fn accepted_metric(state: &AppState, accepted: usize) {
    if accepted > 0 {
        state.metrics.emit(Metric::IngestedRecords, accepted as u64);
    }
}

/// The caller's key: `Authorization: Bearer pcik_…` or `X-Ingestion-Key: pcik_…`.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    if let Some(k) = headers.get("x-ingestion-key").and_then(|v| v.to_str().ok()) {
        return Some(k.trim());
    }
    api::principal::bearer_in(headers)
}

fn bad_key() -> Problem {
    Problem::unauthorized(
        "The ingestion key is not valid: it may have been rotated. Use the customer's current key.",
    )
}

/// The customer whose key the request carries, which must be the one the path names.
/// Unknown, rotated and malformed keys, and another customer's key, are all the same
/// 401, and are logged with the caller's address (never the key).
async fn source(
    state: &AppState,
    headers: &HeaderMap,
    ip: &str,
    customer: &str,
) -> Result<Source, Problem> {
    let Some(hash) = presented_key(headers).and_then(key_hash) else {
        tracing::warn!(source_ip = ip, "ingestion refused: no usable key");
        return Err(bad_key());
    };
    match state.table.ingestion_source(&hash).await? {
        Some(s) if s.customer.id.as_str() == customer => Ok(s),
        Some(s) => {
            tracing::warn!(source_ip = ip, key_customer = %s.customer.id, path_customer = customer, "ingestion refused: another customer's key");
            Err(bad_key())
        }
        None => {
            tracing::warn!(source_ip = ip, "ingestion refused: unknown key");
            Err(bad_key())
        }
    }
}

/// Parses and checks a batch. A refused batch is logged with its customer and reason,
/// and nothing of it is written.
fn accept<T: DeserializeOwned>(
    source: &Source,
    body: &Bytes,
    check: impl FnOnce(&T) -> Result<(), Vec<FieldError>>,
) -> Result<T, Problem> {
    let refused = |p: Problem, why: &str| {
        tracing::warn!(customer = %source.customer.id, reason = why, "ingestion batch refused");
        p
    };
    let batch: T = api::json::parse(body).map_err(|p| refused(p, "malformed"))?;
    check(&batch).map_err(|errors| {
        let first = errors
            .first()
            .map(|e| format!("{} {}", e.field, e.message))
            .unwrap_or_default();
        refused(Problem::validation(errors), &first)
    })?;
    Ok(batch)
}

fn ingest_problem(e: IngestError) -> Problem {
    match e {
        IngestError::Busy => Problem::conflict(
            ProblemType::FleetBusy,
            "Other reports for this customer were being written at the same time: send the batch again (what was stored is not counted twice).",
        ),
        IngestError::Gone => bad_key(),
        IngestError::Store(e) => e.into(),
    }
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Reports a customer's computers (inventory): each computer's current state. A computer
/// reported again unchanged changes nothing; a changed one moves the counters from its
/// old state to its new one. At most 500 computers per request; a batch with any invalid
/// record is refused whole (422 naming each bad field) and nothing of it is stored.
#[utoipa::path(
    post,
    path = "/api/v1/ingest/{customerId}/computers",
    tag = "ingest",
    security(("ingestionKey" = [])),
    params(("customerId" = String, Path, description = "The customer the key belongs to")),
    request_body = ComputerBatch,
    responses(
        (status = 200, description = "Stored", body = IngestResult),
        (status = 400, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, unknown or rotated ingestion key, or another customer's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Concurrent reports for the customer: send again", body = Problem, content_type = "application/problem+json"),
        api::responses::TooLarge,
        (status = 422, description = "Invalid, future-dated or unknown fields, duplicate ids, or more than 500 records", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ingest_computers(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    Path(customer_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IngestResult>, Problem> {
    let source = source(&state, &headers, &ip, &customer_id).await?;
    let at = now();
    let batch: ComputerBatch = accept(&source, &body, |b| validate_computers(b, at))?;
    let agent = AgentVersion::parse(&state.config.agent_version).map_err(Problem::internal)?;
    let done = state
        .table
        .ingest_computers(&source, &batch.computers, &agent, at)
        .await
        .map_err(ingest_problem)?;
    tracing::info!(customer = %source.customer.id, accepted = done.accepted, unchanged = done.unchanged, "computers ingested");
    accepted_metric(&state, done.accepted);
    if done.accepted > 0 {
        let raises = alert::fleet_conditions(
            &source.customer,
            &source.fleet.tally,
            &done.fleet,
            state.config.alert_offline_days,
            at,
        );
        raise(&state, &source, &raises).await;
    }
    Ok(Json(done.into()))
}

/// Reports a customer's events: risk detections with the action taken, intrusions
/// blocked, firewall blocks. Each event carries an id; an event already stored (same id
/// and time) is a replay and counts once. At most 500 events per request, none in the
/// future nor older than the retention period; a batch with any invalid record is
/// refused whole and nothing of it is stored.
#[utoipa::path(
    post,
    path = "/api/v1/ingest/{customerId}/events",
    tag = "ingest",
    security(("ingestionKey" = [])),
    params(("customerId" = String, Path, description = "The customer the key belongs to")),
    request_body = EventBatch,
    responses(
        (status = 200, description = "Stored", body = IngestResult),
        (status = 400, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, unknown or rotated ingestion key, or another customer's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Concurrent reports for the customer: send again", body = Problem, content_type = "application/problem+json"),
        api::responses::TooLarge,
        (status = 422, description = "Invalid, future-dated, expired or unknown fields, duplicate ids, or more than 500 records", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ingest_events(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    Path(customer_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IngestResult>, Problem> {
    let source = source(&state, &headers, &ip, &customer_id).await?;
    let at = now();
    let retention = state.config.telemetry_retention_days;
    let batch: EventBatch = accept(&source, &body, |b| validate_events(b, at, retention))?;
    let done = state
        .table
        .ingest_events(&source, &batch.events, retention, at)
        .await
        .map_err(ingest_problem)?;
    tracing::info!(customer = %source.customer.id, accepted = done.accepted, unchanged = done.unchanged, "events ingested");
    accepted_metric(&state, done.accepted);
    if !done.stored.is_empty() {
        match event_alerts(&state, &source, &done.stored, at).await {
            Ok(raises) => raise(&state, &source, &raises).await,
            Err(e) => {
                tracing::error!(customer = %source.customer.id, error = %e, "alert conditions not read")
            }
        }
    }
    Ok(Json(done.into()))
}

/// The alerts newly stored events raise: unresolved risks (one per computer) and
/// intrusion bursts in the last day's hours (read from the customer's hour buckets, which
/// already hold this batch).
async fn event_alerts(
    state: &AppState,
    source: &Source,
    stored: &[EventReport],
    at: DateTime<Utc>,
) -> Result<Vec<alert::Raise>, store::StoreError> {
    let customer = &source.customer;
    let unresolved: Vec<&str> = alert::unresolved_by_computer(stored).into_keys().collect();
    let names = if unresolved.is_empty() {
        Default::default()
    } else {
        state
            .table
            .computer_names(&customer.id, &unresolved)
            .await?
    };
    let mut raises = alert::unresolved_risks(customer, stored, &names, at);
    let mut per_hour: BTreeMap<String, i64> = BTreeMap::new();
    for e in stored {
        if matches!(e.detail, EventDetail::Intrusion { .. })
            && e.occurred_at > at - chrono::Duration::hours(24)
        {
            *per_hour.entry(hour_of(e.occurred_at)).or_default() += 1;
        }
    }
    if !per_hour.is_empty() {
        let hours: Vec<String> = per_hour.keys().cloned().collect();
        let buckets = state.table.customer_hours(&customer.id, &hours).await?;
        for (hour, added) in per_hour {
            let after = buckets.get(&hour).map_or(0, |t| t.get(counter::INTRUSIONS));
            if let Some(r) = alert::intrusion_burst(
                customer,
                &hour,
                after - added,
                after,
                state.config.alert_intrusion_burst,
                at,
            ) {
                raises.push(r);
            }
        }
    }
    Ok(raises)
}

/// Raises what a batch found. The batch is stored already: a failure here is logged,
/// not answered, so the service does not send the batch again.
async fn raise(state: &AppState, source: &Source, raises: &[alert::Raise]) {
    if raises.is_empty() {
        return;
    }
    if let Err(e) = notify::raise(state, &source.customer.partner_id, raises).await {
        tracing::error!(customer = %source.customer.id, error = %e, "alerts not raised");
    }
}

/// A new ingestion key, shown once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewIngestionKey {
    /// Give this to the endpoint-protection service; it is not shown again.
    pub key: String,
    pub created_at: DateTime<Utc>,
}

/// Replaces the customer's ingestion key. The old key stops working at once; the new one
/// is answered this once (only its hash is stored). Needs Read/Write access to the
/// customer.
#[utoipa::path(
    post,
    path = "/api/v1/customers/{customerId}/ingestion-key",
    tag = "ingest",
    security(("bearer" = [])),
    params(("customerId" = String, Path, description = "The customer")),
    responses(
        (status = 201, description = "The new key", body = NewIngestionKey),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 409, description = "Rotated by someone else at the same moment", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rotate_key(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(customer_id): Path<String>,
) -> Result<Response, Problem> {
    let (id, actor, _) =
        acting::on_customer(&state, &principal, &customer_id, Action::ManageCustomer).await?;
    // The customer must exist and be this partner's (authorization only knows the id).
    state
        .table
        .customer(&principal.scope(), &id)
        .await?
        .ok_or_else(|| Problem::not_found(acting::NO_SUCH_CUSTOMER))?;
    let fleet = state.table.fleet(&id).await?;
    let key = generate_key();
    let hash = key_hash(&key).ok_or_else(|| Problem::internal("ingestion key hash"))?;
    let at = now();
    let record = AuditRecord::of_user(&actor.user, Audited::RotateIngestionKey, &ip, id.as_str());
    match state
        .table
        .rotate_ingestion_key(&id, fleet.key_hash.as_deref(), &hash, at, &record)
        .await
    {
        Ok(()) => {}
        Err(store::StoreError::ConditionFailed { .. })
        | Err(store::StoreError::TransactionConflict { .. }) => {
            return Err(Problem::conflict(
                ProblemType::KeyRotated,
                "The key was rotated by someone else at the same moment: rotate again to get a key you can see.",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(customer = %id, "ingestion key rotated");
    Ok((
        StatusCode::CREATED,
        Json(NewIngestionKey {
            key,
            created_at: at,
        }),
    )
        .into_response())
}
