//! The customer's side against the local stack: the welcome link, import and management
//! requests approved by email, the token rules, "Manage customer" sessions and the portal.

use adapters::mail::decode_eml_text;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use domain::token::{self, LinkToken, TokenPurpose};
use serde_json::{json, Value};
use store::consent::token_item;
use testkit::http::*;

const IP: &str = "192.0.2.90";
const CUSTOMERS: &str = "/api/v1/customers";
const ADMIN_PASSWORD: &str = "Customer-Passw0rd";

use crate::world::trial_form as form;

/// The secret of the last link in the newest outbox message to `to`.
fn link_secret(w: &World, to: &str) -> Option<String> {
    w.stack.link_secret(to)
}

crate::world::module_world!();

impl World {
    async fn customer(&self, token: &str, form: &Value) -> String {
        let a = call(&self.customers, "POST", CUSTOMERS, token, Some(form), IP).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body["customer"]["id"].as_str().unwrap().to_string()
    }

    async fn public(&self, path: &str, body: &Value) -> Answer {
        send(&self.portal, json_post(path, body), IP).await
    }

    /// Follows the welcome link sent to `email` and chooses the password.
    async fn set_password(&self, email: &str) {
        let secret = link_secret(self, email).expect("a welcome link");
        let set = self
            .public(
                "/api/v1/welcome/set-password",
                &json!({"token": secret, "password": ADMIN_PASSWORD}),
            )
            .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    }

    async fn admin_session(&self, email: &str) -> String {
        let s = sign_in(&self.auth, email, ADMIN_PASSWORD, IP).await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.text);
        assert_eq!(s.body["account"], "customer");
        s.body["accessToken"].as_str().unwrap().to_string()
    }

    async fn answer(&self, token: Option<&str>, request: &str, verb: &str, secret: &str) -> Answer {
        let path = format!("/api/v1/consent/{request}/{verb}");
        let body = json!({ "token": secret });
        match token {
            Some(t) => call(&self.portal, "POST", &path, t, Some(&body), IP).await,
            None => self.public(&path, &body).await,
        }
    }

    async fn names(&self, token: &str) -> Vec<String> {
        let a = get(&self.customers, CUSTOMERS, token, IP).await;
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    }
}

