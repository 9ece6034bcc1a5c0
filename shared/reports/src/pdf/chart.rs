//! A chart in the PDF, drawn from the data. Filled shapes (bars, the share bar) are a
//! bitmap rendered from the data and placed as an image, since genpdf draws outlines
//! only; lines are vector lines; every label, tick and legend entry is PDF text.

use domain::report::document::{Chart, ChartKind};
use genpdf::{
    error::Error, render::Area, style::Style, Context, Element, Mm, Position, RenderResult, Size,
};
use image::DynamicImage;

use super::{clean, fill, fit, image_at, mm, next_page, print, rgb, INK, MUTED};
use crate::chart::{self, Scale};

/// Bitmap pixels per millimetre (about 100 dpi; bars are axis-aligned, so edges stay
/// sharp).
const PX_PER_MM: f64 = 4.0;
const PLOT_H: f64 = 45.0;
const SHARE_H: f64 = 8.0;
const SWATCH: f64 = 2.5;
const AFTER: f64 = 5.0;
const LEGEND_MOST: usize = 40;

pub(crate) struct ChartElement {
    chart: Chart,
}

impl ChartElement {
    pub fn new(chart: &Chart) -> ChartElement {
        let mut chart = chart.clone();
        chart.title = clean(&chart.title);
        chart.labels.iter_mut().for_each(|l| *l = clean(l));
        chart
            .series
            .iter_mut()
            .for_each(|s| s.name = clean(&s.name));
        ChartElement { chart }
    }
}

/// A legend entry placed at (`x`, `y`) of the legend block.
struct Entry {
    x: f64,
    y: f64,
    colour: [u8; 3],
    text: String,
}

/// Legend entries laid out left to right, wrapping; returns them and the block's height.
fn legend(
    context: &Context,
    style: Style,
    items: Vec<([u8; 3], String)>,
    width: f64,
) -> (Vec<Entry>, f64) {
    let lh = mm(style.line_height(&context.font_cache)) + 1.0;
    let (mut x, mut y) = (0.0, 0.0);
    let mut entries = Vec::new();
    for (colour, text) in items {
        let text = fit(context, style, &text, Mm::from(width / 2.0 - SWATCH - 2.0));
        let w = SWATCH + 1.5 + mm(style.str_width(&context.font_cache, &text)) + 5.0;
        if x > 0.0 && x + w > width {
            x = 0.0;
            y += lh;
        }
        entries.push(Entry { x, y, colour, text });
        x += w;
    }
    let height = if entries.is_empty() { 0.0 } else { y + lh };
    (entries, height)
}

impl ChartElement {
    /// The legend's entries: the series, or a share chart's slices with their values.
    /// At most [`LEGEND_MOST`], so that a chart always fits on a page.
    fn legend_items(&self) -> Vec<([u8; 3], String)> {
        let mut items: Vec<([u8; 3], String)> = match self.chart.kind {
            ChartKind::Share => chart::shares(&self.chart)
                .iter()
                .map(|s| {
                    (
                        s.colour,
                        format!("{}: {} ({:.0}%)", s.label, s.value, s.fraction * 100.0),
                    )
                })
                .collect(),
            _ => self
                .chart
                .series
                .iter()
                .enumerate()
                .map(|(i, s)| (chart::colour(i), s.name.clone()))
                .collect(),
        };
        if items.len() > LEGEND_MOST {
            let more = items.len() - (LEGEND_MOST - 1);
            items.truncate(LEGEND_MOST - 1);
            items.push((chart::GRID, format!("and {more} more")));
        }
        items
    }

