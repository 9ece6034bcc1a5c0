//! Chart geometry shared by the PDF and HTML renderers: the value scale, the series
//! colours, and the bars, lines and shares in a unit plot (x and y from 0 to 1, y up).
//! Each renderer maps the unit plot onto its own canvas, so both draw the same chart
//! from the same data.

use domain::report::document::{Chart, ChartKind};
use image::RgbImage;

/// Series colours, in order (chosen to stay apart for common colour blindness).
pub(crate) const PALETTE: [[u8; 3]; 8] = [
    [0x1f, 0x77, 0xb4],
    [0xff, 0x7f, 0x0e],
    [0x2c, 0xa0, 0x2c],
    [0xd6, 0x27, 0x28],
    [0x94, 0x67, 0xbd],
    [0x8c, 0x56, 0x4b],
    [0xe3, 0x77, 0xc2],
    [0x7f, 0x7f, 0x7f],
];

pub(crate) const GRID: [u8; 3] = [0xdd, 0xdd, 0xdd];

pub(crate) fn colour(i: usize) -> [u8; 3] {
    PALETTE[i % PALETTE.len()]
}

/// The value axis: from `lo` to `hi`, a tick every `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scale {
    pub lo: i64,
    pub hi: i64,
    pub step: i64,
}

impl Scale {
    /// A scale that holds every value of the chart and zero, with round ticks.
    pub fn of(chart: &Chart) -> Scale {
        let values = || chart.series.iter().flat_map(|s| s.values.iter().copied());
        let lo = values().min().unwrap_or(0).min(0);
        let hi = values().max().unwrap_or(0).max(0);
        // About five intervals.
        let step = nice_step(hi.saturating_sub(lo) / 5);
        let up = i64::from(hi.rem_euclid(step) != 0);
        Scale {
            lo: lo.div_euclid(step).saturating_mul(step),
            hi: (hi.div_euclid(step) + up).max(1).saturating_mul(step),
            step,
        }
    }

    /// Where `v` sits on the axis, from 0 (`lo`) to 1 (`hi`).
    pub fn at(&self, v: i64) -> f64 {
        v.clamp(self.lo, self.hi).saturating_sub(self.lo) as f64
            / self.hi.saturating_sub(self.lo) as f64
    }

    pub fn ticks(&self) -> impl Iterator<Item = i64> + '_ {
        (0..)
            .map_while(move |i| {
                self.step
                    .checked_mul(i)
                    .and_then(|d| self.lo.checked_add(d))
            })
            .take_while(move |t| *t <= self.hi)
    }
}

/// The smallest of 1, 2, 5 × 10ⁿ at least `raw`.
fn nice_step(raw: i64) -> i64 {
    let mut base = 1i64;
    loop {
        for m in [1, 2, 5] {
            let step = base.saturating_mul(m);
            if step >= raw {
                return step;
            }
        }
        base = base.saturating_mul(10);
    }
}

/// A filled rectangle in the unit plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub colour: [u8; 3],
}

/// The centre of label `i`'s slot on the x axis.
pub(crate) fn slot_centre(i: usize, labels: usize) -> f64 {
    (i as f64 + 0.5) / labels.max(1) as f64
}

/// A bar chart's bars: one group per label, one bar per series, from zero.
pub(crate) fn bars(chart: &Chart, scale: &Scale) -> Vec<Rect> {
    let n = chart.labels.len().max(1) as f64;
    let series = chart.series.len().max(1) as f64;
    let zero = scale.at(0);
    let group = 0.8 / n;
    let mut rects = Vec::new();
    for (s, serie) in chart.series.iter().enumerate() {
        for (i, v) in serie.values.iter().take(chart.labels.len()).enumerate() {
            let x0 = (i as f64 + 0.1) / n + group * s as f64 / series;
            let y = scale.at(*v);
            rects.push(Rect {
                x0,
                x1: x0 + group / series,
                y0: zero.min(y),
                y1: zero.max(y),
                colour: colour(s),
            });
        }
    }
    rects
}

/// A series' line: its colour and a point (x, y) per label.
pub(crate) type Line = ([u8; 3], Vec<(f64, f64)>);

/// A line chart's lines: one polyline per series, a point per label.
pub(crate) fn lines(chart: &Chart, scale: &Scale) -> Vec<Line> {
    chart
        .series
        .iter()
        .enumerate()
        .map(|(s, serie)| {
            let points = serie
                .values
                .iter()
                .take(chart.labels.len())
                .enumerate()
                .map(|(i, v)| (slot_centre(i, chart.labels.len()), scale.at(*v)))
                .collect();
            (colour(s), points)
        })
        .collect()
}

/// One slice of a share chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Share<'a> {
    pub label: &'a str,
    pub value: i64,
    /// From 0 to 1.
    pub fraction: f64,
    pub colour: [u8; 3],
}

