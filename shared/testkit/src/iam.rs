//! Each function's IAM policy against what it does: the tests record every AWS operation
//! each function performs (its own clients count with `CallCounter::for_function`, see
//! [`crate::TestStack::function`]), as the IAM permissions the operation needs, and a
//! check compares them with the function's policy in `template.yaml`: an operation
//! without a grant fails (moto does not enforce IAM, AWS does), and so does a grant that
//! no test needed.
//!
//! The suite's tests run in parallel in one process, and only the whole suite's record
//! means anything, so recording and comparing are two steps: with `IAM_OPERATIONS` set to
//! a file, the test process appends each new (function, action, resource) line to it;
//! after the suite, `make test` runs the ignored test `iam::every_function_is_granted_
//! what_it_does_and_nothing_more` on that file (docs/operations.md, "IAM").
//!
//! Resources are named as the template names them: the logical id for what the stack
//! makes (`Table`, `Table/index/gsi1`, `ReportsBucket/reports/…`,
//! `schedule/ReportScheduleGroup/…`, `UserPool`, `EventBus`; `…` stands for the ids of
//! objects and schedules, which policies grant by prefix), and for ARNs of the stack's
//! own partition, region and account, the part after the account (`identity/MailFrom`
//! for the sender's SES identity).

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt::Write as _,
    io::Write as _,
    sync::{Mutex, OnceLock},
};

use adapters::aws::Observed;
use serde_yaml::Value;

use crate::resources::Template;

/// The file the test process records to, when set.
pub const RECORD_VAR: &str = "IAM_OPERATIONS";

/// One IAM permission: an action on a resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Permission {
    pub action: String,
    pub resource: String,
}

fn permission(action: impl Into<String>, resource: impl Into<String>) -> Permission {
    Permission {
        action: action.into(),
        resource: resource.into(),
    }
}

/// Starts recording to the file `IAM_OPERATIONS` names, if it is set (once per process).
pub fn record_if_asked() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        if std::env::var_os(RECORD_VAR).is_some() {
            adapters::aws::observe_operations(record);
        }
    });
}

fn record(op: Observed<'_>) {
    static SEEN: OnceLock<Mutex<(BTreeSet<String>, Option<std::fs::File>)>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| {
        let path = std::env::var_os(RECORD_VAR).expect("set before recording starts");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.to_string_lossy()));
        Mutex::new((BTreeSet::new(), Some(file)))
    });
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    let (lines, file) = &mut *seen;
    for p in permissions(op.service, op.operation, op.input) {
        let line = format!("{}\t{}\t{}\n", op.function, p.action, p.resource);
        if lines.insert(line.clone()) {
            if let Some(f) = file {
                f.write_all(line.as_bytes()).expect("record an operation");
            }
        }
    }
}

/// The test stack's resource names (`testkit::stack`) as the template's logical ids.
fn logical(name: &str) -> String {
    let known = [
        ("test-", "Table"),
        ("reports-", "ReportsBucket"),
        ("logos-", "LogosBucket"),
        ("schedules-", "ReportScheduleGroup"),
    ];
    known
        .iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map_or(name, |(_, id)| id)
        .to_string()
}

/// What IAM asks of one operation. Cognito's operations made with a user's own tokens or
/// password (sign-in, its challenges, sign-out, software tokens) need no IAM permission.
pub fn permissions(
    service: &str,
    operation: &str,
    input: Option<&adapters::aws::Input>,
) -> Vec<Permission> {
    match service {
        "DynamoDB" => dynamodb(operation, input),
        "S3" => s3(operation, input),
        "SESv2" => sesv2(operation, input),
        "SNS" => {
            use aws_sdk_sns::operation::publish::PublishInput;
            let target = input
                .and_then(|i| i.downcast_ref::<PublishInput>())
                .and_then(|p| p.topic_arn().or(p.target_arn()))
                .unwrap_or("phone-number");
            vec![permission(format!("sns:{operation}"), target)]
        }
        "EventBridge" => vec![permission(format!("events:{operation}"), "EventBus")],
        "Scheduler" => scheduler(operation, input),
        "Cognito Identity Provider" => {
            const WITH_USER_TOKENS: [&str; 7] = [
                "InitiateAuth",
                "RespondToAuthChallenge",
                "GlobalSignOut",
                "RevokeToken",
                "AssociateSoftwareToken",
                "VerifySoftwareToken",
                "SetUserMFAPreference",
            ];
            if WITH_USER_TOKENS.contains(&operation) {
                vec![]
            } else {
                vec![permission(format!("cognito-idp:{operation}"), "UserPool")]
            }
        }
        other => vec![permission(format!("{other}:{operation}"), "*")],
    }
}

