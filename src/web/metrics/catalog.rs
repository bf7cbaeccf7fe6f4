//! `GET /metrics`: every metric of the team with its value over the last
//! 30 days and a sparkline of its recent weeks.

use askama::Template;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{better_text, request_for, team_param, value_of, value_text};
use crate::api::metric_values::params::MetricRequest;
use crate::domain::cx_formulas::buckets::{Bucket, Window};
use crate::domain::cx_formulas::{Filters, MetricValue};
use crate::domain::metric::MetricDef;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::store::{cx_metrics, metrics};
use crate::web::chart::{format_number, sparkline};
use crate::web::chrome::Chrome;
use crate::web::error::WebResult;
use crate::web::render::page;
use crate::web::session::WebUser;

const DAY_MS: i64 = 86_400_000;
/// The window of the catalog's current values.
pub(super) const TRAILING_DAYS: i64 = 30;
/// The weeks a sparkline shows (the current, unfinished one included).
const SPARK_WEEKS: i64 = 12;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct TeamQuery {
    pub team: Option<String>,
}

/// One line of the catalog.
struct Row {
    def: MetricDef,
    value: String,
    ok: bool,
    n: i64,
    better: &'static str,
    /// Built by `chart::sparkline`, which escapes its text.
    sparkline: String,
}

#[derive(Template)]
#[template(path = "metrics/catalog.html")]
struct CatalogPage {
    chrome: Chrome,
    rows: Vec<Row>,
    trailing_days: i64,
}

pub(super) async fn catalog(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<TeamQuery>,
) -> WebResult {
    let (team_id, _) = user.team(team_param(query.team.as_deref())?)?;
    let chrome = Chrome::load(&state.db, &user, team_id, "metrics").await?;
    let now = Utc::now();
    let defs = metrics::metrics_for_team(&state.db, team_id).await?;
    let rows = defs
        .into_iter()
        .map(|def| row(&state, &user, team_id, def, now));
    let rows = futures_util::future::try_join_all(rows).await?;
    Ok(page(&CatalogPage {
        chrome,
        rows,
        trailing_days: TRAILING_DAYS,
    }))
}

/// The metric's value over the `TRAILING_DAYS` before `to`, with the
/// checked request behind it.
pub(super) async fn trailing(
    state: &AppState,
    user: &WebUser,
    team_id: i32,
    key: &str,
    to: i64,
) -> AppResult<(MetricRequest, MetricValue)> {
    let window = (to - TRAILING_DAYS * DAY_MS, to);
    let request = request_for(state, user, key, team_id, window, Filters::default()).await?;
    let value = value_of(state, &request).await?;
    Ok((request, value))
}

/// The metric's trailing value (one query) and its weekly series (one more).
async fn row(
    state: &AppState,
    user: &WebUser,
    team_id: i32,
    def: MetricDef,
    now: DateTime<Utc>,
) -> AppResult<Row> {
    let to = now.timestamp_millis();
    let (request, value) = trailing(state, user, team_id, &def.key, to).await?;
    let weeks = Window::new(to - SPARK_WEEKS * 7 * DAY_MS, to)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("empty sparkline window")))?;
    let points = match request.builtin {
        Some(metric) => {
            cx_metrics::series(
                &state.db,
                team_id,
                metric,
                weeks,
                Bucket::Week,
                &request.filters,
                request.settings.min_sample,
            )
            .await?
        }
        None => {
            request
                .observed_series(&cx_metrics::series_layout(Bucket::Week, weeks)?)
                .await?
        }
    };
    let weekly: Vec<Option<f64>> = points
        .iter()
        .map(|(_, _, v)| v.value.filter(|_| v.is_ok()))
        .collect();
    let said: Vec<String> = weekly
        .iter()
        .map(|v| v.map_or("no value".to_string(), format_number))
        .collect();
    let label = format!(
        "{}, week by week over the last {SPARK_WEEKS} weeks: {}",
        def.name,
        said.join(", ")
    );
    let line: Vec<f64> = weekly.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    Ok(Row {
        value: value_text(def.unit, &value),
        ok: value.is_ok(),
        n: value.n,
        better: better_text(def.better),
        sparkline: sparkline(&line, &label),
        def,
    })
}
