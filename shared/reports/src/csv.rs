//! CSV: the document's main table only. A header row of the columns' keys (stable
//! names a spreadsheet or script can rely on, unlike the labels people read), then one
//! line per row; RFC 4180 quoting and CRLF line ends, text cells that a spreadsheet
//! would run as a formula neutralised as every CSV export of the console does. UTF-8
//! without a byte order mark, like the list exports.

use domain::csv::field;
use domain::report::document::{Cell, Document};

use crate::RenderError;

pub(crate) fn render(doc: &Document) -> Result<String, RenderError> {
    let table = doc.main_table().ok_or(RenderError::NoTable)?;
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = String>| {
        out.push_str(&cells.collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    line(&mut table.columns.iter().map(|c| field(&c.key)));
    for row in &table.rows {
        line(&mut row.iter().map(|cell| match cell {
            // A number is never a formula, and "-3" must stay a number.
            Cell::Number(n) => n.to_string(),
            Cell::Text(t) => field(t),
        }));
    }
    Ok(out)
}
