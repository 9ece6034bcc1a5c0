//! Each report type's document, built from the gathered data. Pure: the moment of the
//! report is `data.now`, and every total over the period is `data::span_total`, which
//! adds the same buckets as the console's `range_total`, so a report and the page it
//! summarises agree. Figures of several customers are the sums of their figures.
//!
//! One module per family of types: the summaries (`summaries`), the computer lists
//! (`computers`), the threat activity (`activity`), billing (`billing`), and the alert
//! and audit trails (`alerts`, `audit`).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{
    data::{span_total, CustomerData, ReportData},
    document::{
        Block, Cell, Chart, ChartKind, ChartSeries, Column, Document, Figure, Section, Table,
    },
    ComputerScope, Period, ReportBy, ReportType, Span,
};
use crate::{
    catalog,
    telemetry::{
        counter, day_of, day_start, hour_of, hour_start, Buckets, Computer, OsFamily, Range, Tally,
    },
};

mod activity;
mod alerts;
mod audit;
mod billing;
mod computers;
mod summaries;

#[cfg(test)]
mod tests;

/// The document of `data.report_type`.
pub fn document(data: &ReportData) -> Document {
    let ctx = Ctx::new(data);
    let body = match data.report_type {
        ReportType::CustomerExecutiveSummary => summaries::customer_executive(&ctx),
        ReportType::MspExecutiveSummary => summaries::msp_executive(&ctx),
        ReportType::SecurityOverview => summaries::security_overview(&ctx),
        ReportType::ServiceUtilizationBilling => billing::utilization_billing(&ctx),
        ReportType::EndpointSummary => computers::endpoint_summary(&ctx),
        ReportType::ProductDeploymentSummary => computers::product_deployment(&ctx),
        ReportType::MacComputerSummary => computers::mac_summary(&ctx),
        ReportType::ComputerStatusSummary => computers::status_summary(&ctx),
        ReportType::VirusRiskActivitySummary => activity::virus_risk(&ctx),
        ReportType::IntrusionPreventionSummary => activity::intrusion_prevention(&ctx),
        ReportType::FirewallHistory => activity::firewall_history(&ctx),
        ReportType::RiskDetection => activity::risk_detection(&ctx),
        ReportType::AlertHistory => alerts::alert_history(&ctx),
        ReportType::SecurityAudit => audit::security_audit(&ctx),
    };
    Document {
        title: data.name.clone(),
        subtitle: data.report_type.title().to_string(),
        partner: data.partner_name.clone(),
        period: data.options.period.label(data.now),
        generated: data.now.format("%-d %b %Y %H:%M GMT").to_string(),
        customers: data
            .customers
            .iter()
            .map(|c| c.customer.company.name.clone())
            .collect(),
        figures: body.figures,
        sections: body.sections,
    }
}

/// What a type puts under the title block.
struct Body {
    figures: Vec<Figure>,
    sections: Vec<Section>,
}

/// The data with what every type derives from it first: the period made concrete, and
/// the chosen customers' counters added up.
struct Ctx<'a> {
    data: &'a ReportData,
    span: Span,
    /// The chosen customers' current counters, added up.
    current: Tally,
    /// Their buckets, added up.
    buckets: Buckets,
    /// Their counters over the period, added up.
    period: Tally,
    /// Each customer's counters over the period, in the order chosen.
    periods: Vec<Tally>,
}

/// A computer the report lists, with its customer.
#[derive(Clone, Copy)]
struct Listed<'a> {
    customer: &'a CustomerData,
    computer: &'a Computer,
}

impl<'a> Ctx<'a> {
    fn new(data: &'a ReportData) -> Self {
        let span = data.options.period.span(data.now);
        let mut current = Tally::new();
        let mut buckets = Buckets::default();
        for c in &data.customers {
            current.merge(&c.current);
            buckets.merge(&c.buckets);
        }
        let periods: Vec<Tally> = data
            .customers
            .iter()
            .map(|c| span_total(&c.buckets, &span))
            .collect();
        Ctx {
            data,
            span,
            current,
            period: span_total(&buckets, &span),
            buckets,
            periods,
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.data.now
    }

    /// The customers with their counters over the period.
    fn customers(&self) -> impl Iterator<Item = (&'a CustomerData, &Tally)> {
        self.data.customers.iter().zip(&self.periods)
    }

    /// Computers not seen since this moment are offline for the period: as the Product
    /// Deployment page counts them for a range, and since the first day of a period of
    /// days.
    fn offline_since(&self) -> DateTime<Utc> {
        match self.data.options.period {
            Period::Last { range } => range.offline_since(self.now()),
            Period::Days { .. } => self.span.from,
        }
    }

    /// Computers not seen since this moment are offline now: not seen for more than 24
    /// hours, counted by day (the Endpoint Protection widget's count).
    fn offline_now_since(&self) -> DateTime<Utc> {
        Range::Day.offline_since(self.now())
    }

    /// The computers the type lists, with the options it offers applied (deleted
    /// computers left out with "Active computers only", unmanaged Macs left out unless
    /// included), by customer in the order chosen and by name.
    fn listed(&self) -> Vec<Listed<'a>> {
        let offered = self.data.report_type.options();
        let o = &self.data.options;
        let mut out = Vec::new();
        for customer in &self.data.customers {
            let mut mine: Vec<&Computer> = customer
                .computers
                .iter()
                .filter(|c| {
                    !(offered.computers && o.computers == ComputerScope::Active && c.deleted)
                })
                .filter(|c| !(offered.mac && !o.include_mac && unmanaged_mac(c)))
                .collect();
            mine.sort_by(|a, b| {
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then_with(|| a.id.cmp(&b.id))
            });
            out.extend(
                mine.into_iter()
                    .map(|computer| Listed { customer, computer }),
            );
        }
        out
    }

