//! XML: the whole document in the namespace [`NAMESPACE`], as `docs/report.xsd`
//! describes it. Every text is escaped, and characters XML 1.0 cannot carry (control
//! characters other than tab and line ends, U+FFFE, U+FFFF) are left out, so the file
//! is well-formed whatever a name holds.

use std::fmt::Write as _;

use domain::report::document::{Block, Cell, Chart, ChartKind, Document, Table};

pub(crate) const NAMESPACE: &str = "urn:partner-console:report:1";

pub(crate) fn render(doc: &Document) -> String {
    let mut x = Xml::default();
    x.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.open("report", &[("xmlns", NAMESPACE)]);
    x.leaf("title", &[], &doc.title);
    x.leaf("subtitle", &[], &doc.subtitle);
    x.leaf("partner", &[], &doc.partner);
    x.leaf("period", &[], &doc.period);
    x.leaf("generated", &[], &doc.generated);
    x.open("customers", &[]);
    for c in &doc.customers {
        x.leaf("customer", &[], c);
    }
    x.close("customers");
    x.open("figures", &[]);
    for f in &doc.figures {
        let mut attrs = vec![("key", f.key.as_str()), ("label", f.label.as_str())];
        if !f.unit.is_empty() {
            attrs.push(("unit", f.unit.as_str()));
        }
        x.leaf("figure", &attrs, &f.value.to_string());
    }
    x.close("figures");
    x.open("sections", &[]);
    for s in &doc.sections {
        x.open("section", &[]);
        x.leaf("heading", &[], &s.heading);
        for b in &s.blocks {
            match b {
                Block::Paragraph { text } => x.leaf("paragraph", &[], text),
                Block::Note { text } => x.leaf("note", &[], text),
                Block::Table(t) => table(&mut x, t),
                Block::Chart(c) => chart(&mut x, c),
            }
        }
        x.close("section");
    }
    x.close("sections");
    x.close("report");
    x.out
}

fn table(x: &mut Xml, t: &Table) {
    let main = if t.main { "true" } else { "false" };
    x.open("table", &[("key", &t.key), ("main", main)]);
    x.open("columns", &[]);
    for c in &t.columns {
        let numeric = if c.numeric { "true" } else { "false" };
        let weight = c.weight.to_string();
        x.leaf(
            "column",
            &[("key", &c.key), ("numeric", numeric), ("weight", &weight)],
            &c.label,
        );
    }
    x.close("columns");
    x.open("rows", &[]);
    for row in &t.rows {
        x.open("row", &[]);
        for (i, cell) in row.iter().enumerate() {
            let key = t.columns.get(i).map_or("", |c| c.key.as_str());
            let kind = match cell {
                Cell::Number(_) => "number",
                Cell::Text(_) => "text",
            };
            x.leaf("cell", &[("column", key), ("type", kind)], &cell.text());
        }
        x.close("row");
    }
    x.close("rows");
    x.leaf("empty", &[], &t.empty);
    x.close("table");
}

fn chart(x: &mut Xml, c: &Chart) {
    let kind = match c.kind {
        ChartKind::Bar => "bar",
        ChartKind::Line => "line",
        ChartKind::Share => "share",
    };
    x.open("chart", &[("key", &c.key), ("kind", kind)]);
    x.leaf("title", &[], &c.title);
    x.open("labels", &[]);
    for l in &c.labels {
        x.leaf("label", &[], l);
    }
    x.close("labels");
    for s in &c.series {
        x.open("series", &[("name", &s.name)]);
        for v in &s.values {
            x.leaf("value", &[], &v.to_string());
        }
        x.close("series");
    }
    x.close("chart");
}

/// An indenting writer: elements hold either elements or text, never both.
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"");
            escape(&mut self.out, v, true);
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start(name, attrs);
        self.out.push('\n');
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        let _ = writeln!(self.out, "</{name}>");
    }

    fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(name, attrs);
        escape(&mut self.out, text, false);
        let _ = writeln!(self.out, "</{name}>");
    }
}

/// Escapes `s` into `out`. In an attribute, tabs and line ends are written as character
/// references so that they survive attribute normalisation.
fn escape(out: &mut String, s: &str, attribute: bool) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' | '\n' if attribute => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            // A bare CR would be read back as LF.
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// XML 1.0's `Char` production (a Rust `char` is never a surrogate).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_never_reach_the_file() {
        let mut out = String::new();
        escape(&mut out, "a<b>&\"c\"\u{0}\u{1b}\u{FFFF}\té\r", false);
        assert_eq!(out, "a&lt;b&gt;&amp;\"c\"\té&#13;");
        let mut out = String::new();
        escape(&mut out, "\"x\"\n", true);
        assert_eq!(out, "&quot;x&quot;&#10;");
    }
}
