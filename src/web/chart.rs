//! Charts drawn on the server as SVG: a time-series line chart with
//! horizontal levels (baseline, target) and vertical markers
//! (readjustments), and a small sparkline.
//!
//! The markup is built here and every text in it escaped, so templates may
//! insert it with `|safe`. Colours come from the stylesheet by class; the
//! chart scales to the width of its container.

use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};

use crate::mail::compose::escape;

mod csv;
mod sparkline;
pub use csv::{csv, csv_field, csv_response};
pub use sparkline::sparkline;

/// One value at one time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A solid line with a dot on each point.
    Line,
    /// A dashed line (a projection).
    Dashed,
    /// Dots only (milestones).
    Dots,
}

/// A named line of points.
#[derive(Clone, Debug)]
pub struct Series {
    pub label: String,
    pub points: Vec<Point>,
    pub style: Style,
    /// The stylesheet class giving its colour (`series-main`, `series-projection`, …).
    pub class: &'static str,
}

/// A horizontal line across the chart (baseline, target).
#[derive(Clone, Debug)]
pub struct Level {
    pub label: String,
    pub value: f64,
    pub class: &'static str,
}

/// A vertical line at a time (a readjustment, a review).
#[derive(Clone, Debug)]
pub struct Marker {
    pub at: DateTime<Utc>,
    pub label: String,
    pub class: &'static str,
}

/// A line chart over time.
#[derive(Clone, Debug, Default)]
pub struct LineChart {
    /// Short name, the SVG's `<title>`.
    pub title: String,
    /// The text alternative: what the chart shows, in a sentence or two.
    pub description: String,
    /// What the vertical axis measures, with its unit.
    pub y_label: String,
    /// The time span shown; by default that of the points and markers.
    pub x_range: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub series: Vec<Series>,
    pub levels: Vec<Level>,
    pub markers: Vec<Marker>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 64.0;

/// Tick values for an axis from `lo` to `hi`: about `count` round steps
/// (1, 2 or 5 times a power of ten) and the range widened to them.
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let (lo, hi) = if (hi - lo).abs() < f64::EPSILON {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    } else {
        (lo.min(hi), lo.max(hi))
    };
    let raw = (hi - lo) / count.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let start = (lo / step).floor();
    let end = (hi / step).ceil();
    let steps = ((end - start) as usize).clamp(1, 50);
    (0..=steps)
        .map(|i| clean((start + i as f64) * step))
        .collect()
}

