//! A small trend line for tables and cards.

use std::fmt::Write;

use super::format_number;
use crate::mail::compose::escape;

/// A small trend line for tables and cards; `label` is its text alternative.
pub fn sparkline(values: &[f64], label: &str) -> String {
    const W: f64 = 100.0;
    const H: f64 = 24.0;
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let mut svg = format!(
        "<svg class=\"sparkline\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" \
         xmlns=\"http://www.w3.org/2000/svg\">",
        escape(label)
    );
    if finite.len() >= 2 {
        let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if (hi - lo).abs() < f64::EPSILON {
            1.0
        } else {
            hi - lo
        };
        let step = W / (finite.len() - 1) as f64;
        svg.push_str("<polyline fill=\"none\" points=\"");
        for (i, v) in finite.iter().enumerate() {
            let y = if (hi - lo).abs() < f64::EPSILON {
                H / 2.0
            } else {
                2.0 + (hi - v) / span * (H - 4.0)
            };
            let _ = write!(svg, "{:.1},{y:.1} ", i as f64 * step);
        }
        svg.push_str("\"/>");
    } else if let Some(v) = finite.first() {
        let _ = write!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"2\"><title>{}</title></circle>",
            W / 2.0,
            H / 2.0,
            format_number(*v)
        );
    }
    svg.push_str("</svg>");
    svg
}
