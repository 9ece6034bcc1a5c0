//! Administration > Users and User Roles (the guide's chapter 5), through the users
//! function's router against the local stack.

use axum::http::StatusCode;
use serde_json::{json, Value};
use testkit::http::*;

const IP: &str = "192.0.2.90";
const USERS: &str = "/api/v1/users";
const ROLES: &str = "/api/v1/roles";
const CUSTOMERS: &str = "/api/v1/customers";

/// A password the new users choose.
const NEW_PASSWORD: &str = "Another-Passw0rd";

crate::world::module_world!();

impl World {
    async fn partner(&self, email: &str, company: &str) -> (String, String) {
        let (account, token) = self
            .stack
            .confirmed_partner(&self.auth, email, company)
            .await;
        let id = account["user"]["id"].as_str().unwrap().to_string();
        (id, token)
    }

    async fn call(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Answer {
        call(&self.users, method, path, token, body, IP).await
    }

    async fn public(&self, path: &str, body: &Value) -> Answer {
        send(&self.users, json_post(path, body), IP).await
    }

    /// Accepts the invitation sent to `email` and signs in; answers the access token.
    async fn join(&self, email: &str) -> String {
        let secret = self.stack.link_secret(email).expect("an invitation");
        let a = self
            .public(
                "/api/v1/invitations/accept",
                &json!({"token": secret, "password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let s = sign_in(&self.auth, email, NEW_PASSWORD, IP).await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.text);
        s.body["accessToken"].as_str().unwrap().to_string()
    }

    async fn user(&self, token: &str, id: &str) -> Value {
        let a = self
            .call("GET", &format!("{USERS}/{id}"), token, None)
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.body
    }

    async fn patch_user(&self, token: &str, id: &str, body: Value) -> Answer {
        self.call("PATCH", &format!("{USERS}/{id}"), token, Some(&body))
            .await
    }

    async fn customer_names(&self, token: &str) -> Vec<String> {
        let a = get(
            &self.customers,
            &format!("{CUSTOMERS}?limit=100"),
            token,
            IP,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    }
}

#[tokio::test]
async fn an_invited_user_chooses_a_password_once_and_signs_in() {
    let w = world().await;
    let (_, admin) = w.partner("ada@users.example.com", "Engines Ltd").await;
    // The email must not exist anywhere: the partner's own login is taken already.
    let before = w.item_count().await;
    let taken = w
        .call(
            "POST",
            USERS,
            &admin,
            Some(&json!({"email": "ada@users.example.com", "firstName": "A", "lastName": "B", "role": "administrator"})),
        )
        .await;
    assert_problem(&taken, 409);
    let bad = w
        .call(
            "POST",
            USERS,
            &admin,
            Some(&json!({"email": "nope", "firstName": " ", "lastName": "B", "role": "root"})),
        )
        .await;
    assert_problem(&bad, 422);
    let fields: Vec<_> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "firstName", "role"]);
    assert_eq!(w.item_count().await, before, "refused forms write nothing");

    let id = w
        .add_user(&admin, "grace@users.example.com", "administrator")
        .await;
    let listed = w.call("GET", USERS, &admin, None).await;
    assert_eq!(listed.status, StatusCode::OK);
    let row = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["status"], "invited");
    assert_eq!(row["roleName"], "Administrator");
    // Not signed up yet: no password works.
    let early = sign_in(&w.auth, "grace@users.example.com", NEW_PASSWORD, IP).await;
    assert_problem(&early, 401);

    // A new invitation replaces the first link.
    let first = w.stack.link_secret("grace@users.example.com").unwrap();
    let again = w
        .call("POST", &format!("{USERS}/{id}/invitation"), &admin, None)
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(
        again.headers.get("etag").unwrap().to_str().unwrap(),
        format!("\"{}\"", again.body["version"]),
        "the new version, for the next change"
    );
    let second = w.stack.link_secret("grace@users.example.com").unwrap();
    assert_ne!(first, second);
    let stale = w
        .public("/api/v1/invitations/inspect", &json!({"token": first}))
        .await;
    assert_problem(&stale, 410);
    let info = w
        .public("/api/v1/invitations/inspect", &json!({"token": second}))
        .await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.text);
    assert_eq!(info.body["company"], "Engines Ltd");
    assert_eq!(info.body["email"], "grace@users.example.com");
    let weak = w
        .public(
            "/api/v1/invitations/accept",
            &json!({"token": second, "password": "short"}),
        )
        .await;
    assert_problem(&weak, 422);

    // Bad edits are refused whole, naming each field, and change nothing.
    let version = w.user(&admin, &id).await["version"].clone();
    let bad = w
        .patch_user(
            &admin,
            &id,
            json!({"firstName": " ", "role": "rol_nope", "status": "invited"}),
        )
        .await;
    assert_problem(&bad, 422);
    let fields: Vec<_> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["firstName", "role", "status"]);
    let unknown_role = w
        .patch_user(
            &admin,
            &id,
            json!({"role": "rol_0123456789abcdef0123456789abcdef"}),
        )
        .await;
    assert_problem(&unknown_role, 422);
    assert_eq!(w.user(&admin, &id).await["version"], version);