/// SES v2's `SendEmail` is authorized as `ses:SendEmail` for simple content, but as
/// `ses:SendRawEmail` for raw content (a whole MIME message): AWS denies a raw send
/// granted `ses:SendEmail` only, naming `ses:SendRawEmail`. Every message names the
/// configuration set, which SES authorizes too.
fn sesv2(operation: &str, input: Option<&adapters::aws::Input>) -> Vec<Permission> {
    use aws_sdk_sesv2::operation::send_email::SendEmailInput;
    let raw = input
        .and_then(|i| i.downcast_ref::<SendEmailInput>())
        .and_then(|s| s.content())
        .is_some_and(|c| c.raw().is_some());
    let action = match operation {
        "SendEmail" if raw => "ses:SendRawEmail".to_string(),
        other => format!("ses:{other}"),
    };
    vec![
        permission(action.clone(), "identity/MailFrom"),
        permission(action, "configuration-set/MailConfigurationSet"),
    ]
}

fn dynamodb(operation: &str, input: Option<&adapters::aws::Input>) -> Vec<Permission> {
    use aws_sdk_dynamodb::operation::{
        batch_get_item::BatchGetItemInput, batch_write_item::BatchWriteItemInput,
        delete_item::DeleteItemInput, get_item::GetItemInput, put_item::PutItemInput,
        query::QueryInput, scan::ScanInput, transact_get_items::TransactGetItemsInput,
        transact_write_items::TransactWriteItemsInput, update_item::UpdateItemInput,
    };
    let on = |action: &str, table: Option<&str>, index: Option<&str>| {
        let table = logical(table.unwrap_or("?"));
        let resource = match index {
            Some(index) => format!("{table}/index/{index}"),
            None => table,
        };
        permission(format!("dynamodb:{action}"), resource)
    };
    let Some(input) = input else {
        return vec![on(operation, None, None)];
    };
    if let Some(t) = input.downcast_ref::<TransactWriteItemsInput>() {
        // A transaction needs the permission of each of its parts.
        return t
            .transact_items()
            .iter()
            .flat_map(|i| {
                [
                    i.put().map(|p| on("PutItem", Some(p.table_name()), None)),
                    i.update()
                        .map(|u| on("UpdateItem", Some(u.table_name()), None)),
                    i.delete()
                        .map(|d| on("DeleteItem", Some(d.table_name()), None)),
                    i.condition_check()
                        .map(|c| on("ConditionCheckItem", Some(c.table_name()), None)),
                ]
            })
            .flatten()
            .collect();
    }
    if let Some(t) = input.downcast_ref::<TransactGetItemsInput>() {
        return t
            .transact_items()
            .iter()
            .filter_map(|i| i.get().map(|g| on("GetItem", Some(g.table_name()), None)))
            .collect();
    }
    if let Some(b) = input.downcast_ref::<BatchWriteItemInput>() {
        let mut out = Vec::new();
        for (table, requests) in b.request_items().into_iter().flatten() {
            for r in requests {
                if r.put_request().is_some() {
                    out.push(on("PutItem", Some(table), None));
                }
                if r.delete_request().is_some() {
                    out.push(on("DeleteItem", Some(table), None));
                }
            }
        }
        return out;
    }
    if let Some(b) = input.downcast_ref::<BatchGetItemInput>() {
        return b
            .request_items()
            .into_iter()
            .flat_map(|m| m.keys())
            .map(|table| on("BatchGetItem", Some(table), None))
            .collect();
    }
    let (table, index) = if let Some(q) = input.downcast_ref::<QueryInput>() {
        (q.table_name(), q.index_name())
    } else if let Some(s) = input.downcast_ref::<ScanInput>() {
        (s.table_name(), s.index_name())
    } else if let Some(i) = input.downcast_ref::<GetItemInput>() {
        (i.table_name(), None)
    } else if let Some(i) = input.downcast_ref::<PutItemInput>() {
        (i.table_name(), None)
    } else if let Some(i) = input.downcast_ref::<UpdateItemInput>() {
        (i.table_name(), None)
    } else if let Some(i) = input.downcast_ref::<DeleteItemInput>() {
        (i.table_name(), None)
    } else {
        (None, None)
    };
    vec![on(operation, table, index)]
}

