//! Measuring a goal from data: its metric's current value (from events for
//! built-in metrics, from manual observations otherwise), progress,
//! staleness, and the metric's history for the Achievable advice.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::achievability::{PaceAdvice, advise};
use crate::domain::cx_formulas::buckets::{Bucket, Window};
use crate::domain::cx_formulas::{CxMetric, Filters, MetricStatus, MetricValue};
use crate::domain::events::from_millis;
use crate::domain::goal::{Direction, GoalSpec};
use crate::domain::progress::progress_percent;
use crate::error::{AppError, AppResult};
use crate::store::{cx_metrics, metrics};

/// Where a goal's current value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueSource {
    /// Computed from orders, reviews or survey responses.
    Events,
    /// The latest value recorded by hand.
    Observations,
}

/// Where the goal's metric stands now and how far that carries the goal.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Measurement {
    pub source: ValueSource,
    /// `ok`, or `insufficient_data` when the sample is below the minimum.
    pub status: MetricStatus,
    /// The current value; `null` when the data cannot support one.
    pub current: Option<f64>,
    /// The sample behind the value (responses, reviews, customers; 1 for an observation).
    pub n: i64,
    pub min_sample: i64,
    /// 0-100, direction-aware; absent without baseline, target or value.
    pub percent: Option<f64>,
    /// For events: the trailing window the value covers, `[from, to)`.
    pub window_from: Option<DateTime<Utc>>,
    pub window_to: Option<DateTime<Utc>>,
    /// For observations: the day of the value.
    pub observed_on: Option<NaiveDate>,
    /// The newest event (or observation day) behind the metric.
    pub newest_data_at: Option<DateTime<Utc>>,
    /// True when no data arrived within the metric's `stale_after_days`.
    pub stale: bool,
}

/// Whether the team has events behind this built-in metric; `None` for custom metrics.
async fn newest_event<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    key: &str,
) -> AppResult<Option<Option<i64>>> {
    match key.parse::<CxMetric>() {
        Ok(metric) => Ok(Some(
            cx_metrics::newest_event_at(db, team_id, metric).await?,
        )),
        Err(_) => Ok(None),
    }
}

/// The built-in metric over the trailing `window_days` ending at `now`.
pub async fn trailing_value<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    metric: CxMetric,
    window_days: u32,
    now: DateTime<Utc>,
) -> AppResult<(MetricValue, Window)> {
    let to = now.timestamp_millis();
    let window = Window::new(to - i64::from(window_days) * 86_400_000, to)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("empty trailing window")))?;
    let settings = cx_metrics::settings(db, team_id, metric.as_str()).await?;
    let value = cx_metrics::compute(
        db,
        team_id,
        metric,
        window,
        &Filters::default(),
        settings.min_sample,
    )
    .await?;
    Ok((value, window))
}

/// Measures the goal's metric as of `now`; `None` when the goal has no metric or no data.
pub async fn measure<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    spec: &GoalSpec,
    now: DateTime<Utc>,
) -> AppResult<Option<Measurement>> {
    let m = &spec.measurable;
    let Some(key) = m.metric_key.as_deref() else {
        return Ok(None);
    };
    let settings = cx_metrics::settings(db, team_id, key).await?;
    let stale_before = now - Duration::days(settings.stale_after_days);
    let percent = |current: Option<f64>| match (m.baseline, m.target, current) {
        (Some(b), Some(t), Some(c)) => Some(progress_percent(
            m.direction.unwrap_or(Direction::Increase),
            b,
            t,
            c,
        )),
        _ => None,
    };
    if let Some(Some(newest)) = newest_event(db, team_id, key).await? {
        let metric: CxMetric = key.parse().map_err(|e: String| anyhow::anyhow!(e))?;
        let (value, window) = trailing_value(db, team_id, metric, m.window_days, now).await?;
        let newest = from_millis(newest);
        return Ok(Some(Measurement {
            source: ValueSource::Events,
            status: value.status,
            current: value.value,
            n: value.n,
            min_sample: value.min_sample,
            percent: percent(value.value),
            window_from: Some(from_millis(window.from)),
            window_to: Some(from_millis(window.to)),
            observed_on: None,
            newest_data_at: Some(newest),
            stale: newest < stale_before,
        }));
    }
    let Some(obs) = metrics::latest_observation(db, team_id, key).await? else {
        return Ok(None);
    };
    let day = obs
        .observed_on
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    Ok(Some(Measurement {
        source: ValueSource::Observations,
        status: MetricStatus::Ok,
        current: Some(obs.value),
        n: 1,
        min_sample: 1,
        percent: percent(Some(obs.value)),
        window_from: None,
        window_to: None,
        observed_on: Some(obs.observed_on),
        newest_data_at: Some(day),
        stale: day < stale_before,
    }))
}

