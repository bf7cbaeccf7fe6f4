//! The goal pages: the team's dashboard, the SMART form (new and edit),
//! and a goal's page with its chart, timeline and revisions.

pub mod cache;
pub(crate) mod dashboard;
mod detail;
mod edit;
mod form;
mod goal_chart;
mod smart_view;

use axum::Router;
use axum::routing::{get, post};

use crate::error::AppError;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/goals", get(dashboard::show).post(edit::create))
        .route("/goals/new", get(edit::new_form))
        .route("/goals/{id}", get(detail::show).post(edit::update))
        .route("/goals/{id}/edit", get(edit::edit_form))
        .route("/goals/{id}/chart.csv", get(detail::csv))
        .route("/goals/{id}/archive", post(detail::archive))
}

/// The refusal of a change to a viewer.
fn read_only() -> AppError {
    AppError::Forbidden(
        "you can see this team's goals but not change them; ask a manager or an admin".into(),
    )
}
