//! PDF: A4 portrait, drawn with genpdf. Page 1 opens with the banner (logo, partner,
//! title and subtitle in the header colour on the theme colour), the period, generated
//! time and customers, then the figures as tiles; the sections follow. Every page has
//! a footer with the report's name and "Page N of M".
//!
//! genpdf lays a document out in one pass, so the page count is found by a first
//! layout pass that stops before writing anything; the second pass draws the footers
//! with the total.

mod chart;
mod elements;
mod fonts;
mod table;

use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;

use domain::report::document::{Block, ChartKind, Document};
use genpdf::{
    error::Error, render::Area, style::Color, style::Style, Context, Margins, Mm, Position,
    Rotation, Scale,
};
use image::{DynamicImage, GenericImageView, Rgb, RgbImage};

use crate::{logo, Brand, RenderError, Rendered};

/// Body text.
const INK: Color = Color::Rgb(0x22, 0x22, 0x22);
/// Secondary text: notes, labels, the footer.
const MUTED: Color = Color::Rgb(0x60, 0x60, 0x60);
/// Rules between table rows, tile outlines.
const RULE: Color = Color::Rgb(0xcc, 0xcc, 0xcc);

pub(crate) fn render(doc: &Document, brand: &Brand) -> Result<Rendered, RenderError> {
    let logo = match &brand.logo {
        Some(bytes) => {
            let img = logo::fit(&logo::decode(bytes)?, logo::BOX.0, logo::BOX.1);
            Some(logo::flatten(&img))
        }
        None => None,
    };
    let family = fonts::family(&characters(doc))?;
    let pdf_error = |e: Error| RenderError::Pdf(e.to_string());

    // First pass: lay out, count the pages, stop before anything is written.
    let first_pass = Pass::default();
    let mut first = layout(doc, brand, logo.as_ref(), family.clone(), &first_pass, None);
    first.push(elements::Stop(first_pass.stopped.clone()));
    match first.render(std::io::sink()) {
        Err(_) if first_pass.stopped.get() => {}
        Err(e) => return Err(pdf_error(e)),
        Ok(()) => return Err(RenderError::Pdf("the layout did not finish".into())),
    }
    // The last page with content: the stop itself may have been reached on a new page.
    let total = first_pass.last.get();

    let second_pass = Pass::default();
    let second = layout(doc, brand, logo.as_ref(), family, &second_pass, Some(total));
    let mut bytes = Vec::with_capacity(64 * 1024);
    second.render(&mut bytes).map_err(pdf_error)?;
    Ok(Rendered {
        bytes,
        pages: Some(second_pass.pages.get()),
    })
}

/// What a layout pass counts.
#[derive(Default)]
struct Pass {
    /// Pages started.
    pages: Rc<Cell<u32>>,
    /// The last page something was drawn on.
    last: Rc<Cell<u32>>,
    /// Whether the counting pass reached its end.
    stopped: Rc<Cell<bool>>,
}

fn layout(
    doc: &Document,
    brand: &Brand,
    logo: Option<&RgbImage>,
    family: genpdf::fonts::FontFamily<genpdf::fonts::FontData>,
    pass: &Pass,
    total: Option<u32>,
) -> genpdf::Document {
    let mut pdf = genpdf::Document::new(family);
    pdf.set_title(metadata_title(doc));
    pdf.set_paper_size(genpdf::PaperSize::A4);
    pdf.set_minimal_conformance();
    pdf.set_font_size(9);
    pdf.set_page_decorator(Pages {
        count: pass.pages.clone(),
        total,
        footer: clean(&format!("{} · {}", doc.partner, doc.title)),
    });
    let accent = readable_on_white(brand.theme_colour);
    let mut blocks: Vec<Box<dyn genpdf::Element>> = vec![
        Box::new(elements::Banner {
            partner: clean(&doc.partner),
            title: clean(&doc.title),
            subtitle: clean(&doc.subtitle),
            logo: logo.cloned(),
            theme: brand.theme_colour,
            header: rgb(brand.header_colour),
        }),
        Box::new(elements::Facts::new(vec![
            ("Period", clean(&doc.period)),
            ("Generated", clean(&doc.generated)),
            ("Customers", clean(&crate::customers_line(&doc.customers))),
        ])),
    ];
    if !doc.figures.is_empty() {
        blocks.push(Box::new(elements::Tiles::new(
            &doc.figures,
            brand.theme_colour,
        )));
    }
    for section in &doc.sections {
        blocks.push(Box::new(elements::Heading {
            text: clean(&section.heading),
            colour: accent,
            keep: section.blocks.first().map_or(0.0, first_block_height),
        }));
        for block in &section.blocks {
            blocks.push(match block {
                Block::Paragraph { text } => Box::new(elements::TextBlock::new(text, 9, INK)),
                Block::Note { text } => Box::new(elements::TextBlock::new(text, 8, MUTED)),
                Block::Table(t) => Box::new(table::TableElement::new(t, brand)),
                Block::Chart(c) => Box::new(chart::ChartElement::new(c)),
            });
        }
    }
    for inner in blocks {
        pdf.push(elements::Counted {
            inner,
            pages: pass.pages.clone(),
            last: pass.last.clone(),
        });
    }
    pdf
}

