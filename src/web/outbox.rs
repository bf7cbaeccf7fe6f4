//! `GET /outbox?team=T` (admins): the team's mail, sent, pending and
//! failed, with attempts, the last error and times, filtered by state;
//! `POST /outbox/{id}/retry` puts a failed message back in the queue, due
//! at once with a fresh count of attempts (the delivery worker sends it).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;

use super::admin::{admin_team, team_param};
use super::chrome::Chrome;
use super::csrf::SessionForm;
use super::error::WebResult;
use super::render::{page, see_other};
use super::review_form::view::at;
use super::session::WebUser;
use crate::domain::FieldErrors;
use crate::entities::outbox_message as outbox;
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::outbox as store;

/// The most messages one page lists, newest first.
const LIMIT: u64 = 200;
const STATES: [&str; 3] = ["pending", "sent", "failed"];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outbox", get(list))
        .route("/outbox/{id}/retry", post(retry))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    team: Option<String>,
    state: Option<String>,
    done: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RetryForm {
    team: String,
}

/// A message as listed: never its body nor its review link.
struct Row {
    id: i64,
    kind: String,
    recipient: String,
    subject: String,
    status: String,
    attempts: i32,
    last_error: Option<String>,
    created: String,
    /// When it was sent, or when the next attempt is due.
    when: String,
}

impl From<outbox::Model> for Row {
    fn from(m: outbox::Model) -> Self {
        let when = match (m.status.as_str(), m.sent_at) {
            (_, Some(sent)) => format!("sent {}", at(sent)),
            ("pending", None) => format!("next attempt {}", at(m.next_attempt_at)),
            _ => String::new(),
        };
        Row {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created: at(m.created_at),
            when,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    rows: Vec<Row>,
    state: String,
    states: [&'static str; 3],
    notice: Option<&'static str>,
    limit: u64,
}

async fn list(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let team_id = admin_team(&user, team_param(q.team.as_deref())?)?;
    let wanted = q.state.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(s) = wanted.filter(|s| !STATES.contains(s)) {
        return Err(AppError::BadRequest {
            detail: format!("the state \"{s}\" is not one of pending, sent or failed"),
            errors: FieldErrors::single("/state", "not one of the choices"),
        }
        .into());
    }
    let rows = store::for_team(&state.db, team_id, wanted, LIMIT).await?;
    Ok(page(&OutboxPage {
        chrome: Chrome::load(&state.db, &user, team_id, "outbox").await?,
        rows: rows.into_iter().map(Into::into).collect(),
        state: wanted.unwrap_or_default().to_string(),
        states: STATES,
        notice: (q.done.as_deref() == Some("retry"))
            .then_some("The message is back in the queue; it is sent on the next delivery round."),
        limit: LIMIT,
    }))
}

/// `POST /outbox/{id}/retry`: a failed message of the team is pending again.
async fn retry(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SessionForm { user, form }: SessionForm<RetryForm>,
) -> WebResult {
    let team_id = admin_team(&user, team_param(Some(&form.team))?)?;
    let unknown = || AppError::not_found(format!("this team has no message {id}"));
    let id: i64 = id.parse().map_err(|_| unknown())?;
    let message = store::find_in_team(&state.db, team_id, id)
        .await?
        .ok_or_else(unknown)?;
    if !store::retry_one(&state.db, team_id, message.id, Utc::now()).await? {
        return Err(AppError::Conflict(format!(
            "message {id} is {}, not failed, so there is nothing to retry",
            message.status
        ))
        .into());
    }
    Ok(see_other(&format!("/outbox?team={team_id}&done=retry")))
}