fn s3(operation: &str, input: Option<&adapters::aws::Input>) -> Vec<Permission> {
    use aws_sdk_s3::operation::{
        delete_object::DeleteObjectInput, delete_objects::DeleteObjectsInput,
        get_object::GetObjectInput, head_object::HeadObjectInput, put_object::PutObjectInput,
    };
    // The key's first segment, as policies grant by prefix: `reports/…`.
    let on = |action: &str, bucket: Option<&str>, key: Option<&str>| {
        let key = key.unwrap_or("?");
        let prefix = key
            .split_once('/')
            .map_or(key.to_string(), |(p, _)| format!("{p}/…"));
        permission(
            format!("s3:{action}"),
            format!("{}/{prefix}", logical(bucket.unwrap_or("?"))),
        )
    };
    let Some(input) = input else {
        return vec![on(operation, None, None)];
    };
    if let Some(d) = input.downcast_ref::<DeleteObjectsInput>() {
        // DeleteObjects is authorised as DeleteObject on each key.
        return d
            .delete()
            .map(|d| d.objects())
            .unwrap_or_default()
            .iter()
            .map(|o| on("DeleteObject", d.bucket(), Some(o.key())))
            .collect();
    }
    // A presigned GET passes here too (it is signed, not sent): the link works only
    // while the function's role may read the object.
    // HeadObject is authorised as GetObject.
    let (action, bucket, key) = if let Some(i) = input.downcast_ref::<GetObjectInput>() {
        ("GetObject", i.bucket(), i.key())
    } else if let Some(i) = input.downcast_ref::<HeadObjectInput>() {
        ("GetObject", i.bucket(), i.key())
    } else if let Some(i) = input.downcast_ref::<PutObjectInput>() {
        ("PutObject", i.bucket(), i.key())
    } else if let Some(i) = input.downcast_ref::<DeleteObjectInput>() {
        ("DeleteObject", i.bucket(), i.key())
    } else {
        (operation, None, None)
    };
    vec![on(action, bucket, key)]
}

fn scheduler(operation: &str, input: Option<&adapters::aws::Input>) -> Vec<Permission> {
    use aws_sdk_scheduler::operation::{
        create_schedule::CreateScheduleInput, delete_schedule::DeleteScheduleInput,
        get_schedule::GetScheduleInput, update_schedule::UpdateScheduleInput,
    };
    let input = input.expect("Scheduler has no local stand-in");
    let (group, passes_role) = if let Some(i) = input.downcast_ref::<CreateScheduleInput>() {
        (i.group_name(), true)
    } else if let Some(i) = input.downcast_ref::<UpdateScheduleInput>() {
        (i.group_name(), true)
    } else if let Some(i) = input.downcast_ref::<GetScheduleInput>() {
        (i.group_name(), false)
    } else if let Some(i) = input.downcast_ref::<DeleteScheduleInput>() {
        (i.group_name(), false)
    } else {
        (None, false)
    };
    // Any schedule of the group: policies grant by group.
    let resource = format!("schedule/{}/…", logical(group.unwrap_or("default")));
    let mut out = vec![permission(format!("scheduler:{operation}"), resource)];
    if passes_role {
        // The schedule's target runs as the scheduler role, which the caller passes.
        out.push(permission("iam:PassRole", "ReportSchedulerRole"));
    }
    out
}

/// One statement of a function's policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub allow: bool,
    pub actions: Vec<String>,
    /// As [`resource_name`] names them.
    pub resources: Vec<String>,
    pub condition: Option<Value>,
}

impl Statement {
    fn covers(&self, p: &Permission) -> bool {
        self.actions.iter().any(|a| glob(a, &p.action))
            && self.resources.iter().any(|r| glob(r, &p.resource))
    }
}

/// `*` matches any run of characters.
pub fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|&i| tail.is_char_boundary(i))
                .any(|i| glob(rest, &tail[i..]))
        }
    }
}