/// A share chart's slices: its labels with the first series' values (negative values
/// count as none).
pub(crate) fn shares(chart: &Chart) -> Vec<Share<'_>> {
    let values: Vec<i64> = chart
        .labels
        .iter()
        .enumerate()
        .map(|(i, _)| {
            chart
                .series
                .first()
                .and_then(|s| s.values.get(i))
                .copied()
                .unwrap_or(0)
                .max(0)
        })
        .collect();
    let total: i64 = values.iter().sum();
    chart
        .labels
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (label, value))| Share {
            label,
            value,
            fraction: if total > 0 {
                value as f64 / total as f64
            } else {
                0.0
            },
            colour: colour(i),
        })
        .collect()
}

/// The share bar: each slice's rectangle, left to right.
pub(crate) fn share_bar(shares: &[Share<'_>]) -> Vec<Rect> {
    let mut x = 0.0;
    shares
        .iter()
        .map(|s| {
            let r = Rect {
                x0: x,
                x1: x + s.fraction,
                y0: 0.0,
                y1: 1.0,
                colour: s.colour,
            };
            x += s.fraction;
            r
        })
        .collect()
}

/// Whether the chart has anything to draw.
pub(crate) fn is_empty(chart: &Chart) -> bool {
    chart.labels.is_empty()
        || chart.series.iter().all(|s| s.values.is_empty())
        || (chart.kind == ChartKind::Share && shares(chart).iter().all(|s| s.value == 0))
}

/// The unit plot drawn as a bitmap of `width` × `height` pixels on white: horizontal
/// grid lines at `grid` (unit heights), then the rectangles.
pub(crate) fn bitmap(width: u32, height: u32, grid: &[f64], rects: &[Rect]) -> RgbImage {
    let mut img = RgbImage::from_pixel(width, height, image::Rgb([255, 255, 255]));
    let (w, h) = (f64::from(width), f64::from(height));
    let row = |y: f64| ((1.0 - y) * h).round().clamp(0.0, h) as u32;
    let col = |x: f64| (x * w).round().clamp(0.0, w) as u32;
    for y in grid {
        let py = row(*y).min(height.saturating_sub(1));
        for px in 0..width {
            img.put_pixel(px, py, image::Rgb(GRID));
        }
    }
    for r in rects {
        // A bar of a small non-zero value still shows as one pixel.
        let (top, mut bottom) = (row(r.y1), row(r.y0));
        if bottom == top && r.y1 > r.y0 {
            bottom = (top + 1).min(height);
        }
        for py in top..bottom {
            for px in col(r.x0)..col(r.x1) {
                img.put_pixel(px, py, image::Rgb(r.colour));
            }
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::report::document::ChartSeries;

    fn chart(kind: ChartKind, values: &[&[i64]]) -> Chart {
        Chart {
            key: "k".into(),
            title: "T".into(),
            kind,
            labels: (0..values[0].len()).map(|i| format!("L{i}")).collect(),
            series: values
                .iter()
                .enumerate()
                .map(|(i, v)| ChartSeries {
                    name: format!("S{i}"),
                    values: v.to_vec(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_scale_holds_every_value_with_round_ticks() {
        let s = Scale::of(&chart(ChartKind::Bar, &[&[3, 97, 40]]));
        assert_eq!(
            s,
            Scale {
                lo: 0,
                hi: 100,
                step: 20
            }
        );
        let s = Scale::of(&chart(ChartKind::Line, &[&[-7, 12]]));
        assert!(s.lo <= -7 && s.hi >= 12 && s.lo % s.step == 0 && s.hi % s.step == 0);
        let s = Scale::of(&chart(ChartKind::Bar, &[&[0, 0]]));
        assert_eq!((s.lo, s.hi), (0, 1));
        assert_eq!(s.ticks().collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn bars_stand_on_zero_and_reach_their_value() {
        let c = chart(ChartKind::Bar, &[&[50, 100], &[25, 0]]);
        let s = Scale::of(&c);
        let b = bars(&c, &s);
        assert_eq!(b.len(), 4);
        assert_eq!((b[0].y0, b[0].y1), (0.0, 0.5));
        assert_eq!(b[1].y1, 1.0);
        assert!(b[0].x1 <= b[2].x0, "a group's bars sit side by side");
        assert_eq!(b[2].colour, colour(1));
    }

    #[test]
    fn shares_split_the_bar_by_value() {
        let c = chart(ChartKind::Share, &[&[1, 3, 0]]);
        let sh = shares(&c);
        assert_eq!(sh[1].fraction, 0.75);
        let bar = share_bar(&sh);
        assert_eq!((bar[1].x0, bar[1].x1), (0.25, 1.0));
        assert!(!is_empty(&c));
        assert!(is_empty(&chart(ChartKind::Share, &[&[0, 0]])));
    }

    #[test]
    fn the_bitmap_fills_the_bars() {
        let rects = [Rect {
            x0: 0.0,
            x1: 0.5,
            y0: 0.0,
            y1: 0.5,
            colour: [1, 2, 3],
        }];
        let img = bitmap(10, 10, &[], &rects);
        assert_eq!(img.get_pixel(0, 9).0, [1, 2, 3]);
        assert_eq!(img.get_pixel(4, 5).0, [1, 2, 3]);
        assert_eq!(img.get_pixel(5, 9).0, [255, 255, 255]);
        assert_eq!(img.get_pixel(0, 4).0, [255, 255, 255]);
    }
}
