//! What goal handlers share: loading the rules' context, building responses.

use axum::http::{HeaderMap, header};
use chrono::{NaiveDate, Utc};
use sea_orm::ConnectionTrait;

use super::dto::{GoalResponse, Progress};
use crate::domain::account::Caller;
use crate::domain::goal::{Direction, GoalContext, GoalInput, GoalSpec, ParentGoal};
use crate::domain::progress::progress_percent;
use crate::domain::smart;
use crate::entities::goal;
use crate::error::{AppError, AppResult};
use crate::store::{accounts, goals, metrics};

/// Checks `input` for a goal of `team_id` (and `goal_id` when updating).
pub async fn build_spec<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    team_id: i32,
    goal_id: Option<i32>,
    input: GoalInput,
) -> AppResult<GoalSpec> {
    let parent = match input.relevant.parent_goal_id {
        Some(parent_id) => match goals::find_in_teams(db, parent_id, &[team_id]).await? {
            Some(parent) => Some(ParentGoal {
                id: parent.id,
                ancestor_ids: goals::ancestor_ids(db, parent.id).await?,
            }),
            None => None,
        },
        None => None,
    };
    let ctx = GoalContext {
        goal_id,
        caller_id: caller.user_id,
        member_ids: accounts::member_ids(db, team_id).await?,
        metrics: metrics::metrics_for_team(db, team_id).await?,
        parent,
        today: Utc::now().date_naive(),
    };
    Ok(GoalSpec::parse(input, &ctx)?)
}

/// The full response for a stored goal.
pub async fn to_response<C: ConnectionTrait>(
    db: &C,
    model: goal::Model,
) -> AppResult<GoalResponse> {
    let spec = goals::spec_from_model(&model)?;
    let progress = match &spec.measurable.metric_key {
        Some(key) => metrics::latest_observation(db, model.team_id, key)
            .await?
            .map(|obs| progress_of(&spec, obs.value, obs.observed_on)),
        None => None,
    };
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
        smart_check: smart::check(&spec, Utc::now().date_naive()),
        progress,
        created_at: model.created_at,
        updated_at: model.updated_at,
        archived_at: model.archived_at,
    })
}

fn progress_of(spec: &GoalSpec, current: f64, observed_on: NaiveDate) -> Progress {
    let m = &spec.measurable;
    let percent = match (m.baseline, m.target) {
        (Some(baseline), Some(target)) => Some(progress_percent(
            m.direction.unwrap_or(Direction::Increase),
            baseline,
            target,
            current,
        )),
        _ => None,
    };
    Progress {
        current,
        observed_on,
        percent,
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
