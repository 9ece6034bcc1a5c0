use chrono::TimeZone;
use serde_json::json;

use super::*;
use crate::{
    customer::{AddCustomerRequest, NewCustomer, ProductSummary},
    role::Role,
    telemetry::Direction,
    user::{ContactPreference, NewUser},
    ContactId, EmailAddress,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 30, 0).unwrap()
}

fn customer(communications: &str) -> Customer {
    account(communications).0
}

fn account(communications: &str) -> (Customer, Vec<Entitlement>) {
    let form: AddCustomerRequest = serde_json::from_value(json!({
        "management": "partnerManaged",
        "communications": communications,
        "company": {"name": "Contoso Dental", "address1": "4 Mill Lane", "city": "York",
                    "postalCode": "YO1 7HH", "country": "gb", "phone": "+44 1904 000000"},
        "contact": {"firstName": "Dee", "lastName": "Okafor", "email": "dee@contoso.example",
                    "phone": "01904 000001", "language": "en", "timeZone": "UTC"},
        "products": [{"product": "endpoint-protection", "type": "trial"}]
    }))
    .unwrap();
    NewCustomer::parse(form)
        .unwrap()
        .build(&PartnerId::generate(), &[], now())
}

fn risk(id: &str, computer: &str, action: RiskAction) -> EventReport {
    EventReport {
        id: id.into(),
        computer_id: computer.into(),
        computer_name: Some(format!("PC-{computer}")),
        occurred_at: now() - Duration::minutes(3),
        detail: EventDetail::RiskDetection {
            risk: "Trojan.Gen.2".into(),
            category: Some("Trojan".into()),
            action,
            file: Some("C:\\Temp\\x.exe".into()),
        },
    }
}

fn user(role: Role, email: &str) -> User {
    NewUser {
        email: EmailAddress::parse(email).unwrap(),
        first_name: "A".into(),
        last_name: "B".into(),
        role,
    }
    .build(&PartnerId::generate(), now())
}

fn rule(categories: &[(Service, Severity)]) -> Rule {
    Rule {
        id: RuleId::generate(),
        partner_id: PartnerId::generate(),
        name: "Errors".into(),
        enabled: true,
        categories: categories
            .iter()
            .map(|(service, severity)| Category {
                service: *service,
                severity: *severity,
            })
            .collect(),
        customers: None,
        computers: Computers {
            scope: ComputerScope::All,
            names: vec![],
        },
        recipients: vec![],
        customer_contacts: false,
        webhook: None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    }
}

fn alert_for(c: &Customer) -> Alert {
    let names = ComputerNames::from([(
        "a1".to_string(),
        ("PC-A1".to_string(), Some("Servers".to_string())),
    )]);
    let raises = unresolved_risks(
        c,
        &[risk("e1", "a1", RiskAction::Unresolved)],
        &names,
        now(),
    );
    Alert::new(&c.partner_id, &raises[0])
}

#[test]
fn every_kind_has_a_service_a_severity_and_an_api_name() {
    for k in AlertKind::ALL {
        assert_eq!(AlertKind::parse(k.as_str()), Some(k));
        assert_eq!(
            serde_json::to_value(k).unwrap(),
            json!(k.as_str()),
            "the API name is the serde name"
        );
    }
    assert_eq!(AlertKind::UnresolvedRisk.severity(), Severity::Error);
    assert_eq!(
        AlertKind::ConsentApproved.severity(),
        Severity::Informational
    );
    assert_eq!(AlertKind::TrialExpiring.service(), Service::Account);
    assert_eq!(AlertKind::ReportFailed.service(), Service::Reports);
    assert_eq!(AlertKind::parse("nope"), None);
    assert_eq!(parse_severity("warning"), Some(Severity::Warning));
    assert!(severity_rank(Severity::Error) < severity_rank(Severity::Informational));
}

