//! The PDF's blocks other than tables and charts: the banner, the title block's facts,
//! the figure tiles, headings, paragraphs, and the stop that ends the counting pass.

use std::cell::Cell;
use std::rc::Rc;

use domain::report::document::Figure;
use genpdf::{
    error::{Error, ErrorKind},
    render::Area,
    style::{Color, Style},
    Context, Element, Mm, RenderResult, Size,
};
use image::{DynamicImage, GenericImageView, RgbImage};

use super::{
    at_most, clean, fill, fit, image_at, mm, next_page, outline, print, room_for, wrap, INK, MUTED,
    RULE,
};

/// The banner at the top of page 1: the theme colour's band with the logo on a white
/// card, the partner's name, the title and the subtitle in the header colour.
pub(super) struct Banner {
    pub partner: String,
    pub title: String,
    pub subtitle: String,
    pub logo: Option<RgbImage>,
    pub theme: [u8; 3],
    pub header: Color,
}

/// Logo pixels per millimetre (127 dpi: the 116 × 110 px box is 23 × 22 mm).
const LOGO_PX_PER_MM: f64 = 5.0;

impl Element for Banner {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        _: Style,
    ) -> Result<RenderResult, Error> {
        let width = mm(area.size().width);
        let pad = 5.0;
        let logo = self.logo.take().map(DynamicImage::ImageRgb8);
        let (logo_w, logo_h) = logo.as_ref().map_or((0.0, 0.0), |l| {
            (
                f64::from(l.width()) / LOGO_PX_PER_MM,
                f64::from(l.height()) / LOGO_PX_PER_MM,
            )
        });
        let text_x = if logo.is_some() {
            pad + crate::logo::BOX.0 as f64 / LOGO_PX_PER_MM + pad
        } else {
            pad
        };
        let text_w = Mm::from(width - text_x - pad);
        let partner = Style::new()
            .bold()
            .with_font_size(10)
            .with_color(self.header);
        let title = Style::new()
            .bold()
            .with_font_size(18)
            .with_color(self.header);
        let subtitle = Style::new().with_font_size(11).with_color(self.header);
        let fc = &context.font_cache;
        let title_lines = super::at_most(
            context,
            title,
            wrap(context, title, &self.title, text_w),
            2,
            text_w,
        );
        let line = |s: Style| mm(s.line_height(fc));
        let text_h = line(partner) + title_lines.len() as f64 * line(title) + line(subtitle);
        let band_h = text_h.max(logo_h + 3.0) + 2.0 * pad;

        fill(
            &area,
            Mm::from(0.0),
            Mm::from(0.0),
            Mm::from(width),
            Mm::from(band_h),
            self.theme,
        );
        if let Some(img) = &logo {
            let (x, y) = (
                pad + (crate::logo::BOX.0 as f64 / LOGO_PX_PER_MM - logo_w) / 2.0,
                (band_h - logo_h) / 2.0,
            );
            fill(
                &area,
                Mm::from(x - 1.5),
                Mm::from(y - 1.5),
                Mm::from(logo_w + 3.0),
                Mm::from(logo_h + 3.0),
                [255, 255, 255],
            );
            image_at(
                &area,
                img,
                Mm::from(x),
                Mm::from(y),
                Mm::from(logo_w),
                Mm::from(logo_h),
            );
        }
        let mut y = (band_h - text_h) / 2.0;
        let x = Mm::from(text_x);
        print(
            &area,
            context,
            x,
            Mm::from(y),
            partner,
            &fit(context, partner, &self.partner, text_w),
        )?;
        y += line(partner);
        for l in &title_lines {
            print(&area, context, x, Mm::from(y), title, l)?;
            y += line(title);
        }
        print(
            &area,
            context,
            x,
            Mm::from(y),
            subtitle,
            &fit(context, subtitle, &self.subtitle, text_w),
        )?;
        Ok(RenderResult {
            size: Size::new(width, band_h + 4.0),
            has_more: false,
        })
    }
}