    let token = w.join("grace@users.example.com").await;
    let spent = w
        .public(
            "/api/v1/invitations/accept",
            &json!({"token": second, "password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(&spent, 410);
    let me = w.user(&token, &id).await;
    assert_eq!(me["status"], "active");
    let resend = w
        .call("POST", &format!("{USERS}/{id}/invitation"), &admin, None)
        .await;
    assert_problem(&resend, 409);

    // The list exports as CSV.
    let csv = w
        .call("GET", &format!("{USERS}?format=csv"), &admin, None)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv
        .text
        .starts_with("Email,First Name,Last Name,Role,Status,Created\r\n"));
    assert!(csv
        .text
        .contains("grace@users.example.com,Grace,Hopper,Administrator,active,"));
}

#[tokio::test]
async fn the_partner_always_keeps_a_partner_administrator() {
    let w = world().await;
    let (ada_id, ada) = w.partner("ada@keep.example.com", "Keep Ltd").await;
    // Alone: no demoting, disabling or removing oneself.
    let demote = w
        .patch_user(&ada, &ada_id, json!({"role": "administrator"}))
        .await;
    assert_problem(&demote, 403);
    assert!(demote.body["detail"]
        .as_str()
        .unwrap()
        .contains("cannot change their own role"));
    let disable = w
        .patch_user(&ada, &ada_id, json!({"status": "disabled"}))
        .await;
    assert_problem(&disable, 403);
    let remove = w
        .call("DELETE", &format!("{USERS}/{ada_id}"), &ada, None)
        .await;
    assert_problem(&remove, 409);

    let bob_id = w
        .add_user(&ada, "bob@keep.example.com", "partnerAdministrator")
        .await;
    let bob = w.join("bob@keep.example.com").await;
    // Two partner administrators demote each other at the same moment: the count
    // guards the last one, so exactly one change wins.
    let (a, b) = futures::join!(
        w.patch_user(&ada, &bob_id, json!({"role": "administrator"})),
        w.patch_user(&bob, &ada_id, json!({"role": "administrator"})),
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
    // Whoever was demoted is an administrator now, and the other the last partner
    // administrator.
    let (loser, demoted, survivor) = if a.status == StatusCode::OK {
        (&b, &bob, &ada_id)
    } else {
        (&a, &ada, &bob_id)
    };
    assert_eq!(loser.body["type"], "/problems/last-partner-administrator");
    for answer in [
        w.patch_user(demoted, survivor, json!({"status": "disabled"}))
            .await,
        w.call("DELETE", &format!("{USERS}/{survivor}"), demoted, None)
            .await,
    ] {
        assert_problem(&answer, 403);
    }
    let partner = w
        .stack
        .items_of("Partner")
        .await
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(
        partner.get("partnerAdmins").unwrap().as_n().unwrap(),
        "1",
        "one partner administrator left"
    );
}

#[tokio::test]
async fn a_disabled_user_stops_at_the_next_request_and_cannot_sign_in() {
    let w = world().await;
    let (_, admin) = w.partner("ada@off.example.com", "Off Ltd").await;
    let id = w
        .add_user(&admin, "carl@off.example.com", "administrator")
        .await;
    let carl = w.join("carl@off.example.com").await;
    assert_eq!(w.customer_names(&carl).await.len(), 0);
    let off = w
        .patch_user(&admin, &id, json!({"status": "disabled"}))
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    let refused = get(&w.customers, CUSTOMERS, &carl, IP).await;
    assert_problem(&refused, 403);
    assert_eq!(refused.body["type"], "/problems/user-disabled");
    let again = sign_in(&w.auth, "carl@off.example.com", NEW_PASSWORD, IP).await;
    assert!(
        [401, 403].contains(&again.status.as_u16()),
        "{}",
        again.text
    );
    let on = w.patch_user(&admin, &id, json!({"status": "active"})).await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.text);
    let back = sign_in(&w.auth, "carl@off.example.com", NEW_PASSWORD, IP).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    // Removing frees the login; the audit trail keeps the user's records.
    let gone = w
        .call("DELETE", &format!("{USERS}/{id}"), &admin, None)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(
        w.stack.pool_users_with_email("carl@off.example.com").await,
        0
    );
    let login = sign_in(&w.auth, "carl@off.example.com", NEW_PASSWORD, IP).await;
    assert_problem(&login, 401);
    let records = w.stack.items_of("AuditRecord").await;
    assert!(records.iter().any(|r| r
        .get("actorEmail")
        .and_then(|e| e.as_s().ok())
        .is_some_and(|e| e == "carl@off.example.com")));
}

#[tokio::test]
async fn contact_preferences_are_checked_and_one_is_primary() {
    let w = world().await;
    let (id, token) = w.partner("ada@contacts.example.com", "Contacts Ltd").await;
    let path = format!("{USERS}/{id}/contacts");
    let before = w.user(&token, &id).await;
    for bad in [
        json!({"type": "sms", "address": "07700 900123"}),
        json!({"type": "email", "address": "+447700900123"}),
        json!({"type": "fax", "address": "x"}),
        json!({"type": "sms", "address": "+447700900123", "extra": 1}),
    ] {
        let a = w.call("POST", &path, &token, Some(&bad)).await;
        assert!([400, 422].contains(&a.status.as_u16()), "{bad}: {}", a.text);
    }
    assert_eq!(w.user(&token, &id).await["version"], before["version"]);
    let a = w
        .call(
            "POST",
            &path,
            &token,
            Some(&json!({"type": "email", "address": "Ada@Example.com", "primary": true})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let b = w
        .call(
            "POST",
            &path,
            &token,
            Some(&json!({"type": "sms", "address": "+44 7700 900-123", "primary": true})),
        )
        .await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text);
    let contacts = b.body["contacts"].as_array().unwrap().clone();
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[1]["address"], "+447700900123");
    assert_eq!(
        contacts.iter().filter(|c| c["primary"] == true).count(),
        1,
        "the new primary replaces the old"
    );
    let email_id = contacts[0]["id"].as_str().unwrap();
    let edited = w
        .call(
            "PUT",
            &format!("{path}/{email_id}"),
            &token,
            Some(&json!({"type": "email", "address": "ada@work.example.com", "primary": true})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    assert_eq!(edited.body["contacts"][0]["primary"], true);
    assert_eq!(edited.body["contacts"][1]["primary"], false);
    let deleted = w
        .call("DELETE", &format!("{path}/{email_id}"), &token, None)
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.body["contacts"].as_array().unwrap().len(), 1);
    let missing = w
        .call("DELETE", &format!("{path}/{email_id}"), &token, None)
        .await;
    assert_problem(&missing, 404);
    // A change against an older version is refused, and changes nothing.
    let stale = bearer(request("PATCH", &format!("{USERS}/{id}")), &token)
        .header("if-match", format!("\"{}\"", before["version"]))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"firstName": "Augusta"}).to_string(),
        ))
        .unwrap();
    assert_problem(&send(&w.users, stale, IP).await, 412);
    assert_eq!(w.user(&token, &id).await["firstName"], before["firstName"]);
}

