//! `smarter-bench web`: a signed-in page of the web app under load, on a
//! SQLite database with one team, 500 active goals over the built-in
//! metrics and 1,000,000 events; first alone, then while 50 logins at a time
//! hash their passwords. The floor, in the same run, is the same service's
//! `/healthz` (the whole middleware stack, no database, no template).

mod logins;

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::Utc;
use clap::Args;
use smarter::config::Config;
use smarter::jobs::cycles::{ReviewPolicy, run_due_cycles};
use smarter::startup::Application;

use crate::api::{LOOPBACK, Server};
use crate::cycles::{load_events, make_all_due, seed_goals};
use crate::fixture::{EMAIL, PASSWORD, ScratchDir, seed_account};
use crate::http::get_once;
use crate::wrk::{self, Load, Report};
use logins::{Counts, Flood};

#[derive(Debug, Args)]
pub struct WebArgs {
    /// Active goals of the one team, over the built-in metrics in turn.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..))]
    pub goals: u64,
    /// Events behind them (40 % orders, 30 % reviews, 10 % of each survey kind).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1000..))]
    pub events: u64,
    /// Connections wrk keeps open, and logins in flight in the second phase.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
    /// How long each measurement runs: `20s`, `2m` or plain seconds.
    #[arg(long, default_value = "20s", value_parser = parse_seconds)]
    pub duration: u32,
    /// wrk threads; keep them few, wrk takes its CPU from the server.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: u32,
    /// Leave the goals unevaluated, so the dashboard measures them live
    /// (as right after they were created); by default one review cycle
    /// has evaluated them all, as on any day after their first review.
    #[arg(long)]
    pub unevaluated: bool,
    /// The signed-in page to load; `{team}` stands for the team's id.
    #[arg(long, default_value = "/goals?team={team}")]
    pub path: String,
}

/// What the run measured.
struct Figures {
    path: String,
    /// One request with nothing else running (the first, so a cold cache).
    alone: Duration,
    floor: Report,
    page: Report,
    under_logins: Report,
    logins: Counts,
}

