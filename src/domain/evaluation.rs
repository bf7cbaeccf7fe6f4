//! Evaluate: where a goal stands at a review, where its trend leads by the
//! deadline, and what a readjustment could look like when it falls short.
//!
//! The judgement, in the words the README uses:
//! - with a trend (a least-squares line through at least three recent
//!   values), the projected attainment at the deadline decides: at least
//!   100 % is `on_track`, at least 75 % `at_risk`, less `off_track`;
//! - without one, progress is compared with the progress expected for the
//!   time elapsed: at most 10 points behind is `on_track`, at most 25
//!   `at_risk`, more `off_track`;
//! - no current value (too small a sample) is `insufficient_data`, and data
//!   that stopped arriving is `stale`: neither supports a judgement.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::goal::Direction;
use super::progress::progress_percent;
use super::text_enum::text_enum;

text_enum! {
    /// The verdict of an evaluation.
    EvaluationStatus {
        OnTrack => "on_track",
        AtRisk => "at_risk",
        OffTrack => "off_track",
        InsufficientData => "insufficient_data",
        Stale => "stale",
    }
}

/// Points of progress a goal may lag the time elapsed and still be on track.
pub const ON_TRACK_LAG: f64 = 10.0;
/// Points of lag beyond which a goal is off track.
pub const AT_RISK_LAG: f64 = 25.0;
/// Projected attainment (percent) below which a goal is off track.
pub const AT_RISK_PROJECTION: f64 = 75.0;
/// Values a trend needs.
pub const MIN_TREND_POINTS: usize = 3;

/// What an evaluation looks at.
#[derive(Clone, Debug)]
pub struct EvaluationInput<'a> {
    pub direction: Direction,
    pub baseline: f64,
    pub target: f64,
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    pub today: NaiveDate,
    /// The metric now; `None` when the sample is too small.
    pub current: Option<f64>,
    pub stale: bool,
    /// Recent values of the metric, `(day, value)`, for the trend.
    pub history: &'a [(NaiveDate, f64)],
    /// The goal's milestones, `(date, target)`, in date order.
    pub milestones: &'a [(NaiveDate, f64)],
}

/// The next milestone and whether the goal is on course for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MilestoneCheck {
    pub date: NaiveDate,
    pub target: f64,
    /// The value expected on that date: the trend's, or today's value without one.
    pub expected: Option<f64>,
    pub on_course: bool,
}

/// A readjustment that would make the goal honest about its trend.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ReadjustSuggestion {
    /// The value the trend reaches by the deadline.
    pub target: f64,
    /// The day the trend reaches the current target; `None` when the trend
    /// moves away from it.
    pub deadline: Option<NaiveDate>,
}

/// An evaluation's findings.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Findings {
    pub status: EvaluationStatus,
    pub current: Option<f64>,
    /// 0-100, direction-aware.
    pub progress: Option<f64>,
    /// The progress expected for the time elapsed, 0-100.
    pub expected_progress: f64,
    /// The trend's value at the deadline.
    pub projected: Option<f64>,
    /// Attainment of the projection, in percent of the way (not clamped).
    pub projected_attainment: Option<f64>,
    pub next_milestone: Option<MilestoneCheck>,
    pub suggestion: Option<ReadjustSuggestion>,
}

/// A straight line `value = intercept + slope × days since `origin``.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trend {
    origin: NaiveDate,
    intercept: f64,
    /// Change per day.
    pub slope: f64,
}

impl Trend {
    /// The least-squares line through the points; `None` with fewer than
    /// three points or all on one day.
    pub fn fit(points: &[(NaiveDate, f64)]) -> Option<Trend> {
        if points.len() < MIN_TREND_POINTS {
            return None;
        }
        let origin = points.iter().map(|p| p.0).min()?;
        let xs: Vec<f64> = points
            .iter()
            .map(|p| (p.0 - origin).num_days() as f64)
            .collect();
        let n = points.len() as f64;
        let mean_x = xs.iter().sum::<f64>() / n;
        let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = xs.iter().map(|x| (x - mean_x).powi(2)).sum();
        if sxx == 0.0 {
            return None;
        }
        let sxy: f64 = xs
            .iter()
            .zip(points)
            .map(|(x, p)| (x - mean_x) * (p.1 - mean_y))
            .sum();
        let slope = sxy / sxx;
        Some(Trend {
            origin,
            intercept: mean_y - slope * mean_x,
            slope,
        })
    }

