//! The Home page: its widgets (the guide's Table 1-1) and each user's layout of them,
//! and the content an operator publishes for everyone (the threat level and the news).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{validation::Validation, FieldError};

/// A Home page widget.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum WidgetId {
    CustomerIssues,
    MyProfile,
    QuickTasks,
    ProductDeployment,
    RiskActivity,
    IntrusionPrevention,
    ThreatsSummary,
    NewsAlerts,
    EndpointProtection,
    MyProducts,
}

impl WidgetId {
    /// Every widget, in the guide's order (the first layout).
    pub const ALL: [WidgetId; 10] = [
        WidgetId::CustomerIssues,
        WidgetId::MyProfile,
        WidgetId::QuickTasks,
        WidgetId::ProductDeployment,
        WidgetId::RiskActivity,
        WidgetId::IntrusionPrevention,
        WidgetId::ThreatsSummary,
        WidgetId::NewsAlerts,
        WidgetId::EndpointProtection,
        WidgetId::MyProducts,
    ];
}

/// Which widgets a user shows, in order, and which they removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Layout {
    /// The widgets shown, top to bottom.
    pub widgets: Vec<WidgetId>,
    /// The widgets removed (they can be added back).
    pub hidden: Vec<WidgetId>,
}

impl Default for Layout {
    /// Every widget shown, in the guide's order: what a user sees the first time.
    fn default() -> Self {
        Layout {
            widgets: WidgetId::ALL.to_vec(),
            hidden: Vec::new(),
        }
    }
}

impl Layout {
    /// A layout as sent: every widget exactly once across the two lists.
    pub fn parse(self) -> Result<Layout, Vec<FieldError>> {
        let mut v = Validation::new();
        let all: Vec<(&str, usize, WidgetId)> = self
            .widgets
            .iter()
            .enumerate()
            .map(|(i, w)| ("widgets", i, *w))
            .chain(
                self.hidden
                    .iter()
                    .enumerate()
                    .map(|(i, w)| ("hidden", i, *w)),
            )
            .collect();
        for (n, (list, i, w)) in all.iter().enumerate() {
            if all[..n].iter().any(|(_, _, earlier)| earlier == w) {
                v.error(format!("{list}[{i}]"), "names a widget already listed");
            }
        }
        for w in WidgetId::ALL {
            if !all.iter().any(|(_, _, x)| *x == w) {
                let name = serde_json::to_value(w)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                v.error("widgets", format!("must list {name} (shown or hidden)"));
            }
        }
        v.finish().map(|()| self)
    }
}

/// The ThreatCon level: how active threats are on the internet right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ThreatLevel(pub u8);

impl ThreatLevel {
    pub fn parse(n: u8) -> Result<Self, String> {
        (1..=4)
            .contains(&n)
            .then_some(ThreatLevel(n))
            .ok_or_else(|| "must be 1 (normal) to 4 (extreme)".into())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ThreatSeverity {
    Low,
    Medium,
    High,
}

/// One of the latest global threats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Threat {
    pub name: String,
    /// e.g. "Worm", "Trojan", "Ransomware".
    #[serde(rename = "type")]
    pub kind: String,
    pub severity: ThreatSeverity,
    /// Whether the endpoint protection's current definitions protect against it.
    pub protected: bool,
    /// The security response write-up.
    pub url: String,
}

/// The Threats Summary: the current level, why, and the latest threats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Threats {
    /// 1 normal, 2 elevated, 3 high, 4 extreme.
    #[schema(minimum = 1, maximum = 4)]
    pub level: u8,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub latest: Vec<Threat>,
    #[serde(default = "Utc::now")]
    pub updated_at: DateTime<Utc>,
}

fn https_url(value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.len() > 2048 || !v.starts_with("https://") || v.contains(char::is_whitespace) {
        return Err("must be an https:// address".into());
    }
    Ok(v.to_string())
}

impl Threats {
    /// What an operator publishes, checked.
    pub fn parse(self) -> Result<Threats, Vec<FieldError>> {
        let mut v = Validation::new();
        v.check("level", ThreatLevel::parse(self.level));
        let title = v.text("title", &self.title, 200);
        let description = v.text("description", &self.description, 2000);
        if self.latest.len() > 20 {
            v.error("latest", "must have at most 20 threats");
        }
        let mut latest = Vec::new();
        for (i, t) in self.latest.iter().enumerate() {
            let name = v.text(&format!("latest[{i}].name"), &t.name, 200);
            let kind = v.text(&format!("latest[{i}].type"), &t.kind, 100);
            let url = v.check(&format!("latest[{i}].url"), https_url(&t.url));
            if let (Some(name), Some(kind), Some(url)) = (name, kind, url) {
                latest.push(Threat {
                    name,
                    kind,
                    url,
                    ..t.clone()
                });
            }
        }
        v.finish()?;
        Ok(Threats {
            title: title.unwrap_or_default(),
            description: description.unwrap_or_default(),
            latest,
            ..self
        })
    }
}

/// A news item of the News Alerts widget and page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewsItem {
    pub id: String,
    pub title: String,
    /// The snippet the widget shows.
    pub summary: String,
    pub body: String,
    pub url: Option<String>,
    pub published_at: DateTime<Utc>,
}

impl NewsItem {
    /// A news item an operator publishes, checked.
    pub fn new(
        title: &str,
        summary: &str,
        body: &str,
        url: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<NewsItem, Vec<FieldError>> {
        let mut v = Validation::new();
        let title = v.text("title", title, 200);
        let summary = v.text("summary", summary, 500);
        let body = v.text("body", body, 20_000);
        let url = url.and_then(|u| v.check("url", https_url(u)));
        v.finish()?;
        Ok(NewsItem {
            id: format!("nws_{}", uuid::Uuid::now_v7().simple()),
            title: title.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            body: body.unwrap_or_default(),
            url,
            published_at: at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_lists_every_widget_once() {
        let mut l = Layout::default();
        assert_eq!(l.clone().parse(), Ok(Layout::default()));
        l.widgets.retain(|w| *w != WidgetId::MyProducts);
        l.hidden.push(WidgetId::MyProducts);
        assert!(l.clone().parse().is_ok());
        l.widgets.push(WidgetId::QuickTasks);
        let errors = l.clone().parse().unwrap_err();
        assert_eq!(errors[0].field, "widgets[9]");
        let missing = Layout {
            widgets: vec![WidgetId::QuickTasks],
            hidden: vec![],
        }
        .parse()
        .unwrap_err();
        assert_eq!(missing.len(), 9);
        assert!(missing[0].message.contains("customerIssues"));
    }

    #[test]
    fn published_threats_are_checked() {
        let t = Threats {
            level: 5,
            title: " ".into(),
            description: "Worm outbreak".into(),
            latest: vec![Threat {
                name: "W32.Downadup".into(),
                kind: "Worm".into(),
                severity: ThreatSeverity::High,
                protected: true,
                url: "http://example.com".into(),
            }],
            updated_at: Utc::now(),
        };
        let fields: Vec<_> = t
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["level", "title", "latest[0].url"]);
        assert!(NewsItem::new("T", "S", "B", Some("https://x.example/a"), Utc::now()).is_ok());
        assert!(NewsItem::new("T", "", "B", None, Utc::now()).is_err());
    }
}
