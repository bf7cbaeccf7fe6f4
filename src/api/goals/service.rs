//! What goal handlers share: loading the rules' context, building responses.

use axum::http::{HeaderMap, header};
use chrono::Utc;
use sea_orm::ConnectionTrait;

use super::dto::GoalResponse;
use crate::domain::account::Caller;
use crate::domain::cx_formulas::CxMetric;
use crate::domain::goal::{GoalInput, GoalSpec, GoalStatus};
use crate::domain::smart::{self, Criterion};
use crate::entities::goal;
use crate::error::{AppError, AppResult};
use crate::measure;
use crate::store::goals;

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
