//! The Customer Profile's products: activating products and trials, converting a trial,
//! cancelling.

use super::*;
use api::ProblemType;
use domain::{customer::ProductOrder, entitlement::EntitlementState};

/// "Activate a Product or Trial": products or trials to add to the customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddProductsRequest {
    #[schema(min_items = 1, max_items = 10)]
    pub products: Vec<ProductRequest>,
}

/// Adds products or trials to a customer. Paid subscriptions need the ExSP program;
/// a product already live on the customer, or a second trial of a product, is refused
/// (409).
#[utoipa::path(
    post,
    path = "/api/v1/customers/{customerId}/entitlements",
    tag = "customers",
    security(("bearer" = [])),
    params(
        ("customerId" = String, Path, description = "The customer"),
        ("If-Match" = Option<String>, Header, description = "The profile's ETag"),
    ),
    request_body = AddProductsRequest,
    responses(
        (status = 200, description = "The updated profile", body = CustomerProfile),
        api::responses::Unauthorized,
        (status = 403, description = "Paid products need the ExSP program (Table 1-2)", body = Problem, content_type = "application/problem+json"),
        api::responses::NotFound,
        (status = 409, description = "The customer has a product already, or had its trial (`/problems/already-has-product`), or was changed meanwhile", body = Problem, content_type = "application/problem+json"),
        api::responses::StaleVersion,
        (status = 422, description = "Invalid products", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_products(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(customer_id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AddProductsRequest>,
) -> Result<Response, Problem> {
    let (id, actor, partner) =
        acting::on_customer(&state, &principal, &customer_id, Action::ManageCustomer).await?;
    let a = Acting {
        state: &state,
        principal: &principal,
        actor: &actor,
        partner: &partner,
        ip: &ip,
    };
    let found = a.customer(&id, Action::ManageCustomer).await?;
    check_if_match(&headers, found.customer.version)?;
    let after = add_entitlements(&a, found, &request.products).await?;
    Ok(profile_response(StatusCode::OK, &after, &actor.grant))
}

/// Why the customer cannot take `order`: the product is live on it already, or (a trial)
/// it has had the product's trial.
fn taken(customer: &CustomerState, order: &ProductOrder) -> Option<String> {
    let (name, product) = (&customer.customer.company.name, order.product);
    let live = customer
        .entitlements
        .iter()
        .find(|e| e.product == product.id && e.state.is_live());
    match live {
        Some(e) if matches!(e.state, EntitlementState::Trial { .. }) => {
            Some(format!("{name} already has a trial of {}", product.name))
        }
        Some(_) => Some(format!("{name} already has {}", product.name)),
        None if order.choice == ProductChoice::Trial
            && had_trial(&customer.entitlements, product.id) =>
        {
            Some(format!(
                "{name} has had its trial of {} already",
                product.name
            ))
        }
        None => None,
    }
}

/// Adds the products or trials `lines` asks for to a customer the actor may manage (the
/// single route's and the bulk route's core): 422 for invalid lines, 409 for a product
/// the customer has (or a trial it had), 403 for paid products outside the ExSP program.
/// Answers the customer as saved.
pub(crate) async fn add_entitlements(
    a: &Acting<'_>,
    found: CustomerState,
    lines: &[ProductRequest],
) -> Result<CustomerState, Problem> {
    let mut v = Validation::new();
    let orders = customer::parse_products(&mut v, "products", lines);
    v.finish().map_err(Problem::validation)?;
    if let Some(why) = orders.iter().find_map(|o| taken(&found, o)) {
        return Err(Problem::conflict(ProblemType::AlreadyHasProduct, why));
    }
    if orders.iter().any(|o| o.choice == ProductChoice::Paid) {
        may_provision(a.partner.program, Provisioning::Paid).map_err(program_problem)?;
    }
    let now = Utc::now();
    let held = found.customer.compliance.is_pending();
    let new: Vec<Entitlement> = orders
        .iter()
        .map(|o| match o.choice {
            ProductChoice::Trial => Entitlement::trial(&found.customer.id, o.product, now),
            ProductChoice::Paid => {
                Entitlement::paid(&found.customer.id, o.product, o.seats, held, now)
            }
        })
        .collect();
    let all: Vec<Entitlement> = found.entitlements.iter().chain(&new).cloned().collect();
    let mut customer = found.customer.clone();
    customer.products = summarize(&all);
    customer.version += 1;
    let record = a.audit(Audited::AddProducts, customer.id.to_string());
    a.state
        .table
        .save_customer(
            &customer,
            &found.customer,
            Change {
                entitlements: &new,
                serial: None,
            },
            &record,
        )
        .await
        .map_err(save_problem)?;
    Ok(CustomerState {
        customer,
        entitlements: all,
        requests: found.requests,
    })
}

/// Converting a trial to a paid subscription.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConvertRequest {
    /// Seats of the subscription (ExSP partners; default: the trial's). With a product
    /// serial, the serial's seats apply.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100_000)]
    pub seats: Option<i64>,
    /// A product serial number: required outside the ExSP program.
    #[serde(default)]
    #[schema(pattern = r"^\s*$|^\s*[- ]*[Pp](?:[- ]*[0-9A-TV-Za-tv-z]){20}[- ]*\s*$")]
    pub product_serial: Option<String>,
}

/// Changes one entitlement of the caller's customer, saving the customer with it.
struct EntitlementChange<'a> {
    state: &'a AppState,
    actor: &'a acting::Actor,
    ip: &'a str,
    found: CustomerState,
    index: usize,
}

impl EntitlementChange<'_> {
    async fn save(
        self,
        next: Entitlement,
        action: Audited,
        serial: Option<(&Serial, &Activation)>,
    ) -> Result<Response, Problem> {
        let mut all = self.found.entitlements.clone();
        all[self.index] = next.clone();
        let mut customer = self.found.customer.clone();
        customer.products = summarize(&all);
        customer.version += 1;
        let record = audit(
            &self.actor.user,
            self.ip,
            action,
            format!("{}/{}", customer.id, next.id),
        );
        self.state
            .table
            .save_customer(
                &customer,
                &self.found.customer,
                Change {
                    entitlements: std::slice::from_ref(&next),
                    serial,
                },
                &record,
            )
            .await
            .map_err(save_problem)?;
        Ok(profile_response(
            StatusCode::OK,
            &CustomerState {
                customer,
                entitlements: all,
                requests: self.found.requests,
            },
            &self.actor.grant,
        ))
    }
}

