//! HTML pages for managers, each module with its routes and templates.
//!
//! Every page is rendered on the server and works without JavaScript.
//! Templates escape all user text; the Content-Security-Policy allows no
//! script at all and styles only from the site's own stylesheet.

pub mod admin;
pub mod assets;
pub mod auth;
pub mod chart;
pub mod chrome;
pub mod csrf;
pub mod error;
pub mod goals;
pub mod imports;
pub mod messages;
pub mod metrics;
pub mod outbox;
pub mod render;
pub mod review_form;
pub mod reviews;
pub mod session;
pub mod tokens;

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::startup::AppState;

/// No scripts, no inline styles, no framing, forms only to this site.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Every page, with the security headers on each response.
pub fn router() -> Router<AppState> {
    let header =
        |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    Router::new()
        .merge(auth::router())
        .merge(goals::router())
        .merge(review_form::router())
        .merge(admin::router())
        .merge(reviews::router())
        .merge(tokens::router())
        .merge(outbox::router())
        .merge(metrics::router())
        .merge(imports::router())
        .merge(assets::router())
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .layer(header(header::CACHE_CONTROL, "no-store"))
}
