//! What runs the console outside AWS: the registry of functions and their OpenAPI
//! document, the local stack's resources, and demo data.

pub mod bench;
pub mod demo;
pub mod local_scheduler;
pub mod local_stack;
pub mod operator;
pub mod simulate;

/// Every HTTP function, by binary name, with its part of the OpenAPI document. A function
/// missing here fails the contract tests, which compare this list with `template.yaml`
/// and the local router in `Cargo.toml`.
pub fn functions() -> Vec<(&'static str, utoipa::openapi::OpenApi)> {
    vec![
        ("auth", auth::openapi()),
        ("licensing", licensing::openapi()),
        ("customers", customers::openapi()),
        ("portal", portal::openapi()),
        ("users", users::openapi()),
        ("ingest", ingest::openapi()),
        ("dashboard", dashboard::openapi()),
        ("alerts", alerts::openapi()),
        ("reports", reports_http::openapi()),
        ("report-schedules", report_schedules::openapi()),
        ("support", support::openapi()),
    ]
}

/// The router of the HTTP function named `name` (as in [`functions`]), for running the
/// whole API in one process (tests, demo data).
pub fn app(name: &str, state: adapters::services::AppState) -> Option<axum::Router> {
    Some(match name {
        "auth" => auth::app(state),
        "licensing" => licensing::app(state),
        "customers" => customers::app(state),
        "portal" => portal::app(state),
        "users" => users::app(state),
        "ingest" => ingest::app(state),
        "dashboard" => dashboard::app(state),
        "alerts" => alerts::app(state),
        "reports" => reports_http::app(state),
        "report-schedules" => report_schedules::app(state),
        "support" => support::app(state),
        _ => return None,
    })
}

/// The whole API's OpenAPI 3.1 document (committed as `docs/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut functions = functions().into_iter();
    let (_, mut doc) = functions.next().expect("at least one function");
    for (_, part) in functions {
        doc.merge(part);
    }
    // The answers the shared layers give, on every operation that can get them.
    utoipa::Modify::modify(&api::openapi::CommonResponses, &mut doc);
    // Every problem kind, for clients that branch on a problem's `type`.
    use utoipa::PartialSchema;
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .insert("ProblemType".into(), api::ProblemType::schema());
    doc
}

/// The document as committed: pretty JSON with a final newline.
pub fn openapi_json() -> String {
    let mut text = openapi().to_pretty_json().expect("the document serialises");
    text.push('\n');
    text
}

/// (function, METHOD, path) of every route the functions serve, sorted.
pub fn routes() -> Vec<(String, String, String)> {
    let mut routes = Vec::new();
    for (name, doc) in functions() {
        for (path, item) in doc.paths.paths {
            let methods = [
                ("GET", item.get.is_some()),
                ("PUT", item.put.is_some()),
                ("POST", item.post.is_some()),
                ("DELETE", item.delete.is_some()),
                ("PATCH", item.patch.is_some()),
            ];
            for (method, present) in methods {
                if present {
                    routes.push((name.to_string(), method.to_string(), path.clone()));
                }
            }
        }
    }
    routes.sort();
    routes
}
