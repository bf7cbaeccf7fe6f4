//! The writing half of an ingestion: a task that owns the batch's
//! transaction and writes chunks as they arrive, so that reading and
//! checking the next rows overlaps with the database writing the last ones
//! (on SQLite the writing happens on the driver's own thread).

use sea_orm::DatabaseTransaction;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::domain::events::{Event, EventKind, RowError};
use crate::error::AppResult;
use crate::store::events::{Counts, write_chunk};

/// Rows with their row numbers, as the store writes them.
pub type Chunk = Vec<(u64, Event)>;

/// A running writer; `finish` hands the transaction back.
pub struct Writer {
    pub batch_id: i64,
    chunks: mpsc::Sender<Chunk>,
    task: JoinHandle<AppResult<Written>>,
}

/// What the writer did, with the still-open transaction.
pub struct Written {
    pub txn: DatabaseTransaction,
    pub counts: Counts,
    /// Rows the store refused (ids repeated with other content); once there
    /// are some, later chunks are not written.
    pub errors: Vec<RowError>,
}

impl Writer {
    pub fn spawn(txn: DatabaseTransaction, team_id: i32, batch_id: i64, kind: EventKind) -> Writer {
        // One chunk waits while another is written: reading stays one ahead.
        let (chunks, mut incoming) = mpsc::channel::<Chunk>(1);
        let task = tokio::spawn(async move {
            let mut counts = Counts::default();
            let mut errors = Vec::new();
            while let Some(rows) = incoming.recv().await {
                if !errors.is_empty() {
                    continue;
                }
                match write_chunk(&txn, team_id, batch_id, kind, rows).await? {
                    Ok(written) => counts.add(written),
                    Err(refused) => errors = refused,
                }
            }
            Ok(Written {
                txn,
                counts,
                errors,
            })
        });
        Writer {
            batch_id,
            chunks,
            task,
        }
    }

    /// Hands a chunk over, waiting while the writer is a chunk behind.
    pub async fn send(&self, rows: Chunk) {
        // A closed channel means the writer failed; `finish` reports why.
        let _ = self.chunks.send(rows).await;
    }

    /// Waits for every chunk to be written.
    pub async fn finish(self) -> AppResult<Written> {
        drop(self.chunks);
        self.task
            .await
            .map_err(|e| anyhow::anyhow!("the ingestion writer stopped: {e}"))?
    }
}