    pub fn at(&self, day: NaiveDate) -> f64 {
        self.intercept + self.slope * (day - self.origin).num_days() as f64
    }

    /// The first day from `from` on which the line reaches `value` moving
    /// in `direction`; `None` when it moves the other way or not at all.
    pub fn reaches(&self, value: f64, direction: Direction, from: NaiveDate) -> Option<NaiveDate> {
        let toward = match direction {
            Direction::Increase => self.slope > 0.0,
            Direction::Decrease => self.slope < 0.0,
        };
        if !toward {
            return None;
        }
        // Less a hair, so that a line meeting the value on a whole day is
        // not pushed to the next by rounding.
        let days = ((value - self.intercept) / self.slope - 1e-9).ceil();
        let day = self.origin + Duration::days(days.clamp(-1e6, 1e6) as i64);
        Some(day.max(from))
    }
}

fn reached(direction: Direction, value: f64, target: f64) -> bool {
    match direction {
        Direction::Increase => value >= target,
        Direction::Decrease => value <= target,
    }
}

/// Evaluates a goal.
pub fn evaluate(input: &EvaluationInput) -> Findings {
    let EvaluationInput {
        direction,
        baseline,
        target,
        start,
        deadline,
        today,
        ..
    } = *input;
    let span = (deadline - start).num_days().max(1) as f64;
    let elapsed = (today - start).num_days() as f64;
    let expected_progress = (elapsed / span * 100.0).clamp(0.0, 100.0);
    let current = input.current;
    let progress = current.map(|c| progress_percent(direction, baseline, target, c));
    let trend = Trend::fit(input.history);
    let projected = trend.map(|t| t.at(deadline));
    let projected_attainment = projected.map(|p| attainment(direction, baseline, target, p));
    let next_milestone = input
        .milestones
        .iter()
        .find(|m| m.0 >= today)
        .map(|&(date, goal)| {
            let expected = trend.map(|t| t.at(date)).or(current);
            MilestoneCheck {
                date,
                target: goal,
                expected,
                on_course: expected.is_some_and(|e| reached(direction, e, goal)),
            }
        });
    let status = if input.stale {
        EvaluationStatus::Stale
    } else if let Some(progress) = progress {
        match projected_attainment {
            Some(p) if p >= 100.0 => EvaluationStatus::OnTrack,
            Some(p) if p >= AT_RISK_PROJECTION => EvaluationStatus::AtRisk,
            Some(_) => EvaluationStatus::OffTrack,
            None if expected_progress - progress <= ON_TRACK_LAG => EvaluationStatus::OnTrack,
            None if expected_progress - progress <= AT_RISK_LAG => EvaluationStatus::AtRisk,
            None => EvaluationStatus::OffTrack,
        }
    } else {
        EvaluationStatus::InsufficientData
    };
    let suggestion = match (trend, projected) {
        (Some(t), Some(p)) if !reached(direction, p, target) && current.is_some() => {
            Some(ReadjustSuggestion {
                target: round2(p),
                deadline: t.reaches(target, direction, today),
            })
        }
        _ => None,
    };
    Findings {
        status,
        current,
        progress,
        expected_progress,
        projected,
        projected_attainment,
        next_milestone,
        suggestion,
    }
}

/// Share of the way from baseline to target, in percent, not clamped.
pub fn attainment(direction: Direction, baseline: f64, target: f64, value: f64) -> f64 {
    if target == baseline {
        return if reached(direction, value, target) {
            100.0
        } else {
            0.0
        };
    }
    // Rounded to a millionth of a point, so that a trend exactly on target
    // is not judged short by floating-point noise.
    ((value - baseline) / (target - baseline) * 100.0 * 1e6).round() / 1e6
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
#[path = "evaluation_tests.rs"]
mod tests;
