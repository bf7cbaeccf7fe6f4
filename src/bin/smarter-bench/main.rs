//! `smarter-bench`: measures `smarter` against the floor of the machine, in
//! one run, so the figures can be compared across machines by their ratio.
//!
//! Each subcommand lives in its own file next to this one; `fixture` holds
//! what they share (a throwaway database with an account and a token).

mod api;
mod cx;
mod cycles;
mod fixture;
mod http;
mod web;
mod wrk;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Benchmarks of the smarter service, each against the floor of this machine.
#[derive(Debug, Parser)]
#[command(name = "smarter-bench", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Requests/s of GET /api/v1/goals/{id} on SQLite, against a bare axum
    /// handler returning the same JSON (needs `wrk`).
    Api(api::ApiArgs),
    /// Ingestion through the API, CSV import with the CLI and every built-in
    /// metric at a million events, against the database alone.
    Cx(cx::CxArgs),
    /// Evaluating 10,000 due goals over a million events and sending their
    /// emails to a local SMTP server, against the database and the mail
    /// client alone.
    Cycles(cycles::CyclesArgs),
    /// Latency of a signed-in page (the goals dashboard) over 500 goals and
    /// a million events, alone and during a flood of logins, against the
    /// service's `/healthz` (needs `wrk`).
    Web(web::WebArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    let outcome = match Cli::parse().command {
        Command::Api(args) => api::run(&args).await,
        Command::Cx(args) => cx::run(&args).await,
        Command::Cycles(args) => cycles::run(&args).await,
        Command::Web(args) => web::run(&args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs only when `RUST_LOG` asks for them: the service's per-request log
/// line would otherwise flood the terminal during a run.
fn init_tracing() {
    if let Ok(filter) = EnvFilter::try_from_default_env() {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
}
