//! The computer reports: Endpoint Summary, Computer Status Summary, Mac Computer Summary
//! and Product Deployment Summary.
//!
//! Headline figures come from the fleets' current counters, as the console's Endpoint
//! Protection widget and customer profile show them (`EndpointSummary::of`); the lists
//! and distributions come from the stored computers, with the type's options applied.

use std::ops::Bound;

use super::*;
use crate::telemetry::{offline_count, AgentVersion, EndpointSummary, ProtectionStatus};

/// The Endpoint Protection summary (Table 2-6) of `current`.
fn summary(ctx: &Ctx, current: &Tally) -> EndpointSummary {
    EndpointSummary::of(current, ctx.now())
}

/// The headline figures of an endpoint summary, by the console's JSON names.
fn summary_figures(s: &EndpointSummary, keys: &[&str]) -> Vec<Figure> {
    let all = [
        ("computers", "Computers", s.computers),
        ("protected", "Protected", s.protected),
        ("disabled", "Protection disabled", s.disabled),
        ("activated", "Activated", s.activated),
        (
            "activationRequired",
            "Activation required",
            s.activation_required,
        ),
        (
            "agentUpdateRequired",
            "Agent update required",
            s.agent_update_required,
        ),
        (
            "definitionUpdateRequired",
            "Definitions update required",
            s.definition_update_required,
        ),
        ("offline", "Offline", s.offline),
        ("mac", "Mac computers", s.mac),
        ("macUnmanaged", "Unmanaged Macs", s.mac_unmanaged),
    ];
    keys.iter()
        .filter_map(|k| all.iter().find(|(key, _, _)| key == k))
        .map(|(key, label, value)| figure(key, label, *value))
        .collect()
}

const HEALTH_NOTE: &str = "Computers counts the computers with the agent deployed (deleted \
    computers are not counted). Offline: not seen for more than 24 hours, counted by day \
    (not since midnight GMT yesterday). Definitions need an update when they were more than \
    3 days old at the computer's last check-in; the agent needs an update when it is older \
    than the current release at its last report.";

/// One row per customer: its endpoint protection summary now, with the computers not
/// seen since `offline_since` offline.
pub(super) fn health_table(ctx: &Ctx, offline_since: DateTime<Utc>) -> Table {
    let rows = ctx
        .data
        .customers
        .iter()
        .map(|c| {
            let s = summary(ctx, &c.current);
            vec![
                customer_name(c).into(),
                s.computers.into(),
                s.protected.into(),
                s.disabled.into(),
                s.agent_update_required.into(),
                s.definition_update_required.into(),
                s.activation_required.into(),
                offline_count(&c.current, offline_since).into(),
            ]
        })
        .collect();
    table(
        "health",
        vec![
            text("customer", "Customer", 3),
            num("computers", "Computers"),
            num("protected", "Protected"),
            num("disabled", "Protection disabled"),
            num("agentUpdateRequired", "Agent update required"),
            num("definitionUpdateRequired", "Definitions update required"),
            num("activationRequired", "Activation required"),
            num("offline", "Offline"),
        ],
        rows,
        "No customers chosen.",
    )
}

fn protection(c: &Computer) -> &'static str {
    match c.status {
        ProtectionStatus::Protected => "Protected",
        ProtectionStatus::Disabled => "Disabled",
    }
}

fn state(c: &Computer) -> &'static str {
    if c.deleted {
        "Deleted"
    } else {
        "Active"
    }
}

fn definitions(c: &Computer) -> &'static str {
    if c.needs_definitions_update() {
        "Out of date"
    } else {
        "Up to date"
    }
}

fn management(c: &Computer) -> &'static str {
    match (c.os.family, c.managed) {
        (OsFamily::Mac, Some(false)) => "Unmanaged",
        (OsFamily::Mac, _) => "Managed",
        _ => "",
    }
}

fn offline_now(ctx: &Ctx, c: &Computer) -> bool {
    !c.deleted && c.last_seen < ctx.offline_now_since()
}

fn connection(ctx: &Ctx, c: &Computer) -> &'static str {
    if c.deleted {
        "Deleted"
    } else if offline_now(ctx, c) {
        "Offline"
    } else {
        "Online"
    }
}

/// How many of `items` share each key, most first (ties by key).
fn count_by<K: Ord + Clone>(keys: impl Iterator<Item = K>) -> Vec<(K, i64)> {
    let mut m: BTreeMap<K, i64> = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_default() += 1;
    }
    let mut v: Vec<(K, i64)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// One row per group of the listed computers, with every status counted.
