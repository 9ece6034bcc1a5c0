//! Endpoint Statistics, Product Deployment (with the offline computers), My Products,
//! and a customer profile's endpoint protection.

use adapters::services::AppState;
use api::{acting, csv, csv::CsvRow, ApiQuery, Cursor, ListResponse, Principal, Problem};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    Json,
};
use chrono::{DateTime, Utc};
use domain::{
    authorization::{Action, Resource},
    customer::ManagementType,
    telemetry::{
        self, counter, deployment_series, intrusion_series, range_total, risk_series, top,
        DeploymentPoint, EndpointSummary, IntrusionPoint, OsFamily, Range, RiskAction, RiskPoint,
        Series,
    },
    CustomerId,
};
use serde::{Deserialize, Serialize};
use store::{
    telemetry::{ComputerRecord, OfflineOwner},
    Page, Table,
};
use utoipa::{IntoParams, ToSchema};

use crate::{
    home::{product_usage, ProductUsage},
    reach::{manageable, named, one_customer, Reach},
};

/// Top lists' lengths.
const TOP_RISKS: usize = 10;
const TOP_SIGNATURES: usize = 10;
const SPREAD_SHOWN: usize = 20;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatisticsParams {
    /// `24h`, `7d` (default), `30d` or `3m`.
    pub range: Option<Range>,
    /// One customer instead of all.
    pub customer: Option<String>,
}