/// A policy's resource as this module names resources: `!GetAtt Table.Arn` is `Table`,
/// `!Sub "${Table.Arn}/index/*"` is `Table/index/*`, and an ARN in the stack's own
/// partition, region and account is what follows the account.
pub fn resource_name(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Tagged(t) => {
            let inner = t.value.as_str().unwrap_or_default();
            match t.tag.to_string().trim_start_matches('!') {
                "GetAtt" => inner.trim_end_matches(".Arn").to_string(),
                "Ref" => inner.to_string(),
                "Sub" => {
                    let mut s = inner
                        .replace("${AWS::Partition}", "aws")
                        .replace("${AWS::Region}", "<region>")
                        .replace("${AWS::AccountId}", "<account>");
                    if let Some(rest) = s.strip_prefix("arn:aws:") {
                        let parts: Vec<&str> = rest.splitn(4, ':').collect();
                        if let [_, "<region>", "<account>", after] = parts[..] {
                            s = after.to_string();
                        }
                    }
                    while let Some(start) = s.find("${") {
                        let Some(len) = s[start..].find('}') else {
                            break;
                        };
                        let id = s[start + 2..start + len]
                            .trim_end_matches(".Arn")
                            .to_string();
                        s.replace_range(start..=start + len, &id);
                    }
                    s
                }
                other => format!("!{other} {inner}"),
            }
        }
        other => format!("{other:?}"),
    }
}

fn strings(value: Option<&Value>) -> Vec<Value> {
    match value {
        Some(Value::Sequence(items)) => items.clone(),
        Some(v) => vec![v.clone()],
        None => vec![],
    }
}

/// Every function's policy statements, by binary name. A policy that is not a list of
/// statements (a SAM policy template, a managed policy) is an error: the check, and a
/// reader, should see the exact actions.
pub fn policies(template: &Template) -> Result<BTreeMap<String, Vec<Statement>>, String> {
    let mut out = BTreeMap::new();
    for (id, binary, resource) in template.functions() {
        let binary =
            binary.ok_or_else(|| format!("{id} has no Metadata.BuildProperties.Binary"))?;
        let mut statements = Vec::new();
        let policies = resource.get("Properties").and_then(|p| p.get("Policies"));
        for policy in strings(policies) {
            let Some(list) = policy.get("Statement").and_then(Value::as_sequence) else {
                return Err(format!(
                    "{id}: a policy that is not a statement list: {policy:?}"
                ));
            };
            for s in list {
                statements.push(Statement {
                    allow: s.get("Effect").and_then(Value::as_str) == Some("Allow"),
                    actions: strings(s.get("Action"))
                        .iter()
                        .map(|a| a.as_str().unwrap_or_default().to_string())
                        .collect(),
                    resources: strings(s.get("Resource"))
                        .iter()
                        .map(resource_name)
                        .collect(),
                    condition: s.get("Condition").cloned(),
                });
            }
        }
        out.insert(binary.to_string(), statements);
    }
    Ok(out)
}

/// Reads a record: (function, permission) lines.
pub fn parse_record(text: &str) -> BTreeMap<String, BTreeSet<Permission>> {
    let mut out: BTreeMap<String, BTreeSet<Permission>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.split('\t');
        let (Some(f), Some(a), Some(r)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        out.entry(f.to_string())
            .or_default()
            .insert(permission(a, r));
    }
    out
}

/// Grants the code needs on paths no test takes (function, action, resource, the path).
/// The check takes them as needed; once a test takes the path, it asks for the entry to
/// go.
pub const UNTESTED: &[(&str, &str, &str, &str)] = &[
    (
        "scheduler",
        "scheduler:UpdateSchedule",
        "schedule/ReportScheduleGroup/*",
        "an automatic schedule whose Scheduler schedule exists already (adapters::schedules::Schedules::put)",
    ),
    (
        "scheduler",
        "sns:Publish",
        "*",
        "a text message retried after a failed delivery (adapters::notify)",
    ),
];

