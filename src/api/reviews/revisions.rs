//! `GET /api/v1/goals/{id}/revisions`: what the goal's reviews changed, and
//! its attainment against the target it started with and the current one.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::dto::{Attainment, RevisionResponse, RevisionsResponse};
use crate::api::extract::ApiPath;
use crate::api::goals::service::find_visible;
use crate::domain::account::Caller;
use crate::domain::evaluation::attainment;
use crate::domain::goal::{Direction, GoalSpec};
use crate::domain::review::original_value;
use crate::error::{AppResult, Problem};
use crate::measure;
use crate::startup::AppState;
use crate::store::{goals, revisions};

/// The goal's revisions, newest first: who changed what, when and why, with
/// the old and new values; and attainment against the original target (the
/// one before the first revision that changed it) and the current one.
#[utoipa::path(get, path = "/goals/{id}/revisions", tag = "goals", params(("id" = i32, Path)),
    responses((status = 200, body = RevisionsResponse), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_revisions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> AppResult<Json<RevisionsResponse>> {
    let goal = find_visible(&state.db, &caller, id).await?;
    let revisions = revisions::for_goal(&state.db, goal.id)
        .await?
        .into_iter()
        .map(RevisionResponse::try_from)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let spec = goals::spec_from_model(&goal)?;
    let current_value = measure::measure(&state.db, goal.team_id, &spec, Utc::now())
        .await?
        .and_then(|m| m.current);
    let oldest_first: Vec<&Map<String, Value>> = revisions.iter().rev().map(|r| &r.old).collect();
    let (original, current) = plans(&spec, &oldest_first);
    let against = |plan: Option<Plan>| {
        let (direction, baseline, target) = plan?;
        let value = attainment(direction, baseline, target, current_value?);
        // Adding 0.0 turns a -0.0 (no way covered on a decrease goal) into 0.
        Some((value * 10.0).round() / 10.0 + 0.0)
    };
    Ok(Json(RevisionsResponse {
        goal_id: goal.id,
        current_value,
        original_target: original_value(
            oldest_first.iter().copied(),
            "target",
            json!(spec.measurable.target),
        )
        .as_f64(),
        current_target: spec.measurable.target,
        attainment: Attainment {
            original: against(original),
            current: against(current),
        },
        revisions,
    }))
}

/// Direction, baseline and target.
type Plan = (Direction, f64, f64);

/// The goal's plan before any revision (`None` when its metric has changed
/// since, as values of another metric do not compare) and now.
fn plans(spec: &GoalSpec, oldest_first: &[&Map<String, Value>]) -> (Option<Plan>, Option<Plan>) {
    let m = &spec.measurable;
    let original =
        |field: &str, now: Value| original_value(oldest_first.iter().copied(), field, now);
    let current = match (m.direction, m.baseline, m.target) {
        (Some(d), Some(b), Some(t)) => Some((d, b, t)),
        _ => None,
    };
    let same_metric = original("metric", json!(m.metric_key)) == json!(m.metric_key);
    let direction: Option<Direction> =
        serde_json::from_value(original("direction", json!(m.direction)))
            .ok()
            .flatten();
    let then = match (
        direction,
        original("baseline", json!(m.baseline)).as_f64(),
        original("target", json!(m.target)).as_f64(),
    ) {
        (Some(d), Some(b), Some(t)) if same_metric => Some((d, b, t)),
        _ => None,
    };
    (then, current)
}