pub async fn run(args: &WebArgs) -> anyhow::Result<()> {
    if args.concurrency < args.threads {
        bail!("--concurrency must be at least --threads: each wrk thread needs a connection");
    }
    wrk::ensure_installed().await?;
    let scratch = ScratchDir::new()?;
    let app = Application::build(Config::new(scratch.sqlite_url(), LOOPBACK)).await?;
    let db = app.state().db.clone();
    let now = Utc::now();
    let account = seed_account(&db, now).await?;
    eprintln!("loading {} events…", args.events);
    load_events(&db, &account, args.events as usize, now).await?;
    eprintln!("creating {} active goals…", args.goals);
    seed_goals(&db, &account, args.goals as usize, now).await?;
    if !args.unevaluated {
        eprintln!("evaluating them once…");
        make_all_due(&db, now).await?;
        let report = run_due_cycles(&db, &ReviewPolicy::default(), now).await?;
        if report.evaluated != args.goals {
            bail!("{} goals evaluated of {}", report.evaluated, args.goals);
        }
    }
    let path = args.path.replace("{team}", &account.team_id.to_string());

    let server = Server::spawn(app.port(), |stop| app.run_until(stop));
    let measured = tokio::select! {
        result = measure(args, server.port, path) => result,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    let stopped = server.stop().await;
    db.close().await.context("cannot close the database")?;
    drop(scratch);
    let figures = measured?;
    stopped.context("the server failed")?;
    print_table(args, &figures);
    check(&figures)
}

async fn measure(args: &WebArgs, port: u16, path: String) -> anyhow::Result<Figures> {
    let load = Load {
        duration_secs: args.duration,
        connections: args.concurrency,
        threads: args.threads,
    };
    let session = logins::session_header(port, EMAIL, PASSWORD).await?;
    let started = Instant::now();
    let (status, content_type, body) = get_once(port, &path, Some(&session)).await?;
    let alone = started.elapsed();
    if status != 200
        || !content_type
            .as_deref()
            .unwrap_or("")
            .starts_with("text/html")
    {
        bail!(
            "GET {path} signed in answered {status} {content_type:?}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let url = |p: &str| format!("http://127.0.0.1:{port}{p}");
    let seconds = args.duration;
    eprintln!("loading the floor (/healthz), then {path}, {seconds} s each…");
    let floor = wrk::run(load, &url("/healthz"), &[]).await?;
    let page = wrk::run(load, &url(&path), std::slice::from_ref(&session)).await?;

    eprintln!(
        "{} logins at a time while loading {path} for {seconds} s…",
        args.concurrency
    );
    let flood = Flood::start(port, args.concurrency, EMAIL, PASSWORD);
    wait_for_first_login(&flood).await?;
    let under_logins = wrk::run(load, &url(&path), &[session]).await;
    let logins = flood.stop().await;
    Ok(Figures {
        path,
        alone,
        floor,
        page,
        under_logins: under_logins?,
        logins,
    })
}

/// The flood is on once one login has gone through.
async fn wait_for_first_login(flood: &Flood) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while flood.ok_so_far() == 0 {
        if tokio::time::Instant::now() > deadline {
            bail!("no login went through within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

fn check(f: &Figures) -> anyhow::Result<()> {
    let mut failures: Vec<String> = [
        ("floor", &f.floor),
        ("page", &f.page),
        ("page under logins", &f.under_logins),
    ]
    .into_iter()
    .filter_map(|(name, report)| report.failure().map(|why| format!("{name}: {why}")))
    .collect();
    if let Some(err) = &f.logins.first_error {
        failures.push(format!(
            "{} login workers failed, first: {err}",
            f.logins.failed
        ));
    }
    if !failures.is_empty() {
        bail!("some requests failed: {}", failures.join("; "));
    }
    Ok(())
}

fn print_table(args: &WebArgs, f: &Figures) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "web app on SQLite: 1 team, {} active goals ({}), {} events; wrk: {} s, {} connections, {} thread(s)",
        args.goals,
        if args.unevaluated {
            "never evaluated"
        } else {
            "each evaluated once"
        },
        args.events,
        args.duration,
        args.concurrency,
        args.threads
    );
    println!(
        "{:<48} {:>9} {:>10} {:>9} {:>9}",
        "", "requests", "req/s", "p50 ms", "p99 ms"
    );
    println!(
        "{:<48} {:>9} {:>10} {:>9.2}",
        format!("GET {} once, alone", f.path),
        1,
        "",
        ms(f.alone)
    );
    let rows = [
        ("floor: GET /healthz".to_string(), &f.floor),
        (format!("GET {} signed in", f.path), &f.page),
        (
            format!("  same, {} logins at a time", args.concurrency),
            &f.under_logins,
        ),
    ];
    for (name, r) in rows {
        println!(
            "{name:<48} {:>9} {:>10.0} {:>9.2} {:>9.2}",
            r.requests,
            r.requests_per_sec,
            ms(r.latency_p50),
            ms(r.latency_p99)
        );
    }
    let secs = f.logins.elapsed.as_secs_f64().max(1e-9);
    println!(
        "logins meanwhile: {} in {:.1} s ({:.1}/s)",
        f.logins.ok,
        secs,
        f.logins.ok as f64 / secs
    );
    println!(
        "page/floor req/s: {:.3}; page p99 under logins / alone: {:.2}",
        f.page.requests_per_sec / f.floor.requests_per_sec,
        ms(f.under_logins.latency_p99) / ms(f.page.latency_p99).max(1e-9)
    );
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!("machine: {cores} cores, shared by wrk, the login workers and the server");
}

/// A duration in whole seconds: `20s`, `2m`, or a plain number of seconds.
fn parse_seconds(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let (number, scale) = match text.strip_suffix('s') {
        Some(n) => (n, 1),
        None => match text.strip_suffix('m') {
            Some(n) => (n, 60),
            None => (text, 1),
        },
    };
    let seconds = number
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("{text:?} is not a duration such as 20s, 2m or 20"))?;
    if seconds == 0 {
        return Err("the duration must be at least 1 s".into());
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::parse_seconds;

    #[test]
    fn durations_take_seconds_minutes_or_a_plain_number() {
        assert_eq!(parse_seconds("20s"), Ok(20));
        assert_eq!(parse_seconds("2m"), Ok(120));
        assert_eq!(parse_seconds("7"), Ok(7));
    }

    #[test]
    fn a_duration_must_be_a_positive_whole_number_of_units() {
        for bad in ["", "0s", "1.5s", "20 ms", "-3", "s", "99999999999m"] {
            assert!(parse_seconds(bad).is_err(), "{bad:?} accepted");
        }
    }
}
