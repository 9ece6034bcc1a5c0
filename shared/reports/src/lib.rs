//! The report renderers: a [`Document`] (what a report type builds) drawn as one file
//! in the format the partner chose. A renderer looks at the document and the partner's
//! brand only; it never reads telemetry or customers.

mod chart;
mod csv;
mod html;
mod logo;
mod pdf;
mod xml;

use domain::report::{document::Document, Format};

/// The partner's report branding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    /// The colour of the banner's text.
    pub header_colour: [u8; 3],
    /// The colour of the banner and of table headers.
    pub theme_colour: [u8; 3],
    /// The stored original logo (PNG, JPEG or GIF), already checked to be a real image
    /// under 200 KB.
    pub logo: Option<Vec<u8>>,
}

impl Default for Brand {
    /// White on dark blue, no logo.
    fn default() -> Self {
        Brand {
            header_colour: [255, 255, 255],
            theme_colour: [0x1f, 0x3a, 0x5f],
            logo: None,
        }
    }
}

/// A rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// The page count of a PDF; `None` for the other formats.
    pub pages: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("The logo could not be read: {0}. Upload a PNG, JPEG or GIF image.")]
    Logo(String),
    #[error("This report has no table, so it cannot be exported as CSV.")]
    NoTable,
    #[error("The report's font could not be prepared: {0}")]
    Font(String),
    #[error("The PDF could not be drawn: {0}")]
    Pdf(String),
}

/// Draws `doc` as a file of `format`.
pub fn render(doc: &Document, format: Format, brand: &Brand) -> Result<Rendered, RenderError> {
    match format {
        Format::Pdf => pdf::render(doc, brand),
        Format::Html => html::render(doc, brand).map(text),
        Format::Csv => csv::render(doc).map(text),
        Format::Xml => Ok(text(xml::render(doc))),
    }
}

fn text(s: String) -> Rendered {
    Rendered {
        bytes: s.into_bytes(),
        pages: None,
    }
}

/// The customers line of the title block: a long list is shortened to its first names
/// and a count ("A, B, C and 47 more").
pub(crate) fn customers_line(customers: &[String]) -> String {
    const SHOWN: usize = 10;
    match customers {
        [] => "None".to_string(),
        [one] => one.clone(),
        list if list.len() <= SHOWN => {
            let (last, rest) = list.split_last().expect("the list has two or more names");
            format!("{} and {last}", rest.join(", "))
        }
        list => format!(
            "{} and {} more",
            list[..SHOWN].join(", "),
            list.len() - SHOWN
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::customers_line;

    fn names(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("C{i}")).collect()
    }

    #[test]
    fn a_long_customer_list_is_shortened_with_a_count() {
        assert_eq!(customers_line(&names(0)), "None");
        assert_eq!(customers_line(&names(1)), "C1");
        assert_eq!(customers_line(&names(3)), "C1, C2 and C3");
        assert_eq!(customers_line(&names(10)).matches(',').count(), 8);
        assert_eq!(
            customers_line(&names(57)),
            "C1, C2, C3, C4, C5, C6, C7, C8, C9, C10 and 47 more"
        );
    }
}
