use std::time::{Duration, Instant};

use domain::report::Format;
use image::ImageOutputFormat;
use reports::{render, Brand, Rendered};

use crate::samples::{self, brand_with, logo, CUSTOMERS, LONG_TOKEN};
use crate::{run, temp_file};

fn pdf(doc: &domain::report::document::Document, brand: &Brand, name: &str) -> (Rendered, String) {
    let rendered = render(doc, Format::Pdf, brand).expect("the PDF renders");
    let path = temp_file(name, &rendered.bytes);
    (rendered, path.to_string_lossy().into_owned())
}

fn text(path: &str, pages: Option<(u32, u32)>) -> String {
    match pages {
        Some((f, l)) => run(
            "pdftotext",
            &[
                "-enc",
                "UTF-8",
                "-f",
                &f.to_string(),
                "-l",
                &l.to_string(),
                path,
                "-",
            ],
        ),
        None => run("pdftotext", &["-enc", "UTF-8", path, "-"]),
    }
}

#[test]
fn the_pdf_is_a4_with_the_page_count_it_reports() {
    let (rendered, path) = pdf(&samples::sample(), &Brand::default(), "sample.pdf");
    let info = run("pdfinfo", &[&path]);
    assert!(info.contains("(A4)"), "{info}");
    let pages = rendered.pages.unwrap();
    assert!(pages >= 2, "the 60-row table runs over a page");
    assert!(
        info.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Pages:", &pages.to_string()]),
        "{info}"
    );
    let all = text(&path, None);
    for p in 1..=pages {
        assert!(
            all.contains(&format!("Page {p} of {pages}")),
            "page {p} is numbered"
        );
    }
}

#[test]
fn the_last_page_number_is_the_page_count_whatever_the_length() {
    // 33 rows end at the foot of page 1: genpdf then starts a page with nothing left to
    // put on it, which the count must not include.
    for rows in [20, 33, 60, 100] {
        let mut doc = samples::no_figures();
        doc.sections[0].blocks = vec![domain::report::document::Block::Table(samples::computers(
            rows,
        ))];
        let (rendered, path) = pdf(&doc, &Brand::default(), &format!("rows-{rows}.pdf"));
        let pages = rendered.pages.unwrap();
        let info = run("pdfinfo", &[&path]);
        assert!(
            info.contains(&format!("Pages:           {pages}\n")),
            "{rows} rows: {info}"
        );
        let last = text(&path, Some((pages, pages)));
        assert!(
            last.contains(&format!("Page {pages} of {pages}")),
            "{rows} rows:\n{last}"
        );
    }
}

#[test]
fn every_name_and_figure_can_be_read_back() {
    let doc = samples::sample();
    let (_, path) = pdf(&doc, &Brand::default(), "names.pdf");
    let all = text(&path, None);
    for name in CUSTOMERS {
        assert!(all.contains(name), "{name} is in the text:\n{all}");
    }
    assert!(all.contains(&doc.partner) && all.contains("Endpoint Summary"));
    assert!(all.contains(&doc.period) && all.contains(&doc.generated));
    for f in &doc.figures {
        assert!(
            all.contains(&format!("{}{}", f.value, f.unit)),
            "{} is shown",
            f.key
        );
        assert!(all.contains(&f.label));
    }
    for title in ["Computers by day", "Trend", "Operating systems"] {
        assert!(all.contains(title), "chart {title}");
    }
    assert!(
        all.contains("No alerts in this period."),
        "the empty table says so"
    );
    assert!(
        all.contains("Windows 11 Pro: 40 (62%)"),
        "the share chart's legend"
    );
}