async fn entitlement_change<'a>(
    state: &'a AppState,
    principal: &Principal,
    actor: &'a acting::Actor,
    ip: &'a str,
    headers: &HeaderMap,
    customer_id: &CustomerId,
    entitlement_id: &str,
) -> Result<EntitlementChange<'a>, Problem> {
    let found = load(state, principal, customer_id).await?;
    check_if_match(headers, found.customer.version)?;
    let id = EntitlementId::parse(entitlement_id)
        .map_err(|_| Problem::not_found("No such entitlement."))?;
    let index = found
        .entitlements
        .iter()
        .position(|e| e.id == id)
        .ok_or_else(|| Problem::not_found("No such entitlement."))?;
    Ok(EntitlementChange {
        state,
        actor,
        ip,
        found,
        index,
    })
}

fn transition_problem(e: TransitionError) -> Problem {
    match e {
        TransitionError::NotATrial => Problem::conflict(ProblemType::NotATrial, e.to_string()),
        TransitionError::AlreadyEnded => {
            Problem::conflict(ProblemType::AlreadyEnded, e.to_string())
        }
    }
}

/// Converts a trial to a paid subscription. ExSP partners convert directly; other
/// partners give a valid, unused product serial for the same product (Table 1-2).
#[utoipa::path(
    post,
    path = "/api/v1/customers/{customerId}/entitlements/{entitlementId}/convert",
    tag = "customers",
    security(("bearer" = [])),
    params(
        ("customerId" = String, Path, description = "The customer"),
        ("entitlementId" = String, Path, description = "The trial"),
        ("If-Match" = Option<String>, Header, description = "The profile's ETag"),
    ),
    request_body = ConvertRequest,
    responses(
        (status = 200, description = "The updated profile", body = CustomerProfile),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "Not a trial, pending compliance review, serial used, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        api::responses::StaleVersion,
        (status = 422, description = "Seats or product serial invalid, or a serial is required", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn convert_trial(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path((customer_id, entitlement_id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ConvertRequest>,
) -> Result<Response, Problem> {
    let (id, actor, partner) =
        acting::on_customer(&state, &principal, &customer_id, Action::ManageCustomer).await?;
    let user = &actor.user;
    let change = entitlement_change(
        &state,
        &principal,
        &actor,
        &ip,
        &headers,
        &id,
        &entitlement_id,
    )
    .await?;
    let current = &change.found.entitlements[change.index];
    let serial = request
        .product_serial
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Err(denied) = may_provision(
        partner.program,
        Provisioning::Convert {
            product_serial: serial.is_some(),
        },
    ) {
        return Err(field_error(
            "productSerial",
            format!("is required: {denied}"),
        ));
    }
    let seats = request
        .seats
        .map(|s| customer::seats(s).map_err(|m| field_error("seats", m)))
        .transpose()?;
    if change.found.customer.compliance.is_pending() {
        return Err(Problem::conflict(
            ProblemType::ComplianceReview,
            "Paid products start once the customer passes trade-compliance review.",
        ));
    }
    let now = Utc::now();
    let (event, serial) = match serial {
        Some(raw) => {
            let (serial, seats) = product_serial(&state, raw, current, seats).await?;
            (
                EntitlementEvent::Convert {
                    at: now,
                    seats,
                    serial: Some(serial.clone()),
                },
                Some(serial),
            )
        }
        None => (
            EntitlementEvent::Convert {
                at: now,
                seats: seats.unwrap_or(current.seats),
                serial: None,
            },
            None,
        ),
    };
    let next = current.apply(&event).map_err(transition_problem)?;
    let activation = Activation {
        partner_id: partner.id.clone(),
        user_id: user.id.clone(),
        at: now,
    };
    let used = serial.as_ref().map(|s| (s, &activation));
    change.save(next, Audited::ConvertTrial, used).await
}

/// Checks a product serial for converting `trial`: well formed, a product serial,
/// issued, unused, and for the same product. Answers the seats it grants.
async fn product_serial(
    state: &AppState,
    raw: &str,
    trial: &Entitlement,
    seats: Option<u32>,
) -> Result<(Serial, u32), Problem> {
    let bad = |m: &str| field_error("productSerial", m);
    let serial = Serial::parse(raw).map_err(|m| field_error("productSerial", m))?;
    if serial.kind() != SerialKind::Product {
        return Err(bad(
            "is an ExSP program serial: enter a product serial number",
        ));
    }
    let issued = state
        .table
        .find_serial(&serial)
        .await?
        .ok_or_else(|| bad("no product serial number matches: check it and try again"))?;
    if issued.activation.is_some() {
        return Err(Problem::conflict(
            ProblemType::SerialUsed,
            "This product serial number has already been activated.",
        ));
    }
    let grant = issued
        .grant
        .ok_or_else(|| bad("is not a product serial number"))?;
    if grant.product != trial.product {
        let name = catalog::product(&grant.product).map_or(grant.product.as_str(), |p| p.name);
        return Err(bad(&format!("is for {name}, not this trial's product")));
    }
    if seats.is_some_and(|s| s != grant.seats) {
        return Err(field_error(
            "seats",
            format!("the serial number is for {} seats", grant.seats),
        ));
    }
    Ok((serial, grant.seats))
}

/// Cancelling a trial or subscription needs an explicit confirmation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CancelRequest {
    /// Must be `true`: the guide's "click Ok to confirm the product cancellation".
    #[schema(schema_with = domain::schema::must_be_true)]
    pub confirm: bool,
}

/// Cancels a trial or subscription ("Cancel Product"). It ends at once.
#[utoipa::path(
    post,
    path = "/api/v1/customers/{customerId}/entitlements/{entitlementId}/cancel",
    tag = "customers",
    security(("bearer" = [])),
    params(
        ("customerId" = String, Path, description = "The customer"),
        ("entitlementId" = String, Path, description = "The trial or subscription"),
        ("If-Match" = Option<String>, Header, description = "The profile's ETag"),
    ),
    request_body = CancelRequest,
    responses(
        (status = 200, description = "The updated profile", body = CustomerProfile),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "Already ended, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        api::responses::StaleVersion,
        (status = 422, description = "Not confirmed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel_entitlement(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path((customer_id, entitlement_id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<CancelRequest>,
) -> Result<Response, Problem> {
    let (id, actor) = on_customer(&state, &principal, &customer_id, Action::ManageCustomer).await?;
    if !request.confirm {
        return Err(field_error("confirm", "must be true to cancel the product"));
    }
    let change = entitlement_change(
        &state,
        &principal,
        &actor,
        &ip,
        &headers,
        &id,
        &entitlement_id,
    )
    .await?;
    let next = change.found.entitlements[change.index]
        .apply(&EntitlementEvent::Cancel { at: Utc::now() })
        .map_err(transition_problem)?;
    change.save(next, Audited::CancelProduct, None).await
}
