//! Threat activity: Virus and Risk Activity Summary, Intrusion Prevention Summary,
//! Firewall History and Risk Detection, and the threat sections the summaries share.
//!
//! Detections, intrusions and firewall blocks are counted per customer and bucket (the
//! counters the Endpoint Statistics page reads); the computer lists of these types show
//! the computers at risk, by computer or by group.

use super::*;
use crate::telemetry::{top, RiskAction};

/// Top lists' lengths, as on the Endpoint Statistics page.
const TOP_RISKS: usize = 10;
const TOP_SIGNATURES: usize = 10;

fn action_label(a: RiskAction) -> &'static str {
    match a {
        RiskAction::Blocked => "Blocked",
        RiskAction::Quarantined => "Quarantined",
        RiskAction::Cleaned => "Cleaned",
        RiskAction::Unresolved => "Unresolved",
    }
}

/// `detections` and one figure per action, over the period (the Endpoint Statistics
/// page's `risks.total` and `risks.byAction`).
pub(super) fn detection_figures(ctx: &Ctx) -> Vec<Figure> {
    let mut f = vec![ctx.period_figure(counter::DETECTIONS, "Risk detections")];
    f.extend(
        RiskAction::ALL
            .iter()
            .map(|a| ctx.period_figure(a.name(), action_label(*a))),
    );
    f
}

const UNRESOLVED_NOTE: &str = "Unresolved: the agent detected the risk but could not \
    block, quarantine or clean it, so the computer may still be infected.";

/// Detections by action, as a table and over time.
pub(super) fn detections_section(ctx: &Ctx, heading: &str) -> Section {
    let total = ctx.period.get(counter::DETECTIONS);
    let actions: Vec<(String, i64)> = RiskAction::ALL
        .iter()
        .map(|a| (action_label(*a).to_string(), ctx.period.get(a.name())))
        .collect();
    section(
        heading,
        vec![
            paragraph(format!(
                "The agents detected {} in the period. The table shows what they did about \
                 them, and the chart when they were detected.",
                count(total, "risk", "risks")
            )),
            Block::Table(share_table(
                "detectionsByAction",
                text("action", "Action taken", 2),
                num("detections", "Detections"),
                &actions,
                "No risks detected in this period.",
            )),
            ctx.line_chart(
                "detectionsOverTime",
                "Risk detections over time",
                &[
                    ("Blocked", RiskAction::Blocked.name()),
                    ("Quarantined", RiskAction::Quarantined.name()),
                    ("Cleaned", RiskAction::Cleaned.name()),
                    ("Unresolved", RiskAction::Unresolved.name()),
                ],
            ),
            note(UNRESOLVED_NOTE),
        ],
    )
}

/// The customers a counter of the period is above zero at.
fn customers_with(ctx: &Ctx, name: &str) -> i64 {
    ctx.periods.iter().filter(|t| t.get(name) > 0).count() as i64
}

/// Risks and signatures are counted in day buckets only: say so for the last 24 hours.
fn by_day_only(ctx: &Ctx, what: &str) -> Option<Block> {
    ctx.span.hourly.then(|| {
        note(format!(
            "{what} are counted per day, so they are listed for periods of whole days only \
             (as on the Endpoint Statistics page)."
        ))
    })
}

/// The most detected risks of the period (the Endpoint Statistics page's top risks).
pub(super) fn top_risks_section(ctx: &Ctx) -> Section {
    let rows = top(&ctx.period, counter::RISK, TOP_RISKS)
        .into_iter()
        .map(|(name, n)| {
            let customers = customers_with(ctx, &format!("{}{name}", counter::RISK));
            vec![name.into(), n.into(), customers.into()]
        })
        .collect();
    let mut blocks = vec![
        paragraph(format!(
            "The {TOP_RISKS} risks detected most often in the period, and at how many of the \
             customers."
        )),
        Block::Table(table(
            "topRisks",
            vec![
                text("risk", "Risk", 3),
                num("detections", "Detections"),
                num("customers", "Customers"),
            ],
            rows,
            "No risks detected in this period.",
        )),
    ];
    blocks.extend(by_day_only(ctx, "Risks"));
    section("Top risks", blocks)
}

/// One row per customer: its computers now and its detections of the period by action.
pub(super) fn detections_by_customer(ctx: &Ctx) -> Table {
    let rows = ctx
        .customers()
        .map(|(c, p)| {
            let mut row: Vec<Cell> = vec![
                customer_name(c).into(),
                c.current.get(counter::COMPUTERS).into(),
                p.get(counter::DETECTIONS).into(),
            ];
            row.extend(RiskAction::ALL.iter().map(|a| Cell::from(p.get(a.name()))));
            row
        })
        .collect();
    let mut columns = vec![
        text("customer", "Customer", 3),
        num("computers", "Computers"),
        num("detections", "Detections"),
    ];
    columns.extend(
        RiskAction::ALL
            .iter()
            .map(|a| num(a.name(), action_label(*a))),
    );
    table("customers", columns, rows, "No customers chosen.")
}

