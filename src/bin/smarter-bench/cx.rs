//! `smarter-bench cx`: ingestion, CSV import and the built-in metrics at a
//! million events, each against the floor of the machine in the same run:
//! the database inserting the same rows with one prepared statement in one
//! transaction, and each metric written by hand as one SQL query.

pub mod data;
mod floor;
mod import;
mod metrics;
mod queries;
mod target;

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Datelike, Utc};
use clap::Args;
use sea_orm::DatabaseConnection;
use smarter::config::Config;
use smarter::domain::cx_formulas::CxMetric;
use smarter::domain::events::{Event, SurveyKind};
use smarter::startup::Application;
use smarter::store::db;

use crate::api::{LOOPBACK, Server};
use crate::fixture::{Account, ScratchDir, seed_account};
use crate::http::request_once;
use data::{Kind, Spec};
use metrics::MetricTiming;
use queries::{WEEK_MS, Window};
use target::Target;

#[derive(Debug, Args)]
pub struct CxArgs {
    /// Events per measurement: orders sent through the API, rows of the CSV
    /// file, and the events behind each metric's one-year window.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1000..))]
    pub rows: u64,
    /// Events per API batch (the API takes up to 10,000).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub batch: u64,
    /// Timed runs of each metric query (after one warm-up); medians are shown.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub repeats: u32,
    /// Measure PostgreSQL instead of SQLite: a server URL such as
    /// postgres://postgres@127.0.0.1:5432/postgres (scratch databases are
    /// created there and dropped afterwards).
    #[arg(long)]
    pub postgres: Option<String>,
    /// Only the ingestion figures (floor, API, CLI import), no metrics.
    #[arg(long)]
    pub ingest_only: bool,
}

/// Everything one run measured.
struct Figures {
    floor_insert: Duration,
    api_ingest: Duration,
    loads: Vec<(String, usize, Duration)>,
    metrics: Vec<MetricTiming>,
    imports: Vec<import::ImportRun>,
}

