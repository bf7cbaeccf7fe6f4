//! `Authorization: Bearer <token>` for the JSON API, and team-scope checks.

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use chrono::Utc;

use crate::domain::account::{Caller, Role};
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::store::tokens;

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let header = parts.headers.get(header::AUTHORIZATION).ok_or_else(|| {
            AppError::Unauthorized(
                "send an API token in the header Authorization: Bearer <token>".into(),
            )
        })?;
        let value = header.to_str().map_err(|_| {
            AppError::Unauthorized("the Authorization header is not readable text".into())
        })?;
        let token = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                AppError::Unauthorized("the Authorization header must read: Bearer <token>".into())
            })?;
        tokens::caller_for_token(&state.db, token, Utc::now())
            .await?
            .ok_or_else(|| {
                AppError::Unauthorized("the API token is unknown or has been revoked".into())
            })
    }
}

/// The caller's role in a team they must belong to; other teams do not exist for them.
pub fn require_member(caller: &Caller, team_id: i32) -> AppResult<Role> {
    caller
        .role_in(team_id)
        .ok_or_else(|| AppError::NotFound(format!("team {team_id} is not one of your teams")))
}

/// Like `require_member`, and the role must allow changes.
pub fn require_writer(caller: &Caller, team_id: i32) -> AppResult<Role> {
    let role = require_member(caller, team_id)?;
    if role.can_write() {
        Ok(role)
    } else {
        Err(AppError::Forbidden(format!(
            "your role in team {team_id} is {role}; only managers and admins can make changes"
        )))
    }
}