/// About how much of a section's first block should fit under its heading, in
/// millimetres: a chart whole, a table's header and first rows, a few lines of text.
fn first_block_height(block: &Block) -> f64 {
    match block {
        Block::Chart(c) if c.kind == ChartKind::Share => 25.0,
        Block::Chart(_) => 80.0,
        Block::Table(_) => 20.0,
        Block::Paragraph { .. } | Block::Note { .. } => 10.0,
    }
}

/// Every character the PDF may print: the document's text, the renderer's own words
/// and digits (printable ASCII), and the ellipsis of shortened labels.
fn characters(doc: &Document) -> BTreeSet<char> {
    let mut chars: BTreeSet<char> = (' '..='~').chain(['…', '·']).collect();
    let mut add = |s: &str| chars.extend(s.chars().filter(|c| !c.is_control()));
    for s in [
        &doc.title,
        &doc.subtitle,
        &doc.partner,
        &doc.period,
        &doc.generated,
    ] {
        add(s);
    }
    doc.customers.iter().for_each(|c| add(c));
    for f in &doc.figures {
        add(&f.label);
        add(&f.unit);
    }
    for s in &doc.sections {
        add(&s.heading);
        for b in &s.blocks {
            match b {
                Block::Paragraph { text } | Block::Note { text } => add(text),
                Block::Table(t) => {
                    add(&t.empty);
                    t.columns.iter().for_each(|c| add(&c.label));
                    t.rows.iter().flatten().for_each(|c| add(&c.text()));
                }
                Block::Chart(c) => {
                    add(&c.title);
                    c.labels.iter().for_each(|l| add(l));
                    c.series.iter().for_each(|s| add(&s.name));
                }
            }
        }
    }
    chars
}

/// Text as one line of PDF text: control characters (tabs, line ends) become spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn rgb([r, g, b]: [u8; 3]) -> Color {
    Color::Rgb(r, g, b)
}

/// The theme colour for text on white (headings), or ink if the theme is too pale.
fn readable_on_white(c: [u8; 3]) -> Color {
    let luma = 0.299 * f64::from(c[0]) + 0.587 * f64::from(c[1]) + 0.114 * f64::from(c[2]);
    if luma < 160.0 {
        rgb(c)
    } else {
        INK
    }
}

/// The page decorator: margins, and the footer with the page number.
struct Pages {
    count: Rc<Cell<u32>>,
    total: Option<u32>,
    footer: String,
}

/// The footer's height, at the bottom of the page's margins.
const FOOTER: f64 = 8.0;

impl genpdf::PageDecorator for Pages {
    fn decorate_page<'a>(
        &mut self,
        context: &Context,
        mut area: Area<'a>,
        _style: Style,
    ) -> Result<Area<'a>, Error> {
        let n = self.count.get() + 1;
        self.count.set(n);
        area.add_margins(Margins::trbl(14, 15, 10, 15));
        let size = area.size();
        let style = Style::new().with_font_size(7).with_color(MUTED);
        let page = match self.total {
            Some(total) => format!("Page {n} of {total}"),
            None => format!("Page {n}"),
        };
        let fc = &context.font_cache;
        let page_width = style.str_width(fc, &page);
        let y = size.height - Mm::from(4.0);
        print(
            &area,
            context,
            Mm::from(0.0),
            y,
            style,
            &fit(
                context,
                style,
                &self.footer,
                size.width - page_width - Mm::from(10.0),
            ),
        )?;
        print(&area, context, size.width - page_width, y, style, &page)?;
        area.set_height(size.height - Mm::from(FOOTER));
        Ok(area)
    }
}

/// Prints `s` with its top left corner at (`x`, `y`) of `area`.
fn print(
    area: &Area<'_>,
    context: &Context,
    x: Mm,
    y: Mm,
    style: Style,
    s: &str,
) -> Result<(), Error> {
    area.print_str(&context.font_cache, Position::new(x, y), style, s)
        .map(|_| ())
}

