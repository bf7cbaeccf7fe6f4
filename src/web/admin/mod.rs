//! Account administration, for the admins of a team: its members (add a
//! new or an existing account, change a role, remove someone) and the
//! admin's teams (list, create). Everyone else gets 403; a team the user
//! is not in, 404.

mod teams;
mod users;

use axum::Router;
use axum::routing::{get, post};

use super::session::WebUser;
use crate::domain::FieldErrors;
use crate::domain::account::Role;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users::list).post(users::create))
        .route("/admin/users/existing", post(users::add_existing))
        .route("/admin/users/{id}/role", post(users::change_role))
        .route("/admin/users/{id}/remove", post(users::remove))
        .route("/admin/teams", get(teams::list).post(teams::create))
}

/// The `team` of a query or form: empty means "not given".
pub(crate) fn team_param(raw: Option<&str>) -> AppResult<Option<i32>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| AppError::BadRequest {
            detail: format!("the team \"{s}\" is not a team number"),
            errors: FieldErrors::single("/team", "not a team number"),
        }),
    }
}

fn not_admin() -> AppError {
    AppError::Forbidden("only the team's admins can open this page; ask one of them".into())
}

/// The team an admin page is about: the one asked for, which the user must
/// administer, or the first team they administer.
pub(crate) fn admin_team(user: &WebUser, asked: Option<i32>) -> AppResult<i32> {
    match asked {
        Some(team_id) => match user.role_in(team_id)? {
            Role::Admin => Ok(team_id),
            _ => Err(not_admin()),
        },
        None => user
            .caller
            .memberships
            .iter()
            .find(|m| m.role == Role::Admin)
            .map(|m| m.team_id)
            .ok_or_else(not_admin),
    }
}