/// One customer's share of a risk.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RiskCustomer {
    #[schema(value_type = String)]
    pub customer_id: CustomerId,
    pub name: String,
    pub management: ManagementType,
    /// Whether the Manage link shows: partner- or co-managed, and the user may manage it.
    pub manageable: bool,
    /// Detections of the risk at this customer (all time).
    pub detections: i64,
    pub last_detected: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TopRisk {
    pub name: String,
    /// Detections in the range.
    pub detections: i64,
    /// Customers it was detected at in the range.
    pub customers: i64,
    pub last_detected: Option<DateTime<Utc>>,
    /// Those customers, most detections first (at most 20).
    pub spread: Vec<RiskCustomer>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActionCounts {
    pub blocked: i64,
    pub quarantined: i64,
    pub cleaned: i64,
    pub unresolved: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RiskDetections {
    pub total: i64,
    pub by_action: ActionCounts,
    /// Hourly for 24 hours, daily otherwise.
    pub series: Vec<RiskPoint>,
    /// The most detected risks (at most 10).
    pub top: Vec<TopRisk>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignatureCount {
    pub signature: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntrusionDetections {
    pub total: i64,
    pub firewall: i64,
    pub series: Vec<IntrusionPoint>,
    /// The most frequent attack signatures (at most 10).
    pub top: Vec<SignatureCount>,
}

/// The Endpoint Statistics page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointStatistics {
    pub range: Range,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub risks: RiskDetections,
    pub intrusions: IntrusionDetections,
}

fn range_and_focus(params: &StatisticsParams, now: DateTime<Utc>) -> (Range, DateTime<Utc>) {
    let range = params.range.unwrap_or_default();
    (range, range.from(now))
}

/// The Endpoint Statistics page: risk detections (totals by action, over time, the top
/// risks and how far each spread across customers) and intrusion detection (intrusions,
/// firewall blocks, the top signatures), for a range and optionally one customer.
#[utoipa::path(
    get,
    path = "/api/v1/statistics/endpoint",
    tag = "dashboard",
    security(("bearer" = [])),
    params(StatisticsParams),
    responses(
        (status = 200, description = "The statistics", body = EndpointStatistics),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 422, description = "Unknown range", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn endpoint_statistics(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<StatisticsParams>,
) -> Result<Json<EndpointStatistics>, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let now = Utc::now();
    let (range, from) = range_and_focus(&params, now);
    let reach = Reach::of(&state, &actor, &partner.id, params.customer.as_deref()).await?;
    let buckets = reach.buckets(&state, now).await?;
    let totals = range_total(&buckets, range, now);

    // Each top risk's customers: one Query per risk, then one read of their names.
    let risks = top(&totals, counter::RISK, TOP_RISKS);
    let spreads = futures::future::try_join_all(
        risks
            .iter()
            .map(|(name, _)| state.table.risk_spread(&partner.id, name)),
    )
    .await?;
    let spreads: Vec<Vec<_>> = spreads
        .into_iter()
        .map(|s| {
            s.into_iter()
                .filter(|r| reach.includes(&r.customer_id) && r.last_detected >= from)
                .collect()
        })
        .collect();
    let ids = spreads
        .iter()
        .flat_map(|s| s.iter().take(SPREAD_SHOWN).map(|r| r.customer_id.clone()))
        .collect();
    let accounts = named(&state, &reach, &partner.id, ids).await?;
    let top_risks = risks
        .into_iter()
        .zip(spreads)
        .map(|((name, detections), spread)| TopRisk {
            name,
            detections,
            customers: spread.len() as i64,
            last_detected: spread.iter().map(|r| r.last_detected).max(),
            spread: spread
                .iter()
                .filter_map(|r| {
                    let c = accounts.get(&r.customer_id)?;
                    Some(RiskCustomer {
                        customer_id: c.id.clone(),
                        name: c.company.name.clone(),
                        management: c.management,
                        manageable: manageable(&actor, c),
                        detections: r.detections,
                        last_detected: r.last_detected,
                    })
                })
                .take(SPREAD_SHOWN)
                .collect(),
        })
        .collect();
    let action = |a: RiskAction| totals.get(a.name());
    Ok(Json(EndpointStatistics {
        range,
        from,
        to: now,
        risks: RiskDetections {
            total: totals.get(counter::DETECTIONS),
            by_action: ActionCounts {
                blocked: action(RiskAction::Blocked),
                quarantined: action(RiskAction::Quarantined),
                cleaned: action(RiskAction::Cleaned),
                unresolved: action(RiskAction::Unresolved),
            },
            series: risk_series(&buckets, now).of_range(range),
            top: top_risks,
        },
        intrusions: IntrusionDetections {
            total: totals.get(counter::INTRUSIONS),
            firewall: totals.get(counter::FIREWALL),
            series: intrusion_series(&buckets, now).of_range(range),
            top: top(&totals, counter::SIGNATURE, TOP_SIGNATURES)
                .into_iter()
                .map(|(signature, count)| SignatureCount { signature, count })
                .collect(),
        },
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OsCount {
    pub os: OsFamily,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    /// Computers with the agent deployed now.
    pub total: i64,
    pub installed_in_range: i64,
    pub removed_in_range: i64,
    /// Hourly for 24 hours, daily otherwise.
    pub series: Vec<DeploymentPoint>,
    pub by_os: Vec<OsCount>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfflineSummary {
    /// Computers not seen since the range began (counted by day: since midnight UTC of
    /// the range's first day).
    pub count: i64,
    /// Since when they have not been seen.
    pub since: DateTime<Utc>,
}

/// The Product Deployment page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentStatistics {
    pub range: Range,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub deployed: Deployed,
    pub offline: OfflineSummary,
}

/// The Product Deployment page: computers deployed now and over the range (installs and
/// removals), by operating system, and how many have been offline for the range.
#[utoipa::path(
    get,
    path = "/api/v1/statistics/deployment",
    tag = "dashboard",
    security(("bearer" = [])),
    params(StatisticsParams),
    responses(
        (status = 200, description = "The deployment", body = DeploymentStatistics),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 422, description = "Unknown range", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deployment_statistics(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<StatisticsParams>,
) -> Result<Json<DeploymentStatistics>, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let now = Utc::now();
    let (range, from) = range_and_focus(&params, now);
    let reach = Reach::of(&state, &actor, &partner.id, params.customer.as_deref()).await?;
    let (current, buckets) = futures::try_join!(reach.current(&state), reach.buckets(&state, now))?;
    let totals = range_total(&buckets, range, now);
    let computers = current.get(counter::COMPUTERS);
    let since = range.offline_since(now);
    Ok(Json(DeploymentStatistics {
        range,
        from,
        to: now,
        deployed: Deployed {
            total: computers,
            installed_in_range: totals.get(counter::INSTALLED),
            removed_in_range: totals.get(counter::REMOVED),
            series: deployment_series(computers, &buckets, now).of_range(range),
            by_os: OsFamily::ALL
                .iter()
                .map(|os| OsCount {
                    os: *os,
                    count: current.get(&format!("{}{}", counter::OS, os.name())),
                })
                .collect(),
        },
        offline: OfflineSummary {
            count: telemetry::offline_count(&current, since),
            since,
        },
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfflineParams {
    /// Offline since the range began: `24h`, `7d` (default), `30d` or `3m`.
    pub range: Option<Range>,
    /// One customer instead of all.
    pub customer: Option<String>,
    /// Items per page, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// `nextCursor` from the previous page.
    pub cursor: Option<String>,
    /// `csv` to download the list as CSV (same as `Accept: text/csv`).
    pub format: Option<String>,
}

/// A computer that has not checked in for the range.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfflineComputer {
    #[schema(value_type = String)]
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub management: ManagementType,
    pub manageable: bool,
    pub computer_id: String,
    pub name: String,
    pub os: String,
    pub group: Option<String>,
    pub agent_version: String,
    pub last_seen: DateTime<Utc>,
}

impl CsvRow for OfflineComputer {
    fn headers() -> &'static [&'static str] {
        &[
            "Customer",
            "Computer",
            "Operating system",
            "Group",
            "Agent version",
            "Last seen",
        ]
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.customer_name.clone(),
            self.name.clone(),
            self.os.clone(),
            self.group.clone().unwrap_or_default(),
            self.agent_version.clone(),
            self.last_seen.to_rfc3339(),
        ]
    }
}

/// Rows for a page of offline computers: with their customer's name, and only those of
/// the partner's customers the user may see.
async fn offline_rows(
    state: &AppState,
    actor: &acting::Actor,
    reach: &Reach,
    partner: &domain::PartnerId,
    page: Page<ComputerRecord>,
) -> Result<Page<OfflineComputer>, Problem> {
    let ids = page.items.iter().map(|r| r.customer_id.clone()).collect();
    let accounts = named(state, reach, partner, ids).await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .filter_map(|r| {
                let c = accounts.get(&r.customer_id)?;
                let computer = r.computer;
                Some(OfflineComputer {
                    customer_id: c.id.clone(),
                    customer_name: c.company.name.clone(),
                    management: c.management,
                    manageable: manageable(actor, c),
                    computer_id: computer.id,
                    name: computer.name,
                    os: computer.os.version,
                    group: computer.group,
                    agent_version: computer.agent_version,
                    last_seen: computer.last_seen,
                })
            })
            .collect(),
        next: page.next,
    })
}

/// The offline computers: those not seen since the range began, longest offline first,
/// of all the customers the user may see or of one. A page may hold fewer rows than its
/// limit when some belong to customers the user may not see; the cursor goes on.
#[utoipa::path(
    get,
    path = "/api/v1/statistics/offline-computers",
    tag = "dashboard",
    security(("bearer" = [])),
    params(OfflineParams),
    responses(
        (status = 200, description = "A page of offline computers (or CSV)", body = ListResponse<OfflineComputer>),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 422, description = "Unknown range, bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn offline_computers(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<OfflineParams>,
) -> Result<Response, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let now = Utc::now();
    let range = params.range.unwrap_or_default();
    let reach = Reach::of(&state, &actor, &partner.id, params.customer.as_deref()).await?;
    let owner = match &reach {
        Reach::Customer(c) => OfflineOwner::Customer(&c.id),
        _ => OfflineOwner::Partner(&partner.id),
    };
    let (index, partition) = Table::offline_partition(owner);
    let pages = api::PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
        format: params.format.clone(),
    };
    let limit = pages.limit()?;
    let start = pages.start(Some(index), &partition)?;
    let before = range.offline_since(now);
    if csv::wants_csv(&headers, params.format.as_deref()) {
        let records = csv::every_page(|start| {
            state
                .table
                .offline_computers(owner, before, api::pagination::MAX_LIMIT, start)
        })
        .await?;
        let rows = offline_rows(
            &state,
            &actor,
            &reach,
            &partner.id,
            Page {
                items: records,
                next: None,
            },
        )
        .await?;
        return Ok(csv::response(&rows.items, "offline-computers.csv"));
    }
    let page = state
        .table
        .offline_computers(owner, before, limit, start)
        .await?;
    let page = offline_rows(&state, &actor, &reach, &partner.id, page).await?;
    Ok(Json(ListResponse {
        items: page.items,
        next_cursor: page.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductUsageList {
    pub items: Vec<ProductUsage>,
}

/// My Products: every product with the trials and paid subscriptions in use across the
/// customers the user may see.
#[utoipa::path(
    get,
    path = "/api/v1/products/usage",
    tag = "dashboard",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Trials and subscriptions by product", body = ProductUsageList),
        api::responses::Unauthorized,
    )
)]
pub async fn product_usage_list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ProductUsageList>, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let reach = Reach::of(&state, &actor, &partner.id, None).await?;
    Ok(Json(ProductUsageList {
        items: product_usage(&reach.portfolio(&state).await?),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngestionStatus {
    /// When the current ingestion key was created.
    pub key_created_at: Option<DateTime<Utc>>,
    /// When the endpoint service last reported.
    pub last_report_at: Option<DateTime<Utc>>,
}

/// A customer profile's endpoint protection.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerEndpointProtection {
    /// Table 2-6.
    pub summary: EndpointSummary,
    /// Table 2-7: the deployment chart.
    pub deployment: Series<DeploymentPoint>,
    pub ingestion: IngestionStatus,
}

/// The customer profile's Endpoint Protection service summary (Table 2-6) and deployment
/// chart (Table 2-7: the last 24 hours, 7 days, 30 days or 3 months).
#[utoipa::path(
    get,
    path = "/api/v1/customers/{customerId}/endpoint-protection",
    tag = "dashboard",
    security(("bearer" = [])),
    params(("customerId" = String, Path, description = "The customer")),
    responses(
        (status = 200, description = "The summary and chart", body = CustomerEndpointProtection),
        api::responses::Unauthorized,
        api::responses::NotFound,
    )
)]
pub async fn customer_endpoint_protection(
    State(state): State<AppState>,
    principal: Principal,
    Path(customer_id): Path<String>,
) -> Result<Json<CustomerEndpointProtection>, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let customer = one_customer(&state, &actor, &partner.id, &customer_id).await?;
    let now = Utc::now();
    let (fleet, buckets) = futures::try_join!(
        state.table.fleet(&customer.id),
        state.table.customer_buckets(&customer.id, now)
    )?;
    Ok(Json(CustomerEndpointProtection {
        summary: EndpointSummary::of(&fleet.tally, now),
        deployment: deployment_series(fleet.tally.get(counter::COMPUTERS), &buckets, now),
        ingestion: IngestionStatus {
            key_created_at: fleet.key_created_at,
            last_report_at: fleet.last_report_at,
        },
    }))
}
