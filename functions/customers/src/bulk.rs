//! Bulk actions on the Customers page: the customers selected (a page, or "all N
//! matching the filters") get one action together, each customer on its own. One call
//! names at most [`MAX_CUSTOMERS`]; each customer is authorized, changed and audited as
//! the single-customer route does it (the same core function), so one refusal never
//! undoes the others, and the answer says per customer what was done or why not.

use adapters::services::AppState;
use api::{acting, csv, ApiJson, Deadline, Principal, Problem, SourceIp};
use axum::{
    extract::State,
    response::{IntoResponse, Response},
    Json,
};
use domain::{
    authorization::{Action, Resource},
    catalog::{self, Product},
    customer::{Customer, ManagementType, ProductChoice, ProductRequest},
    CustomerId, FieldError, Validation,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime};
use utoipa::ToSchema;

use crate::consent::{change_management_of, limited, Managed};
use crate::handlers::{add_entitlements, remove, send_welcome_again, Acting};
use crate::views::CustomerRow;

/// The most customers one bulk call acts on.
pub const MAX_CUSTOMERS: usize = 100;

/// What a bulk call does to each customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum BulkAction {
    /// Start a trial of `product` (as `POST /customers/{id}/entitlements` with one trial).
    StartTrial,
    /// Change the management type to `management`, or ask the customer for it (as
    /// `POST /customers/{id}/management`).
    RequestManagementChange,
    /// Send the welcome email again (as `POST /customers/{id}/welcome`).
    ResendWelcome,
    /// Remove the customer, with `confirm: true` (as `DELETE /customers/{id}?confirm=true`).
    Remove,
}

/// `POST /customers/bulk`: an action and the customers to do it to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkRequest {
    pub action: BulkAction,
    /// 1–100 customers, each once; the answer lists them in this order.
    #[schema(schema_with = bulk_customer_ids)]
    pub customer_ids: Vec<String>,
    /// `startTrial` only, and required there: a catalog product that has a trial.
    #[serde(default)]
    #[schema(schema_with = domain::schema::product_id)]
    pub product: Option<String>,
    /// `requestManagementChange` only, and required there.
    #[serde(default)]
    pub management: Option<ManagementType>,
    /// `remove` only, and required there: must be `true`.
    #[serde(default)]
    #[schema(value_type = Option<domain::schema::MustBeTrue>)]
    pub confirm: Option<bool>,
}

/// `POST /customers/export`: the customers to export.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportRequest {
    /// 1–100 customers, each once; the CSV lists those the caller may see in this order.
    #[schema(schema_with = bulk_customer_ids)]
    pub customer_ids: Vec<String>,
}

fn bulk_customer_ids() -> utoipa::openapi::Array {
    let mut ids = domain::schema::customer_ids();
    ids.min_items = Some(1);
    ids.max_items = Some(MAX_CUSTOMERS);
    ids.unique_items = true;
    ids
}

/// A bulk call's action, checked: what each customer gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    StartTrial(&'static Product),
    RequestManagementChange(ManagementType),
    ResendWelcome,
    Remove,
}

impl Task {
    /// What the role must be allowed on each customer.
    fn needs(self) -> Action {
        match self {
            Task::Remove => Action::RemoveCustomer,
            _ => Action::ManageCustomer,
        }
    }

    /// Whether it may email each customer (counted against the partner's bulk mail
    /// limit, one per customer named).
    fn emails(self) -> bool {
        matches!(self, Task::ResendWelcome | Task::RequestManagementChange(_))
    }
}

/// What a bulk call keeps back of Lambda's time: enough for the customer under way when
/// time runs out, and for answering (and keeping the answer for retries).
pub const DEADLINE_MARGIN: Duration = Duration::from_secs(4);

/// How long a bulk call may start on customers: its budget, or less when Lambda ends the
/// invocation sooner (`left` is the time Lambda leaves, less [`DEADLINE_MARGIN`]).
pub fn time_to_work(budget: Duration, left: Option<Duration>) -> Duration {
    match left {
        Some(left) => budget.min(left.saturating_sub(DEADLINE_MARGIN)),
        None => budget,
    }
}

