//! `/api/v1/metrics`: the catalog, custom metrics, manual observations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::auth::{require_member, require_writer};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::domain::FieldErrors;
use crate::domain::account::Caller;
use crate::domain::field_errors::check_text;
use crate::domain::metric::{
    Better, CustomMetricInput, JourneyStage, MetricDef, Unit, builtin_metrics,
};
use crate::entities::metric_observation;
use crate::error::{AppError, AppResult, Problem};
use crate::startup::AppState;
use crate::store::metrics::{self, NewObservation};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_metrics, create_metric))
        .routes(routes!(get_metric))
        .routes(routes!(list_observations, record_observation))
}

/// A metric definition. Built-in metrics have no team.
#[derive(Debug, Serialize, ToSchema)]
pub struct MetricResponse {
    pub key: String,
    pub name: String,
    pub description: String,
    pub unit: Unit,
    pub better: Better,
    pub journey_stage: Option<JourneyStage>,
    pub touchpoint: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub builtin: bool,
    pub team_id: Option<i32>,
}

fn to_response(def: MetricDef, team_id: Option<i32>) -> MetricResponse {
    MetricResponse {
        team_id: if def.builtin { None } else { team_id },
        key: def.key,
        name: def.name,
        description: def.description,
        unit: def.unit,
        better: def.better,
        journey_stage: def.journey_stage,
        touchpoint: def.touchpoint,
        min: def.min,
        max: def.max,
        builtin: def.builtin,
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    /// The team whose metrics to show (default: all your teams).
    pub team: Option<i32>,
}

/// The built-in catalog and the custom metrics of your teams.
#[utoipa::path(get, path = "/metrics", tag = "metrics", params(TeamQuery),
    responses((status = 200, body = Vec<MetricResponse>), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn list_metrics(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<TeamQuery>,
) -> AppResult<Json<Vec<MetricResponse>>> {
    let teams = match query.team {
        Some(team) => {
            require_member(&caller, team)?;
            vec![team]
        }
        None => caller.team_ids(),
    };
    let mut all: Vec<_> = builtin_metrics()
        .into_iter()
        .map(|d| to_response(d, None))
        .collect();
    for team in teams {
        all.extend(
            metrics::custom_metrics(&state.db, team)
                .await?
                .into_iter()
                .map(|d| to_response(d, Some(team))),
        );
    }
    Ok(Json(all))
}

/// Adds a custom metric to a team.
#[utoipa::path(post, path = "/metrics", tag = "metrics", request_body = CustomMetricInput,
    responses((status = 201, body = MetricResponse), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_metric(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CustomMetricInput>,
) -> AppResult<(StatusCode, Json<MetricResponse>)> {
    let team_id = input.team_id;
    if caller.role_in(team_id).is_none() {
        return Err(AppError::field(
            "/team_id",
            format!("team {team_id} is not one of your teams"),
        ));
    }
    require_writer(&caller, team_id)?;
    let def = MetricDef::parse_custom(input)?;
    metrics::create_custom(&state.db, team_id, &def, caller.user_id, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(to_response(def, Some(team_id)))))
}

/// Finds `key` as the caller sees it: built-in, or custom in `team` (or the
/// only one of the caller's teams that has it).
async fn resolve(
    state: &AppState,
    caller: &Caller,
    key: &str,
    team: Option<i32>,
) -> AppResult<(MetricDef, i32)> {
    let teams = match team {
        Some(team) => {
            require_member(caller, team)?;
            vec![team]
        }
        None => caller.team_ids(),
    };
    let mut found = Vec::new();
    for team in teams {
        if let Some(def) = metrics::find_metric(&state.db, team, key).await? {
            found.push((def, team));
        }
    }
    match found.len() {
        0 => Err(AppError::not_found(format!(
            "there is no metric \"{key}\" in your teams"
        ))),
        1 => Ok(found.remove(0)),
        _ if found[0].0.builtin && team.is_none() => Err(AppError::field(
            "/team",
            "is required: you belong to several teams; say which team's values you mean",
        )),
        _ => Err(AppError::field(
            "/team",
            format!("is required: several of your teams have a metric \"{key}\""),
        )),
    }
}

/// One metric's definition.
#[utoipa::path(get, path = "/metrics/{key}", tag = "metrics", params(("key" = String, Path), TeamQuery),
    responses((status = 200, body = MetricResponse), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn get_metric(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<TeamQuery>,
) -> AppResult<Json<MetricResponse>> {
    if let Some(team) = query.team {
        require_member(&caller, team)?;
    }
    if let Some(def) = crate::domain::metric::builtin_metric(&key) {
        return Ok(Json(to_response(def, None)));
    }
    let (def, team) = resolve(&state, &caller, &key, query.team).await?;
    Ok(Json(to_response(def, Some(team))))
}

/// A value of a metric on a day, recorded by hand.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservationInput {
    pub team_id: i32,
    /// YYYY-MM-DD
    pub date: String,
    pub value: f64,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObservationResponse {
    pub id: i64,
    pub team_id: i32,
    pub metric: String,
    pub date: NaiveDate,
    pub value: f64,
    pub note: Option<String>,
}

impl From<metric_observation::Model> for ObservationResponse {
    fn from(row: metric_observation::Model) -> Self {
        ObservationResponse {
            id: row.id,
            team_id: row.team_id,
            metric: row.metric_key,
            date: row.observed_on,
            value: row.value,
            note: row.note,
        }
    }
}

/// Records a value for a day; a second value for the same day replaces the first (200).
#[utoipa::path(post, path = "/metrics/{key}/observations", tag = "metrics", params(("key" = String, Path)),
    request_body = ObservationInput,
    responses((status = 201, body = ObservationResponse), (status = 200, body = ObservationResponse),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn record_observation(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<String>,
    ApiJson(input): ApiJson<ObservationInput>,
) -> AppResult<(StatusCode, Json<ObservationResponse>)> {
    if caller.role_in(input.team_id).is_none() {
        return Err(AppError::field(
            "/team_id",
            format!("team {} is not one of your teams", input.team_id),
        ));
    }
    require_writer(&caller, input.team_id)?;
    let (def, team_id) = resolve(&state, &caller, &key, Some(input.team_id)).await?;
    let obs = check_observation(&def, team_id, &input.date, Ok(input.value), input.note)?;
    let (row, created) =
        metrics::upsert_observation(&state.db, obs, caller.user_id, Utc::now()).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(row.into())))
}

/// Checks a manual observation of `def`: the day (YYYY-MM-DD), the value
/// (`Err` holds why it could not be read as a number) and an optional note.
pub(crate) fn check_observation(
    def: &MetricDef,
    team_id: i32,
    date: &str,
    value: Result<f64, String>,
    note: Option<String>,
) -> Result<NewObservation, FieldErrors> {
    let mut errors = FieldErrors::new();
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| errors.push("/date", format!("\"{date}\" is not a date; use YYYY-MM-DD")))
        .ok();
    let value = value
        .and_then(|v| def.check_value(v).map(|()| v))
        .map_err(|message| errors.push("/value", message))
        .ok();
    let note = check_text(&mut errors, "/note", note, 2000);
    let (date, value) = errors.finish((date, value))?;
    Ok(NewObservation {
        team_id,
        metric_key: def.key.clone(),
        observed_on: date.expect("a date when no errors"),
        value: value.expect("a value when no errors"),
        note: (!note.is_empty()).then_some(note),
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ObservationQuery {
    pub team: Option<i32>,
    /// First day, inclusive (YYYY-MM-DD).
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (YYYY-MM-DD).
    pub to: Option<NaiveDate>,
}

/// A team's recorded values of a metric, oldest first.
#[utoipa::path(get, path = "/metrics/{key}/observations", tag = "metrics", params(("key" = String, Path), ObservationQuery),
    responses((status = 200, body = Vec<ObservationResponse>), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn list_observations(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<String>,
    ApiQuery(query): ApiQuery<ObservationQuery>,
) -> AppResult<Json<Vec<ObservationResponse>>> {
    let (def, team_id) = resolve(&state, &caller, &key, query.team).await?;
    let rows = metrics::observations(&state.db, team_id, &def.key, query.from, query.to).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
