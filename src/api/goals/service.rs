//! What goal handlers share: loading the rules' context, building responses.

use axum::http::{HeaderMap, header};
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::dto::GoalResponse;
use crate::api::auth::require_writer;
use crate::domain::account::Caller;
use crate::domain::cx_formulas::CxMetric;
use crate::domain::goal::{GoalInput, GoalSpec, GoalStatus};
use crate::domain::review;
use crate::domain::smart::{self, Criterion};
use crate::entities::{goal, goal_revision};
use crate::error::{AppError, AppResult};
use crate::measure;
use crate::store::goals;
use crate::store::revisions::{self, RevisionMeta};

/// Checks `input` for a goal of `team_id` (and `goal_id` when updating).
pub async fn build_spec<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    team_id: i32,
    goal_id: Option<i32>,
    mut input: GoalInput,
) -> AppResult<GoalSpec> {
    capture_baseline(db, team_id, &mut input).await?;
    let ctx = goals::rule_context(
        db,
        team_id,
        goal_id,
        caller.user_id,
        input.relevant.parent_goal_id,
        Utc::now().date_naive(),
    )
    .await?;
    Ok(GoalSpec::parse(input, &ctx)?)
}

/// The full response for a stored goal. `detail` adds the history-based
/// Achievable advice (a year of the metric's weekly values: one more query).
pub async fn to_response<C: ConnectionTrait>(
    db: &C,
    model: goal::Model,
    detail: bool,
) -> AppResult<GoalResponse> {
    let spec = goals::spec_from_model(&model)?;
    let now = Utc::now();
    let progress = measure::measure(db, model.team_id, &spec, now).await?;
    let mut smart_check = smart::check(&spec, now.date_naive());
    if detail {
        let advice =
            measure::achievability(db, model.team_id, &spec, progress.as_ref(), now).await?;
        if let Some(c) = smart_check
            .criteria
            .iter_mut()
            .find(|c| c.criterion == Criterion::Achievable)
        {
            c.advice = advice;
        }
    }
    let input = spec.to_input(model.team_id);
    Ok(GoalResponse {
        id: model.id,
        team_id: model.team_id,
        owner_id: model.owner_id,
        title: input.title,
        status: spec.status,
        version: model.version,
        specific: input.specific,
        measurable: input.measurable,
        achievable: input.achievable,
        relevant: input.relevant,
        time_bound: input.time_bound,
        review: input.review,
        smart_check,
        progress,
        next_review_at: model.next_review_at,
        created_at: model.created_at,
        updated_at: model.updated_at,
        archived_at: model.archived_at,
    })
}

/// A goal activated on a built-in metric without a baseline takes the
/// metric's current value over its trailing window as the baseline.
async fn capture_baseline<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    input: &mut GoalInput,
) -> AppResult<()> {
    let m = &input.measurable;
    let activating = input.status == Some(GoalStatus::Active);
    let Some(metric) = m
        .metric
        .as_deref()
        .and_then(|k| k.trim().parse::<CxMetric>().ok())
    else {
        return Ok(());
    };
    if !activating || m.baseline.is_some() {
        return Ok(());
    }
    let days = m
        .window_days
        .unwrap_or(crate::domain::goal::DEFAULT_WINDOW_DAYS)
        .clamp(1, 366);
    let (value, _) = measure::trailing_value(db, team_id, metric, days, Utc::now()).await?;
    match value.value {
        Some(v) => {
            input.measurable.baseline = Some((v * 1000.0).round() / 1000.0);
            Ok(())
        }
        None => Err(AppError::field(
            "/measurable/baseline",
            format!(
                "cannot activate without a baseline: none was given, and the last {days} days of data hold {} of the {} needed to capture one",
                value.n, value.min_sample
            ),
        )),
    }
}

