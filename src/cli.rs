//! The command line: `serve`, `migrate`, `user`, `token`, `demo`.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Args, Parser, Subcommand};

mod reviews;

use crate::config::{
    Config, DEFAULT_BIND, DEFAULT_BODY_LIMIT, DEFAULT_CYCLE_TICK_SECS, DEFAULT_DATABASE_URL,
    DEFAULT_EVENTS_BODY_LIMIT, DEFAULT_IMPORT_BODY_LIMIT, DEFAULT_LOGIN_CONCURRENCY,
    DEFAULT_SESSION_IDLE_MINUTES, DEFAULT_SESSION_MAX_HOURS, DEFAULT_WEB_UPLOAD_LIMIT,
};
use crate::domain::account::{NewUser, Role, parse_team_name};
use crate::startup::Application;
use crate::store::{accounts, db, tokens};
pub use reviews::{EvaluateArgs, MailArgs, OutboxArgs};

/// SMART goals for customer-experience work, evaluated on a schedule.
#[derive(Debug, Parser)]
#[command(name = "smarter", version, about, propagate_version = true)]
pub struct Cli {
    /// sqlite://FILE (the default, created when missing) or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true, hide_env_values = true)]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending migrations, revert some, or show their status.
    Migrate(MigrateArgs),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Load a small demo organisation (a private dental clinic) and print a login.
    Demo,
    /// Import a CSV file of orders, reviews or survey responses (all or nothing).
    Import(ImportArgs),
    /// Run every review cycle due at a moment (default: now), send the mail, and exit.
    Evaluate(EvaluateArgs),
    /// List the mail waiting or failed, and put failed mail back in the queue.
    Outbox(OutboxArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The team, by name or id.
    #[arg(long)]
    pub team: String,
    /// orders, reviews or surveys.
    #[arg(long)]
    pub kind: crate::domain::events::EventKind,
    /// The CSV file: a header row with the kind's column names, in any order.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "SMARTER_BIND", default_value = DEFAULT_BIND)]
    pub bind: SocketAddr,
    /// Largest accepted JSON request body, in bytes.
    #[arg(long, env = "SMARTER_BODY_LIMIT", default_value_t = DEFAULT_BODY_LIMIT)]
    pub body_limit: usize,
    /// Largest accepted batch of events (JSON or NDJSON), in bytes.
    #[arg(long, env = "SMARTER_EVENTS_BODY_LIMIT", default_value_t = DEFAULT_EVENTS_BODY_LIMIT)]
    pub events_body_limit: usize,
    /// Largest accepted CSV upload, in bytes (uploads are streamed, not held in memory).
    #[arg(long, env = "SMARTER_IMPORT_BODY_LIMIT", default_value_t = DEFAULT_IMPORT_BODY_LIMIT)]
    pub import_body_limit: u64,
    /// Seconds between two looks for due review cycles (0: never; run `smarter evaluate` instead).
    #[arg(long, env = "SMARTER_CYCLE_TICK", default_value_t = DEFAULT_CYCLE_TICK_SECS)]
    pub cycle_tick: u64,
    /// Largest CSV file accepted by the web upload form, in bytes.
    #[arg(long, env = "SMARTER_WEB_UPLOAD_LIMIT", default_value_t = DEFAULT_WEB_UPLOAD_LIMIT)]
    pub web_upload_limit: u64,
    /// Minutes a browser session may stay unused before it ends.
    #[arg(long, env = "SMARTER_SESSION_IDLE_MINUTES", default_value_t = DEFAULT_SESSION_IDLE_MINUTES, value_parser = clap::value_parser!(i64).range(1..=525_600))]
    pub session_idle_minutes: i64,
    /// Hours after login when a browser session ends, however active.
    #[arg(long, env = "SMARTER_SESSION_MAX_HOURS", default_value_t = DEFAULT_SESSION_MAX_HOURS, value_parser = clap::value_parser!(i64).range(1..=8_760))]
    pub session_max_hours: i64,
    /// Password checks computed at once (each takes a core for a moment).
    #[arg(long, env = "SMARTER_LOGIN_CONCURRENCY", default_value_t = DEFAULT_LOGIN_CONCURRENCY, value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u16).range(1..=256), usize::from))]
    pub login_concurrency: usize,
    #[command(flatten)]
    pub mail: MailArgs,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(subcommand)]
    pub action: Option<MigrateAction>,
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration (the default).
    Up,
    /// Revert the last STEPS migrations.
    Down {
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List applied and pending migrations.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user and add them to a team (created if new). The password is read from stdin.
    Create {
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        team: String,
        /// admin, manager or viewer.
        #[arg(long, default_value = "manager")]
        role: Role,
        /// Read the password from the first line of stdin without prompting (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (it is shown only once).
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// Runs one command to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(cli.database_url, args).await,
        Command::Migrate(args) => {
            migrate(&cli.database_url, args.action.unwrap_or(MigrateAction::Up)).await
        }
        Command::User(UserCommand::Create {
            email,
            name,
            team,
            role,
            password_stdin,
        }) => {
            let password = read_password(password_stdin)?;
            let team =
                parse_team_name(&team).map_err(|e| anyhow::anyhow!("--team {}", e.0[0].message))?;
            let new = NewUser::parse(&email, &name, &password).map_err(describe)?;
            let conn = open(&cli.database_url).await?;
            let (user, team) = accounts::create_user(&conn, new, &team, role, Utc::now()).await?;
            println!(
                "created user {} ({}) as {role} of team \"{}\" (id {})",
                user.email, user.id, team.name, team.id
            );
            Ok(())
        }
        Command::Token(TokenCommand::Create { email, name }) => {
            let conn = open(&cli.database_url).await?;
            let user = accounts::find_user_by_email(&conn, &email)
                .await?
                .with_context(|| format!("no user with the email {email}"))?;
            let (_, token) = tokens::create_token(&conn, user.id, &name, Utc::now()).await?;
            println!("{token}");
            eprintln!("This token is shown only once. Use it as: Authorization: Bearer <token>");
            Ok(())
        }
        Command::Demo => crate::demo::load(&open(&cli.database_url).await?).await,
        Command::Import(args) => import(&cli.database_url, args).await,
        Command::Evaluate(args) => reviews::evaluate(&cli.database_url, args).await,
        Command::Outbox(args) => reviews::outbox(&cli.database_url, args).await,
    }
}

async fn open(url: &str) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let conn = db::connect(url).await?;
    db::migrate(&conn).await?;
    Ok(conn)
}