fn group_table(ctx: &Ctx, listed: &[Listed]) -> Table {
    let rows = groups(listed)
        .into_iter()
        .map(|g| {
            let live: Vec<&&Computer> = g.computers.iter().filter(|c| !c.deleted).collect();
            let count = |f: &dyn Fn(&Computer) -> bool| -> Cell {
                (live.iter().filter(|c| f(c)).count() as i64).into()
            };
            vec![
                customer_name(g.customer).into(),
                g.name.into(),
                (live.len() as i64).into(),
                count(&|c| !offline_now(ctx, c)),
                count(&|c| offline_now(ctx, c)),
                count(&|c| c.status == ProtectionStatus::Protected),
                count(&|c| c.status == ProtectionStatus::Disabled),
                count(&|c| c.needs_definitions_update()),
                count(&|c| !c.activated),
                count(&unmanaged_mac),
                ((g.computers.len() - live.len()) as i64).into(),
            ]
        })
        .collect();
    table(
        "groups",
        vec![
            text("customer", "Customer", 3),
            text("group", "Group", 2),
            num("computers", "Computers"),
            num("online", "Online"),
            num("offline", "Offline"),
            num("protected", "Protected"),
            num("disabled", "Protection disabled"),
            num("definitionUpdateRequired", "Definitions update required"),
            num("activationRequired", "Activation required"),
            num("macUnmanaged", "Unmanaged Macs"),
            num("deleted", "Deleted"),
        ],
        rows,
        "No computers.",
    )
}

const GROUPS_NOTE: &str = "Computers counts a group's computers that are not deleted; \
    deleted computers are counted apart. Computers without a group are listed as \
    \"(no group)\".";

/// The section with the main list: by computer (`computers`) or by group (`groups`).
fn list_section(ctx: &Ctx, listed: &[Listed], by_computer: Table, intro: &str) -> Section {
    let mut blocks = vec![paragraph(intro)];
    if ctx.by_groups() {
        blocks.push(Block::Table(main_table(group_table(ctx, listed))));
        blocks.push(note(GROUPS_NOTE));
    } else {
        blocks.push(Block::Table(main_table(by_computer)));
    }
    blocks.extend(ctx.options_note());
    section(
        if ctx.by_groups() {
            "Groups"
        } else {
            "Computers"
        },
        blocks,
    )
}

