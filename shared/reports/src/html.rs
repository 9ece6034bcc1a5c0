//! HTML: one self-contained page. Inline CSS in the brand's colours, the logo inline as
//! a PNG data: URI, charts as inline SVG drawn from the data, no scripts, every text
//! escaped. Tables scroll sideways on a phone and repeat their header row on every
//! printed page (`thead`).

use std::fmt::Write as _;

use base64::Engine as _;
use domain::report::document::{Block, Chart, ChartKind, Document, Table};

use crate::{chart, customers_line, logo, Brand, RenderError};

pub(crate) fn render(doc: &Document, brand: &Brand) -> Result<String, RenderError> {
    let logo = match &brand.logo {
        Some(bytes) => {
            // Twice the PDF's box, for sharp screens; shown at the box's size.
            let img = logo::fit(&logo::decode(bytes)?, logo::BOX.0 * 2, logo::BOX.1 * 2);
            Some(base64::engine::general_purpose::STANDARD.encode(logo::png(&img)?))
        }
        None => None,
    };
    let mut h = String::with_capacity(16 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>{}</title>", esc(&doc.title));
    let _ = writeln!(h, "<style>{}</style>\n</head>\n<body>", css(brand));
    h.push_str("<header class=\"banner\">\n");
    if let Some(png) = logo {
        let _ = writeln!(
            h,
            "<img class=\"logo\" alt=\"{}\" src=\"data:image/png;base64,{png}\">",
            esc(&doc.partner)
        );
    }
    let _ = writeln!(
        h,
        "<div><p class=\"partner\">{}</p><h1>{}</h1><p class=\"subtitle\">{}</p></div>\n</header>",
        esc(&doc.partner),
        esc(&doc.title),
        esc(&doc.subtitle)
    );
    h.push_str("<main>\n<dl class=\"meta\">\n");
    for (label, value) in [
        ("Period", doc.period.clone()),
        ("Generated", doc.generated.clone()),
        ("Customers", customers_line(&doc.customers)),
    ] {
        let _ = writeln!(h, "<dt>{label}</dt><dd>{}</dd>", esc(&value));
    }
    h.push_str("</dl>\n");
    if !doc.figures.is_empty() {
        h.push_str("<ul class=\"figures\">\n");
        for f in &doc.figures {
            let _ = writeln!(
                h,
                "<li><span class=\"value\">{}{}</span><span class=\"label\">{}</span></li>",
                f.value,
                esc(&f.unit),
                esc(&f.label)
            );
        }
        h.push_str("</ul>\n");
    }
    for s in &doc.sections {
        let _ = writeln!(h, "<section>\n<h2>{}</h2>", esc(&s.heading));
        for b in &s.blocks {
            match b {
                Block::Paragraph { text } => {
                    let _ = writeln!(h, "<p>{}</p>", esc(text));
                }
                Block::Note { text } => {
                    let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(text));
                }
                Block::Table(t) => table(&mut h, t),
                Block::Chart(c) => figure(&mut h, c),
            }
        }
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    Ok(h)
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn css(brand: &Brand) -> String {
    let (theme, header) = (hex(brand.theme_colour), hex(brand.header_colour));
    format!(
        "
:root{{--theme:{theme};--header:{header}}}
*{{box-sizing:border-box}}
body{{margin:0;font-family:'DejaVu Sans',system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;background:#fff;line-height:1.4}}
.banner{{display:flex;align-items:center;gap:1rem;padding:1rem 1.25rem;background:var(--theme);color:var(--header)}}
.banner .logo{{max-width:116px;max-height:110px;background:#fff;padding:4px}}
.banner h1{{margin:.15rem 0;font-size:1.6rem;overflow-wrap:anywhere}}
.banner p{{margin:0;overflow-wrap:anywhere}}
.partner{{font-weight:bold}}
main{{max-width:60rem;margin:0 auto;padding:1rem 1.25rem 2rem}}
.meta{{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}}
.meta dt{{font-weight:bold}}
.meta dd{{margin:0;overflow-wrap:anywhere}}
.figures{{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;padding:0;margin:0 0 1rem}}
.figures li{{flex:1 1 9rem;border:1px solid #ccc;border-top:4px solid var(--theme);padding:.5rem .75rem}}
.figures .value{{display:block;font-size:1.5rem;font-weight:bold}}
.figures .label{{font-size:.85rem;color:#555}}
h2{{color:var(--theme);font-size:1.2rem;margin:1.5rem 0 .5rem}}
.note{{font-size:.85rem;color:#555}}
.table-wrap{{overflow-x:auto;margin:.5rem 0}}
table{{border-collapse:collapse;width:100%;table-layout:fixed;font-size:.85rem}}
th{{background:var(--theme);color:var(--header);text-align:left}}
th,td{{padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top;overflow-wrap:anywhere}}
.num{{text-align:right;font-variant-numeric:tabular-nums}}
td.empty{{color:#555;font-style:italic}}
figure{{margin:1rem 0}}
figcaption{{font-weight:bold;margin-bottom:.25rem}}
svg{{width:100%;height:auto;display:block}}
.legend{{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:.25rem 0;font-size:.85rem}}
.swatch{{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:baseline}}
@media (max-width:30rem){{
 .banner{{flex-wrap:wrap;padding:.75rem}}
 .banner .logo{{max-width:80px;max-height:76px}}
 .banner h1{{font-size:1.3rem}}
 main{{padding:.75rem}}
}}
@media print{{
 body{{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
 main{{max-width:none;padding:0 0 1rem}}
 .table-wrap{{overflow:visible}}
 thead{{display:table-header-group}}
 tr,figure,.figures li{{break-inside:avoid}}
 h2{{break-after:avoid}}
}}
"
    )
}

/// Columns share the width by weight, as in the PDF; a table keeps about 4rem a unit
/// of weight and scrolls sideways on a narrower screen.
fn table(h: &mut String, t: &Table) {
    let weights: Vec<u32> = t
        .columns
        .iter()
        .map(|c| u32::from(c.weight.max(1)))
        .collect();
    let total: u32 = weights.iter().sum::<u32>().max(1);
    let _ = write!(
        h,
        "<div class=\"table-wrap\">\n<table style=\"min-width:{}rem\">\n<colgroup>",
        (total * 4).min(120)
    );
    for w in &weights {
        let _ = write!(
            h,
            "<col style=\"width:{:.2}%\">",
            f64::from(*w) * 100.0 / f64::from(total)
        );
    }
    h.push_str("</colgroup>\n<thead><tr>");
    for c in &t.columns {
        let class = if c.numeric { " class=\"num\"" } else { "" };
        let _ = write!(h, "<th scope=\"col\"{class}>{}</th>", esc(&c.label));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    if t.rows.is_empty() {
        let _ = writeln!(
            h,
            "<tr><td class=\"empty\" colspan=\"{}\">{}</td></tr>",
            t.columns.len().max(1),
            esc(&t.empty)
        );
    }
    for row in &t.rows {
        h.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let numeric = t.columns.get(i).is_some_and(|c| c.numeric);
            let class = if numeric { " class=\"num\"" } else { "" };
            let _ = write!(h, "<td{class}>{}</td>", esc(&cell.text()));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</div>\n");
}

/// The SVG canvas: user units, scaled to the page's width.
const W: f64 = 640.0;
const PLOT_LEFT: f64 = 56.0;
const PLOT_RIGHT: f64 = 630.0;
const PLOT_TOP: f64 = 10.0;
const PLOT_BOTTOM: f64 = 200.0;

fn figure(h: &mut String, c: &Chart) {
    let _ = writeln!(
        h,
        "<figure class=\"chart\">\n<figcaption>{}</figcaption>",
        esc(&c.title)
    );
    if chart::is_empty(c) {
        h.push_str("<p class=\"note\">No data for this chart.</p>\n</figure>\n");
        return;
    }
    match c.kind {
        ChartKind::Bar | ChartKind::Line => axes_chart(h, c),
        ChartKind::Share => share_chart(h, c),
    }
    h.push_str("</figure>\n");
}

fn axes_chart(h: &mut String, c: &Chart) {
    let height = PLOT_BOTTOM + 24.0;
    let _ = writeln!(
        h,
        "<svg viewBox=\"0 0 {W} {height}\" role=\"img\" aria-label=\"{}\" font-size=\"11\" font-family=\"sans-serif\">",
        esc(&c.title)
    );
    let scale = chart::Scale::of(c);
    let (pw, ph) = (PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP);
    let x = |u: f64| PLOT_LEFT + u * pw;
    let y = |u: f64| PLOT_BOTTOM - u * ph;
    for t in scale.ticks() {
        let ty = y(scale.at(t));
        let _ = writeln!(
            h,
            "<line x1=\"{PLOT_LEFT}\" x2=\"{PLOT_RIGHT}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{t}</text>",
            hex(chart::GRID),
            PLOT_LEFT - 6.0,
            ty + 4.0
        );
    }
    match c.kind {
        ChartKind::Line => {
            for (colour, points) in chart::lines(c, &scale) {
                let pts: Vec<String> = points
                    .iter()
                    .map(|(px, py)| format!("{:.1},{:.1}", x(*px), y(*py)))
                    .collect();
                let _ = writeln!(
                    h,
                    "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"{}\" points=\"{}\"/>",
                    hex(colour),
                    pts.join(" ")
                );
            }
        }
        _ => {
            for r in chart::bars(c, &scale) {
                let _ = writeln!(
                    h,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
                    x(r.x0),
                    y(r.y1),
                    (r.x1 - r.x0) * pw,
                    (r.y1 - r.y0) * ph,
                    hex(r.colour)
                );
            }
        }
    }
    // Every k-th label, so that they do not overlap (about 6.5 units a character).
    let longest = c
        .labels
        .iter()
        .map(|l| l.chars().count().min(16))
        .max()
        .unwrap_or(1);
    let slot = pw / c.labels.len().max(1) as f64;
    let every = ((longest as f64 * 6.5 + 6.0) / slot).ceil().max(1.0) as usize;
    for (i, label) in c.labels.iter().enumerate().step_by(every) {
        let _ = writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x(chart::slot_centre(i, c.labels.len())),
            PLOT_BOTTOM + 16.0,
            esc(&shorten(label, 16))
        );
    }
    h.push_str("</svg>\n<ul class=\"legend\">\n");
    for (i, s) in c.series.iter().enumerate() {
        let _ = writeln!(
            h,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>",
            hex(chart::colour(i)),
            esc(&s.name)
        );
    }
    h.push_str("</ul>\n");
}

fn share_chart(h: &mut String, c: &Chart) {
    let _ = writeln!(
        h,
        "<svg viewBox=\"0 0 {W} 32\" role=\"img\" aria-label=\"{}\">",
        esc(&c.title)
    );
    let shares = chart::shares(c);
    for r in chart::share_bar(&shares) {
        let _ = writeln!(
            h,
            "<rect x=\"{:.2}\" y=\"0\" width=\"{:.2}\" height=\"32\" fill=\"{}\"/>",
            r.x0 * W,
            (r.x1 - r.x0) * W,
            hex(r.colour)
        );
    }
    h.push_str("</svg>\n<ul class=\"legend\">\n");
    for s in &shares {
        let _ = writeln!(
            h,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{}: {} ({:.0}%)</li>",
            hex(s.colour),
            esc(s.label),
            s.value,
            s.fraction * 100.0
        );
    }
    h.push_str("</ul>\n");
}

/// At most `n` characters, an ellipsis marking a cut.
pub(crate) fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            esc("<b>\"Tom\" & 'Jerry'</b>\u{0}"),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abcd", 4), "abcd");
    }
}
