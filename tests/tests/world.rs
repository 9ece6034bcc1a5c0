//! The test world every module shares: a stack of its own on the local moto (table, user
//! pool, outbox; see `testkit::stack`), every function's router on it, and the arrange
//! steps most tests begin with. A module that needs more (its own event receiver, say)
//! wraps it; [`module_world!`] gives a module the plain one under its own name, so the
//! module's own helpers can be inherent methods.

use axum::{body::Body, http::StatusCode, Router};
use chrono::Utc;
use domain::serial::{Serial, SerialKind};
use serde_json::{json, Value};
use store::serials::{IssuedSerial, ProductGrant};
use testkit::{http::*, TestStack};

/// Where the arrange steps' requests come from.
const IP: &str = "192.0.2.10";

pub struct World {
    pub stack: TestStack,
    pub auth: Router,
    pub licensing: Router,
    pub customers: Router,
    pub portal: Router,
    pub users: Router,
    pub ingest: Router,
    pub dashboard: Router,
    pub alerts: Router,
}

/// A customer added through the Customers page, with its ingestion key (shown once).
pub struct Added {
    pub id: String,
    pub key: String,
}

impl World {
    pub async fn new() -> World {
        World::on(testkit::stack().await)
    }

    /// A world whose domain events go, by `routes` (detail type, function), to `invoke`:
    /// a router standing in for cargo-lambda's invoke API (at [`INVOKE_PATH`]).
    pub async fn with_events(invoke: Router, routes: &[(&str, &str)]) -> World {
        let addr = serve(invoke).await;
        let stack = testkit::stack_with(testkit::Options {
            events: Some(adapters::config::EventMode::Local {
                invoke_url: format!("http://{addr}"),
                routes: routes
                    .iter()
                    .map(|(t, f)| (t.to_string(), f.to_string()))
                    .collect(),
            }),
            ..testkit::Options::default()
        })
        .await;
        World::on(stack)
    }

    /// The routers of every function on `stack`, each with the function's own state.
    pub fn on(stack: TestStack) -> World {
        let of = |name| stack.function(name);
        World {
            auth: auth::app(of("auth")),
            licensing: licensing::app(of("licensing")),
            customers: customers::app(of("customers")),
            portal: portal::app(of("portal")),
            users: users::app(of("users")),
            ingest: ingest::app(of("ingest")),
            dashboard: dashboard::app(of("dashboard")),
            alerts: alerts::app(of("alerts")),
            stack,
        }
    }

    /// A new partner, signed up and signed in: its account (`/me`) and the administrator's
    /// access token.
    pub async fn partner_account(&self, email: &str, company: &str) -> (Value, String) {
        self.stack
            .confirmed_partner(&self.auth, email, company)
            .await
    }

    /// A new partner's administrator's access token.
    pub async fn partner(&self, email: &str, company: &str) -> String {
        self.partner_account(email, company).await.1
    }

    /// A serial number of `kind`, issued to nobody yet.
    pub async fn issue(&self, kind: SerialKind, grant: Option<ProductGrant>) -> Serial {
        let serial = Serial::generate(kind);
        self.stack
            .state
            .table
            .issue_serial(&IssuedSerial {
                serial: serial.clone(),
                issued_at: Utc::now(),
                grant,
                activation: None,
            })
            .await
            .unwrap();
        serial
    }

