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

/// The web client's types name operations by id: two handlers of the same name in
/// different functions would give one path the other's request and answer types.
#[test]
fn every_operation_has_an_id_of_its_own() {
    let doc: serde_json::Value = serde_json::from_str(&infra::openapi_json()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op["operationId"].as_str() {
                if let Some(other) = seen.insert(id.to_string(), format!("{method} {path}")) {
                    panic!("operationId {id} names both {other} and {method} {path}");
                }
            }
        }
    }
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

/// The properties of the template's resource `id`.
fn resource(id: &str) -> serde_yaml::Value {
    let text = std::fs::read_to_string(root("template.yaml")).unwrap();
    let template = Template::parse(&text).unwrap();
    let found = template
        .resources()
        .find(|(rid, _, _)| *rid == id)
        .map(|(_, _, p)| p.clone());
    found.unwrap_or_else(|| panic!("template.yaml has no {id}"))
}

fn tagged(value: &serde_yaml::Value) -> (String, String) {
    match value {
        serde_yaml::Value::Tagged(t) => (
            t.tag.to_string(),
            t.value.as_str().unwrap_or_default().to_string(),
        ),
        other => (
            String::new(),
            other.as_str().unwrap_or_default().to_string(),
        ),
    }
}

/// A top-level section of the template (`Parameters`, `Conditions`, `Globals`, ...).
fn section(name: &str) -> serde_yaml::Value {
    let text = std::fs::read_to_string(root("template.yaml")).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    doc[name].clone()
}

/// The condition a resource or output is created under, if any.
fn condition_of(id: &str) -> Option<String> {
    let text = std::fs::read_to_string(root("template.yaml")).unwrap();
    let template = Template::parse(&text).unwrap();
    let found = template
        .resource_values()
        .find(|(rid, _, _)| *rid == id)
        .map(|(_, _, r)| r["Condition"].as_str().map(str::to_string));
    found.unwrap_or_else(|| panic!("template.yaml has no {id}"))
}

/// `!If [condition, then, else]`, as its three parts.
fn branches(value: &serde_yaml::Value) -> (String, serde_yaml::Value, serde_yaml::Value) {
    match value {
        serde_yaml::Value::Tagged(t) if t.tag == "!If" => {
            let parts = t.value.as_sequence().expect("!If takes a list");
            assert_eq!(parts.len(), 3, "{value:?}");
            (
                parts[0].as_str().unwrap().to_string(),
                parts[1].clone(),
                parts[2].clone(),
            )
        }
        other => panic!("not an !If: {other:?}"),
    }
}

/// The parameters a condition reads (every `!Ref` inside it).
fn condition_reads(condition: &str) -> BTreeSet<String> {
    let text = serde_yaml::to_string(&section("Conditions")[condition]).unwrap();
    text.split("!Ref ")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .map(|name| name.trim_end_matches([']', ',']).to_string())
        .collect()
}

#[test]
fn only_cloudfront_reaches_the_api_with_or_without_a_domain_of_its_own() {
    // The API's own domain is optional: a domain counts with its certificate.
    let parameters = section("Parameters");
    for p in ["ApiDomainName", "ApiCertificateArn"] {
        assert_eq!(parameters[p]["Default"], "", "{p} is optional");
    }
    assert_eq!(
        condition_reads("HasApiDomain"),
        BTreeSet::from(["ApiDomainName".into(), "ApiCertificateArn".into()])
    );
    for id in ["ApiDomain", "ApiDomainMapping"] {
        assert_eq!(condition_of(id).as_deref(), Some("HasApiDomain"), "{id}");
    }
    assert_eq!(
        tagged(&resource("ApiDomain")["DomainName"]),
        ("!Ref".into(), "ApiDomainName".into())
    );
    assert_eq!(
        tagged(&resource("ApiDomainMapping")["ApiId"]),
        ("!Ref".into(), "HttpApi".into())
    );
    let zone = serde_yaml::to_string(&section("Conditions")["HasApiHostedZone"]).unwrap();
    assert!(
        zone.contains("!Condition HasApiDomain"),
        "a DNS record only for a domain the stack has: {zone}"
    );

    // With a domain: execute-api is off and CloudFront goes to the domain. Without one:
    // CloudFront goes to execute-api, which must then stay on.
    let (when, with_domain, without) = branches(&resource("HttpApi")["DisableExecuteApiEndpoint"]);
    assert_eq!(when, "HasApiDomain");
    assert_eq!((with_domain, without), (true.into(), false.into()));
    let config = &resource("Distribution")["DistributionConfig"];
    let origin = config["Origins"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|o| o["Id"] == "api")
        .expect("an api origin")
        .clone();
    let (when, with_domain, without) = branches(&origin["DomainName"]);
    assert_eq!(when, "HasApiDomain");
    assert_eq!(
        tagged(&with_domain),
        ("!Ref".into(), "ApiDomainName".into())
    );
    assert_eq!(
        tagged(&without),
        (
            "!Sub".into(),
            "${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}".into()
        ),
        "CloudFront sends /api/* to the HTTP API's own endpoint"
    );

    // Either way the origin carries the secret every function checks (edge_only).
    let header = &origin["OriginCustomHeaders"][0];
    assert_eq!(header["HeaderName"], "x-origin-verify");
    let secret = tagged(&header["HeaderValue"]);
    assert!(secret.1.contains("${OriginVerifySecret}"), "{secret:?}");
    let env = &section("Globals")["Function"]["Environment"]["Variables"];
    assert_eq!(
        tagged(&env["ORIGIN_VERIFY"]),
        secret,
        "the functions expect what CloudFront sends"
    );
}