/// Rounds away floating-point dust (0.30000000000000004 → 0.3).
fn clean(value: f64) -> f64 {
    let rounded = (value * 1e9).round() / 1e9;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// A number for an axis label: no trailing zeros.
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

struct Frame {
    t0: i64,
    t1: i64,
    y0: f64,
    y1: f64,
}

impl Frame {
    fn x(&self, at: DateTime<Utc>) -> f64 {
        let span = (self.t1 - self.t0).max(1) as f64;
        LEFT + (at.timestamp() - self.t0) as f64 / span * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, value: f64) -> f64 {
        let span = (self.y1 - self.y0).max(f64::EPSILON);
        TOP + (self.y1 - value) / span * (HEIGHT - TOP - BOTTOM)
    }
}

impl LineChart {
    fn points(&self) -> impl Iterator<Item = &Point> {
        self.series.iter().flat_map(|s| s.points.iter())
    }

    fn time_range(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if let Some(range) = self.x_range {
            return Some(range);
        }
        let times = self
            .points()
            .map(|p| p.at)
            .chain(self.markers.iter().map(|m| m.at));
        let (mut lo, mut hi) = (None::<DateTime<Utc>>, None::<DateTime<Utc>>);
        for t in times {
            lo = Some(lo.map_or(t, |l| l.min(t)));
            hi = Some(hi.map_or(t, |h| h.max(t)));
        }
        let (lo, hi) = (lo?, hi?);
        if lo == hi {
            Some((lo - Duration::days(1), hi + Duration::days(1)))
        } else {
            Some((lo, hi))
        }
    }

    /// Whether there is anything to draw.
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.points.is_empty())
    }

    /// The chart as an inline `<svg>` element.
    pub fn to_svg(&self) -> String {
        let id = chart_id(&self.title, &self.description);
        let mut svg = String::with_capacity(4096);
        let _ = write!(
            svg,
            "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
             aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\">\
             <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
            escape(&self.title),
            escape(&self.description)
        );
        let Some((from, to)) = self.time_range() else {
            let _ = write!(
                svg,
                "<text class=\"chart-empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">No data in this period</text></svg>",
                WIDTH / 2.0,
                HEIGHT / 2.0
            );
            return svg;
        };
        let values: Vec<f64> = self
            .points()
            .map(|p| p.value)
            .chain(self.levels.iter().map(|l| l.value))
            .filter(|v| v.is_finite())
            .collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let ticks = nice_ticks(lo, hi, 5);
        let frame = Frame {
            t0: from.timestamp(),
            t1: to.timestamp(),
            y0: ticks.first().copied().unwrap_or(lo),
            y1: ticks.last().copied().unwrap_or(hi),
        };
        self.axes(&mut svg, &frame, &ticks, from, to);
        for level in &self.levels {
            let y = frame.y(level.value);
            let _ = write!(
                svg,
                "<g class=\"level {}\"><line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{} {}</text></g>",
                level.class,
                WIDTH - RIGHT,
                WIDTH - RIGHT - 2.0,
                y - 4.0,
                escape(&level.label),
                format_number(level.value)
            );
        }
        for marker in &self.markers {
            let x = frame.x(marker.at);
            let _ = write!(
                svg,
                "<g class=\"marker {}\"><line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{TOP}\" y2=\"{}\"/>\
                 <title>{}</title></g>",
                marker.class,
                HEIGHT - BOTTOM,
                escape(&marker.label)
            );
        }
        for series in &self.series {
            draw_series(&mut svg, &frame, series);
        }
        self.legend(&mut svg);
        svg.push_str("</svg>");
        svg
    }

    fn axes(
        &self,
        svg: &mut String,
        frame: &Frame,
        ticks: &[f64],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) {
        let bottom = HEIGHT - BOTTOM;
        svg.push_str("<g class=\"axis\">");
        for tick in ticks {
            let y = frame.y(*tick);
            let _ = write!(
                svg,
                "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                format_number(*tick)
            );
        }
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{bottom}\" y2=\"{bottom}\"/>",
            WIDTH - RIGHT
        );
        let days = (to - from).num_days();
        let format = if days > 400 { "%b %Y" } else { "%-d %b" };
        let count = 5;
        for i in 0..=count {
            let at = from + (to - from) * i / count;
            let x = frame.x(at);
            let anchor = match i {
                0 => "start",
                i if i == count => "end",
                _ => "middle",
            };
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{bottom}\" y2=\"{}\"/>\
                 <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                bottom + 4.0,
                bottom + 18.0,
                at.format(format)
            );
        }
        let _ = write!(
            svg,
            "<text class=\"axis-label\" x=\"12\" y=\"{:.1}\" text-anchor=\"middle\" \
             transform=\"rotate(-90 12 {:.1})\">{}</text>",
            TOP + (bottom - TOP) / 2.0,
            TOP + (bottom - TOP) / 2.0,
            escape(&self.y_label)
        );
        svg.push_str("</g>");
    }

    fn legend(&self, svg: &mut String) {
        let entries: Vec<(&str, &str)> = self
            .series
            .iter()
            .filter(|s| !s.points.is_empty())
            .map(|s| (s.label.as_str(), s.class))
            .chain(self.levels.iter().map(|l| (l.label.as_str(), l.class)))
            .chain(self.markers.first().map(|m| ("readjusted", m.class)))
            .collect();
        let y = HEIGHT - 14.0;
        let mut x = LEFT;
        svg.push_str("<g class=\"legend\">");
        for (label, class) in entries {
            let _ = write!(
                svg,
                "<rect class=\"swatch {class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\"/>\
                 <text x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
                y - 9.0,
                x + 14.0,
                escape(label)
            );
            // Text widths are estimated: about 6.5 units per character.
            x += 14.0 + label.chars().count() as f64 * 6.5 + 14.0;
        }
        svg.push_str("</g>");
    }
}

fn draw_series(svg: &mut String, frame: &Frame, series: &Series) {
    let coords: Vec<(f64, f64)> = series
        .points
        .iter()
        .filter(|p| p.value.is_finite())
        .map(|p| (frame.x(p.at), frame.y(p.value)))
        .collect();
    let _ = write!(svg, "<g class=\"series {}\">", series.class);
    if series.style != Style::Dots && coords.len() > 1 {
        let dashed = if series.style == Style::Dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = write!(svg, "<polyline fill=\"none\"{dashed} points=\"");
        for (x, y) in &coords {
            let _ = write!(svg, "{x:.1},{y:.1} ");
        }
        svg.push_str("\"/>");
    }
    if series.style != Style::Dashed {
        for (point, (x, y)) in series.points.iter().zip(&coords) {
            let _ = write!(
                svg,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\"><title>{}: {} on {}</title></circle>",
                escape(&series.label),
                format_number(point.value),
                point.at.format("%Y-%m-%d")
            );
        }
    }
    svg.push_str("</g>");
}

/// An id for the chart's title and description, stable for the same chart.
fn chart_id(title: &str, description: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (title, description).hash(&mut hasher);
    format!("chart-{:x}", hasher.finish() & 0xffff_ffff)
}

#[cfg(test)]
mod tests;
