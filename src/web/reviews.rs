//! The team's reviews for a signed-in manager: `GET /reviews?team=T` lists
//! them (waiting first, then answered with their answer, then expired);
//! `GET /reviews/{id}` shows the same answer form as the emailed link, or
//! what the answer decided and changed; `POST /reviews/{id}` answers it.
//!
//! The form and its rules are the emailed link's (`super::review_form`);
//! here the session authorises the answer: a CSRF-checked form, a writer's
//! role in the review's team, and another team's review is 404.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::admin::team_param;
use super::chrome::Chrome;
use super::csrf::SessionForm;
use super::error::WebResult;
use super::render::{html, page, see_other};
use super::review_form::view::{AnsweredView, ReviewView, at, decision_of};
use super::review_form::{ReviewForm, answer, changes_of, context};
use super::session::WebUser;
use crate::answering;
use crate::domain::FieldErrors;
use crate::entities::{goal, review_request, user};
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::store::review_answers::{self, ReviewFilter, ReviewState};
use crate::store::revisions;

/// The most reviews one list shows, newest first.
const LIMIT: u64 = 300;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reviews", get(list))
        .route("/reviews/{id}", get(show).post(submit))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    team: Option<String>,
}

/// A line of the list.
struct Row {
    id: i64,
    goal_id: i32,
    goal_title: String,
    asked: String,
    expires: String,
    answer: Option<AnswerLine>,
}

struct AnswerLine {
    decision: String,
    reason: String,
    at: String,
}

#[derive(Template)]
#[template(path = "review/list.html")]
struct ListPage {
    chrome: Chrome,
    open: Vec<Row>,
    answered: Vec<Row>,
    expired: Vec<Row>,
    truncated: bool,
    limit: u64,
}

async fn list(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let (team_id, _) = user.team(team_param(q.team.as_deref())?)?;
    let chrome = Chrome::load(&state.db, &user, team_id, "reviews").await?;
    let now = Utc::now();
    let filter = ReviewFilter {
        team_ids: vec![team_id],
        state: None,
        before_id: None,
        limit: LIMIT,
    };
    let requests = review_answers::list(&state.db, &filter, now).await?;
    let truncated = requests.len() as u64 == LIMIT;
    let goal_ids: Vec<i32> = requests.iter().map(|r| r.goal_id).collect();
    let titles: HashMap<i32, String> = goal::Entity::find()
        .filter(goal::Column::Id.is_in(goal_ids))
        .filter(goal::Column::TeamId.eq(team_id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|g| (g.id, g.title))
        .collect();
    let ids: Vec<i64> = requests.iter().map(|r| r.id).collect();
    let mut answers: HashMap<i64, _> = review_answers::answers_for(&state.db, &ids)
        .await?
        .into_iter()
        .map(|a| (a.review_request_id, a))
        .collect();
    let mut page_rows = ListPage {
        chrome,
        open: Vec::new(),
        answered: Vec::new(),
        expired: Vec::new(),
        truncated,
        limit: LIMIT,
    };
    for r in requests {
        let row = Row {
            id: r.id,
            goal_id: r.goal_id,
            goal_title: titles.get(&r.goal_id).cloned().unwrap_or_default(),
            asked: at(r.created_at),
            expires: at(r.expires_at),
            answer: answers.remove(&r.id).map(|a| AnswerLine {
                decision: decision_of(&a.decision),
                reason: a.reason,
                at: at(a.created_at),
            }),
        };
        match ReviewState::of(&r, now) {
            ReviewState::Pending => page_rows.open.push(row),
            ReviewState::Answered => page_rows.answered.push(row),
            ReviewState::Expired => page_rows.expired.push(row),
        }
    }
    Ok(page(&page_rows))
}

#[derive(Template)]
#[template(path = "review/signed_in.html")]
struct ReviewPage {
    chrome: Chrome,
    view: ReviewView,
}

#[derive(Template)]
#[template(path = "review/answered.html")]
struct AnsweredPage<'a> {
    chrome: Chrome,
    heading: &'a str,
    answered: AnsweredView,
}