#[tokio::test]
async fn the_welcome_link_sets_the_customer_admins_password_once() {
    let w = world().await;
    let partner = w.partner("owner@welcome.example", "Welcome MSP").await;
    let sign_up_mail = w.stack.outbox_messages().len();
    w.customer(
        &partner,
        &form("Contoso", "dee@contoso.example", "coManaged", "shared"),
    )
    .await;
    // The customer gets the welcome with the link; the partner a copy without it.
    assert_eq!(w.stack.outbox_messages().len(), sign_up_mail + 2);
    let secret = link_secret(&w, "dee@contoso.example").expect("the customer's link");
    let copy = w
        .stack
        .outbox_messages()
        .into_iter()
        .find(|m| m.contains("To: ann.lee@northwind.example"))
        .and_then(|m| decode_eml_text(&m))
        .expect("the partner's copy");
    assert!(copy.contains("dee@contoso.example"));
    assert!(!copy.contains(&secret), "the copy has no working link");

    let info = w
        .public("/api/v1/links/inspect", &json!({"token": secret}))
        .await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.text);
    assert_eq!(info.body["purpose"], "setPassword");
    assert_eq!(info.body["email"], "dee@contoso.example");

    let weak = w
        .public(
            "/api/v1/welcome/set-password",
            &json!({"token": secret, "password": "short"}),
        )
        .await;
    assert_problem(&weak, 422);
    assert_eq!(weak.body["errors"][0]["field"], "password");
    // The partner sends the welcome again: a new link, to the same people.
    let profile = get(&w.customers, CUSTOMERS, &partner, IP).await;
    let id = profile.body["items"][0]["id"].as_str().unwrap().to_string();
    let welcome_again = format!("{CUSTOMERS}/{id}/welcome");
    let before = w.stack.outbox_messages().len();
    let resent = call(&w.customers, "POST", &welcome_again, &partner, None, IP).await;
    assert_eq!(resent.status, StatusCode::ACCEPTED, "{}", resent.text);
    assert_eq!(w.stack.outbox_messages().len(), before + 2);
    let newer = link_secret(&w, "dee@contoso.example").unwrap();
    assert_ne!(newer, secret);
    // The newer link is the only one that works.
    assert_problem(
        &w.public("/api/v1/links/inspect", &json!({"token": secret}))
            .await,
        404,
    );
    let secret = newer;

    w.set_password("dee@contoso.example").await;
    // Once the admin has a password, nobody can send a link that sets it again.
    let refused = call(&w.customers, "POST", &welcome_again, &partner, None, IP).await;
    assert_problem(&refused, 409);
    assert_eq!(refused.body["type"], "/problems/admin-active");
    let profile = get(&w.customers, &format!("{CUSTOMERS}/{id}"), &partner, IP).await;
    assert_eq!(profile.body["customer"]["adminActive"], true);
    let again = w
        .public(
            "/api/v1/welcome/set-password",
            &json!({"token": secret, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_problem(&again, 410);
    assert_problem(
        &w.public("/api/v1/links/inspect", &json!({"token": secret}))
            .await,
        410,
    );
    assert_problem(
        &w.public(
            "/api/v1/links/inspect",
            &json!({"token": token::generate()}),
        )
        .await,
        404,
    );

    // The customer admin signs in to the portal, not to the partner console.
    let admin = w.admin_session("dee@contoso.example").await;
    let portal = get(&w.portal, "/api/v1/portal", &admin, IP).await;
    assert_eq!(portal.status, StatusCode::OK, "{}", portal.text);
    assert_eq!(portal.body["customer"]["company"]["name"], "Contoso");
    assert_eq!(portal.body["partner"]["name"], "Welcome MSP");
    assert_eq!(portal.body["entitlements"][0]["status"], "trial");
    assert_problem(&get(&w.auth, "/api/v1/me", &admin, IP).await, 403);
    assert_problem(&get(&w.customers, CUSTOMERS, &admin, IP).await, 403);
    let mac = call(
        &w.portal,
        "PATCH",
        "/api/v1/portal/settings",
        &admin,
        Some(&json!({"unmanagedMac": "allow"})),
        IP,
    )
    .await;
    assert_eq!(mac.status, StatusCode::OK, "{}", mac.text);
    assert_eq!(mac.body["customer"]["unmanagedMac"], "allow");
    // The partner's own token is not a portal session.
    assert_problem(&get(&w.portal, "/api/v1/portal", &partner, IP).await, 403);
}

#[tokio::test]
async fn when_the_partner_manages_communications_the_customer_gets_only_the_link() {
    let w = world().await;
    let partner = w.partner("owner@quiet.example", "Quiet MSP").await;
    let sign_up_mail = w.stack.outbox_messages().len();
    w.customer(
        &partner,
        &form("Hush Ltd", "it@hush.example", "partnerManaged", "partner"),
    )
    .await;
    let messages = w.stack.outbox_messages();
    assert_eq!(messages.len(), sign_up_mail + 2);
    // The link to choose a password goes to the customer's own address only: whoever
    // chooses it answers the customer's consent requests.
    let secret = link_secret(&w, "it@hush.example").expect("the customer's link");
    let to_partner: Vec<String> = messages
        .iter()
        .filter(|m| m.contains("To: ann.lee@northwind.example"))
        .filter_map(|m| decode_eml_text(m))
        .collect();
    assert!(to_partner
        .iter()
        .any(|t| t.contains("forward this welcome")));
    assert!(to_partner.iter().all(|t| !t.contains(&secret)));
}

#[tokio::test]
async fn a_second_partner_imports_a_customer_once_its_admin_approves() {
    let w = world().await;
    let first = w.partner("owner@first.example", "First MSP").await;
    let second = w.partner("owner@second.example", "Second MSP").await;
    w.customer(
        &first,
        &form(
            "Fabrikam",
            "it@fabrikam.example",
            "customerManaged",
            "shared",
        ),
    )
    .await;
    w.set_password("it@fabrikam.example").await;

    // Only a malformed email is refused (what else the answer would tell, see the
    // consent tests).
    let bad = call(
        &w.customers,
        "POST",
        "/api/v1/customers/import",
        &second,
        Some(&json!({"email": "bad"})),
        IP,
    )
    .await;
    assert_problem(&bad, 422);

    let asked = call(
        &w.customers,
        "POST",
        "/api/v1/customers/import",
        &second,
        Some(&json!({"email": "IT@fabrikam.example"})),
        IP,
    )
    .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text);
    assert_eq!(asked.body["status"], "pending");
    let request = asked.body["id"].as_str().unwrap().to_string();
    let twice = call(
        &w.customers,
        "POST",
        "/api/v1/customers/import",
        &second,
        Some(&json!({"email": "it@fabrikam.example"})),
        IP,
    )
    .await;
    assert_eq!(twice.status, StatusCode::ACCEPTED, "{}", twice.text);
    assert_eq!(twice.body["id"], request.as_str(), "the pending request");
    assert!(
        w.names(&second).await.is_empty(),
        "nothing changes before approval"
    );

    // Table 2-2 for the second partner.
    let table = get(&w.customers, "/api/v1/consent-requests", &second, IP).await;
    let row = &table.body["items"][0];
    assert_eq!(row["email"], "it@fabrikam.example");
    assert_eq!(row["status"], "pending");
    assert!(row["requestedAt"].is_string() && row["updatedAt"].is_string());

    let secret = link_secret(&w, "it@fabrikam.example").expect("the request email");
    let info = w
        .public("/api/v1/links/inspect", &json!({"token": secret}))
        .await;
    assert_eq!(info.body["request"]["partnerName"], "Second MSP");
    assert_problem(&w.answer(None, &request, "approve", &secret).await, 401);
    assert_problem(
        &w.answer(Some(&second), &request, "approve", &secret).await,
        403,
    );
    let admin = w.admin_session("it@fabrikam.example").await;
    let approved = w.answer(Some(&admin), &request, "approve", &secret).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.body["status"], "approved");
    assert_problem(
        &w.answer(Some(&admin), &request, "approve", &secret).await,
        410,
    );

    assert_eq!(w.names(&second).await, ["Fabrikam"]);
    assert!(
        w.names(&first).await.is_empty(),
        "the customer moved to the second partner"
    );
    let csv = get(
        &w.customers,
        "/api/v1/consent-requests?format=csv",
        &second,
        IP,
    )
    .await;
    assert!(
        csv.text.contains(",it@fabrikam.example,approved,"),
        "{}",
        csv.text
    );
}

