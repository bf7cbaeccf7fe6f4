//! Turning templates into responses.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A rendered template as an HTML response with a status.
pub fn html(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => {
            let mut response = (status, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// A 200 page.
pub fn page(page: &impl Template) -> Response {
    html(StatusCode::OK, page)
}

/// A 303 to another page after a form (post/redirect/get).
pub fn see_other(location: &str) -> Response {
    axum::response::Redirect::to(location).into_response()
}