#[test]
fn a_table_repeats_its_header_on_the_page_it_continues_on() {
    let (_, path) = pdf(&samples::sample(), &Brand::default(), "continued.pdf");
    let first = text(&path, Some((1, 1)));
    assert!(first.contains("Computer 0"), "the table starts on page 1");
    // Words only: a header label may wrap in its cell.
    let second = text(&path, Some((2, 2)))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        (1..60).any(|i| second.contains(&format!("Computer {i} "))
            && !first.contains(&format!("Computer {i}\n"))),
        "the table continues on page 2:\n{second}"
    );
    for label in [
        "Customer",
        "Computer",
        "Operating system",
        "Last seen",
        "Alerts",
    ] {
        assert!(second.contains(label), "{label} on page 2:\n{second}");
    }
    // And the header is at the top: above every row of the page.
    let words = words(&path, 2);
    let top_row = words
        .iter()
        .filter(|w| w.0 == "Computer")
        .map(|w| w.3)
        .fold(f64::MAX, f64::min);
    let rows: Vec<_> = words
        .iter()
        .filter(|w| w.0.starts_with("Computer") && w.3 > top_row)
        .collect();
    assert!(!rows.is_empty());
    for label in ["Customer", "Operating", "Alerts"] {
        let header = words.iter().find(|w| w.0 == label).unwrap();
        assert!(
            rows.iter().all(|r| header.3 < r.3),
            "{label} above the rows"
        );
    }
}

/// Word boxes of a page from `pdftotext -bbox`: (text, xMin, xMax, yMin) in points.
fn words(path: &str, page: u32) -> Vec<(String, f64, f64, f64)> {
    let page = page.to_string();
    let html = run(
        "pdftotext",
        &[
            "-bbox", "-enc", "UTF-8", "-f", &page, "-l", &page, path, "-",
        ],
    );
    let attr = |line: &str, name: &str| -> f64 {
        let start = line
            .find(&format!("{name}=\""))
            .expect("a word box has xMin, xMax, yMin")
            + name.len()
            + 2;
        line[start..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a coordinate is a number")
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let text = l
                .split('>')
                .nth(1)
                .and_then(|t| t.split('<').next())
                .expect("<word ...>text</word>")
                .to_string();
            (text, attr(l, "xMin"), attr(l, "xMax"), attr(l, "yMin"))
        })
        .collect()
}

const MM: f64 = 72.0 / 25.4;

#[test]
fn long_text_stays_in_its_cell_and_numbers_are_right_aligned() {
    let (_, path) = pdf(&samples::sample(), &Brand::default(), "cells.pdf");
    let words = words(&path, 1);
    // The customer column: the first 3 of 11 weights of 180 mm, from the 15 mm margin.
    let column_end = (15.0 + 180.0 * 3.0 / 11.0) * MM;
    let pieces: Vec<_> = words
        .iter()
        .filter(|w| !w.0.is_empty() && w.0.chars().all(|c| c == 'W'))
        .collect();
    let total: usize = pieces.iter().map(|w| w.0.len()).sum();
    assert_eq!(
        total,
        LONG_TOKEN.len(),
        "the long token is printed whole, over several lines"
    );
    assert!(pieces.len() > 1, "and broken");
    for w in pieces {
        assert!(
            w.2 <= column_end,
            "{} ends at {} pt, past the cell's {column_end} pt",
            w.0,
            w.2
        );
    }
    // The alerts column is the last: numbers end at its right edge less the padding.
    let right = (15.0 + 180.0 - 1.5) * MM;
    let alerts_start = (15.0 + 180.0 * 10.0 / 11.0) * MM;
    let above_footer = (297.0 - 25.0) * MM;
    let numbers: Vec<_> = words
        .iter()
        .filter(|w| w.0.parse::<u32>().is_ok() && w.1 > alerts_start && w.3 < above_footer)
        .collect();
    assert!(numbers.len() > 10);
    for n in numbers {
        assert!(
            (n.2 - right).abs() < 1.0,
            "{} ends at {} pt, not {right}",
            n.0,
            n.2
        );
    }
}