    fn by_groups(&self) -> bool {
        self.data.report_type.options().report_by && self.data.options.report_by == ReportBy::Groups
    }

    /// A note naming the options the type offers and how they were set.
    fn options_note(&self) -> Option<Block> {
        let offered = self.data.report_type.options();
        let o = &self.data.options;
        let mut parts: Vec<&str> = Vec::new();
        if offered.computers {
            parts.push(match o.computers {
                ComputerScope::All => "all computers, deleted ones included",
                ComputerScope::Active => "active computers only (deleted computers left out)",
            });
        }
        if offered.mac {
            parts.push(if o.include_mac {
                "unmanaged Mac computers included"
            } else {
                "unmanaged Mac computers left out"
            });
        }
        if offered.report_by {
            parts.push(match o.report_by {
                ReportBy::Computers => "listed by computer",
                ReportBy::Groups => "listed by group",
            });
        }
        if offered.active_users {
            parts.push(if o.active_users_only {
                "active users only (the records of disabled users left out)"
            } else {
                "all users, disabled ones included"
            });
        }
        (!parts.is_empty()).then(|| note(format!("Options applied: {}.", parts.join("; "))))
    }

    /// A headline figure: the counter `key` over the period.
    fn period_figure(&self, key: &str, label: &str) -> Figure {
        figure(key, label, self.period.get(key))
    }

    /// The bucket starts of the period, oldest first: hours for the last 24 hours, days
    /// otherwise (the same buckets `span_total` adds).
    fn starts(&self) -> Vec<DateTime<Utc>> {
        let (mut at, last, step) = if self.span.hourly {
            (
                hour_start(self.span.from),
                hour_start(self.span.to),
                Duration::hours(1),
            )
        } else {
            (
                day_start(self.span.from),
                day_start(self.span.to - Duration::seconds(1)),
                Duration::days(1),
            )
        };
        let mut out = Vec::new();
        while at <= last {
            out.push(at);
            at += step;
        }
        out
    }

    /// The bucket name of a start.
    fn bucket_name(&self, start: DateTime<Utc>) -> String {
        if self.span.hourly {
            hour_of(start)
        } else {
            day_of(start)
        }
    }

    fn bucket_map<'b>(&self, buckets: &'b Buckets) -> &'b BTreeMap<String, Tally> {
        if self.span.hourly {
            &buckets.hourly
        } else {
            &buckets.daily
        }
    }

    /// The counters of each bucket of the period, oldest first.
    fn points(&self, buckets: &Buckets) -> Vec<(DateTime<Utc>, Tally)> {
        let map = self.bucket_map(buckets);
        self.starts()
            .into_iter()
            .map(|s| {
                let t = map.get(&self.bucket_name(s)).cloned().unwrap_or_default();
                (s, t)
            })
            .collect()
    }

    /// How a bucket start reads on a chart's axis.
    fn point_label(&self, start: DateTime<Utc>) -> String {
        if self.span.hourly {
            start.format("%H:00").to_string()
        } else {
            start.format("%-d %b").to_string()
        }
    }

    /// How a bucket start reads in a table.
    fn point_text(&self, start: DateTime<Utc>) -> String {
        if self.span.hourly {
            start.format("%Y-%m-%d %H:00").to_string()
        } else {
            start.format("%Y-%m-%d").to_string()
        }
    }

    /// A line chart of counters over the period, one line per `(name, counter)`.
    fn line_chart(&self, key: &str, title: &str, lines: &[(&str, &str)]) -> Block {
        let points = self.points(&self.buckets);
        Block::Chart(Chart {
            key: key.to_string(),
            title: title.to_string(),
            kind: ChartKind::Line,
            labels: points.iter().map(|(s, _)| self.point_label(*s)).collect(),
            series: lines
                .iter()
                .map(|(name, counter)| ChartSeries {
                    name: name.to_string(),
                    values: points.iter().map(|(_, t)| t.get(counter)).collect(),
                })
                .collect(),
        })
    }
}