/// Intrusions (and firewall blocks) over time, and the top attack signatures.
pub(super) fn intrusions_section(ctx: &Ctx, heading: &str) -> Section {
    let rows = top(&ctx.period, counter::SIGNATURE, TOP_SIGNATURES)
        .into_iter()
        .map(|(signature, n)| {
            let customers = customers_with(ctx, &format!("{}{signature}", counter::SIGNATURE));
            vec![signature.into(), n.into(), customers.into()]
        })
        .collect();
    let mut blocks = vec![
        paragraph(format!(
            "Intrusion prevention stopped {} in the period, and the firewall blocked {}. The \
             chart shows when; the table lists the attack signatures seen most often.",
            count(ctx.period.get(counter::INTRUSIONS), "attack", "attacks"),
            count(
                ctx.period.get(counter::FIREWALL),
                "connection",
                "connections"
            )
        )),
        ctx.line_chart(
            "intrusionsOverTime",
            "Intrusions and firewall blocks over time",
            &[
                ("Intrusions", counter::INTRUSIONS),
                ("Firewall blocks", counter::FIREWALL),
            ],
        ),
        Block::Table(table(
            "topSignatures",
            vec![
                text("signature", "Attack signature", 3),
                num("count", "Intrusions"),
                num("customers", "Customers"),
            ],
            rows,
            "No intrusions detected in this period.",
        )),
    ];
    blocks.extend(by_day_only(ctx, "Attack signatures"));
    section(heading, blocks)
}

/// Why a computer is at risk, if it is: protection off, old definitions, no seat, or
/// not seen for more than 24 hours.
fn risk_reasons(ctx: &Ctx, c: &Computer) -> Vec<&'static str> {
    use crate::telemetry::ProtectionStatus;
    if c.deleted {
        return Vec::new();
    }
    let mut r = Vec::new();
    if c.status == ProtectionStatus::Disabled {
        r.push(DISABLED);
    }
    if c.needs_definitions_update() {
        r.push(OLD_DEFINITIONS);
    }
    if !c.activated {
        r.push(NOT_ACTIVATED);
    }
    if c.last_seen < ctx.offline_now_since() {
        r.push(OFFLINE);
    }
    r
}

const DISABLED: &str = "Protection disabled";
const OLD_DEFINITIONS: &str = "Definitions out of date";
const NOT_ACTIVATED: &str = "Activation required";
const OFFLINE: &str = "Offline";

/// The computers at risk (by computer), or every group with its computers at risk (by
/// group), with the "Active computers only" option applied.
pub(super) fn at_risk_section(ctx: &Ctx) -> Section {
    let listed = ctx.listed();
    let mut blocks = vec![paragraph(
        "Computers the agent cannot fully protect: protection disabled, virus definitions \
         out of date, activation required, or offline.",
    )];
    if ctx.by_groups() {
        let rows = groups(&listed)
            .into_iter()
            .map(|g| {
                let reasons: Vec<Vec<&str>> =
                    g.computers.iter().map(|c| risk_reasons(ctx, c)).collect();
                let with = |label: &str| reasons.iter().filter(|r| r.contains(&label)).count();
                vec![
                    customer_name(g.customer).into(),
                    g.name.into(),
                    (g.computers.len() as i64).into(),
                    (reasons.iter().filter(|r| !r.is_empty()).count() as i64).into(),
                    (with(DISABLED) as i64).into(),
                    (with(OLD_DEFINITIONS) as i64).into(),
                    (with(NOT_ACTIVATED) as i64).into(),
                    (with(OFFLINE) as i64).into(),
                ]
            })
            .collect();
        blocks.push(Block::Table(table(
            "groupsAtRisk",
            vec![
                text("customer", "Customer", 3),
                text("group", "Group", 2),
                num("computers", "Computers"),
                num("atRisk", "At risk"),
                num("disabled", "Protection disabled"),
                num("definitionUpdateRequired", "Definitions out of date"),
                num("activationRequired", "Activation required"),
                num("offline", "Offline"),
            ],
            rows,
            "No computers.",
        )));
    } else {
        let rows = listed
            .iter()
            .filter_map(|l| {
                let reasons = risk_reasons(ctx, l.computer);
                (!reasons.is_empty()).then(|| {
                    vec![
                        customer_name(l.customer).into(),
                        l.computer.name.clone().into(),
                        group_of(l.computer).into(),
                        os_label(l.computer.os.family).into(),
                        reasons.join("; ").into(),
                        time(l.computer.last_seen).into(),
                    ]
                })
            })
            .collect();
        blocks.push(Block::Table(table(
            "computersAtRisk",
            vec![
                text("customer", "Customer", 3),
                text("computer", "Computer", 2),
                text("group", "Group", 2),
                text("os", "Operating system", 1),
                text("reasons", "At risk because", 3),
                text("lastSeen", "Last seen (GMT)", 2),
            ],
            rows,
            "No computer is at risk.",
        )));
    }
    blocks.push(note(format!(
        "Definitions are out of date when they were more than {} days old at the computer's \
         last check-in. Offline: not seen for more than {} hours (counted by day: not since \
         midnight GMT yesterday). Deleted computers are never at risk.",
        crate::telemetry::DEFINITIONS_MAX_AGE_DAYS,
        crate::telemetry::OFFLINE_AFTER.num_hours()
    )));
    blocks.extend(ctx.options_note());
    section("Computers at risk", blocks)
}

