//! `/api/v1/reviews`: the review requests of your teams, and answering one
//! (Evaluate + Readjust); `/api/v1/goals/{id}/revisions`: what the answers
//! changed. The rules of answering live in `crate::answering`.

mod dto;
mod revisions;

use crate::store::review_answers::Answerer;
use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::auth::require_writer;
use super::extract::{ApiJson, ApiPath, ApiQuery, parse_json_value};
use super::goals::evaluations::EvaluationResponse;
use super::goals::service::to_response;
use super::paging::{listed_teams, page};
use crate::answering;
use crate::domain::account::Caller;
use crate::domain::goal::GoalStatus;
use crate::domain::review::AnswerInput;
use crate::entities::{evaluation, goal, review_request};
use crate::error::{AppError, AppResult, Problem};
use crate::startup::AppState;
use crate::store::review_answers::{self, ReviewFilter};
use dto::{AnswerOutcome, AnswerResponse, ReviewListQuery, ReviewPage, ReviewResponse};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reviews))
        .routes(routes!(answer_review))
        .routes(routes!(revisions::list_revisions))
}

/// Lists the review requests of your teams, newest first: pending ones with
/// the goal, what the evaluation found and its suggestion; answered ones
/// with their answer.
#[utoipa::path(get, path = "/reviews", tag = "reviews", params(ReviewListQuery),
    responses((status = 200, body = ReviewPage), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn list_reviews(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ReviewListQuery>,
) -> AppResult<Json<ReviewPage>> {
    let team_ids = listed_teams(&caller, query.team)?;
    let (limit, before_id) = page::<i64>(query.limit, query.cursor.as_deref())?;
    let filter = ReviewFilter {
        team_ids,
        state: query.status,
        before_id,
        limit: limit + 1,
    };
    let now = Utc::now();
    let mut rows = review_answers::list(&state.db, &filter, now).await?;
    let next_cursor = (rows.len() as u64 > limit).then(|| {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id.to_string()).unwrap_or_default()
    });
    let items = describe(&state.db, rows, now).await?;
    Ok(Json(ReviewPage { items, next_cursor }))
}

/// Answers a review: an assessment, a confidence rating and a decision
/// (`continue`, `readjust` with the changes, `close_achieved`, `close_missed`
/// or `abandon`), with a reason for all but `continue`. Answered reviews get
/// 409 and expired ones 410; either way nothing changes.
#[utoipa::path(post, path = "/reviews/{id}", tag = "reviews", params(("id" = i64, Path, description = "Review id")),
    request_body = AnswerInput,
    responses((status = 200, body = AnswerOutcome), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 410, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn answer_review(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> AppResult<Json<AnswerOutcome>> {
    let request = review_answers::find_in_teams(&state.db, id, &caller.team_ids())
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!(
                "review {id} does not exist or is not in your teams"
            ))
        })?;
    require_writer(&caller, request.team_id)?;
    let now = Utc::now();
    // Who may answer and whether it still can be answered come before what
    // the answer says: a second answer is a 409 whatever its body.
    answering::check_open(&request, now)?;
    let input: AnswerInput = parse_json_value(body)?;
    let outcome = answering::answer_review(
        &state.db,
        &request,
        input,
        Answerer::Api(caller.user_id),
        now,
    )
    .await?;
    let title = outcome.goal.title.clone();
    let status = goal_status(&outcome.goal)?;
    let evaluation = evaluation::Entity::find_by_id(outcome.request.evaluation_id)
        .one(&state.db)
        .await?
        .map(EvaluationResponse::from);
    let review = ReviewResponse::new(
        outcome.request,
        (&title, status),
        evaluation,
        Some(outcome.answer.into()),
        now,
    );
    Ok(Json(AnswerOutcome {
        review,
        goal: to_response(&state.db, outcome.goal, true).await?,
        revision: outcome.revision.map(TryInto::try_into).transpose()?,
    }))
}

fn goal_status(goal: &goal::Model) -> AppResult<GoalStatus> {
    goal.status
        .parse()
        .map_err(|e: String| AppError::Internal(anyhow::anyhow!("stored goal status: {e}")))
}

/// Goal titles, evaluations and answers for a page of requests, in three queries.
async fn describe<C: ConnectionTrait>(
    db: &C,
    rows: Vec<review_request::Model>,
    now: DateTime<Utc>,
) -> AppResult<Vec<ReviewResponse>> {
    let goal_ids: Vec<i32> = rows.iter().map(|r| r.goal_id).collect();
    let evaluation_ids: Vec<i64> = rows.iter().map(|r| r.evaluation_id).collect();
    let request_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let goals: HashMap<i32, goal::Model> = goal::Entity::find()
        .filter(goal::Column::Id.is_in(goal_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut evaluations: HashMap<i64, evaluation::Model> = evaluation::Entity::find()
        .filter(evaluation::Column::Id.is_in(evaluation_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let mut answers: HashMap<i64, _> = review_answers::answers_for(db, &request_ids)
        .await?
        .into_iter()
        .map(|a| (a.review_request_id, a))
        .collect();
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let goal = goals
            .get(&row.goal_id)
            .ok_or_else(|| anyhow::anyhow!("review {} without its goal", row.id))?;
        let evaluation = evaluations
            .remove(&row.evaluation_id)
            .map(EvaluationResponse::from);
        let answer = answers.remove(&row.id).map(AnswerResponse::from);
        let status = goal_status(goal)?;
        items.push(ReviewResponse::new(
            row,
            (&goal.title, status),
            evaluation,
            answer,
            now,
        ));
    }
    Ok(items)
}
