//! The HTML pages, through a browser-like client (`helpers::web::WebClient`):
//! each area of the web app has a module of its own.

mod admin;
mod auth;
mod goals;
mod imports;
mod metrics;
mod outbox;
mod reviews;
mod sessions;
mod tokens;
