//! Delivery from the outbox: rows are claimed with a lease (on PostgreSQL
//! `FOR UPDATE SKIP LOCKED`, so processes never take the same row), sent
//! with no transaction open, then marked sent, retried later, or failed.
//!
//! Transient failures (connection refused, time-outs, 4xx replies) are
//! retried with exponential backoff and jitter up to `max_attempts`; a 5xx
//! reply fails the row at once, keeping the server's reply. The Message-ID
//! comes from the row, so a resend after a crash is the same message.
//! Without an SMTP server the messages are written as `.eml` files.

use std::path::PathBuf;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    Statement, Value,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::compose::REVIEW_LINK;
use crate::entities::outbox_message as outbox;
use crate::error::AppResult;

/// Rows claimed at a time.
const CLAIM: i64 = 32;
/// Messages sent at once.
const PARALLEL: usize = 8;
/// First retry after this long; doubled per attempt, capped at `MAX_BACKOFF`.
const FIRST_BACKOFF: i64 = 30;
const MAX_BACKOFF: i64 = 3600;

/// Where mail goes.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a folder (no SMTP server configured).
    Folder(PathBuf),
}

/// How mail is sent.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// lettre's URL syntax: smtp://host:25, smtps://user:pass@host, smtp://host:587?tls=required
    pub smtp_url: Option<String>,
    pub from: String,
    pub outbox_dir: PathBuf,
    /// The service's address, for review links and Message-IDs.
    pub base_url: url::Url,
    pub max_attempts: i32,
    /// How long a claimed row is left to its sender before another may take it.
    pub lease: Duration,
}

impl Transport {
    pub fn new(settings: &MailSettings) -> anyhow::Result<Transport> {
        Ok(match &settings.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL is not a usable SMTP URL: {e}"))?
                    .timeout(Some(StdDuration::from_secs(20)))
                    .build(),
            ),
            None => Transport::Folder(settings.outbox_dir.clone()),
        })
    }
}

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    pub sent: u64,
    pub retrying: u64,
    pub failed: u64,
}

enum Outcome {
    Sent,
    Transient(String),
    Permanent(String),
}

/// Sends every message due at `now`.
#[tracing::instrument(skip_all, err)]
pub async fn deliver_due(
    db: &DatabaseConnection,
    transport: &Transport,
    settings: &MailSettings,
    now: DateTime<Utc>,
) -> AppResult<DeliveryReport> {
    let mut report = DeliveryReport::default();
    loop {
        let rows = claim(db, now, now + settings.lease).await?;
        if rows.is_empty() {
            return Ok(report);
        }
        // Several messages in flight: an SMTP exchange is mostly waiting
        // for replies, and the transport pools its connections.
        let outcomes: Vec<(outbox::Model, Outcome)> = futures_util::stream::iter(rows)
            .map(|row| async move {
                let outcome = send(transport, settings, &row).await;
                (row, outcome)
            })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        for (row, outcome) in outcomes {
            record(db, settings, &row, outcome, now, &mut report).await?;
        }
    }
}

