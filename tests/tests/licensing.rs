//! Activating a serial number (the guide's chapter 1), through the licensing function's
//! router against the local stack.

use axum::http::StatusCode;
use domain::serial::{Serial, SerialKind};
use serde_json::{json, Value};
use testkit::http::*;

const VALIDATE: &str = "/api/v1/licensing/exsp-serial/validate";
const ACTIVATE: &str = "/api/v1/licensing/exsp-serial/activate";

crate::world::module_world!();

impl World {
    async fn call(&self, path: &str, token: &str, serial: &str) -> Answer {
        let mut req = json_post(path, &json!({ "serial": serial }));
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        send(&self.licensing, req, "192.0.2.60").await
    }

    async fn program(&self, token: &str) -> Value {
        let me = get(&self.auth, "/api/v1/me", token, "192.0.2.60").await;
        me.body["partner"]["program"].clone()
    }
}

#[tokio::test]
async fn a_reseller_validates_then_activates_its_exsp_serial_and_becomes_exsp() {
    let w = world().await;
    let (_, token) = w
        .stack
        .confirmed_partner(&w.auth, "owner@reseller.example", "Reseller Ltd")
        .await;
    let serial = w.issue(SerialKind::ExspProgram, None).await;
    assert_eq!(w.program(&token).await, "reseller");

    // Typed as people type it: lower case, spaces for dashes.
    let typed = serial.display().to_lowercase().replace('-', " ");
    let valid = w.call(VALIDATE, &token, &typed).await;
    assert_eq!(valid.status, StatusCode::OK, "{}", valid.text);
    assert_eq!(valid.body["serial"], serial.display());
    assert_eq!(valid.body["status"], "available");
    assert_eq!(
        w.program(&token).await,
        "reseller",
        "validating changes nothing"
    );

    w.stack.counter.reset();
    let activated = w.call(ACTIVATE, &token, &typed).await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    assert_eq!(activated.body["program"], "exsp");
    // Budget: the user (role), the serial, one transaction.
    assert_eq!(
        w.stack.counter.operation("DynamoDB", "TransactWriteItems"),
        1
    );
    assert!(
        w.stack.counter.service("DynamoDB") <= 3,
        "{:?}",
        w.stack.counter.snapshot()
    );
    assert_eq!(w.program(&token).await, "exsp");

    let audit = w.stack.items_json().await;
    assert!(audit
        .iter()
        .any(|i| i["action"] == "licensing.activateProgramSerial"
            && i["target"] == serial.display().as_str()
            && i["outcome"] == "success"));

    // A serial activates once; an ExSP partner has nothing left to activate.
    assert_problem(&w.call(VALIDATE, &token, serial.as_str()).await, 409);
    let another = w.issue(SerialKind::ExspProgram, None).await;
    let again = w.call(ACTIVATE, &token, another.as_str()).await;
    assert_problem(&again, 409);
    assert_eq!(again.body["type"], "/problems/already-exsp");
}

#[tokio::test]
async fn typos_unknown_and_product_serials_are_refused_and_change_nothing() {
    let w = world().await;
    let (_, token) = w
        .stack
        .confirmed_partner(&w.auth, "typo@reseller.example", "Typo Ltd")
        .await;
    let serial = w.issue(SerialKind::ExspProgram, None).await;
    let product = w.issue(SerialKind::Product, None).await;
    let mut typo = serial.as_str().as_bytes().to_vec();
    typo[5] = if typo[5] == b'A' { b'B' } else { b'A' };
    let typo = String::from_utf8(typo).unwrap();
    let before = w.stack.items_json().await;

    for path in [VALIDATE, ACTIVATE] {
        let a = w.call(path, &token, &typo).await;
        assert_problem(&a, 422);
        assert_eq!(a.body["errors"][0]["field"], "serial");
        assert_problem(&w.call(path, &token, "").await, 422);
        assert_problem(&w.call(path, &token, product.as_str()).await, 422);
        let unknown = Serial::generate(SerialKind::ExspProgram);
        assert_problem(&w.call(path, &token, unknown.as_str()).await, 404);
    }
    let mut req = json_post(
        VALIDATE,
        &json!({ "serial": serial.as_str(), "partner": "x" }),
    );
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    assert_problem(&send(&w.licensing, req, "192.0.2.60").await, 422);
    let unauthenticated = send(
        &w.licensing,
        json_post(ACTIVATE, &json!({ "serial": serial.as_str() })),
        "192.0.2.60",
    )
    .await;
    assert_problem(&unauthenticated, 401);

    // Audit records of sign-in aside, nothing changed.
    assert_eq!(w.stack.items_json().await, before);
    assert_eq!(w.program(&token).await, "reseller");
}

#[tokio::test]
async fn one_serial_activated_by_ten_partners_at_once_goes_to_exactly_one() {
    let w = world().await;
    let serial = w.issue(SerialKind::ExspProgram, None).await;
    let mut tokens = Vec::new();
    for i in 0..10 {
        let (_, token) = w
            .stack
            .confirmed_partner(&w.auth, &format!("p{i}@race.example"), &format!("Race {i}"))
            .await;
        tokens.push(token);
    }
    let attempts = tokens.iter().map(|t| w.call(ACTIVATE, t, serial.as_str()));
    let answers = futures::future::join_all(attempts).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        9,
        "{statuses:?}"
    );
    let mut exsp = 0;
    for t in &tokens {
        if w.program(t).await == "exsp" {
            exsp += 1;
        }
    }
    assert_eq!(exsp, 1);
}
