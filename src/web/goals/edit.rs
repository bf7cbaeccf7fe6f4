//! `GET /goals/new`, `POST /goals`, `GET /goals/{id}/edit`, `POST /goals/{id}`:
//! the SMART form. Storing goes through the goals API's service functions,
//! so the form follows the API's rules: drafts may be incomplete, active
//! goals need every criterion met, edits are versioned, and a readjusted
//! active goal records a revision with its reason.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use super::form::{GoalForm, Intent, field_of};
use super::read_only;
use super::smart_view::{CheckItem, MetricChoice, checklist, metric_choices};
use crate::api::goals::service::{self, build_spec, find_visible};
use crate::domain::cadence::CadenceKind;
use crate::domain::goal::{Direction, GoalInput, GoalStatus};
use crate::domain::metric::JourneyStage;
use crate::domain::smart::Criterion;
use crate::entities::goal;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::store::goals::{self, GoalFilter};
use crate::store::{accounts, metrics};
use crate::web::chrome::Chrome;
use crate::web::csrf::SessionForm;
use crate::web::error::WebResult;
use crate::web::messages::FormMessages;
use crate::web::render::{html, see_other};
use crate::web::session::WebUser;

/// One SMART section's heading and guiding question.
pub struct Section {
    pub letter: &'static str,
    pub label: &'static str,
    pub question: &'static str,
}

fn section(letter: &'static str, c: Criterion) -> Section {
    Section {
        letter,
        label: c.label(),
        question: c.question(),
    }
}

#[derive(Template)]
#[template(path = "goals/form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    form: GoalForm,
    messages: FormMessages,
    notice: Option<String>,
    checklist: Option<Vec<CheckItem>>,
    metrics: Vec<MetricChoice>,
    owners: Vec<(i32, String)>,
    parents: Vec<(i32, String)>,
    /// The stored goal's status; `None` for a new goal.
    status: Option<GoalStatus>,
    goal_id: Option<i32>,
    s: Section,
    m: Section,
    a: Section,
    r: Section,
    t: Section,
}

impl FormPage {
    fn can_draft(&self) -> bool {
        matches!(self.status, None | Some(GoalStatus::Draft))
    }

    fn is_active(&self) -> bool {
        self.status == Some(GoalStatus::Active)
    }

    fn directions(&self) -> &'static [Direction] {
        Direction::ALL
    }

    fn stages(&self) -> &'static [JourneyStage] {
        JourneyStage::ALL
    }

    fn cadences(&self) -> &'static [CadenceKind] {
        CadenceKind::ALL
    }

    fn error(&self, field: &str) -> Option<String> {
        self.messages.get(field)
    }

    fn milestone_error(&self, row: &usize) -> Option<String> {
        self.messages.get(&format!("milestone.{row}"))
    }
}

/// What a form page is about besides the input.
struct Frame {
    chrome: Chrome,
    goal: Option<goal::Model>,
}