/// Endpoint Summary.
pub(super) fn endpoint_summary(ctx: &Ctx) -> Body {
    let now = summary(ctx, &ctx.current);
    let listed = ctx.listed();
    let mut figures = summary_figures(
        &now,
        &[
            "computers",
            "protected",
            "disabled",
            "activationRequired",
            "agentUpdateRequired",
            "definitionUpdateRequired",
            "offline",
            "macUnmanaged",
        ],
    );
    figures.push(figure("listed", "Computers listed", listed.len() as i64));

    let by_os: Vec<(String, i64)> = count_by(listed.iter().map(|l| l.computer.os.family))
        .into_iter()
        .map(|(f, n)| (os_label(f).to_string(), n))
        .collect();
    let pairs = |v: Vec<(String, i64)>| -> Vec<Vec<Cell>> {
        v.into_iter()
            .map(|(k, n)| vec![k.into(), n.into()])
            .collect()
    };
    let versions: Vec<Vec<Cell>> = count_by(listed.iter().map(|l| {
        (
            os_label(l.computer.os.family),
            l.computer.os.version.as_str(),
        )
    }))
    .into_iter()
    .map(|((f, v), n)| vec![f.into(), v.into(), n.into()])
    .collect();
    let mut agents = count_by(listed.iter().map(|l| l.computer.agent_version.as_str()));
    // Newest release first; a version that does not parse sorts last.
    agents.sort_by(|a, b| {
        AgentVersion::parse(b.0)
            .ok()
            .cmp(&AgentVersion::parse(a.0).ok())
            .then_with(|| a.0.cmp(b.0))
    });
    let protections = count_by(listed.iter().map(|l| {
        if l.computer.deleted {
            "Deleted"
        } else {
            protection(l.computer)
        }
    }));

    let mut distribution = vec![
        paragraph(
            "How the listed computers divide by operating system, agent version and \
             protection status.",
        ),
        share_chart(
            "osShare",
            "Computers by operating system",
            "Computers",
            &by_os,
        ),
        Block::Table(table(
            "byOs",
            vec![
                text("os", "Operating system", 2),
                num("computers", "Computers"),
            ],
            pairs(by_os.clone()),
            "No computers.",
        )),
        Block::Table(table(
            "byOsVersion",
            vec![
                text("os", "Operating system", 1),
                text("osVersion", "Version", 3),
                num("computers", "Computers"),
            ],
            versions,
            "No computers.",
        )),
        Block::Table(table(
            "byAgentVersion",
            vec![
                text("agentVersion", "Agent version", 2),
                num("computers", "Computers"),
            ],
            pairs(
                agents
                    .into_iter()
                    .map(|(v, n)| (v.to_string(), n))
                    .collect(),
            ),
            "No computers.",
        )),
        Block::Table(table(
            "byProtection",
            vec![
                text("protection", "Protection", 2),
                num("computers", "Computers"),
            ],
            pairs(
                protections
                    .into_iter()
                    .map(|(v, n)| (v.to_string(), n))
                    .collect(),
            ),
            "No computers.",
        )),
    ];
    if !ctx.by_groups() {
        distribution.push(Block::Table(table(
            "byGroup",
            vec![
                text("customer", "Customer", 3),
                text("group", "Group", 2),
                num("computers", "Computers"),
            ],
            groups(&listed)
                .into_iter()
                .map(|g| {
                    vec![
                        customer_name(g.customer).into(),
                        g.name.into(),
                        (g.computers.len() as i64).into(),
                    ]
                })
                .collect(),
            "No computers.",
        )));
    }
    distribution.extend(ctx.options_note());

    let rows = listed
        .iter()
        .map(|l| {
            let c = l.computer;
            vec![
                customer_name(l.customer).into(),
                c.name.clone().into(),
                group_of(c).into(),
                os_label(c.os.family).into(),
                c.os.version.clone().into(),
                c.agent_version.clone().into(),
                date(c.definitions_date).into(),
                protection(c).into(),
                yes_no(c.activated).into(),
                management(c).into(),
                time(c.installed_at).into(),
                time(c.last_seen).into(),
                state(c).into(),
            ]
        })
        .collect();
    let by_computer = table(
        "computers",
        vec![
            text("customer", "Customer", 3),
            text("computer", "Computer", 2),
            text("group", "Group", 2),
            text("os", "Operating system", 1),
            text("osVersion", "Version", 2),
            text("agentVersion", "Agent version", 1),
            text("definitionsDate", "Definitions", 1),
            text("protection", "Protection", 1),
            text("activated", "Activated", 1),
            text("managed", "Mac management", 1),
            text("installed", "Installed (GMT)", 2),
            text("lastSeen", "Last seen (GMT)", 2),
            text("state", "State", 1),
        ],
        rows,
        "No computers.",
    );
    Body {
        figures,
        sections: vec![
            section(
                "Current health",
                vec![
                    paragraph(
                        "The endpoint protection of each customer now, as its profile in the \
                         console shows it.",
                    ),
                    Block::Table(health_table(ctx, ctx.offline_now_since())),
                    note(HEALTH_NOTE),
                ],
            ),
            section("Distribution", distribution),
            list_section(
                ctx,
                &listed,
                by_computer,
                "Every listed computer with its characteristics.",
            ),
        ],
    }
}

