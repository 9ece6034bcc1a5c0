//! A table in the PDF. Columns share the width by their weight, numbers are
//! right-aligned, long text wraps (a token too long for its cell is broken), and the
//! font shrinks for tables with many columns. genpdf does not repeat a table's header
//! on the pages it continues on, so this element draws the header first every time it
//! is asked to render: once on the first page, again on each continuation.

use domain::report::document::Table;
use genpdf::{
    error::Error,
    render::Area,
    style::{Color, Style},
    Context, Element, Mm, Position, RenderResult, Size,
};

use super::{at_most, clean, fill, fit, mm, next_page, print, rgb, wrap, INK, MUTED, RULE};
use crate::Brand;

/// Cell padding, horizontal and vertical, in millimetres.
const PAD_X: f64 = 1.5;
const PAD_Y: f64 = 1.2;
/// The most lines a cell shows; more is cut with an ellipsis.
const MAX_CELL_LINES: usize = 8;
/// Space under the table.
const AFTER: f64 = 4.0;

pub(crate) struct TableElement {
    labels: Vec<String>,
    numeric: Vec<bool>,
    weights: Vec<f64>,
    rows: Vec<Vec<String>>,
    empty: String,
    font_size: u8,
    theme: [u8; 3],
    header: Color,
    /// The first row not drawn yet.
    next: usize,
    /// The wrapped lines of row `next`, when it was laid out but did not fit.
    pending: Option<Vec<Vec<String>>>,
    /// The columns, laid out on the first page (every page has the same width).
    grid: Option<Grid>,
}

impl TableElement {
    pub fn new(t: &Table, brand: &Brand) -> TableElement {
        TableElement {
            labels: t.columns.iter().map(|c| clean(&c.label)).collect(),
            numeric: t.columns.iter().map(|c| c.numeric).collect(),
            weights: t
                .columns
                .iter()
                .map(|c| f64::from(c.weight.max(1)))
                .collect(),
            rows: t
                .rows
                .iter()
                .map(|r| r.iter().take(t.columns.len()).map(|c| c.text()).collect())
                .collect(),
            empty: clean(&t.empty),
            font_size: font_size(t.columns.len()),
            theme: brand.theme_colour,
            header: rgb(brand.header_colour),
            next: 0,
            pending: None,
            grid: None,
        }
    }

    /// How narrow each column may be: its header's longest word, and for numbers its
    /// widest value, on one line (so that neither is broken inside a word).
    fn minimum_widths(&self, context: &Context, head: Style, body: Style) -> Vec<f64> {
        let fc = &context.font_cache;
        (0..self.labels.len())
            .map(|i| {
                let word = self.labels[i]
                    .split_whitespace()
                    .map(|w| mm(head.str_width(fc, w)))
                    .fold(0.0, f64::max);
                let number = if self.numeric[i] {
                    self.rows
                        .iter()
                        .filter_map(|r| r.get(i))
                        .map(|v| mm(body.str_width(fc, v)))
                        .fold(0.0, f64::max)
                } else {
                    0.0
                };
                word.max(number) + 2.0 * PAD_X + 0.5
            })
            .collect()
    }
}

/// Smaller type for wider tables, so that their cells keep a few words a line.
fn font_size(columns: usize) -> u8 {
    match columns {
        0..=5 => 8,
        6..=8 => 7,
        _ => 6,
    }
}

/// The columns' left edges and widths.
struct Grid {
    x: Vec<f64>,
    w: Vec<f64>,
    width: f64,
}

impl Grid {
    /// Widths by weight, but none under its `minimum` while the minimums fit: a column
    /// too narrow is widened to its minimum and the others share the rest by weight.
    fn fitted(weights: &[f64], minimum: &[f64], width: f64) -> Grid {
        if minimum.iter().sum::<f64>() >= width {
            return Grid::new(weights, width);
        }
        let mut fixed = vec![false; weights.len()];
        loop {
            let taken: f64 = (0..weights.len())
                .filter(|&i| fixed[i])
                .map(|i| minimum[i])
                .sum();
            let free: f64 = (0..weights.len())
                .filter(|&i| !fixed[i])
                .map(|i| weights[i])
                .sum::<f64>()
                .max(f64::MIN_POSITIVE);
            let mut widened = false;
            for i in 0..weights.len() {
                if !fixed[i] && (width - taken) * weights[i] / free < minimum[i] {
                    fixed[i] = true;
                    widened = true;
                }
            }
            if !widened {
                let w = (0..weights.len())
                    .map(|i| {
                        if fixed[i] {
                            minimum[i]
                        } else {
                            (width - taken) * weights[i] / free
                        }
                    })
                    .collect();
                return Grid::of(w, width);
            }
        }
    }

    fn new(weights: &[f64], width: f64) -> Grid {
        let total: f64 = weights.iter().sum::<f64>().max(1.0);
        let w: Vec<f64> = weights.iter().map(|wt| width * wt / total).collect();
        Grid::of(w, width)
    }

    fn of(w: Vec<f64>, width: f64) -> Grid {
        let x = w
            .iter()
            .scan(0.0, |acc, wi| {
                let left = *acc;
                *acc += wi;
                Some(left)
            })
            .collect();
        Grid { x, w, width }
    }

    fn text_width(&self, i: usize) -> Mm {
        Mm::from((self.w[i] - 2.0 * PAD_X).max(1.0))
    }
}

