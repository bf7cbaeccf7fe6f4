//! Answering a review (Evaluate + Readjust), the same way through the API
//! and through the emailed link: in one transaction, the request is claimed
//! (it must still be pending and unexpired), the goal readjusted or closed
//! with a revision recording the change, and the answer stored. Any refusal
//! leaves everything as it was.
//!
//! Refusals: an answered review is 409, an expired one 410 Gone (the link
//! is dead for good; the next evaluation opens a new review), a goal closed
//! or archived meanwhile 409, a readjustment the goal rules refuse 422.

use crate::store::review_answers::Answerer;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use crate::domain::evaluation::ReadjustSuggestion;
use crate::domain::goal::{GoalSpec, GoalStatus};
use crate::domain::review::{self, Answer, AnswerInput, Changes, Decision, ReadjustInput};
use crate::entities::{evaluation, goal, goal_revision, review_answer, review_request};
use crate::error::{AppError, AppResult};
use crate::store::review_answers::{self, ReviewState};
use crate::store::revisions::{self, RevisionMeta};
use crate::store::{db, evaluations, goals};

/// What answering did.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The request, now answered.
    pub request: review_request::Model,
    pub answer: review_answer::Model,
    /// The goal as the answer left it.
    pub goal: goal::Model,
    /// The change a readjustment or a closing made.
    pub revision: Option<goal_revision::Model>,
}

/// Refuses a review that can no longer be answered.
pub fn check_open(request: &review_request::Model, now: DateTime<Utc>) -> AppResult<()> {
    match ReviewState::of(request, now) {
        ReviewState::Pending => Ok(()),
        ReviewState::Answered => Err(AppError::Conflict(format!(
            "review {} was already answered{}; a review is answered once, and nothing was changed",
            request.id,
            request
                .answered_at
                .map(|t| format!(" on {}", t.format("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default()
        ))),
        ReviewState::Expired => Err(AppError::Gone(format!(
            "review {} expired on {}; nothing was changed. The goal's next evaluation opens a new review",
            request.id,
            request.expires_at.format("%Y-%m-%d %H:%M UTC")
        ))),
    }
}

/// The suggestion of the evaluation behind a review, if it made one.
pub async fn suggestion_of<C: ConnectionTrait>(
    db: &C,
    request: &review_request::Model,
) -> AppResult<Option<ReadjustSuggestion>> {
    let evaluation = evaluation::Entity::find_by_id(request.evaluation_id)
        .one(db)
        .await?;
    Ok(evaluation.and_then(|e| evaluations::findings_of(&e).suggestion))
}

/// Answers a review, as `answerer` (the emailed link, a signed-in user or an API caller).
#[tracing::instrument(skip(db, request, input), fields(review = request.id), err)]
pub async fn answer_review(
    db: &DatabaseConnection,
    request: &review_request::Model,
    input: AnswerInput,
    answerer: Answerer,
    now: DateTime<Utc>,
) -> AppResult<Outcome> {
    check_open(request, now)?;
    let answer = Answer::parse(input)?;
    let suggestion = suggestion_of(db, request).await?;
    let txn = db::begin_write(db).await?;
    if !review_answers::claim(&txn, request.id, now).await? {
        let current = review_request::Entity::find_by_id(request.id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::not_found(format!("review {} is gone", request.id)))?;
        check_open(&current, now)?;
        return Err(AppError::Conflict(format!(
            "review {} cannot be answered now; try again",
            request.id
        )));
    }
    let model = goal::Entity::find_by_id(request.goal_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("goal {} is gone", request.goal_id)))?;
    let current = goals::spec_from_model(&model)?;
    if model.archived_at.is_some() || current.status != GoalStatus::Active {
        let state = if model.archived_at.is_some() {
            "archived".to_string()
        } else {
            current.status.to_string()
        };
        return Err(AppError::Conflict(format!(
            "goal {} is {state}, so its review can no longer change it; nothing was changed",
            model.id
        )));
    }
    let changed = match (answer.decision, &answer.readjust) {
        (Decision::Readjust, Some(r)) => {
            Some(readjust(&txn, &model, &current, r, suggestion.as_ref(), now).await?)
        }
        (decision, _) => decision.closes_as().map(|status| GoalSpec {
            status,
            ..current.clone()
        }),
    };
    let (goal, revision) = match changed {
        Some(next) => {
            let team_id = model.team_id;
            let changes = review::changes(&current.to_input(team_id), &next.to_input(team_id));
            let goal = goals::update(&txn, model.id, model.version, &next, now).await?;
            let meta = RevisionMeta {
                goal_id: model.id,
                team_id,
                review_request_id: Some(request.id),
                changed_by: answerer.user_id(),
                reason: &answer.reason,
            };
            let revision = revisions::insert(&txn, &meta, &changes, now).await?;
            (goal, Some(revision))
        }
        None => (model, None),
    };
    let stored = review_answers::insert_answer(&txn, request, &answer, answerer, now).await?;
    let request = review_request::Entity::find_by_id(request.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("review {} is gone", request.id)))?;
    txn.commit().await?;
    tracing::info!(goal = goal.id, decision = %answer.decision, "review answered");
    Ok(Outcome {
        request,
        answer: stored,
        goal,
        revision,
    })
}

/// The goal the readjustment asks for, judged by the goal rules.
async fn readjust<C: ConnectionTrait>(
    db: &C,
    model: &goal::Model,
    current: &GoalSpec,
    r: &ReadjustInput,
    suggestion: Option<&ReadjustSuggestion>,
    now: DateTime<Utc>,
) -> AppResult<GoalSpec> {
    let before = current.to_input(model.team_id);
    let merged = review::readjusted(before.clone(), r, suggestion)?;
    let ctx = goals::rule_context(
        db,
        model.team_id,
        Some(model.id),
        model.owner_id,
        merged.relevant.parent_goal_id,
        now.date_naive(),
    )
    .await?;
    let next = GoalSpec::parse(merged, &ctx)
        .map_err(|errors| review::remap(errors, r.accept_suggestion))?;
    if review::changes(&before, &next.to_input(model.team_id)) == Changes::default() {
        return Err(AppError::field(
            "/readjust",
            "changes nothing: the goal already has these values",
        ));
    }
    Ok(next)
}
