//! The JSON API under `/api/v1`. Each resource module exposes `router()`.

pub mod auth;
mod events;
mod extract;
pub(crate) mod goals;
mod health;
mod me;
pub(crate) mod metric_values;
pub(crate) mod metrics;
mod openapi;
mod outbox;
mod paging;
mod reviews;
mod tokens;

pub use extract::{ApiJson, ApiPath, ApiQuery, parse_json_value};
pub use health::router as health_router;

use axum::extract::DefaultBodyLimit;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa_axum::router::OpenApiRouter;

use crate::config::Config;
use crate::startup::AppState;

/// Every `/api/v1` route with its OpenAPI description, and the document itself
/// served at `/api/v1/openapi.json`.
pub fn router(config: &Config) -> axum::Router<AppState> {
    let import_limit = usize::try_from(config.import_body_limit).unwrap_or(usize::MAX);
    let api = OpenApiRouter::with_openapi(openapi::base())
        .merge(events::events_router().layer(DefaultBodyLimit::max(config.events_body_limit)))
        .merge(
            events::imports_router()
                .layer(RequestBodyLimitLayer::new(import_limit))
                .layer(DefaultBodyLimit::disable()),
        )
        .merge(events::history_router())
        .merge(goals::router())
        .merge(metrics::router())
        .merge(metric_values::router())
        .merge(outbox::router())
        .merge(reviews::router())
        .merge(tokens::router())
        .merge(me::router());
    let (router, doc) = OpenApiRouter::new().nest("/api/v1", api).split_for_parts();
    let doc = std::sync::Arc::new(doc);
    router.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    )
}
