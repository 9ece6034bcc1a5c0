//! The Customers and Customer Profile pages (the guide's chapter 2), through the
//! customers function's router against the local stack.

use axum::http::StatusCode;
use chrono::Utc;
use domain::serial::{Serial, SerialKind};
use serde_json::{json, Value};
use store::serials::ProductGrant;
use testkit::http::*;

const IP: &str = "192.0.2.80";
const CUSTOMERS: &str = "/api/v1/customers";

fn customer_form(name: &str, email: &str, country: &str, products: Value) -> Value {
    customer_body(name, email, country, "coManaged", "shared", products)
}

fn trial(product: &str) -> Value {
    json!({"product": product, "type": "trial"})
}

fn paid(product: &str, seats: i64) -> Value {
    json!({"product": product, "type": "paid", "seats": seats})
}

crate::world::module_world!();

impl World {
    async fn call(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Answer {
        call(&self.customers, method, path, token, body, IP).await
    }

    async fn add(&self, token: &str, form: &Value) -> Answer {
        self.call("POST", CUSTOMERS, token, Some(form)).await
    }

    /// Adds a customer and answers its profile.
    async fn added(&self, token: &str, form: &Value) -> Value {
        let a = self.add(token, form).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body
    }

    async fn list(&self, token: &str, query: &str) -> Answer {
        self.call("GET", &format!("{CUSTOMERS}?{query}"), token, None)
            .await
    }

    async fn names(&self, token: &str, query: &str) -> Vec<String> {
        let a = self.list(token, query).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    }
}

fn id_of(profile: &Value) -> String {
    profile["customer"]["id"].as_str().unwrap().to_string()
}

fn entitlement<'a>(profile: &'a Value, product: &str) -> &'a Value {
    profile["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["product"] == product)
        .unwrap_or_else(|| panic!("{product} in {profile}"))
}

