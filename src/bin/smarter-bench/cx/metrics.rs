//! Timing each built-in metric through the API (one value over the window,
//! then its weekly series) against its hand-written floor query, and
//! checking that both give the same numbers.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use smarter::domain::cx_formulas::CxMetric;
use smarter::domain::events::from_millis;

use super::floor::{self, Row};
use super::queries::{self, Window};
use crate::http::request_once;

/// What one metric cost, as medians of the timed runs.
#[derive(Clone, Copy, Debug)]
pub struct MetricTiming {
    pub metric: CxMetric,
    /// The sample behind the window's value.
    pub n: i64,
    pub app_value: Duration,
    pub floor_value: Duration,
    pub app_series: Duration,
    pub floor_series: Duration,
    pub weeks: usize,
}

/// The service's answer and the floor's, timed `repeats` times after one warm-up each.
pub async fn measure(
    port: u16,
    token: &str,
    db: &DatabaseConnection,
    w: Window,
    metric: CxMetric,
    repeats: u32,
) -> anyhow::Result<MetricTiming> {
    let range = format!(
        "team={}&from={}&to={}",
        w.team,
        from_millis(w.from).format("%Y-%m-%dT%H:%M:%SZ"),
        from_millis(w.to).format("%Y-%m-%dT%H:%M:%SZ")
    );
    let value_path = format!("/api/v1/metrics/{metric}/value?{range}");
    let series_path = format!("/api/v1/metrics/{metric}/series?{range}&bucket=week");
    let (value_sql, series_sql) = (queries::value(metric, w), queries::weekly(metric, w));
    let (mut app_value, mut floor_value, mut app_series, mut floor_series) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut n = 0;
    let mut weeks = 0;
    for run in 0..=repeats {
        let (answer, took) = get_json(port, token, &value_path).await?;
        let (rows, floor_took) = floor::query(db, &value_sql).await?;
        n = same_value(metric, &answer, rows.first().copied())?;
        let (series, series_took) = get_json(port, token, &series_path).await?;
        let (rows, floor_series_took) = floor::query(db, &series_sql).await?;
        weeks = same_series(metric, &series, &rows)?;
        if run > 0 {
            app_value.push(took);
            floor_value.push(floor_took);
            app_series.push(series_took);
            floor_series.push(floor_series_took);
        }
    }
    Ok(MetricTiming {
        metric,
        n,
        app_value: median(app_value),
        floor_value: median(floor_value),
        app_series: median(app_series),
        floor_series: median(floor_series),
        weeks,
    })
}

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

async fn get_json(port: u16, token: &str, path: &str) -> anyhow::Result<(Value, Duration)> {
    let auth = format!("Authorization: Bearer {token}");
    let started = Instant::now();
    let (status, _, body) =
        request_once(port, "GET", path, &[&auth], &[], Duration::from_secs(120)).await?;
    let took = started.elapsed();
    if status != 200 {
        bail!(
            "GET {path} answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let json = serde_json::from_slice(&body).with_context(|| format!("GET {path}: not JSON"))?;
    Ok((json, took))
}

/// Checks one answer (`value`, `n`) against the floor's row; returns `n`.
fn same_point(metric: CxMetric, answer: &Value, floor: Row, at: &str) -> anyhow::Result<i64> {
    let n = answer["n"].as_i64().context("an answer without n")?;
    if n != floor.n {
        bail!(
            "{metric} {at}: the service counts n = {n}, the floor {}",
            floor.n
        );
    }
    if let (Some(ours), Some(theirs)) = (answer["value"].as_f64(), floor.value)
        && (ours - theirs).abs() > 1e-6 * theirs.abs().max(1.0)
    {
        bail!("{metric} {at}: the service says {ours}, the floor {theirs}");
    }
    Ok(n)
}

fn same_value(metric: CxMetric, answer: &Value, floor: Option<Row>) -> anyhow::Result<i64> {
    let empty = Row {
        k: 0,
        n: 0,
        value: None,
    };
    same_point(metric, answer, floor.unwrap_or(empty), "over the window")
}

/// Checks every week of the series; returns the number of weeks.
fn same_series(metric: CxMetric, series: &Value, floor: &[Row]) -> anyhow::Result<usize> {
    let points = series["points"]
        .as_array()
        .context("a series without points")?;
    for (k, point) in points.iter().enumerate() {
        let row = floor
            .iter()
            .find(|r| r.k == k as i64)
            .copied()
            .unwrap_or(Row {
                k: k as i64,
                n: 0,
                value: None,
            });
        same_point(metric, point, row, &format!("in week {k}"))?;
    }
    if let Some(extra) = floor.iter().find(|r| r.k as usize >= points.len()) {
        bail!(
            "{metric}: the floor has week {} beyond the service's {} points",
            extra.k,
            points.len()
        );
    }
    Ok(points.len())
}