/// Fills a rectangle of `area` with a colour. genpdf draws only outlines, so the fill
/// is a one-pixel image stretched over the rectangle.
fn fill(area: &Area<'_>, x: Mm, y: Mm, width: Mm, height: Mm, colour: [u8; 3]) {
    let pixel = DynamicImage::ImageRgb8(RgbImage::from_pixel(1, 1, Rgb(colour)));
    image_at(area, &pixel, x, y, width, height);
}

/// Draws `img` stretched over the rectangle at (`x`, `y`), `width` × `height`.
fn image_at(area: &Area<'_>, img: &DynamicImage, x: Mm, y: Mm, width: Mm, height: Mm) {
    let (w, h) = (
        f64::from(img.width().max(1)),
        f64::from(img.height().max(1)),
    );
    // At 25.4 dpi a pixel is a millimetre; the scale stretches it to the rectangle.
    area.add_image(
        img,
        Position::new(x, y + height),
        Scale::new(mm(width) / w, mm(height) / h),
        Rotation::default(),
        Some(25.4),
    );
}

/// The outline of a rectangle.
fn outline(area: &Area<'_>, x: Mm, y: Mm, width: Mm, height: Mm, colour: Color) {
    let p = |x: Mm, y: Mm| Position::new(x, y);
    area.draw_line(
        vec![
            p(x, y),
            p(x + width, y),
            p(x + width, y + height),
            p(x, y + height),
            p(x, y),
        ],
        Style::new().with_color(colour),
    );
}

/// A length in millimetres as a number.
fn mm(length: Mm) -> f64 {
    f64::from(length)
}

/// The title in the PDF's document information. printpdf 0.3 writes it as the string's
/// bytes, which viewers read as PDFDocEncoding: only ASCII survives that. Typographic
/// dashes and quotes become their ASCII look-alikes; a title with other letters outside
/// ASCII (Greek, Cyrillic, accents) is replaced by the report type's name, which is
/// ASCII. The title on the page itself is the report's name as given.
fn metadata_title(doc: &Document) -> String {
    let ascii: String = clean(&doc.title)
        .chars()
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' => '-',
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .collect();
    if ascii.is_ascii() {
        ascii
    } else {
        doc.subtitle.clone()
    }
}

/// `s` cut with an ellipsis to fit `width` on one line.
fn fit(context: &Context, style: Style, s: &str, width: Mm) -> String {
    let fc = &context.font_cache;
    if style.str_width(fc, s) <= width {
        return s.to_string();
    }
    let room = width - style.char_width(fc, '…');
    let mut used = Mm::from(0.0);
    let mut out = String::new();
    for c in s.chars() {
        used += style.char_width(fc, c);
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// `text` wrapped into lines no wider than `width`: at spaces where it can, inside a
/// word that is too long for a line by itself.
fn wrap(context: &Context, style: Style, text: &str, width: Mm) -> Vec<String> {
    let fc = &context.font_cache;
    let space = style.char_width(fc, ' ');
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = Mm::from(0.0);
        for word in paragraph.split_whitespace() {
            let w = style.str_width(fc, word);
            if !line.is_empty() && used + space + w <= width {
                line.push(' ');
                line.push_str(word);
                used += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            used = Mm::from(0.0);
            if w <= width {
                line.push_str(word);
                used = w;
                continue;
            }
            // An unbroken token wider than the line: break it between characters.
            for c in word.chars() {
                let cw = style.char_width(fc, c);
                if !line.is_empty() && used + cw > width {
                    lines.push(std::mem::take(&mut line));
                    used = Mm::from(0.0);
                }
                line.push(c);
                used += cw;
            }
        }
        lines.push(line);
    }
    lines
}

/// Keeps at most `max` lines, the last one ending in an ellipsis when some are cut.
fn at_most(
    context: &Context,
    style: Style,
    mut lines: Vec<String>,
    max: usize,
    width: Mm,
) -> Vec<String> {
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            *last = fit(context, style, &format!("{last} …"), width);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines
}

/// Whether an element is worth starting in `area`: it needs at least `needed`.
fn room_for(area: &Area<'_>, needed: f64) -> bool {
    mm(area.size().height) >= needed
}

/// What an element reports when it waits for the next page.
fn next_page() -> genpdf::RenderResult {
    genpdf::RenderResult {
        size: genpdf::Size::new(0, 0),
        has_more: true,
    }
}