#[tokio::test]
async fn an_exsp_partner_adds_a_customer_with_a_trial_and_a_paid_product() {
    let w = world().await;
    let token = w.exsp_partner("owner@msp.example", "MSP Ltd").await;
    w.stack.counter.reset();
    let a = w
        .add(
            &token,
            &customer_form(
                "Contoso Dental",
                "Dee@Contoso.example",
                "GB",
                json!([trial("endpoint-protection"), paid("email-security", 25)]),
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    // The partner and user (one read), the partner's custom roles (one Query, for the
    // new customer's default levels), one transaction; then the welcome emails, which
    // read the partner's suppressed addresses once (one Query).
    assert_eq!(
        w.stack.counter.operation("DynamoDB", "TransactWriteItems"),
        1
    );
    assert_eq!(w.stack.counter.operation("DynamoDB", "Query"), 2);
    assert_eq!(w.stack.counter.service("DynamoDB"), 4);
    let id = id_of(&a.body);
    assert_eq!(
        a.headers.get("location").unwrap().to_str().unwrap(),
        format!("{CUSTOMERS}/{id}")
    );
    let c = &a.body["customer"];
    assert_eq!(c["contact"]["email"], "dee@contoso.example");
    assert_eq!(c["management"], "coManaged");
    assert_eq!(c["compliance"]["status"], "cleared");
    assert_eq!(a.body["partnerMayManage"], true);
    let t = entitlement(&a.body, "endpoint-protection");
    assert_eq!(
        (t["status"].as_str(), t["seats"].as_u64()),
        (Some("trial"), Some(50))
    );
    assert_eq!(t["timeRemaining"]["label"], "60 days");
    let p = entitlement(&a.body, "email-security");
    assert_eq!(
        (p["status"].as_str(), p["seats"].as_u64()),
        (Some("paid"), Some(25))
    );
    assert_eq!(p["timeRemaining"]["label"], "Auto-renew");
    assert_ne!(t["serial"], p["serial"]);

    // The profile: the user (role), one Query of the customer's partition and one
    // GetItem (whether the partner's mail to the admin is suppressed).
    w.stack.counter.reset();
    let profile = w
        .call("GET", &format!("{CUSTOMERS}/{id}"), &token, None)
        .await;
    assert_eq!(profile.status, StatusCode::OK, "{}", profile.text);
    assert_eq!(w.stack.counter.operation("DynamoDB", "Query"), 1);
    assert_eq!(w.stack.counter.operation("DynamoDB", "GetItem"), 1);
    assert!(w.stack.counter.service("DynamoDB") <= 3);
    assert_eq!(profile.headers.get("etag").unwrap(), "\"1\"");
    assert_eq!(profile.body["entitlements"], a.body["entitlements"]);

    // The list row (Table 2-1).
    let list = w.list(&token, "").await;
    let row = &list.body["items"][0];
    assert_eq!(row["name"], "Contoso Dental");
    assert_eq!(row["managementLabel"], "Co-Managed");
    assert_eq!(row["capacity"], 75);
    assert_eq!(row["requireUpdate"], 0);
    assert_eq!(row["products"].as_array().unwrap().len(), 2);

    // The email is now a login: nobody can add it again, in any letter case.
    let again = w
        .add(
            &token,
            &customer_form(
                "Other",
                "DEE@contoso.example",
                "GB",
                json!([trial("endpoint-protection")]),
            ),
        )
        .await;
    assert_problem(&again, 409);
    assert_eq!(again.body["type"], "/problems/email-taken");
    let audit = w.stack.items_json().await;
    assert!(audit
        .iter()
        .any(|i| i["action"] == "customer.add" && i["target"] == id.as_str()));
}

#[tokio::test]
async fn a_reseller_sets_up_trials_but_not_paid_subscriptions() {
    let w = world().await;
    let token = w.partner("owner@reseller.example", "Reseller Ltd").await;
    let before = w.stack.items_json().await;
    let refused = w
        .add(
            &token,
            &customer_form(
                "Fabrikam",
                "it@fabrikam.example",
                "GB",
                json!([trial("endpoint-protection"), paid("email-security", 10)]),
            ),
        )
        .await;
    assert_problem(&refused, 403);
    assert_eq!(refused.body["type"], "/problems/exsp-required");
    assert_eq!(w.stack.items_json().await, before, "nothing written");

    let profile = w
        .added(
            &token,
            &customer_form(
                "Fabrikam",
                "it@fabrikam.example",
                "GB",
                json!([trial("endpoint-protection")]),
            ),
        )
        .await;
    let id = id_of(&profile);
    let add_paid = w
        .call(
            "POST",
            &format!("{CUSTOMERS}/{id}/entitlements"),
            &token,
            Some(&json!({"products": [paid("web-security", 5)]})),
        )
        .await;
    assert_problem(&add_paid, 403);
    let add_trial = w
        .call(
            "POST",
            &format!("{CUSTOMERS}/{id}/entitlements"),
            &token,
            Some(&json!({"products": [trial("email-security")]})),
        )
        .await;
    assert_eq!(add_trial.status, StatusCode::OK, "{}", add_trial.text);
    assert_eq!(
        entitlement(&add_trial.body, "email-security")["status"],
        "trial"
    );
}

#[tokio::test]
async fn converting_a_trial_needs_exsp_or_an_unused_product_serial_for_that_product() {
    let w = world().await;
    let token = w.partner("owner@convert.example", "Convert Ltd").await;
    let profile = w
        .added(
            &token,
            &customer_form(
                "Northwind",
                "admin@northwind.example",
                "GB",
                json!([trial("endpoint-protection"), trial("email-security")]),
            ),
        )
        .await;
    let id = id_of(&profile);
    let ent = entitlement(&profile, "endpoint-protection")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let convert = format!("{CUSTOMERS}/{id}/entitlements/{ent}/convert");
    let grant = |product: &str| {
        Some(ProductGrant {
            product: product.into(),
            seats: 120,
            term_months: 12,
        })
    };
    let wrong_product = w.issue(SerialKind::Product, grant("email-security")).await;
    let right = w
        .issue(SerialKind::Product, grant("endpoint-protection"))
        .await;
    let before = w.stack.items_json().await;

    let no_serial = w.call("POST", &convert, &token, Some(&json!({}))).await;
    assert_problem(&no_serial, 422);
    assert_eq!(no_serial.body["errors"][0]["field"], "productSerial");
    let unknown = Serial::generate(SerialKind::Product);
    for serial in [
        wrong_product.as_str().to_string(),
        unknown.as_str().to_string(),
        "P0000-00000".to_string(),
    ] {
        let a = w
            .call(
                "POST",
                &convert,
                &token,
                Some(&json!({"productSerial": serial})),
            )
            .await;
        assert_problem(&a, 422);
    }
    assert_eq!(w.stack.items_json().await, before, "refusals write nothing");

    w.stack.counter.reset();
    let converted = w
        .call(
            "POST",
            &convert,
            &token,
            Some(&json!({"productSerial": right.display().to_lowercase()})),
        )
        .await;
    assert_eq!(converted.status, StatusCode::OK, "{}", converted.text);
    assert_eq!(
        w.stack.counter.operation("DynamoDB", "TransactWriteItems"),
        1
    );
    // The user and partner, the customer, the serial: three reads.
    assert_eq!(
        w.stack.counter.service("DynamoDB"),
        4,
        "{:?}",
        w.stack.counter.snapshot()
    );
    let e = entitlement(&converted.body, "endpoint-protection");
    assert_eq!(e["status"], "paid");
    assert_eq!(e["seats"], 120);
    assert_eq!(e["serial"], right.as_str());
    assert_eq!(e["timeRemaining"]["label"], "Auto-renew");
    let issued = w
        .stack
        .state
        .table
        .find_serial(&right)
        .await
        .unwrap()
        .unwrap();
    assert!(issued.activation.is_some(), "the serial is used up");

    // Converting again is not possible; the serial is spent for the other trial too.
    assert_problem(
        &w.call(
            "POST",
            &convert,
            &token,
            Some(&json!({"productSerial": right.as_str()})),
        )
        .await,
        409,
    );
    let other = entitlement(&converted.body, "email-security")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let reuse = w
        .call(
            "POST",
            &format!("{CUSTOMERS}/{id}/entitlements/{other}/convert"),
            &token,
            Some(&json!({"productSerial": right.as_str()})),
        )
        .await;
    assert_problem(&reuse, 409);
    assert_eq!(reuse.body["type"], "/problems/serial-used");

    // An ExSP partner converts without a serial, choosing the seats.
    let exsp = w.exsp_partner("owner@exsp.example", "ExSP Ltd").await;
    let p = w
        .added(
            &exsp,
            &customer_form(
                "Tailspin",
                "it@tailspin.example",
                "GB",
                json!([trial("email-security")]),
            ),
        )
        .await;
    let (cid, eid) = (
        id_of(&p),
        entitlement(&p, "email-security")["id"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let bad_seats = w
        .call(
            "POST",
            &format!("{CUSTOMERS}/{cid}/entitlements/{eid}/convert"),
            &exsp,
            Some(&json!({"seats": 0})),
        )
        .await;
    assert_problem(&bad_seats, 422);
    let ok = w
        .call(
            "POST",
            &format!("{CUSTOMERS}/{cid}/entitlements/{eid}/convert"),
            &exsp,
            Some(&json!({"seats": 80})),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(entitlement(&ok.body, "email-security")["seats"], 80);
}

#[tokio::test]
async fn cancelling_needs_confirmation_and_ends_the_product_once() {
    let w = world().await;
    let token = w.exsp_partner("owner@cancel.example", "Cancel Ltd").await;
    let profile = w
        .added(
            &token,
            &customer_form(
                "Adatum",
                "it@adatum.example",
                "GB",
                json!([trial("endpoint-protection")]),
            ),
        )
        .await;
    let id = id_of(&profile);
    let ent = entitlement(&profile, "endpoint-protection")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cancel = format!("{CUSTOMERS}/{id}/entitlements/{ent}/cancel");
    let before = w.stack.items_json().await;
    let unconfirmed = w
        .call("POST", &cancel, &token, Some(&json!({"confirm": false})))
        .await;
    assert_problem(&unconfirmed, 422);
    assert_problem(
        &w.call("POST", &cancel, &token, Some(&json!({}))).await,
        422,
    );
    assert_eq!(w.stack.items_json().await, before);

    let done = w
        .call("POST", &cancel, &token, Some(&json!({"confirm": true})))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let e = entitlement(&done.body, "endpoint-protection");
    assert_eq!(e["status"], "cancelled");
    assert_eq!(e["timeRemaining"]["label"], "Cancelled");
    assert_eq!(done.body["customer"]["products"], json!([]));
    let again = w
        .call("POST", &cancel, &token, Some(&json!({"confirm": true})))
        .await;
    assert_problem(&again, 409);
    assert_eq!(again.body["type"], "/problems/already-ended");

    // One trial per product: a new trial after cancelling is refused, paid is fine.
    let path = format!("{CUSTOMERS}/{id}/entitlements");
    let retrial = w
        .call(
            "POST",
            &path,
            &token,
            Some(&json!({"products": [trial("endpoint-protection")]})),
        )
        .await;
    assert_problem(&retrial, 409);
    assert_eq!(retrial.body["type"], "/problems/already-has-product");
    let buy = w
        .call(
            "POST",
            &path,
            &token,
            Some(&json!({"products": [paid("endpoint-protection", 30)]})),
        )
        .await;
    assert_eq!(buy.status, StatusCode::OK, "{}", buy.text);
    let live = w
        .call(
            "POST",
            &path,
            &token,
            Some(&json!({"products": [paid("endpoint-protection", 3)]})),
        )
        .await;
    assert_problem(&live, 409);
    assert_eq!(
        live.body["detail"],
        "Adatum already has Endpoint Protection Cloud"
    );
}

#[tokio::test]
async fn customers_in_restricted_countries_wait_for_review_with_paid_products_held() {
    let w = world().await;
    let token = w.exsp_partner("owner@trade.example", "Trade Ltd").await;
    let profile = w
        .added(
            &token,
            &customer_form(
                "Habana Tours",
                "it@habana.example",
                "CU",
                json!([trial("endpoint-protection"), paid("email-security", 10)]),
            ),
        )
        .await;
    let c = &profile["customer"];
    assert_eq!(c["compliance"]["status"], "pendingReview");
    assert!(c["compliance"]["reason"].as_str().unwrap().contains("CU"));
    let held = entitlement(&profile, "email-security");
    assert_eq!(held["status"], "held");
    assert_eq!(held["timeRemaining"]["label"], "Awaiting compliance review");
    assert_eq!(
        entitlement(&profile, "endpoint-protection")["status"],
        "trial"
    );
    let id = id_of(&profile);
    let trial_id = entitlement(&profile, "endpoint-protection")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let convert = w
        .call(
            "POST",
            &format!("{CUSTOMERS}/{id}/entitlements/{trial_id}/convert"),
            &token,
            Some(&json!({})),
        )
        .await;
    assert_problem(&convert, 409);
    assert_eq!(convert.body["type"], "/problems/compliance-review");

    // The operator clears the customer: the held subscription starts.
    let state = w
        .stack
        .state
        .table
        .customer_account(&domain::CustomerId::parse(&id).unwrap())
        .await
        .unwrap()
        .unwrap();
    let (cleared, changed) =
        domain::customer::clear_compliance(&state.customer, &state.entitlements, Utc::now())
            .unwrap();
    let audit = domain::audit::AuditRecord::new(
        domain::audit::Action::ClearCompliance,
        "operator",
        "operator",
        domain::audit::Outcome::Success,
    );
    w.stack
        .state
        .table
        .save_customer(
            &cleared,
            &state.customer,
            store::customers::Change {
                entitlements: &changed,
                serial: None,
            },
            &audit,
        )
        .await
        .unwrap();
    let after = w
        .call("GET", &format!("{CUSTOMERS}/{id}"), &token, None)
        .await;
    assert_eq!(after.body["customer"]["compliance"]["status"], "cleared");
    assert_eq!(entitlement(&after.body, "email-security")["status"], "paid");
}

#[tokio::test]
async fn bad_input_on_the_add_form_is_422_with_every_field_and_writes_nothing() {
    let w = world().await;
    let token = w.exsp_partner("owner@forms.example", "Forms Ltd").await;
    let before = w.stack.items_json().await;
    let long = "x".repeat(121);
    let cases: Vec<(Value, &str)> = vec![
        (
            customer_form(
                "",
                "a@b.example",
                "GB",
                json!([trial("endpoint-protection")]),
            ),
            "company.name",
        ),
        (
            customer_form(
                &long,
                "a@b.example",
                "GB",
                json!([trial("endpoint-protection")]),
            ),
            "company.name",
        ),
        (
            customer_form(
                "Ok",
                "not-an-email",
                "GB",
                json!([trial("endpoint-protection")]),
            ),
            "contact.email",
        ),
        (
            customer_form(
                "Ok",
                "a@b.example",
                "XX",
                json!([trial("endpoint-protection")]),
            ),
            "company.country",
        ),
        (
            customer_form("Ok", "a@b.example", "GB", json!([trial("toaster")])),
            "products[0].product",
        ),
        (
            customer_form(
                "Ok",
                "a@b.example",
                "GB",
                json!([paid("email-security", 0)]),
            ),
            "products[0].seats",
        ),
        (
            customer_form(
                "Ok",
                "a@b.example",
                "GB",
                json!([paid("email-security", -3)]),
            ),
            "products[0].seats",
        ),
        (
            customer_form("Ok", "a@b.example", "GB", json!([])),
            "products",
        ),
    ];
    for (form, field) in cases {
        let a = w.add(&token, &form).await;
        assert_problem(&a, 422);
        assert!(
            a.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{field}: {}",
            a.text
        );
    }
    let mut missing = customer_form(
        "Ok",
        "a@b.example",
        "GB",
        json!([trial("endpoint-protection")]),
    );
    missing.as_object_mut().unwrap().remove("management");
    assert_problem(&w.add(&token, &missing).await, 422);
    let mut unknown = customer_form(
        "Ok",
        "a@b.example",
        "GB",
        json!([trial("endpoint-protection")]),
    );
    unknown["owner"] = json!("me");
    assert_problem(&w.add(&token, &unknown).await, 422);
    let mut bad_type = customer_form(
        "Ok",
        "a@b.example",
        "GB",
        json!([trial("endpoint-protection")]),
    );
    bad_type["management"] = json!("selfManaged");
    assert_problem(&w.add(&token, &bad_type).await, 422);
    assert_eq!(w.stack.items_json().await, before);
}

#[tokio::test]
async fn twenty_concurrent_adds_with_one_email_create_exactly_one_customer() {
    let w = world().await;
    let token = w.partner("owner@race.example", "Race Ltd").await;
    let forms: Vec<Value> = (0..20)
        .map(|i| {
            customer_form(
                &format!("Racer {i}"),
                "same@race-customer.example",
                "GB",
                json!([trial("endpoint-protection")]),
            )
        })
        .collect();
    let answers = futures::future::join_all(forms.iter().map(|f| w.add(&token, f))).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(w.stack.items_of("Customer").await.len(), 1);
    assert_eq!(w.stack.items_of("Entitlement").await.len(), 1);
    let list = w.list(&token, "").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn search_sort_filters_paging_and_csv() {
    let w = world().await;
    let token = w.exsp_partner("owner@list.example", "List Ltd").await;
    let specs = [
        (
            "Alpine Ski",
            "customerManaged",
            json!([trial("endpoint-protection")]),
        ),
        (
            "bayside dental",
            "partnerManaged",
            json!([trial("email-security")]),
        ),
        (
            "Cedar Dental",
            "coManaged",
            json!([paid("web-security", 7)]),
        ),
        (
            "Delta Freight",
            "partnerManaged",
            json!([trial("endpoint-protection"), trial("email-security")]),
        ),
        (
            "=Evil, \"Quoted\"",
            "customerManaged",
            json!([trial("endpoint-protection-mobile")]),
        ),
    ];
    for (i, (name, management, products)) in specs.iter().enumerate() {
        let mut form = customer_form(
            name,
            &format!("c{i}@list-customers.example"),
            "GB",
            products.clone(),
        );
        form["management"] = json!(management);
        w.added(&token, &form).await;
    }
    // Sorted by name in any letter case; descending too.
    assert_eq!(
        w.names(&token, "").await,
        [
            "=Evil, \"Quoted\"",
            "Alpine Ski",
            "bayside dental",
            "Cedar Dental",
            "Delta Freight"
        ]
    );
    assert_eq!(w.names(&token, "sort=-name").await[0], "Delta Freight");
    // By type, then name.
    assert_eq!(
        w.names(&token, "sort=type").await,
        [
            "Cedar Dental",
            "=Evil, \"Quoted\"",
            "Alpine Ski",
            "bayside dental",
            "Delta Freight"
        ]
    );
    // Search and filters, alone and together; one Query per page.
    w.stack.counter.reset();
    assert_eq!(
        w.names(&token, "q=DENTAL").await,
        ["bayside dental", "Cedar Dental"]
    );
    assert_eq!(w.stack.counter.operation("DynamoDB", "Query"), 1);
    assert!(w.stack.counter.service("DynamoDB") <= 2);
    assert_eq!(
        w.names(&token, "management=partnerManaged").await,
        ["bayside dental", "Delta Freight"]
    );
    assert_eq!(
        w.names(&token, "management=partnerManaged,coManaged&q=dental")
            .await,
        ["bayside dental", "Cedar Dental"]
    );
    assert_eq!(
        w.names(&token, "productType=email").await,
        ["bayside dental", "Delta Freight"]
    );
    assert_eq!(
        w.names(&token, "productType=web,email&sort=-name").await,
        ["Delta Freight", "Cedar Dental", "bayside dental"]
    );
    assert!(w.names(&token, "requireUpdate=true").await.is_empty());
    for bad in [
        "sort=size",
        "management=self",
        "productType=toaster",
        "limit=0",
        "limit=101",
        "colour=red",
        "requireUpdate=maybe",
    ] {
        assert_problem(&w.list(&token, bad).await, 422);
    }

    // Paging: two per page, every customer once, in order.
    let mut seen = Vec::new();
    let mut query = "limit=2".to_string();
    loop {
        let page = w.list(&token, &query).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        for r in page.body["items"].as_array().unwrap() {
            seen.push(r["name"].as_str().unwrap().to_string());
        }
        match page.body["nextCursor"].as_str() {
            Some(c) => query = format!("limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, w.names(&token, "").await);
    // A cursor from the name order is not one for the type order.
    let first = w.list(&token, "limit=2").await;
    let cursor = first.body["nextCursor"].as_str().unwrap();
    assert_problem(
        &w.list(&token, &format!("sort=type&cursor={cursor}")).await,
        422,
    );

    // CSV of the whole filtered list, quoted and formula-safe.
    let csv = w.list(&token, "format=csv&q=e").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(
        lines[0],
        "Customer,Type,Products,Alerts,Require Update,Used,Capacity,Country,Compliance"
    );
    assert_eq!(lines.len(), 1 + 5, "{}", csv.text);
    assert!(
        lines[1].starts_with("\"'=Evil, \"\"Quoted\"\"\",Customer Managed,"),
        "{}",
        lines[1]
    );
    assert!(csv
        .text
        .contains("Cedar Dental,Co-Managed,Web Security.cloud (paid),,0,0,7,GB,Cleared"));
}

#[tokio::test]
async fn settings_update_with_versions_and_removal_releases_the_email() {
    let w = world().await;
    let token = w.partner("owner@settings.example", "Settings Ltd").await;
    let form = customer_form(
        "Wingtip",
        "it@wingtip.example",
        "GB",
        json!([trial("endpoint-protection")]),
    );
    let profile = w.added(&token, &form).await;
    let id = id_of(&profile);
    let path = format!("{CUSTOMERS}/{id}");
    assert_eq!(profile["customer"]["communications"], "shared");
    assert_eq!(profile["customer"]["unmanagedMac"], "deny");

    let nothing = w
        .call(
            "PATCH",
            &format!("{path}/settings"),
            &token,
            Some(&json!({})),
        )
        .await;
    assert_problem(&nothing, 422);
    let updated = w
        .call(
            "PATCH",
            &format!("{path}/settings"),
            &token,
            Some(&json!({"communications": "partner", "unmanagedMac": "allow"})),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.body["customer"]["communications"], "partner");
    assert_eq!(updated.body["customer"]["unmanagedMac"], "allow");
    assert_eq!(updated.headers["etag"], "\"2\"");

    // A stale If-Match is refused and writes nothing.
    let before = w.stack.items_json().await;
    let req = bearer(request("PATCH", &format!("{path}/settings")), &token)
        .header("content-type", "application/json")
        .header("if-match", "\"1\"")
        .body(axum::body::Body::from(
            json!({"unmanagedMac": "deny"}).to_string(),
        ))
        .unwrap();
    assert_problem(&send(&w.customers, req, IP).await, 412);
    assert_eq!(w.stack.items_json().await, before);

    // Removal needs confirmation; then the customer is gone everywhere and its email free.
    assert_problem(&w.call("DELETE", &path, &token, None).await, 422);
    let removed = w
        .call("DELETE", &format!("{path}?confirm=true"), &token, None)
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    assert_problem(&w.call("GET", &path, &token, None).await, 404);
    assert!(w.names(&token, "").await.is_empty());
    assert!(w.stack.items_of("Entitlement").await.is_empty());
    w.added(&token, &form).await;
}

#[tokio::test]
async fn another_partners_customer_is_not_found_on_every_endpoint() {
    let w = world().await;
    let owner = w.exsp_partner("owner@tenant-a.example", "Tenant A").await;
    let other = w.exsp_partner("owner@tenant-b.example", "Tenant B").await;
    let profile = w
        .added(
            &owner,
            &customer_form(
                "Private Co",
                "it@private.example",
                "GB",
                json!([trial("endpoint-protection")]),
            ),
        )
        .await;
    let id = id_of(&profile);
    let ent = entitlement(&profile, "endpoint-protection")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = w.stack.items_json().await;
    let attempts: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("{CUSTOMERS}/{id}"), None),
        ("DELETE", format!("{CUSTOMERS}/{id}?confirm=true"), None),
        (
            "POST",
            format!("{CUSTOMERS}/{id}/entitlements"),
            Some(json!({"products": [trial("email-security")]})),
        ),
        (
            "POST",
            format!("{CUSTOMERS}/{id}/entitlements/{ent}/convert"),
            Some(json!({})),
        ),
        (
            "POST",
            format!("{CUSTOMERS}/{id}/entitlements/{ent}/cancel"),
            Some(json!({"confirm": true})),
        ),
        (
            "PATCH",
            format!("{CUSTOMERS}/{id}/settings"),
            Some(json!({"unmanagedMac": "allow"})),
        ),
        (
            "POST",
            format!("{CUSTOMERS}/{id}/management"),
            Some(json!({"management": "partnerManaged"})),
        ),
        ("POST", format!("{CUSTOMERS}/{id}/manage"), None),
    ];
    for (method, path, body) in &attempts {
        let a = w.call(method, path, &other, body.as_ref()).await;
        assert_problem(&a, 404);
        let anonymous = send(
            &w.customers,
            request(method, path)
                .body(axum::body::Body::empty())
                .unwrap(),
            IP,
        )
        .await;
        assert_problem(&anonymous, 401);
    }
    assert!(w.names(&other, "").await.is_empty());
    assert_eq!(w.stack.items_json().await, before);
    // Ids of the wrong shape are simply not found.
    assert_problem(
        &w.call("GET", &format!("{CUSTOMERS}/ptn_x"), &owner, None)
            .await,
        404,
    );
}

#[tokio::test]
async fn one_product_serial_converts_exactly_one_trial_under_concurrency() {
    let w = world().await;
    let token = w.partner("owner@serial-race.example", "Serial Race").await;
    let mut converts = Vec::new();
    for i in 0..5 {
        let profile = w
            .added(
                &token,
                &customer_form(
                    &format!("Racer {i}"),
                    &format!("it{i}@serial-race.example"),
                    "GB",
                    json!([trial("endpoint-protection")]),
                ),
            )
            .await;
        let ent = entitlement(&profile, "endpoint-protection")["id"]
            .as_str()
            .unwrap()
            .to_string();
        converts.push(format!(
            "{CUSTOMERS}/{}/entitlements/{ent}/convert",
            id_of(&profile)
        ));
    }
    let serial = w
        .issue(
            SerialKind::Product,
            Some(ProductGrant {
                product: "endpoint-protection".into(),
                seats: 10,
                term_months: 12,
            }),
        )
        .await;
    let body = json!({"productSerial": serial.as_str()});
    let answers = futures::future::join_all(
        converts
            .iter()
            .map(|path| w.call("POST", path, &token, Some(&body))),
    )
    .await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    let paid = w
        .stack
        .items_json()
        .await
        .into_iter()
        .filter(|i| i["kind"] == "Entitlement" && i["status"] == "paid")
        .count();
    assert_eq!(paid, 1);
}

#[tokio::test]
async fn the_security_audit_filters_by_user_action_customer_and_time() {
    let w = world().await;
    let token = w.exsp_partner("owner@audit.example", "Audit MSP").await;
    let other = w.partner("owner@audit-other.example", "Other MSP").await;
    let before = Utc::now();
    let first = w
        .added(
            &token,
            &customer_form(
                "Audited One",
                "it@audited-one.example",
                "GB",
                json!([trial("endpoint-protection")]),
            ),
        )
        .await;
    let second = w
        .added(
            &token,
            &customer_form(
                "Audited Two",
                "it@audited-two.example",
                "GB",
                json!([trial("email-security")]),
            ),
        )
        .await;
    let (one, two) = (id_of(&first), id_of(&second));
    let settings = w
        .call(
            "PATCH",
            &format!("{CUSTOMERS}/{two}/settings"),
            &token,
            Some(&json!({"unmanagedMac": "allow"})),
        )
        .await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text);
    let audit = |q: String| {
        let auth = w.auth.clone();
        let token = token.clone();
        async move { get(&auth, &format!("/api/v1/audit?{q}"), &token, IP).await }
    };
    let actions = |a: &Answer| -> Vec<String> {
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["action"].as_str().unwrap(),
                    r["target"].as_str().unwrap_or("")
                )
            })
            .collect()
    };

    // Everything, newest first: one Query plus the authorization read.
    w.stack.counter.reset();
    let all = audit(String::new()).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(w.stack.counter.operation("DynamoDB", "Query"), 1);
    assert!(w.stack.counter.service("DynamoDB") <= 2);
    let listed = actions(&all);
    assert_eq!(listed[0], format!("customer.updateSettings {two}"));
    assert!(listed.contains(&format!("customer.add {one}")));
    assert!(listed.iter().any(|a| a.starts_with("auth.signIn")));

    assert_eq!(
        actions(&audit("action=customer.add".into()).await),
        [format!("customer.add {two}"), format!("customer.add {one}")]
    );
    assert_eq!(
        actions(&audit(format!("customer={two}")).await),
        [
            format!("customer.updateSettings {two}"),
            format!("customer.add {two}")
        ]
    );
    let me = get(&w.auth, "/api/v1/me", &token, IP).await;
    let user = me.body["user"]["id"].as_str().unwrap().to_string();
    let mine = audit(format!("user={user}&action=customer.add")).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 2);
    let since = before.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let recent = audit(format!("from={}", since.replace('+', "%2B"))).await;
    assert!(
        actions(&recent)
            .iter()
            .all(|a| !a.starts_with("licensing.")),
        "{:?}",
        actions(&recent)
    );
    let until = audit(format!(
        "to={}&action=customer.add",
        since.replace('+', "%2B")
    ))
    .await;
    assert!(until.body["items"].as_array().unwrap().is_empty());

    // CSV of the filtered trail.
    let csv = audit("format=csv&action=customer.add".into()).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.text.lines().count(), 1 + 2, "{}", csv.text);

    // Another partner sees none of it, and bad filters are refused.
    let theirs = get(
        &w.auth,
        &format!("/api/v1/audit?customer={one}"),
        &other,
        IP,
    )
    .await;
    assert_eq!(theirs.body["items"], json!([]));
    for bad in [
        "action=customer.steal",
        "user=ptn_x",
        "customer=usr_x",
        "from=yesterday",
        "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
        "colour=red",
    ] {
        assert_problem(&audit(bad.into()).await, 422);
    }
}
