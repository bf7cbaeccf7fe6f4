//! `smarter-bench cycles`: evaluating 10,000 active goals over 1,000,000
//! events on SQLite and queueing their emails, then sending them to a local
//! SMTP server, each against its floor in the same run: the same rows
//! written by SQLite alone with prepared statements in one transaction, and
//! the same messages sent by the mail client alone.

mod sink;

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::Args;
use futures_util::StreamExt;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use smarter::config::Config;
use smarter::domain::cadence::CadenceKind;
use smarter::domain::cx_formulas::CxMetric;
use smarter::domain::events::SurveyKind;
use smarter::domain::goal::*;
use smarter::entities::{goal, outbox_message};
use smarter::ingest::{IngestRequest, Ingestion, Source, Started};
use smarter::jobs::cycles::{ReviewPolicy, run_due_cycles};
use smarter::mail::deliver::{Transport, deliver_due};
use smarter::store::{accounts, db, goals, metrics};

use crate::cx::data::{Kind, Spec};
use crate::fixture::{Account, ScratchDir, seed_account};
use sink::Sink;

#[derive(Debug, Args)]
pub struct CyclesArgs {
    /// Active goals, all due at once.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(10..))]
    pub goals: u64,
    /// Events behind them (40 % orders, 30 % reviews, 10 % of each survey kind).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1000..))]
    pub events: u64,
}

pub async fn run(args: &CyclesArgs) -> anyhow::Result<()> {
    let scratch = ScratchDir::new()?;
    let url = scratch.sqlite_url();
    let conn = db::connect(&url).await?;
    db::migrate(&conn).await?;
    let measured = measure(args, &conn, &url).await;
    conn.close().await?;
    drop(scratch);
    measured
}

async fn measure(args: &CyclesArgs, conn: &DatabaseConnection, url: &str) -> anyhow::Result<()> {
    let now = Utc::now();
    let account = seed_account(conn, now).await?;
    eprintln!("loading {} events…", args.events);
    load_events(conn, &account, args.events as usize, now).await?;
    eprintln!("creating {} active goals, all due…", args.goals);
    seed_goals(conn, &account, args.goals as usize, now).await?;
    make_all_due(conn, now).await?;

    eprintln!("evaluating…");
    let started = Instant::now();
    let report = run_due_cycles(conn, &ReviewPolicy::default(), now).await?;
    let evaluate = started.elapsed();
    if report.evaluated != args.goals {
        bail!("{} goals evaluated of {}", report.evaluated, args.goals);
    }
    let queued = outbox_message::Entity::find().count(conn).await?;
    let floor_writes = write_floor(url, args.goals as usize)?;

    let sink = Sink::start().await?;
    let mut config = Config::new(url, "127.0.0.1:8080".parse()?);
    config.smtp_url = Some(format!("smtp://127.0.0.1:{}", sink.port));
    let settings = config.mail_settings();
    eprintln!("sending {queued} emails…");
    let started = Instant::now();
    let sent = deliver_due(conn, &Transport::new(&settings)?, &settings, now).await?;
    let send = started.elapsed();
    if sent.sent != queued || sink.received() != queued {
        bail!(
            "sent {sent:?}, the server received {} of {queued}",
            sink.received()
        );
    }
    let floor_send = send_floor(sink.port, conn, queued as usize).await?;

    let per = |n: u64, d: Duration| n as f64 / d.as_secs_f64().max(1e-9);
    println!(
        "SQLite: {} active goals over {} events, all due at once",
        args.goals, args.events
    );
    println!(
        "{:<58} {:>9} {:>10} {:>9}",
        "", "seconds", "per second", "vs floor"
    );
    println!(
        "{:<58} {:>9.2} {:>10.0}",
        "evaluate + review requests + emails queued",
        evaluate.as_secs_f64(),
        per(args.goals, evaluate)
    );
    println!(
        "{:<58} {:>9.2} {:>10.0} {:>9.2}",
        "floor: the same rows by SQLite alone, one transaction",
        floor_writes.as_secs_f64(),
        per(args.goals, floor_writes),
        floor_writes.as_secs_f64() / evaluate.as_secs_f64()
    );
    println!(
        "{:<58} {:>9.2} {:>10.0}",
        format!("outbox → SMTP, {queued} messages"),
        send.as_secs_f64(),
        per(queued, send)
    );
    println!(
        "{:<58} {:>9.2} {:>10.0} {:>9.2}",
        "floor: the same messages by the mail client alone",
        floor_send.as_secs_f64(),
        per(queued, floor_send),
        floor_send.as_secs_f64() / send.as_secs_f64()
    );
    Ok(())
}

