//! The report document: what every report type builds and every renderer draws. A
//! renderer never looks at telemetry or customers, only at this; a report type never
//! knows which format it ends up in.

use serde::{Deserialize, Serialize};

/// A whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// The report's name as the partner gave it.
    pub title: String,
    /// The report type's name, e.g. "Endpoint Summary".
    pub subtitle: String,
    /// The partner's company name (the banner's text beside the logo).
    pub partner: String,
    /// e.g. "Last 7 days (27 Nov 2026 – 3 Dec 2026)".
    pub period: String,
    /// e.g. "4 Dec 2026 10:15 GMT".
    pub generated: String,
    /// The customers the report covers, by name (a long list is shortened by the
    /// renderer, never by the builder).
    pub customers: Vec<String>,
    /// The headline numbers, shown as tiles under the title block.
    pub figures: Vec<Figure>,
    pub sections: Vec<Section>,
}

/// One headline number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Figure {
    /// A stable name for machines (XML, tests), e.g. `computers`.
    pub key: String,
    /// The label people read, e.g. "Computers".
    pub label: String,
    pub value: i64,
    /// Shown after the value, e.g. "%"; empty for plain counts.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
}

/// A titled part of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Block {
    Paragraph {
        text: String,
    },
    /// Small print under a table or chart: definitions, what was left out.
    Note {
        text: String,
    },
    Table(Table),
    Chart(Chart),
}

/// A table. The first table of the document marked `main` is what CSV exports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    /// A stable name for machines (XML element, CSV file), e.g. `computers`.
    pub key: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// The report's main table (exported as CSV).
    #[serde(default)]
    pub main: bool,
    /// What to show when `rows` is empty, e.g. "No alerts in this period."
    pub empty: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    /// A stable name for machines (CSV header, XML attribute), e.g. `lastSeen`.
    pub key: String,
    /// The header people read.
    pub label: String,
    /// Numbers are right-aligned.
    #[serde(default)]
    pub numeric: bool,
    /// A relative width (1 = narrow, 3 = wide); renderers share the page width by it.
    pub weight: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", untagged)]
pub enum Cell {
    Number(i64),
    Text(String),
}

impl Cell {
    /// The cell as text: how CSV, XML and every renderer show it.
    pub fn text(&self) -> String {
        match self {
            Cell::Number(n) => n.to_string(),
            Cell::Text(t) => t.clone(),
        }
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Number(n)
    }
}

impl From<&str> for Cell {
    fn from(t: &str) -> Self {
        Cell::Text(t.to_string())
    }
}

impl From<String> for Cell {
    fn from(t: String) -> Self {
        Cell::Text(t)
    }
}

/// A chart drawn from the report's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chart {
    pub key: String,
    pub title: String,
    pub kind: ChartKind,
    /// The category labels (x axis for bars and lines, slices for a share chart).
    pub labels: Vec<String>,
    pub series: Vec<ChartSeries>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChartKind {
    /// Vertical bars, one group per label, one bar per series.
    Bar,
    /// Lines over time, one per series.
    Line,
    /// One horizontal bar split into each label's share (a single series).
    Share,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartSeries {
    pub name: String,
    /// One value per label.
    pub values: Vec<i64>,
}

impl Document {
    /// The table CSV exports: the first marked `main`, else the first table.
    pub fn main_table(&self) -> Option<&Table> {
        let tables = || {
            self.sections.iter().flat_map(|s| {
                s.blocks.iter().filter_map(|b| match b {
                    Block::Table(t) => Some(t),
                    _ => None,
                })
            })
        };
        tables().find(|t| t.main).or_else(|| tables().next())
    }

    /// A headline figure by key.
    pub fn figure(&self, key: &str) -> Option<i64> {
        self.figures.iter().find(|f| f.key == key).map(|f| f.value)
    }
}
