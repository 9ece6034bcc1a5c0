//! The Home page: every widget's data in one answer, each user's layout, and the news.

use adapters::services::AppState;
use api::{
    acting, ApiJson, ApiQuery, Cursor, ListResponse, PageParams, Principal, Problem, SourceIp,
};
use axum::{
    extract::State,
    response::{IntoResponse, Response},
    Json,
};
use chrono::{DateTime, Utc};
use domain::{
    alert::AlertKind,
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    catalog,
    customer::{Customer, ManagementType, ProductSummary},
    home::{Layout, NewsItem, Threats},
    telemetry::{
        self, counter::portfolio as held, deployment_series, intrusion_series, risk_series,
        DeploymentPoint, EndpointSummary, IntrusionPoint, Range, RiskPoint, Series, Severity,
        Tally,
    },
    CustomerId,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use store::{alerts::OpenCondition, Table};
use utoipa::{IntoParams, ToSchema};

use crate::reach::{named, Reach};

/// How many open conditions the Customer Issues widget reads (one Query page).
const OPEN_CONDITIONS_READ: i32 = 500;
/// How many customers the Customer Issues widget lists.
const ISSUES_LISTED: usize = 50;
/// How many news items the News Alerts widget shows.
const NEWS_SHOWN: i32 = 2;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardParams {
    /// The Display filter: one customer instead of all.
    pub customer: Option<String>,
}

/// The chosen customer, for My Profile's extra lines.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerBrief {
    #[schema(value_type = String)]
    pub id: CustomerId,
    pub name: String,
    pub management: ManagementType,
    pub created_at: DateTime<Utc>,
    pub products: Vec<ProductSummary>,
    pub seats_used: u32,
    pub require_update: u32,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCounts {
    pub total: i64,
    pub partner_managed: i64,
    pub customer_managed: i64,
    pub co_managed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LicenseCounts {
    /// Live paid subscriptions (held ones included).
    pub paid: i64,
    /// Live trials.
    pub trial: i64,
}

/// My Profile.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    pub partner_name: String,
    pub member_since: DateTime<Utc>,
    /// Computers with the agent deployed.
    pub total_installed: i64,
    pub customers: CustomerCounts,
    /// Product Usage Summary.
    pub licenses: LicenseCounts,
}

/// A product's trials and subscriptions in use (My Products).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductUsage {
    pub product: String,
    pub name: String,
    /// Customers with a live trial of it.
    pub trials: i64,
    /// Customers with a live paid subscription of it.
    pub paid: i64,
    /// Seats of the paid subscriptions.
    pub seats: i64,
}

/// A customer in need of attention.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerIssue {
    #[schema(value_type = String)]
    pub customer_id: CustomerId,
    pub name: String,
    pub management: ManagementType,
    pub severity: Severity,
    /// Its open alerts by type.
    pub issues: Vec<Issue>,
    /// When the newest of its open alerts was raised.
    pub last_issue_at: DateTime<Utc>,
}

/// Open alerts of one type at a customer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    pub kind: AlertKind,
    pub count: i64,
}

/// Every Home page widget's data.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub generated_at: DateTime<Utc>,
    /// The customer of the Display filter, if one is chosen.
    pub customer: Option<CustomerBrief>,
    pub profile: ProfileSummary,
    /// Product Deployment (for the chosen customer, if any).
    pub deployment: Series<DeploymentPoint>,
    /// Virus and Risk Activity (for the chosen customer, if any).
    pub risk_activity: Series<RiskPoint>,
    /// Intrusion Prevention (for the chosen customer, if any).
    pub intrusion_prevention: Series<IntrusionPoint>,
    /// Endpoint Protection (for the chosen customer, if any).
    pub endpoint_protection: EndpointSummary,
    /// My Products (for the chosen customer, if any).
    pub my_products: Vec<ProductUsage>,
    /// Customer Issues: always partner-wide, the most recent first.
    pub customer_issues: Vec<CustomerIssue>,
    /// Threats Summary: always partner-wide; absent until an operator publishes it.
    pub threats: Option<Threats>,
    /// News Alerts: the two newest, always partner-wide.
    pub news: Vec<NewsItem>,
    /// Computers not seen for more than 24 hours (for the chosen customer, if any).
    pub offline_computers: i64,
}

