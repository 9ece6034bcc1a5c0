use domain::report::Format;
use reports::{render, Brand, RenderError};

use crate::samples::{self, CUSTOMERS};

/// A small RFC 4180 reader: fields, quoted or not, CRLF line ends.
fn parse(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "the file ends with a line end"
    );
    rows
}

fn csv(doc: &domain::report::document::Document) -> String {
    let rendered = render(doc, Format::Csv, &Brand::default()).expect("the CSV renders");
    let text = String::from_utf8(rendered.bytes).expect("the CSV is UTF-8");
    assert!(
        !text.starts_with('\u{feff}'),
        "no byte order mark, like the list exports"
    );
    text
}

#[test]
fn the_main_table_parses_back_under_its_column_keys() {
    let rows = parse(&csv(&samples::sample()));
    assert_eq!(
        rows[0],
        ["customer", "computer", "os", "lastSeen", "alerts"]
    );
    assert_eq!(rows.len(), 61);
    assert_eq!(rows[1][1], "Computer 0");
    assert_eq!(rows[1][0], CUSTOMERS[0]);
    assert_eq!(rows[2][0], "Αθηνά Ιατρική");
    assert_eq!(rows[4][0], "<Acme & Sons>");
    assert_eq!(rows[6][0], "Plain Dental, Inc.", "a comma is quoted");
    assert_eq!(rows[2][4], "37");
}

#[test]
fn a_formula_comes_out_neutralised() {
    let text = csv(&samples::sample());
    let rows = parse(&text);
    assert_eq!(rows[5][0], "'=cmd|' /C calc'!A0");
    assert!(!text.contains("\r\n=") && !text.contains(",="));
}

#[test]
fn a_document_without_a_table_has_no_csv() {
    let mut doc = samples::sample();
    doc.sections.clear();
    assert!(matches!(
        render(&doc, Format::Csv, &Brand::default()),
        Err(RenderError::NoTable)
    ));
}