#[test]
fn unresolved_risks_raise_one_alert_per_computer_counting_its_events() {
    let c = customer("shared");
    let events = vec![
        risk("e1", "a1", RiskAction::Unresolved),
        risk("e2", "a1", RiskAction::Unresolved),
        risk("e3", "a2", RiskAction::Unresolved),
        risk("e4", "a3", RiskAction::Blocked),
        EventReport {
            id: "e5".into(),
            computer_id: "a3".into(),
            computer_name: None,
            occurred_at: now(),
            detail: EventDetail::Firewall {
                rule: "Block SMB".into(),
                direction: Direction::Inbound,
                remote: None,
            },
        },
    ];
    let names = ComputerNames::from([(
        "a1".to_string(),
        ("Reception-PC".to_string(), Some("Front desk".to_string())),
    )]);
    let raises = unresolved_risks(&c, &events, &names, now());
    assert_eq!(
        raises.len(),
        2,
        "blocked risks and firewall events raise nothing"
    );
    let a1 = &raises[0];
    assert_eq!(a1.occurrences, 2);
    assert_eq!(a1.computer.as_deref(), Some("Reception-PC"));
    assert_eq!(a1.group.as_deref(), Some("Front desk"));
    assert_eq!(a1.severity, Severity::Error);
    assert_eq!(a1.condition, format!("unresolvedRisk#{}#a1", c.id));
    assert!(a1.body.contains("Trojan.Gen.2 (Trojan) in C:\\Temp\\x.exe"));
    assert_eq!(
        raises[1].computer.as_deref(),
        Some("PC-a2"),
        "the event's name when unknown"
    );
    assert_ne!(raises[0].condition, raises[1].condition);
}

#[test]
fn an_intrusion_burst_is_raised_when_the_hour_reaches_the_threshold() {
    let c = customer("shared");
    assert!(intrusion_burst(&c, "2026-11-28T10", 10, 24, 25, now()).is_none());
    let r = intrusion_burst(&c, "2026-11-28T10", 20, 25, 25, now()).unwrap();
    assert_eq!(r.kind, AlertKind::IntrusionBurst);
    assert!(r.body.contains("25 intrusions"));
    assert!(
        intrusion_burst(&c, "2026-11-28T10", 30, 30, 25, now()).is_none(),
        "nothing new"
    );
}

#[test]
fn fleet_conditions_are_raised_when_their_count_moves_and_is_not_zero() {
    let c = customer("shared");
    let mut before = Tally::new();
    before.add(counter::AGENT_UPDATE, 2);
    let mut after = before.clone();
    after.add(counter::DEFINITIONS_UPDATE, 3);
    // Two computers last seen ten days ago: offline longer than seven days.
    let old_day = crate::telemetry::day_of(now() - Duration::days(10));
    after.add(format!("{}{old_day}", counter::SEEN), 2);
    let raises = fleet_conditions(&c, &before, &after, 7, now());
    let kinds: Vec<AlertKind> = raises.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [AlertKind::ComputerOffline, AlertKind::DefinitionsOutOfDate],
        "the agent count did not move"
    );
    assert_eq!(
        raises[0].subject,
        "Computer offline: 2 computers at Contoso Dental"
    );
    assert!(fleet_conditions(&c, &after, &after, 7, now()).is_empty());
    assert!(fleet_conditions(&c, &after, &after, 30, now()).is_empty());
}

#[test]
fn trials_within_seven_days_of_their_end_and_seats_over_capacity_are_raised() {
    let mut c = customer("shared");
    let form_ents = |ends: DateTime<Utc>| {
        let mut e = account("shared").1.remove(0);
        e.state = EntitlementState::Trial { ends_at: ends };
        e
    };
    let soon = form_ents(now() + Duration::days(3));
    let later = form_ents(now() + Duration::days(20));
    let raises = trials_expiring(&c, &[&soon, &later], now());
    assert_eq!(raises.len(), 1);
    assert!(
        raises[0].body.contains("(3 days left)"),
        "{}",
        raises[0].body
    );
    assert_eq!(
        raises[0].condition,
        format!("trialExpiring#{}#{}", c.id, soon.id)
    );

    c.products = vec![ProductSummary {
        product: "endpoint-protection".into(),
        status: "paid".into(),
        capacity: 10,
    }];
    c.seats_used = 10;
    assert!(seats_over_capacity(&c, now()).is_none());
    c.seats_used = 12;
    let r = seats_over_capacity(&c, now()).unwrap();
    assert_eq!(r.subject, "Contoso Dental uses 12 seats of 10");
}

