//! Security Audit: the partner's audit records of the period. Its list may run to
//! thousands of rows, so every cell is plain text of one line.

use super::*;
use crate::audit::{Action, AuditRecord, Outcome};

/// The action's `area.verb` name, as the audit trail stores it.
fn action_name(a: Action) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{a:?}"))
}

fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Success => "Success",
        Outcome::Failure => "Failure",
    }
}

/// One line: a record's free text never breaks a row.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The records of the period, newest first, without those of disabled users when
/// "Active users only" is chosen.
fn in_period<'a>(ctx: &Ctx<'a>) -> Vec<&'a AuditRecord> {
    let active_only = ctx.data.options.active_users_only;
    let mut v: Vec<&AuditRecord> = ctx
        .data
        .audit
        .iter()
        .filter(|r| r.at >= ctx.span.from && r.at < ctx.span.to)
        .filter(|r| {
            !(active_only
                && r.actor_user_id
                    .as_ref()
                    .is_some_and(|u| ctx.data.disabled_users.contains(u)))
        })
        .collect();
    v.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
    v
}

/// Security Audit.
pub(super) fn security_audit(ctx: &Ctx) -> Body {
    let records = in_period(ctx);
    let failures = records
        .iter()
        .filter(|r| r.outcome == Outcome::Failure)
        .count() as i64;
    let users: std::collections::BTreeSet<&str> =
        records.iter().map(|r| r.actor_email.as_str()).collect();
    let mut actions: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in &records {
        let a = actions.entry(action_name(r.action)).or_default();
        a.0 += 1;
        a.1 += i64::from(r.outcome == Outcome::Failure);
    }
    let mut by_action: Vec<(String, (i64, i64))> = actions.into_iter().collect();
    by_action.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
    let total = records.len() as i64;
    let rows = records
        .iter()
        .map(|r| {
            vec![
                time(r.at).into(),
                one_line(&r.actor_email).into(),
                action_name(r.action).into(),
                one_line(r.target.as_deref().unwrap_or_default()).into(),
                outcome_label(r.outcome).into(),
                one_line(r.reason.as_deref().unwrap_or_default()).into(),
                one_line(&r.source_ip).into(),
            ]
        })
        .collect();
    let mut notes = vec![note(
        "Actions are named area.action, e.g. auth.signIn for a sign-in. A failure's reason is \
         the one shown to administrators.",
    )];
    notes.extend(ctx.options_note());
    Body {
        figures: vec![
            figure("records", "Audit records", total),
            figure("failures", "Failures", failures),
            figure("users", "Users", users.len() as i64),
        ],
        sections: vec![
            section(
                "Activity by action and outcome",
                vec![
                    paragraph(format!(
                        "{} recorded in the period, by {}; {failures} failed.",
                        count(total, "action", "actions"),
                        count(users.len() as i64, "user", "users")
                    )),
                    Block::Table(table(
                        "byAction",
                        vec![
                            text("action", "Action", 3),
                            num("records", "Records"),
                            num("failures", "Failures"),
                        ],
                        by_action
                            .into_iter()
                            .map(|(a, (n, f))| vec![a.into(), n.into(), f.into()])
                            .collect(),
                        "No activity in this period.",
                    )),
                    Block::Table(table(
                        "byOutcome",
                        vec![text("outcome", "Outcome", 2), num("records", "Records")],
                        vec![
                            vec!["Success".into(), (total - failures).into()],
                            vec!["Failure".into(), failures.into()],
                        ],
                        "No activity in this period.",
                    )),
                ],
            ),
            section("Audit trail", {
                let mut blocks = vec![
                    paragraph("Every recorded action of the period, newest first."),
                    Block::Table(main_table(table(
                        "audit",
                        vec![
                            text("time", "Time (GMT)", 2),
                            text("user", "User", 3),
                            text("action", "Action", 2),
                            text("target", "Target", 3),
                            text("outcome", "Outcome", 1),
                            text("reason", "Reason", 3),
                            text("sourceIp", "Source IP", 2),
                        ],
                        rows,
                        "No activity in this period.",
                    ))),
                ];
                blocks.extend(notes);
                blocks
            }),
        ],
    }
}
