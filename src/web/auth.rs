//! First-run setup, login and logout.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;

use super::csrf::{PreSessionForm, SessionForm, pre_session_token};
use super::error::{WebError, WebResult};
use super::messages::FormMessages;
use super::render::{html, see_other};
use super::session::{cleared_session_cookie, cookie_name, read_cookie, safe_next, session_cookie};
use crate::domain::account::{NewUser, parse_email, parse_team_name};
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::web_sessions::{LOGIN_WINDOW, MAX_LOGIN_FAILURES};
use crate::store::{accounts, web_sessions};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(start))
        .route("/setup", get(setup_page).post(setup))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

/// The start page: setup on a fresh database, else the dashboard (which
/// sends a visitor without a session to the login page).
async fn start(State(state): State<AppState>) -> WebResult {
    if !web_sessions::any_user(&state.db).await? {
        return Ok(see_other("/setup"));
    }
    Ok(see_other("/goals"))
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage<'a> {
    csrf: &'a str,
    form: &'a SetupForm,
    messages: &'a FormMessages,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SetupForm {
    team: String,
    name: String,
    email: String,
    password: String,
    password_again: String,
}

/// Sets the double-submit cookie when the page made a new one.
fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn setup_is_over() -> WebError {
    WebError(AppError::NotFound(
        "the first account has already been set up; log in instead".into(),
    ))
}

async fn setup_page(State(state): State<AppState>, headers: HeaderMap) -> WebResult {
    if web_sessions::any_user(&state.db).await? {
        return Err(setup_is_over());
    }
    let (csrf, cookie) = pre_session_token(&headers, state.config.is_https());
    let page = SetupPage {
        csrf: &csrf,
        form: &SetupForm::default(),
        messages: &FormMessages::new(),
    };
    Ok(with_cookie(html(StatusCode::OK, &page), cookie))
}

async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    PreSessionForm(form): PreSessionForm<SetupForm>,
) -> WebResult {
    if web_sessions::any_user(&state.db).await? {
        return Err(setup_is_over());
    }
    let mut messages = FormMessages::new();
    let team = parse_team_name(&form.team)
        .map_err(|e| {
            e.0.into_iter()
                .for_each(|e| messages.add("team", e.message))
        })
        .ok();
    let user = NewUser::parse(&form.email, &form.name, &form.password)
        .map_err(|e| {
            for e in e.0 {
                let field = match e.pointer.as_str() {
                    "/display_name" => "name",
                    "/email" => "email",
                    _ => "password",
                };
                messages.add(field, e.message);
            }
        })
        .ok();
    if form.password != form.password_again {
        messages.add("password_again", "the two passwords differ");
    }
    let (Some(team), Some(user), true) = (team, user, messages.is_empty()) else {
        let csrf = read_cookie(&headers, super::csrf::PRE_SESSION_COOKIE).unwrap_or_default();
        let form = SetupForm {
            password: String::new(),
            password_again: String::new(),
            ..form
        };
        let page = SetupPage {
            csrf,
            form: &form,
            messages: &messages,
        };
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let hash = hash_bounded(&state, user.password.clone()).await?;
    let (user, _team) =
        accounts::create_first_admin(&state.db, user, &team, hash, Utc::now()).await?;
    signed_in(&state, &headers, user.id, "/goals").await
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    email: &'a str,
    next: &'a str,
    message: Option<&'a str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LoginQuery {
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> WebResult {
    if !web_sessions::any_user(&state.db).await? {
        return Ok(see_other("/setup"));
    }
    let (csrf, cookie) = pre_session_token(&headers, state.config.is_https());
    let page = LoginPage {
        csrf: &csrf,
        email: "",
        next: safe_next(query.next.as_deref()),
        message: None,
    };
    Ok(with_cookie(html(StatusCode::OK, &page), cookie))
}

/// One message for an unknown email and a wrong password, so the form
/// does not tell who has an account.
const WRONG: &str = "The email or the password is wrong.";

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    PreSessionForm(form): PreSessionForm<LoginForm>,
) -> WebResult {
    let now = Utc::now();
    let email = parse_email(&form.email).unwrap_or_else(|_| form.email.trim().to_lowercase());
    let next = safe_next(form.next.as_deref()).to_string();
    let csrf = read_cookie(&headers, super::csrf::PRE_SESSION_COOKIE).unwrap_or_default();
    let again = |status: StatusCode, message: &str| {
        let page = LoginPage {
            csrf,
            email: &form.email,
            next: &next,
            message: Some(message),
        };
        html(status, &page)
    };
    if web_sessions::recent_failures(&state.db, &email, now).await? >= MAX_LOGIN_FAILURES {
        let wait = format!(
            "Too many failed logins for this account. Wait {} minutes, then try again.",
            LOGIN_WINDOW.num_minutes()
        );
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, &wait));
    }
    let user = accounts::find_user_by_email(&state.db, &email).await?;
    // An unknown email still costs one hash, so timing tells nothing either.
    let stored = match &user {
        Some(u) => u.password_hash.clone(),
        None => dummy_hash().await?,
    };
    let matches = verify_bounded(&state, form.password.clone(), stored).await?;
    match user {
        Some(user) if matches => {
            web_sessions::clear_failures(&state.db, &email).await?;
            signed_in(&state, &headers, user.id, &next).await
        }
        _ => {
            web_sessions::record_failure(&state.db, &email, now).await?;
            Ok(again(StatusCode::UNAUTHORIZED, WRONG))
        }
    }
}

/// An argon2id hash of a random password nobody knows, made once per process.
async fn dummy_hash() -> Result<String, WebError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let hash = DUMMY
        .get_or_try_init(|| accounts::hash_password(web_sessions::random_secret()))
        .await?;
    Ok(hash.clone())
}

/// Starts a new session (the old one, if any, ends: the id always changes
/// at login) and goes on to `next`.
async fn signed_in(state: &AppState, headers: &HeaderMap, user_id: i32, next: &str) -> WebResult {
    if let Some(old) = read_cookie(headers, cookie_name(state.config.is_https())) {
        web_sessions::delete(&state.db, old).await?;
    }
    let token = web_sessions::create(&state.db, user_id, state.config.sessions, Utc::now()).await?;
    let mut response = see_other(next);
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(state, &token));
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    SessionForm { user, .. }: SessionForm<Empty>,
) -> WebResult {
    web_sessions::delete(&state.db, &user.token).await?;
    let mut response = see_other("/login");
    response
        .headers_mut()
        .append(header::SET_COOKIE, cleared_session_cookie(&state));
    Ok(response)
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

/// Hashes a password, waiting for a free slot (see `Config::login_concurrency`).
pub async fn hash_bounded(state: &AppState, password: String) -> Result<String, WebError> {
    let _permit = acquire(state).await?;
    Ok(accounts::hash_password(password).await?)
}

async fn verify_bounded(
    state: &AppState,
    password: String,
    hash: String,
) -> Result<bool, WebError> {
    let _permit = acquire(state).await?;
    Ok(accounts::verify_password(password, hash).await)
}

async fn acquire(state: &AppState) -> Result<tokio::sync::SemaphorePermit<'_>, WebError> {
    tokio::time::timeout(
        std::time::Duration::from_secs(20),
        state.login_permits.acquire(),
    )
    .await
    .ok()
    .and_then(Result::ok)
    .ok_or_else(|| {
        WebError(AppError::Internal(anyhow::anyhow!(
            "password checks are queued too long; try again in a moment"
        )))
    })
}
