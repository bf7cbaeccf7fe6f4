//! The clock that triggers the jobs: tokio-cron-scheduler ticks, and each
//! tick runs the review cycles due at that moment. The tick only triggers;
//! exactly-once comes from the claims in `cycles`, so any number of
//! processes may tick against one database. Each tick also removes the web
//! sessions that have ended.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::sync::Mutex;
use tokio_cron_scheduler::{Job, JobScheduler};

use super::cycles::{ReviewPolicy, run_due_cycles};
use crate::config::Config;
use crate::mail::deliver::{MailSettings, Transport, deliver_due};
use crate::store::reviews::send_reminders;
use crate::store::web_sessions::{SessionPolicy, purge_ended};

/// What a tick works with.
struct Work {
    db: DatabaseConnection,
    transport: Transport,
    mail: MailSettings,
    policy: ReviewPolicy,
    reminder_after: chrono::Duration,
    sessions: SessionPolicy,
    busy: Mutex<()>,
}

/// Runs the due cycles and sends the due mail once now (catching up after
/// downtime), then every `every`. A tick that finds the previous one still
/// running does nothing.
pub async fn start(
    db: DatabaseConnection,
    every: Duration,
    config: &Config,
) -> anyhow::Result<JobScheduler> {
    let mail = config.mail_settings();
    let work = Arc::new(Work {
        db,
        transport: Transport::new(&mail)?,
        mail,
        policy: config.review_policy(),
        reminder_after: config.reminder_after,
        sessions: config.sessions,
        busy: Mutex::new(()),
    });
    tokio::spawn(tick(work.clone()));
    let scheduler = JobScheduler::new().await?;
    scheduler
        .add(Job::new_repeated_async(every, move |_, _| {
            Box::pin(tick(work.clone()))
        })?)
        .await?;
    scheduler.start().await?;
    Ok(scheduler)
}

async fn tick(work: Arc<Work>) {
    let Ok(_running) = work.busy.try_lock() else {
        return;
    };
    if let Err(err) = run_due_cycles(&work.db, &work.policy, Utc::now()).await {
        tracing::error!(error = %err, "review cycles failed; the next tick retries");
    }
    if let Err(err) = send_reminders(&work.db, work.reminder_after, Utc::now()).await {
        tracing::error!(error = %err, "review reminders failed; the next tick retries");
    }
    if let Err(err) = deliver_due(&work.db, &work.transport, &work.mail, Utc::now()).await {
        tracing::error!(error = %err, "mail delivery failed; the next tick retries");
    }
    if let Err(err) = purge_ended(&work.db, work.sessions, Utc::now()).await {
        tracing::error!(error = %err, "removing ended sessions failed; the next tick retries");
    }
}