#[tokio::test]
async fn link_rules_used_expired_other_request_other_customer() {
    let w = world().await;
    let partner = w.partner("owner@rules.example", "Rules MSP").await;
    let c1 = w
        .customer(
            &partner,
            &form("One Ltd", "it@one.example", "customerManaged", "shared"),
        )
        .await;
    let c2 = w
        .customer(
            &partner,
            &form("Two Ltd", "it@two.example", "customerManaged", "shared"),
        )
        .await;
    w.set_password("it@one.example").await;
    w.set_password("it@two.example").await;
    let ask = |c: String| {
        let w = &w;
        let partner = partner.clone();
        async move {
            let a = call(
                &w.customers,
                "POST",
                &format!("{CUSTOMERS}/{c}/management"),
                &partner,
                Some(&json!({"management": "coManaged"})),
                IP,
            )
            .await;
            assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
            a.body["requests"][0]["id"].as_str().unwrap().to_string()
        }
    };
    let r1 = ask(c1.clone()).await;
    let s1 = link_secret(&w, "it@one.example").unwrap();
    let r2 = ask(c2.clone()).await;
    let s2 = link_secret(&w, "it@two.example").unwrap();
    let one = w.admin_session("it@one.example").await;
    let two = w.admin_session("it@two.example").await;

    // A token bound to another request (or customer) is not found.
    assert_problem(&w.answer(Some(&one), &r1, "approve", &s2).await, 404);
    assert_problem(&w.answer(Some(&two), &r2, "approve", &s1).await, 404);
    // The right link, but another customer's admin.
    let wrong_admin = w.answer(Some(&two), &r1, "approve", &s1).await;
    assert_problem(&wrong_admin, 403);
    // Expired: the stored link's time has passed.
    let hash = token::hash(&s2).unwrap();
    let mut expired: LinkToken = w
        .stack
        .state
        .table
        .find_token(&hash)
        .await
        .unwrap()
        .unwrap();
    expired.expires_at = Utc::now() - Duration::minutes(1);
    w.stack
        .state
        .table
        .put(token_item(&expired).unwrap())
        .await
        .unwrap();
    assert_problem(&w.answer(Some(&two), &r2, "approve", &s2).await, 410);
    // Denied: nothing changes; the link is then used.
    let denied = w.answer(Some(&one), &r1, "deny", &s1).await;
    assert_eq!(denied.status, StatusCode::OK, "{}", denied.text);
    assert_eq!(denied.body["status"], "denied");
    assert_problem(&w.answer(Some(&one), &r1, "approve", &s1).await, 410);
    let profile = get(&w.customers, &format!("{CUSTOMERS}/{c1}"), &partner, IP).await;
    assert_eq!(profile.body["customer"]["management"], "customerManaged");
    assert_eq!(profile.body["requests"][0]["status"], "denied");
    assert_eq!(expired.purpose, TokenPurpose::Consent);
}

