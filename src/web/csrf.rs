//! Cross-site request forgery: every state-changing form carries a token
//! that a page of another site cannot know.
//!
//! Signed-in forms send the session's own token. The login and first-run
//! forms, which have no session yet, use a double-submit cookie: a random
//! value set with the form page (`SameSite=Strict`, `HttpOnly`) that the
//! form must echo.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::error::WebError;
use super::session::{WebUser, cookie, read_cookie};
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::web_sessions::random_secret;

/// The form field every state-changing form sends.
pub const FIELD: &str = "csrf";
/// The double-submit cookie of the forms without a session.
pub const PRE_SESSION_COOKIE: &str = "smarter_csrf";

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[derive(Deserialize)]
struct TokenOnly {
    csrf: Option<String>,
}

fn refused() -> WebError {
    WebError(AppError::Forbidden(
        "this form is out of date or did not come from this site; reload the page and send it again".into(),
    ))
}

/// Reads an urlencoded form body into `T` (which may ignore `csrf`).
fn parse_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_urlencoded::from_bytes(body).map_err(|e| {
        WebError(AppError::BadRequest {
            detail: format!("the form could not be read: {e}"),
            errors: Default::default(),
        })
    })
}

fn submitted_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<TokenOnly>(body)
        .ok()
        .and_then(|t| t.csrf)
}

async fn form_body(req: Request, state: &AppState) -> Result<axum::body::Bytes, WebError> {
    let is_form = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(WebError(AppError::UnsupportedMediaType(
            "send this form as application/x-www-form-urlencoded".into(),
        )));
    }
    axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|_| WebError(AppError::PayloadTooLarge("the form is too large".into())))
}

/// A signed-in user's form, its CSRF token checked against the session's.
pub struct SessionForm<T> {
    pub user: WebUser,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for SessionForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let user = <WebUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, state,
        )
        .await?;
        let body = form_body(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let valid = submitted_token(&body).is_some_and(|t| same_secret(&t, &user.csrf));
        if !valid {
            return Err(refused().into_response());
        }
        let form = parse_form(&body).map_err(IntoResponse::into_response)?;
        Ok(SessionForm { user, form })
    }
}

/// A form sent before login, its token checked against the double-submit cookie.
pub struct PreSessionForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for PreSessionForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let expected = read_cookie(req.headers(), PRE_SESSION_COOKIE).map(str::to_string);
        let body = form_body(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let valid = match (expected, submitted_token(&body)) {
            (Some(expected), Some(sent)) => same_secret(&expected, &sent),
            _ => false,
        };
        if !valid {
            return Err(refused().into_response());
        }
        Ok(PreSessionForm(
            parse_form(&body).map_err(IntoResponse::into_response)?,
        ))
    }
}

/// The token for a form shown before login: the one the browser already
/// has, or a new one with the cookie that carries it.
pub fn pre_session_token(headers: &HeaderMap, https: bool) -> (String, Option<HeaderValue>) {
    match read_cookie(headers, PRE_SESSION_COOKIE) {
        Some(token) if token.len() >= 32 && token.len() <= 64 => (token.to_string(), None),
        _ => {
            let token = random_secret();
            let set = cookie(PRE_SESSION_COOKIE, &token, 2 * 3600, "Strict", https);
            (token, Some(set))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", ""));
    }
}