#[tokio::test]
async fn a_custom_role_decides_what_each_customer_shows_from_the_next_request() {
    let w = world().await;
    let (_, admin) = w.partner("ada@roles.example.com", "Roles Ltd").await;
    let a = w
        .trial_customer(&admin, "Acme Read", "it@acme-read.example.com", "coManaged")
        .await
        .id;
    let b = w
        .trial_customer(
            &admin,
            "Bolt Hidden",
            "it@bolt-hidden.example.com",
            "coManaged",
        )
        .await
        .id;
    let other = w.partner("zed@other.example.com", "Other Ltd").await.1;
    let foreign = w
        .trial_customer(&other, "Foreign Co", "it@foreign.example.com", "coManaged")
        .await
        .id;

    // Names: required, unique, and not a built-in role's.
    for (name, status) in [("  ", 422), ("Administrator", 422)] {
        let r = w
            .call("POST", ROLES, &admin, Some(&json!({"name": name})))
            .await;
        assert_problem(&r, status);
    }
    let created = w
        .call("POST", ROLES, &admin, Some(&json!({"name": "Help desk"})))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(
        created.body["access"]["all"], "readWrite",
        "the guide's default"
    );
    let dup = w
        .call("POST", ROLES, &admin, Some(&json!({"name": "help DESK"})))
        .await;
    assert_problem(&dup, 422);
    let role = created.body["id"].as_str().unwrap().to_string();
    let role_path = format!("{ROLES}/{role}");

    let access = |all: Value, read: Value, none: Value, default: &str| json!({"all": all, "readWrite": [], "read": read, "noAccess": none, "defaultLevel": default});
    let permissions = |add, import, remove| json!({"addCustomers": add, "importCustomers": import, "removeCustomers": remove});
    let before = w.item_count().await;
    for bad in [
        // The guide's rules: removing is off with All customers at Read...
        json!({"name": "Help desk", "access": access(json!("read"), json!([]), json!([]), "read"), "permissions": permissions(false, false, true)}),
        // ...and everything is off with All customers at No access.
        json!({"name": "Help desk", "access": access(json!("noAccess"), json!([]), json!([]), "read"), "permissions": permissions(true, false, false)}),
        // A customer at two levels.
        json!({"name": "Help desk", "access": access(json!(null), json!([a]), json!([a]), "read"), "permissions": permissions(false, false, false)}),
        // Another partner's customer.
        json!({"name": "Help desk", "access": access(json!(null), json!([foreign]), json!([]), "read"), "permissions": permissions(false, false, false)}),
    ] {
        let r = w.call("PUT", &role_path, &admin, Some(&bad)).await;
        assert_problem(&r, 422);
    }
    assert_eq!(w.item_count().await, before, "refused roles write nothing");
    let saved = w
        .call(
            "PUT",
            &role_path,
            &admin,
            Some(&json!({"name": "Help desk", "access": access(json!(null), json!([a]), json!([b]), "noAccess"), "permissions": permissions(false, false, false)})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);

    let id = w.add_user(&admin, "hal@roles.example.com", &role).await;
    let hal = w.join("hal@roles.example.com").await;
    // The authorization read: the user and partner, and the custom role (one more read
    // than for a built-in role); then the list's one Query.
    w.stack.counter.reset();
    assert_eq!(w.customer_names(&hal).await, ["Acme Read"]);
    assert_eq!(w.stack.counter.operation("DynamoDB", "BatchGetItem"), 1);
    assert_eq!(w.stack.counter.operation("DynamoDB", "GetItem"), 1);
    assert_eq!(w.stack.counter.operation("DynamoDB", "Query"), 1);
    assert_eq!(w.stack.counter.service("DynamoDB"), 3);
    w.stack.counter.reset();
    w.customer_names(&admin).await;
    assert_eq!(
        w.stack.counter.service("DynamoDB"),
        2,
        "a built-in role: no role read"
    );
    let hidden = get(&w.customers, &format!("{CUSTOMERS}/{b}"), &hal, IP).await;
    assert_problem(&hidden, 404);
    let seen = get(&w.customers, &format!("{CUSTOMERS}/{a}"), &hal, IP).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(seen.body["yourAccess"]["level"], "read");
    assert_eq!(seen.body["yourAccess"]["mayManage"], false);
    let change = call(
        &w.customers,
        "PATCH",
        &format!("{CUSTOMERS}/{a}/settings"),
        &hal,
        Some(&json!({"unmanagedMac": "allow"})),
        IP,
    )
    .await;
    assert_problem(&change, 403);
    let me = get(&w.auth, "/api/v1/me", &hal, IP).await;
    assert_eq!(me.body["roleName"], "Help desk");
    assert_eq!(me.body["can"]["addCustomers"], false);
    assert_eq!(me.body["can"]["viewUsers"], false);
    // A custom role sees only its own user.
    assert_problem(&w.call("GET", USERS, &hal, None).await, 403);
    assert_eq!(w.user(&hal, &id).await["roleName"], "Help desk");

    // Read/Write on A, and a new customer's default level: effective on the next request.
    let etag = format!("\"{}\"", saved.body["version"]);
    let rw = call(
        &w.users,
        "PUT",
        &role_path,
        &admin,
        Some(&json!({"name": "Help desk", "access": {"all": null, "readWrite": [a], "read": [], "noAccess": [b], "defaultLevel": "read"}, "permissions": permissions(true, false, false)})),
        IP,
    )
    .await;
    assert_eq!(rw.status, StatusCode::OK, "{}", rw.text);
    assert_ne!(format!("\"{}\"", rw.body["version"]), etag);
    let change = call(
        &w.customers,
        "PATCH",
        &format!("{CUSTOMERS}/{a}/settings"),
        &hal,
        Some(&json!({"unmanagedMac": "allow"})),
        IP,
    )
    .await;
    assert_eq!(change.status, StatusCode::OK, "{}", change.text);
    let c = w
        .trial_customer(&admin, "Cleo New", "it@cleo-new.example.com", "coManaged")
        .await
        .id;
    let role_now = w.call("GET", &role_path, &admin, None).await;
    assert_eq!(role_now.body["access"]["read"], json!([c]));
    assert_eq!(w.customer_names(&hal).await, ["Acme Read", "Cleo New"]);
    // Hal may add customers now, and sees the one he adds (default level Read).
    let own = w
        .trial_customer(&hal, "Dora Own", "it@dora-own.example.com", "coManaged")
        .await
        .id;
    let seen = get(&w.customers, &format!("{CUSTOMERS}/{own}"), &hal, IP).await;
    assert_eq!(seen.body["yourAccess"]["level"], "read");

    // Removing a customer takes it out of the roles that chose it.
    let removed = call(
        &w.customers,
        "DELETE",
        &format!("{CUSTOMERS}/{c}?confirm=true"),
        &admin,
        None,
        IP,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    let role_now = w.call("GET", &role_path, &admin, None).await;
    assert_eq!(role_now.body["access"]["read"], json!([own]));

    // A role with users is deleted only by moving them.
    let in_use = w.call("DELETE", &role_path, &admin, None).await;
    assert_problem(&in_use, 409);
    let built_in = w
        .call("DELETE", &format!("{ROLES}/administrator"), &admin, None)
        .await;
    assert_problem(&built_in, 403);
    let stale = bearer(
        request("DELETE", &format!("{role_path}?reassignTo=administrator")),
        &admin,
    )
    .header("if-match", "\"1\"")
    .body(axum::body::Body::empty())
    .unwrap();
    assert_problem(&send(&w.users, stale, IP).await, 412);
    let moved = w
        .call(
            "DELETE",
            &format!("{role_path}?reassignTo=administrator"),
            &admin,
            None,
        )
        .await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT, "{}", moved.text);
    assert_eq!(
        w.customer_names(&hal).await,
        ["Acme Read", "Bolt Hidden", "Dora Own"]
    );
    let roles = w.call("GET", ROLES, &admin, None).await;
    let names: Vec<_> = roles
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["userCount"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Partner Administrator".to_string(), 1),
            ("Administrator".to_string(), 1)
        ]
    );
}

