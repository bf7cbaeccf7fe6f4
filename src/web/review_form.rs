//! The emailed review link: `GET /review/{token}` shows what the evaluation
//! found and the answer form, `POST /review/{token}` answers with the same
//! rules as `POST /api/v1/reviews/{id}` (see `crate::answering`).
//!
//! No password, and no CSRF token: the token in the URL is itself the
//! secret (256 random bits, stored hashed, single use, expiring), which a
//! cross-site form cannot know. Because it sits in the URL, the pages send
//! no referrer and are not cached.

mod fields;
mod form;
mod page;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use sea_orm::{ConnectionTrait, EntityTrait};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::answering;
use crate::domain::FieldErrors;
use crate::domain::evaluation::Findings;
use crate::domain::goal::GoalInput;
use crate::domain::review::Changes;
use crate::entities::{evaluation, goal, review_request};
use crate::error::{AppError, AppResult};
use crate::mail::compose::{ReviewFacts, facts};
use crate::startup::AppState;
use crate::store::{evaluations, goals, metrics, review_answers};
use form::ReviewForm;
use page::ReviewView;

const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    let header =
        |name, value| SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value));
    Router::new()
        .route("/review/{token}", get(show).post(submit))
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::CACHE_CONTROL, "no-store"))
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// The error page for a refusal, with the refusal's status.
fn error_page(err: AppError) -> Response {
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
    html(status, page::error_page(heading, &err.problem().detail))
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

/// What the page shows besides the form.
struct Context {
    goal: goal::Model,
    input: GoalInput,
    metric_name: String,
    findings: Findings,
    request: review_request::Model,
}

async fn context<C: ConnectionTrait>(db: &C, request: review_request::Model) -> AppResult<Context> {
    let goal = goal::Entity::find_by_id(request.goal_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("the goal of this review no longer exists"))?;
    let spec = goals::spec_from_model(&goal)?;
    let evaluation = evaluation::Entity::find_by_id(request.evaluation_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("review {} without its evaluation", request.id))?;
    let metric_name = match spec.measurable.metric_key.as_deref() {
        Some(key) => metrics::find_metric(db, goal.team_id, key)
            .await?
            .map_or_else(|| key.to_string(), |m| m.name),
        None => "no metric".into(),
    };
    Ok(Context {
        input: spec.to_input(goal.team_id),
        findings: evaluations::findings_of(&evaluation),
        goal,
        metric_name,
        request,
    })
}

fn render(status: StatusCode, ctx: &Context, form: &ReviewForm, errors: &FieldErrors) -> Response {
    let m = &ctx.input.measurable;
    let deadline = ctx.input.time_bound.deadline.as_deref();
    let lines = facts(&ReviewFacts {
        goal_title: &ctx.goal.title,
        metric_name: &ctx.metric_name,
        baseline: m.baseline,
        target: m.target,
        deadline: deadline.and_then(|d| d.parse().ok()),
        findings: &ctx.findings,
        reminder: false,
    });
    let view = ReviewView {
        goal_title: &ctx.goal.title,
        metric_name: &ctx.metric_name,
        facts: &lines,
        progress: ctx.findings.progress.unwrap_or(0.0),
        expires_at: ctx.request.expires_at,
        suggestion: ctx.findings.suggestion.as_ref(),
        target: m.target,
        deadline,
        form,
        errors,
    };
    html(status, page::review_page(&view))
}

async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let shown = async {
        let request = open(&state.db, &token).await?;
        let ctx = context(&state.db, request).await?;
        let form = ReviewForm::prefilled(&ctx.input);
        Ok(render(StatusCode::OK, &ctx, &form, &FieldErrors::new()))
    };
    shown.await.unwrap_or_else(error_page)
}

async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&state, &token, &headers, &body)
        .await
        .unwrap_or_else(error_page)
}

async fn answer(
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
    let input = match form.to_answer(&ctx.input) {
        Ok(input) => input,
        Err(errors) => {
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ctx,
                &form,
                &errors,
            ));
        }
    };
    let outcome =
        match answering::answer_review(&state.db, &ctx.request, input, None, Utc::now()).await {
            Ok(outcome) => outcome,
            Err(AppError::Validation(errors)) => {
                return Ok(render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &ctx,
                    &form,
                    &errors,
                ));
            }
            Err(other) => return Err(other),
        };
    let changes = match &outcome.revision {
        Some(r) => Some(Changes {
            old: serde_json::from_str(&r.old_values).map_err(anyhow::Error::from)?,
            new: serde_json::from_str(&r.new_values).map_err(anyhow::Error::from)?,
        }),
        None => None,
    };
    Ok(html(
        StatusCode::OK,
        page::answered_page(
            &outcome.goal.title,
            &outcome.answer.decision,
            changes.as_ref(),
            outcome.goal.next_review_at,
        ),
    ))
}