/// 1–100 customer ids, well formed, each once.
fn parse_ids(v: &mut Validation, raw: &[String]) -> Vec<CustomerId> {
    if raw.is_empty() {
        v.error("customerIds", "name at least one customer");
    }
    if raw.len() > MAX_CUSTOMERS {
        v.error(
            "customerIds",
            format!(
                "at most {MAX_CUSTOMERS} customers in one call ({} given)",
                raw.len()
            ),
        );
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        match CustomerId::parse(r) {
            Ok(id) if seen.insert(id.clone()) => ids.push(id),
            Ok(_) => v.error(format!("customerIds[{i}]"), "is named twice"),
            Err(_) => v.error(format!("customerIds[{i}]"), "is not a customer id"),
        }
    }
    ids
}

impl BulkRequest {
    /// The task and the customers, or every field error: a field one action needs is
    /// required for it and refused for the others.
    pub fn parse(&self) -> Result<(Task, Vec<CustomerId>), Vec<FieldError>> {
        let mut v = Validation::new();
        let ids = parse_ids(&mut v, &self.customer_ids);
        let a = self.action;
        let mut only = |field: &str, present: bool, wanted: BulkAction| {
            if present && a != wanted {
                v.error(field, format!("is only for {}", action_name(wanted)));
            } else if !present && a == wanted {
                v.error(field, format!("is required for {}", action_name(wanted)));
            }
        };
        only("product", self.product.is_some(), BulkAction::StartTrial);
        only(
            "management",
            self.management.is_some(),
            BulkAction::RequestManagementChange,
        );
        only("confirm", self.confirm.is_some(), BulkAction::Remove);
        let task = match a {
            BulkAction::StartTrial => {
                match self.product.as_deref().map(|p| catalog::product(p.trim())) {
                    Some(Some(p)) if p.has_trial => Some(Task::StartTrial(p)),
                    Some(Some(p)) => {
                        v.error("product", format!("{} has no trial", p.name));
                        None
                    }
                    Some(None) => {
                        v.error("product", "is not a product in the catalog");
                        None
                    }
                    None => None,
                }
            }
            BulkAction::RequestManagementChange => {
                self.management.map(Task::RequestManagementChange)
            }
            BulkAction::ResendWelcome => Some(Task::ResendWelcome),
            BulkAction::Remove => match self.confirm {
                Some(true) => Some(Task::Remove),
                Some(false) => {
                    v.error("confirm", "must be true to remove the customers");
                    None
                }
                None => None,
            },
        };
        v.finish()?;
        let task = task.ok_or_else(|| {
            vec![FieldError {
                field: "action".into(),
                message: "is missing what it needs".into(),
            }]
        })?;
        Ok((task, ids))
    }
}

fn action_name(a: BulkAction) -> &'static str {
    match a {
        BulkAction::StartTrial => "startTrial",
        BulkAction::RequestManagementChange => "requestManagementChange",
        BulkAction::ResendWelcome => "resendWelcome",
        BulkAction::Remove => "remove",
    }
}

/// What happened to one customer: `done`; `refused` for the caller's or the customer's
/// reason (a 4xx problem, as the single route answers it: the same call would be refused
/// again); `failed` on a server-side error (a 5xx problem: nothing was changed for this
/// customer, try again); `notAttempted` when the call ran out of time before it (try
/// again). Failed and not attempted customers are sent again in a new call, with a new
/// `Idempotency-Key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum BulkOutcome {
    Done,
    Refused,
    Failed,
    NotAttempted,
}

/// What a done management change did: `changed` (it gave access back and took effect)
/// or `requested` (the customer was asked to approve more access).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ManagementResult {
    Changed,
    Requested,
}

/// What happened to one customer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkResult {
    pub customer_id: String,
    pub outcome: BulkOutcome,
    /// The customer's name, when the caller may see the customer (never for an unknown
    /// id, another partner's customer, or one the role has no access to).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    /// A done `requestManagementChange` only: whether it took effect or asked the customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<ManagementResult>,
    /// Why not: the problem the single-customer route answers (refused, failed), or why
    /// it was not attempted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// The answer: counts, and one result per customer in the order asked.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkResponse {
    pub action: BulkAction,
    pub done: usize,
    pub refused: usize,
    /// Customers a server-side error left unchanged: send them again.
    pub failed: usize,
    /// Customers the call had no time left for: send them again.
    pub not_attempted: usize,
    pub results: Vec<BulkResult>,
}

