//! Bulk actions on the Customers page: the customers selected (a page, or "all N
//! matching the filters") get one action together, each customer on its own. One call
//! names at most [`MAX_CUSTOMERS`]; each customer is authorized, changed and audited as
//! the single-customer route does it (the same core function), so one refusal never
//! undoes the others, and the answer says per customer what was done or why not.

use adapters::services::AppState;
use api::{acting, csv, ApiJson, Principal, Problem, SourceIp};
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
use utoipa::ToSchema;

use crate::consent::change_management_of;
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

/// `done` or `refused`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum BulkOutcome {
    Done,
    Refused,
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
    /// Why not: the problem the single-customer route answers.
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
    pub results: Vec<BulkResult>,
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

/// Does `task` to one customer through the single route's core.
async fn act(a: &Acting<'_>, id: &CustomerId, task: Task) -> Result<(), Problem> {
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
            change_management_of(a, found, to).await?;
        }
        Task::ResendWelcome => send_welcome_again(a, &found).await?,
        Task::Remove => remove(a, found).await?,
    }
    Ok(())
}

/// Does one action to up to 100 customers: each customer is authorized (a custom role
/// acts only on customers it may write: the others are refused, one by one), loaded,
/// changed and audited on its own, exactly as its single-customer route does it, so one
/// refusal never undoes the others. An `Idempotency-Key` makes a retry answer the first
/// call's results without doing anything again.
///
/// DynamoDB calls: the caller (one BatchGetItem, and a GetItem for a custom role), the
/// accounts (one BatchGetItem), then per customer shown what its single route costs after
/// the caller is known (docs/performance.md).
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
    )
)]
pub async fn bulk_action(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<BulkRequest>,
) -> Result<Json<BulkResponse>, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let (task, ids) = request.parse().map_err(Problem::validation)?;
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
        // A customer the caller may not see is not looked at any further.
        let outcome = match name {
            None => Err(Problem::not_found(acting::NO_SUCH_CUSTOMER)),
            Some(_) => act(&a, id, task).await,
        };
        results.push(match outcome {
            Ok(()) => BulkResult {
                customer_id: id.to_string(),
                outcome: BulkOutcome::Done,
                customer_name: name,
                problem: None,
            },
            Err(problem) => BulkResult {
                customer_id: id.to_string(),
                outcome: BulkOutcome::Refused,
                // A refusal that hides the customer names nothing.
                customer_name: name.filter(|_| problem.status != 404),
                problem: Some(problem),
            },
        });
    }
    let done = results
        .iter()
        .filter(|r| r.outcome == BulkOutcome::Done)
        .count();
    tracing::info!(action = ?request.action, done, refused = results.len() - done, "bulk action");
    Ok(Json(BulkResponse {
        action: request.action,
        done,
        refused: results.len() - done,
        results,
    }))
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
    fn unknown_fields_and_actions_do_not_parse() {
        for v in [
            json!({"action": "paint", "customerIds": ids(1)}),
            json!({"action": "resendWelcome", "customerIds": ids(1), "colour": "red"}),
        ] {
            assert!(serde_json::from_value::<BulkRequest>(v).is_err());
        }
    }
}
