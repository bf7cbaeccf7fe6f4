//! Custom metrics: the form that adds one, checked as the JSON API checks it.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;

use super::catalog::TeamQuery;
use super::{field_messages, writable_team};
use crate::domain::metric::{Better, CustomMetricInput, JourneyStage, MetricDef, Unit};
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::metrics;
use crate::web::chrome::Chrome;
use crate::web::csrf::SessionForm;
use crate::web::error::WebResult;
use crate::web::messages::FormMessages;
use crate::web::render::{html, see_other};
use crate::web::session::WebUser;

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
