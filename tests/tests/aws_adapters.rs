//! Each AWS adapter of the shared crate, against the local stack.

use std::{sync::Arc, time::Duration};

use adapters::config::{EventMode, MailMode};
use adapters::events::{DomainEvent, EventBus};
use adapters::mail::{Mailer, Message};
use adapters::services::Services;
use axum::{extract::Path, routing::post, Json, Router};
use serde_json::{json, Value};
use testkit::resources::local;
use tokio::sync::Mutex;

#[tokio::test]
async fn files_are_put_and_handed_out_by_presigned_link() {
    let stack = testkit::stack().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&stack.sdk)
            .force_path_style(true)
            .build(),
    );
    let bucket = &stack.state.config.reports_bucket;
    local::create_bucket(&s3, bucket).await.unwrap();

    let files = stack.state.files();
    let pdf = b"%PDF-1.7 report body".to_vec();
    files
        .put(bucket, "reports/r1.pdf", pdf.clone(), "application/pdf")
        .await
        .unwrap();
    let url = files
        .presigned_get(bucket, "reports/r1.pdf", Duration::from_secs(300))
        .await
        .unwrap();
    assert!(url.contains("X-Amz-Signature="), "{url}");
    let response = adapters::tls::http_client().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf);
    assert_eq!(stack.counter.operation("S3", "PutObject"), 1);
}

