//! Connecting to SQLite (the embedded default) or PostgreSQL, and migrating.

use std::time::Duration;

use anyhow::{Context, bail};
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

/// The database engines `smarter` runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> anyhow::Result<Engine> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            bail!("DATABASE_URL must start with sqlite:// or postgres://")
        }
    }
}

/// SQLite's page cache per connection, in KiB when negative (64 MiB): it
/// grows only as pages are used.
pub const SQLITE_CACHE_SIZE: &str = "-65536";

/// Opens a pool. SQLite files are created when missing and run in WAL mode
/// with a busy timeout and foreign keys on.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    match Engine::of_url(url)? {
        Engine::Sqlite => {
            options
                .max_connections(8)
                .min_connections(1)
                .map_sqlx_sqlite_opts(|opts| {
                    opts.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(10))
                        .foreign_keys(true)
                        // Ingestion inserts into three indexes at random
                        // places; SQLite's default 2 MiB page cache thrashes
                        // once a team has a few hundred thousand events.
                        .pragma("cache_size", SQLITE_CACHE_SIZE)
                        // A multi-row upsert keeps a statement journal to
                        // undo itself; in memory it costs no file writes.
                        .pragma("temp_store", "MEMORY")
                });
        }
        Engine::Postgres => {
            options.max_connections(16).min_connections(1);
        }
    }
    Database::connect(options).await.with_context(|| {
        format!(
            "cannot open the database at {}",
            crate::config::redact_url(url)
        )
    })
}

/// Brings the schema up to date. On PostgreSQL an advisory lock makes
/// processes that start together migrate one after another.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(7262013851)",
            ))
            .await?;
            Migrator::up(db, None).await.context("migration failed")?;
            txn.commit().await?;
        }
        _ => Migrator::up(db, None).await.context("migration failed")?,
    }
    Ok(())
}

/// Begins a transaction that will write. On SQLite it takes the write lock
/// at once (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy
/// timeout instead of failing when a read lock cannot be upgraded.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, sea_orm::DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Reverts the last `steps` migrations.
pub async fn migrate_down(db: &DatabaseConnection, steps: u32) -> anyhow::Result<()> {
    Migrator::down(db, Some(steps))
        .await
        .context("migration down failed")
}

/// Names of applied and pending migrations.
pub async fn migration_status(
    db: &DatabaseConnection,
) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let applied = Migrator::get_applied_migrations(db).await?;
    let pending = Migrator::get_pending_migrations(db).await?;
    Ok((
        applied.iter().map(|m| m.name().to_string()).collect(),
        pending.iter().map(|m| m.name().to_string()).collect(),
    ))
}

/// Whether the database answers.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}