/// The events, through the same ingestion the API and the CLI use.
pub(crate) async fn load_events(
    conn: &DatabaseConnection,
    account: &Account,
    total: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let to = now.timestamp_millis();
    let from = to - 120 * 86_400_000;
    let share = |percent: usize| total * percent / 100;
    let specs = [
        (Kind::Orders, share(40)),
        (Kind::Reviews, share(30)),
        (Kind::Surveys(SurveyKind::Nps), share(10)),
        (Kind::Surveys(SurveyKind::Csat), share(10)),
        (Kind::Surveys(SurveyKind::Ces), share(10)),
    ];
    for (salt, (kind, count)) in specs.into_iter().enumerate() {
        let spec = Spec {
            kind,
            count,
            from,
            to,
            salt: salt as u64 + 10,
            first_customer: 0,
        };
        let request = IngestRequest {
            team_id: account.team_id,
            kind: kind.event_kind(),
            source: Source::Cli,
            file_name: None,
            idempotency_key: None,
            fingerprint: None,
            created_by: None,
        };
        let Started::Fresh(mut ingestion) = Ingestion::begin(conn, request).await? else {
            bail!("a fresh ingestion was expected");
        };
        for i in 0..count {
            ingestion.push(i as u64 + 1, Ok(spec.event(i))).await?;
        }
        ingestion
            .finish()
            .await
            .map_err(|e| anyhow::anyhow!("loading events: {e}"))?;
    }
    Ok(())
}

/// Baseline and target on the metric's scale, in its better direction.
fn plan(metric: CxMetric) -> (f64, f64) {
    match metric {
        CxMetric::Nps => (10.0, 30.0),
        CxMetric::Ces | CxMetric::AvgRating => (3.5, 4.5),
        CxMetric::ReviewCount => (100.0, 200.0),
        CxMetric::ChurnRate => (30.0, 20.0),
        _ => (50.0, 60.0),
    }
}

