//! Black-box tests: each starts the service on a random port over a fresh
//! database and talks to it over HTTP. Every storage test runs on SQLite,
//! and on PostgreSQL when SMARTER_TEST_POSTGRES_URL is set.

mod helpers;

mod accounts;
mod cli;
mod cycles;
mod goals;
mod goals_bad_input;
mod ingest;
mod mail;
mod metric_values;
mod metrics;
mod reviews;
mod service;
mod smtp_server;
mod web;