#[test]
fn a_rule_matches_its_categories_companies_and_computers() {
    let c = customer("shared");
    let alert = alert_for(&c);
    let mut r = rule(&[(Service::EndpointProtection, Severity::Error)]);
    assert!(r.matches(&alert));
    r.enabled = false;
    assert!(!r.matches(&alert), "a disabled rule matches nothing");
    r.enabled = true;
    let other = rule(&[(Service::EndpointProtection, Severity::Warning)]);
    assert!(!other.matches(&alert), "another severity");
    r.customers = Some(BTreeSet::from([CustomerId::generate()]));
    assert!(!r.matches(&alert), "another company");
    r.customers = Some(BTreeSet::from([c.id.clone()]));
    assert!(r.matches(&alert));
    r.computers = Computers {
        scope: ComputerScope::Computers,
        names: vec!["pc-a1".into()],
    };
    assert!(r.matches(&alert), "computer names compare without case");
    r.computers = Computers {
        scope: ComputerScope::Groups,
        names: vec!["Workstations".into()],
    };
    assert!(!r.matches(&alert));
    r.computers.names.push("SERVERS".into());
    assert!(r.matches(&alert));
}

#[test]
fn the_plan_respects_contacts_access_and_communications() {
    let c = customer("shared");
    let alert = alert_for(&c);
    let mut admin = user(Role::PartnerAdministrator, "admin@partner.example");
    admin.contacts = vec![
        ContactPreference {
            id: ContactId::generate(),
            kind: ContactType::Email,
            address: "oncall@partner.example".into(),
            primary: true,
        },
        ContactPreference {
            id: ContactId::generate(),
            kind: ContactType::Sms,
            address: "+447700900123".into(),
            primary: false,
        },
    ];
    let plain = user(Role::Administrator, "plain@partner.example");
    let blind = user(Role::Administrator, "blind@partner.example");
    let users = vec![
        (admin.clone(), Visibility::everything()),
        (plain.clone(), Visibility::everything()),
        (blind.clone(), Visibility::Only(BTreeSet::new())),
    ];
    let mut r = rule(&[(Service::EndpointProtection, Severity::Error)]);
    r.customer_contacts = true;
    r.webhook = Some(Webhook {
        url: "https://hooks.example.com/x".into(),
        secret: generate_secret(),
    });
    let audience = Audience {
        users: &users,
        customer: Some(&c),
    };
    let targets: Vec<(Channel, String)> = plan(std::slice::from_ref(&r), &alert, &audience)
        .into_iter()
        .map(|p| (p.channel, p.target))
        .collect();
    assert_eq!(
        targets,
        vec![
            (Channel::Email, "oncall@partner.example".into()),
            (Channel::Sms, "+447700900123".into()),
            (Channel::Email, "plain@partner.example".into()),
            (Channel::Email, "dee@contoso.example".into()),
            (Channel::Webhook, "https://hooks.example.com/x".into()),
        ],
        "all administrators (no recipients named), not the one without access"
    );

    // Named recipients only; the partner keeps communications: no customer contact; a
    // second rule reaching the same people adds nothing.
    let mut kept = c.clone();
    kept.communications = Communications::Partner;
    r.recipients = vec![plain.id.clone(), blind.id.clone()];
    r.webhook = None;
    let twice = vec![r.clone(), r.clone()];
    let audience = Audience {
        users: &users,
        customer: Some(&kept),
    };
    let targets: Vec<String> = plan(&twice, &alert, &audience)
        .into_iter()
        .map(|p| p.target)
        .collect();
    assert_eq!(targets, vec!["plain@partner.example".to_string()]);

    r.enabled = false;
    assert!(
        plan(&[r], &alert, &audience).is_empty(),
        "a disabled rule sends nothing"
    );
}

fn request(value: serde_json::Value) -> Result<RuleForm, Vec<String>> {
    serde_json::from_value::<RuleRequest>(value)
        .unwrap()
        .parse(false)
        .map_err(|e| e.into_iter().map(|f| f.field).collect())
}