/// Every live product of the catalog with its trials and subscriptions in `portfolio`.
pub fn product_usage(portfolio: &Tally) -> Vec<ProductUsage> {
    catalog::CATALOG
        .iter()
        .map(|p| ProductUsage {
            product: p.id.to_string(),
            name: p.name.to_string(),
            trials: portfolio.get(&format!("{}{}", held::TRIAL, p.id)),
            paid: portfolio.get(&format!("{}{}", held::PAID, p.id))
                + portfolio.get(&format!("{}{}", held::HELD, p.id)),
            seats: portfolio.get(&format!("{}{}", held::SEATS, p.id)),
        })
        .collect()
}

fn profile(partner: &domain::partner::Partner, fleet: &Tally, portfolio: &Tally) -> ProfileSummary {
    let management =
        |m: ManagementType| portfolio.get(&format!("{}{}", held::MANAGEMENT, m.as_str()));
    let usage = product_usage(portfolio);
    ProfileSummary {
        partner_name: partner.company.name.clone(),
        member_since: partner.created_at,
        total_installed: fleet.get(telemetry::counter::COMPUTERS),
        customers: CustomerCounts {
            total: portfolio.get(held::CUSTOMERS),
            partner_managed: management(ManagementType::PartnerManaged),
            customer_managed: management(ManagementType::CustomerManaged),
            co_managed: management(ManagementType::CoManaged),
        },
        licenses: LicenseCounts {
            paid: usage.iter().map(|u| u.paid).sum(),
            trial: usage.iter().map(|u| u.trials).sum(),
        },
    }
}

/// The Customer Issues: customers with open alerts, the most severe and then the most
/// recent first, among those the user may see (one Query of the open conditions, then
/// the named customers' accounts).
async fn customer_issues(
    state: &AppState,
    reach: &Reach,
    partner: &domain::PartnerId,
) -> Result<Vec<CustomerIssue>, Problem> {
    let open = state
        .table
        .open_conditions(partner, OPEN_CONDITIONS_READ)
        .await?;
    let mut by_customer: BTreeMap<CustomerId, Vec<OpenCondition>> = BTreeMap::new();
    for o in open {
        if let Some(c) = o.customer_id.clone() {
            by_customer.entry(c).or_default().push(o);
        }
    }
    let accounts = named(state, reach, partner, by_customer.keys().cloned().collect()).await?;
    let mut rows: Vec<CustomerIssue> = by_customer
        .into_iter()
        .filter_map(|(id, conditions)| {
            let c = accounts.get(&id)?;
            let mut kinds: BTreeMap<AlertKind, i64> = BTreeMap::new();
            for o in &conditions {
                *kinds.entry(o.kind).or_default() += 1;
            }
            Some(CustomerIssue {
                customer_id: c.id.clone(),
                name: c.company.name.clone(),
                management: c.management,
                severity: conditions.iter().map(|o| o.severity).max()?,
                issues: kinds
                    .into_iter()
                    .map(|(kind, count)| Issue { kind, count })
                    .collect(),
                last_issue_at: conditions.iter().map(|o| o.raised_at).max()?,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.last_issue_at.cmp(&a.last_issue_at))
    });
    rows.truncate(ISSUES_LISTED);
    Ok(rows)
}

fn brief(c: &Customer) -> CustomerBrief {
    CustomerBrief {
        id: c.id.clone(),
        name: c.company.name.clone(),
        management: c.management,
        created_at: c.created_at,
        products: c.products.clone(),
        seats_used: c.seats_used,
        require_update: c.require_update,
    }
}

/// Everything the Home page's widgets show, in one answer. With `customer`, the
/// customer-specific widgets show that customer; Customer Issues, News Alerts and Threats
/// Summary stay partner-wide (as the guide says), and My Profile's counts stay the
/// partner's. Customers the user has No access to count nowhere.
#[utoipa::path(
    get,
    path = "/api/v1/dashboard",
    tag = "dashboard",
    security(("bearer" = [])),
    params(DashboardParams),
    responses(
        (status = 200, description = "The widgets' data", body = Dashboard),
        api::responses::Unauthorized,
        api::responses::NotFound,
    )
)]
pub async fn dashboard(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<DashboardParams>,
) -> Result<Json<Dashboard>, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let now = Utc::now();
    let everyone = Reach::of(&state, &actor, &partner.id, None).await?;
    let chosen = match params.customer.as_deref() {
        Some(raw) => Some(Reach::of(&state, &actor, &partner.id, Some(raw)).await?),
        None => None,
    };
    let focus = chosen.as_ref().unwrap_or(&everyone);
    let (chosen_fleet, buckets, (partner_fleet, portfolio), issues, threats, news) = futures::try_join!(
        async {
            Ok::<_, Problem>(match &chosen {
                Some(c) => Some(c.current(&state).await?),
                None => None,
            })
        },
        async { Ok(focus.buckets(&state, now).await?) },
        async { Ok(everyone.totals(&state).await?) },
        customer_issues(&state, &everyone, &partner.id),
        async { Ok(state.table.threats().await?) },
        async { Ok(state.table.news_page(NEWS_SHOWN, None).await?.items) },
    )?;
    let fleet = chosen_fleet.unwrap_or_else(|| partner_fleet.clone());
    let my_products = match &chosen {
        Some(Reach::Customer(c)) => product_usage(&domain::customer::portfolio(c)),
        _ => product_usage(&portfolio),
    };
    Ok(Json(Dashboard {
        generated_at: now,
        customer: match &chosen {
            Some(Reach::Customer(c)) => Some(brief(c)),
            _ => None,
        },
        profile: profile(&partner, &partner_fleet, &portfolio),
        deployment: deployment_series(fleet.get(telemetry::counter::COMPUTERS), &buckets, now),
        risk_activity: risk_series(&buckets, now),
        intrusion_prevention: intrusion_series(&buckets, now),
        offline_computers: telemetry::offline_count(&fleet, Range::Day.offline_since(now)),
        endpoint_protection: EndpointSummary::of(&fleet, now),
        my_products,
        customer_issues: issues,
        threats,
        news,
    }))
}