#[test]
fn logos_in_png_with_alpha_gif_and_jpeg_are_drawn() {
    for (name, bytes) in [
        ("png", logo(580, 110, ImageOutputFormat::Png)),
        ("gif", logo(300, 300, ImageOutputFormat::Gif)),
        ("jpeg", logo(58, 55, ImageOutputFormat::Jpeg(85))),
    ] {
        let (_, path) = pdf(
            &samples::no_figures(),
            &brand_with(bytes),
            &format!("logo-{name}.pdf"),
        );
        let list = run("pdfimages", &["-list", &path]);
        // 580 × 110 fits 116 × 110 as 116 × 22; 300 × 300 as 110 × 110; 58 × 55 as 116 × 110.
        let size = match name {
            "png" => ["116", "22"],
            "gif" => ["110", "110"],
            _ => ["116", "110"],
        };
        assert!(
            list.lines().any(|l| {
                let cols: Vec<_> = l.split_whitespace().collect();
                cols.len() > 5 && cols[3..5] == size && cols[5] == "rgb"
            }),
            "the {name} logo is an RGB image of {size:?}:\n{list}"
        );
    }
}

#[test]
fn a_document_without_figures_or_charts_renders() {
    let (rendered, path) = pdf(&samples::no_figures(), &Brand::default(), "plain.pdf");
    assert_eq!(rendered.pages, Some(1));
    let all = text(&path, None);
    assert!(all.contains("Computer 2") && all.contains("Page 1 of 1"));
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The size docs/reports.md gives is checked; the time is printed (measure it with
/// `cargo test --release -p reports size_and_speed -- --nocapture`). The 100-page
/// render is measured by `make bench` (`infra bench-reports`).
#[test]
fn size_and_speed_of_a_two_page_report() {
    let doc = samples::two_pages();
    let brand = brand_with(logo(400, 200, ImageOutputFormat::Png));
    let runs = if cfg!(debug_assertions) { 1 } else { 10 };
    let mut times = Vec::new();
    let mut rendered = None;
    for _ in 0..runs {
        let start = Instant::now();
        rendered = Some(render(&doc, Format::Pdf, &brand).unwrap());
        times.push(start.elapsed());
    }
    let rendered = rendered.unwrap();
    println!(
        "two-page report: {} pages, {} bytes, median {:?} of {runs}",
        rendered.pages.unwrap(),
        rendered.bytes.len(),
        median(times)
    );
    assert_eq!(rendered.pages, Some(2));
    assert!(
        rendered.bytes.len() <= 300 * 1024,
        "{} bytes",
        rendered.bytes.len()
    );
}

#[test]
fn figure_labels_wrap_and_narrow_columns_keep_whole_words_and_numbers() {
    let (_, path) = pdf(&samples::narrow_columns(), &Brand::default(), "narrow.pdf");
    let raw = run("pdftotext", &["-enc", "UTF-8", "-raw", &path, "-"]);
    assert!(!raw.contains('…'), "nothing is cut:\n{raw}");
    let words: Vec<&str> = raw.split_whitespace().collect();
    for word in [
        "Computers",
        "Protected",
        "Definitions",
        "Activation",
        "required",
        "disabled",
    ] {
        assert!(words.contains(&word), "{word} stands whole:\n{raw}");
    }
    for n in 1_234_567..1_234_574 {
        assert!(
            words.contains(&n.to_string().as_str()),
            "{n} stands whole:\n{raw}"
        );
    }
}

#[test]
fn the_document_information_title_reads_right_in_a_viewer() {
    let mut doc = samples::no_figures();
    doc.title = "Acme Dental – “weekly” summary".into();
    let (_, path) = pdf(&doc, &Brand::default(), "title.pdf");
    let info = run("pdfinfo", &[&path]);
    assert!(
        info.contains("Title:           Acme Dental - \"weekly\" summary"),
        "{info}"
    );
    doc.title = "Κλινική Αθηνά".into();
    let (_, path) = pdf(&doc, &Brand::default(), "greek-title.pdf");
    let info = run("pdfinfo", &[&path]);
    assert!(
        info.contains(&format!("Title:           {}", doc.subtitle)),
        "{info}"
    );
    assert!(run("pdftotext", &["-enc", "UTF-8", &path, "-"]).contains("Κλινική Αθηνά"));
}