/// The version an update is based on: `If-Match` wins over the body.
pub fn expected_version(headers: &HeaderMap, body_version: Option<i32>) -> AppResult<i32> {
    if let Some(value) = headers.get(header::IF_MATCH) {
        let text = value.to_str().unwrap_or("");
        let trimmed = text.trim().trim_start_matches("W/").trim_matches('"');
        return trimmed.parse().map_err(|_| AppError::BadRequest {
            detail: format!("If-Match must be a goal version such as \"3\", got {text}"),
            errors: crate::domain::FieldErrors::single("", "If-Match is not a version"),
        });
    }
    body_version.ok_or_else(|| {
        AppError::field(
            "/version",
            "is required: send the version you edited (or an If-Match header) so no one else's change is overwritten",
        )
    })
}

/// The goal if it exists in one of the caller's teams, else 404.
pub async fn find_visible<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
) -> AppResult<goal::Model> {
    goals::find_in_teams(db, id, &caller.team_ids())
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!("goal {id} does not exist or is not in your teams"))
        })
}

/// Creates a goal in `input.team_id`, which must be one of the caller's
/// teams with a role that may write.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: GoalInput,
) -> AppResult<goal::Model> {
    let team_id = input.team_id;
    if caller.role_in(team_id).is_none() {
        return Err(AppError::field(
            "/team_id",
            format!("team {team_id} is not one of your teams"),
        ));
    }
    require_writer(caller, team_id)?;
    let txn = crate::store::db::begin_write(db).await?;
    let spec = build_spec(&txn, caller, team_id, None, input).await?;
    let row = goals::insert(&txn, team_id, &spec, caller.user_id, Utc::now()).await?;
    txn.commit().await?;
    tracing::info!(goal = row.id, team = team_id, "goal created");
    Ok(row)
}

/// Replaces the goal `row` (already checked visible and writable) if it is
/// still at `version`: a stale version is 409, a closed goal 409, a status
/// change the life cycle forbids 422.
///
/// With `reason`, a change of a tracked field (target, baseline, deadline,
/// milestones, metric, cadence) of an active goal is a readjustment: it is
/// recorded as a revision with the reason, as answering a review records
/// it; an empty reason is 422 at `/reason`. The web form always asks for
/// one; the API records `NO_REASON_GIVEN` when the client sent none.
/// The reason recorded for an API change that gave none.
pub const NO_REASON_GIVEN: &str = "changed through the API; no reason given";

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    row: goal::Model,
    version: i32,
    input: GoalInput,
    reason: Option<&str>,
) -> AppResult<(goal::Model, Option<goal_revision::Model>)> {
    let id = row.id;
    if version != row.version {
        return Err(AppError::Conflict(format!(
            "goal {id} is at version {}, not {version}; fetch it again and reapply your change",
            row.version
        )));
    }
    if input.team_id != row.team_id {
        return Err(AppError::field(
            "/team_id",
            "a goal cannot move to another team",
        ));
    }
    let current = goals::spec_from_model(&row)?;
    if current.status.is_closed() {
        return Err(AppError::Conflict(format!(
            "goal {id} is {} and closed; it can no longer be changed",
            current.status
        )));
    }
    let txn = crate::store::db::begin_write(db).await?;
    let spec = build_spec(&txn, caller, row.team_id, Some(id), input).await?;
    current
        .status
        .transition_to(spec.status)
        .map_err(|m| AppError::field("/status", m))?;
    let changes = review::changes(&current.to_input(row.team_id), &spec.to_input(row.team_id));
    let revise = current.status == GoalStatus::Active && !changes.is_empty();
    let reason = match reason.map(str::trim) {
        Some("") if revise => {
            return Err(AppError::field(
                "/reason",
                "say why the goal changes: an active goal's readjustment is recorded with its reason",
            ));
        }
        Some(r) if r.chars().count() > review::MAX_REASON => {
            return Err(AppError::field(
                "/reason",
                format!("at most {} characters", review::MAX_REASON),
            ));
        }
        other => other,
    };
    let now = Utc::now();
    let updated = goals::update(&txn, id, version, &spec, now).await?;
    let revision = match reason {
        Some(reason) if revise => {
            let meta = RevisionMeta {
                goal_id: id,
                team_id: row.team_id,
                review_request_id: None,
                changed_by: Some(caller.user_id),
                reason,
            };
            Some(revisions::insert(&txn, &meta, &changes, now).await?)
        }
        _ => None,
    };
    txn.commit().await?;
    Ok((updated, revision))
}
