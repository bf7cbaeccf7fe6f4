//! The values of a custom metric recorded by hand: the form on its page
//! and the list of the newest.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::catalog::TeamQuery;
use super::page::{Extra, render};
use super::series::PageQuery;
use super::{field_messages, find_def, writable_team};
use crate::api::metrics::check_observation;
use crate::domain::metric::MetricDef;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::store::metrics;
use crate::web::csrf::SessionForm;
use crate::web::error::WebResult;
use crate::web::render::see_other;

/// The newest observations listed on a custom metric's page.
const LISTED_OBSERVATIONS: usize = 100;

/// The observation form as sent (and shown again when wrong).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ObservationForm {
    pub date: String,
    pub value: String,
    pub note: String,
}

impl ObservationForm {
    pub fn today(today: NaiveDate) -> ObservationForm {
        ObservationForm {
            date: today.format("%Y-%m-%d").to_string(),
            ..Default::default()
        }
    }
}

/// A recorded value as the page lists it.
pub(super) struct ObservationRow {
    pub day: String,
    pub value: String,
    pub note: String,
}

/// The metric's newest observations, newest first.
pub(super) async fn observation_rows(
    state: &AppState,
    team_id: i32,
    def: &MetricDef,
) -> AppResult<Vec<ObservationRow>> {
    let rows = metrics::observations(&state.db, team_id, &def.key, None, None).await?;
    Ok(rows
        .into_iter()
        .rev()
        .take(LISTED_OBSERVATIONS)
        .map(|o| ObservationRow {
            day: o.observed_on.format("%Y-%m-%d").to_string(),
            value: super::with_unit(def.unit, o.value),
            note: o.note.unwrap_or_default(),
        })
        .collect())
}

/// Records a value of a custom metric for a day, checked as the JSON API checks it.
pub(super) async fn record(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(query): Query<TeamQuery>,
    SessionForm { user, form }: SessionForm<ObservationForm>,
) -> WebResult {
    let team_id = writable_team(&user, query.team.as_deref())?;
    let def = find_def(&state, team_id, &key).await?;
    if def.builtin {
        return Err(AppError::not_found(format!(
            "\"{key}\" is computed from the team's data; values are recorded for custom metrics only"
        ))
        .into());
    }
    let value = form
        .value
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .map_err(|_| format!("\"{}\" is not a number", form.value.trim()));
    let note = Some(form.note.clone());
    match check_observation(&def, team_id, &form.date, value, note) {
        Ok(obs) => {
            metrics::upsert_observation(&state.db, obs, user.caller.user_id, Utc::now()).await?;
            Ok(see_other(&format!("/metrics/{}?team={team_id}", def.key)))
        }
        Err(errors) => {
            let query = PageQuery {
                team: Some(team_id.to_string()),
                ..Default::default()
            };
            let extra = Extra {
                obs_form: form,
                obs_messages: field_messages(&errors),
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            render(&state, &user, &def.key, &query, extra).await
        }
    }
}
