//! `GET /admin/teams`: the teams the user administers, with their member
//! counts, and the form to create a team (its creator becomes its admin).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;

use super::{admin_team, team_param};
use crate::domain::account::{Role, parse_team_name};
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::accounts;
use crate::web::chrome::Chrome;
use crate::web::csrf::SessionForm;
use crate::web::error::WebResult;
use crate::web::messages::FormMessages;
use crate::web::render::{html, see_other};
use crate::web::session::WebUser;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    team: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewTeamForm {
    /// The team the page was shown for (the frame's), not the new one.
    team: String,
    name: String,
}

struct TeamRow {
    id: i32,
    name: String,
    members: u64,
    created: String,
}

#[derive(Template)]
#[template(path = "admin/teams.html")]
struct TeamsPage {
    chrome: Chrome,
    teams: Vec<TeamRow>,
    name: String,
    messages: FormMessages,
}

async fn teams_page(
    state: &AppState,
    user: &WebUser,
    team_id: i32,
    status: StatusCode,
    name: String,
    messages: FormMessages,
) -> WebResult {
    let ids: Vec<i32> = user
        .caller
        .memberships
        .iter()
        .filter(|m| m.role == Role::Admin)
        .map(|m| m.team_id)
        .collect();
    let counts = accounts::member_counts(&state.db, &ids).await?;
    let teams = accounts::teams_by_ids(&state.db, &ids)
        .await?
        .into_iter()
        .map(|t| TeamRow {
            members: counts.get(&t.id).copied().unwrap_or(0),
            created: t.created_at.format("%Y-%m-%d").to_string(),
            id: t.id,
            name: t.name,
        })
        .collect();
    let page = TeamsPage {
        chrome: Chrome::load(&state.db, user, team_id, "admin").await?,
        teams,
        name,
        messages,
    };
    Ok(html(status, &page))
}

pub async fn list(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let team_id = admin_team(&user, team_param(q.team.as_deref())?)?;
    teams_page(
        &state,
        &user,
        team_id,
        StatusCode::OK,
        String::new(),
        FormMessages::new(),
    )
    .await
}

/// `POST /admin/teams`: a new team with the user as its admin.
pub async fn create(
    State(state): State<AppState>,
    SessionForm { user, form }: SessionForm<NewTeamForm>,
) -> WebResult {
    let frame = admin_team(&user, team_param(Some(&form.team))?)?;
    let created = match parse_team_name(&form.name) {
        Ok(name) => accounts::create_team(&state.db, &name, user.caller.user_id, Utc::now()).await,
        Err(errors) => Err(errors.into()),
    };
    match created {
        Ok(team) => Ok(see_other(&format!(
            "/admin/users?team={}&done=team",
            team.id
        ))),
        Err(AppError::Validation(errors)) => {
            let messages = FormMessages::from_errors(&errors, |_| "name".into());
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            teams_page(&state, &user, frame, status, form.name, messages).await
        }
        Err(other) => Err(other.into()),
    }
}