#[derive(Template)]
#[template(path = "review/closed.html")]
struct ExpiredPage {
    chrome: Chrome,
    goal_id: i32,
    goal_title: String,
    message: String,
}

/// A review of one of the user's teams; 404 for any other id.
async fn find(state: &AppState, user: &WebUser, raw: &str) -> AppResult<review_request::Model> {
    let unknown = || {
        AppError::not_found(format!(
            "review {raw} does not exist or is not in your teams"
        ))
    };
    let id: i64 = raw.parse().map_err(|_| unknown())?;
    review_answers::find_in_teams(&state.db, id, &user.caller.team_ids())
        .await?
        .ok_or_else(unknown)
}

async fn show(State(state): State<AppState>, user: WebUser, Path(id): Path<String>) -> WebResult {
    let request = find(&state, &user, &id).await?;
    let chrome = Chrome::load(&state.db, &user, request.team_id, "reviews").await?;
    let now = Utc::now();
    match ReviewState::of(&request, now) {
        ReviewState::Pending => {
            let ctx = context(&state.db, request).await?;
            let can_answer = chrome.can_write();
            let view = ctx.view(
                ctx.prefilled(),
                &FieldErrors::new(),
                Some(user.csrf),
                can_answer,
            );
            Ok(page(&ReviewPage { chrome, view }))
        }
        ReviewState::Answered => {
            let answered = answered_of(&state, &request).await?;
            Ok(page(&AnsweredPage {
                chrome,
                heading: "Review answered",
                answered,
            }))
        }
        ReviewState::Expired => {
            let ctx = context(&state.db, request.clone()).await?;
            let message = answering::check_open(&request, now)
                .err()
                .map(|e| e.problem().detail)
                .unwrap_or_default();
            Ok(page(&ExpiredPage {
                chrome,
                goal_id: ctx.goal.id,
                goal_title: ctx.goal.title,
                message,
            }))
        }
    }
}

/// What an answered review decided and changed, from what was stored.
async fn answered_of(state: &AppState, request: &review_request::Model) -> AppResult<AnsweredView> {
    let answer = review_answers::answers_for(&state.db, &[request.id])
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("answered review {} without its answer", request.id))?;
    let goal = goal::Entity::find_by_id(request.goal_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("the goal of this review no longer exists"))?;
    let changes = match revisions::for_review(&state.db, request.id).await? {
        Some(revision) => Some(changes_of(&revision)?),
        None => None,
    };
    let who = match answer.answered_by {
        Some(id) => Some(
            user::Entity::find_by_id(id)
                .one(&state.db)
                .await?
                .map_or_else(|| format!("user {id}"), |u| u.display_name),
        ),
        None => None,
    };
    Ok(AnsweredView::new(
        &goal,
        &answer,
        changes.as_ref(),
        who.as_deref(),
    ))
}

async fn submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SessionForm { user, form }: SessionForm<ReviewForm>,
) -> WebResult {
    let request = find(&state, &user, &id).await?;
    if !user.role_in(request.team_id)?.can_write() {
        return Err(AppError::Forbidden(
            "you can see this team's reviews but not answer them; ask a manager or an admin".into(),
        )
        .into());
    }
    answering::check_open(&request, Utc::now())?;
    let ctx = context(&state.db, request).await?;
    match answer(&state.db, &ctx, &form, Some(user.caller.user_id)).await? {
        Ok(outcome) => Ok(see_other(&format!("/reviews/{}", outcome.request.id))),
        Err(errors) => {
            let chrome = Chrome::load(&state.db, &user, ctx.goal.team_id, "reviews").await?;
            let view = ctx.view(form, &errors, Some(user.csrf.clone()), true);
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ReviewPage { chrome, view },
            ))
        }
    }
}
