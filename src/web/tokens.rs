//! `GET /account/tokens`: the signed-in user's account and their own API
//! tokens. A new token's secret is shown once, on the page that answers
//! its creation (never in a URL, never again: only its hash is kept);
//! revoking one stops it at once.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;

use super::admin::team_param;
use super::chrome::Chrome;
use super::csrf::SessionForm;
use super::error::WebResult;
use super::messages::FormMessages;
use super::render::{html, see_other};
use super::review_form::view::at;
use super::session::WebUser;
use crate::domain::FieldErrors;
use crate::domain::field_errors::check_text;
use crate::entities::api_token;
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::tokens;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/tokens", get(list).post(create))
        .route("/account/tokens/{id}/revoke", post(revoke))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    team: Option<String>,
    done: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenForm {
    team: String,
    name: String,
}

/// A token as listed: never its secret, only its first characters.
struct TokenRow {
    id: i32,
    name: String,
    prefix: String,
    created: String,
    last_used: Option<String>,
    revoked: Option<String>,
}

impl From<api_token::Model> for TokenRow {
    fn from(t: api_token::Model) -> Self {
        TokenRow {
            id: t.id,
            name: t.name,
            prefix: t.token_prefix,
            created: at(t.created_at),
            last_used: t.last_used_at.map(at),
            revoked: t.revoked_at.map(at),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenRow>,
    /// The new token's secret, on the page that created it only.
    secret: Option<String>,
    secret_name: String,
    name: String,
    messages: FormMessages,
    notice: Option<&'static str>,
}

async fn tokens_page(
    state: &AppState,
    user: &WebUser,
    team_id: i32,
    status: StatusCode,
    fill: impl FnOnce(&mut TokensPage),
) -> WebResult {
    let rows = tokens::list_tokens(&state.db, user.caller.user_id).await?;
    let mut page = TokensPage {
        chrome: Chrome::load(&state.db, user, team_id, "tokens").await?,
        tokens: rows.into_iter().map(Into::into).collect(),
        secret: None,
        secret_name: String::new(),
        name: String::new(),
        messages: FormMessages::new(),
        notice: None,
    };
    fill(&mut page);
    Ok(html(status, &page))
}

async fn list(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let (team_id, _) = user.team(team_param(q.team.as_deref())?)?;
    let notice = (q.done.as_deref() == Some("revoked"))
        .then_some("The token was revoked; it no longer works.");
    tokens_page(&state, &user, team_id, StatusCode::OK, |p| {
        p.notice = notice
    })
    .await
}

/// `POST /account/tokens`: answers 201 with the secret, shown this once.
async fn create(
    State(state): State<AppState>,
    SessionForm { user, form }: SessionForm<TokenForm>,
) -> WebResult {
    let (team_id, _) = user.team(team_param(Some(&form.team))?)?;
    let mut errors = FieldErrors::new();
    let name = check_text(&mut errors, "/name", Some(form.name.clone()), 100);
    if name.is_empty() {
        errors.push(
            "/name",
            "must not be empty: say what the token is for, e.g. \"nightly import\"",
        );
    }
    if !errors.is_empty() {
        let messages = FormMessages::from_errors(&errors, |_| "name".into());
        return tokens_page(
            &state,
            &user,
            team_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            |p| {
                p.name = form.name;
                p.messages = messages;
            },
        )
        .await;
    }
    let (row, secret) =
        tokens::create_token(&state.db, user.caller.user_id, &name, Utc::now()).await?;
    tokens_page(&state, &user, team_id, StatusCode::CREATED, |p| {
        p.secret = Some(secret);
        p.secret_name = row.name;
    })
    .await
}

/// `POST /account/tokens/{id}/revoke`: only the user's own tokens.
async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SessionForm { user, form }: SessionForm<TokenForm>,
) -> WebResult {
    let (team_id, _) = user.team(team_param(Some(&form.team))?)?;
    let id: i32 = id
        .parse()
        .map_err(|_| AppError::not_found(format!("you have no token {id}")))?;
    tokens::revoke_token(&state.db, user.caller.user_id, id, Utc::now()).await?;
    Ok(see_other(&format!(
        "/account/tokens?team={team_id}&done=revoked"
    )))
}
