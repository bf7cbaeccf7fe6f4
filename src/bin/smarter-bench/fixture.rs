//! What every benchmark starts from: a fresh SQLite database in a directory
//! of its own, and a user in a team with an API token.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use smarter::domain::account::{NewUser, Role};
use smarter::store::{accounts, tokens};

/// A temporary directory, removed with everything in it when dropped.
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    pub fn new() -> anyhow::Result<ScratchDir> {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let nanos = Utc::now().timestamp_subsec_nanos();
        let name = format!(
            "smarter-bench-{}-{nanos}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        // create_dir, not create_dir_all: never reuse someone else's directory.
        std::fs::create_dir(&path)
            .with_context(|| format!("cannot create the directory {}", path.display()))?;
        Ok(ScratchDir { path })
    }

    /// The URL of a SQLite database file in this directory (created on connect).
    pub fn sqlite_url(&self) -> String {
        self.sqlite_url_named("bench")
    }

    /// The URL of the SQLite database file `name.db` in this directory.
    pub fn sqlite_url_named(&self, name: &str) -> String {
        format!(
            "sqlite://{}",
            self.path.join(format!("{name}.db")).display()
        )
    }

    /// A path in this directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let Err(err) = std::fs::remove_dir_all(&self.path) {
            eprintln!("warning: cannot remove {}: {err}", self.path.display());
        }
    }
}

/// A user, the team they manage and an API token of theirs.
pub struct Account {
    pub user_id: i32,
    pub team_id: i32,
    pub token: String,
}

/// The email and password of the bench's user, for logging in over HTTP.
pub const EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "a long bench password";

/// Creates a manager in a new team, with a token.
pub async fn seed_account(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<Account> {
    let new = NewUser::parse(EMAIL, "Bench Manager", PASSWORD)
        .map_err(|e| anyhow::anyhow!("bench user: {e:?}"))?;
    let (user, team) = accounts::create_user(db, new, "Bench team", Role::Manager, now).await?;
    let (_, token) = tokens::create_token(db, user.id, "bench", now).await?;
    Ok(Account {
        user_id: user.id,
        team_id: team.id,
        token,
    })
}
