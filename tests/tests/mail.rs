//! Email delivery (docs/operations.md, "Email delivery"): every message names the SES
//! configuration set and tags its partner and kind; SES's bounce and complaint events,
//! through the notifier, suppress the address for that partner only; the pages show it;
//! an administrator lifts it.

use adapters::mail::Message;
use axum::http::StatusCode;
use domain::mail::{MailKind, MailTags};
use serde_json::{json, Value};
use testkit::http::*;

const IP: &str = "192.0.2.93";
const SUPPRESSIONS: &str = "/api/v1/mail-suppressions";

crate::world::module_world!();

/// SES's event (the sample in events/) for `email`, sent for `partner`.
fn ses_event(sample: &str, partner: Option<&str>, email: &str) -> Value {
    let text = match sample {
        "bounce" => include_str!("../../events/notifier/ses-bounce.json"),
        _ => include_str!("../../events/notifier/ses-complaint.json"),
    };
    let mut e: Value = serde_json::from_str(text).unwrap();
    let (block, list) = match sample {
        "bounce" => ("bounce", "bouncedRecipients"),
        _ => ("complaint", "complainedRecipients"),
    };
    e["detail"][block][list][0]["emailAddress"] = email.into();
    e["detail"]["mail"]["destination"] = json!([email]);
    match partner {
        Some(p) => e["detail"]["mail"]["tags"]["partner"] = json!([p]),
        None => {
            e["detail"]["mail"]["tags"]
                .as_object_mut()
                .unwrap()
                .remove("partner");
        }
    }
    e
}

impl World {
    /// A partner's administrator's token and the partner's id.
    async fn mail_partner(&self, email: &str, company: &str) -> (String, String) {
        let (me, token) = self.partner_account(email, company).await;
        (token, me["partner"]["id"].as_str().unwrap().to_string())
    }

    /// What the notifier answers to `event`.
    async fn notify(&self, event: Value) -> Value {
        notifier::handle(&self.stack.function("notifier"), event)
            .await
            .unwrap()
    }

    async fn audited(&self, action: &str) -> Vec<Value> {
        self.stack
            .items_json()
            .await
            .into_iter()
            .filter(|i| i["kind"] == "AuditRecord" && i["action"] == action)
            .collect()
    }

    fn mail_to(&self, email: &str) -> Vec<String> {
        self.stack
            .outbox_messages()
            .into_iter()
            .filter(|m| m.contains(&format!("To: {email}\r\n")))
            .collect()
    }

    async fn lift(&self, token: &str, email: &str) -> Answer {
        call(
            &self.users,
            "DELETE",
            &format!("{SUPPRESSIONS}/{email}"),
            token,
            None,
            IP,
        )
        .await
    }
}

#[tokio::test]
async fn a_message_names_the_configuration_set_its_partner_and_its_kind() {
    let w = world().await;
    let (admin, partner) = w.mail_partner("tags@mail.example.com", "Tagged").await;
    w.add_user(&admin, "new.hire@mail.example.com", "administrator")
        .await;
    let sent = w.mail_to("new.hire@mail.example.com");
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].contains("X-SES-CONFIGURATION-SET: partner-console-mail\r\n"),
        "{}",
        sent[0]
    );
    assert!(
        sent[0].contains(&format!(
            "X-SES-MESSAGE-TAGS: kind=invitation, partner={partner}\r\n"
        )),
        "{}",
        sent[0]
    );
}

