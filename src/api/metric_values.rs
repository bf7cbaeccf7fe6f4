//! `/api/v1/metrics/{key}/value`, `/series` and `/settings`: built-in
//! metrics computed from the team's events over a window `[from, to)` in
//! UTC; custom metrics answered from their manual observations.

pub(crate) mod params;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::auth::{require_member, require_writer};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::domain::account::Caller;
use crate::domain::cx_formulas::buckets::Bucket;
use crate::domain::cx_formulas::{MetricSettings, MetricValue};
use crate::domain::events::from_millis;
use crate::error::{AppError, AppResult, Problem};
use crate::startup::AppState;
use crate::store::cx_metrics;
use params::{AppliedFilters, Computed, MetricRequest, SeriesQuery, ValueQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(metric_value))
        .routes(routes!(metric_series))
        .routes(routes!(get_settings, put_settings))
}

/// A metric's value over one window, with the sample behind it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValueResponse {
    pub metric: String,
    pub team_id: i32,
    pub computed_from: Computed,
    /// The window's start, inclusive.
    pub from: DateTime<Utc>,
    /// The window's end, exclusive.
    pub to: DateTime<Utc>,
    /// churn_rate only: the start of the window of the same length before,
    /// whose customers churn counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_from: Option<DateTime<Utc>>,
    pub filters: AppliedFilters,
    #[serde(flatten)]
    pub result: MetricValue,
    /// The newest event (built-in) or observation (custom) of the metric, at any time.
    pub newest_data_at: Option<DateTime<Utc>>,
    pub settings: MetricSettings,
}

/// The metric's value over `[from, to)`: built-in metrics from the team's
/// events, custom metrics as their latest observation in the window.
#[utoipa::path(get, path = "/metrics/{key}/value", tag = "metrics", params(("key" = String, Path), ValueQuery),
    responses((status = 200, body = ValueResponse), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn metric_value(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<ValueQuery>,
) -> AppResult<Json<ValueResponse>> {
    let request = MetricRequest::read(&state, &caller, &key, query.common()).await?;
    let window = request.window;
    let (result, previous_from) = match request.builtin {
        Some(metric) => {
            let value = cx_metrics::compute(
                &state.db,
                request.team_id,
                metric,
                window,
                &request.filters,
                request.settings.min_sample,
            )
            .await?;
            let previous = metric
                .needs_previous_window()
                .then(|| window.previous().from);
            (value, previous)
        }
        None => (request.observed_value().await?, None),
    };
    Ok(Json(ValueResponse {
        newest_data_at: request.newest_data_at().await?,
        metric: request.key.clone(),
        team_id: request.team_id,
        computed_from: request.computed_from(),
        from: from_millis(window.from),
        to: from_millis(window.to),
        previous_from: previous_from.map(from_millis),
        filters: AppliedFilters::from(&request.filters),
        result,
        settings: request.settings,
    }))
}

/// One bucket of a series.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesPoint {
    pub start: DateTime<Utc>,
    /// Exclusive.
    pub end: DateTime<Utc>,
    #[serde(flatten)]
    pub result: MetricValue,
}

/// A metric per day, ISO week or calendar month.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesResponse {
    pub metric: String,
    pub team_id: i32,
    pub computed_from: Computed,
    pub bucket: Bucket,
    /// The first bucket's start (the requested `from`, moved back to a bucket boundary).
    pub from: DateTime<Utc>,
    /// The last bucket's end (the requested `to`, moved on to a bucket boundary).
    pub to: DateTime<Utc>,
    pub filters: AppliedFilters,
    pub settings: MetricSettings,
    pub points: Vec<SeriesPoint>,
}

/// The metric per bucket over whole buckets covering `[from, to)`: days,
/// ISO weeks from Monday or calendar months, in UTC; at most 1000 buckets.
/// Custom metrics give the mean of their observations per bucket.
#[utoipa::path(get, path = "/metrics/{key}/series", tag = "metrics", params(("key" = String, Path), SeriesQuery),
    responses((status = 200, body = SeriesResponse), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn metric_series(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<SeriesQuery>,
) -> AppResult<Json<SeriesResponse>> {
    let bucket = query
        .bucket
        .ok_or_else(|| cx_metrics::bad_param("bucket", "is required: day, week or month"))?;
    let request = MetricRequest::read(&state, &caller, &key, query.common()).await?;
    let layout = cx_metrics::series_layout(bucket, request.window)?;
    let points = match request.builtin {
        Some(metric) => {
            cx_metrics::series(
                &state.db,
                request.team_id,
                metric,
                request.window,
                bucket,
                &request.filters,
                request.settings.min_sample,
            )
            .await?
        }
        None => request.observed_series(&layout).await?,
    };
    Ok(Json(SeriesResponse {
        metric: request.key.clone(),
        team_id: request.team_id,
        computed_from: request.computed_from(),
        bucket,
        from: from_millis(layout.start()),
        to: from_millis(layout.end()),
        filters: AppliedFilters::from(&request.filters),
        settings: request.settings,
        points: points
            .into_iter()
            .map(|(start, end, result)| SeriesPoint {
                start: from_millis(start),
                end: from_millis(end),
                result,
            })
            .collect(),
    }))
}

/// A team's settings for one metric.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsResponse {
    pub metric: String,
    pub team_id: i32,
    #[serde(flatten)]
    pub settings: MetricSettings,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SettingsQuery {
    pub team: i32,
}

/// The team's settings for a metric (defaults filled in).
#[utoipa::path(get, path = "/metrics/{key}/settings", tag = "metrics", params(("key" = String, Path), SettingsQuery),
    responses((status = 200, body = SettingsResponse), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn get_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<SettingsQuery>,
) -> AppResult<Json<SettingsResponse>> {
    require_member(&caller, query.team)?;
    let key = params::find_metric(&state, query.team, &key).await?.key;
    let settings = cx_metrics::settings(&state.db, query.team, &key).await?;
    Ok(Json(SettingsResponse {
        metric: key,
        team_id: query.team,
        settings,
    }))
}

/// A manager's settings for a metric; a missing or null field means the default.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub team_id: i32,
    /// The smallest sample that gives a value, 0 to 1,000,000 (default 30;
    /// 1 for review_count and custom metrics).
    #[serde(default)]
    pub min_sample: Option<i64>,
    /// Data older than this many days is stale, 1 to 3650 (default 14).
    #[serde(default)]
    pub stale_after_days: Option<i64>,
}

/// Sets the team's minimum sample and staleness limit for a metric (managers and admins).
#[utoipa::path(put, path = "/metrics/{key}/settings", tag = "metrics", params(("key" = String, Path)),
    request_body = SettingsInput,
    responses((status = 200, body = SettingsResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn put_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<String>,
    ApiJson(input): ApiJson<SettingsInput>,
) -> AppResult<Json<SettingsResponse>> {
    let team_id = input.team_id;
    if caller.role_in(team_id).is_none() {
        return Err(AppError::field(
            "/team_id",
            format!("team {team_id} is not one of your teams"),
        ));
    }
    require_writer(&caller, team_id)?;
    let key = params::find_metric(&state, team_id, &key).await?.key;
    let settings = cx_metrics::save_settings(
        &state.db,
        team_id,
        &key,
        input.min_sample,
        input.stale_after_days,
    )
    .await?;
    Ok(Json(SettingsResponse {
        metric: key,
        team_id,
        settings,
    }))
}

impl MetricRequest {
    fn computed_from(&self) -> Computed {
        match self.builtin {
            Some(_) => Computed::Events,
            None => Computed::Observations,
        }
    }
}
