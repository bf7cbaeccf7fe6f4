//! The metric pages: the catalog with current values and sparklines, one
//! metric's series with its sample sizes and formula, and custom metrics
//! with their manual observations.

mod catalog;
mod custom;
mod observations;
mod page;
mod series;

use axum::Router;
use axum::routing::{get, post};
use chrono::SecondsFormat;

use crate::api::metric_values::params::{MetricRequest, SeriesQuery};
use crate::domain::FieldErrors;
use crate::domain::cx_formulas::{Filters, MetricValue};
use crate::domain::events::from_millis;
use crate::domain::metric::{Better, MetricDef, Unit};
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::web::chart::format_number;
use crate::web::messages::FormMessages;
use crate::web::session::WebUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/metrics", get(catalog::catalog).post(custom::create))
        .route("/metrics/new", get(custom::new_form))
        .route("/metrics/{key}", get(page::metric_page))
        .route("/metrics/{key}/series.csv", get(page::series_csv))
        .route("/metrics/{key}/observations", post(observations::record))
}

/// The `team` query parameter: absent, or a team id.
pub(crate) fn team_param(raw: Option<&str>) -> AppResult<Option<i32>> {
    match raw.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| {
            crate::store::cx_metrics::bad_param("team", format!("\"{t}\" is not a team id"))
        }),
    }
}

/// A time for a query parameter, exactly as `parse_timestamp` reads it back.
fn time_text(ms: i64) -> String {
    from_millis(ms).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The checked metric query of the JSON API, for a window in milliseconds.
async fn request_for(
    state: &AppState,
    user: &WebUser,
    key: &str,
    team_id: i32,
    window: (i64, i64),
    filters: Filters,
) -> AppResult<MetricRequest> {
    let query = SeriesQuery {
        team: Some(team_id),
        from: Some(time_text(window.0)),
        to: Some(time_text(window.1)),
        bucket: None,
        touchpoint: filters.touchpoint,
        source: filters.source,
        channel: filters.channel,
    };
    MetricRequest::read(state, &user.caller, key, query.common()).await
}

/// The built-in metric's value from events, a custom one's from observations.
async fn value_of(state: &AppState, request: &MetricRequest) -> AppResult<MetricValue> {
    match request.builtin {
        Some(metric) => {
            crate::store::cx_metrics::compute(
                &state.db,
                request.team_id,
                metric,
                request.window,
                &request.filters,
                request.settings.min_sample,
            )
            .await
        }
        None => request.observed_value().await,
    }
}

/// A number with the metric's unit.
pub(crate) fn with_unit(unit: Unit, value: f64) -> String {
    let number = format_number(value);
    match unit {
        Unit::Percent => format!("{number} %"),
        Unit::Score | Unit::Count => number,
        Unit::Currency => format!("{number} (currency)"),
    }
}

/// A value as a page shows it: the number, or an honest "insufficient data".
pub(crate) fn value_text(unit: Unit, value: &MetricValue) -> String {
    match value.value {
        Some(v) if value.is_ok() => with_unit(unit, v),
        _ => format!(
            "insufficient data (n = {}, needs {})",
            value.n, value.min_sample
        ),
    }
}

pub(crate) fn better_text(better: Better) -> &'static str {
    match better {
        Better::Higher => "higher is better",
        Better::Lower => "lower is better",
    }
}

/// 404 for a metric key the team does not have.
async fn find_def(state: &AppState, team_id: i32, key: &str) -> AppResult<MetricDef> {
    crate::store::metrics::find_metric(&state.db, team_id, key)
        .await?
        .ok_or_else(|| AppError::not_found(format!("this team has no metric \"{key}\"")))
}

fn viewers_cannot() -> AppError {
    AppError::Forbidden(
        "viewers can look at the team's metrics but not add or change them; ask a manager of the team"
            .into(),
    )
}

/// The team of a form that changes something: one of the user's, as a writer.
pub(crate) fn writable_team(user: &WebUser, raw: Option<&str>) -> AppResult<i32> {
    let (team_id, role) = user.team(team_param(raw)?)?;
    if !role.can_write() {
        return Err(viewers_cannot());
    }
    Ok(team_id)
}

/// Messages beside the fields named by the pointers of `errors`.
fn field_messages(errors: &FieldErrors) -> FormMessages {
    FormMessages::from_errors(errors, |p| p.trim_start_matches('/').to_string())
}
