//! The summaries: Customer Executive Summary, MSP Executive Summary and Security
//! Overview. They render to PDF and HTML only, so none has a main table.

use super::*;
use crate::telemetry::{offline_count, EndpointSummary};

/// One row per customer: seats in use against the capacity of its live products, as the
/// Customers page's Used and Capacity columns show them.
fn utilization_table(ctx: &Ctx) -> Table {
    let rows = ctx
        .data
        .customers
        .iter()
        .map(|c| {
            let used = i64::from(c.customer.seats_used);
            let capacity = i64::from(c.customer.capacity());
            let products = c
                .customer
                .products
                .iter()
                .map(|p| {
                    format!(
                        "{} ({}, {})",
                        product_name(&p.product),
                        p.status,
                        p.capacity
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            vec![
                customer_name(c).into(),
                products.into(),
                used.into(),
                capacity.into(),
                percent(used, capacity).into(),
            ]
        })
        .collect();
    table(
        "utilization",
        vec![
            text("customer", "Customer", 3),
            text("products", "Products (status, seats)", 4),
            num("used", "Seats used"),
            num("capacity", "Capacity"),
            num("utilization", "Used (%)"),
        ],
        rows,
        "No customers chosen.",
    )
}

const UTILIZATION_NOTE: &str = "Seats used are the customer's activated computers, counted \
    across its products; capacity is the seats of its live trials and subscriptions.";

fn used_and_capacity(ctx: &Ctx) -> (i64, i64) {
    ctx.data.customers.iter().fold((0, 0), |(u, c), d| {
        (
            u + i64::from(d.customer.seats_used),
            c + i64::from(d.customer.capacity()),
        )
    })
}

/// Customer Executive Summary.
pub(super) fn customer_executive(ctx: &Ctx) -> Body {
    let now = EndpointSummary::of(&ctx.current, ctx.now());
    let since = ctx.offline_since();
    let offline = offline_count(&ctx.current, since);
    let alerts = super::alerts::in_period(ctx);
    let open = alerts
        .iter()
        .filter(|a| a.status == crate::alert::AlertStatus::Open)
        .count() as i64;
    let (used, capacity) = used_and_capacity(ctx);
    let attention = now.agent_update_required
        + now.definition_update_required
        + now.disabled
        + now.activation_required;
    Body {
        figures: vec![
            figure("computers", "Computers", now.computers),
            figure("protected", "Protected", now.protected),
            figure("offline", "Offline for the period", offline),
            ctx.period_figure(counter::DETECTIONS, "Risk detections"),
            ctx.period_figure(counter::INTRUSIONS, "Intrusions prevented"),
            ctx.period_figure(counter::FIREWALL, "Firewall blocks"),
            figure("used", "Seats used", used),
            figure("capacity", "Capacity", capacity),
            percent_figure("utilization", "Capacity used", percent(used, capacity)),
            figure("openAlerts", "Open alerts", open),
        ],
        sections: vec![
            section(
                "Network health",
                vec![
                    paragraph(format!(
                        "The agent is deployed on {}, {} of them protected. Needing attention: \
                         {} (agent or definitions updates, protection disabled, or activation \
                         required).",
                        count(now.computers, "computer", "computers"),
                        now.protected,
                        count(attention, "issue", "issues")
                    )),
                    Block::Table(super::computers::health_table(ctx, since)),
                    note(format!(
                        "Offline: computers not seen since {} GMT, as the Product Deployment \
                         page counts them for the same period. Definitions need an update when \
                         they were more than {} days old at the computer's last check-in. A \
                         computer with several issues is counted under each.",
                        time(since),
                        crate::telemetry::DEFINITIONS_MAX_AGE_DAYS
                    )),
                ],
            ),
            super::activity::detections_section(ctx, "Risk detections"),
            super::activity::top_risks_section(ctx),
            super::activity::intrusions_section(ctx, "Intrusion prevention and firewall"),
            section(
                "Service utilization",
                vec![
                    paragraph("Each customer's seats in use against the capacity it has."),
                    Block::Table(utilization_table(ctx)),
                    note(UTILIZATION_NOTE),
                ],
            ),
            section(
                "Alerts",
                vec![
                    paragraph(format!(
                        "{} raised in the period, {open} still open.",
                        count(alerts.len() as i64, "alert", "alerts")
                    )),
                    Block::Table(super::alerts::by_severity(&alerts)),
                ],
            ),
        ],
    }
}

/// MSP Executive Summary.
pub(super) fn msp_executive(ctx: &Ctx) -> Body {
    use super::billing;
    let within = |t: DateTime<Utc>| t >= ctx.span.from && t < ctx.span.to;
    let new_customers = ctx
        .data
        .customers
        .iter()
        .filter(|c| within(c.customer.created_at))
        .count() as i64;
    let mut new: Vec<(&CustomerData, &crate::entitlement::Entitlement)> = ctx
        .data
        .customers
        .iter()
        .flat_map(|c| c.entitlements.iter().map(move |e| (c, e)))
        .filter(|(_, e)| within(e.created_at))
        .collect();
    new.sort_by_key(|(_, e)| e.created_at);
    let new_trials = new.iter().filter(|(_, e)| e.began_as_trial).count() as i64;
    let capacity_added: i64 = new
        .iter()
        .filter(|(_, e)| !e.began_as_trial)
        .map(|(_, e)| i64::from(e.seats))
        .sum();

    let portfolio = billing::products_now(ctx);
    let products = catalog::CATALOG
        .iter()
        .map(|p| {
            let (seats, paid, trials) = billing::product_now(&portfolio, p.id);
            vec![p.name.into(), trials.into(), paid.into(), seats.into()]
        })
        .collect();

    let usage = billing::usage(ctx);
    let days = billing::by_day(&usage);
    let growth_rows = match (days.first_key_value(), days.last_key_value()) {
        (Some((first, a)), Some((last, b))) => {
            let measures: [(&str, i64, i64); 5] = [
                (
                    "Customers with a live product",
                    a.customers.len() as i64,
                    b.customers.len() as i64,
                ),
                ("Paid subscriptions", a.paid, b.paid),
                ("Paid seats", a.paid_seats, b.paid_seats),
                ("Trials", a.trials, b.trials),
                ("Trial seats", a.trial_seats, b.trial_seats),
            ];
            measures
                .iter()
                .map(|(m, s, e)| {
                    vec![
                        (*m).into(),
                        date(*first).into(),
                        (*s).into(),
                        date(*last).into(),
                        (*e).into(),
                        (e - s).into(),
                    ]
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let growth_chart = Block::Chart(Chart {
        key: "seatsOverTime".into(),
        title: "Seats over time".into(),
        kind: ChartKind::Line,
        labels: days
            .keys()
            .map(|d| d.format("%-d %b").to_string())
            .collect(),
        series: vec![
            ChartSeries {
                name: "Paid seats".into(),
                values: days.values().map(|d| d.paid_seats).collect(),
            },
            ChartSeries {
                name: "Trial seats".into(),
                values: days.values().map(|d| d.trial_seats).collect(),
            },
        ],
    });
    let new_rows = new
        .iter()
        .map(|(c, e)| {
            vec![
                time(e.created_at).into(),
                customer_name(c).into(),
                product_name(&e.product).into(),
                if e.began_as_trial {
                    "Trial"
                } else {
                    "Subscription"
                }
                .into(),
                i64::from(e.seats).into(),
                e.state.name().into(),
            ]
        })
        .collect();

    let mut figures = vec![
        figure("customers", "Customers", ctx.data.customers.len() as i64),
        figure("newCustomers", "New customers", new_customers),
        figure(
            "computers",
            "Computers",
            ctx.current.get(counter::COMPUTERS),
        ),
    ];
    figures.extend(billing::now_figures(ctx));
    figures.extend([
        figure(
            "newSubscriptions",
            "New subscriptions",
            new.len() as i64 - new_trials,
        ),
        figure("newTrials", "New trials", new_trials),
        figure("capacityAdded", "Capacity added", capacity_added),
        ctx.period_figure(counter::DETECTIONS, "Risk detections"),
    ]);
    Body {
        figures,
        sections: vec![
            section(
                "Service utilization",
                vec![
                    paragraph(
                        "The customers' trials and paid subscriptions by product now, and each \
                         customer's seats in use against its capacity.",
                    ),
                    Block::Table(table(
                        "products",
                        vec![
                            text("product", "Product", 3),
                            num("trials", "Trials"),
                            num("paid", "Paid subscriptions"),
                            num("seats", "Paid seats"),
                        ],
                        products,
                        "No products.",
                    )),
                    Block::Table(utilization_table(ctx)),
                    note(format!(
                        "{UTILIZATION_NOTE} Paid subscriptions and paid seats include those \
                         held for trade-compliance review, as My Products counts them."
                    )),
                ],
            ),
            section(
                "Customer and service growth",
                vec![
                    paragraph(format!(
                        "{} added in the period. The table compares the first and the last day \
                         of usage recorded in the period; the chart shows every recorded day.",
                        count(new_customers, "customer", "customers")
                    )),
                    Block::Table(table(
                        "growth",
                        vec![
                            text("measure", "Measure", 3),
                            text("startDay", "First day", 1),
                            num("start", "Then"),
                            text("endDay", "Last day", 1),
                            num("end", "Now"),
                            num("change", "Change"),
                        ],
                        growth_rows,
                        "No usage was recorded in this period.",
                    )),
                    growth_chart,
                ],
            ),
            section(
                "New subscriptions, trials and capacity",
                vec![
                    paragraph(format!(
                        "Started in the period: {} and {}, adding {}.",
                        count(
                            new.len() as i64 - new_trials,
                            "subscription",
                            "subscriptions"
                        ),
                        count(new_trials, "trial", "trials"),
                        count(capacity_added, "paid seat", "paid seats")
                    )),
                    Block::Table(table(
                        "newEntitlements",
                        vec![
                            text("created", "Started (GMT)", 2),
                            text("customer", "Customer", 3),
                            text("product", "Product", 2),
                            text("kind", "Kind", 1),
                            num("seats", "Seats"),
                            text("status", "Status now", 1),
                        ],
                        new_rows,
                        "No subscriptions or trials were started in this period.",
                    )),
                    note(
                        "Capacity added counts the seats of the subscriptions started in the \
                         period, as they are now; trials (50 seats each) are not counted.",
                    ),
                ],
            ),
            super::activity::detections_section(ctx, "Threats"),
            super::activity::top_risks_section(ctx),
            section(
                "Threats by customer",
                vec![Block::Table(super::activity::detections_by_customer(ctx))],
            ),
        ],
    }
}

/// Security Overview.
pub(super) fn security_overview(ctx: &Ctx) -> Body {
    let detections = ctx.period.get(counter::DETECTIONS);
    let intrusions = ctx.period.get(counter::INTRUSIONS);
    let firewall = ctx.period.get(counter::FIREWALL);
    let total = detections + intrusions + firewall;
    let surfaces = [
        ("Risk detections".to_string(), detections),
        ("Intrusions".to_string(), intrusions),
        ("Firewall blocks".to_string(), firewall),
    ];
    let live: Vec<Listed> = ctx
        .listed()
        .into_iter()
        .filter(|l| !l.computer.deleted)
        .collect();
    let by_os = OsFamily::ALL
        .iter()
        .map(|f| {
            let of: Vec<&Computer> = live
                .iter()
                .map(|l| l.computer)
                .filter(|c| c.os.family == *f)
                .collect();
            let count = |p: &dyn Fn(&Computer) -> bool| of.iter().filter(|c| p(c)).count() as i64;
            vec![
                os_label(*f).into(),
                os_count(&ctx.current, *f).into(),
                percent(
                    os_count(&ctx.current, *f),
                    ctx.current.get(counter::COMPUTERS),
                )
                .into(),
                count(&|c| c.status == crate::telemetry::ProtectionStatus::Disabled).into(),
                count(&|c| c.needs_definitions_update()).into(),
                count(&unmanaged_mac).into(),
            ]
        })
        .collect();
    let customers = ctx
        .customers()
        .map(|(c, p)| {
            let d = p.get(counter::DETECTIONS);
            let i = p.get(counter::INTRUSIONS);
            let f = p.get(counter::FIREWALL);
            vec![
                customer_name(c).into(),
                c.current.get(counter::COMPUTERS).into(),
                d.into(),
                p.get(crate::telemetry::RiskAction::Unresolved.name())
                    .into(),
                i.into(),
                f.into(),
                (d + i + f).into(),
            ]
        })
        .collect();
    Body {
        figures: vec![
            figure(
                "computers",
                "Computers",
                ctx.current.get(counter::COMPUTERS),
            ),
            figure(counter::DETECTIONS, "Risk detections", detections),
            figure(counter::INTRUSIONS, "Intrusions", intrusions),
            figure(counter::FIREWALL, "Firewall blocks", firewall),
            figure(
                "unresolved",
                "Unresolved risks",
                ctx.period
                    .get(crate::telemetry::RiskAction::Unresolved.name()),
            ),
        ],
        sections: vec![
            section(
                "Attack surface",
                vec![
                    paragraph(format!(
                        "{} in the period: how they divide between risks found on the \
                         computers, network attacks stopped by intrusion prevention, and \
                         connections the firewall blocked.",
                        count(total, "security event", "security events")
                    )),
                    share_chart(
                        "surfaceShare",
                        "Events by attack surface",
                        "Events",
                        &surfaces,
                    ),
                    Block::Table(share_table(
                        "bySurface",
                        text("surface", "Attack surface", 2),
                        num("events", "Events"),
                        &surfaces,
                        "No events.",
                    )),
                    ctx.line_chart(
                        "eventsOverTime",
                        "Security events over time",
                        &[
                            ("Risk detections", counter::DETECTIONS),
                            ("Intrusions", counter::INTRUSIONS),
                            ("Firewall blocks", counter::FIREWALL),
                        ],
                    ),
                ],
            ),
            section(
                "By operating system",
                vec![
                    paragraph(
                        "The computers exposed, by operating system family, and those a risk \
                         would find weaker: protection disabled, definitions out of date, or a \
                         Mac the console does not manage.",
                    ),
                    Block::Table(table(
                        "byOs",
                        vec![
                            text("os", "Operating system", 2),
                            num("computers", "Computers"),
                            num("share", "Share (%)"),
                            num("disabled", "Protection disabled"),
                            num("definitionUpdateRequired", "Definitions update required"),
                            num("macUnmanaged", "Unmanaged Macs"),
                        ],
                        by_os,
                        "No computers.",
                    )),
                    note(
                        "Events are counted per customer, not per operating system. Deleted \
                         computers are not counted.",
                    ),
                ],
            ),
            section(
                "By customer",
                vec![
                    paragraph("Each customer's security events in the period."),
                    Block::Table(table(
                        "customers",
                        vec![
                            text("customer", "Customer", 3),
                            num("computers", "Computers"),
                            num("detections", "Risk detections"),
                            num("unresolved", "Unresolved"),
                            num("intrusions", "Intrusions"),
                            num("firewall", "Firewall blocks"),
                            num("events", "All events"),
                        ],
                        customers,
                        "No customers chosen.",
                    )),
                ],
            ),
        ],
    }
}