    fn axes(&self, context: &Context, area: &Area<'_>, top: f64, width: f64) -> Result<f64, Error> {
        let c = &self.chart;
        let scale = Scale::of(c);
        let tick = Style::new().with_font_size(7).with_color(MUTED);
        let fc = &context.font_cache;
        let gutter = scale
            .ticks()
            .map(|t| mm(tick.str_width(fc, &t.to_string())))
            .fold(0.0, f64::max)
            + 2.0;
        let (left, plot_w) = (gutter, width - gutter);
        let y_of = |u: f64| top + (1.0 - u) * PLOT_H;
        let x_of = |u: f64| left + u * plot_w;
        let th = mm(tick.line_height(fc));
        for t in scale.ticks() {
            let label = t.to_string();
            let y = y_of(scale.at(t));
            print(
                area,
                context,
                Mm::from(gutter - 2.0 - mm(tick.str_width(fc, &label))),
                Mm::from(y - th / 2.0),
                tick,
                &label,
            )?;
        }
        let grid: Vec<f64> = scale.ticks().map(|t| scale.at(t)).collect();
        match c.kind {
            ChartKind::Line => {
                for g in &grid {
                    area.draw_line(
                        vec![
                            Position::new(Mm::from(left), Mm::from(y_of(*g))),
                            Position::new(Mm::from(width), Mm::from(y_of(*g))),
                        ],
                        Style::new().with_color(rgb(chart::GRID)),
                    );
                }
                for (colour, points) in chart::lines(c, &scale) {
                    let mut line: Vec<Position> = points
                        .iter()
                        .map(|(x, y)| Position::new(Mm::from(x_of(*x)), Mm::from(y_of(*y))))
                        .collect();
                    // A single point shows as a short dash.
                    if let [p] = line[..] {
                        line = vec![p - Position::new(1, 0), p + Position::new(1, 0)];
                    }
                    area.draw_line(line, Style::new().with_color(rgb(colour)));
                }
            }
            _ => {
                let bars = chart::bars(c, &scale);
                let (w, h) = (
                    (plot_w * PX_PER_MM).round() as u32,
                    (PLOT_H * PX_PER_MM).round() as u32,
                );
                let img = DynamicImage::ImageRgb8(chart::bitmap(w.max(1), h.max(1), &grid, &bars));
                image_at(
                    area,
                    &img,
                    Mm::from(left),
                    Mm::from(top),
                    Mm::from(plot_w),
                    Mm::from(PLOT_H),
                );
            }
        }
        // The category labels, every k-th one when they would overlap.
        let slot = plot_w / c.labels.len().max(1) as f64;
        let widest = c
            .labels
            .iter()
            .map(|l| mm(tick.str_width(fc, l)))
            .fold(0.0, f64::max);
        let every = ((widest.min(30.0) + 2.0) / slot).ceil().max(1.0) as usize;
        let room = Mm::from(slot * every as f64 - 1.0);
        for (i, l) in c.labels.iter().enumerate().step_by(every) {
            let text = fit(context, tick, l, room);
            let x =
                x_of(chart::slot_centre(i, c.labels.len())) - mm(tick.str_width(fc, &text)) / 2.0;
            print(
                area,
                context,
                Mm::from(x.max(0.0)),
                Mm::from(top + PLOT_H + 1.0),
                tick,
                &text,
            )?;
        }
        Ok(PLOT_H + 1.0 + th + 2.0)
    }

    fn share(&self, area: &Area<'_>, top: f64, width: f64) -> f64 {
        let shares = chart::shares(&self.chart);
        let rects = chart::share_bar(&shares);
        let (w, h) = (
            (width * PX_PER_MM).round() as u32,
            (SHARE_H * PX_PER_MM).round() as u32,
        );
        let img = DynamicImage::ImageRgb8(chart::bitmap(w.max(1), h.max(1), &[], &rects));
        image_at(
            area,
            &img,
            Mm::from(0.0),
            Mm::from(top),
            Mm::from(width),
            Mm::from(SHARE_H),
        );
        SHARE_H + 3.0
    }
}

impl Element for ChartElement {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        _: Style,
    ) -> Result<RenderResult, Error> {
        let width = mm(area.size().width);
        let title = Style::new().bold().with_font_size(10).with_color(INK);
        let text = Style::new().with_font_size(8).with_color(INK);
        let fc = &context.font_cache;
        let title_h = mm(title.line_height(fc)) + 2.0;
        let empty = chart::is_empty(&self.chart);
        let (entries, legend_h) = if empty {
            (Vec::new(), 0.0)
        } else {
            legend(context, text, self.legend_items(), width)
        };
        let body_h = match (empty, self.chart.kind) {
            (true, _) => mm(text.line_height(fc)) + 1.0,
            (false, ChartKind::Share) => SHARE_H + 3.0,
            (false, _) => PLOT_H + 1.0 + mm(Style::new().with_font_size(7).line_height(fc)) + 2.0,
        };
        let total = title_h + body_h + legend_h + AFTER;
        if total > mm(area.size().height) {
            return Ok(next_page());
        }
        print(
            &area,
            context,
            Mm::from(0.0),
            Mm::from(0.0),
            title,
            &fit(context, title, &self.chart.title, Mm::from(width)),
        )?;
        let top = title_h;
        let used = if empty {
            let muted = Style::new().with_font_size(8).with_color(MUTED);
            print(
                &area,
                context,
                Mm::from(0.0),
                Mm::from(top),
                muted,
                "No data for this chart.",
            )?;
            body_h
        } else if self.chart.kind == ChartKind::Share {
            self.share(&area, top, width)
        } else {
            self.axes(context, &area, top, width)?
        };
        let ly = top + used;
        let lh = mm(text.line_height(fc));
        for e in &entries {
            fill(
                &area,
                Mm::from(e.x),
                Mm::from(ly + e.y + (lh - SWATCH) / 2.0),
                Mm::from(SWATCH),
                Mm::from(SWATCH),
                e.colour,
            );
            print(
                &area,
                context,
                Mm::from(e.x + SWATCH + 1.5),
                Mm::from(ly + e.y),
                text,
                &e.text,
            )?;
        }
        Ok(RenderResult {
            size: Size::new(width, total),
            has_more: false,
        })
    }
}