impl BulkResult {
    /// One customer's result from what its single route's core answered.
    fn of(
        id: &CustomerId,
        name: Option<String>,
        acted: Result<Option<ManagementResult>, Problem>,
    ) -> Self {
        match acted {
            Ok(result) => BulkResult {
                customer_id: id.to_string(),
                outcome: BulkOutcome::Done,
                customer_name: name,
                result,
                problem: None,
            },
            Err(problem) => BulkResult {
                customer_id: id.to_string(),
                outcome: if problem.status >= 500 {
                    BulkOutcome::Failed
                } else {
                    BulkOutcome::Refused
                },
                // A refusal that hides the customer names nothing.
                customer_name: name.filter(|_| problem.status != 404),
                result: None,
                problem: Some(problem),
            },
        }
    }

    /// A customer the call had no time left for.
    fn not_attempted(id: &CustomerId, name: Option<String>) -> Self {
        BulkResult {
            customer_id: id.to_string(),
            outcome: BulkOutcome::NotAttempted,
            customer_name: name,
            result: None,
            problem: None,
        }
    }
}

impl BulkResponse {
    fn new(action: BulkAction, results: Vec<BulkResult>) -> Self {
        let count = |o| results.iter().filter(|r| r.outcome == o).count();
        BulkResponse {
            action,
            done: count(BulkOutcome::Done),
            refused: count(BulkOutcome::Refused),
            failed: count(BulkOutcome::Failed),
            not_attempted: count(BulkOutcome::NotAttempted),
            results,
        }
    }
}

/// The accounts of `ids` the caller may see, by id (one BatchGetItem for up to 100):
/// the partner's customers the role does not hide.
async fn visible_accounts(
    state: &AppState,
    principal: &Principal,
    actor: &acting::Actor,
    ids: &[CustomerId],
) -> Result<HashMap<CustomerId, Customer>, Problem> {
    let scope = principal.scope();
    let visible = actor.visibility();
    Ok(state
        .table
        .accounts(ids)
        .await?
        .into_iter()
        .filter(|c| &c.partner_id == scope.partner_id() && visible.sees(&c.id))
        .map(|c| (c.id.clone(), c))
        .collect())
}

/// Does `task` to one customer through the single route's core; for a management change,
/// whether it took effect or asked the customer.
async fn act(
    a: &Acting<'_>,
    id: &CustomerId,
    task: Task,
) -> Result<Option<ManagementResult>, Problem> {
    let found = a.customer(id, task.needs()).await?;
    match task {
        Task::StartTrial(product) => {
            let line = ProductRequest {
                product: product.id.to_string(),
                choice: ProductChoice::Trial,
                seats: None,
            };
            add_entitlements(a, found, std::slice::from_ref(&line)).await?;
        }
        Task::RequestManagementChange(to) => {
            return Ok(Some(match change_management_of(a, found, to).await? {
                Managed::Changed(_) => ManagementResult::Changed,
                Managed::Requested(_) => ManagementResult::Requested,
            }));
        }
        Task::ResendWelcome => send_welcome_again(a, &found).await?,
        Task::Remove => remove(a, found).await?,
    }
    Ok(None)
}

