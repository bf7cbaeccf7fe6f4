//! Errors of HTML pages: the same `AppError`, shown as a page instead of
//! problem+json. 5xx details stay in the log.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::render::html;
use crate::error::AppError;

/// An `AppError` answered as an HTML page.
#[derive(Debug)]
pub struct WebError(pub AppError);

impl<E: Into<AppError>> From<E> for WebError {
    fn from(err: E) -> Self {
        WebError(err.into())
    }
}

/// A page result.
pub type WebResult<T = Response> = Result<T, WebError>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    heading: &'a str,
    message: &'a str,
    status: u16,
}

/// The heading of an error page for a status.
fn heading(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::CONFLICT => "This cannot be done now",
        StatusCode::GONE => "No longer available",
        StatusCode::PAYLOAD_TOO_LARGE => "The upload is too large",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        s if s.is_server_error() => "Something went wrong",
        _ => "The request could not be read",
    }
}

/// An error page with its own heading and message.
pub fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let page = ErrorPage {
        heading,
        message,
        status: status.as_u16(),
    };
    html(status, &page)
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if status.is_server_error() {
            tracing::error!(error = %self.0, "page failed");
        }
        let detail = self.0.problem().detail;
        error_page(status, heading(status), &detail)
    }
}
