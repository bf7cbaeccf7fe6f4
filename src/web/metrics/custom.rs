//! Custom metrics: the form that adds one, and the values recorded by hand
//! on a custom metric's page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::catalog::TeamQuery;
use super::page::{Extra, PageQuery, render};
use super::{find_def, team_param};
use crate::api::metrics::check_observation;
use crate::domain::FieldErrors;
use crate::domain::metric::{Better, CustomMetricInput, JourneyStage, MetricDef, Unit};
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::store::metrics;
use crate::web::chrome::Chrome;
use crate::web::csrf::SessionForm;
use crate::web::error::WebResult;
use crate::web::messages::FormMessages;
use crate::web::render::{html, see_other};
use crate::web::session::WebUser;

/// The newest observations listed on a custom metric's page.
const LISTED_OBSERVATIONS: usize = 100;

fn viewers_cannot() -> AppError {
    AppError::Forbidden(
        "viewers can look at the team's metrics but not add or change them; ask a manager of the team"
            .into(),
    )
}

/// The team of a form that changes something: one of the user's, as a writer.
fn writable_team(user: &WebUser, raw: Option<&str>) -> AppResult<i32> {
    let (team_id, role) = user.team(team_param(raw)?)?;
    if !role.can_write() {
        return Err(viewers_cannot());
    }
    Ok(team_id)
}

/// The new-metric form as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct MetricForm {
    key: String,
    name: String,
    description: String,
    unit: String,
    better: String,
    journey_stage: String,
    touchpoint: String,
    min: String,
    max: String,
}

#[derive(Template)]
#[template(path = "metrics/new.html")]
struct NewMetricPage {
    chrome: Chrome,
    form: MetricForm,
    messages: FormMessages,
    units: &'static [&'static str],
    stages: &'static [&'static str],
}

const UNITS: &[&str] = &["percent", "score", "count", "currency"];
const STAGES: &[&str] = &["awareness", "research", "purchase", "retention", "advocacy"];

async fn form_page(
    state: &AppState,
    user: &WebUser,
    team_id: i32,
    form: MetricForm,
    messages: FormMessages,
    status: StatusCode,
) -> WebResult {
    let chrome = Chrome::load(&state.db, user, team_id, "metrics").await?;
    let page = NewMetricPage {
        chrome,
        form,
        messages,
        units: UNITS,
        stages: STAGES,
    };
    Ok(html(status, &page))
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<TeamQuery>,
) -> WebResult {
    let team_id = writable_team(&user, query.team.as_deref())?;
    let form = MetricForm {
        unit: "percent".into(),
        better: "higher".into(),
        ..Default::default()
    };
    form_page(
        &state,
        &user,
        team_id,
        form,
        FormMessages::new(),
        StatusCode::OK,
    )
    .await
}

/// A number field: empty means none.
fn number(messages: &mut FormMessages, field: &str, raw: &str) -> Option<f64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    raw.replace(',', ".")
        .parse::<f64>()
        .map_err(|_| messages.add(field, format!("\"{raw}\" is not a number")))
        .ok()
}

/// The form as the JSON API's input; what cannot be read is a message.
fn to_input(
    team_id: i32,
    form: &MetricForm,
    messages: &mut FormMessages,
) -> Option<CustomMetricInput> {
    let unit = form
        .unit
        .parse::<Unit>()
        .map_err(|_| messages.add("unit", format!("choose one of {}", Unit::expected())))
        .ok();
    let better = form
        .better
        .parse::<Better>()
        .map_err(|_| messages.add("better", "choose higher or lower"))
        .ok();
    let journey_stage = match form.journey_stage.trim() {
        "" => Some(None),
        stage => stage
            .parse::<JourneyStage>()
            .map(Some)
            .map_err(|_| {
                messages.add(
                    "journey_stage",
                    format!("choose one of {}", JourneyStage::expected()),
                )
            })
            .ok(),
    };
    if form.key.trim() == "new" {
        messages.add(
            "key",
            "\"new\" is the address of this form; choose another key",
        );
    }
    let min = number(messages, "min", &form.min);
    let max = number(messages, "max", &form.max);
    let text = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
    Some(CustomMetricInput {
        team_id,
        key: form.key.clone(),
        name: form.name.clone(),
        description: text(&form.description),
        unit: unit?,
        better: better?,
        journey_stage: journey_stage?,
        touchpoint: text(&form.touchpoint),
        min,
        max,
    })
}

fn field_messages(errors: &FieldErrors) -> FormMessages {
    FormMessages::from_errors(errors, |p| p.trim_start_matches('/').to_string())
}

/// Creates the metric as `POST /api/v1/metrics` does, or shows the form
/// again with a message beside each wrong field.
pub(super) async fn create(
    State(state): State<AppState>,
    Query(query): Query<TeamQuery>,
    SessionForm { user, form }: SessionForm<MetricForm>,
) -> WebResult {
    let team_id = writable_team(&user, query.team.as_deref())?;
    let mut messages = FormMessages::new();
    let parsed = to_input(team_id, &form, &mut messages)
        .filter(|_| messages.is_empty())
        .map(MetricDef::parse_custom);
    let def = match parsed {
        Some(Ok(def)) => Some(def),
        Some(Err(errors)) => {
            messages = field_messages(&errors);
            None
        }
        None => None,
    };
    let again = |messages| {
        form_page(
            &state,
            &user,
            team_id,
            form.clone(),
            messages,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Some(def) = def else {
        return again(messages).await;
    };
    match metrics::create_custom(&state.db, team_id, &def, user.caller.user_id, Utc::now()).await {
        Ok(()) => Ok(see_other(&format!("/metrics/{}?team={team_id}", def.key))),
        Err(AppError::Validation(errors)) => again(field_messages(&errors)).await,
        Err(e) => Err(e.into()),
    }
}

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