async fn serve(database_url: String, args: ServeArgs) -> anyhow::Result<()> {
    let mut config = Config::new(database_url, args.bind);
    args.mail.apply(&mut config);
    config.body_limit = args.body_limit;
    config.events_body_limit = args.events_body_limit;
    config.import_body_limit = args.import_body_limit;
    config.web_upload_limit = args.web_upload_limit;
    config.sessions.idle = chrono::Duration::minutes(args.session_idle_minutes);
    config.sessions.absolute = chrono::Duration::hours(args.session_max_hours);
    config.login_concurrency = args.login_concurrency;
    config.cycle_tick =
        (args.cycle_tick > 0).then(|| std::time::Duration::from_secs(args.cycle_tick));
    tracing::info!(
        database = %config.redacted_database_url(),
        bind = %config.bind,
        base_url = %config.base_url,
        body_limit = config.body_limit,
        events_body_limit = config.events_body_limit,
        import_body_limit = config.import_body_limit,
        cycle_tick = ?config.cycle_tick,
        "starting smarter"
    );
    let app = Application::build(config).await?;
    tracing::info!(port = app.port(), "listening");
    app.run_until_stopped().await
}

async fn migrate(url: &str, action: MigrateAction) -> anyhow::Result<()> {
    let conn = db::connect(url).await?;
    match action {
        MigrateAction::Up => {
            db::migrate(&conn).await?;
            println!("the database is up to date");
        }
        MigrateAction::Down { steps } => {
            let (before, _) = db::migration_status(&conn).await?;
            db::migrate_down(&conn, steps).await?;
            let (after, _) = db::migration_status(&conn).await?;
            println!("reverted {} migration(s)", before.len() - after.len());
        }
        MigrateAction::Status => {
            let (applied, pending) = db::migration_status(&conn).await?;
            applied.iter().for_each(|m| println!("applied  {m}"));
            pending.iter().for_each(|m| println!("pending  {m}"));
        }
    }
    Ok(())
}

async fn import(url: &str, args: ImportArgs) -> anyhow::Result<()> {
    use crate::ingest::{IngestRequest, Ingestion, Source, Started};
    let conn = open(url).await?;
    let team = accounts::find_team(&conn, &args.team)
        .await?
        .with_context(|| format!("there is no team \"{}\"", args.team))?;
    let file = tokio::fs::File::open(&args.file)
        .await
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let request = IngestRequest {
        team_id: team.id,
        kind: args.kind,
        source: Source::Cli,
        file_name: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        idempotency_key: None,
        fingerprint: None,
        created_by: None,
    };
    let Started::Fresh(mut ingestion) = Ingestion::begin(&conn, request).await? else {
        bail!("nothing to replay without an Idempotency-Key")
    };
    let started = std::time::Instant::now();
    let result = match crate::ingest::csv::feed(
        &mut ingestion,
        tokio::io::BufReader::with_capacity(1 << 20, file),
    )
    .await
    {
        Ok(()) => ingestion.finish().await,
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "imported {} {}: {} new, {} updated, {} unchanged ({:.1} s, {:.0} rows/s)",
                report.received,
                report.kind,
                report.new,
                report.updated,
                report.unchanged,
                secs,
                report.received as f64 / secs.max(1e-9)
            );
            Ok(())
        }
        Err(crate::error::AppError::Rows {
            detail,
            rows,
            total,
        }) => {
            for row in &rows {
                let column = row
                    .column
                    .as_deref()
                    .map(|c| format!(", column {c}"))
                    .unwrap_or_default();
                eprintln!("line {}{column}: {}", row.row, row.message);
            }
            if total as usize > rows.len() {
                eprintln!("… and {} more", total as usize - rows.len());
            }
            bail!("{detail}")
        }
        Err(e) => Err(e.into()),
    }
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let password = if !from_stdin && stdin.is_terminal() {
        rpassword::prompt_password("Password: ")?
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if password.is_empty() {
        bail!("no password given on stdin");
    }
    Ok(password)
}

fn describe(errors: crate::domain::FieldErrors) -> anyhow::Error {
    let lines: Vec<String> = errors
        .0
        .iter()
        .map(|e| {
            let flag = match e.pointer.as_str() {
                "/display_name" => "name",
                other => other.trim_start_matches('/'),
            };
            format!("--{flag}: {}", e.message)
        })
        .collect();
    anyhow::anyhow!(lines.join("\n"))
}