/// Does one action to up to 100 customers: each customer is authorized (a custom role
/// acts only on customers it may write: the others are refused, one by one), loaded,
/// changed and audited on its own, exactly as its single-customer route does it, so one
/// refusal never undoes the others. An `Idempotency-Key` makes a retry answer the first
/// call's results without doing anything again.
///
/// The call works through the customers for at most 10 seconds (less when Lambda would
/// end it sooner): the customers left then are answered `notAttempted`, so the answer
/// always accounts for every customer. A customer that hit a server-side error is
/// `failed`. Both are sent again in a new call, with a new key.
///
/// At most 20 calls per partner a minute, and 1,000 customers a hour emailed by
/// `resendWelcome` and `requestManagementChange` (429 with `Retry-After`).
///
/// DynamoDB calls: the caller (one BatchGetItem, and a GetItem for a custom role), the
/// limits (one UpdateItem, two for an emailing action), the accounts (one BatchGetItem),
/// then per customer what its single route costs after the caller is known
/// (docs/performance.md).
#[utoipa::path(
    post,
    path = "/api/v1/customers/bulk",
    tag = "customers",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = BulkRequest,
    responses(
        (status = 200, description = "What was done to each customer, or why not", body = BulkResponse),
        api::responses::Unauthorized,
        (status = 403, description = "The caller may not act on customers", body = Problem, content_type = "application/problem+json"),
        api::responses::InvalidFields,
        api::responses::TooManyAttempts,
    )
)]
pub async fn bulk_action(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    Deadline(deadline): Deadline,
    principal: Principal,
    ApiJson(request): ApiJson<BulkRequest>,
) -> Result<Json<BulkResponse>, Problem> {
    let started = Instant::now();
    let left = deadline
        .filter(|_| state.config.honour_lambda_deadline)
        .map(|d| d.duration_since(SystemTime::now()).unwrap_or_default());
    let stop = started + time_to_work(state.config.bulk_time_budget, left);
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let (task, ids) = request.parse().map_err(Problem::validation)?;
    let c = &state.config;
    limited(&state, "bulk", partner.id.as_str(), c.bulk_per_partner, 1).await?;
    if task.emails() {
        let weight = ids.len() as u32;
        limited(
            &state,
            "bulk-mail",
            partner.id.as_str(),
            c.bulk_mail_per_partner,
            weight,
        )
        .await?;
    }
    let accounts = visible_accounts(&state, &principal, &actor, &ids).await?;
    let a = Acting {
        state: &state,
        principal: &principal,
        actor: &actor,
        partner: &partner,
        ip: &ip,
    };
    let mut results = Vec::with_capacity(ids.len());
    for id in &ids {
        let name = accounts.get(id).map(|c| c.company.name.clone());
        if Instant::now() >= stop {
            results.push(BulkResult::not_attempted(id, name));
            continue;
        }
        // A customer the caller may not see is not looked at any further.
        let acted = match name {
            None => Err(Problem::not_found(acting::NO_SUCH_CUSTOMER)),
            Some(_) => act(&a, id, task).await,
        };
        results.push(BulkResult::of(id, name, acted));
    }
    let answer = BulkResponse::new(request.action, results);
    tracing::info!(
        action = ?request.action,
        done = answer.done,
        refused = answer.refused,
        failed = answer.failed,
        not_attempted = answer.not_attempted,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "bulk action"
    );
    Ok(Json(answer))
}