/// A customer's group of listed computers.
struct Group<'a> {
    customer: &'a CustomerData,
    name: &'a str,
    computers: Vec<&'a Computer>,
}

/// The listed computers by group: customers in the order listed, groups by name within
/// each (computers without a group form one).
fn groups<'a>(listed: &[Listed<'a>]) -> Vec<Group<'a>> {
    let mut out = Vec::new();
    let mut run: BTreeMap<&'a str, Vec<&'a Computer>> = BTreeMap::new();
    let mut owner: Option<&'a CustomerData> = None;
    let flush = |owner: Option<&'a CustomerData>,
                 run: &mut BTreeMap<&'a str, Vec<&'a Computer>>,
                 out: &mut Vec<Group<'a>>| {
        if let Some(customer) = owner {
            out.extend(
                std::mem::take(run)
                    .into_iter()
                    .map(|(name, computers)| Group {
                        customer,
                        name,
                        computers,
                    }),
            );
        }
    };
    for l in listed {
        if owner.is_some_and(|c| !std::ptr::eq(c, l.customer)) {
            flush(owner, &mut run, &mut out);
        }
        owner = Some(l.customer);
        run.entry(group_of(l.computer))
            .or_default()
            .push(l.computer);
    }
    flush(owner, &mut run, &mut out);
    out
}

/// A Mac the agent does not manage.
fn unmanaged_mac(c: &Computer) -> bool {
    c.os.family == OsFamily::Mac && c.managed == Some(false)
}

fn customer_name(c: &CustomerData) -> &str {
    &c.customer.company.name
}

fn product_name(id: &str) -> String {
    catalog::product(id).map_or_else(|| id.to_string(), |p| p.name.to_string())
}

fn os_label(f: OsFamily) -> &'static str {
    match f {
        OsFamily::Windows => "Windows",
        OsFamily::WindowsServer => "Windows Server",
        OsFamily::Mac => "macOS",
        OsFamily::Linux => "Linux",
    }
}

/// The current counter of computers running `f`.
fn os_count(t: &Tally, f: OsFamily) -> i64 {
    t.get(&format!("{}{}", counter::OS, f.name()))
}

const NO_GROUP: &str = "(no group)";

fn group_of(c: &Computer) -> &str {
    c.group.as_deref().unwrap_or(NO_GROUP)
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "Yes"
    } else {
        "No"
    }
}

/// `n` with its noun, e.g. "1 computer", "3 computers".
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `part` of `whole` in whole percent, rounded; 0 of nothing.
fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 200 + whole) / (2 * whole)
    }
}

fn figure(key: &str, label: &str, value: i64) -> Figure {
    Figure {
        key: key.to_string(),
        label: label.to_string(),
        value,
        unit: String::new(),
    }
}

fn percent_figure(key: &str, label: &str, value: i64) -> Figure {
    Figure {
        unit: "%".to_string(),
        ..figure(key, label, value)
    }
}

fn text(key: &str, label: &str, weight: u8) -> Column {
    Column {
        key: key.to_string(),
        label: label.to_string(),
        numeric: false,
        weight,
    }
}

fn num(key: &str, label: &str) -> Column {
    Column {
        key: key.to_string(),
        label: label.to_string(),
        numeric: true,
        weight: 1,
    }
}

fn table(key: &str, columns: Vec<Column>, rows: Vec<Vec<Cell>>, empty: &str) -> Table {
    Table {
        key: key.to_string(),
        columns,
        rows,
        main: false,
        empty: empty.to_string(),
    }
}

/// The table CSV exports.
fn main_table(t: Table) -> Table {
    Table { main: true, ..t }
}

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into() }
}

fn note(text: impl Into<String>) -> Block {
    Block::Note { text: text.into() }
}

fn section(heading: &str, blocks: Vec<Block>) -> Section {
    Section {
        heading: heading.to_string(),
        blocks,
    }
}

/// A table of `(label, value)` slices with each one's share of their sum.
fn share_table(
    key: &str,
    label: Column,
    value: Column,
    slices: &[(String, i64)],
    empty: &str,
) -> Table {
    let total: i64 = slices.iter().map(|(_, n)| n).sum();
    let rows = slices
        .iter()
        .map(|(l, n)| vec![l.clone().into(), (*n).into(), percent(*n, total).into()])
        .collect();
    table(
        key,
        vec![label, value, num("share", "Share (%)")],
        rows,
        empty,
    )
}

/// A share chart of `(label, value)` slices.
fn share_chart(key: &str, title: &str, name: &str, slices: &[(String, i64)]) -> Block {
    Block::Chart(Chart {
        key: key.to_string(),
        title: title.to_string(),
        kind: ChartKind::Share,
        labels: slices.iter().map(|(l, _)| l.clone()).collect(),
        series: vec![ChartSeries {
            name: name.to_string(),
            values: slices.iter().map(|(_, v)| *v).collect(),
        }],
    })
}