pub async fn run(args: &CxArgs) -> anyhow::Result<()> {
    let scratch = ScratchDir::new()?;
    let mut target = match &args.postgres {
        Some(server) => Target::Postgres {
            server: server.clone(),
            made: Vec::new(),
        },
        None => Target::Sqlite,
    };
    let engine = target.name();
    let measured = tokio::select! {
        result = measure(args, &mut target, &scratch) => result,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    if let Err(err) = target.clean_up().await {
        eprintln!("warning: cannot drop the scratch databases: {err:#}");
    }
    drop(scratch);
    print(engine, args, &measured?);
    Ok(())
}

/// 52 whole ISO weeks ending at the start of this week (Monday 00:00 UTC).
fn year_of_weeks(now: DateTime<Utc>) -> (i64, i64) {
    let monday =
        now.date_naive() - chrono::Duration::days(i64::from(now.weekday().num_days_from_monday()));
    let to = monday
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_millis();
    (to - 52 * WEEK_MS, to)
}

async fn measure(
    args: &CxArgs,
    target: &mut Target,
    scratch: &ScratchDir,
) -> anyhow::Result<Figures> {
    let now = Utc::now();
    let rows = args.rows as usize;
    let (from, to) = year_of_weeks(now);
    let orders = Spec {
        kind: Kind::Orders,
        count: rows,
        from,
        to,
        salt: 1,
        first_customer: 0,
    };

    eprintln!("floor: inserting {rows} orders with one prepared statement in one transaction…");
    let events: Vec<Event> = (0..rows).map(|i| orders.event(i)).collect();
    let floor_url = target.fresh(scratch, "floor").await?;
    let floor_db = open(&floor_url).await?;
    let account = seed_account(&floor_db, now).await?;
    let floor_insert =
        floor::insert_orders(&floor_db, &floor_url, account.team_id, &events).await?;
    floor_db.close().await?;
    drop(events);

    let app =
        Application::build(Config::new(target.fresh(scratch, "app").await?, LOOPBACK)).await?;
    let db = app.state().db.clone();
    let account = seed_account(&db, now).await?;
    let server = Server::spawn(app.port(), |stop| app.run_until(stop));
    let served = serve_and_measure(args, &db, &account, server.port, &orders, (from, to)).await;
    let stopped = server.stop().await;
    db.close().await?;
    let (api_ingest, loads, metrics) = served?;
    stopped.context("the app server failed")?;

    let mut imports = Vec::new();
    for (name, count) in [("import_tenth", rows / 10), ("import", rows)] {
        let url = target.fresh(scratch, name).await?;
        let conn = open(&url).await?;
        seed_account(&conn, now).await?;
        conn.close().await?;
        let csv = scratch.file(&format!("{name}.csv"));
        Spec { count, ..orders }.write_csv(&csv)?;
        eprintln!("smarter import: {count} orders from CSV…");
        imports.push(import::run(&url, "Bench team", &csv, count).await?);
        std::fs::remove_file(&csv)?;
    }
    Ok(Figures {
        floor_insert,
        api_ingest,
        loads,
        metrics,
        imports,
    })
}

type Served = (Duration, Vec<(String, usize, Duration)>, Vec<MetricTiming>);

/// With the service up: ingest the measured orders, load the rest of the
/// metrics' data the same way, then time every metric.
async fn serve_and_measure(
    args: &CxArgs,
    db: &DatabaseConnection,
    account: &Account,
    port: u16,
    orders: &Spec,
    (from, to): (i64, i64),
) -> anyhow::Result<Served> {
    let batch = args.batch as usize;
    eprintln!("API: {} orders in batches of {batch}…", orders.count);
    let api_ingest = post_all(port, account, orders, batch).await?;
    if args.ingest_only {
        return Ok((api_ingest, Vec::new(), Vec::new()));
    }
    let rows = orders.count;
    let more = [
        (
            "orders, the year before",
            // A quarter of that year's customers do not order again, and a
            // quarter of this year's are new.
            Spec {
                salt: 2,
                from: from - (to - from),
                to: from,
                first_customer: (rows / 40) as u64,
                ..*orders
            },
        ),
        (
            "reviews",
            Spec {
                kind: Kind::Reviews,
                salt: 3,
                ..*orders
            },
        ),
        (
            "NPS answers",
            Spec {
                kind: Kind::Surveys(SurveyKind::Nps),
                salt: 4,
                ..*orders
            },
        ),
        (
            "CSAT answers",
            Spec {
                kind: Kind::Surveys(SurveyKind::Csat),
                salt: 5,
                ..*orders
            },
        ),
        (
            "CES answers",
            Spec {
                kind: Kind::Surveys(SurveyKind::Ces),
                salt: 6,
                ..*orders
            },
        ),
    ];
    let mut loads = Vec::new();
    for (name, spec) in more {
        eprintln!("API: {rows} {name}…");
        loads.push((
            name.to_string(),
            rows,
            post_all(port, account, &spec, batch).await?,
        ));
    }
    let window = Window {
        team: account.team_id,
        from,
        to,
    };
    let mut timings = Vec::new();
    for &metric in CxMetric::ALL {
        eprintln!("metric {metric}: value and weekly series, service and floor…");
        timings
            .push(metrics::measure(port, &account.token, db, window, metric, args.repeats).await?);
    }
    Ok((api_ingest, loads, timings))
}

/// Sends every row of `spec` in JSON batches, one after another; returns
/// the time from the first request to the last answer.
async fn post_all(
    port: u16,
    account: &Account,
    spec: &Spec,
    batch: usize,
) -> anyhow::Result<Duration> {
    let bodies: Vec<Vec<u8>> = (0..spec.count)
        .step_by(batch)
        .map(|start| spec.json_batch(start..(start + batch).min(spec.count)))
        .collect();
    let path = format!(
        "/api/v1/events/{}?team={}",
        spec.kind.event_kind(),
        account.team_id
    );
    let auth = format!("Authorization: Bearer {}", account.token);
    let started = Instant::now();
    for body in &bodies {
        let headers = [auth.as_str(), "Content-Type: application/json"];
        let (status, _, answer) = request_once(
            port,
            "POST",
            &path,
            &headers,
            body,
            Duration::from_secs(300),
        )
        .await?;
        if status != 200 {
            bail!(
                "POST {path} answered {status}: {}",
                String::from_utf8_lossy(&answer)
            );
        }
    }
    Ok(started.elapsed())
}

async fn open(url: &str) -> anyhow::Result<DatabaseConnection> {
    let conn = db::connect(url).await?;
    db::migrate(&conn).await?;
    Ok(conn)
}

fn per_sec(rows: usize, took: Duration) -> f64 {
    rows as f64 / took.as_secs_f64().max(1e-9)
}

fn print(engine: &str, args: &CxArgs, f: &Figures) {
    let rows = args.rows as usize;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let floor = per_sec(rows, f.floor_insert);
    println!(
        "{engine}: {rows} events per measurement; floor = the database alone, in the same run"
    );
    println!(
        "{:<44} {:>10} {:>14} {:>10}",
        "", "seconds", "events/s", "vs floor"
    );
    println!(
        "{:<44} {:>10.2} {:>14.0} {:>10}",
        "floor: one prepared INSERT, one transaction",
        f.floor_insert.as_secs_f64(),
        floor,
        "1.00"
    );
    let api = per_sec(rows, f.api_ingest);
    let label = format!("API: orders in JSON batches of {}", args.batch);
    println!(
        "{label:<44} {:>10.2} {api:>14.0} {:>10.2}",
        f.api_ingest.as_secs_f64(),
        api / floor
    );
    for (name, count, took) in &f.loads {
        println!(
            "{:<44} {:>10.2} {:>14.0}",
            format!("API: {name}"),
            took.as_secs_f64(),
            per_sec(*count, *took)
        );
    }
    for run in &f.imports {
        let rate = per_sec(run.rows, run.wall);
        let label = format!("CLI: smarter import, {} rows (whole process)", run.rows);
        println!(
            "{label:<44} {:>10.2} {rate:>14.0} {:>10.2}   peak RSS {:.1} MiB",
            run.wall.as_secs_f64(),
            rate / floor,
            run.peak_rss as f64 / 1_048_576.0
        );
    }
    println!();
    println!(
        "metrics over a window of 52 ISO weeks (churn: and the 52 before); medians of {} runs, ms",
        args.repeats
    );
    let weeks = f.metrics.first().map_or(0, |t| t.weeks);
    let series = format!("{weeks} weeks");
    println!(
        "{:<26} {:>9} {:>9} {:>9} {:>7} {series:>10} {:>9} {:>7}",
        "metric", "n", "value", "floor", "ratio", "floor", "ratio"
    );
    for t in &f.metrics {
        println!(
            "{:<26} {:>9} {:>9.1} {:>9.1} {:>7.2} {:>10.1} {:>9.1} {:>7.2}",
            t.metric.as_str(),
            t.n,
            ms(t.app_value),
            ms(t.floor_value),
            ms(t.app_value) / ms(t.floor_value).max(1e-3),
            ms(t.app_series),
            ms(t.floor_series),
            ms(t.app_series) / ms(t.floor_series).max(1e-3)
        );
    }
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!("every value and weekly point matched the floor's; machine: {cores} cores");
}
