use domain::report::Format;
use image::ImageOutputFormat;
use reports::{render, Brand};

use crate::samples::{self, brand_with, logo};

fn html(doc: &domain::report::document::Document, brand: &Brand) -> String {
    let rendered = render(doc, Format::Html, brand).expect("the HTML renders");
    assert_eq!(rendered.pages, None);
    String::from_utf8(rendered.bytes).expect("the HTML is UTF-8")
}

#[test]
fn the_page_is_self_contained_and_runs_nothing() {
    let page = html(
        &samples::sample(),
        &brand_with(logo(200, 100, ImageOutputFormat::Png)),
    );
    assert!(!page.to_lowercase().contains("<script"));
    assert!(!page.contains("javascript:") && !page.contains("onload="));
    assert!(
        page.contains("src=\"data:image/png;base64,"),
        "the logo is inline"
    );
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing is fetched"
    );
    assert!(page.contains("<meta name=\"viewport\""));
    assert!(page.contains("@media print") && page.contains("<thead>"));
    assert!(page.contains("#1f3a5f"), "the theme colour is in the CSS");
}

#[test]
fn text_is_escaped() {
    let page = html(&samples::sample(), &Brand::default());
    assert!(page.contains("&lt;Acme &amp; Sons&gt;"));
    assert!(!page.contains("<Acme"));
    assert!(!page.contains("<Managed>") && !page.contains("<Security>"));
    assert!(page.contains("Αθηνά Ιατρική") && page.contains("Москва Клиника"));
}

#[test]
fn every_chart_is_an_inline_svg() {
    let page = html(&samples::sample(), &Brand::default());
    assert_eq!(page.matches("<svg").count(), 3);
    assert!(page.contains("<rect") && page.contains("<polyline"));
    assert!(page.contains("No alerts in this period."));
    let plain = html(&samples::no_figures(), &Brand::default());
    assert_eq!(plain.matches("<svg").count(), 0);
    assert!(!plain.contains("class=\"figures\""));
}