#[test]
fn a_rule_form_names_each_bad_field() {
    let ok = request(json!({
        "name": " Errors to the desk ",
        "categories": [{"service": "endpointProtection", "severity": "error"}],
        "computers": {"scope": "groups", "names": ["Servers", "Servers"]},
        "webhook": {"url": "https://hooks.example.com/pmc"}
    }))
    .unwrap();
    assert_eq!(ok.name, "Errors to the desk");
    assert!(ok.enabled);
    assert_eq!(ok.computers.names, ["Servers"]);
    assert_eq!(
        ok.webhook_url.as_deref(),
        Some("https://hooks.example.com/pmc")
    );

    let bad = request(json!({
        "name": "",
        "categories": [],
        "customers": ["cus_nope"],
        "computers": {"scope": "computers", "names": []},
        "recipients": ["usr_x"],
        "webhook": {"url": "http://hooks.example.com/pmc"}
    }))
    .unwrap_err();
    assert_eq!(
        bad,
        [
            "name",
            "categories",
            "customers[0]",
            "computers.names",
            "recipients[0]",
            "webhook.url"
        ]
    );
    let private = request(json!({
        "name": "x",
        "categories": [{"service": "account", "severity": "warning"}],
        "computers": {"scope": "all"},
        "webhook": {"url": "https://10.1.2.3/hook"}
    }))
    .unwrap_err();
    assert_eq!(private, ["webhook.url"]);
}

#[test]
fn webhook_urls_must_be_https_to_a_public_host() {
    let ok = |u: &str| webhook_url(u, false);
    assert!(ok("https://hooks.slack.example.com/services/T0/B0/x").is_ok());
    assert!(ok("https://203.0.113.9/x").is_ok());
    for (bad, why) in [
        ("http://hooks.example.com/x", "https"),
        ("ftp://hooks.example.com/x", "https"),
        ("hooks.example.com/x", "absolute"),
        ("https://user:pw@hooks.example.com/x", "password"),
        ("https://localhost/x", "public host"),
        ("https://intranet/x", "public host"),
        ("https://metadata.google.internal/x", "public host"),
        ("https://127.0.0.1/x", "loopback"),
        ("https://[::1]/x", "loopback"),
        ("https://10.0.0.8/x", "private"),
        ("https://172.16.4.1/x", "private"),
        ("https://192.168.1.1/x", "private"),
        ("https://100.64.0.1/x", "private"),
        ("https://[fd12::1]/x", "private"),
        ("https://169.254.169.254/latest/meta-data", "metadata"),
        ("https://[fd00:ec2::254]/x", "metadata"),
        ("https://169.254.10.10/x", "link-local"),
        ("https://[fe80::1]/x", "link-local"),
        ("https://[::ffff:10.0.0.1]/x", "private"),
        ("https://0.0.0.0/x", "not a host"),
    ] {
        let e = ok(bad).unwrap_err();
        assert!(e.contains(why), "{bad}: {e}");
    }
    // The test-only setting admits loopback, over plain HTTP too, and nothing else.
    assert!(webhook_url("http://127.0.0.1:8080/hook", true).is_ok());
    assert!(webhook_url("http://10.0.0.1/hook", true).is_err());
    assert!(webhook_url("https://169.254.169.254/", true).is_err());
}

#[test]
fn a_signature_verifies_only_for_the_same_secret_body_and_a_fresh_time() {
    let secret = generate_secret();
    assert!(secret.starts_with(WEBHOOK_SECRET_PREFIX));
    let body = br#"{"type":"alert.raised"}"#;
    let ts = now().timestamp();
    let sig = sign(&secret, ts, body);
    assert!(sig.starts_with("v1=") && sig.len() == 3 + 64);
    let t = ts.to_string();
    assert!(verify(&secret, &t, body, &sig, ts + 10));
    assert!(!verify(&secret, &t, b"{}", &sig, ts), "another body");
    assert!(!verify("whsec_other", &t, body, &sig, ts), "another secret");
    assert!(
        !verify(&secret, &(ts + 1).to_string(), body, &sig, ts),
        "another time"
    );
    assert!(
        !verify(&secret, &t, body, &sig, ts + SIGNATURE_TOLERANCE_SECS + 1),
        "stale"
    );
    assert!(!verify(&secret, &t, body, "v1=zz", ts));
    let hook = Webhook {
        url: "https://x.example.com".into(),
        secret: "whsec_abcdefgh".into(),
    };
    assert_eq!(hook.secret_hint(), "whsec_…efgh");
}