#[test]
fn the_console_domain_is_optional_and_known_up_front_when_given() {
    let parameters = section("Parameters");
    for p in ["ConsoleDomainName", "ConsoleCertificateArn", "ConsoleUrl"] {
        assert_eq!(parameters[p]["Default"], "", "{p} is optional");
    }
    let pattern = parameters["ConsoleCertificateArn"]["AllowedPattern"]
        .as_str()
        .unwrap();
    assert!(
        pattern.contains(":acm:us-east-1:"),
        "CloudFront's certificates live in us-east-1"
    );
    assert_eq!(
        condition_reads("HasConsoleDomain"),
        BTreeSet::from(["ConsoleDomainName".into(), "ConsoleCertificateArn".into()])
    );

    let config = &resource("Distribution")["DistributionConfig"];
    let no_value = ("!Ref".into(), "AWS::NoValue".into());
    let (when, aliases, without) = branches(&config["Aliases"]);
    assert_eq!(when, "HasConsoleDomain");
    assert_eq!(
        aliases
            .as_sequence()
            .map(|a| a.iter().map(tagged).collect::<Vec<_>>()),
        Some(vec![("!Ref".into(), "ConsoleDomainName".into())])
    );
    assert_eq!(tagged(&without), no_value);
    let (when, certificate, without) = branches(&config["ViewerCertificate"]);
    assert_eq!(when, "HasConsoleDomain");
    assert_eq!(
        tagged(&certificate["AcmCertificateArn"]),
        ("!Ref".into(), "ConsoleCertificateArn".into())
    );
    assert_eq!(certificate["SslSupportMethod"], "sni-only");
    assert_eq!(tagged(&without), no_value);

    // Emails link to ConsoleUrl if given, else to the console's domain; with neither,
    // `make deploy` sets ConsoleUrl from the DistributionUrl output. It reads what the
    // functions got from the ConsoleUrl output, so the two are the same expression.
    let env = &section("Globals")["Function"]["Environment"]["Variables"];
    let (when, given, otherwise) = branches(&env["CONSOLE_URL"]);
    assert_eq!(when, "HasConsoleUrl");
    assert_eq!(tagged(&given), ("!Ref".into(), "ConsoleUrl".into()));
    let (when, domain, nothing) = branches(&otherwise);
    assert_eq!(when, "HasConsoleDomain");
    assert_eq!(
        tagged(&domain),
        ("!Sub".into(), "https://${ConsoleDomainName}".into())
    );
    assert_eq!(nothing, "");
    let outputs = section("Outputs");
    assert_eq!(outputs["ConsoleUrl"]["Value"], env["CONSOLE_URL"]);
    for output in ["DistributionUrl", "DistributionId", "WebBucketName"] {
        assert!(
            outputs.get(output).is_some(),
            "make deploy reads the {output} output"
        );
    }
}

#[test]
fn every_function_runs_on_the_architecture_parameter() {
    let parameter = &section("Parameters")["Architecture"];
    assert_eq!(parameter["Default"], "arm64");
    assert_eq!(
        parameter["AllowedValues"],
        serde_yaml::to_value(["arm64", "x86_64"]).unwrap()
    );
    let globals = &section("Globals")["Function"]["Architectures"];
    let archs: Vec<_> = globals.as_sequence().unwrap().iter().map(tagged).collect();
    assert_eq!(archs, [("!Ref".into(), "Architecture".into())]);
    let text = std::fs::read_to_string(root("template.yaml")).unwrap();
    let template = Template::parse(&text).unwrap();
    for (id, _, function) in template.functions() {
        assert!(
            function["Properties"].get("Architectures").is_none(),
            "{id} sets an architecture of its own"
        );
    }
}

