//! The stylesheet, compiled into the binary: pages work offline and need
//! no CDN.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::startup::AppState;

const STYLE: &str = include_str!("assets/style.css");

/// The stylesheet's address; the version changes it when the file changes.
pub const STYLE_PATH: &str = concat!("/static/style.css?v=", env!("CARGO_PKG_VERSION"));

pub fn router() -> Router<AppState> {
    Router::new().route("/static/style.css", get(style))
}

async fn style() -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        STYLE,
    )
}
