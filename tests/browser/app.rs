//! The service under test: a fresh SQLite database, emails written as
//! `.eml` files to a directory of the test's own, no scheduler (tests run
//! the review cycles themselves, at the time they choose).

#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use smarter::config::Config;
use smarter::domain::account::{NewUser, Role};
use smarter::jobs::cycles::run_due_cycles;
use smarter::mail::deliver::{Transport, deliver_due};
use smarter::store::accounts;

/// The password of every user [`App::user`] creates.
pub const PASSWORD: &str = "correct horse battery";

pub struct App {
    pub address: String,
    pub db: DatabaseConnection,
    pub config: Config,
    dir: tempfile::TempDir,
}

/// A user made straight in the database.
pub struct User {
    pub id: i32,
    pub email: String,
    pub team_id: i32,
}

impl App {
    pub async fn spawn() -> App {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("smarter.db").display());
        let mut config = Config::new(url, "127.0.0.1:0".parse().unwrap());
        config.outbox_dir = dir.path().join("outbox");
        let (address, db) = crate::serve::serve(config.clone()).await;
        App {
            address,
            db,
            config,
            dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A user with [`PASSWORD`] in `team` (created if new).
    pub async fn user(&self, email: &str, name: &str, team: &str, role: Role) -> User {
        let new = NewUser::parse(email, name, PASSWORD).expect("a valid user");
        let (user, team) = accounts::create_user(&self.db, new, team, role, Utc::now())
            .await
            .expect("user created");
        User {
            id: user.id,
            email: user.email,
            team_id: team.id,
        }
    }

    /// Runs the review cycles due at `now` and sends their emails; returns
    /// how many goals were evaluated.
    pub async fn run_reviews(&self, now: DateTime<Utc>) -> u64 {
        let report = run_due_cycles(&self.db, &self.config.review_policy(), now)
            .await
            .expect("cycles run");
        let settings = self.config.mail_settings();
        let transport = Transport::new(&settings).expect("mail transport");
        deliver_due(&self.db, &transport, &settings, now)
            .await
            .expect("mail delivered");
        report.evaluated
    }

    /// Every email sent so far, as raw `.eml` text.
    pub fn emails(&self) -> Vec<String> {
        let dir: PathBuf = self.config.outbox_dir.clone();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| std::fs::read_to_string(e.path()).expect("email readable"))
            .collect()
    }

    /// The review link in the email to `to`, pointed at this service:
    /// links carry the configured base URL, and a test binds port 0.
    pub fn review_link_for(&self, to: &str) -> String {
        let emails = self.emails();
        let email = emails
            .iter()
            .find(|e| e.contains(&format!("To: {to}")))
            .unwrap_or_else(|| panic!("no email to {to} among {} sent", emails.len()));
        let start = email
            .find("/review/rv_")
            .expect("a review link in the email");
        let path: String = email[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "/_-".contains(*c))
            .collect();
        self.url(&path)
    }
}