/// Exports the selected customers as CSV: the columns of `GET /customers?format=csv`,
/// the customers the caller may see in the order asked (the others are left out). "All
/// N matching the filters" is `GET /customers?format=csv` with the filters.
#[utoipa::path(
    post,
    path = "/api/v1/customers/export",
    tag = "customers",
    security(("bearer" = [])),
    request_body = ExportRequest,
    responses(
        (status = 200, description = "The customers as CSV (`customers.csv`)", body = String, content_type = "text/csv"),
        api::responses::Unauthorized,
        (status = 403, description = "The caller may not see customers", body = Problem, content_type = "application/problem+json"),
        api::responses::InvalidFields,
    )
)]
pub async fn export_customers(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<ExportRequest>,
) -> Result<Response, Problem> {
    let actor = acting::user(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let mut v = Validation::new();
    let ids = parse_ids(&mut v, &request.customer_ids);
    v.finish().map_err(Problem::validation)?;
    let accounts = visible_accounts(&state, &principal, &actor, &ids).await?;
    let rows: Vec<CustomerRow> = ids
        .iter()
        .filter_map(|id| accounts.get(id))
        .map(|c| CustomerRow::new(c, &actor.grant))
        .collect();
    Ok(csv::response(&rows, "customers.csv").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: serde_json::Value) -> BulkRequest {
        serde_json::from_value(v).unwrap()
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|_| CustomerId::generate().to_string()).collect()
    }

    fn fields(r: Result<(Task, Vec<CustomerId>), Vec<FieldError>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_trial_needs_a_catalog_product_that_has_one() {
        let (task, got) = body(json!({"action": "startTrial", "customerIds": ids(2),
            "product": "endpoint-protection"}))
        .parse()
        .unwrap();
        assert_eq!(
            task,
            Task::StartTrial(catalog::product("endpoint-protection").unwrap())
        );
        assert_eq!(got.len(), 2);
        let no_trial = catalog::CATALOG.iter().find(|p| !p.has_trial).unwrap();
        for product in [json!("toaster"), json!(no_trial.id)] {
            let r =
                body(json!({"action": "startTrial", "customerIds": ids(1), "product": product}));
            assert_eq!(fields(r.parse()), ["product"]);
        }
        let r = body(json!({"action": "startTrial", "customerIds": ids(1)}));
        assert_eq!(fields(r.parse()), ["product"]);
    }

    #[test]
    fn a_field_for_another_action_is_refused() {
        let r = body(json!({"action": "resendWelcome", "customerIds": ids(1),
            "product": "endpoint-protection", "management": "coManaged", "confirm": true}));
        assert_eq!(fields(r.parse()), ["product", "management", "confirm"]);
        let r = body(json!({"action": "requestManagementChange", "customerIds": ids(1)}));
        assert_eq!(fields(r.parse()), ["management"]);
        let (task, _) = body(
            json!({"action": "requestManagementChange", "customerIds": ids(1),
            "management": "partnerManaged"}),
        )
        .parse()
        .unwrap();
        assert_eq!(
            task,
            Task::RequestManagementChange(ManagementType::PartnerManaged)
        );
    }

    #[test]
    fn removing_needs_confirm_true() {
        for confirm in [json!(false), serde_json::Value::Null] {
            let mut v = json!({"action": "remove", "customerIds": ids(1)});
            if !confirm.is_null() {
                v["confirm"] = confirm;
            }
            assert_eq!(fields(body(v).parse()), ["confirm"]);
        }
        let ok = body(json!({"action": "remove", "customerIds": ids(3), "confirm": true}));
        assert_eq!(ok.parse().unwrap().0, Task::Remove);
    }

    #[test]
    fn one_to_a_hundred_well_formed_customers_each_once() {
        let r = body(json!({"action": "resendWelcome", "customerIds": ids(MAX_CUSTOMERS)}));
        assert_eq!(r.parse().unwrap().1.len(), MAX_CUSTOMERS);
        let r = body(json!({"action": "resendWelcome", "customerIds": ids(MAX_CUSTOMERS + 1)}));
        assert_eq!(fields(r.parse()), ["customerIds"]);
        let r = body(json!({"action": "resendWelcome", "customerIds": []}));
        assert_eq!(fields(r.parse()), ["customerIds"]);
        let mut twice = ids(2);
        twice.push(twice[0].clone());
        twice.push("cus_zzz".into());
        let r = body(json!({"action": "resendWelcome", "customerIds": twice}));
        assert_eq!(fields(r.parse()), ["customerIds[2]", "customerIds[3]"]);
    }

    #[test]
    fn the_call_stops_starting_customers_before_lambda_ends_it() {
        let budget = Duration::from_secs(10);
        // Locally (no Lambda deadline): the budget.
        assert_eq!(time_to_work(budget, None), budget);
        // A fresh 15-second invocation: the budget, well inside it.
        assert_eq!(time_to_work(budget, Some(Duration::from_secs(15))), budget);
        // Lambda would end it sooner: its time left, less the margin for answering.
        assert_eq!(
            time_to_work(budget, Some(Duration::from_secs(9))),
            Duration::from_secs(9) - DEADLINE_MARGIN
        );
        assert_eq!(
            time_to_work(budget, Some(Duration::from_secs(2))),
            Duration::ZERO
        );
    }

    #[test]
    fn a_server_error_fails_a_customer_and_a_client_error_refuses_it() {
        let id = CustomerId::generate();
        let name = || Some("Acme".to_string());
        let failed = BulkResult::of(&id, name(), Err(Problem::internal("store")));
        assert_eq!(failed.outcome, BulkOutcome::Failed);
        assert_eq!(failed.customer_name.as_deref(), Some("Acme"));
        let refused = BulkResult::of(&id, name(), Err(Problem::not_found("No such customer.")));
        assert_eq!(refused.outcome, BulkOutcome::Refused);
        assert_eq!(refused.customer_name, None);
        let answer = BulkResponse::new(
            BulkAction::ResendWelcome,
            vec![
                failed,
                refused,
                BulkResult::not_attempted(&id, name()),
                BulkResult::of(&id, name(), Ok(None)),
            ],
        );
        assert_eq!(
            (
                answer.done,
                answer.refused,
                answer.failed,
                answer.not_attempted
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(
            serde_json::to_value(&answer.results[2]).unwrap(),
            json!({"customerId": id.to_string(), "outcome": "notAttempted", "customerName": "Acme"})
        );
    }

    #[test]
    fn unknown_fields_and_actions_do_not_parse() {
        for v in [
            json!({"action": "paint", "customerIds": ids(1)}),
            json!({"action": "resendWelcome", "customerIds": ids(1), "colour": "red"}),
        ] {
            assert!(serde_json::from_value::<BulkRequest>(v).is_err());
        }
    }
}
