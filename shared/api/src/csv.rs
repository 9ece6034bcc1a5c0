//! CSV answers for list endpoints (`Accept: text/csv` or `?format=csv`).

use axum::{
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
};

/// A type that can be a row of a CSV export.
pub trait CsvRow {
    fn headers() -> &'static [&'static str];
    fn row(&self) -> Vec<String>;
}

/// Whether the client asked for CSV.
pub fn wants_csv(headers: &HeaderMap, format: Option<&str>) -> bool {
    format == Some("csv")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim().starts_with("text/csv")))
}

/// One field, quoted per RFC 4180, formulas neutralised (shared with the report files).
pub use domain::csv::field;

pub fn render<T: CsvRow>(rows: &[T]) -> String {
    let mut out = T::headers()
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(
            &r.row()
                .iter()
                .map(|c| field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// The CSV download of `rows`, named `filename`.
pub fn response<T: CsvRow>(rows: &[T], filename: &str) -> Response {
    let mut response = render(rows).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// Most rows one CSV export holds.
pub const MAX_ROWS: usize = 10_000;

/// Every row of a list, for its CSV export: `page` is asked for one page after another
/// (`None` first, then each page's continuation) until the last page or [`MAX_ROWS`].
pub async fn every_page<T, F, Fut>(mut page: F) -> Result<Vec<T>, store::StoreError>
where
    F: FnMut(Option<store::Item>) -> Fut,
    Fut: std::future::Future<Output = Result<store::Page<T>, store::StoreError>>,
{
    let mut rows = Vec::new();
    let mut start = None;
    loop {
        let p = page(start).await?;
        rows.extend(p.items);
        match p.next {
            Some(next) if rows.len() < MAX_ROWS => start = Some(next),
            _ => break,
        }
    }
    rows.truncate(MAX_ROWS);
    Ok(rows)
}

/// The Security Audit export (`GET /audit?format=csv`).
impl CsvRow for domain::audit::AuditRecord {
    fn headers() -> &'static [&'static str] {
        &[
            "Time",
            "User",
            "Action",
            "Target",
            "Outcome",
            "Reason",
            "Source IP",
        ]
    }

    fn row(&self) -> Vec<String> {
        let text = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
        vec![
            self.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            self.actor_email.clone(),
            text(serde_json::to_value(self.action).unwrap_or_default()),
            self.target.clone().unwrap_or_default(),
            text(serde_json::to_value(self.outcome).unwrap_or_default()),
            self.reason.clone().unwrap_or_default(),
            self.source_ip.clone(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R(&'static str, &'static str);
    impl CsvRow for R {
        fn headers() -> &'static [&'static str] {
            &["Name", "Note"]
        }
        fn row(&self) -> Vec<String> {
            vec![self.0.into(), self.1.into()]
        }
    }

    #[test]
    fn quotes_commas_quotes_and_formulas() {
        let csv = render(&[R("Acme, Inc.", "said \"hi\""), R("=cmd()", "ok")]);
        assert_eq!(
            csv,
            "Name,Note\r\n\"Acme, Inc.\",\"said \"\"hi\"\"\"\r\n'=cmd(),ok\r\n"
        );
    }

    #[tokio::test]
    async fn every_page_follows_continuations_up_to_the_row_limit() {
        use store::{Item, Page};
        let calls = std::cell::Cell::new(0);
        let rows = every_page(|start: Option<Item>| {
            calls.set(calls.get() + 1);
            let n = start.map_or(0, |s| s.len());
            async move {
                Ok(Page {
                    items: vec![n; 4_000],
                    next: (n < 5).then(|| {
                        (0..=n)
                            .map(|i| {
                                (
                                    i.to_string(),
                                    aws_sdk_dynamodb::types::AttributeValue::Null(true),
                                )
                            })
                            .collect()
                    }),
                })
            }
        })
        .await
        .unwrap();
        assert_eq!(rows.len(), MAX_ROWS, "cut at the limit");
        assert_eq!(calls.get(), 3, "stops asking once the limit is reached");
        assert_eq!(&rows[..1], &[0]);
        assert_eq!(
            rows[4_000], 1,
            "the second page follows the first's continuation"
        );
    }

    #[test]
    fn csv_is_asked_for_by_accept_or_format() {
        let mut h = HeaderMap::new();
        assert!(!wants_csv(&h, None));
        assert!(wants_csv(&h, Some("csv")));
        h.insert(header::ACCEPT, HeaderValue::from_static("text/csv"));
        assert!(wants_csv(&h, None));
    }
}