#[test]
fn retries_back_off_then_give_up() {
    let delays: Vec<i64> = (1..=MAX_ATTEMPTS)
        .map(|a| retry_delay(a).map_or(-1, |d| d.num_minutes()))
        .collect();
    assert_eq!(delays, [1, 5, 30, 120, -1]);
    assert!(retryable(None));
    assert!(retryable(Some(503)));
    assert!(retryable(Some(429)));
    assert!(!retryable(Some(404)));
    assert!(!retryable(Some(400)));
}

#[test]
fn consent_outcomes_say_what_happened() {
    let c = customer("shared");
    let request: crate::consent::ConsentRequest = serde_json::from_value(json!({
        "id": crate::RequestId::generate(),
        "type": "managementChange",
        "partnerId": c.partner_id,
        "partnerName": "Northwind IT",
        "requestedBy": UserId::generate(),
        "customerId": c.id,
        "customerName": "Contoso Dental",
        "email": "dee@contoso.example",
        "management": "partnerManaged",
        "status": "pending",
        "requestedAt": now(),
        "updatedAt": now(),
        "expiresAt": now(),
        "sentCount": 1
    }))
    .unwrap();
    let r = consent(
        &request,
        ConsentOutcome::Denied,
        Some("Ann Lee".into()),
        now(),
    );
    assert_eq!(r.kind, AlertKind::ConsentDenied);
    assert!(
        r.subject
            .starts_with("Contoso Dental denied: change management to"),
        "{}",
        r.subject
    );
    assert!(r.body.contains("It was sent by Ann Lee."));
    assert_eq!(r.user.as_ref().map(|u| u.1.as_str()), Some("Ann Lee"));
    let e = consent(&request, ConsentOutcome::Expired, None, now());
    assert!(e.subject.starts_with("No answer from Contoso Dental: "));
    assert_eq!(e.user, None);
    assert_ne!(r.condition, e.condition);
}

#[test]
fn an_unanswered_import_names_the_email_typed_not_the_customer() {
    let c = customer("shared");
    let import: crate::consent::ConsentRequest = serde_json::from_value(json!({
        "id": crate::RequestId::generate(),
        "type": "import",
        "partnerId": crate::PartnerId::generate(),
        "partnerName": "Asker IT",
        "requestedBy": UserId::generate(),
        "customerId": c.id,
        "customerName": "Contoso Dental",
        "email": "dee@contoso.example",
        "status": "pending",
        "requestedAt": now(),
        "updatedAt": now(),
        "expiresAt": now(),
        "sentCount": 1
    }))
    .unwrap();
    for outcome in [ConsentOutcome::Expired, ConsentOutcome::Denied] {
        let r = consent(&import, outcome, None, now());
        assert_eq!(r.customer, None, "{outcome:?}");
        let text = format!("{} {}", r.subject, r.body);
        assert!(!text.contains("Contoso"), "{text}");
        assert!(text.contains("dee@contoso.example"), "{text}");
    }
    let approved = consent(&import, ConsentOutcome::Approved, None, now());
    assert_eq!(
        approved.customer.map(|(_, name)| name).as_deref(),
        Some("Contoso Dental")
    );
}

#[test]
fn the_email_and_sms_carry_the_alert_and_its_link() {
    let c = customer("shared");
    let alert = alert_for(&c);
    let (subject, email, sms) = message_text(&alert, "https://console.example/alerts/x");
    assert_eq!(subject, format!("[Error] {}", alert.subject));
    assert!(email.contains("Customer: Contoso Dental\nComputer: PC-A1\n"));
    assert!(email.contains("Open the alert: https://console.example/alerts/x"));
    assert!(sms.ends_with("https://console.example/alerts/x"));
}
