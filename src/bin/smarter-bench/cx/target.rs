//! Where a run keeps its databases: files in a scratch directory (SQLite),
//! or scratch databases on a PostgreSQL server, dropped afterwards.

use anyhow::Context;
use sea_orm::{ConnectionTrait, Database};

use crate::fixture::ScratchDir;

/// The engine a run measures, and the databases it made.
pub enum Target {
    Sqlite,
    Postgres { server: String, made: Vec<String> },
}

impl Target {
    pub fn name(&self) -> &'static str {
        match self {
            Target::Sqlite => "SQLite",
            Target::Postgres { .. } => "PostgreSQL",
        }
    }

    /// The URL of a new, empty database called after `name`.
    pub async fn fresh(&mut self, scratch: &ScratchDir, name: &str) -> anyhow::Result<String> {
        match self {
            Target::Sqlite => Ok(scratch.sqlite_url_named(name)),
            Target::Postgres { server, made } => {
                let db = format!("smarter_bench_{}_{name}", std::process::id());
                let admin = Database::connect(server.as_str())
                    .await
                    .context("cannot reach the PostgreSQL server")?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db}"))
                    .await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {db}"))
                    .await
                    .with_context(|| format!("cannot create the database {db}"))?;
                admin.close().await?;
                made.push(db.clone());
                let mut url = url::Url::parse(server).context("the PostgreSQL URL")?;
                url.set_path(&db);
                Ok(url.to_string())
            }
        }
    }

    /// Removes what the run made (SQLite files go with the directory).
    pub async fn clean_up(self) -> anyhow::Result<()> {
        if let Target::Postgres { server, made } = self {
            let admin = Database::connect(server.as_str()).await?;
            for db in made {
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                    .await?;
            }
            admin.close().await?;
        }
        Ok(())
    }
}