#[test]
fn every_answer_carries_the_security_headers_and_a_policy_the_web_app_passes() {
    let config = &resource("Distribution")["DistributionConfig"];
    let mut behaviours = vec![config["DefaultCacheBehavior"].clone()];
    behaviours.extend(
        config["CacheBehaviors"]
            .as_sequence()
            .unwrap()
            .iter()
            .cloned(),
    );
    for b in &behaviours {
        assert_eq!(
            tagged(&b["ResponseHeadersPolicyId"]),
            ("!Ref".into(), "SecurityHeadersPolicy".into()),
            "{b:?}"
        );
    }
    let headers =
        &resource("SecurityHeadersPolicy")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    let hsts = &headers["StrictTransportSecurity"];
    assert!(hsts["AccessControlMaxAgeSec"].as_u64().unwrap() >= 31_536_000);
    assert_eq!(hsts["IncludeSubdomains"], true);
    assert_eq!(headers["ContentTypeOptions"]["Override"], true);
    assert_eq!(headers["FrameOptions"]["FrameOption"], "DENY");
    assert!(headers["ReferrerPolicy"]["ReferrerPolicy"].is_string());
    let (_, csp) = tagged(&headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]);
    let directives: std::collections::BTreeMap<&str, Vec<&str>> = csp
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            Some((words.next()?, words.collect()))
        })
        .collect();
    assert_eq!(directives["frame-ancestors"], ["'none'"]);
    assert_eq!(directives["default-src"], ["'self'"]);
    assert_eq!(directives["object-src"], ["'none'"]);
    for d in ["script-src", "style-src"] {
        assert_eq!(
            directives[d],
            ["'self'"],
            "{d}: the app's own files and API only"
        );
    }
    // Support ticket attachments are uploaded from the page straight to the files
    // bucket, with presigned PUTs.
    assert_eq!(
        directives["connect-src"],
        ["'self'", "https://${ReportsBucket.RegionalDomainName}"],
        "connect-src: the app's own API, and the files bucket for uploads"
    );
    // Report Customization previews the logo from its presigned link.
    assert!(directives["img-src"].contains(&"https://${LogosBucket.RegionalDomainName}"));

    // Nothing inline in the page the policy is sent with: its one script is a file.
    let page = std::fs::read_to_string(root("web/index.html")).unwrap();
    assert!(
        !page.contains("<style") && !page.contains(" style="),
        "inline styles"
    );
    assert!(!page.contains(" on"), "inline event handlers");
    for script in page.split("<script").skip(1) {
        assert!(
            script.split('>').next().unwrap().contains(" src="),
            "an inline script: {script}"
        );
    }
}

#[test]
fn the_public_routes_are_throttled_below_the_default_each_route_gets() {
    let api = resource("HttpApi");
    let default = &api["DefaultRouteSettings"];
    let (rate, burst) = (
        default["ThrottlingRateLimit"].as_f64().unwrap(),
        default["ThrottlingBurstLimit"].as_u64().unwrap(),
    );
    let routes: BTreeSet<String> = template_routes()
        .into_iter()
        .map(|(_, method, path)| format!("{method} {path}"))
        .collect();
    let limited = api["RouteSettings"].as_mapping().expect("route settings");
    for (key, limits) in limited {
        let key = key.as_str().unwrap();
        assert!(routes.contains(key), "{key} is no route of the API");
        let r = limits["ThrottlingRateLimit"].as_f64().unwrap();
        let b = limits["ThrottlingBurstLimit"].as_u64().unwrap();
        assert!(r < rate && b < burst, "{key}: below the default");
        assert!(
            b as f64 >= r,
            "{key}: a burst of at least a second's requests"
        );
    }
    for public in [
        "POST /api/v1/auth/sign-up",
        "POST /api/v1/auth/sign-in",
        "POST /api/v1/auth/token",
        "POST /api/v1/ingest/{customerId}/computers",
        "POST /api/v1/ingest/{customerId}/events",
    ] {
        assert!(
            limited.contains_key(public),
            "{public} has a limit of its own"
        );
        let doc = std::fs::read_to_string(root("docs/operations.md")).unwrap();
        assert!(
            doc.contains(&format!("`{public}`")),
            "docs/operations.md explains {public}'s limit"
        );
    }
}

