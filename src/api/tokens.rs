//! `/api/v1/tokens`: the caller's own API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{ApiJson, ApiPath};
use crate::domain::FieldErrors;
use crate::domain::account::Caller;
use crate::domain::field_errors::check_text;
use crate::entities::api_token;
use crate::error::{AppResult, Problem};
use crate::startup::AppState;
use crate::store::tokens;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// A token as listed: never the secret, only its first characters.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub id: i32,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for TokenResponse {
    fn from(row: api_token::Model) -> Self {
        TokenResponse {
            id: row.id,
            name: row.name,
            prefix: row.token_prefix,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// A new token; `token` is shown this once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenResponse {
    pub token: String,
    #[serde(flatten)]
    pub info: TokenResponse,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenInput {
    /// What the token is for, e.g. "nightly import".
    pub name: String,
}

/// Your API tokens, newest first.
#[utoipa::path(get, path = "/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenResponse>), (status = 401, body = Problem)), security(("bearer" = [])))]
async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<Vec<TokenResponse>>> {
    let rows = tokens::list_tokens(&state.db, caller.user_id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Creates a token for yourself. Copy it now: only its hash is kept.
#[utoipa::path(post, path = "/tokens", tag = "tokens", request_body = NewTokenInput,
    responses((status = 201, body = NewTokenResponse), (status = 422, body = Problem)), security(("bearer" = [])))]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewTokenInput>,
) -> AppResult<(StatusCode, Json<NewTokenResponse>)> {
    let mut errors = FieldErrors::new();
    let name = check_text(&mut errors, "/name", Some(input.name), 100);
    if name.is_empty() {
        errors.push("/name", "must not be empty: say what the token is for");
    }
    let name = errors.finish(name)?;
    let (row, token) = tokens::create_token(&state.db, caller.user_id, &name, Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenResponse {
            token,
            info: row.into(),
        }),
    ))
}

/// Revokes one of your tokens; it stops working at once.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "tokens", params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> AppResult<StatusCode> {
    tokens::revoke_token(&state.db, caller.user_id, id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
