//! Contracts that keep the code, `template.yaml`, the local router and the committed
//! OpenAPI document saying the same thing.

use std::collections::BTreeSet;

use testkit::resources::Template;

fn root(path: &str) -> String {
    format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
}

type Routes = BTreeSet<(String, String, String)>;

fn code_routes() -> Routes {
    infra::routes().into_iter().collect()
}

fn template_routes() -> Routes {
    let text = std::fs::read_to_string(root("template.yaml")).unwrap();
    Template::parse(&text)
        .unwrap()
        .http_routes()
        .into_iter()
        .collect()
}

/// `[workspace.metadata.lambda.watch.router]`, with `{id}` paths as OpenAPI spells them.
fn watch_routes() -> Routes {
    let text = std::fs::read_to_string(root("Cargo.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let router = doc["workspace"]["metadata"]["lambda"]["watch"]["router"]
        .as_table()
        .expect("a watch router");
    let mut routes = Routes::new();
    for (path, target) in router {
        let entries = target.as_array().expect("per-method entries");
        for e in entries {
            routes.insert((
                e["function"].as_str().unwrap().to_string(),
                e["method"].as_str().unwrap().to_uppercase(),
                path.clone(),
            ));
        }
    }
    routes
}

#[test]
fn every_route_is_in_the_template_and_the_local_router_and_nothing_else_is() {
    let code = code_routes();
    assert!(!code.is_empty());
    assert_eq!(
        template_routes(),
        code,
        "template.yaml vs the functions' routers"
    );
    assert_eq!(
        watch_routes(),
        code,
        "Cargo.toml watch router vs the functions' routers"
    );
}

#[test]
fn the_committed_openapi_document_is_current() {
    let committed = std::fs::read_to_string(root("docs/openapi.json")).unwrap_or_default();
    assert!(
        committed == infra::openapi_json(),
        "docs/openapi.json is stale: run `make openapi` and commit it"
    );
}

#[test]
fn the_openapi_document_is_3_1_with_bearer_auth() {
    let doc: serde_json::Value = serde_json::from_str(&infra::openapi_json()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[test]
fn every_function_has_a_sample_event() {
    for (name, _) in infra::functions() {
        let dir = root(&format!("events/{name}"));
        let count = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{dir} is missing"))
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
            })
            .count();
        assert!(count > 0, "{dir} has no sample event");
    }
}

/// The packages each package depends on, as `Cargo.lock` records them.
fn lock_graph() -> std::collections::BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(root("Cargo.lock")).unwrap();
    let lock: toml::Table = text.parse().unwrap();
    lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p
                .get("dependencies")
                .and_then(|d| d.as_array())
                .map(|d| {
                    d.iter()
                        // "name version" when two versions are locked.
                        .map(|n| n.as_str().unwrap().split(' ').next().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn only_the_report_worker_links_the_renderers_fonts_and_image_code() {
    let graph = lock_graph();
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(p) = todo.pop() {
            if seen.insert(p.clone()) {
                todo.extend(graph.get(&p).cloned().unwrap_or_default());
            }
        }
        seen
    };
    let heavy = [
        "reports", "genpdf", "printpdf", "image", "dejavu", "allsorts", "rusttype",
    ];
    for (function, _) in infra::functions() {
        // The reports function's package is named apart from the renderers' crate.
        let package = if function == "reports" {
            "reports-http"
        } else {
            function
        };
        let linked = reach(package);
        assert!(linked.len() > 1, "{package} is in Cargo.lock");
        for h in heavy {
            assert!(!linked.contains(h), "the {function} function links {h}");
        }
    }
    let worker = reach("report-worker");
    for h in ["reports", "genpdf", "image"] {
        assert!(worker.contains(h), "the report worker renders with {h}");
    }
}

#[test]
fn the_sample_scheduled_run_is_what_a_schedule_hands_the_worker() {
    let sample: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root("events/report-worker/schedule-due.json")).unwrap(),
    )
    .unwrap();
    let partner =
        domain::PartnerId::parse(sample["detail"]["partnerId"].as_str().unwrap()).unwrap();
    let schedule =
        domain::ScheduleId::parse(sample["detail"]["scheduleId"].as_str().unwrap()).unwrap();
    let input = adapters::schedules::input(&partner, &schedule).replace(
        "<aws.scheduler.scheduled-time>",
        sample["time"].as_str().unwrap(),
    );
    let input: serde_json::Value = serde_json::from_str(&input).unwrap();
    assert_eq!(
        input, sample,
        "events/report-worker/schedule-due.json is stale"
    );
}