async fn render(
    state: &AppState,
    frame: Frame,
    form: GoalForm,
    messages: FormMessages,
    notice: Option<String>,
    checklist: Option<Vec<CheckItem>>,
    status: StatusCode,
) -> WebResult {
    let team_id = frame.chrome.team_id;
    let defs = metrics::metrics_for_team(&state.db, team_id).await?;
    let metrics = metric_choices(&state.db, team_id, &defs, Utc::now()).await?;
    let owners = accounts::members_named(&state.db, team_id).await?;
    let goal_id = frame.goal.as_ref().map(|g| g.id);
    let parents = goals::list(
        &state.db,
        &GoalFilter {
            team_ids: vec![team_id],
            limit: 1000,
            ..Default::default()
        },
    )
    .await?
    .into_iter()
    .filter(|g| Some(g.id) != goal_id)
    .map(|g| (g.id, g.title))
    .collect();
    let (heading, action) = match &frame.goal {
        Some(g) => (
            format!("Edit goal: {}", g.title),
            format!("/goals/{}", g.id),
        ),
        None => ("New goal".to_string(), format!("/goals?team={team_id}")),
    };
    let status_now = match &frame.goal {
        Some(g) => Some(goals::spec_from_model(g)?.status),
        None => None,
    };
    let page = FormPage {
        chrome: frame.chrome,
        heading,
        action,
        form,
        messages,
        notice,
        checklist,
        metrics,
        owners,
        parents,
        status: status_now,
        goal_id,
        s: section("S", Criterion::Specific),
        m: section("M", Criterion::Measurable),
        a: section("A", Criterion::Achievable),
        r: section("R", Criterion::Relevant),
        t: section("T", Criterion::TimeBound),
    };
    Ok(html(status, &page))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TeamQuery {
    team: Option<i32>,
}

pub async fn new_form(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<TeamQuery>,
) -> WebResult {
    let (team_id, role) = user.team(q.team)?;
    if !role.can_write() {
        return Err(read_only().into());
    }
    let chrome = Chrome::load(&state.db, &user, team_id, "goals").await?;
    let mut form = GoalForm::blank();
    form.owner = user.caller.user_id.to_string();
    let frame = Frame { chrome, goal: None };
    render(
        &state,
        frame,
        form,
        FormMessages::new(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<i32>,
) -> WebResult {
    let row = find_visible(&state.db, &user.caller, id).await?;
    if !user.role_in(row.team_id)?.can_write() {
        return Err(read_only().into());
    }
    let spec = goals::spec_from_model(&row)?;
    if spec.status.is_closed() || row.archived_at.is_some() {
        return Err(AppError::Conflict(format!(
            "this goal is {}; it can no longer be changed",
            if row.archived_at.is_some() {
                "archived".to_string()
            } else {
                spec.status.to_string()
            }
        ))
        .into());
    }
    let chrome = Chrome::load(&state.db, &user, row.team_id, "goals").await?;
    let form = GoalForm::from_input(&spec.to_input(row.team_id), row.version);
    let check = checklist(&state.db, row.team_id, &spec, Utc::now()).await?;
    let frame = Frame {
        chrome,
        goal: Some(row),
    };
    render(
        &state,
        frame,
        form,
        FormMessages::new(),
        None,
        Some(check),
        StatusCode::OK,
    )
    .await
}

/// The checklist of the form's goal as a draft, when its fields can be read.
async fn draft_check(
    state: &AppState,
    user: &WebUser,
    team_id: i32,
    goal_id: Option<i32>,
    mut input: GoalInput,
) -> AppResult<Option<Vec<CheckItem>>> {
    input.status = Some(GoalStatus::Draft);
    match build_spec(&state.db, &user.caller, team_id, goal_id, input).await {
        Ok(spec) => Ok(Some(
            checklist(&state.db, team_id, &spec, Utc::now()).await?,
        )),
        Err(AppError::Validation(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Messages from a refusal the form can show; other errors pass through.
fn messages_of(err: AppError) -> Result<(FormMessages, Option<String>, StatusCode), AppError> {
    match err {
        AppError::Validation(errors) => Ok((
            FormMessages::from_errors(&errors, field_of),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        AppError::Conflict(message) => Ok((
            FormMessages::new(),
            Some(format!(
                "Not saved: {message}. Someone changed this goal after you opened the form. \
                 Your input is kept below; open the goal again to see the change, then reapply yours."
            )),
            StatusCode::CONFLICT,
        )),
        other => Err(other),
    }
}

fn status_for(intent: Intent, current: Option<GoalStatus>) -> GoalStatus {
    match intent {
        Intent::Activate => GoalStatus::Active,
        Intent::Save => current.unwrap_or(GoalStatus::Draft),
        Intent::Draft | Intent::Check => GoalStatus::Draft,
    }
}

/// Shows the form again with what was wrong.
async fn again(
    state: &AppState,
    user: &WebUser,
    frame: Frame,
    form: GoalForm,
    input: GoalInput,
    err: AppError,
) -> WebResult {
    let (messages, notice, status) = messages_of(err)?;
    let team_id = frame.chrome.team_id;
    let goal_id = frame.goal.as_ref().map(|g| g.id);
    let check = draft_check(state, user, team_id, goal_id, input).await?;
    render(state, frame, form, messages, notice, check, status).await
}

/// The field errors of the form's own reading, as a validation refusal.
fn unreadable(errors: crate::domain::FieldErrors) -> Option<AppError> {
    (!errors.is_empty()).then(|| AppError::Validation(errors))
}

pub async fn create(
    State(state): State<AppState>,
    Query(q): Query<TeamQuery>,
    SessionForm { user, form }: SessionForm<Vec<(String, String)>>,
) -> WebResult<Response> {
    let (team_id, role) = user.team(q.team)?;
    if !role.can_write() {
        return Err(read_only().into());
    }
    let chrome = Chrome::load(&state.db, &user, team_id, "goals").await?;
    let form = GoalForm::from_pairs(form);
    let intent = form.intent();
    let (input, read_errors) = form.to_input(team_id, status_for(intent, None));
    let frame = Frame { chrome, goal: None };
    if let Some(err) = unreadable(read_errors) {
        return again(&state, &user, frame, form, input, err).await;
    }
    if intent == Intent::Check {
        return checked(&state, &user, frame, form, input).await;
    }
    match service::create(&state.db, &user.caller, input.clone()).await {
        Ok(row) => Ok(see_other(&format!("/goals/{}", row.id))),
        Err(err) => again(&state, &user, frame, form, input, err).await,
    }
}

/// The "Check" button: the checklist and any field errors, nothing stored.
async fn checked(
    state: &AppState,
    user: &WebUser,
    frame: Frame,
    form: GoalForm,
    input: GoalInput,
) -> WebResult {
    let team_id = frame.chrome.team_id;
    let goal_id = frame.goal.as_ref().map(|g| g.id);
    match build_spec(&state.db, &user.caller, team_id, goal_id, input.clone()).await {
        Ok(spec) => {
            let check = checklist(&state.db, team_id, &spec, Utc::now()).await?;
            render(
                state,
                frame,
                form,
                FormMessages::new(),
                None,
                Some(check),
                StatusCode::OK,
            )
            .await
        }
        Err(err) => again(state, user, frame, form, input, err).await,
    }
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    SessionForm { user, form }: SessionForm<Vec<(String, String)>>,
) -> WebResult<Response> {
    let row = find_visible(&state.db, &user.caller, id).await?;
    if !user.role_in(row.team_id)?.can_write() {
        return Err(read_only().into());
    }
    let chrome = Chrome::load(&state.db, &user, row.team_id, "goals").await?;
    let current = goals::spec_from_model(&row)?.status;
    let form = GoalForm::from_pairs(form);
    let intent = form.intent();
    let (input, mut read_errors) = form.to_input(row.team_id, status_for(intent, Some(current)));
    let version = form.version.trim().parse::<i32>().ok();
    if version.is_none() {
        read_errors.push(
            "/version",
            "the form lost the goal's version; open the goal again",
        );
    }
    let frame = Frame {
        chrome,
        goal: Some(row.clone()),
    };
    if let Some(err) = unreadable(read_errors) {
        return again(&state, &user, frame, form, input, err).await;
    }
    if intent == Intent::Check {
        return checked(&state, &user, frame, form, input).await;
    }
    let version = version.expect("checked above");
    let reason = form.reason.clone();
    match service::update(
        &state.db,
        &user.caller,
        row,
        version,
        input.clone(),
        Some(&reason),
    )
    .await
    {
        Ok((updated, _)) => Ok(see_other(&format!("/goals/{}", updated.id))),
        Err(err) => again(&state, &user, frame, form, input, err).await,
    }
}