/// Computer Status Summary.
pub(super) fn status_summary(ctx: &Ctx) -> Body {
    let now = summary(ctx, &ctx.current);
    let listed = ctx.listed();
    let mut figures = summary_figures(
        &now,
        &[
            "computers",
            "protected",
            "disabled",
            "activated",
            "activationRequired",
            "agentUpdateRequired",
            "definitionUpdateRequired",
            "offline",
        ],
    );
    figures.push(figure("listed", "Computers listed", listed.len() as i64));

    let customers = ctx
        .data
        .customers
        .iter()
        .map(|c| {
            let s = summary(ctx, &c.current);
            vec![
                customer_name(c).into(),
                s.computers.into(),
                (s.computers - s.offline).into(),
                s.offline.into(),
                s.protected.into(),
                s.disabled.into(),
                s.agent_update_required.into(),
                s.definition_update_required.into(),
                s.activation_required.into(),
            ]
        })
        .collect();
    let live: Vec<&Computer> = listed
        .iter()
        .map(|l| l.computer)
        .filter(|c| !c.deleted)
        .collect();
    let count = |f: &dyn Fn(&Computer) -> bool| live.iter().filter(|c| f(c)).count() as i64;
    let mut statuses: Vec<(&str, i64)> = vec![
        ("Online", count(&|c| !offline_now(ctx, c))),
        ("Offline", count(&|c| offline_now(ctx, c))),
        (
            "Protected",
            count(&|c| c.status == ProtectionStatus::Protected),
        ),
        (
            "Protection disabled",
            count(&|c| c.status == ProtectionStatus::Disabled),
        ),
        (
            "Definitions up to date",
            count(&|c| !c.needs_definitions_update()),
        ),
        (
            "Definitions out of date",
            count(&|c| c.needs_definitions_update()),
        ),
        ("Activated", count(&|c| c.activated)),
        ("Activation required", count(&|c| !c.activated)),
    ];
    let deleted = (listed.len() - live.len()) as i64;
    if deleted > 0 {
        statuses.push(("Deleted", deleted));
    }

    let rows = listed
        .iter()
        .map(|l| {
            let c = l.computer;
            vec![
                customer_name(l.customer).into(),
                c.name.clone().into(),
                group_of(c).into(),
                os_label(c.os.family).into(),
                connection(ctx, c).into(),
                time(c.last_seen).into(),
                protection(c).into(),
                definitions(c).into(),
                date(c.definitions_date).into(),
                c.agent_version.clone().into(),
                yes_no(c.activated).into(),
            ]
        })
        .collect();
    let by_computer = table(
        "computers",
        vec![
            text("customer", "Customer", 3),
            text("computer", "Computer", 2),
            text("group", "Group", 2),
            text("os", "Operating system", 1),
            text("connection", "Connection", 1),
            text("lastSeen", "Last seen (GMT)", 2),
            text("protection", "Protection", 1),
            text("definitions", "Definitions", 1),
            text("definitionsDate", "Definitions date", 1),
            text("agentVersion", "Agent version", 1),
            text("activated", "Activated", 1),
        ],
        rows,
        "No computers.",
    );
    Body {
        figures,
        sections: vec![
            section(
                "Overall status",
                vec![
                    paragraph(
                        "The status of each customer's computers now: connection, \
                         protection, updates and activation.",
                    ),
                    Block::Table(table(
                        "customers",
                        vec![
                            text("customer", "Customer", 3),
                            num("computers", "Computers"),
                            num("online", "Online"),
                            num("offline", "Offline"),
                            num("protected", "Protected"),
                            num("disabled", "Protection disabled"),
                            num("agentUpdateRequired", "Agent update required"),
                            num("definitionUpdateRequired", "Definitions update required"),
                            num("activationRequired", "Activation required"),
                        ],
                        customers,
                        "No customers chosen.",
                    )),
                    note(HEALTH_NOTE),
                ],
            ),
            section(
                "Status of the listed computers",
                vec![
                    paragraph("The listed computers counted by each status."),
                    Block::Table(table(
                        "statusCounts",
                        vec![text("status", "Status", 2), num("computers", "Computers")],
                        statuses
                            .into_iter()
                            .map(|(s, n)| vec![s.into(), n.into()])
                            .collect(),
                        "No computers.",
                    )),
                    note(
                        "Deleted computers are counted apart and in no other status. Whether \
                         a computer's agent needs an update is counted when it reports, so \
                         it is a headline figure only.",
                    ),
                ],
            ),
            list_section(
                ctx,
                &listed,
                by_computer,
                "Every listed computer with its status.",
            ),
        ],
    }
}