#[tokio::test]
async fn an_api_client_acts_with_its_role_until_revoked() {
    let w = world().await;
    let (_, admin) = w.partner("ada@clients.example.com", "Clients Ltd").await;
    let a = w
        .trial_customer(&admin, "Acme Seen", "it@acme-seen.example.com", "coManaged")
        .await
        .id;
    w.trial_customer(
        &admin,
        "Bolt Unseen",
        "it@bolt-unseen.example.com",
        "coManaged",
    )
    .await;
    let role = w
        .call("POST", ROLES, &admin, Some(&json!({"name": "PSA sync"})))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let saved = w
        .call(
            "PUT",
            &format!("{ROLES}/{role}"),
            &admin,
            Some(&json!({"name": "PSA sync", "access": {"all": null, "readWrite": [], "read": [a], "noAccess": [], "defaultLevel": "noAccess"}, "permissions": {"addCustomers": false, "importCustomers": false, "removeCustomers": false}})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let before = w.item_count().await;
    for bad in [
        json!({"name": "x", "role": "partnerAdministrator"}),
        json!({"name": " ", "role": "administrator"}),
    ] {
        assert_problem(
            &w.call("POST", "/api/v1/api-clients", &admin, Some(&bad))
                .await,
            422,
        );
    }
    assert_eq!(w.item_count().await, before);
    let created = w
        .call(
            "POST",
            "/api/v1/api-clients",
            &admin,
            Some(&json!({"name": "PSA sync", "role": role})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["clientId"].as_str().unwrap().to_string();
    let secret = created.body["clientSecret"].as_str().unwrap().to_string();
    let listed = w.call("GET", "/api/v1/api-clients", &admin, None).await;
    assert_eq!(listed.body[0]["clientId"], id.as_str());
    assert!(listed.body[0].get("clientSecret").is_none(), "shown once");
    // Not a user: the Users page does not list it.
    let users = w.call("GET", USERS, &admin, None).await;
    assert_eq!(users.body["items"].as_array().unwrap().len(), 1);

    // The client-credentials grant, form-encoded; a wrong secret is refused.
    let form = |secret: &str| {
        axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/auth/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!(
                "grant_type=client_credentials&client_id={id}&client_secret={secret}"
            )))
            .unwrap()
    };
    assert_problem(&send(&w.auth, form("Wrong-secret-1234"), IP).await, 401);
    let t = send(&w.auth, form(&secret), IP).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    assert_eq!(t.body["token_type"], "Bearer");
    let token = t.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(w.customer_names(&token).await, ["Acme Seen"]);
    let add = call(
        &w.customers,
        "POST",
        CUSTOMERS,
        &token,
        Some(&customer_body(
            "X",
            "x@x-co.example.com",
            "GB",
            "coManaged",
            "shared",
            json!([]),
        )),
        IP,
    )
    .await;
    assert_problem(&add, 403);
    // A person's credentials do not get a client token.
    let person = send(
        &w.auth,
        json_post(
            "/api/v1/auth/token",
            &json!({"grant_type": "client_credentials", "client_id": "ada@clients.example.com", "client_secret": PASSWORD}),
        ),
        IP,
    )
    .await;
    assert_problem(&person, 401);
    let records = w.stack.items_of("AuditRecord").await;
    assert!(records.iter().any(|r| r
        .get("action")
        .and_then(|a| a.as_s().ok())
        .is_some_and(|a| a == "apiClient.token")));

    let revoked = w
        .call("DELETE", &format!("/api/v1/api-clients/{id}"), &admin, None)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
    let after = get(&w.customers, CUSTOMERS, &token, IP).await;
    assert_problem(&after, 401);
    assert_problem(&send(&w.auth, form(&secret), IP).await, 401);
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A well-formed code that is not the current one: an hour old (and, should the hour-old
/// code happen to equal the current one, a day old).
fn stale_code(secret: &str) -> String {
    let now = testkit::totp(secret, now_secs());
    [3600, 86_400]
        .into_iter()
        .map(|ago| testkit::totp(secret, now_secs() - ago))
        .find(|c| *c != now)
        .unwrap()
}

/// Sets up two-step verification for the token's user; answers the secret.
async fn enrol(w: &World, token: &str) -> String {
    let setup = call(&w.auth, "POST", "/api/v1/me/mfa/setup", token, None, IP).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.text);
    let secret = setup.body["secretCode"].as_str().unwrap().to_string();
    assert!(setup.body["otpauthUri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    let wrong = call(
        &w.auth,
        "POST",
        "/api/v1/me/mfa/verify",
        token,
        Some(&json!({"code": stale_code(&secret)})),
        IP,
    )
    .await;
    assert_problem(&wrong, 422);
    let ok = call(
        &w.auth,
        "POST",
        "/api/v1/me/mfa/verify",
        token,
        Some(&json!({"code": testkit::totp_now(&secret).await})),
        IP,
    )
    .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text);
    secret
}

/// Signs in with password and code; answers the access token.
async fn sign_in_with_code(w: &World, email: &str, password: &str, secret: &str) -> String {
    let first = sign_in(&w.auth, email, password, IP).await;
    assert_problem(&first, 401);
    assert_eq!(first.body["type"], "/problems/mfa-required");
    let session = first.body["challenge"].as_str().unwrap().to_string();
    let code = testkit::totp_now(secret).await;
    let second = send(
        &w.auth,
        json_post(
            "/api/v1/auth/sign-in/mfa",
            &json!({"email": email, "session": session, "code": code}),
        ),
        IP,
    )
    .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    second.body["accessToken"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn two_step_verification_is_enrolled_required_and_recovered() {
    let w = world().await;
    let (ada_id, ada) = w.partner("ada@mfa.example.com", "Mfa Ltd").await;
    let bob_id = w
        .add_user(&ada, "bob@mfa.example.com", "administrator")
        .await;
    let bob = w.join("bob@mfa.example.com").await;

    // Requiring it needs it on oneself first; an administrator may not require it.
    let early = w
        .call(
            "PUT",
            "/api/v1/security",
            &ada,
            Some(&json!({"requireMfa": true})),
        )
        .await;
    assert_problem(&early, 409);
    assert_problem(
        &w.call(
            "PUT",
            "/api/v1/security",
            &bob,
            Some(&json!({"requireMfa": true})),
        )
        .await,
        403,
    );
    let secret = enrol(&w, &ada).await;
    let required = w
        .call(
            "PUT",
            "/api/v1/security",
            &ada,
            Some(&json!({"requireMfa": true})),
        )
        .await;
    assert_eq!(required.status, StatusCode::OK, "{}", required.text);

    // Bob has not set it up: /me tells him so, and everything else waits for it.
    let me = get(&w.auth, "/api/v1/me", &bob, IP).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["mfaSetupRequired"], true);
    let blocked = get(&w.customers, CUSTOMERS, &bob, IP).await;
    assert_problem(&blocked, 403);
    assert_eq!(blocked.body["type"], "/problems/mfa-required");
    let bob_secret = enrol(&w, &bob).await;
    assert_eq!(
        get(&w.customers, CUSTOMERS, &bob, IP).await.status,
        StatusCode::OK
    );
    let off = call(&w.auth, "DELETE", "/api/v1/me/mfa", &bob, None, IP).await;
    assert_problem(&off, 409);

    // Signing in now takes the code; a wrong one is refused and audited.
    let first = sign_in(&w.auth, "bob@mfa.example.com", NEW_PASSWORD, IP).await;
    assert_eq!(first.body["type"], "/problems/mfa-required");
    let mfa_step = |code: String| {
        json_post(
            "/api/v1/auth/sign-in/mfa",
            &json!({"email": "bob@mfa.example.com", "session": first.body["challenge"], "code": code}),
        )
    };
    assert_problem(&send(&w.auth, mfa_step("12345".into()), IP).await, 422);
    let wrong = send(&w.auth, mfa_step(stale_code(&bob_secret)), IP).await;
    assert_problem(&wrong, 401);
    assert_eq!(wrong.body["type"], "/problems/mfa-code-mismatch");
    let bob = sign_in_with_code(&w, "bob@mfa.example.com", NEW_PASSWORD, &bob_secret).await;
    assert_eq!(
        get(&w.customers, CUSTOMERS, &bob, IP).await.status,
        StatusCode::OK
    );

    // Bob lost his phone: Ada resets his verification; he signs in with his password
    // alone and is asked to set it up again. Nobody resets their own this way.
    assert_problem(
        &w.call("POST", &format!("{USERS}/{ada_id}/mfa/reset"), &ada, None)
            .await,
        409,
    );
    assert_problem(
        &w.call("POST", &format!("{USERS}/{ada_id}/mfa/reset"), &bob, None)
            .await,
        403,
    );
    let reset = w
        .call("POST", &format!("{USERS}/{bob_id}/mfa/reset"), &ada, None)
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.text);
    let back = sign_in(&w.auth, "bob@mfa.example.com", NEW_PASSWORD, IP).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    let bob = back.body["accessToken"].as_str().unwrap().to_string();
    assert_eq!(
        get(&w.auth, "/api/v1/me", &bob, IP).await.body["mfaSetupRequired"],
        true
    );
    let ada = sign_in_with_code(&w, "ada@mfa.example.com", PASSWORD, &secret).await;
    let actions: Vec<String> = w
        .stack
        .items_of("AuditRecord")
        .await
        .iter()
        .filter_map(|r| r.get("action").and_then(|a| a.as_s().ok()).cloned())
        .collect();
    for a in ["user.enableMfa", "partner.updateSecurity", "user.resetMfa"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
    let _ = ada;
}

#[tokio::test]
async fn customers_joining_and_leaving_at_once_keep_every_role_right() {
    let w = world().await;
    let (_, admin) = w.partner("ada@race.example.com", "Race Ltd").await;
    let role = w
        .call(
            "POST",
            ROLES,
            &admin,
            Some(&json!({"name": "Everyone new"})),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("{ROLES}/{role}");
    let saved = w
        .call(
            "PUT",
            &path,
            &admin,
            Some(&json!({"name": "Everyone new", "access": {"all": null, "defaultLevel": "readWrite"}, "permissions": {"addCustomers": false, "importCustomers": false, "removeCustomers": false}})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let a = w
        .trial_customer(&admin, "Alpha", "it@alpha-race.example.com", "coManaged")
        .await
        .id;
    let b = w
        .trial_customer(&admin, "Beta", "it@beta-race.example.com", "coManaged")
        .await
        .id;
    // Both removals change the role (each takes its customer out): neither is refused.
    let (pa, pb) = (
        format!("{CUSTOMERS}/{a}?confirm=true"),
        format!("{CUSTOMERS}/{b}?confirm=true"),
    );
    let (ra, rb, c) = futures::join!(
        call(&w.customers, "DELETE", &pa, &admin, None, IP),
        call(&w.customers, "DELETE", &pb, &admin, None, IP),
        async {
            w.trial_customer(&admin, "Gamma", "it@gamma-race.example.com", "coManaged")
                .await
                .id
        },
    );
    assert_eq!(ra.status, StatusCode::NO_CONTENT, "{}", ra.text);
    assert_eq!(rb.status, StatusCode::NO_CONTENT, "{}", rb.text);
    let now = w.call("GET", &path, &admin, None).await;
    assert_eq!(now.body["access"]["readWrite"], json!([c]));
}

#[tokio::test]
async fn deleting_a_role_never_makes_an_api_client_a_partner_administrator() {
    let w = world().await;
    let (_, admin) = w
        .partner("ada@role-clients.example.com", "Role Clients Ltd")
        .await;
    let role = w
        .call("POST", ROLES, &admin, Some(&json!({"name": "PSA sync"})))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let created = w
        .call(
            "POST",
            "/api/v1/api-clients",
            &admin,
            Some(&json!({"name": "PSA sync", "role": role})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["clientId"].as_str().unwrap().to_string();
    let secret = created.body["clientSecret"].as_str().unwrap().to_string();
    let deleted = w
        .call(
            "DELETE",
            &format!("{ROLES}/{role}?reassignTo=partnerAdministrator"),
            &admin,
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    let listed = w.call("GET", "/api/v1/api-clients", &admin, None).await;
    assert_eq!(listed.body[0]["role"], "administrator", "{}", listed.text);
    // With a token of its own, it cannot add a partner administrator.
    let form = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/auth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!(
            "grant_type=client_credentials&client_id={id}&client_secret={secret}"
        )))
        .unwrap();
    let t = send(&w.auth, form, IP).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    let token = t.body["access_token"].as_str().unwrap().to_string();
    let added = w
        .call(
            "POST",
            USERS,
            &token,
            Some(
                &json!({"email": "eve@role-clients.example.com", "firstName": "Eve",
                "lastName": "Admin", "role": "partnerAdministrator"}),
            ),
        )
        .await;
    assert_problem(&added, 403);
}