    /// A partner in the ExSP program: its administrator's access token.
    pub async fn exsp_partner(&self, email: &str, company: &str) -> String {
        let token = self.partner(email, company).await;
        let serial = self.issue(SerialKind::ExspProgram, None).await;
        let a = call(
            &self.licensing,
            "POST",
            "/api/v1/licensing/exsp-serial/activate",
            &token,
            Some(&json!({"serial": serial.as_str()})),
            IP,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        token
    }

    /// Adds the customer `form` describes: its profile.
    pub async fn add_customer(&self, token: &str, form: &Value) -> Value {
        let a = call(
            &self.customers,
            "POST",
            "/api/v1/customers",
            token,
            Some(form),
            IP,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body
    }

    /// A customer in Great Britain, managed as `management`, with a trial of endpoint
    /// protection.
    pub async fn trial_customer(
        &self,
        token: &str,
        name: &str,
        email: &str,
        management: &str,
    ) -> Added {
        let profile = self
            .add_customer(token, &trial_form(name, email, management, "shared"))
            .await;
        Added {
            id: profile["customer"]["id"].as_str().unwrap().to_string(),
            key: profile["ingestionKey"]
                .as_str()
                .expect("the key, shown once")
                .to_string(),
        }
    }

    /// What the endpoint-protection service sends: `body` to the ingestion endpoint `kind`
    /// (`computers` or `events`) of `customer`, with its ingestion key if any.
    pub async fn report_raw(
        &self,
        customer: &str,
        kind: &str,
        key: Option<&str>,
        body: String,
    ) -> Answer {
        let mut req = request("POST", &format!("/api/v1/ingest/{customer}/{kind}"))
            .header("content-type", "application/json");
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        send(&self.ingest, req.body(Body::from(body)).unwrap(), IP).await
    }

    /// [`World::report_raw`] with a key and a JSON body.
    pub async fn report(&self, customer: &str, kind: &str, key: &str, body: &Value) -> Answer {
        self.report_raw(customer, kind, Some(key), body.to_string())
            .await
    }

    /// How many items the table holds (for "writes nothing").
    pub async fn item_count(&self) -> usize {
        self.stack.items().await.len()
    }

    /// A user with a custom role that reads `read` and nothing else: their access token.
    pub async fn reader(&self, admin: &str, email: &str, read: &[&str]) -> String {
        let w = self;
        let users = w.users.clone();
        let role = call(
            &users,
            "POST",
            "/api/v1/roles",
            admin,
            Some(&json!({"name": "Help desk"})),
            IP,
        )
        .await;
        assert_eq!(role.status, StatusCode::CREATED, "{}", role.text);
        let id = role.body["id"].as_str().unwrap();
        let body = json!({"name": "Help desk",
        "access": {"all": null, "readWrite": [], "read": read, "noAccess": [], "defaultLevel": "noAccess"},
        "permissions": {"addCustomers": false, "importCustomers": false, "removeCustomers": false}});
        let saved = call(
            &users,
            "PUT",
            &format!("/api/v1/roles/{id}"),
            admin,
            Some(&body),
            IP,
        )
        .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
        let user = json!({"email": email, "firstName": "Hal", "lastName": "Reader", "role": id});
        let added = call(&users, "POST", "/api/v1/users", admin, Some(&user), IP).await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
        let secret = w.stack.link_secret(email).expect("an invitation");
        let accepted = send(
            &users,
            json_post(
                "/api/v1/invitations/accept",
                &json!({"token": secret, "password": "Another-Passw0rd"}),
            ),
            IP,
        )
        .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
        let s = sign_in(&w.auth, email, "Another-Passw0rd", IP).await;
        s.body["accessToken"].as_str().unwrap().to_string()
    }

    /// A partner user of `role` (a built-in role's name or a custom role's id): their id.
    pub async fn add_user(&self, token: &str, email: &str, role: &str) -> String {
        let a = call(
            &self.users,
            "POST",
            "/api/v1/users",
            token,
            Some(
                &json!({"email": email, "firstName": "Grace", "lastName": "Hopper", "role": role}),
            ),
            IP,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body["id"].as_str().unwrap().to_string()
    }
}

/// Where cargo-lambda's invoke API takes an event for a function.
pub const INVOKE_PATH: &str = "/2015-03-31/functions/{function}/invocations";

/// Serves `app` on a loopback port of its own (an event dispatcher, a webhook receiver).
pub async fn serve(app: Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// The Add Customer form for a customer in Great Britain with a trial of endpoint
/// protection.
pub fn trial_form(name: &str, email: &str, management: &str, communications: &str) -> Value {
    customer_body(
        name,
        email,
        "GB",
        management,
        communications,
        json!([{"product": "endpoint-protection", "type": "trial"}]),
    )
}

/// This module's world: the shared [`World`] under a local name, so the module's own
/// helpers can be inherent methods (they reach the shared ones through `Deref`).
macro_rules! module_world {
    () => {
        struct World(crate::world::World);

        impl std::ops::Deref for World {
            type Target = crate::world::World;
            fn deref(&self) -> &crate::world::World {
                &self.0
            }
        }

        async fn world() -> World {
            World(crate::world::World::new().await)
        }
    };
}
pub(crate) use module_world;
