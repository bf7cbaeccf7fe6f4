//! The goal's chart: the metric over time with baseline, target,
//! milestones, the projection to the deadline and the readjustments.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::evaluation::Trend;
use crate::domain::goal::GoalSpec;
use crate::entities::goal;
use crate::error::AppResult;
use crate::measure;
use crate::startup::AppState;
use crate::store::{evaluations, revisions};
use crate::web::chart::{Level, LineChart, Marker, Point, Series, Style, format_number};

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
}

/// The chart and the points behind it.
pub(super) struct ChartData {
    pub chart: LineChart,
}

pub(super) async fn chart_of(
    state: &AppState,
    model: &goal::Model,
    spec: &GoalSpec,
) -> AppResult<ChartData> {
    let db = &state.db;
    let now = Utc::now();
    let m = &spec.measurable;
    let key = m.metric_key.clone().unwrap_or_default();
    let since = spec
        .time_bound
        .start
        .unwrap_or(model.created_at.date_naive())
        .min(now.date_naive() - chrono::Duration::weeks(13));
    let mut measured: Vec<(NaiveDate, f64)> = if key.is_empty() {
        Vec::new()
    } else {
        measure::recent_points(db, model.team_id, &key, since, now).await?
    };
    if measured.is_empty() {
        let mut evals = evaluations::for_goal(db, model.id).await?;
        evals.reverse();
        measured = evals
            .iter()
            .filter_map(|e| Some((e.scheduled_for.date_naive(), e.current_value?)))
            .collect();
    }
    let mut series = vec![Series {
        label: "measured".into(),
        points: measured
            .iter()
            .map(|(d, v)| Point {
                at: midnight(*d),
                value: *v,
            })
            .collect(),
        style: Style::Line,
        class: "series-main",
    }];
    if !m.milestones.is_empty() {
        series.push(Series {
            label: "milestones".into(),
            points: m
                .milestones
                .iter()
                .map(|ms| Point {
                    at: midnight(ms.date),
                    value: ms.target,
                })
                .collect(),
            style: Style::Dots,
            class: "series-milestone",
        });
    }
    if let (Some(deadline), Some(trend), Some(last)) = (
        spec.time_bound.deadline,
        Trend::fit(&measured),
        measured.last(),
    ) && deadline > last.0
    {
        series.push(Series {
            label: "projection".into(),
            points: vec![
                Point {
                    at: midnight(last.0),
                    value: last.1,
                },
                Point {
                    at: midnight(deadline),
                    value: trend.at(deadline),
                },
            ],
            style: Style::Dashed,
            class: "series-projection",
        });
    }
    let mut levels = Vec::new();
    if let Some(b) = m.baseline {
        levels.push(Level {
            label: "baseline".into(),
            value: b,
            class: "level-baseline",
        });
    }
    if let Some(t) = m.target {
        levels.push(Level {
            label: "target".into(),
            value: t,
            class: "level-target",
        });
    }
    let markers = revisions::for_goal(db, model.id)
        .await?
        .into_iter()
        .map(|r| Marker {
            at: r.created_at,
            label: format!(
                "readjusted {}: {}",
                r.created_at.format("%Y-%m-%d"),
                r.reason
            ),
            class: "marker-readjust",
        })
        .collect();
    let x_range = match (spec.time_bound.start, spec.time_bound.deadline) {
        (Some(s), Some(d)) if !measured.is_empty() => {
            let first = measured.first().map(|p| p.0).unwrap_or(s);
            Some((
                midnight(s.min(first)),
                midnight(d.max(measured.last().map(|p| p.0).unwrap_or(d))),
            ))
        }
        _ => None,
    };
    let description = describe(spec, &measured);
    Ok(ChartData {
        chart: LineChart {
            title: format!(
                "{} over time",
                if key.is_empty() { "The metric" } else { &key }
            ),
            description,
            y_label: key,
            x_range,
            series,
            levels,
            markers,
        },
    })
}

fn describe(spec: &GoalSpec, measured: &[(NaiveDate, f64)]) -> String {
    let m = &spec.measurable;
    let plan = format!(
        "Baseline {}, target {}{}.",
        m.baseline
            .map(format_number)
            .unwrap_or_else(|| "not set".into()),
        m.target
            .map(format_number)
            .unwrap_or_else(|| "not set".into()),
        spec.time_bound
            .deadline
            .map(|d| format!(" by {d}"))
            .unwrap_or_default()
    );
    match (measured.first(), measured.last()) {
        (Some(first), Some(last)) => format!(
            "{} values from {} ({}) to {} ({}). {plan}",
            measured.len(),
            first.0,
            format_number(first.1),
            last.0,
            format_number(last.1)
        ),
        _ => format!("No measured values yet. {plan}"),
    }
}

/// The chart's points as (date, series, value) rows.
pub(super) fn point_rows(chart: &LineChart) -> Vec<(String, String, String)> {
    let mut rows: Vec<(String, String, String)> = chart
        .series
        .iter()
        .flat_map(|s| {
            s.points.iter().map(move |p| {
                (
                    p.at.format("%Y-%m-%d").to_string(),
                    s.label.clone(),
                    format_number(p.value),
                )
            })
        })
        .collect();
    rows.sort();
    rows
}