/// A built-in metric's weekly values over `[from, to)` as (week start,
/// value), whole weeks only (the current one is still filling up); `None`
/// when the metric is custom or has no events, so observations apply.
async fn whole_weeks<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    key: &str,
    from: i64,
    to: i64,
) -> AppResult<Option<Vec<(i64, Option<f64>)>>> {
    let (Some(Some(_)), Some(window)) =
        (newest_event(db, team_id, key).await?, Window::new(from, to))
    else {
        return Ok(None);
    };
    let metric: CxMetric = key.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let settings = cx_metrics::settings(db, team_id, key).await?;
    let series = cx_metrics::series(
        db,
        team_id,
        metric,
        window,
        Bucket::Week,
        &Filters::default(),
        settings.min_sample,
    )
    .await?;
    Ok(Some(
        series
            .into_iter()
            .filter(|(_, end, _)| *end <= to)
            .map(|(start, _, v)| (start, v.value))
            .collect(),
    ))
}

/// Weeks of history the Achievable advice looks at.
const HISTORY_WEEKS: i64 = 52;

/// The metric's weekly values over the last year, oldest first (`None` for
/// weeks without enough data).
pub async fn weekly_history<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    key: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<Option<f64>>> {
    let to = now.timestamp_millis();
    let from = to - HISTORY_WEEKS * 7 * 86_400_000;
    if let Some(weeks) = whole_weeks(db, team_id, key, from, to).await? {
        return Ok(weeks.into_iter().map(|(_, value)| value).collect());
    }
    let from_day = from_millis(from).date_naive();
    let rows =
        metrics::observations(db, team_id, key, Some(from_day), Some(now.date_naive())).await?;
    let mut weeks: Vec<Option<f64>> = vec![None; HISTORY_WEEKS as usize + 1];
    for row in rows {
        let index = ((row.observed_on - from_day).num_days() / 7) as usize;
        if let Some(slot) = weeks.get_mut(index) {
            *slot = Some(row.value);
        }
    }
    Ok(weeks)
}

/// How the pace the goal needs compares with the metric's history; `None`
/// unless the goal has a metric, a target, a deadline and a current value.
pub async fn achievability<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    spec: &GoalSpec,
    measurement: Option<&Measurement>,
    now: DateTime<Utc>,
) -> AppResult<Option<PaceAdvice>> {
    let m = &spec.measurable;
    let (Some(key), Some(target), Some(deadline)) =
        (m.metric_key.as_deref(), m.target, spec.time_bound.deadline)
    else {
        return Ok(None);
    };
    let Some(current) = measurement.and_then(|x| x.current).or(m.baseline) else {
        return Ok(None);
    };
    let weeks_left = (deadline - now.date_naive()).num_days() as f64 / 7.0;
    if weeks_left <= 0.0 {
        return Ok(None);
    }
    let history = weekly_history(db, team_id, key, now).await?;
    let direction = m.direction.unwrap_or(Direction::Increase);
    Ok(Some(advise(
        &history, direction, current, target, weeks_left,
    )))
}

/// Weeks of values a trend looks back at most.
const TREND_WEEKS: i64 = 13;

/// The metric's recent values for a trend, oldest first, as `(day, value)`:
/// whole weekly values of a built-in metric with events (dated by the
/// week's Monday), or the observations recorded by hand, since `since` and
/// within the last quarter.
pub async fn recent_points<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    key: &str,
    since: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<Vec<(NaiveDate, f64)>> {
    let to = now.timestamp_millis();
    let since_ms = since
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_millis();
    let from = since_ms.max(to - TREND_WEEKS * 7 * 86_400_000);
    if from >= to {
        return Ok(Vec::new());
    }
    if let Some(weeks) = whole_weeks(db, team_id, key, from, to).await? {
        return Ok(weeks
            .into_iter()
            .filter_map(|(start, value)| Some((from_millis(start).date_naive(), value?)))
            .collect());
    }
    let from_day = from_millis(from).date_naive();
    let rows =
        metrics::observations(db, team_id, key, Some(from_day), Some(now.date_naive())).await?;
    Ok(rows.into_iter().map(|r| (r.observed_on, r.value)).collect())
}