/// Labelled lines under the banner: period, generated time, customers.
pub(super) struct Facts {
    facts: Vec<(&'static str, String)>,
    next: usize,
}

impl Facts {
    pub fn new(facts: Vec<(&'static str, String)>) -> Facts {
        Facts { facts, next: 0 }
    }
}

impl Element for Facts {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        _: Style,
    ) -> Result<RenderResult, Error> {
        let label = Style::new().bold().with_font_size(9).with_color(INK);
        let value = Style::new().with_font_size(9).with_color(INK);
        let lh = mm(value.line_height(&context.font_cache));
        let label_w = 24.0;
        let value_w = area.size().width - Mm::from(label_w);
        let mut y = 0.0;
        while let Some((name, text)) = self.facts.get(self.next) {
            let lines = wrap(context, value, text, value_w);
            let h = lines.len() as f64 * lh + 1.0;
            if y + h > mm(area.size().height) {
                return Ok(RenderResult {
                    size: Size::new(area.size().width, y),
                    has_more: true,
                });
            }
            print(&area, context, Mm::from(0.0), Mm::from(y), label, name)?;
            for (i, l) in lines.iter().enumerate() {
                print(
                    &area,
                    context,
                    Mm::from(label_w),
                    Mm::from(y + i as f64 * lh),
                    value,
                    l,
                )?;
            }
            y += h;
            self.next += 1;
        }
        Ok(RenderResult {
            size: Size::new(area.size().width, y + 3.0),
            has_more: false,
        })
    }
}

/// The headline figures as tiles, up to four a row.
pub(super) struct Tiles {
    rows: Vec<Vec<Figure>>,
    theme: [u8; 3],
    next: usize,
}

const MOST_A_ROW: usize = 5;
const TILE_H: f64 = 21.0;
/// Lines a tile's label may take (it wraps rather than being cut).
const LABEL_LINES: usize = 2;
const LABEL_LINE_H: f64 = 3.6;
const TILE_GAP: f64 = 4.0;

impl Tiles {
    /// Up to five a row, the rows as even as they can be (six figures: two rows of three).
    pub fn new(figures: &[Figure], theme: [u8; 3]) -> Tiles {
        let rows = figures.len().div_ceil(MOST_A_ROW);
        let a_row = figures.len().div_ceil(rows.max(1)).max(1);
        Tiles {
            rows: figures.chunks(a_row).map(<[Figure]>::to_vec).collect(),
            theme,
            next: 0,
        }
    }
}

impl Element for Tiles {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        _: Style,
    ) -> Result<RenderResult, Error> {
        let width = mm(area.size().width);
        let a_row = self.rows.first().map_or(1, Vec::len) as f64;
        let tile_w = (width - TILE_GAP * (a_row - 1.0)) / a_row;
        let value = Style::new().bold().with_font_size(16).with_color(INK);
        let label = Style::new().with_font_size(8).with_color(MUTED);
        let mut y = 0.0;
        while let Some(row) = self.rows.get(self.next) {
            if y + TILE_H > mm(area.size().height) {
                return Ok(RenderResult {
                    size: Size::new(width, y),
                    has_more: true,
                });
            }
            for (i, f) in row.iter().enumerate() {
                let x = i as f64 * (tile_w + TILE_GAP);
                let inner = Mm::from(tile_w - 6.0);
                fill(
                    &area,
                    Mm::from(x),
                    Mm::from(y),
                    Mm::from(tile_w),
                    Mm::from(1.5),
                    self.theme,
                );
                outline(
                    &area,
                    Mm::from(x),
                    Mm::from(y),
                    Mm::from(tile_w),
                    Mm::from(TILE_H),
                    RULE,
                );
                let text = fit(
                    context,
                    value,
                    &clean(&format!("{}{}", f.value, f.unit)),
                    inner,
                );
                print(
                    &area,
                    context,
                    Mm::from(x + 3.0),
                    Mm::from(y + 3.5),
                    value,
                    &text,
                )?;
                let lines = wrap(context, label, &clean(&f.label), inner);
                for (n, line) in at_most(context, label, lines, LABEL_LINES, inner)
                    .iter()
                    .enumerate()
                {
                    print(
                        &area,
                        context,
                        Mm::from(x + 3.0),
                        Mm::from(y + 11.5 + n as f64 * LABEL_LINE_H),
                        label,
                        line,
                    )?;
                }
            }
            y += TILE_H + TILE_GAP;
            self.next += 1;
        }
        Ok(RenderResult {
            size: Size::new(width, y),
            has_more: false,
        })
    }
}

