//! Case Management and Feedback against the local stack: a case opened with an
//! attachment uploaded straight to S3, answered by support from the operator tools (its
//! followers emailed), commented and closed with a resolution; another partner's user
//! finding none of it; uploads that are too large or not what they claim refused and
//! removed; edits with `If-Match`; the custom roles' permission; the listing's period
//! filter and CSV; feedback stored and read by operators.

use axum::{
    body::Body,
    http::{header, StatusCode},
    Router,
};
use chrono::{Duration, Utc};
use domain::{
    support::{Ticket, TicketId, TicketStatus},
    PartnerId, UserId,
};
use serde_json::{json, Value};
use testkit::http::*;

const IP: &str = "192.0.2.71";

crate::world::module_world!();

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

impl World {
    fn support(&self) -> Router {
        support::app(self.stack.function("support"))
    }

    async fn call(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Answer {
        call(&self.support(), method, path, token, body, IP).await
    }

    async fn ok(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Value {
        let a = self.call(method, path, token, body).await;
        assert!(a.status.is_success(), "{method} {path}: {}", a.text);
        a.body
    }

    async fn open(&self, token: &str, subject: &str) -> Value {
        let a = self
            .call(
                "POST",
                "/api/v1/tickets",
                token,
                Some(&json!({"subject": subject, "description": "Agents stopped reporting.\nSince Monday."})),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body
    }

    /// Starts an upload of `bytes` declared as `kind` and `declared` bytes, puts `bytes`
    /// with the presigned link as a browser would, and completes it.
    async fn attach(
        &self,
        token: &str,
        ticket: &str,
        name: &str,
        kind: &str,
        bytes: Vec<u8>,
        declared: usize,
    ) -> (String, Answer) {
        let (id, done, _) = self
            .attach_with_url(token, ticket, name, kind, bytes, declared)
            .await;
        (id, done)
    }

    /// [`World::attach`], and the presigned upload link it used.
    async fn attach_with_url(
        &self,
        token: &str,
        ticket: &str,
        name: &str,
        kind: &str,
        bytes: Vec<u8>,
        declared: usize,
    ) -> (String, Answer, String) {
        let started = self
            .call(
                "POST",
                &format!("/api/v1/tickets/{ticket}/attachments"),
                token,
                Some(&json!({"fileName": name, "contentType": kind, "size": declared})),
            )
            .await;
        assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
        let id = started.body["attachment"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let put = adapters::tls::http_client()
            .put(started.body["url"].as_str().unwrap())
            .header("content-type", kind)
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert!(put.status().is_success(), "{}", put.status());
        let done = self
            .call(
                "POST",
                &format!("/api/v1/tickets/{ticket}/attachments/{id}/complete"),
                token,
                None,
            )
            .await;
        (id, done, started.body["url"].as_str().unwrap().to_string())
    }

    async fn object(&self, partner: &str, ticket: &str, attachment: &str) -> Option<Vec<u8>> {
        self.stack
            .state
            .files()
            .get(
                &self.stack.state.config.reports_bucket,
                &format!("support/{partner}/{ticket}/{attachment}"),
            )
            .await
            .unwrap()
    }

    /// What is left where the browser uploaded an attachment's bytes.
    async fn uploaded(&self, partner: &str, ticket: &str, attachment: &str) -> Option<Vec<u8>> {
        self.object(partner, ticket, &format!("{attachment}.upload"))
            .await
    }

    async fn partner_id(&self, token: &str) -> String {
        get(&self.auth, "/api/v1/me", token, IP).await.body["partner"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

#[tokio::test]
async fn a_case_is_opened_with_an_attachment_answered_by_support_commented_and_closed() {
    let w = world().await;
    let admin = w.partner("erin@case.example.com", "Case Co").await;
    let partner = w.partner_id(&admin).await;
    // A colleague who follows nothing is not emailed.
    w.add_user(&admin, "grace@case.example.com", "administrator")
        .await;

    let first = w.open(&admin, "Agents offline").await;
    assert_eq!(first["caseNumber"], 1);
    assert_eq!(first["status"], "new");
    assert_eq!(first["product"], "Partner Console");
    assert!(first.get("severity").is_none(), "{first}");
    assert_eq!(first["following"], true);
    let t = w.open(&admin, "Report missing").await;
    assert_eq!(t["caseNumber"], 2);
    let id = t["id"].as_str().unwrap();

    let (att, done, upload_url) = w
        .attach_with_url(
            &admin,
            id,
            "screen.png",
            "image/png",
            PNG.to_vec(),
            PNG.len(),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["attachments"][0]["status"], "ready");
    assert_eq!(done.body["attachments"][0]["fileName"], "screen.png");
    let link = w
        .ok(
            "GET",
            &format!("/api/v1/tickets/{id}/attachments/{att}"),
            &admin,
            None,
        )
        .await;
    let got = adapters::tls::http_client()
        .get(link["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);

    // The upload link still works for minutes after the check: bytes put with it again
    // never reach what is downloaded.
    assert_eq!(
        w.uploaded(&partner, id, &att).await,
        None,
        "the upload is gone"
    );
    let swapped = vec![b'M'; PNG.len()];
    adapters::tls::http_client()
        .put(upload_url)
        .header("content-type", "image/png")
        .body(swapped)
        .send()
        .await
        .unwrap();
    assert_eq!(w.object(&partner, id, &att).await.as_deref(), Some(PNG));

    // Support sees it among the open cases, sets its severity and comments.
    let state = w.stack.state.clone();
    let open = infra::operator::support::open_tickets(&state)
        .await
        .unwrap();
    let mine: Vec<_> = open
        .iter()
        .filter(|t| t.partner_id.as_str() == partner)
        .map(|t| t.ticket.case_number)
        .collect();
    assert_eq!(mine, [1, 2], "oldest first");
    let (p, tid) = (
        PartnerId::parse(&partner).unwrap(),
        TicketId::parse(id).unwrap(),
    );
    infra::operator::support::triage(
        &state,
        &p,
        &tid,
        Some(domain::support::Severity::High),
        Some(TicketStatus::AwaitingReply),
    )
    .await
    .unwrap();
    let before = w.stack.outbox_messages().len();
    let sent = infra::operator::support::comment(
        &state,
        &p,
        &tid,
        "Sam of Support",
        "Please send the agent log.",
    )
    .await
    .unwrap();
    assert_eq!(sent, 1, "only the follower");
    let mail = w.stack.outbox_messages()[before..].to_vec();
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].contains("To: erin@case.example.com\r\n"),
        "{}",
        mail[0]
    );
    let text = adapters::mail::decode_eml_text(&mail[0]).unwrap();
    assert!(text.contains("Please send the agent log."), "{text}");
    assert!(text.contains(&format!("/cases/{id}")), "{text}");
    let shown = infra::operator::support::show(&state, &p, &tid)
        .await
        .unwrap();
    assert!(
        shown.contains("screen.png") && shown.contains("Severity: High"),
        "{shown}"
    );

    // The user sees support's comment, answers, and closes the case.
    let d = w
        .ok("GET", &format!("/api/v1/tickets/{id}"), &admin, None)
        .await;
    assert_eq!(d["severity"], "high");
    assert_eq!(d["status"], "awaitingReply");
    assert_eq!(d["comments"][0]["author"], "support");
    assert_eq!(d["comments"][0]["authorName"], "Sam of Support");
    let answered = w
        .ok(
            "POST",
            &format!("/api/v1/tickets/{id}/comments"),
            &admin,
            Some(&json!({"text": "Attached below."})),
        )
        .await;
    assert_eq!(answered["status"], "inProgress", "back to support");
    let bad = w
        .call(
            "POST",
            &format!("/api/v1/tickets/{id}/close"),
            &admin,
            Some(&json!({"resolution": "   "})),
        )
        .await;
    assert_problem(&bad, 422);
    let closed = w
        .ok(
            "POST",
            &format!("/api/v1/tickets/{id}/close"),
            &admin,
            Some(&json!({"resolution": "A new agent fixed it."})),
        )
        .await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["resolution"], "A new agent fixed it.");
    let comments: Vec<_> = closed["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["author"].as_str().unwrap(),
                c["resolution"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        comments,
        [("support", false), ("partner", false), ("partner", true)]
    );

    // A closed case takes nothing more, and leaves support's queue.
    for (method, path, body) in [
        (
            "POST",
            format!("/api/v1/tickets/{id}/comments"),
            json!({"text": "one more"}),
        ),
        (
            "PATCH",
            format!("/api/v1/tickets/{id}"),
            json!({"subject": "New"}),
        ),
        (
            "POST",
            format!("/api/v1/tickets/{id}/close"),
            json!({"resolution": "again"}),
        ),
        (
            "POST",
            format!("/api/v1/tickets/{id}/attachments"),
            json!({"fileName": "a.txt", "contentType": "text/plain", "size": 3}),
        ),
    ] {
        let a = w.call(method, &path, &admin, Some(&body)).await;
        assert_problem(&a, 409);
        assert_eq!(a.body["type"], "/problems/ticket-closed", "{method} {path}");
    }
    assert!(
        infra::operator::support::comment(&state, &p, &tid, "Sam", "late")
            .await
            .is_err()
    );
    let open = infra::operator::support::open_tickets(&state)
        .await
        .unwrap();
    assert!(!open.iter().any(|t| t.ticket.id == tid));
}

#[tokio::test]
async fn another_partners_user_finds_none_of_the_tickets() {
    let w = world().await;
    let admin = w.partner("pat@first.example.com", "First Co").await;
    let other = w.partner("quinn@second.example.com", "Second Co").await;
    let t = w.open(&admin, "Private case").await;
    let id = t["id"].as_str().unwrap();
    let (att, done) = w
        .attach(&admin, id, "notes.txt", "text/plain", b"hello".to_vec(), 5)
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let before = w.stack.items().await.len();
    let cases: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/api/v1/tickets/{id}"), None),
        (
            "PATCH",
            format!("/api/v1/tickets/{id}"),
            Some(json!({"subject": "Mine"})),
        ),
        (
            "POST",
            format!("/api/v1/tickets/{id}/comments"),
            Some(json!({"text": "hi"})),
        ),
        (
            "POST",
            format!("/api/v1/tickets/{id}/close"),
            Some(json!({"resolution": "done"})),
        ),
        ("PUT", format!("/api/v1/tickets/{id}/follow"), None),
        ("DELETE", format!("/api/v1/tickets/{id}/follow"), None),
        (
            "POST",
            format!("/api/v1/tickets/{id}/attachments"),
            Some(json!({"fileName": "a.txt", "contentType": "text/plain", "size": 3})),
        ),
        (
            "GET",
            format!("/api/v1/tickets/{id}/attachments/{att}"),
            None,
        ),
        (
            "POST",
            format!("/api/v1/tickets/{id}/attachments/{att}/complete"),
            None,
        ),
    ];
    for (method, path, body) in cases {
        let a = w.call(method, &path, &other, body.as_ref()).await;
        assert_problem(&a, 404);
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    let list = w.ok("GET", "/api/v1/tickets", &other, None).await;
    assert_eq!(list["items"], json!([]));
    assert_eq!(w.stack.items().await.len(), before, "nothing was written");
}

#[tokio::test]
async fn uploads_too_large_or_not_what_they_claim_are_refused_and_removed() {
    let w = world().await;
    let admin = w.partner("uma@upload.example.com", "Upload Co").await;
    let partner = w.partner_id(&admin).await;
    let t = w.open(&admin, "Uploads").await;
    let id = t["id"].as_str().unwrap();

    // Declared over the limit: refused before any upload.
    let big = domain::support::MAX_ATTACHMENT_BYTES as usize + 1;
    let a = w
        .call(
            "POST",
            &format!("/api/v1/tickets/{id}/attachments"),
            &admin,
            Some(&json!({"fileName": "big.log", "contentType": "text/plain", "size": big})),
        )
        .await;
    assert_problem(&a, 422);
    let a = w
        .call(
            "POST",
            &format!("/api/v1/tickets/{id}/attachments"),
            &admin,
            Some(&json!({"fileName": "tool.exe", "contentType": "application/x-msdownload", "size": 3})),
        )
        .await;
    assert_problem(&a, 422);

    // An executable renamed .png: uploaded, then refused and removed.
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    let (att, done) = w
        .attach(&admin, id, "cat.png", "image/png", exe.clone(), exe.len())
        .await;
    assert_problem(&done, 422);
    assert_eq!(done.body["errors"][0]["field"], "file");
    assert_eq!(
        w.uploaded(&partner, id, &att).await,
        None,
        "the upload is gone"
    );
    assert_eq!(
        w.object(&partner, id, &att).await,
        None,
        "and was never kept"
    );
    // A file larger than the limit sent past a smaller declaration (the signature would
    // refuse it in AWS; moto does not check): refused and removed too.
    let (att2, done) = w
        .attach(&admin, id, "huge.log", "text/plain", vec![b'a'; big], 1000)
        .await;
    assert_problem(&done, 422);
    assert!(done.text.contains("10 MB"), "{}", done.text);
    assert_eq!(w.uploaded(&partner, id, &att2).await, None);
    assert_eq!(w.object(&partner, id, &att2).await, None);
    let d = w
        .ok("GET", &format!("/api/v1/tickets/{id}"), &admin, None)
        .await;
    assert_eq!(d["attachments"], json!([]));
    assert_eq!(d["attachments"].as_array().unwrap().len(), 0);
    let refused = w.stack.items_of("AuditRecord").await;
    let refused = refused
        .iter()
        .filter(|r| {
            r.get("action")
                .and_then(|a| a.as_s().ok())
                .map(String::as_str)
                == Some("supportTicket.checkAttachment")
                && r.get("outcome")
                    .and_then(|a| a.as_s().ok())
                    .map(String::as_str)
                    == Some("failure")
        })
        .count();
    assert_eq!(refused, 2);

    // Their places were given back: five files fit, a sixth does not.
    for n in 0..5 {
        let (_, ok) = w
            .attach(
                &admin,
                id,
                &format!("log{n}.csv"),
                "text/csv",
                b"a,b\n".to_vec(),
                4,
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    }
    let a = w
        .call(
            "POST",
            &format!("/api/v1/tickets/{id}/attachments"),
            &admin,
            Some(&json!({"fileName": "six.txt", "contentType": "text/plain", "size": 3})),
        )
        .await;
    assert_problem(&a, 409);
    assert_eq!(a.body["type"], "/problems/too-many-attachments");
    // Completing twice, or an upload never made, is a conflict, not a 500.
    let d = w
        .ok("GET", &format!("/api/v1/tickets/{id}"), &admin, None)
        .await;
    let first = d["attachments"][0]["id"].as_str().unwrap();
    let again = w
        .call(
            "POST",
            &format!("/api/v1/tickets/{id}/attachments/{first}/complete"),
            &admin,
            None,
        )
        .await;
    assert_problem(&again, 409);
}

#[tokio::test]
async fn the_description_is_edited_with_if_match_and_bad_input_writes_nothing() {
    let w = world().await;
    let admin = w.partner("ed@edit.example.com", "Edit Co").await;
    let t = w.open(&admin, "Typo in subjet").await;
    let path = format!("/api/v1/tickets/{}", t["id"].as_str().unwrap());
    let patch = |etag: &'static str, body: Value| {
        bearer(request("PATCH", &path), &admin)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::IF_MATCH, etag)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let stale = send(
        &w.support(),
        patch("\"7\"", json!({"subject": "Typo in subject"})),
        IP,
    )
    .await;
    assert_problem(&stale, 412);
    let before = w.stack.items().await;
    let bad = send(
        &w.support(),
        patch("\"1\"", json!({"subject": "", "description": "x\u{7}"})),
        IP,
    )
    .await;
    assert_problem(&bad, 422);
    assert_eq!(bad.body["errors"].as_array().unwrap().len(), 2);
    let unknown = send(
        &w.support(),
        patch("\"1\"", json!({"severity": "critical"})),
        IP,
    )
    .await;
    assert_problem(&unknown, 422);
    assert_eq!(w.stack.items().await.len(), before.len());
    let ok = send(
        &w.support(),
        patch(
            "\"1\"",
            json!({"subject": "Typo in subject", "description": "Now\nright"}),
        ),
        IP,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.headers[header::ETAG], "\"2\"");
    assert_eq!(ok.body["subject"], "Typo in subject");
    assert_eq!(ok.body["description"], "Now\nright");
    assert_eq!(ok.body["caseNumber"], 1);
}

#[tokio::test]
async fn a_custom_role_uses_case_management_only_with_the_permission() {
    let w = world().await;
    let admin = w.partner("ro@roles.example.com", "Roles Co").await;
    let t = w.open(&admin, "Admin's case").await;
    let reader = w.reader(&admin, "hal@roles.example.com", &[]).await;
    for (method, path) in [
        ("GET", "/api/v1/tickets".to_string()),
        (
            "GET",
            format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()),
        ),
    ] {
        let a = w.call(method, &path, &reader, None).await;
        assert_problem(&a, 403);
    }
    let a = w
        .call(
            "POST",
            "/api/v1/tickets",
            &reader,
            Some(&json!({"subject": "S", "description": "D"})),
        )
        .await;
    assert_problem(&a, 403);
    // Feedback is everyone's.
    let f = w
        .call(
            "POST",
            "/api/v1/feedback",
            &reader,
            Some(&feedback("general")),
        )
        .await;
    assert_eq!(f.status, StatusCode::CREATED, "{}", f.text);

    // Granted, the role sees the partner's cases.
    let roles = get(&w.users, "/api/v1/roles", &admin, IP).await;
    let role = roles
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Help desk")
        .unwrap();
    let rid = role["id"].as_str().unwrap();
    let body = json!({"name": "Help desk",
        "access": {"all": null, "readWrite": [], "read": [], "noAccess": [], "defaultLevel": "noAccess"},
        "permissions": {"addCustomers": false, "importCustomers": false, "removeCustomers": false, "supportTickets": true}});
    let saved = call(
        &w.users,
        "PUT",
        &format!("/api/v1/roles/{rid}"),
        &admin,
        Some(&body),
        IP,
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.body["permissions"]["supportTickets"], true);
    let list = w.ok("GET", "/api/v1/tickets", &reader, None).await;
    assert_eq!(list["items"][0]["subject"], "Admin's case");
}

#[tokio::test]
async fn the_listing_filters_by_period_pages_and_answers_csv() {
    let w = world().await;
    let admin = w.partner("li@list.example.com", "List Co").await;
    let partner = PartnerId::parse(&w.partner_id(&admin).await).unwrap();
    let scope = store::PartnerScope::new(partner.clone());
    let now = Utc::now();
    // Cases opened 2 days, 10 days, 20 days and 60 days ago.
    for (days, subject) in [(60, "Old"), (20, "Twenty"), (10, "Ten"), (2, "Two")] {
        let at = now - Duration::days(days);
        let t = Ticket {
            id: TicketId::generate(),
            case_number: 0,
            subject: subject.into(),
            description: "d".into(),
            product: "Partner Console".into(),
            severity: None,
            status: TicketStatus::New,
            opened_at: at,
            opened_by: UserId::generate(),
            opened_by_name: "Li".into(),
            updated_at: at,
            closed_at: None,
            resolution: None,
            attachment_count: 0,
            version: 1,
        };
        let audit = domain::audit::AuditRecord::new(
            domain::audit::Action::CreateTicket,
            "li@list.example.com",
            IP,
            domain::audit::Outcome::Success,
        )
        .by(&partner, None);
        w.stack
            .state
            .table
            .create_ticket(&scope, &t, &audit)
            .await
            .unwrap();
    }
    let subjects = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["subject"].as_str().unwrap().to_string())
            .collect()
    };
    let all = w.ok("GET", "/api/v1/tickets", &admin, None).await;
    assert_eq!(subjects(&all), ["Two", "Ten", "Twenty", "Old"]);
    for (period, expected) in [
        ("1w", vec!["Two"]),
        ("2w", vec!["Two", "Ten"]),
        ("1m", vec!["Two", "Ten", "Twenty"]),
        ("3m", vec!["Two", "Ten", "Twenty", "Old"]),
    ] {
        let page = w
            .ok(
                "GET",
                &format!("/api/v1/tickets?period={period}"),
                &admin,
                None,
            )
            .await;
        assert_eq!(subjects(&page), expected, "{period}");
    }
    let bad = w
        .call("GET", "/api/v1/tickets?period=1y", &admin, None)
        .await;
    assert_problem(&bad, 422);

    // Pages of one, continued by cursor.
    let first = w
        .ok("GET", "/api/v1/tickets?period=1m&limit=2", &admin, None)
        .await;
    assert_eq!(subjects(&first), ["Two", "Ten"]);
    let cursor = first["nextCursor"].as_str().unwrap();
    let next = w
        .ok(
            "GET",
            &format!("/api/v1/tickets?period=1m&limit=2&cursor={cursor}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(subjects(&next), ["Twenty"]);

    let csv = w
        .call("GET", "/api/v1/tickets?period=2w&format=csv", &admin, None)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(
        lines[0],
        "Case number,Subject,Severity,Product,Status,Date/Time Opened"
    );
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].starts_with("4,Two,,Partner Console,New,"),
        "{}",
        lines[1]
    );
}

fn feedback(category: &str) -> Value {
    json!({"category": category, "comments": "The case page\nis clear.",
        "rating": {"content": 5, "design": 4, "usability": 4, "overall": 5, "easeOfUse": 3},
        "wouldRecommend": "yes"})
}

#[tokio::test]
async fn feedback_is_stored_for_operators_and_bad_ratings_are_refused() {
    let w = world().await;
    let admin = w.partner("fe@feedback.example.com", "Feedback Co").await;
    let mut bad = feedback("suggestion");
    bad["rating"]["design"] = json!(6);
    let before = w.stack.items().await.len();
    let a = w.call("POST", "/api/v1/feedback", &admin, Some(&bad)).await;
    assert_problem(&a, 422);
    assert_eq!(a.body["errors"][0]["field"], "rating.design");
    assert_eq!(w.stack.items().await.len(), before);
    let ok = w
        .call(
            "POST",
            "/api/v1/feedback",
            &admin,
            Some(&feedback("suggestion")),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let state = w.stack.state.clone();
    let month = Utc::now().format("%Y-%m").to_string();
    let listed = infra::operator::support::feedback(&state, &month)
        .await
        .unwrap();
    let mine: Vec<_> = listed
        .iter()
        .filter(|f| f.user_email == "fe@feedback.example.com")
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].comments, "The case page\nis clear.");
    assert_eq!(mine[0].rating.ease_of_use, 3);
    assert_eq!(mine[0].would_recommend, domain::support::Recommend::Yes);
}

#[tokio::test]
async fn following_can_be_turned_off_and_on() {
    let w = world().await;
    let admin = w.partner("fo@follow.example.com", "Follow Co").await;
    let t = w.open(&admin, "Follow me").await;
    let id = t["id"].as_str().unwrap();
    let path = format!("/api/v1/tickets/{id}/follow");
    assert_eq!(
        w.call("DELETE", &path, &admin, None).await.status,
        StatusCode::NO_CONTENT
    );
    let d = w
        .ok("GET", &format!("/api/v1/tickets/{id}"), &admin, None)
        .await;
    assert_eq!(d["following"], false);
    let state = w.stack.state.clone();
    let (p, tid) = (
        PartnerId::parse(&w.partner_id(&admin).await).unwrap(),
        TicketId::parse(id).unwrap(),
    );
    let sent = infra::operator::support::comment(&state, &p, &tid, "Sam", "Hello")
        .await
        .unwrap();
    assert_eq!(sent, 0);
    assert_eq!(
        w.call("PUT", &path, &admin, None).await.status,
        StatusCode::NO_CONTENT
    );
    let d = w
        .ok("GET", &format!("/api/v1/tickets/{id}"), &admin, None)
        .await;
    assert_eq!(d["following"], true);
}

#[tokio::test]
async fn the_listing_and_the_detail_cost_one_query_each_whatever_the_case_holds() {
    let w = world().await;
    let admin = w.partner("bu@budget.example.com", "Budget Co").await;
    let t = w.open(&admin, "Budget").await;
    let id = t["id"].as_str().unwrap();
    for n in 0..3 {
        w.ok(
            "POST",
            &format!("/api/v1/tickets/{id}/comments"),
            &admin,
            Some(&json!({"text": format!("Comment {n}")})),
        )
        .await;
    }
    let dynamodb = |w: &World| -> u64 {
        w.stack
            .counter
            .snapshot()
            .iter()
            .filter(|((service, _), _)| service == "DynamoDB")
            .map(|(_, n)| n)
            .sum()
    };
    for path in [
        "/api/v1/tickets".to_string(),
        format!("/api/v1/tickets/{id}"),
    ] {
        w.stack.counter.reset();
        w.ok("GET", &path, &admin, None).await;
        // The authorization read (user and partner), then one Query.
        assert_eq!(w.stack.counter.operation("DynamoDB", "Query"), 1, "{path}");
        assert_eq!(dynamodb(&w), 2, "{path}");
    }
    w.stack.counter.reset();
    w.ok(
        "POST",
        &format!("/api/v1/tickets/{id}/comments"),
        &admin,
        Some(&json!({"text": "One more"})),
    )
    .await;
    assert_eq!(
        dynamodb(&w),
        3,
        "authorization, the detail, one transaction"
    );
}