/// Takes up to `CLAIM` due rows under a lease until `lease_until`.
async fn claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> AppResult<Vec<outbox::Model>> {
    let backend = db.get_database_backend();
    let (p1, p2, lock) = match backend {
        DbBackend::Postgres => ("$1", "$2", " FOR UPDATE SKIP LOCKED"),
        _ => ("?", "?", ""),
    };
    let sql = format!(
        "UPDATE outbox SET lease_until = {p1}, attempts = attempts + 1 WHERE id IN \
         (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= {p2} \
         AND (lease_until IS NULL OR lease_until < {p2}) ORDER BY id LIMIT {CLAIM}{lock}) RETURNING id"
    );
    let values: Vec<Value> = match backend {
        DbBackend::Postgres => vec![lease_until.into(), now.into()],
        _ => vec![lease_until.into(), now.into(), now.into()],
    };
    let ids: Vec<i64> = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
        .iter()
        .map(|r| r.try_get("", "id"))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(outbox::Entity::find()
        .filter(outbox::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

fn message(settings: &MailSettings, row: &outbox::Model) -> Result<Message, String> {
    let link = match &row.review_token {
        Some(token) => settings
            .base_url
            .join(&format!("review/{token}"))
            .map_err(|e| e.to_string())?
            .to_string(),
        None => String::new(),
    };
    let from: Mailbox = settings
        .from
        .parse()
        .map_err(|e| format!("SMARTER_MAIL_FROM: {e}"))?;
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("recipient {}: {e}", row.recipient))?;
    let host = settings.base_url.host_str().unwrap_or("localhost");
    let digest = hex::encode(&Sha256::digest(row.message_key.as_bytes())[..8]);
    Message::builder()
        .from(from)
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(format!("<smarter.{}.{digest}@{host}>", row.id)))
        .multipart(MultiPart::alternative_plain_html(
            row.text_body.replace(REVIEW_LINK, &link),
            row.html_body.replace(REVIEW_LINK, &link),
        ))
        .map_err(|e| e.to_string())
}

async fn send(transport: &Transport, settings: &MailSettings, row: &outbox::Model) -> Outcome {
    let message = match message(settings, row) {
        Ok(message) => message,
        Err(why) => return Outcome::Permanent(why),
    };
    match transport {
        Transport::Smtp(smtp) => match smtp.send(message).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Permanent(e.to_string()),
            Err(e) => Outcome::Transient(e.to_string()),
        },
        Transport::Folder(dir) => {
            let path = dir.join(format!("{:08}-{}.eml", row.id, row.kind));
            let written = async {
                tokio::fs::create_dir_all(dir).await?;
                tokio::fs::write(&path, message.formatted()).await
            };
            match written.await {
                Ok(()) => Outcome::Sent,
                Err(e) => Outcome::Transient(format!("cannot write {}: {e}", path.display())),
            }
        }
    }
}

/// Seconds until the next attempt: doubling, capped, with ±20 % jitter.
pub fn backoff_secs(attempts: i32) -> i64 {
    let exp = FIRST_BACKOFF
        .saturating_mul(1 << attempts.clamp(1, 20).saturating_sub(1))
        .min(MAX_BACKOFF);
    let jitter = rand::rng().random_range(0.8..1.2);
    (exp as f64 * jitter).round() as i64
}

async fn record(
    db: &DatabaseConnection,
    settings: &MailSettings,
    row: &outbox::Model,
    outcome: Outcome,
    now: DateTime<Utc>,
    report: &mut DeliveryReport,
) -> AppResult<()> {
    let none: Option<DateTime<Utc>> = None;
    let update = outbox::Entity::update_many()
        .filter(outbox::Column::Id.eq(row.id))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(none));
    let update = match outcome {
        Outcome::Sent => {
            report.sent += 1;
            update
                .col_expr(outbox::Column::Status, Expr::value("sent"))
                .col_expr(outbox::Column::SentAt, Expr::value(Some(Utc::now())))
                .col_expr(
                    outbox::Column::ReviewToken,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(
                    outbox::Column::LastError,
                    Expr::value(Option::<String>::None),
                )
        }
        Outcome::Transient(why) if row.attempts < settings.max_attempts => {
            report.retrying += 1;
            tracing::warn!(id = row.id, attempts = row.attempts, error = %why, "mail will be retried");
            update
                .col_expr(
                    outbox::Column::NextAttemptAt,
                    Expr::value(now + Duration::seconds(backoff_secs(row.attempts))),
                )
                .col_expr(outbox::Column::LastError, Expr::value(Some(why)))
        }
        Outcome::Transient(why) | Outcome::Permanent(why) => {
            report.failed += 1;
            let why = if row.attempts >= settings.max_attempts {
                format!("gave up after {} attempts: {why}", row.attempts)
            } else {
                why
            };
            tracing::error!(id = row.id, error = %why, "mail failed");
            update
                .col_expr(outbox::Column::Status, Expr::value("failed"))
                .col_expr(outbox::Column::LastError, Expr::value(Some(why)))
        }
    };
    update.exec(db).await?;
    Ok(())
}

/// Puts failed messages back in the queue (all of them, or those of `ids`).
pub async fn retry_failed<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> AppResult<u64> {
    let result = crate::store::outbox::requeue_failed(now).exec(db).await?;
    Ok(result.rows_affected)
}