/// Compares what each function did with its policy: `Err` with every function's
/// operations and grants side by side when an operation has no grant, a grant was never
/// needed, or a function was never driven.
pub fn compare(
    performed: &BTreeMap<String, BTreeSet<Permission>>,
    policies: &BTreeMap<String, Vec<Statement>>,
) -> Result<(), String> {
    let mut report = String::new();
    let mut failures = 0;
    for f in performed.keys().filter(|f| !policies.contains_key(*f)) {
        failures += 1;
        let _ = writeln!(report, "{f}: recorded, but no function of template.yaml");
    }
    for (function, statements) in policies {
        let empty = BTreeSet::new();
        let done = performed.get(function).unwrap_or(&empty);
        // Each grant is one action on one resource pattern.
        let grants: Vec<Permission> = statements
            .iter()
            .filter(|s| s.allow)
            .flat_map(|s| {
                s.actions.iter().flat_map(|a| {
                    s.resources
                        .iter()
                        .map(move |r| permission(a.clone(), r.clone()))
                })
            })
            .collect();
        let mut rows = Vec::new();
        let mut used = BTreeSet::new();
        let mut problems = 0;
        for p in done {
            let denied = statements.iter().any(|s| !s.allow && s.covers(p));
            let grant = grants
                .iter()
                .find(|g| glob(&g.action, &p.action) && glob(&g.resource, &p.resource));
            if let Some(g) = grant {
                used.insert(g.clone());
            }
            let granted = grant.filter(|_| !denied);
            if granted.is_none() {
                problems += 1;
            }
            let right = match (grant, denied) {
                (Some(g), false) => format!("{} on {}", g.action, g.resource),
                (_, true) => "DENIED".to_string(),
                (None, false) => "NO GRANT".to_string(),
            };
            rows.push((format!("{} on {}", p.action, p.resource), right));
        }
        for g in &grants {
            let untested = UNTESTED
                .iter()
                .find(|(f, a, r, _)| f == function && *a == g.action && *r == g.resource);
            let left = match (used.contains(g), untested) {
                (false, None) => "NOTHING NEEDS IT".to_string(),
                (false, Some((.., why))) => format!("(untested: {why})"),
                (true, None) => continue,
                (true, Some(_)) => "A TEST NEEDS IT NOW: take it off iam::UNTESTED".to_string(),
            };
            if !left.starts_with('(') {
                problems += 1;
            }
            rows.push((left, format!("{} on {}", g.action, g.resource)));
        }
        failures += problems;
        let status = if done.is_empty() {
            " (no test drove this function with its own clients: TestStack::function)"
        } else if problems > 0 {
            " (fix below)"
        } else {
            ""
        };
        let _ = writeln!(report, "\n{function}{status}");
        let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0).max(9);
        let _ = writeln!(report, "  {:width$}  granted", "performed");
        for (left, right) in rows {
            let _ = writeln!(report, "  {left:width$}  {right}");
        }
    }
    if failures == 0 {
        Ok(())
    } else {
        Err(format!(
            "{failures} difference(s) between what the functions did in the tests and their \
             policies in template.yaml:\n{report}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(glob("Table/index/*", "Table/index/gsi1"));
        assert!(!glob("Table/index/*", "Table"));
        assert!(glob("*", "phone-number"));
        assert!(glob("arn:aws:sns:*:*:*", "arn:aws:sns:us-east-1:1:t"));
        assert!(!glob("arn:aws:sns:*:*:*", "phone-number"));
        assert!(glob(
            "ReportsBucket/reports/*",
            "ReportsBucket/reports/p/r.pdf"
        ));
    }

    #[test]
    fn template_resources_are_named_by_logical_id() {
        let t: Value = serde_yaml::from_str(
            r#"
- !GetAtt Table.Arn
- !Sub "${Table.Arn}/index/*"
- !Sub "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${ReportScheduleGroup}/*"
- !Sub "arn:${AWS::Partition}:sns:*:*:*"
- "*"
"#,
        )
        .unwrap();
        let names: Vec<String> = t.as_sequence().unwrap().iter().map(resource_name).collect();
        assert_eq!(
            names,
            [
                "Table",
                "Table/index/*",
                "schedule/ReportScheduleGroup/*",
                "arn:aws:sns:*:*:*",
                "*"
            ]
        );
    }

    #[test]
    fn a_missing_grant_and_an_unneeded_one_both_fail_side_by_side() {
        let statements = vec![Statement {
            allow: true,
            actions: vec!["dynamodb:GetItem".into(), "dynamodb:Query".into()],
            resources: vec!["Table".into()],
            condition: None,
        }];
        let policies = BTreeMap::from([("licensing".to_string(), statements)]);
        let record = parse_record(
            "licensing\tdynamodb:GetItem\tTable\nlicensing\tdynamodb:BatchGetItem\tTable\n",
        );
        let report = compare(&record, &policies).unwrap_err();
        assert!(report.starts_with("2 difference(s)"), "{report}");
        assert!(
            report.contains("dynamodb:BatchGetItem on Table  NO GRANT"),
            "{report}"
        );
        assert!(
            report.contains("NOTHING NEEDS IT                dynamodb:Query on Table"),
            "{report}"
        );
        assert!(report.contains("dynamodb:GetItem on Table       dynamodb:GetItem on Table"));

        let exact =
            parse_record("licensing\tdynamodb:GetItem\tTable\nlicensing\tdynamodb:Query\tTable\n");
        assert_eq!(compare(&exact, &policies), Ok(()));
    }
}