/// The signed-in user's Home page layout: the widgets shown, in order, and those
/// removed. The first time, every widget in the guide's order.
#[utoipa::path(
    get,
    path = "/api/v1/dashboard/layout",
    tag = "dashboard",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The layout", body = Layout),
        api::responses::Unauthorized,
    )
)]
pub async fn get_layout(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Layout>, Problem> {
    let (actor, _) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    Ok(Json(
        state
            .table
            .layout(&principal.scope(), &actor.user.id)
            .await?,
    ))
}

/// Saves the signed-in user's layout. Every widget must be listed exactly once, shown
/// or removed.
#[utoipa::path(
    put,
    path = "/api/v1/dashboard/layout",
    tag = "dashboard",
    security(("bearer" = [])),
    request_body = Layout,
    responses(
        (status = 200, description = "Saved", body = Layout),
        api::responses::Unauthorized,
        (status = 422, description = "A widget missing, listed twice or unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn save_layout(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<Layout>,
) -> Result<Json<Layout>, Problem> {
    let (actor, _) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let layout = request.parse().map_err(Problem::validation)?;
    let record = AuditRecord::of_user(
        &actor.user,
        Audited::UpdateLayout,
        &ip,
        actor.user.id.as_str(),
    );
    state
        .table
        .save_layout(&principal.scope(), &actor.user.id, &layout, &record)
        .await?;
    Ok(Json(layout))
}

/// The News Alerts page: every news item, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/news",
    tag = "dashboard",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of news", body = ListResponse<NewsItem>),
        api::responses::Unauthorized,
    )
)]
pub async fn news(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Response, Problem> {
    acting::user(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let start = params.start(None, Table::news_partition())?;
    let page = state.table.news_page(params.limit()?, start).await?;
    Ok(Json(ListResponse {
        items: page.items,
        next_cursor: page.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}
