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

/// One field, quoted per RFC 4180. Cells that a spreadsheet would run as a formula are
/// prefixed with `'` (CSV injection).
pub fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

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

    #[test]
    fn csv_is_asked_for_by_accept_or_format() {
        let mut h = HeaderMap::new();
        assert!(!wants_csv(&h, None));
        assert!(wants_csv(&h, Some("csv")));
        h.insert(header::ACCEPT, HeaderValue::from_static("text/csv"));
        assert!(wants_csv(&h, None));
    }
}