impl TableElement {
    fn cells(
        &self,
        context: &Context,
        style: Style,
        grid: &Grid,
        row: &[String],
        max: usize,
    ) -> Vec<Vec<String>> {
        row.iter()
            .enumerate()
            .map(|(i, text)| {
                let width = grid.text_width(i);
                at_most(
                    context,
                    style,
                    wrap(context, style, &clean_cell(text), width),
                    max,
                    width,
                )
            })
            .collect()
    }

    /// Draws a row's cells with their top at `y`; returns the row's height.
    fn draw_row(
        &self,
        context: &Context,
        area: &Area<'_>,
        style: Style,
        grid: &Grid,
        cells: &[Vec<String>],
        y: f64,
    ) -> Result<(), Error> {
        let lh = mm(style.line_height(&context.font_cache));
        for (i, lines) in cells.iter().enumerate() {
            for (n, line) in lines.iter().enumerate() {
                let x = if self.numeric[i] {
                    grid.x[i] + grid.w[i] - PAD_X - mm(style.str_width(&context.font_cache, line))
                } else {
                    grid.x[i] + PAD_X
                };
                print(
                    area,
                    context,
                    Mm::from(x),
                    Mm::from(y + PAD_Y + n as f64 * lh),
                    style,
                    line,
                )?;
            }
        }
        Ok(())
    }

    fn height(context: &Context, style: Style, cells: &[Vec<String>]) -> f64 {
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        lines as f64 * mm(style.line_height(&context.font_cache)) + 2.0 * PAD_Y
    }

    fn rule(area: &Area<'_>, grid: &Grid, y: f64) {
        area.draw_line(
            vec![
                Position::new(0, Mm::from(y)),
                Position::new(Mm::from(grid.width), Mm::from(y)),
            ],
            Style::new().with_color(RULE),
        );
    }
}

impl Element for TableElement {
    fn render(
        &mut self,
        context: &Context,
        area: Area<'_>,
        _: Style,
    ) -> Result<RenderResult, Error> {
        let width = mm(area.size().width);
        let room = mm(area.size().height);
        let body = Style::new().with_font_size(self.font_size).with_color(INK);
        let head = Style::new()
            .bold()
            .with_font_size(self.font_size)
            .with_color(self.header);
        if self.grid.is_none() {
            let minimum = self.minimum_widths(context, head, body);
            self.grid = Some(Grid::fitted(&self.weights, &minimum, width));
        }
        let grid = self.grid.take().expect("laid out above");
        let result = self.render_on(context, &area, &grid, body, head, width, room);
        self.grid = Some(grid);
        result
    }
}

impl TableElement {
    #[allow(clippy::too_many_arguments)]
    fn render_on(
        &mut self,
        context: &Context,
        area: &Area<'_>,
        grid: &Grid,
        body: Style,
        head: Style,
        width: f64,
        room: f64,
    ) -> Result<RenderResult, Error> {
        let header = self.cells(context, head, grid, &self.labels, 3);
        let header_h = Self::height(context, head, &header);
        let line_h = Self::height(context, body, &[vec![String::new()]]);

        if self.rows.is_empty() {
            if header_h + line_h > room {
                return Ok(next_page());
            }
            fill(
                area,
                Mm::from(0.0),
                Mm::from(0.0),
                Mm::from(width),
                Mm::from(header_h),
                self.theme,
            );
            self.draw_row(context, area, head, grid, &header, 0.0)?;
            let muted = Style::new()
                .with_font_size(self.font_size)
                .with_color(MUTED);
            let text = fit(context, muted, &self.empty, Mm::from(width - 2.0 * PAD_X));
            print(
                area,
                context,
                Mm::from(PAD_X),
                Mm::from(header_h + PAD_Y),
                muted,
                &text,
            )?;
            Self::rule(area, grid, header_h + line_h);
            return Ok(RenderResult {
                size: Size::new(width, header_h + line_h + AFTER),
                has_more: false,
            });
        }

        let first = match self.pending.take() {
            Some(cells) => cells,
            None => self.cells(context, body, grid, &self.rows[self.next], MAX_CELL_LINES),
        };
        if header_h + Self::height(context, body, &first) > room {
            self.pending = Some(first);
            return Ok(next_page());
        }
        fill(
            area,
            Mm::from(0.0),
            Mm::from(0.0),
            Mm::from(width),
            Mm::from(header_h),
            self.theme,
        );
        self.draw_row(context, area, head, grid, &header, 0.0)?;

        let mut y = header_h;
        let mut cells = Some(first);
        while self.next < self.rows.len() {
            let row = match cells.take() {
                Some(c) => c,
                None => self.cells(context, body, grid, &self.rows[self.next], MAX_CELL_LINES),
            };
            let h = Self::height(context, body, &row);
            if y + h > room {
                self.pending = Some(row);
                return Ok(RenderResult {
                    size: Size::new(width, y),
                    has_more: true,
                });
            }
            self.draw_row(context, area, body, grid, &row, y)?;
            y += h;
            Self::rule(area, grid, y);
            self.next += 1;
        }
        Ok(RenderResult {
            size: Size::new(width, y + AFTER),
            has_more: false,
        })
    }
}

/// A cell's text: control characters other than line ends become spaces.
fn clean_cell(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_share_the_width_by_weight() {
        let g = Grid::new(&[1.0, 3.0], 100.0);
        assert_eq!(g.w, vec![25.0, 75.0]);
        assert_eq!(g.x, vec![0.0, 25.0]);
    }

    #[test]
    fn wide_tables_get_smaller_type() {
        assert!(font_size(12) < font_size(7) && font_size(7) < font_size(3));
    }
}
