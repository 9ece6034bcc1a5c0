//! Administration > My Company (the guide's "Viewing My Company information"): the
//! support information the partner gives its customers and the language of the
//! console's emails, through the users function's router against the local stack.

use adapters::mail::decode_eml_text;
use axum::{
    body::Body,
    http::{header, StatusCode},
};
use serde_json::{json, Value};
use testkit::http::*;

const IP: &str = "192.0.2.91";
const COMPANY: &str = "/api/v1/company";
const ADMIN_PASSWORD: &str = "Customer-Passw0rd";

crate::world::module_world!();

impl World {
    /// Saves My Company with `If-Match: etag` (when given).
    async fn save(&self, token: &str, etag: Option<&str>, body: &Value) -> Answer {
        let mut req =
            bearer(request("PUT", COMPANY), token).header(header::CONTENT_TYPE, "application/json");
        if let Some(e) = etag {
            req = req.header(header::IF_MATCH, e);
        }
        send(
            &self.users,
            req.body(Body::from(body.to_string())).unwrap(),
            IP,
        )
        .await
    }

    async fn company(&self, token: &str) -> Answer {
        let a = get(&self.users, COMPANY, token, IP).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a
    }

    /// The decoded text of the newest outbox message to `to`.
    fn last_mail_to(&self, to: &str) -> String {
        self.stack
            .outbox_messages()
            .into_iter()
            .rev()
            .find(|m| m.contains(&format!("To: {to}\r\n")))
            .and_then(|m| decode_eml_text(&m))
            .unwrap_or_else(|| panic!("a message to {to}"))
    }

    /// Adds a co-managed customer whose admin is `email`, and the admin's portal session.
    async fn customer_with_admin(&self, token: &str, name: &str, email: &str) -> String {
        self.trial_customer(token, name, email, "coManaged").await;
        let secret = self.stack.link_secret(email).expect("a welcome link");
        let set = send(
            &self.portal,
            json_post(
                "/api/v1/welcome/set-password",
                &json!({"token": secret, "password": ADMIN_PASSWORD}),
            ),
            IP,
        )
        .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);
        let s = sign_in(&self.auth, email, ADMIN_PASSWORD, IP).await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.text);
        s.body["accessToken"].as_str().unwrap().to_string()
    }
}

fn etag(a: &Answer) -> String {
    a.headers[header::ETAG].to_str().unwrap().to_string()
}

fn settings(email: &str, language: &str) -> Value {
    json!({
        "support": {
            "purchaseUrl": "https://shop.northwind.example",
            "supportUrl": "https://help.northwind.example",
            "supportEmail": email,
            "supportPhone": "+44 113 496 0100"
        },
        "language": language
    })
}