#[tokio::test]
async fn mail_goes_to_ses_or_to_the_outbox_as_configured() {
    let stack = testkit::stack().await;
    let message = Message {
        to: vec!["customer@example.com".into()],
        subject: "Approve Northwind as your partner".into(),
        text: "Open the link to approve.".into(),
        tags: domain::mail::MailTags::new(
            &domain::PartnerId::generate(),
            domain::mail::MailKind::Consent,
        ),
    };

    // The outbox (the test stack's configuration).
    assert!(matches!(stack.state.config.mail, MailMode::Outbox(_)));
    stack.state.mailer().send(&message).await.unwrap();
    let mail = stack.outbox_messages();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("Subject: Approve Northwind as your partner"));
    assert!(mail[0].contains("From: console@partner-console.test"));

    assert!(mail[0].contains("X-SES-CONFIGURATION-SET: partner-console-mail\r\n"));

    // SES, with the same services built for MAIL_MODE=ses (moto takes the configuration
    // set's name and the tags without checking them).
    let mut config = stack.state.config.clone();
    config.mail = MailMode::Ses;
    // SES identities are per account: a sender of this test's own.
    config.mail_from = format!("{}@partner-console.test", config.table_name);
    let counter = adapters::aws::CallCounter::new();
    let services = Services::new(config, stack.sdk.clone(), Some(counter.clone()));
    // Unverified senders are refused, as in AWS.
    assert!(services.mailer().send(&message).await.is_err());
    aws_sdk_sesv2::Client::new(&stack.sdk)
        .create_email_identity()
        .email_identity(&services.config.mail_from)
        .send()
        .await
        .unwrap();
    let id = services.mailer().send(&message).await.unwrap();
    assert!(!id.is_empty());
    // A whole MIME message (reports with attachments) goes through the same operation.
    let mime = format!(
        "From: {from}\r\nTo: ann@example.com\r\nSubject: Report\r\nMIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\r\nThe report.\r\n",
        from = services.config.mail_from
    );
    let raw = services
        .mailer()
        .send_raw(
            &["ann@example.com".into()],
            mime.into_bytes(),
            &message.tags,
        )
        .await
        .unwrap();
    assert!(!raw.is_empty());
    assert_ne!(raw, id);
    // What SES received, as moto keeps it: the simple message with its subject and
    // recipients, the raw one whole, both from the sender.
    let state: serde_json::Value = adapters::tls::http_client()
        .get(format!("{}/moto-api/data.json", stack.endpoint))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let find = |kind: &str, id: &str| {
        state["ses"][kind]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{kind} {id} reached SES"))
    };
    let simple = find("Message", &id);
    assert_eq!(simple["source"], services.config.mail_from.as_str());
    assert_eq!(simple["subject"], "Approve Northwind as your partner");
    assert_eq!(
        simple["destinations"]["ToAddresses"][0],
        "customer@example.com"
    );
    let whole = find("RawMessage", &raw);
    assert_eq!(whole["source"], services.config.mail_from.as_str());
    assert!(whole["raw_data"]
        .as_str()
        .unwrap()
        .contains("Subject: Report\r\n"));
    assert!(whole["destinations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d == "ann@example.com"));
    assert!(matches!(services.mailer(), Mailer::Ses { .. }));
    // SES v2 only: every message, simple or raw, is one SendEmail.
    assert_eq!(counter.operation("SESv2", "SendEmail"), 3);
    assert_eq!(counter.service("SES"), 0);
}

#[tokio::test]
async fn events_reach_eventbridge() {
    let stack = testkit::stack().await;
    let eventbridge = aws_sdk_eventbridge::Client::new(&stack.sdk);
    let bus = format!("bus-{}", stack.state.config.table_name);
    eventbridge
        .create_event_bus()
        .name(&bus)
        .send()
        .await
        .unwrap();
    let mut config = stack.state.config.clone();
    config.events = EventMode::EventBridge { bus_name: bus };
    let counter = adapters::aws::CallCounter::new();
    let services = Services::new(config, stack.sdk.clone(), Some(counter.clone()));
    let event = DomainEvent {
        detail_type: "PartnerSignedUp".into(),
        detail: json!({"partnerId": "ptn_1"}),
    };
    services.events().publish(&event).await.unwrap();
    assert_eq!(counter.operation("EventBridge", "PutEvents"), 1);
}

#[tokio::test]
async fn the_local_dispatcher_invokes_the_rules_target_through_the_invoke_api() {
    // A stand-in for cargo-lambda's invoke endpoint that records what it is given.
    type Seen = Arc<Mutex<Vec<(String, Value)>>>;
    let seen: Seen = Arc::default();
    let recorder = seen.clone();
    let app = Router::new().route(
        "/2015-03-31/functions/{function}/invocations",
        post(
            move |Path(function): Path<String>, Json(body): Json<Value>| {
                let recorder = recorder.clone();
                async move {
                    recorder.lock().await.push((function, body));
                    Json(json!({"ok": true}))
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let bus = EventBus::Local {
        http: adapters::tls::http_client(),
        invoke_url: format!("http://{address}"),
        routes: vec![
            ("AlertRaised".into(), "notifier".into()),
            ("ReportRequested".into(), "report-worker".into()),
        ],
        counter: None,
    };
    bus.publish(&DomainEvent {
        detail_type: "AlertRaised".into(),
        detail: json!({"alertId": "a1"}),
    })
    .await
    .unwrap();
    // An event no rule targets goes nowhere.
    bus.publish(&DomainEvent {
        detail_type: "Unrouted".into(),
        detail: json!({}),
    })
    .await
    .unwrap();

    let seen = seen.lock().await;
    assert_eq!(seen.len(), 1);
    let (function, envelope) = &seen[0];
    assert_eq!(function, "notifier");
    assert_eq!(envelope["detail-type"], "AlertRaised");
    assert_eq!(envelope["source"], "partner-console");
    assert_eq!(envelope["detail"]["alertId"], "a1");
}

#[tokio::test]
async fn the_local_dispatcher_reports_an_unreachable_function() {
    let bus = EventBus::Local {
        http: adapters::tls::http_client(),
        invoke_url: "http://127.0.0.1:9".into(),
        routes: vec![("AlertRaised".into(), "notifier".into())],
        counter: None,
    };
    let result = bus
        .publish(&DomainEvent {
            detail_type: "AlertRaised".into(),
            detail: json!({}),
        })
        .await;
    assert!(result.is_err());
}
