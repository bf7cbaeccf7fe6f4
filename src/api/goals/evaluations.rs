//! `GET /api/v1/goals/{id}/evaluations`: the goal's review cycles.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::service::find_visible;
use crate::api::extract::ApiPath;
use crate::domain::account::Caller;
use crate::domain::evaluation::{MilestoneCheck, ReadjustSuggestion};
use crate::entities::evaluation;
use crate::error::{AppResult, Problem};
use crate::startup::AppState;
use crate::store::evaluations;

/// One review cycle: what the evaluation found, or that it was skipped.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationResponse {
    pub id: i64,
    /// The review time this cycle stands for.
    pub scheduled_for: DateTime<Utc>,
    /// Missed while nothing ran; recorded, not evaluated.
    pub skipped: bool,
    /// `on_track`, `at_risk`, `off_track`, `insufficient_data` or `stale`.
    pub status: Option<String>,
    pub current: Option<f64>,
    pub n: Option<i64>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// 0-100, direction-aware.
    pub progress: Option<f64>,
    /// The progress expected for the time elapsed, 0-100.
    pub expected_progress: Option<f64>,
    /// The trend's value at the deadline.
    pub projected: Option<f64>,
    pub projected_attainment: Option<f64>,
    pub next_milestone: Option<MilestoneCheck>,
    /// When the projection misses the target: what the trend reaches, and when it reaches the target.
    pub suggestion: Option<ReadjustSuggestion>,
    pub created_at: DateTime<Utc>,
}

impl From<evaluation::Model> for EvaluationResponse {
    fn from(m: evaluation::Model) -> Self {
        EvaluationResponse {
            id: m.id,
            scheduled_for: m.scheduled_for,
            skipped: m.skipped,
            status: m.status,
            current: m.current_value,
            n: m.sample_n,
            baseline: m.baseline,
            target: m.target,
            progress: m.progress,
            expected_progress: m.expected_progress,
            projected: m.projected,
            projected_attainment: m.projected_attainment,
            next_milestone: m.next_milestone.and_then(|j| serde_json::from_str(&j).ok()),
            suggestion: m.suggested_target.map(|target| ReadjustSuggestion {
                target,
                deadline: m.suggested_deadline,
            }),
            created_at: m.created_at,
        }
    }
}

/// The goal's review cycles, newest first.
#[utoipa::path(get, path = "/goals/{id}/evaluations", tag = "goals", params(("id" = i32, Path)),
    responses((status = 200, body = Vec<EvaluationResponse>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_evaluations(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> AppResult<Json<Vec<EvaluationResponse>>> {
    let goal = find_visible(&state.db, &caller, id).await?;
    let rows = evaluations::for_goal(&state.db, goal.id).await?;
    Ok(Json(
        rows.into_iter().map(EvaluationResponse::from).collect(),
    ))
}
