//! The emailed review link: `GET /review/{token}` shows what the evaluation
//! found and the answer form, `POST /review/{token}` answers with the same
//! rules as `POST /api/v1/reviews/{id}` (see `crate::answering`).
//!
//! No password, and no CSRF token: the token in the URL is itself the
//! secret (256 random bits, stored hashed, single use, expiring), which a
//! cross-site form cannot know. Because it sits in the URL, the pages send
//! no referrer (and, like every page, are not cached).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use chrono::Utc;
use sea_orm::ConnectionTrait;
use tower_http::set_header::SetResponseHeaderLayer;

use super::view::{AnsweredView, ReviewView};
use super::{Context, ReviewForm, answer, answered_view, context};
use crate::answering;
use crate::domain::FieldErrors;
use crate::entities::review_request;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::store::review_answers;
use crate::web::error::error_page;
use crate::web::render::html;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/review/{token}", get(show).post(submit))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

#[derive(Template)]
#[template(path = "review/link.html")]
struct LinkPage {
    view: ReviewView,
}

#[derive(Template)]
#[template(path = "review/link_answered.html")]
struct LinkAnswered<'a> {
    heading: &'a str,
    answered: AnsweredView,
}

/// The page for a refusal, with the refusal's status.
fn refused(err: AppError) -> Response {
    let status = err.status();
    if status.is_server_error() {
        tracing::error!(error = %err, "review page failed");
    }
    let heading = match status {
        StatusCode::NOT_FOUND => "This review link is not valid",
        StatusCode::CONFLICT => "This review cannot be answered",
        StatusCode::GONE => "This review link has expired",
        s if s.is_server_error() => "Something went wrong",
        _ => "The answer could not be read",
    };
    error_page(status, heading, &err.problem().detail)
}

/// The pending request a link opens: 404 for an unknown token, 409 when
/// already answered, 410 when expired.
async fn open<C: ConnectionTrait>(db: &C, token: &str) -> AppResult<review_request::Model> {
    let unknown = || {
        AppError::not_found(
            "no review has this link. Check that the whole link from the email was opened; a reminder's link replaces the first one",
        )
    };
    if !token.starts_with("rv_") || token.len() > 100 {
        return Err(unknown());
    }
    let request = review_answers::find_by_token(db, token)
        .await?
        .ok_or_else(unknown)?;
    answering::check_open(&request, Utc::now())?;
    Ok(request)
}

fn form_page(
    status: StatusCode,
    ctx: &Context,
    form: ReviewForm,
    errors: &FieldErrors,
) -> Response {
    html(
        status,
        &LinkPage {
            view: ctx.view(form, errors, None, true),
        },
    )
}

async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let shown = async {
        let ctx = context(&state.db, open(&state.db, &token).await?).await?;
        let form = ctx.prefilled();
        Ok(form_page(StatusCode::OK, &ctx, form, &FieldErrors::new()))
    };
    shown.await.unwrap_or_else(refused)
}

async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    submitted(&state, &token, &headers, &body)
        .await
        .unwrap_or_else(refused)
}

async fn submitted(
    state: &AppState,
    token: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> AppResult<Response> {
    let request = open(&state.db, token).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::UnsupportedMediaType(
            "send the review form as application/x-www-form-urlencoded".into(),
        ));
    }
    let form: ReviewForm =
        serde_urlencoded::from_bytes(body).map_err(|e| AppError::BadRequest {
            detail: format!("the form could not be read: {e}"),
            errors: FieldErrors::new(),
        })?;
    let ctx = context(&state.db, request).await?;
    match answer(&state.db, &ctx, &form, None).await? {
        Ok(outcome) => Ok(html(
            StatusCode::OK,
            &LinkAnswered {
                heading: "Thank you: your answer is recorded",
                answered: answered_view(&outcome, None)?,
            },
        )),
        Err(errors) => Ok(form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ctx,
            form,
            &errors,
        )),
    }
}
