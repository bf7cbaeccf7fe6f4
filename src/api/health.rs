//! `/healthz` (the process is up) and `/readyz` (the database answers).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::error::AppError;
use crate::startup::AppState;
use crate::store::db;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

async fn readyz(State(state): State<AppState>) -> Response {
    if db::ping(&state.db).await {
        Json(json!({"status": "ready"})).into_response()
    } else {
        let mut problem = AppError::Internal(anyhow::anyhow!("database unreachable")).problem();
        problem.status = StatusCode::SERVICE_UNAVAILABLE.as_u16();
        problem.title = "Service Unavailable".into();
        problem.detail = "the database does not answer".into();
        crate::error::problem_response(problem, false)
    }
}
