//! `smarter-bench api`: requests/s of `GET /api/v1/goals/{id}` on SQLite,
//! against the floor: a bare axum server answering the same bytes with no
//! work at all. Both run on this process's tokio runtime; wrk is a separate
//! process on the same cores.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use chrono::{DateTime, Utc};
use clap::Args;
use sea_orm::DatabaseConnection;
use smarter::config::Config;
use smarter::domain::cadence::CadenceKind;
use smarter::domain::goal::*;
use smarter::domain::metric::JourneyStage;
use smarter::startup::Application;
use smarter::store::{accounts, goals, metrics};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::fixture::{Account, ScratchDir, seed_account};
use crate::http::get_once;
use crate::wrk::{self, Load, Report};

/// 127.0.0.1 on a free port.
pub const LOOPBACK: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// Seconds of load on each server.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub duration: u32,
    /// Connections wrk keeps open, spread over its threads.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    pub connections: u32,
    /// wrk threads; keep them few, wrk takes its CPU from the servers.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: u32,
}

pub async fn run(args: &ApiArgs) -> anyhow::Result<()> {
    if args.connections < args.threads {
        bail!("--connections must be at least --threads: each wrk thread needs a connection");
    }
    let load = Load {
        duration_secs: args.duration,
        connections: args.connections,
        threads: args.threads,
    };
    wrk::ensure_installed().await?;
    let scratch = ScratchDir::new()?;
    let app = Application::build(Config::new(scratch.sqlite_url(), LOOPBACK)).await?;
    let db = app.state().db.clone();
    let now = Utc::now();
    let account = seed_account(&db, now).await?;
    let goal_id = seed_goal(&db, &account, now).await?;
    let app_server = Server::spawn(app.port(), |stop| app.run_until(stop));
    let mut floor_server = None;
    let measured = tokio::select! {
        result = measure(load, app_server.port, goal_id, &account.token, &mut floor_server) => result,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    // Stop both servers and close the database before the directory goes.
    let stopped = app_server.stop().await;
    let floor_stopped = match floor_server {
        Some(floor) => floor.stop().await,
        None => Ok(()),
    };
    db.close().await.context("cannot close the database")?;
    drop(scratch);
    let (floor, app) = measured?;
    stopped.context("the app server failed")?;
    floor_stopped.context("the floor server failed")?;
    print_table(load, &floor, &app);
    let failures: Vec<String> = [("floor", &floor), ("app", &app)]
        .into_iter()
        .filter_map(|(name, report)| report.failure().map(|why| format!("{name}: {why}")))
        .collect();
    if !failures.is_empty() {
        bail!("some requests failed: {}", failures.join("; "));
    }
    Ok(())
}

/// Starts the floor, then loads the floor and the app in turn.
async fn measure(
    load: Load,
    app_port: u16,
    goal_id: i32,
    token: &str,
    floor_server: &mut Option<Server>,
) -> anyhow::Result<(Report, Report)> {
    let path = format!("/api/v1/goals/{goal_id}");
    let auth = format!("Authorization: Bearer {token}");
    let (status, content_type, body) = get_once(app_port, &path, Some(&auth)).await?;
    if status != 200 || content_type.as_deref() != Some("application/json") {
        bail!(
            "GET {path} answered {status} {content_type:?}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let listener = TcpListener::bind(LOOPBACK).await?;
    let floor_port = listener.local_addr()?.port();
    let router = floor_router(Bytes::from(body.clone()));
    let server = Server::spawn(floor_port, |stop| async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(stop)
            .await?;
        Ok(())
    });
    *floor_server = Some(server);
    let (_, _, floor_body) = get_once(floor_port, &path, None).await?;
    if floor_body != body {
        bail!("the floor does not answer the app's bytes");
    }

    eprintln!(
        "loading the floor for {} s, then the app for {} s…",
        load.duration_secs, load.duration_secs
    );
    let floor = wrk::run(load, &format!("http://127.0.0.1:{floor_port}{path}"), &[]).await?;
    let app = wrk::run(load, &format!("http://127.0.0.1:{app_port}{path}"), &[auth]).await?;
    Ok((floor, app))
}

/// One handler, no middleware, no work: the same bytes every time.
fn floor_router(body: Bytes) -> Router {
    Router::new().route(
        "/api/v1/goals/{id}",
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    )
}

/// A server task on this runtime, stopped gracefully on demand.
pub struct Server {
    pub port: u16,
    stop: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Server {
    pub fn spawn<F, Fut>(port: u16, serve: F) -> Server
    where
        F: FnOnce(std::pin::Pin<Box<dyn Future<Output = ()> + Send>>) -> Fut,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(Box::pin(async move {
            let _ = stopped.await;
        })));
        Server { port, stop, task }
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .context("the server did not stop within 10 s")??
    }
}

/// An active goal with every SMART section, on NPS, with today's value.
async fn seed_goal(
    db: &DatabaseConnection,
    account: &Account,
    now: DateTime<Utc>,
) -> anyhow::Result<i32> {
    let today = now.date_naive();
    let observation = metrics::NewObservation {
        team_id: account.team_id,
        metric_key: "nps".into(),
        observed_on: today,
        value: 36.0,
        note: Some("entered by hand".into()),
    };
    metrics::upsert_observation(db, observation, account.user_id, now).await?;
    let ctx = GoalContext {
        goal_id: None,
        caller_id: account.user_id,
        member_ids: accounts::member_ids(db, account.team_id).await?,
        metrics: metrics::metrics_for_team(db, account.team_id).await?,
        parent: None,
        today,
    };
    let day = |days: i64| (today + chrono::Duration::days(days)).to_string();
    let text = |s: &str| Some(s.to_string());
    let input = GoalInput {
        team_id: account.team_id,
        title: "Patients recommend us".into(),
        status: Some(GoalStatus::Active),
        specific: SpecificInput {
            what: text("Call every patient the day after a treatment and fix what bothered them"),
            why: text("New patients come through recommendations more than through ads"),
        },
        measurable: MeasurableInput {
            metric: text("nps"),
            baseline: Some(32.0),
            target: Some(45.0),
            milestones: vec![MilestoneInput {
                date: day(60),
                target: 40.0,
                note: text("halfway"),
            }],
            ..Default::default()
        },
        achievable: AchievableInput {
            resources: text("Reception has 30 minutes a day for follow-up calls"),
            ..Default::default()
        },
        relevant: RelevantInput {
            strategy: text("Grow through recommendations, not discounts"),
            journey_stage: Some(JourneyStage::Advocacy),
            parent_goal_id: None,
        },
        time_bound: TimeBoundInput {
            start: Some(day(-30)),
            deadline: Some(day(150)),
        },
        review: ReviewInput {
            cadence: Some(CadenceKind::Monthly),
            timezone: text("Europe/Warsaw"),
            reviewers: vec!["lead@example.com".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let spec = GoalSpec::parse(input, &ctx).map_err(|e| anyhow::anyhow!("bench goal: {e:?}"))?;
    let row = goals::insert(db, account.team_id, &spec, account.user_id, now).await?;
    Ok(row.id)
}

fn print_table(load: Load, floor: &Report, app: &Report) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "GET /api/v1/goals/{{id}} on SQLite; wrk: {} s, {} connections, {} thread(s)",
        load.duration_secs, load.connections, load.threads
    );
    println!(
        "{:<10} {:>10} {:>12} {:>12} {:>12}",
        "", "requests", "req/s", "avg ms", "p99 ms"
    );
    for (name, r) in [("floor", floor), ("app", app)] {
        println!(
            "{name:<10} {:>10} {:>12.0} {:>12.2} {:>12.2}",
            r.requests,
            r.requests_per_sec,
            ms(r.latency_avg),
            ms(r.latency_p99)
        );
    }
    let ratio = app.requests_per_sec / floor.requests_per_sec;
    println!(
        "app/floor  {ratio:.3} ({:.1} % of the floor's req/s)",
        ratio * 100.0
    );
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!("machine: {cores} cores, shared by wrk and both servers");
}