/// Virus and Risk Activity Summary.
pub(super) fn virus_risk(ctx: &Ctx) -> Body {
    let mut figures = detection_figures(ctx);
    figures.push(figure(
        "computersAtRisk",
        "Computers at risk",
        ctx.listed()
            .iter()
            .filter(|l| !risk_reasons(ctx, l.computer).is_empty())
            .count() as i64,
    ));
    Body {
        figures,
        sections: vec![
            detections_section(ctx, "Risk detections"),
            top_risks_section(ctx),
            section(
                "Detections by customer",
                vec![
                    paragraph(
                        "Each customer's computers with the agent deployed, and the risks \
                         detected on them in the period by the action taken.",
                    ),
                    Block::Table(main_table(detections_by_customer(ctx))),
                ],
            ),
            at_risk_section(ctx),
        ],
    }
}

/// Intrusion Prevention Summary.
pub(super) fn intrusion_prevention(ctx: &Ctx) -> Body {
    let rows = ctx
        .customers()
        .map(|(c, p)| {
            let first = top(p, counter::SIGNATURE, 1)
                .into_iter()
                .next()
                .map(|(s, _)| s)
                .unwrap_or_default();
            vec![
                customer_name(c).into(),
                c.current.get(counter::COMPUTERS).into(),
                p.get(counter::INTRUSIONS).into(),
                p.get(counter::FIREWALL).into(),
                first.into(),
            ]
        })
        .collect();
    Body {
        figures: vec![
            ctx.period_figure(counter::INTRUSIONS, "Intrusions prevented"),
            ctx.period_figure(counter::FIREWALL, "Firewall blocks"),
            figure(
                "customersAttacked",
                "Customers attacked",
                customers_with(ctx, counter::INTRUSIONS),
            ),
        ],
        sections: vec![
            intrusions_section(ctx, "Intrusions detected and prevented"),
            section(
                "Intrusions by customer",
                vec![
                    paragraph(
                        "Each customer's computers with the agent deployed, the attacks \
                         intrusion prevention stopped on them in the period, and the \
                         signature seen most often.",
                    ),
                    Block::Table(main_table(table(
                        "customers",
                        vec![
                            text("customer", "Customer", 3),
                            num("computers", "Computers"),
                            num("intrusions", "Intrusions"),
                            num("firewall", "Firewall blocks"),
                            text("topSignature", "Most frequent signature", 3),
                        ],
                        rows,
                        "No customers chosen.",
                    ))),
                ],
            ),
            at_risk_section(ctx),
        ],
    }
}