/// A section heading, kept with what follows: it moves to the next page unless `keep`
/// millimetres are left under it for the start of the section's first block.
pub(super) struct Heading {
    pub text: String,
    pub colour: Color,
    pub keep: f64,
}

impl Element for Heading {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        _: Style,
    ) -> Result<RenderResult, Error> {
        let style = Style::new()
            .bold()
            .with_font_size(12)
            .with_color(self.colour);
        let width = area.size().width;
        let lines = wrap(context, style, &self.text, width);
        let lh = mm(style.line_height(&context.font_cache));
        let h = 4.0 + lines.len() as f64 * lh + 2.0;
        if !room_for(&area, h + self.keep) {
            return Ok(next_page());
        }
        for (i, l) in lines.iter().enumerate() {
            print(
                &area,
                context,
                Mm::from(0.0),
                Mm::from(4.0 + i as f64 * lh),
                style,
                l,
            )?;
        }
        Ok(RenderResult {
            size: Size::new(width, h),
            has_more: false,
        })
    }
}

/// A paragraph or note, wrapped, continued on the next page if need be.
pub(super) struct TextBlock {
    text: String,
    size: u8,
    colour: Color,
    lines: Option<Vec<String>>,
    next: usize,
}

impl TextBlock {
    pub fn new(text: &str, size: u8, colour: Color) -> TextBlock {
        TextBlock {
            text: clean_lines(text),
            size,
            colour,
            lines: None,
            next: 0,
        }
    }
}

impl Element for TextBlock {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        _: Style,
    ) -> Result<RenderResult, Error> {
        let style = Style::new()
            .with_font_size(self.size)
            .with_color(self.colour);
        let width = area.size().width;
        let lines = self
            .lines
            .get_or_insert_with(|| wrap(context, style, &self.text, width));
        let lh = mm(style.line_height(&context.font_cache));
        let mut y = 0.0;
        while let Some(l) = lines.get(self.next) {
            if y + lh > mm(area.size().height) {
                return Ok(RenderResult {
                    size: Size::new(width, y),
                    has_more: true,
                });
            }
            print(&area, context, Mm::from(0.0), Mm::from(y), style, l)?;
            y += lh;
            self.next += 1;
        }
        Ok(RenderResult {
            size: Size::new(width, y + 2.5),
            has_more: false,
        })
    }
}

/// Control characters other than line ends become spaces.
fn clean_lines(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// A block that notes the page it last drew on (genpdf may start a page and find
/// nothing left to put on it).
pub(super) struct Counted {
    pub inner: Box<dyn Element>,
    pub pages: Rc<Cell<u32>>,
    pub last: Rc<Cell<u32>>,
}

impl Element for Counted {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        style: Style,
    ) -> Result<RenderResult, Error> {
        let result = self.inner.render(context, area, style)?;
        if result.size.height > Mm::from(0.0) {
            self.last.set(self.pages.get());
        }
        Ok(result)
    }
}

/// The last element of the counting pass: reached once everything before it is laid
/// out, it stops the render before the PDF is written.
pub(super) struct Stop(pub Rc<Cell<bool>>);

impl Element for Stop {
    fn render(&mut self, _: &Context, _: Area<'_>, _: Style) -> Result<RenderResult, Error> {
        self.0.set(true);
        Err(Error::new("the pages are counted", ErrorKind::Internal))
    }
}