#[tokio::test]
async fn a_new_support_email_reaches_the_next_welcome_and_the_customer_portal() {
    let w = world().await;
    let admin = w.partner("ada@mycompany.example", "Northwind MSP").await;
    let before = w.company(&admin).await;
    assert_eq!(before.body["company"]["name"], "Northwind MSP");
    assert_eq!(before.body["language"], "en");
    assert_eq!(before.body["support"], json!({}));
    let customer = w
        .customer_with_admin(&admin, "Contoso", "dee@contoso-company.example")
        .await;
    // Before any support information, customers are told the sign-up's contact.
    let first = w.last_mail_to("dee@contoso-company.example");
    assert!(
        first.contains("Support email: ann.lee@northwind.example"),
        "{first}"
    );

    let saved = w
        .save(
            &admin,
            Some(&etag(&before)),
            &settings(" Help@Northwind.example ", "en"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(
        saved.body["support"]["supportEmail"],
        "help@northwind.example"
    );
    assert_ne!(etag(&saved), etag(&before));
    assert_eq!(w.company(&admin).await.body, saved.body);

    w.trial_customer(
        &admin,
        "Fabrikam",
        "it@fabrikam-company.example",
        "coManaged",
    )
    .await;
    let welcome = w.last_mail_to("it@fabrikam-company.example");
    assert!(
        welcome.contains("Support email: help@northwind.example"),
        "{welcome}"
    );
    assert!(welcome.contains("Support phone: +44 113 496 0100"));
    assert!(welcome.contains("Support website: https://help.northwind.example"));
    assert!(welcome.contains("Buy or renew: https://shop.northwind.example"));
    assert!(welcome.starts_with("Hello "), "English: {welcome}");

    let portal = get(&w.portal, "/api/v1/portal", &customer, IP).await;
    assert_eq!(portal.status, StatusCode::OK, "{}", portal.text);
    let p = &portal.body["partner"];
    assert_eq!(p["supportEmail"], "help@northwind.example");
    assert_eq!(p["supportPhone"], "+44 113 496 0100");
    assert_eq!(p["supportUrl"], "https://help.northwind.example");
    assert_eq!(p["purchaseUrl"], "https://shop.northwind.example");

    let audit: Vec<_> = w
        .stack
        .items_of("AuditRecord")
        .await
        .into_iter()
        .filter(|r| {
            r.get("action")
                .and_then(|a| a.as_s().ok())
                .is_some_and(|a| a == "partner.updateCompany")
        })
        .collect();
    assert_eq!(audit.len(), 1, "the save is audited once");
}

#[tokio::test]
async fn in_german_the_welcome_and_its_dates_are_german() {
    let w = world().await;
    let admin = w.partner("ada@deutsch.example", "Nordwind GmbH").await;
    let saved = w
        .save(&admin, None, &json!({"support": {}, "language": "de"}))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.body["language"], "de");
    w.trial_customer(&admin, "Kunde AG", "it@kunde-ag.example", "coManaged")
        .await;
    let welcome = w.last_mail_to("it@kunde-ag.example");
    assert!(welcome.starts_with("Hallo "), "{welcome}");
    assert!(welcome.contains("hat den Endpunktschutz für Kunde AG eingerichtet"));
    assert!(welcome.contains("Support-E-Mail: ann.lee@northwind.example"));
    assert!(
        [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember"
        ]
        .iter()
        .any(|m| welcome.contains(&format!(" {m} "))),
        "a German date: {welcome}"
    );
    // The partner's copy is German too.
    let copy = w.last_mail_to("ann.lee@northwind.example");
    assert!(copy.starts_with("Dies ist Ihre Kopie"), "{copy}");
}

#[tokio::test]
async fn my_company_costs_one_read_and_a_stale_version_changes_nothing() {
    let w = world().await;
    let admin = w.partner("ada@stale-company.example", "Stale MSP").await;
    // Budgets: reading is the authorization read alone; saving adds one transaction.
    w.stack.counter.reset();
    let first = w.company(&admin).await;
    assert_eq!(
        w.stack.counter.service("DynamoDB"),
        1,
        "{:?}",
        w.stack.counter.snapshot()
    );
    w.stack.counter.reset();
    let saved = w
        .save(
            &admin,
            Some(&etag(&first)),
            &settings("one@stale.example", "en"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(
        w.stack.counter.operation("DynamoDB", "TransactWriteItems"),
        1
    );
    assert_eq!(
        w.stack.counter.service("DynamoDB"),
        2,
        "{:?}",
        w.stack.counter.snapshot()
    );
    let items = w.item_count().await;
    let stale = w
        .save(
            &admin,
            Some(&etag(&first)),
            &settings("two@stale.example", "de"),
        )
        .await;
    assert_problem(&stale, 412);
    assert_eq!(w.item_count().await, items, "no audit record either");
    let now = w.company(&admin).await;
    assert_eq!(now.body["support"]["supportEmail"], "one@stale.example");
    assert_eq!(now.body["language"], "en");
}

#[tokio::test]
async fn invalid_support_information_is_refused_field_by_field_and_writes_nothing() {
    let w = world().await;
    let admin = w
        .partner("ada@invalid-company.example", "Invalid MSP")
        .await;
    let items = w.item_count().await;
    let refused = w
        .save(
            &admin,
            None,
            &json!({"support": {"purchaseUrl": "ftp://shop", "supportEmail": "nobody",
                    "supportPhone": "call us"}, "language": "en"}),
        )
        .await;
    assert_problem(&refused, 422);
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "support.purchaseUrl",
            "support.supportEmail",
            "support.supportPhone"
        ]
    );
    assert_problem(
        &w.save(&admin, None, &json!({"support": {}, "language": "fr"}))
            .await,
        422,
    );
    assert_problem(
        &w.save(
            &admin,
            None,
            &json!({"support": {"fax": "1"}, "language": "en"}),
        )
        .await,
        422,
    );
    assert_eq!(w.item_count().await, items);
}

#[tokio::test]
async fn a_custom_role_reads_my_company_and_cannot_change_it() {
    let w = world().await;
    let admin = w.partner("ada@reader-company.example", "Reader MSP").await;
    let reader = w.reader(&admin, "rey@reader-company.example", &[]).await;
    let seen = w.company(&reader).await;
    assert_eq!(seen.body["company"]["name"], "Reader MSP");
    let refused = w
        .save(
            &reader,
            Some(&etag(&seen)),
            &settings("x@reader.example", "de"),
        )
        .await;
    assert_problem(&refused, 403);
    assert_eq!(w.company(&admin).await.body["language"], "en");
}

#[tokio::test]
async fn consent_reminders_are_on_by_default_and_saved_within_their_bounds() {
    let w = world().await;
    let admin = w.partner("ada@reminders.example", "Reminders MSP").await;
    let before = w.company(&admin).await;
    assert_eq!(
        before.body["consentReminders"],
        json!({"enabled": true, "afterSendingHours": 24, "beforeExpiryHours": 24, "max": 2})
    );
    // Out of bounds: each field named, nothing written.
    let items = w.item_count().await;
    let mut body = settings("help@reminders.example", "en");
    body["consentReminders"] =
        json!({"enabled": true, "afterSendingHours": 721, "beforeExpiryHours": 12, "max": 0});
    let refused = w.save(&admin, Some(&etag(&before)), &body).await;
    assert_problem(&refused, 422);
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["consentReminders.afterSendingHours", "consentReminders.max"]
    );
    body["consentReminders"] = json!({"enabled": "yes"});
    assert_problem(&w.save(&admin, None, &body).await, 422);
    assert_eq!(w.item_count().await, items);

    // Off, with the version it was read at; audited like any My Company change.
    let off = json!({"enabled": false, "afterSendingHours": 0, "beforeExpiryHours": 48, "max": 5});
    body["consentReminders"] = off.clone();
    let saved = w.save(&admin, Some(&etag(&before)), &body).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.body["consentReminders"], off);
    assert_eq!(w.company(&admin).await.body["consentReminders"], off);
    assert_problem(&w.save(&admin, Some(&etag(&before)), &body).await, 412);
    // A form without the field keeps what is saved.
    let kept = w
        .save(&admin, None, &settings("help@reminders.example", "de"))
        .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text);
    assert_eq!(kept.body["consentReminders"], off);
}
