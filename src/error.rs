//! One error type for the whole service, answered as RFC 9457
//! `application/problem+json`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::events::RowError;
use crate::domain::{FieldError, FieldErrors};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request could not be read at all (malformed JSON, bad query string).
    #[error("bad request: {detail}")]
    BadRequest { detail: String, errors: FieldErrors },
    /// The request was read but breaks a rule.
    #[error("validation failed")]
    Validation(FieldErrors),
    /// Rows of a batch are invalid; nothing of the batch was stored.
    #[error("invalid rows: {detail}")]
    Rows {
        detail: String,
        rows: Vec<RowError>,
        total: u64,
    },
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The resource existed but is no longer usable (an expired review link).
    #[error("gone: {0}")]
    Gone(String),
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Validation(errors)
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// One entry per wrong field; empty when the problem is not about fields.
    pub errors: Vec<FieldError>,
    /// For a rejected batch: the bad rows (up to a cap), each with row and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<RowError>>,
    /// For a rejected batch: how many problems there were in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_errors: Option<u64>,
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound(what.into())
    }

    pub fn field(pointer: &str, message: impl Into<String>) -> Self {
        AppError::Validation(FieldErrors::single(pointer, message))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Validation(_) | AppError::Rows { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document; 5xx details stay in the log.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (kind, detail, errors) = match self {
            AppError::BadRequest { detail, errors } => {
                ("malformed-request", detail.clone(), errors.0.clone())
            }
            AppError::Validation(errors) => (
                "validation-error",
                validation_detail(errors),
                errors.0.clone(),
            ),
            AppError::Rows { detail, .. } => ("invalid-rows", detail.clone(), vec![]),
            AppError::Unauthorized(d) => ("unauthorized", d.clone(), vec![]),
            AppError::Forbidden(d) => ("forbidden", d.clone(), vec![]),
            AppError::NotFound(d) => ("not-found", d.clone(), vec![]),
            AppError::Conflict(d) => ("conflict", d.clone(), vec![]),
            AppError::Gone(d) => ("gone", d.clone(), vec![]),
            AppError::PayloadTooLarge(d) => ("payload-too-large", d.clone(), vec![]),
            AppError::UnsupportedMediaType(d) => ("unsupported-media-type", d.clone(), vec![]),
            AppError::Database(_) | AppError::Internal(_) => (
                "internal-error",
                "something went wrong on our side; the error has been logged".to_string(),
                vec![],
            ),
        };
        let (rows, total_errors) = match self {
            AppError::Rows { rows, total, .. } => (Some(rows.clone()), Some(*total)),
            _ => (None, None),
        };
        Problem {
            kind: format!("/problems/{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            errors,
            rows,
            total_errors,
        }
    }
}

fn validation_detail(errors: &FieldErrors) -> String {
    match errors.0.as_slice() {
        [one] if one.pointer.is_empty() => one.message.clone(),
        [one] => format!("{}: {}", one.pointer, one.message),
        many => format!("{} fields are invalid; see errors", many.len()),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        problem_response(self.problem(), matches!(self, AppError::Unauthorized(_)))
    }
}

/// Serialises a problem with the right content type (and a Bearer challenge for 401).
pub fn problem_response(problem: Problem, challenge: bool) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if challenge {
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}
