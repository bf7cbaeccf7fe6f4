//! Typed settings, from flags and the environment. Secrets are never logged.

use std::net::SocketAddr;

/// Where the data lives.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://smarter.db";
/// Where the service listens.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// The largest JSON request body accepted, in bytes.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// The largest batch of events (JSON or NDJSON) accepted, in bytes.
pub const DEFAULT_EVENTS_BODY_LIMIT: usize = 32 * 1024 * 1024;
/// The sender of review emails.
pub const DEFAULT_MAIL_FROM: &str = "smarter <smarter@localhost>";
/// Where emails are written when no SMTP server is configured.
pub const DEFAULT_OUTBOX_DIR: &str = "outbox";
/// Days an emailed review link works.
pub const DEFAULT_REVIEW_LINK_DAYS: i64 = 14;
/// Hours a review waits unanswered before its reminder.
pub const DEFAULT_REMINDER_AFTER_HOURS: i64 = 72;
/// Seconds between two looks for due review cycles.
pub const DEFAULT_CYCLE_TICK_SECS: u64 = 30;
/// The largest CSV upload accepted, in bytes. Uploads are streamed, never held in memory.
pub const DEFAULT_IMPORT_BODY_LIMIT: u64 = 4 * 1024 * 1024 * 1024;
/// The largest CSV file accepted through the web form, in bytes (larger
/// files go through the API or `smarter import`).
pub const DEFAULT_WEB_UPLOAD_LIMIT: u64 = 32 * 1024 * 1024;
/// Minutes a browser session may stay unused before it ends.
pub const DEFAULT_SESSION_IDLE_MINUTES: i64 = 12 * 60;
/// Hours after login when a browser session ends, however active.
pub const DEFAULT_SESSION_MAX_HOURS: i64 = 7 * 24;
/// Password checks allowed to run at once; the rest wait their turn, so a
/// flood of logins cannot take every core from the other pages.
pub const DEFAULT_LOGIN_CONCURRENCY: usize = 1;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    /// The address users reach the service at, used in links.
    pub base_url: url::Url,
    pub body_limit: usize,
    pub events_body_limit: usize,
    pub import_body_limit: u64,
    /// How often the review cycles are looked for; `None` runs none (tests
    /// and one-off commands call them directly).
    pub cycle_tick: Option<std::time::Duration>,
    /// SMTP server in lettre's URL syntax; `None` writes `.eml` files to `outbox_dir`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub outbox_dir: std::path::PathBuf,
    /// How long an emailed review link works.
    pub review_link_ttl: chrono::Duration,
    /// How long a review waits unanswered before its one reminder.
    pub reminder_after: chrono::Duration,
    /// The largest CSV file accepted by the web upload form.
    pub web_upload_limit: u64,
    /// How long browser sessions last.
    pub sessions: crate::store::web_sessions::SessionPolicy,
    /// How many password hashes may be computed at once.
    pub login_concurrency: usize,
}

impl Config {
    /// Settings for a service on `bind` with everything else at its default.
    pub fn new(database_url: impl Into<String>, bind: SocketAddr) -> Self {
        let base_url =
            url::Url::parse(&format!("http://{bind}/")).expect("a socket address makes a URL");
        Config {
            database_url: database_url.into(),
            bind,
            base_url,
            body_limit: DEFAULT_BODY_LIMIT,
            events_body_limit: DEFAULT_EVENTS_BODY_LIMIT,
            import_body_limit: DEFAULT_IMPORT_BODY_LIMIT,
            cycle_tick: None,
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.into(),
            outbox_dir: DEFAULT_OUTBOX_DIR.into(),
            review_link_ttl: chrono::Duration::days(DEFAULT_REVIEW_LINK_DAYS),
            reminder_after: chrono::Duration::hours(DEFAULT_REMINDER_AFTER_HOURS),
            web_upload_limit: DEFAULT_WEB_UPLOAD_LIMIT,
            sessions: crate::store::web_sessions::SessionPolicy {
                idle: chrono::Duration::minutes(DEFAULT_SESSION_IDLE_MINUTES),
                absolute: chrono::Duration::hours(DEFAULT_SESSION_MAX_HOURS),
            },
            login_concurrency: DEFAULT_LOGIN_CONCURRENCY,
        }
    }

    /// How mail is sent.
    pub fn mail_settings(&self) -> crate::mail::deliver::MailSettings {
        crate::mail::deliver::MailSettings {
            smtp_url: self.smtp_url.clone(),
            from: self.mail_from.clone(),
            outbox_dir: self.outbox_dir.clone(),
            base_url: self.base_url.clone(),
            max_attempts: 8,
            lease: chrono::Duration::minutes(5),
        }
    }

    /// How reviews are asked for.
    pub fn review_policy(&self) -> crate::jobs::cycles::ReviewPolicy {
        crate::jobs::cycles::ReviewPolicy {
            link_ttl: self.review_link_ttl,
        }
    }

    /// Whether users reach the service over HTTPS, so cookies must be `Secure`.
    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// The database URL with any password replaced, for logs.
    pub fn redacted_database_url(&self) -> String {
        redact_url(&self.database_url)
    }
}

/// Replaces the password in a URL, if it has one.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("*****"));
            url.to_string()
        }
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/smarter"),
            "postgres://app:*****@db:5432/smarter"
        );
        assert_eq!(redact_url("sqlite://smarter.db"), "sqlite://smarter.db");
    }
}
