//! The clock that triggers the jobs: tokio-cron-scheduler ticks, and each
//! tick runs the review cycles due at that moment. The tick only triggers;
//! exactly-once comes from the claims in `cycles`, so any number of
//! processes may tick against one database.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::sync::Mutex;
use tokio_cron_scheduler::{Job, JobScheduler};

use super::cycles::run_due_cycles;

/// Runs the due cycles once now (catching up after downtime), then every
/// `every`. A tick that finds the previous one still running does nothing.
pub async fn start(db: DatabaseConnection, every: Duration) -> anyhow::Result<JobScheduler> {
    let busy = Arc::new(Mutex::new(()));
    tokio::spawn(tick(db.clone(), busy.clone()));
    let scheduler = JobScheduler::new().await?;
    scheduler
        .add(Job::new_repeated_async(every, move |_, _| {
            Box::pin(tick(db.clone(), busy.clone()))
        })?)
        .await?;
    scheduler.start().await?;
    Ok(scheduler)
}

async fn tick(db: DatabaseConnection, busy: Arc<Mutex<()>>) {
    let Ok(_running) = busy.try_lock() else {
        return;
    };
    if let Err(err) = run_due_cycles(&db, Utc::now()).await {
        tracing::error!(error = %err, "review cycles failed; the next tick retries");
    }
}