#[tokio::test]
async fn a_permanent_bounce_stops_that_partners_mail_to_the_address_until_an_administrator_lifts_it(
) {
    let w = world().await;
    let (admin, partner) = w.mail_partner("owner@bounce.example.com", "Bouncy").await;
    let (_, other) = w.mail_partner("owner@other.example.com", "Other").await;
    let gone = "gone.user@bounce.example.com";
    let user = w.add_user(&admin, gone, "administrator").await;

    let first = w.notify(ses_event("bounce", Some(&partner), gone)).await;
    assert_eq!(first["suppressed"], 1, "{first}");
    // SES delivers an event at least once: the same one again changes nothing.
    let items = w.item_count().await;
    let again = w.notify(ses_event("bounce", Some(&partner), gone)).await;
    assert_eq!(again["already"], 1, "{again}");
    assert_eq!(w.item_count().await, items);
    let audited = w.audited("mail.suppress").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0]["target"], gone);
    assert_eq!(audited[0]["actorEmail"], "ses");
    assert!(audited[0]["actorUserId"].is_null());

    // Shown on the Users list and the user's details.
    let list = get(&w.users, "/api/v1/users", &admin, IP).await;
    let row = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == gone)
        .unwrap()
        .clone();
    assert_eq!(row["mailSuppression"]["label"], "Email bounced");
    assert_eq!(row["mailSuppression"]["reason"], "bounced");
    assert_eq!(row["mailSuppression"]["since"], "2026-12-05T06:41:02.669Z");
    let details = get(&w.users, &format!("/api/v1/users/{user}"), &admin, IP).await;
    assert_eq!(details.body["mailSuppression"]["label"], "Email bounced");

    // Sending the invitation again is refused, and writes and sends nothing.
    let (items, mail) = (w.item_count().await, w.stack.outbox_messages().len());
    let resend = call(
        &w.users,
        "POST",
        &format!("/api/v1/users/{user}/invitation"),
        &admin,
        None,
        IP,
    )
    .await;
    assert_problem(&resend, 409);
    assert_eq!(resend.body["type"], "/problems/address-suppressed");
    assert!(resend.body["detail"]
        .as_str()
        .unwrap()
        .starts_with("Email bounced"));
    assert_eq!(w.item_count().await, items);
    assert_eq!(w.stack.outbox_messages().len(), mail);

    // Any other mail of that partner to the address is left out; another partner's
    // goes, as SES's own suppression list would not allow.
    let message = |p: &str| Message {
        to: vec![gone.to_uppercase()],
        subject: "Alert".into(),
        text: "Something happened".into(),
        tags: MailTags::new(&domain::PartnerId::parse(p).unwrap(), MailKind::Alert),
    };
    let notifier = w.stack.function("notifier");
    let skipped = notifier.send_mail(&message(&partner)).await.unwrap();
    assert_eq!(skipped.message_id, None);
    assert_eq!(skipped.skipped, vec![gone.to_uppercase()]);
    assert_eq!(w.stack.outbox_messages().len(), mail);
    let sent = notifier.send_mail(&message(&other)).await.unwrap();
    assert!(sent.message_id.is_some() && sent.skipped.is_empty());
    assert_eq!(w.stack.outbox_messages().len(), mail + 1);

    // Another partner's administrator cannot see or lift it.
    let (other_admin, _) = w.mail_partner("admin@third.example.com", "Third").await;
    assert_problem(&w.lift(&other_admin, gone).await, 404);

    // Lifted by an administrator: audited, shown no more, and the mail goes again.
    let lifted = w.lift(&admin, &gone.to_uppercase()).await;
    assert_eq!(lifted.status, StatusCode::NO_CONTENT, "{}", lifted.text);
    let audited = w.audited("mail.liftSuppression").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0]["target"], gone);
    assert_problem(&w.lift(&admin, gone).await, 404);
    assert_problem(&w.lift(&admin, "not-an-address").await, 404);
    let details = get(&w.users, &format!("/api/v1/users/{user}"), &admin, IP).await;
    assert!(details.body.get("mailSuppression").is_none());
    let resend = call(
        &w.users,
        "POST",
        &format!("/api/v1/users/{user}/invitation"),
        &admin,
        None,
        IP,
    )
    .await;
    assert_eq!(resend.status, StatusCode::OK, "{}", resend.text);
    assert_eq!(w.mail_to(gone).len(), 2);
}

#[tokio::test]
async fn a_complaint_suppresses_and_a_transient_bounce_or_an_unknown_partner_changes_nothing() {
    let w = world().await;
    let (admin, partner) = w.mail_partner("owner@spam.example.com", "Spammed").await;
    let annoyed = "annoyed@spam.example.com";
    w.add_user(&admin, annoyed, "administrator").await;
    let items = w.item_count().await;

    let mut transient = ses_event("bounce", Some(&partner), annoyed);
    transient["detail"]["bounce"]["bounceType"] = "Transient".into();
    assert!(w.notify(transient).await["ignored"].is_string());
    let unknown = w
        .notify(ses_event(
            "bounce",
            Some(&domain::PartnerId::generate().to_string()),
            annoyed,
        ))
        .await;
    assert!(unknown["ignored"]
        .as_str()
        .unwrap()
        .starts_with("no partner"));
    let untagged = w.notify(ses_event("bounce", None, annoyed)).await;
    assert_eq!(untagged["ignored"], "the message names no partner");
    let not_a_partner = w.notify(ses_event("bounce", Some("nobody"), annoyed)).await;
    assert!(not_a_partner["ignored"].is_string());
    assert_eq!(w.item_count().await, items, "nothing written");

    let done = w
        .notify(ses_event("complaint", Some(&partner), annoyed))
        .await;
    assert_eq!(done["suppressed"], 1, "{done}");
    let list = get(&w.users, "/api/v1/users", &admin, IP).await;
    let row = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == annoyed)
        .unwrap()
        .clone();
    assert_eq!(row["mailSuppression"]["label"], "Marked as spam");
    assert_eq!(row["mailSuppression"]["reason"], "complained");
}

#[tokio::test]
async fn the_customer_profile_shows_its_admins_bounce_and_the_welcome_is_not_sent_again() {
    let w = world().await;
    let (admin, partner) = w
        .mail_partner("owner@welcome.example.com", "Welcomer")
        .await;
    let email = "it@bounced-customer.example.com";
    let customer = w
        .trial_customer(&admin, "Bounced Customer", email, "partnerManaged")
        .await;
    let profile = |w: &World| {
        let admin = admin.clone();
        let path = format!("/api/v1/customers/{}", customer.id);
        let app = w.customers.clone();
        async move { get(&app, &path, &admin, IP).await }
    };
    assert!(profile(&w).await.body.get("adminMailSuppression").is_none());
    w.notify(ses_event("bounce", Some(&partner), email)).await;
    let shown = profile(&w).await;
    assert_eq!(shown.body["adminMailSuppression"]["label"], "Email bounced");

    let (items, mail) = (w.item_count().await, w.stack.outbox_messages().len());
    let welcome = call(
        &w.customers,
        "POST",
        &format!("/api/v1/customers/{}/welcome", customer.id),
        &admin,
        None,
        IP,
    )
    .await;
    assert_problem(&welcome, 409);
    assert_eq!(welcome.body["type"], "/problems/address-suppressed");
    assert_eq!(w.item_count().await, items);
    assert_eq!(w.stack.outbox_messages().len(), mail);

    assert_eq!(w.lift(&admin, email).await.status, StatusCode::NO_CONTENT);
    assert!(profile(&w).await.body.get("adminMailSuppression").is_none());
}