/// Firewall History.
pub(super) fn firewall_history(ctx: &Ctx) -> Body {
    let mut history = Vec::new();
    let per_customer: Vec<Vec<(DateTime<Utc>, Tally)>> = ctx
        .data
        .customers
        .iter()
        .map(|c| ctx.points(&c.buckets))
        .collect();
    for (i, start) in ctx.starts().into_iter().enumerate() {
        for (c, points) in ctx.data.customers.iter().zip(&per_customer) {
            let n = points.get(i).map_or(0, |(_, t)| t.get(counter::FIREWALL));
            if n > 0 {
                history.push(vec![
                    ctx.point_text(start).into(),
                    customer_name(c).into(),
                    n.into(),
                ]);
            }
        }
    }
    let customers = ctx
        .customers()
        .zip(&per_customer)
        .map(|((c, p), points)| {
            let busiest = points
                .iter()
                .filter(|(_, t)| t.get(counter::FIREWALL) > 0)
                .max_by_key(|(s, t)| (t.get(counter::FIREWALL), std::cmp::Reverse(*s)))
                .map(|(s, _)| ctx.point_text(*s))
                .unwrap_or_default();
            vec![
                customer_name(c).into(),
                c.current.get(counter::COMPUTERS).into(),
                p.get(counter::FIREWALL).into(),
                busiest.into(),
            ]
        })
        .collect();
    let unit = if ctx.span.hourly { "hour" } else { "day" };
    Body {
        figures: vec![
            ctx.period_figure(counter::FIREWALL, "Firewall blocks"),
            figure(
                "customersBlocked",
                "Customers with blocks",
                customers_with(ctx, counter::FIREWALL),
            ),
        ],
        sections: vec![
            section(
                "Firewall blocks over time",
                vec![
                    paragraph(format!(
                        "The firewall blocked {} in the period.",
                        count(
                            ctx.period.get(counter::FIREWALL),
                            "connection",
                            "connections"
                        )
                    )),
                    ctx.line_chart(
                        "firewallOverTime",
                        "Firewall blocks over time",
                        &[("Firewall blocks", counter::FIREWALL)],
                    ),
                ],
            ),
            section(
                "Firewall blocks by customer",
                vec![
                    paragraph(format!(
                        "Each customer's blocks in the period, and the {unit} with the most."
                    )),
                    Block::Table(table(
                        "customers",
                        vec![
                            text("customer", "Customer", 3),
                            num("computers", "Computers"),
                            num("firewall", "Firewall blocks"),
                            text("busiest", &format!("Busiest {unit}"), 2),
                        ],
                        customers,
                        "No customers chosen.",
                    )),
                ],
            ),
            section(
                "Firewall history",
                vec![
                    paragraph(format!(
                        "The blocks of each customer by {unit}, oldest first ({unit}s \
                         without blocks left out)."
                    )),
                    Block::Table(main_table(table(
                        "history",
                        vec![
                            text(
                                "period",
                                if ctx.span.hourly { "Hour (GMT)" } else { "Day" },
                                2,
                            ),
                            text("customer", "Customer", 3),
                            num("firewall", "Firewall blocks"),
                        ],
                        history,
                        "No firewall blocks in this period.",
                    ))),
                ],
            ),
            at_risk_section(ctx),
        ],
    }
}

/// Risk Detection.
pub(super) fn risk_detection(ctx: &Ctx) -> Body {
    let mut risks: Vec<Vec<Cell>> = Vec::new();
    for (c, p) in ctx.customers() {
        for (name, n) in top(p, counter::RISK, usize::MAX) {
            risks.push(vec![customer_name(c).into(), name.into(), n.into()]);
        }
    }
    let kinds = top(&ctx.period, counter::RISK, usize::MAX)
        .into_iter()
        .map(|(name, n)| {
            let customers = customers_with(ctx, &format!("{}{name}", counter::RISK));
            vec![name.into(), n.into(), customers.into()]
        })
        .collect();
    let unresolved = ctx
        .customers()
        .map(|(c, p)| {
            vec![
                customer_name(c).into(),
                p.get(RiskAction::Unresolved.name()).into(),
                c.current.get(RiskAction::Unresolved.name()).into(),
            ]
        })
        .collect();
    let mut by_risk = vec![
        paragraph("Every risk detected in the period, and at how many of the customers."),
        Block::Table(table(
            "risks",
            vec![
                text("risk", "Risk", 3),
                num("detections", "Detections"),
                num("customers", "Customers"),
            ],
            kinds,
            "No risks detected in this period.",
        )),
    ];
    by_risk.extend(by_day_only(ctx, "Risks"));
    let mut by_customer = vec![
        paragraph("The risks detected at each customer in the period, most detected first."),
        Block::Table(main_table(table(
            "customerRisks",
            vec![
                text("customer", "Customer", 3),
                text("risk", "Risk", 3),
                num("detections", "Detections"),
            ],
            risks,
            "No risks detected in this period.",
        ))),
    ];
    by_customer.extend(by_day_only(ctx, "Risks"));
    Body {
        figures: detection_figures(ctx),
        sections: vec![
            detections_section(ctx, "Actions taken"),
            section("Types of risks detected", by_risk),
            section("Risks by customer", by_customer),
            section(
                "Unresolved risks",
                vec![
                    paragraph(
                        "Risks the agents could not resolve, in the period and since the \
                         customer's computers first reported.",
                    ),
                    Block::Table(table(
                        "unresolved",
                        vec![
                            text("customer", "Customer", 3),
                            num("unresolved", "Unresolved in the period"),
                            num("unresolvedAllTime", "Unresolved, all time"),
                        ],
                        unresolved,
                        "No customers chosen.",
                    )),
                    note(UNRESOLVED_NOTE),
                ],
            ),
            section(
                "Detections by customer",
                vec![Block::Table(detections_by_customer(ctx))],
            ),
            at_risk_section(ctx),
        ],
    }
}