/// Mac Computer Summary: the Macs that are not deleted, unmanaged ones first.
pub(super) fn mac_summary(ctx: &Ctx) -> Body {
    let now = summary(ctx, &ctx.current);
    let mut macs: Vec<Listed> = ctx
        .listed()
        .into_iter()
        .filter(|l| l.computer.os.family == OsFamily::Mac && !l.computer.deleted)
        .collect();
    // Stable: keeps the customers' order and the names' order within each part.
    macs.sort_by_key(|l| {
        (
            ctx.data
                .customers
                .iter()
                .position(|c| std::ptr::eq(c, l.customer)),
            !unmanaged_mac(l.computer),
        )
    });
    let mut figures = summary_figures(&now, &["mac", "macUnmanaged"]);
    figures.push(figure(
        "macManaged",
        "Managed Macs",
        now.mac - now.mac_unmanaged,
    ));
    let customers = ctx
        .data
        .customers
        .iter()
        .map(|c| {
            let s = summary(ctx, &c.current);
            let access = match c.customer.unmanaged_mac {
                crate::customer::MacAccess::Allow => "Allowed",
                crate::customer::MacAccess::Deny => "Denied",
            };
            vec![
                customer_name(c).into(),
                access.into(),
                s.mac.into(),
                (s.mac - s.mac_unmanaged).into(),
                s.mac_unmanaged.into(),
            ]
        })
        .collect();
    let versions: Vec<Vec<Cell>> = count_by(macs.iter().map(|l| l.computer.os.version.as_str()))
        .into_iter()
        .map(|(v, n)| {
            let unmanaged = macs
                .iter()
                .filter(|l| l.computer.os.version == v && unmanaged_mac(l.computer))
                .count() as i64;
            vec![v.into(), n.into(), unmanaged.into()]
        })
        .collect();
    let rows = macs
        .iter()
        .map(|l| {
            let c = l.computer;
            vec![
                customer_name(l.customer).into(),
                c.name.clone().into(),
                management(c).into(),
                c.os.version.clone().into(),
                c.agent_version.clone().into(),
                protection(c).into(),
                definitions(c).into(),
                group_of(c).into(),
                time(c.last_seen).into(),
            ]
        })
        .collect();
    Body {
        figures,
        sections: vec![
            section(
                "Mac computers by customer",
                vec![
                    paragraph(
                        "Each customer's Mac computers now, managed and unmanaged, and whether \
                         the customer allows unmanaged Macs to connect.",
                    ),
                    Block::Table(table(
                        "customers",
                        vec![
                            text("customer", "Customer", 3),
                            text("unmanagedMacAccess", "Unmanaged Macs", 1),
                            num("mac", "Macs"),
                            num("macManaged", "Managed"),
                            num("macUnmanaged", "Unmanaged"),
                        ],
                        customers,
                        "No customers chosen.",
                    )),
                    note(
                        "An unmanaged Mac runs the agent without being managed from the \
                         console: it is protected, but its settings cannot be changed \
                         centrally. The customer's Unmanaged Mac setting allows or denies \
                         them.",
                    ),
                ],
            ),
            section(
                "macOS versions",
                vec![Block::Table(table(
                    "byVersion",
                    vec![
                        text("osVersion", "Version", 3),
                        num("computers", "Macs"),
                        num("macUnmanaged", "Unmanaged"),
                    ],
                    versions,
                    "No Mac computers.",
                ))],
            ),
            section(
                "Mac computers",
                vec![
                    paragraph("Every Mac computer, the unmanaged ones of each customer first."),
                    Block::Table(main_table(table(
                        "macs",
                        vec![
                            text("customer", "Customer", 3),
                            text("computer", "Computer", 2),
                            text("managed", "Management", 1),
                            text("osVersion", "Version", 2),
                            text("agentVersion", "Agent version", 1),
                            text("protection", "Protection", 1),
                            text("definitions", "Definitions", 1),
                            text("group", "Group", 2),
                            text("lastSeen", "Last seen (GMT)", 2),
                        ],
                        rows,
                        "No Mac computers.",
                    ))),
                    note("Deleted computers are not listed."),
                ],
            ),
        ],
    }
}

/// The deployment series of the period: installs and removals per bucket, and, when the
/// period reaches today, the computers deployed at each bucket's end, worked back from
/// the current number through every later bucket (as `deployment_series` does).
fn deployment_chart(ctx: &Ctx) -> Block {
    let points = ctx.points(&ctx.buckets);
    let installed: Vec<i64> = points
        .iter()
        .map(|(_, t)| t.get(counter::INSTALLED))
        .collect();
    let removed: Vec<i64> = points
        .iter()
        .map(|(_, t)| t.get(counter::REMOVED))
        .collect();
    let mut series = vec![
        ChartSeries {
            name: "Installed".into(),
            values: installed.clone(),
        },
        ChartSeries {
            name: "Removed".into(),
            values: removed.clone(),
        },
    ];
    if reaches_today(ctx) {
        let map = ctx.bucket_map(&ctx.buckets);
        let mut total = ctx.current.get(counter::COMPUTERS);
        if let Some((last, _)) = points.last() {
            let after = (Bound::Excluded(ctx.bucket_name(*last)), Bound::Unbounded);
            for (_, t) in map.range::<String, _>(after) {
                total -= t.get(counter::INSTALLED) - t.get(counter::REMOVED);
            }
        }
        let mut deployed = vec![0; points.len()];
        for i in (0..points.len()).rev() {
            deployed[i] = total;
            total -= installed[i] - removed[i];
        }
        series.push(ChartSeries {
            name: "Deployed".into(),
            values: deployed,
        });
    }
    Block::Chart(Chart {
        key: "deploymentOverTime".into(),
        title: "Deployment over time".into(),
        kind: ChartKind::Line,
        labels: points.iter().map(|(s, _)| ctx.point_label(*s)).collect(),
        series,
    })
}