#[tokio::test]
async fn partner_management_needs_approval_then_manage_customer_opens_the_portal() {
    let w = world().await;
    let partner = w.partner("owner@manage.example", "Manage MSP").await;
    let other = w.partner("owner@other.example", "Other MSP").await;
    let id = w
        .customer(
            &partner,
            &form(
                "Tailspin",
                "it@tailspin.example",
                "customerManaged",
                "shared",
            ),
        )
        .await;
    w.set_password("it@tailspin.example").await;
    let admin = w.admin_session("it@tailspin.example").await;
    let profile_path = format!("{CUSTOMERS}/{id}");

    // Customer-managed: no Manage customer.
    let manage = format!("{profile_path}/manage");
    assert_problem(
        &call(&w.customers, "POST", &manage, &partner, None, IP).await,
        409,
    );

    let asked = call(
        &w.customers,
        "POST",
        &format!("{profile_path}/management"),
        &partner,
        Some(&json!({"management": "partnerManaged"})),
        IP,
    )
    .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text);
    assert_eq!(
        asked.body["customer"]["management"], "customerManaged",
        "pending until approved"
    );
    assert_eq!(asked.body["requests"][0]["status"], "pending");
    let request = asked.body["requests"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let same = call(
        &w.customers,
        "POST",
        &format!("{profile_path}/management"),
        &partner,
        Some(&json!({"management": "customerManaged"})),
        IP,
    )
    .await;
    assert_problem(&same, 422);

    // The portal lists the pending request for the admin.
    let portal = get(&w.portal, "/api/v1/portal", &admin, IP).await;
    assert_eq!(portal.body["pendingRequests"][0]["id"], request.as_str());
    let secret = link_secret(&w, "it@tailspin.example").unwrap();
    let approved = w.answer(Some(&admin), &request, "approve", &secret).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    let profile = get(&w.customers, &profile_path, &partner, IP).await;
    assert_eq!(profile.body["customer"]["management"], "partnerManaged");
    assert_eq!(profile.body["partnerMayManage"], true);

    // The customer admin can no longer sign in, nor use a session they still hold.
    let refused = sign_in(&w.auth, "it@tailspin.example", ADMIN_PASSWORD, IP).await;
    assert_problem(&refused, 403);
    assert_eq!(refused.body["type"], "/problems/partner-managed");
    assert_problem(&get(&w.portal, "/api/v1/portal", &admin, IP).await, 403);

    // Manage customer: a short session for this partner user only, audited.
    let session = call(&w.customers, "POST", &manage, &partner, None, IP).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.text);
    let delegation = session.body["token"].as_str().unwrap();
    let open = |token: &str, header: Option<&str>| {
        let mut req = bearer(testkit::http::request("GET", "/api/v1/portal"), token);
        if let Some(h) = header {
            req = req.header(portal::DELEGATION_HEADER, h);
        }
        send(&w.portal, req.body(axum::body::Body::empty()).unwrap(), IP)
    };
    let inside = open(&partner, Some(delegation)).await;
    assert_eq!(inside.status, StatusCode::OK, "{}", inside.text);
    assert_eq!(inside.body["customer"]["id"], id.as_str());
    assert!(inside.body["delegatedUntil"].is_string());
    assert_problem(&open(&partner, None).await, 403);
    assert_problem(&open(&other, Some(delegation)).await, 403);
    assert_problem(&open(&partner, Some(&token::generate())).await, 403);
    assert_problem(
        &call(&w.customers, "POST", &manage, &other, None, IP).await,
        404,
    );
    let audit = w.stack.items_json().await;
    assert!(audit
        .iter()
        .any(|i| i["action"] == "customer.manage" && i["target"] == id.as_str()));
    assert!(audit
        .iter()
        .any(|i| i["action"] == "consent.approve" && i["target"] == request.as_str()));

    // Giving access back needs no consent.
    let back = call(
        &w.customers,
        "POST",
        &format!("{profile_path}/management"),
        &partner,
        Some(&json!({"management": "coManaged"})),
        IP,
    )
    .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    assert_eq!(back.body["customer"]["management"], "coManaged");
    w.admin_session("it@tailspin.example").await;
}