/// `n` active goals over the built-in metrics in turn, with every SMART section.
pub(crate) async fn seed_goals(
    conn: &DatabaseConnection,
    account: &Account,
    n: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let today = now.date_naive();
    let ctx = GoalContext {
        goal_id: None,
        caller_id: account.user_id,
        member_ids: accounts::member_ids(conn, account.team_id).await?,
        metrics: metrics::metrics_for_team(conn, account.team_id).await?,
        parent: None,
        today,
    };
    let day = |days: i64| (today + chrono::Duration::days(days)).to_string();
    let text = |s: &str| Some(s.to_string());
    let txn = db::begin_write(conn).await?;
    for i in 0..n {
        let metric = CxMetric::ALL[i % CxMetric::ALL.len()];
        let (baseline, target) = plan(metric);
        let input = GoalInput {
            team_id: account.team_id,
            title: format!("Goal {i} on {metric}"),
            status: Some(GoalStatus::Active),
            specific: SpecificInput {
                what: text("Improve the experience at this touchpoint"),
                why: text("Customers notice"),
            },
            measurable: MeasurableInput {
                metric: Some(metric.as_str().into()),
                baseline: Some(baseline),
                target: Some(target),
                window_days: Some([30, 60, 90][i / 10 % 3]),
                ..Default::default()
            },
            achievable: AchievableInput {
                resources: text("An hour a day"),
                ..Default::default()
            },
            relevant: RelevantInput {
                strategy: text("Retention first"),
                journey_stage: Some(smarter::domain::metric::JourneyStage::Retention),
                ..Default::default()
            },
            time_bound: TimeBoundInput {
                start: Some(day(-7 * (1 + (i % 8) as i64))),
                deadline: Some(day(180)),
            },
            review: ReviewInput {
                cadence: Some(CadenceKind::Weekly),
                timezone: text("UTC"),
                ..Default::default()
            },
            ..Default::default()
        };
        let spec =
            GoalSpec::parse(input, &ctx).map_err(|e| anyhow::anyhow!("bench goal: {e:?}"))?;
        goals::insert(&txn, account.team_id, &spec, account.user_id, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Every active goal's review, due a minute ago.
pub(crate) async fn make_all_due(
    conn: &DatabaseConnection,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    goal::Entity::update_many()
        .col_expr(
            goal::Column::NextReviewAt,
            Expr::value(Some(now - chrono::Duration::minutes(1))),
        )
        .filter(goal::Column::Status.eq("active"))
        .exec(conn)
        .await?;
    Ok(())
}

/// SQLite alone writing what the cycles wrote for `n` goals: an evaluation,
/// a review request, an email and the goal's next review, per goal, with
/// prepared statements in one transaction (into scratch copies of the tables).
fn write_floor(url: &str, n: usize) -> anyhow::Result<Duration> {
    let mut conn = rusqlite::Connection::open(url.trim_start_matches("sqlite://"))?;
    conn.execute_batch(&format!(
        "PRAGMA synchronous = NORMAL; PRAGMA cache_size = {}; PRAGMA temp_store = MEMORY;
         CREATE TEMP TABLE e AS SELECT * FROM evaluations WHERE 0;
         CREATE TEMP TABLE r AS SELECT * FROM review_requests WHERE 0;
         CREATE TEMP TABLE o AS SELECT * FROM outbox WHERE 0;",
        db::SQLITE_CACHE_SIZE
    ))?;
    let started = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut e = tx.prepare("INSERT INTO e SELECT * FROM evaluations WHERE id = ?")?;
        let mut r = tx.prepare("INSERT INTO r SELECT * FROM review_requests WHERE id = ?")?;
        let mut o = tx.prepare("INSERT INTO o SELECT * FROM outbox WHERE id = ?")?;
        let mut g = tx.prepare("UPDATE goals SET next_review_at = next_review_at WHERE id = ?")?;
        for id in 1..=n as i64 {
            e.execute([id])?;
            r.execute([id])?;
            o.execute([id])?;
            g.execute([id])?;
        }
    }
    tx.commit()?;
    Ok(started.elapsed())
}

/// The mail client alone sending the queued messages, eight at a time like the worker.
async fn send_floor(port: u16, conn: &DatabaseConnection, n: usize) -> anyhow::Result<Duration> {
    let rows = outbox_message::Entity::find().all(conn).await?;
    let messages: Vec<Message> = rows
        .iter()
        .take(n)
        .map(|row| {
            Message::builder()
                .from("bench <bench@example.com>".parse().expect("an address"))
                .to(row.recipient.parse().expect("stored recipients parse"))
                .subject(row.subject.clone())
                .multipart(lettre::message::MultiPart::alternative_plain_html(
                    row.text_body.clone(),
                    row.html_body.clone(),
                ))
                .context("a message")
        })
        .collect::<anyhow::Result<_>>()?;
    let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .build();
    let started = Instant::now();
    // As many in flight as the service's worker keeps.
    let sent: Vec<_> = futures_util::stream::iter(messages)
        .map(|message| smtp.send(message))
        .buffer_unordered(8)
        .collect()
        .await;
    for result in sent {
        result?;
    }
    Ok(started.elapsed())
}