/// Whether the period runs up to today (the deployed totals are worked back from now).
fn reaches_today(ctx: &Ctx) -> bool {
    ctx.span.to > day_start(ctx.now())
}

/// Product Deployment Summary.
pub(super) fn product_deployment(ctx: &Ctx) -> Body {
    let since = ctx.offline_since();
    let listed = ctx.listed();
    let by_os: Vec<(String, i64)> = OsFamily::ALL
        .iter()
        .map(|f| (os_label(*f).to_string(), os_count(&ctx.current, *f)))
        .collect();
    let deployed = ctx.current.get(counter::COMPUTERS);
    let customers = ctx
        .customers()
        .map(|(c, p)| {
            vec![
                customer_name(c).into(),
                c.current.get(counter::COMPUTERS).into(),
                p.get(counter::INSTALLED).into(),
                p.get(counter::REMOVED).into(),
                offline_count(&c.current, since).into(),
            ]
        })
        .collect();
    let within =
        |t: Option<DateTime<Utc>>| t.is_some_and(|t| t >= ctx.span.from && t < ctx.span.to);
    let rows = listed
        .iter()
        .map(|l| {
            let c = l.computer;
            let change = match (within(Some(c.installed_at)), within(c.deleted_at)) {
                (true, true) => "Installed and removed",
                (true, false) => "Installed",
                (false, true) => "Removed",
                (false, false) => "",
            };
            vec![
                customer_name(l.customer).into(),
                c.name.clone().into(),
                os_label(c.os.family).into(),
                c.os.version.clone().into(),
                c.agent_version.clone().into(),
                group_of(c).into(),
                time(c.installed_at).into(),
                c.deleted_at.map(time).unwrap_or_default().into(),
                state(c).into(),
                change.into(),
            ]
        })
        .collect();
    let mut over_time = vec![
        paragraph(format!(
            "The agent is deployed on {} now. In the period it was installed on {} and \
             removed from {}.",
            count(deployed, "computer", "computers"),
            ctx.period.get(counter::INSTALLED),
            ctx.period.get(counter::REMOVED)
        )),
        deployment_chart(ctx),
    ];
    if !reaches_today(ctx) {
        over_time.push(note(
            "The number deployed is charted for periods that reach today only.",
        ));
    }
    let mut list = vec![
        paragraph(
            "The computers the agent is or was deployed on, with their installation and removal.",
        ),
        Block::Table(main_table(table(
            "computers",
            vec![
                text("customer", "Customer", 3),
                text("computer", "Computer", 2),
                text("os", "Operating system", 1),
                text("osVersion", "Version", 2),
                text("agentVersion", "Agent version", 1),
                text("group", "Group", 2),
                text("installed", "Installed (GMT)", 2),
                text("removed", "Removed (GMT)", 2),
                text("state", "State", 1),
                text("change", "In the period", 1),
            ],
            rows,
            "No computers.",
        ))),
    ];
    list.extend(ctx.options_note());
    Body {
        figures: vec![
            figure("computers", "Computers deployed", deployed),
            ctx.period_figure(counter::INSTALLED, "Installed in the period"),
            ctx.period_figure(counter::REMOVED, "Removed in the period"),
            figure("offline", "Offline", offline_count(&ctx.current, since)),
        ],
        sections: vec![
            section("Deployment over time", over_time),
            section(
                "By operating system",
                vec![
                    share_chart(
                        "osShare",
                        "Computers by operating system",
                        "Computers",
                        &by_os,
                    ),
                    Block::Table(share_table(
                        "byOs",
                        text("os", "Operating system", 2),
                        num("computers", "Computers"),
                        &by_os,
                        "No computers.",
                    )),
                ],
            ),
            section(
                "By customer",
                vec![
                    paragraph("Each customer's deployment now and its changes in the period."),
                    Block::Table(table(
                        "customers",
                        vec![
                            text("customer", "Customer", 3),
                            num("computers", "Computers"),
                            num("installed", "Installed"),
                            num("removed", "Removed"),
                            num("offline", "Offline"),
                        ],
                        customers,
                        "No customers chosen.",
                    )),
                    note(format!(
                        "Offline: computers not seen since {} GMT, as the Product Deployment \
                         page counts them for the same period.",
                        time(since)
                    )),
                ],
            ),
            section("Computers", list),
        ],
    }
}