#[test]
fn mail_is_sent_from_the_sender_only_and_text_messages_never_to_topics() {
    let policies = testkit::iam::policies(
        &Template::parse(&std::fs::read_to_string(root("template.yaml")).unwrap()).unwrap(),
    )
    .unwrap();
    for (function, statements) in &policies {
        let allows = |action: &'static str| {
            statements
                .iter()
                .filter(move |s| s.allow && s.actions.iter().any(|a| a == action))
        };
        for action in ["ses:SendEmail", "ses:SendRawEmail"] {
            for s in allows(action) {
                let from =
                    &s.condition.as_ref().expect("a condition")["StringEquals"]["ses:FromAddress"];
                assert_eq!(
                    tagged(from),
                    ("!Ref".into(), "MailFrom".into()),
                    "{function}: {action}"
                );
                // With a configuration set, SES authorizes the send on the set as well.
                assert_eq!(
                    s.resources,
                    ["identity/*", "configuration-set/MailConfigurationSet"],
                    "{function}: the account's own identities, through the stack's set"
                );
            }
        }
        if allows("sns:Publish").next().is_some() {
            assert!(
                statements.iter().any(|s| !s.allow
                    && s.actions == ["sns:Publish"]
                    && s.resources == ["arn:aws:sns:*:*:*"]),
                "{function}: text messages only, never a topic"
            );
        }
        for s in allows("iam:PassRole") {
            let to =
                &s.condition.as_ref().expect("a condition")["StringEquals"]["iam:PassedToService"];
            assert_eq!(to, "scheduler.amazonaws.com", "{function}");
        }
    }
}

/// The logical id a `!Ref X` or `!GetAtt X.Attr` names, and the attribute (empty for a
/// `!Ref`).
fn reference(value: &serde_yaml::Value) -> Option<(String, String)> {
    let serde_yaml::Value::Tagged(t) = value else {
        return None;
    };
    match (t.tag.to_string().as_str(), &t.value) {
        ("!Ref", serde_yaml::Value::String(id)) => Some((id.clone(), String::new())),
        ("!GetAtt", serde_yaml::Value::String(path)) => {
            let (id, attr) = path.split_once('.')?;
            Some((id.to_string(), attr.to_string()))
        }
        ("!GetAtt", serde_yaml::Value::Sequence(parts)) => Some((
            parts.first()?.as_str()?.to_string(),
            parts.get(1)?.as_str()?.to_string(),
        )),
        _ => None,
    }
}

fn refers_to(value: &serde_yaml::Value, id: &str) -> bool {
    reference(value).is_some_and(|(r, _)| r == id)
}

/// The event types whose source invokes a function asynchronously.
const ASYNC_EVENTS: [&str; 5] = [
    "EventBridgeRule",
    "Schedule",
    "ScheduleV2",
    "CloudWatchEvent",
    "SNS",
];

