//! Built-in CX metrics computed from the raw events, over one window or a
//! series of buckets, and the per-team metric settings.
//!
//! Every query aggregates in the database and returns per-bucket counts
//! (or, for customer rates, one short row per customer); the formulas are in
//! `domain::cx_formulas`.

mod orders;
mod referrals;
mod responses;
mod sql;

use sea_orm::ConnectionTrait;

use crate::domain::FieldErrors;
use crate::domain::cx_formulas::buckets::{Bucket, Layout, LayoutError, Window};
use crate::domain::cx_formulas::{
    CxMetric, DataSource, Filters, MetricSettings, MetricValue, Tally, evaluate,
};
use crate::error::{AppError, AppResult};
use sql::Sql;

/// The most buckets a series may have.
pub const MAX_BUCKETS: usize = 1000;

/// The metric over `[window.from, window.to)`; churn compares it with the
/// window of the same length before.
#[tracing::instrument(skip(db, filters), err)]
pub async fn compute<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    metric: CxMetric,
    window: Window,
    filters: &Filters,
    min_sample: i64,
) -> AppResult<MetricValue> {
    let layout = Layout::single(window);
    let tallies = tallies(db, team_id, metric, &layout, filters).await?;
    Ok(evaluate(metric, tallies[0], min_sample))
}

/// The metric per bucket over whole buckets covering `window` (the first
/// holds `window.from`, the last the moment before `window.to`), as
/// `(bucket start, bucket end, value)`. Churn compares each bucket with the
/// bucket before it.
#[tracing::instrument(skip(db, filters), err)]
pub async fn series<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    metric: CxMetric,
    window: Window,
    bucket: Bucket,
    filters: &Filters,
    min_sample: i64,
) -> AppResult<Vec<(i64, i64, MetricValue)>> {
    let layout = series_layout(bucket, window)?;
    let tallies = tallies(db, team_id, metric, &layout, filters).await?;
    Ok(tallies
        .into_iter()
        .enumerate()
        .map(|(j, tally)| {
            let b = layout.bucket(j);
            (b.from, b.to, evaluate(metric, tally, min_sample))
        })
        .collect())
}

/// The buckets of a series, or a 400 naming `bucket` when there are too many.
pub fn series_layout(bucket: Bucket, window: Window) -> AppResult<Layout> {
    Layout::series(bucket, window, MAX_BUCKETS).map_err(|e| {
        let message = match e {
            LayoutError::TooManyBuckets(n) => format!(
                "the window needs {}{n} {bucket} buckets; a series has at most {MAX_BUCKETS}: choose a longer bucket or a shorter window",
                if n > MAX_BUCKETS { "more than " } else { "" },
            ),
            LayoutError::OutOfRange => "the window is outside the supported calendar".into(),
        };
        bad_param("bucket", message)
    })
}

/// A 400 naming a query parameter.
pub fn bad_param(param: &str, message: impl Into<String>) -> AppError {
    let message = message.into();
    AppError::BadRequest {
        detail: format!("query parameter \"{param}\": {message}"),
        errors: FieldErrors::single(format!("/{param}"), message),
    }
}

async fn tallies<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    metric: CxMetric,
    layout: &Layout,
    filters: &Filters,
) -> AppResult<Vec<Tally>> {
    let filter = filters
        .for_metric(metric)
        .map_err(|e| bad_param(e.param, e.message))?;
    match metric.source() {
        DataSource::Surveys(_) | DataSource::Reviews => {
            responses::tallies(db, team_id, metric, layout, filter).await
        }
        DataSource::Orders if metric == CxMetric::ReferralRate => {
            referrals::referrals(db, team_id, layout, filter).await
        }
        DataSource::Orders => orders::customer_rates(db, team_id, metric, layout, filter).await,
    }
}

/// The time (ms since the epoch) of the team's newest event behind the metric.
#[tracing::instrument(skip(db), err)]
pub async fn newest_event_at<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    metric: CxMetric,
) -> AppResult<Option<i64>> {
    let mut q = Sql::new(db.get_database_backend());
    match metric.source() {
        DataSource::Surveys(kind) => {
            q.push("SELECT MAX(responded_at) AS t FROM survey_responses WHERE team_id = ")
                .bind(team_id)
                .push(" AND kind = ")
                .bind(kind.as_str());
        }
        DataSource::Reviews => {
            q.push("SELECT MAX(reviewed_at) AS t FROM reviews WHERE team_id = ")
                .bind(team_id);
        }
        DataSource::Orders => {
            q.push("SELECT MAX(ordered_at) AS t FROM orders WHERE team_id = ")
                .bind(team_id);
        }
    }
    let row = db.query_one_raw(q.statement()).await?;
    Ok(match row {
        Some(row) => row.try_get::<Option<i64>>("", "t")?,
        None => None,
    })
}

/// The team's settings for a metric, defaults filled in.
pub async fn settings<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    key: &str,
) -> AppResult<MetricSettings> {
    let mut q = Sql::new(db.get_database_backend());
    q.push("SELECT min_sample, stale_after_days FROM metric_settings WHERE team_id = ")
        .bind(team_id)
        .push(" AND metric_key = ")
        .bind(key);
    let Some(row) = db.query_one_raw(q.statement()).await? else {
        return Ok(MetricSettings::defaults(key));
    };
    let min_sample: Option<i32> = row.try_get("", "min_sample")?;
    let stale: Option<i32> = row.try_get("", "stale_after_days")?;
    let defaults = MetricSettings::defaults(key);
    Ok(MetricSettings {
        min_sample: min_sample.map_or(defaults.min_sample, i64::from),
        stale_after_days: stale.map_or(defaults.stale_after_days, i64::from),
    })
}

/// Stores a team's settings for a metric; `None` means the default.
pub async fn save_settings<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    key: &str,
    min_sample: Option<i64>,
    stale_after_days: Option<i64>,
) -> AppResult<MetricSettings> {
    let checked = MetricSettings::chosen(key, min_sample, stale_after_days)?;
    let to_i32 = |v: Option<i64>| v.map(|v| i32::try_from(v).unwrap_or(i32::MAX));
    let mut q = Sql::new(db.get_database_backend());
    q.push(
        "INSERT INTO metric_settings (team_id, metric_key, min_sample, stale_after_days) VALUES (",
    )
    .bind(team_id)
    .push(", ")
    .bind(key)
    .push(", ")
    .bind(to_i32(min_sample))
    .push(", ")
    .bind(to_i32(stale_after_days))
    .push(
        ") ON CONFLICT (team_id, metric_key) DO UPDATE SET min_sample = excluded.min_sample, \
             stale_after_days = excluded.stale_after_days",
    );
    db.execute_raw(q.statement()).await?;
    Ok(checked)
}
