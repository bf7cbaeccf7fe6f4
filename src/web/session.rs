//! The browser session: a cookie naming a row of `web_sessions`, and the
//! extractor that turns it into the signed-in user.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

use crate::domain::account::{Caller, Role};
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::web_sessions;

/// The session cookie's name. Over HTTPS it carries the `__Host-` prefix,
/// which browsers accept only with `Secure`, `Path=/` and no domain.
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-smarter_session"
    } else {
        "smarter_session"
    }
}

/// The value of a cookie in the request, if sent.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite`, `Path=/`, `Secure` over HTTPS.
pub fn cookie(
    name: &str,
    value: &str,
    max_age_secs: i64,
    same_site: &str,
    https: bool,
) -> HeaderValue {
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age_secs}{secure}"
    ))
    .expect("cookie values are URL-safe base64")
}

/// The cookie that starts a session.
pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    let https = state.config.is_https();
    let max_age = state.config.sessions.absolute.num_seconds();
    cookie(cookie_name(https), token, max_age, "Lax", https)
}

/// The cookie that ends one.
pub fn cleared_session_cookie(state: &AppState) -> HeaderValue {
    let https = state.config.is_https();
    cookie(cookie_name(https), "", 0, "Lax", https)
}

/// The signed-in user of a page request. Without a live session, the page
/// answers with a redirect to the login page, which comes back afterwards.
#[derive(Clone, Debug)]
pub struct WebUser {
    pub caller: Caller,
    /// The token every form of this session must send back.
    pub csrf: String,
    /// The cookie's value, to end the session at logout.
    pub(crate) token: String,
}

impl WebUser {
    /// The user's role in a team they must belong to; 404 otherwise.
    pub fn role_in(&self, team_id: i32) -> Result<Role, AppError> {
        crate::api::auth::require_member(&self.caller, team_id)
    }

    /// The team a page is about: the one asked for (which must be the
    /// user's) or the user's first.
    pub fn team(&self, asked: Option<i32>) -> Result<(i32, Role), AppError> {
        match asked {
            Some(id) => Ok((id, self.role_in(id)?)),
            None => self
                .caller
                .memberships
                .first()
                .map(|m| (m.team_id, m.role))
                .ok_or_else(|| {
                    AppError::not_found("you belong to no team yet; ask an admin to add you to one")
                }),
        }
    }
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let name = cookie_name(state.config.is_https());
        let to_login = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = if parts.method == axum::http::Method::GET && next != "/" {
                format!("/login?next={}", urlencode(next))
            } else {
                "/login".to_string()
            };
            Redirect::to(&target).into_response()
        };
        let Some(token) = read_cookie(&parts.headers, name) else {
            return Err(to_login());
        };
        match web_sessions::find(&state.db, token, state.config.sessions, Utc::now()).await {
            Ok(Some(session)) => Ok(WebUser {
                caller: session.caller,
                csrf: session.csrf_token,
                token: token.to_string(),
            }),
            Ok(None) => Err(to_login()),
            Err(e) => Err(super::error::WebError::from(e).into_response()),
        }
    }
}

/// Percent-encodes a value for a query string.
pub fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Where to go after login: only a path on this site, never another host.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.contains(['\r', '\n'])
                && path.len() < 2000 =>
        {
            path
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("other=1; smarter_session=abc; smarter_session_x=2"),
        );
        assert_eq!(read_cookie(&headers, "smarter_session"), Some("abc"));
        assert_eq!(read_cookie(&headers, "missing"), None);
    }

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/goals/3")), "/goals/3");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn secure_cookies_over_https() {
        let c = cookie("__Host-smarter_session", "t", 60, "Lax", true);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("; Secure"));
    }
}