/// Operations, read from the template generically (every resource of each type), so a
/// function, queue or API added later without them fails here: each function logs to a
/// log group of its own with a retention, and has an Errors and a Throttles alarm; each
/// queue has a depth alarm; each function invoked asynchronously (a rule, a schedule, or
/// a role that invokes it, as EventBridge Scheduler's) has a retry limit and an on-failure
/// destination; each rule's dead-letter queue is one of the template's queues (so it has
/// its alarm); the HTTP API writes access logs; every alarm notifies the alarm topic.
#[test]
fn every_function_queue_and_api_is_logged_and_alarmed_and_async_failures_are_kept() {
    let text = std::fs::read_to_string(root("template.yaml")).unwrap();
    let template = Template::parse(&text).unwrap();
    let of_type = |kind: &str| -> Vec<(String, serde_yaml::Value)> {
        template
            .resources()
            .filter(|(_, t, _)| *t == kind)
            .map(|(id, _, p)| (id.to_string(), p.clone()))
            .collect()
    };
    let log_groups = of_type("AWS::Logs::LogGroup");
    let queues = of_type("AWS::SQS::Queue");
    let alarms = of_type("AWS::CloudWatch::Alarm");
    let roles = of_type("AWS::IAM::Role");
    assert!(!queues.is_empty() && !alarms.is_empty());
    let has_retention = |value: &serde_yaml::Value| {
        log_groups
            .iter()
            .any(|(id, p)| refers_to(value, id) && !p["RetentionInDays"].is_null())
    };
    let alarmed = |namespace: &str, metric: &str, dimension: &str, target: &str| {
        alarms.iter().any(|(_, a)| {
            a["Namespace"] == namespace
                && a["MetricName"] == metric
                && a["Dimensions"].as_sequence().is_some_and(|ds| {
                    ds.iter()
                        .any(|d| d["Name"] == dimension && refers_to(&d["Value"], target))
                })
        })
    };
    let invoked_by_a_role = |function: &str| {
        roles.iter().any(|(_, role)| {
            let text = serde_yaml::to_string(&role["Policies"]).unwrap_or_default();
            text.contains("lambda:InvokeFunction") && text.contains(&format!("{function}.Arn"))
        })
    };

    let functions = template.functions();
    assert!(functions.len() > 10);
    for (id, _, resource) in &functions {
        let p = &resource["Properties"];
        assert!(
            has_retention(&p["LoggingConfig"]["LogGroup"]),
            "{id}: LoggingConfig.LogGroup is a log group of the template with RetentionInDays"
        );
        assert_eq!(
            p["LoggingConfig"]["LogFormat"], "Text",
            "{id}: our own JSON lines, unwrapped"
        );
        for metric in ["Errors", "Throttles"] {
            assert!(
                alarmed("AWS/Lambda", metric, "FunctionName", id),
                "{id}: no {metric} alarm names it"
            );
        }
        let events: Vec<&serde_yaml::Value> = p["Events"]
            .as_mapping()
            .map(|m| m.values().collect())
            .unwrap_or_default();
        let asynchronous = invoked_by_a_role(id)
            || events
                .iter()
                .any(|e| ASYNC_EVENTS.contains(&e["Type"].as_str().unwrap_or_default()));
        if asynchronous {
            let config = &p["EventInvokeConfig"];
            assert!(
                config["MaximumRetryAttempts"].as_u64().is_some(),
                "{id}: invoked asynchronously, with no retry limit of its own"
            );
            let destination = &config["DestinationConfig"]["OnFailure"];
            assert_eq!(destination["Type"], "SQS", "{id}: on-failure destination");
            assert!(
                queues
                    .iter()
                    .any(|(q, _)| refers_to(&destination["Destination"], q)),
                "{id}: its on-failure destination is one of the template's queues"
            );
        }
        for e in events.iter().filter(|e| e["Type"] == "EventBridgeRule") {
            let dlq = &e["Properties"]["DeadLetterConfig"]["Arn"];
            assert!(
                queues.iter().any(|(q, _)| refers_to(dlq, q)),
                "{id}: a rule's dead-letter queue is one of the template's queues, not one SAM makes"
            );
        }
    }

    for (id, _) in &queues {
        assert!(
            alarms.iter().any(|(_, a)| a["Namespace"] == "AWS/SQS"
                && a["MetricName"] == "ApproximateNumberOfMessagesVisible"
                && a["Dimensions"][0]["Name"] == "QueueName"
                && reference(&a["Dimensions"][0]["Value"])
                    == Some((id.clone(), "QueueName".into()))),
            "{id}: no depth alarm"
        );
    }

    let apis = of_type("AWS::Serverless::HttpApi");
    assert!(!apis.is_empty());
    for (id, api) in &apis {
        let logs = &api["AccessLogSettings"];
        assert!(
            has_retention(&logs["DestinationArn"]),
            "{id}: access logs to a log group with retention"
        );
        let format: serde_json::Value =
            serde_json::from_str(logs["Format"].as_str().unwrap_or_default())
                .expect("the access log format is one JSON object");
        let format = format.to_string();
        for variable in [
            "$context.requestId",
            "$context.identity.sourceIp",
            "$context.routeKey",
            "$context.status",
            "$context.responseLatency",
            "$context.integrationErrorMessage",
        ] {
            assert!(
                format.contains(variable),
                "{id}: access logs lack {variable}"
            );
        }
    }

    for (id, a) in &alarms {
        assert_eq!(a["TreatMissingData"], "notBreaching", "{id}");
        let actions = a["AlarmActions"].as_sequence().cloned().unwrap_or_default();
        assert!(
            actions.iter().any(|v| refers_to(v, "AlarmTopic")),
            "{id}: notifies AlarmTopic"
        );
    }
    // The business metrics' alarms, in the namespace the functions write to.
    for metric in ["ReportsFailed", "NotificationsFailed"] {
        assert!(
            alarms.iter().any(|(_, a)| a["MetricName"] == metric
                && tagged(&a["Namespace"])
                    == ("!Sub".into(), "PartnerConsole/${AWS::StackName}".into())),
            "no alarm on {metric}"
        );
    }
    assert!(
        text.contains("METRICS_NAMESPACE: !Sub \"PartnerConsole/${AWS::StackName}\""),
        "the functions write their metrics to the alarms' namespace"
    );
}
