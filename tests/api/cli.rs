//! The `smarter` binary: migrations, users and tokens, the demo, help, and
//! configuration errors. Each test runs the real executable over a fresh
//! database, on SQLite and (when configured) PostgreSQL.

use std::process::{Output, Stdio};

use migration::MigratorTrait;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use smarter::config::Config;
use smarter::startup::Application;
use tokio::io::AsyncWriteExt;

use crate::helpers::{Backend, PostgresDb, fresh_database};

/// The tables the migrations create, as later code relies on them.
pub const CORE_TABLES: [&str; 7] = [
    "users",
    "teams",
    "memberships",
    "api_tokens",
    "custom_metrics",
    "metric_observations",
    "goals",
];

/// A fresh, empty database and a scratch working directory for the binary.
pub struct Db {
    pub url: String,
    dir: tempfile::TempDir,
    _postgres: Option<PostgresDb>,
}

impl Db {
    pub async fn fresh(backend: Backend) -> Option<Db> {
        let (url, dir, postgres) = fresh_database(backend).await?;
        Some(Db {
            url,
            dir,
            _postgres: postgres,
        })
    }

    /// Runs `smarter ARGS` with DATABASE_URL pointing here, feeding `stdin`.
    pub async fn smarter(&self, args: &[&str], stdin: Option<&str>) -> Output {
        smarter_with_url(&self.url, self.dir.path(), args, stdin).await
    }

    /// Like `smarter`, and the command must succeed; returns its stdout.
    pub async fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let output = self.smarter(args, stdin).await;
        assert!(
            output.status.success(),
            "smarter {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    pub async fn connect(&self) -> DatabaseConnection {
        smarter::store::db::connect(&self.url).await.unwrap()
    }
}

pub async fn smarter_with_url(
    url: &str,
    dir: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
) -> Output {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_smarter"))
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env_remove("SMARTER_BIND")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the smarter binary starts");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).await.unwrap();
    }
    drop(input);
    child.wait_with_output().await.unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The tables in the database, migration bookkeeping included.
pub async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    };
    let mut names: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect();
    names.sort();
    names
}

pub async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// The one text value `sql` selects.
pub async fn text(db: &DatabaseConnection, sql: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0).unwrap()
}

pub fn migration_count() -> usize {
    migration::Migrator::migrations().len()
}

/// Declares a test that runs the binary once over SQLite and once over PostgreSQL.
macro_rules! cli_test {
    ($(#[$meta:meta])* async fn $name:ident($db:ident: Db) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            use $crate::cli::Db;
            use $crate::helpers::Backend;

            async fn run($db: Db) $body

            #[tokio::test]
            async fn sqlite() {
                run(Db::fresh(Backend::Sqlite).await.unwrap()).await;
            }

            #[tokio::test]
            async fn postgres() {
                match Db::fresh(Backend::Postgres).await {
                    Some(db) => run(db).await,
                    None => eprintln!("skipped: set {} to run on PostgreSQL", crate::helpers::POSTGRES_ENV),
                }
            }
        }
    };
}

/// Starts the service over `url` on a random port; returns its address.
pub async fn start_app(url: &str) -> String {
    let config = Config::new(url.to_string(), "127.0.0.1:0".parse().unwrap());
    let app = Application::build(config).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    address
}

mod demo;
mod evaluate;
mod help;
mod migrate;
mod users;