#[tokio::test]
async fn resending_replaces_the_link_and_withdrawing_ends_it() {
    let w = world().await;
    let partner = w.partner("owner@resend.example", "Resend MSP").await;
    let id = w
        .customer(
            &partner,
            &form("Wingtip", "it@wingtip.example", "customerManaged", "shared"),
        )
        .await;
    w.set_password("it@wingtip.example").await;
    let admin = w.admin_session("it@wingtip.example").await;
    let asked = call(
        &w.customers,
        "POST",
        &format!("{CUSTOMERS}/{id}/management"),
        &partner,
        Some(&json!({"management": "coManaged"})),
        IP,
    )
    .await;
    let request = asked.body["requests"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let first = link_secret(&w, "it@wingtip.example").unwrap();

    let resent = call(
        &w.customers,
        "POST",
        &format!("/api/v1/consent-requests/{request}/resend"),
        &partner,
        None,
        IP,
    )
    .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.text);
    assert_eq!(resent.body["sentCount"], 2);
    let second = link_secret(&w, "it@wingtip.example").unwrap();
    assert_ne!(first, second);
    assert_problem(
        &w.answer(Some(&admin), &request, "approve", &first).await,
        404,
    );

    let withdrawn = call(
        &w.customers,
        "POST",
        &format!("/api/v1/consent-requests/{request}/withdraw"),
        &partner,
        None,
        IP,
    )
    .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text);
    assert_eq!(withdrawn.body["status"], "withdrawn");
    assert_problem(
        &w.answer(Some(&admin), &request, "approve", &second).await,
        404,
    );
    assert_problem(
        &call(
            &w.customers,
            "POST",
            &format!("/api/v1/consent-requests/{request}/resend"),
            &partner,
            None,
            IP,
        )
        .await,
        409,
    );
    let pending = get(
        &w.customers,
        "/api/v1/consent-requests?status=pending",
        &partner,
        IP,
    )
    .await;
    assert_eq!(pending.body["items"], json!([]));
    // Another partner cannot see or touch the request.
    let other = w.partner("owner@nosy.example", "Nosy MSP").await;
    assert_problem(
        &call(
            &w.customers,
            "POST",
            &format!("/api/v1/consent-requests/{request}/withdraw"),
            &other,
            None,
            IP,
        )
        .await,
        404,
    );
}

#[tokio::test]
async fn the_signed_in_admin_answers_from_the_portal_and_the_email_link_is_then_used() {
    let w = world().await;
    let partner = w.partner("owner@portal-answer.example", "Answer MSP").await;
    let id = w
        .customer(
            &partner,
            &form("Lamna", "it@lamna.example", "customerManaged", "shared"),
        )
        .await;
    w.set_password("it@lamna.example").await;
    let admin = w.admin_session("it@lamna.example").await;
    let asked = call(
        &w.customers,
        "POST",
        &format!("{CUSTOMERS}/{id}/management"),
        &partner,
        Some(&json!({"management": "coManaged"})),
        IP,
    )
    .await;
    let request = asked.body["requests"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = link_secret(&w, "it@lamna.example").unwrap();
    let portal = get(&w.portal, "/api/v1/portal", &admin, IP).await;
    assert_eq!(portal.body["pendingRequests"][0]["id"], request.as_str());

    // Without the link, only the customer's own admin can answer.
    let path = format!("/api/v1/consent/{request}/approve");
    assert_problem(
        &call(&w.portal, "POST", &path, &partner, Some(&json!({})), IP).await,
        403,
    );
    let approved = call(&w.portal, "POST", &path, &admin, Some(&json!({})), IP).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.body["status"], "approved");
    assert_problem(
        &w.public("/api/v1/links/inspect", &json!({"token": secret}))
            .await,
        410,
    );
    let after = get(&w.portal, "/api/v1/portal", &admin, IP).await;
    assert_eq!(after.body["customer"]["management"], "coManaged");
    assert_eq!(after.body["pendingRequests"], json!([]));
}

#[tokio::test]
async fn removing_a_customer_removes_its_admins_identity_too() {
    let w = world().await;
    let partner = w.partner("owner@remove.example", "Remove MSP").await;
    let id = w
        .customer(
            &partner,
            &form("Gone Ltd", "it@gone.example", "coManaged", "shared"),
        )
        .await;
    w.set_password("it@gone.example").await;
    w.admin_session("it@gone.example").await;
    assert_eq!(w.stack.pool_users_with_email("it@gone.example").await, 1);
    let asked = call(
        &w.customers,
        "POST",
        &format!("{CUSTOMERS}/{id}/management"),
        &partner,
        Some(&json!({"management": "partnerManaged"})),
        IP,
    )
    .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text);
    let secret = link_secret(&w, "it@gone.example").unwrap();
    let removed = call(
        &w.customers,
        "DELETE",
        &format!("{CUSTOMERS}/{id}?confirm=true"),
        &partner,
        None,
        IP,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    assert_eq!(w.stack.pool_users_with_email("it@gone.example").await, 0);
    assert_problem(
        &sign_in(&w.auth, "it@gone.example", ADMIN_PASSWORD, IP).await,
        401,
    );
    // Its requests ended with it, and their links no longer work.
    let requests = get(&w.customers, "/api/v1/consent-requests", &partner, IP).await;
    assert_eq!(requests.body["items"][0]["status"], "cancelled");
    assert_problem(
        &w.public("/api/v1/links/inspect", &json!({"token": secret}))
            .await,
        404,
    );
    let left: Vec<_> = w
        .stack
        .items_json()
        .await
        .into_iter()
        // Audit records stay; links and ended requests expire by TTL (a removed
        // customer's link answers 404: its account is gone).
        .filter(|i| i["customerId"] == id.as_str() && i["kind"] != "AuditRecord")
        .filter(|i| !(i["kind"] == "LinkToken" && i["ttl"].is_number()))
        .filter(|i| !(i["kind"] == "Asked" && i["ttl"].is_number()))
        .filter(|i| {
            !(i["kind"] == "ConsentRequest" && i["status"] == "cancelled" && i["ttl"].is_number())
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
