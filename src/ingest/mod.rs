//! Ingestion of raw CX data, the same rules for every path (JSON, NDJSON,
//! CSV over HTTP, CSV from the CLI): all-or-nothing batches, every bad row
//! reported (up to a cap), idempotent by event id and by `Idempotency-Key`.

pub mod csv;
pub mod json;
mod writer;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::events::{Event, EventKind, RowError};
use crate::entities::ingest_batch;
use crate::error::{AppError, AppResult};
use crate::store::is_unique_violation;
use writer::{Writer, Written};

/// Events handed to the writer at a time (small, so reading and writing overlap).
const CHUNK: usize = 1000;
/// Row errors listed in an answer; the total is always given.
pub const MAX_REPORTED_ERRORS: usize = 100;

/// Where a batch came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Api,
    Csv,
    Cli,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Csv => "csv",
            Source::Cli => "cli",
        }
    }
}

/// Who sends what.
#[derive(Clone, Debug)]
pub struct IngestRequest {
    pub team_id: i32,
    pub kind: EventKind,
    pub source: Source,
    pub file_name: Option<String>,
    pub idempotency_key: Option<String>,
    pub fingerprint: Option<String>,
    pub created_by: Option<i32>,
}

/// What a finished batch did.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct IngestReport {
    pub batch_id: i64,
    pub kind: EventKind,
    /// Rows read.
    pub received: u64,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// True when this answer repeats an earlier request with the same Idempotency-Key.
    pub replayed: bool,
}

/// A batch being written, inside one transaction.
pub struct Ingestion {
    db: DatabaseConnection,
    /// Started at the first write (with the transaction), so reading a slow
    /// upload holds no lock.
    writer: Option<Writer>,
    request: IngestRequest,
    pending: Vec<(u64, Event)>,
    errors: Vec<RowError>,
    total_errors: u64,
    received: u64,
}

/// Either a fresh ingestion or the stored answer to a repeated key.
pub enum Started {
    Fresh(Box<Ingestion>),
    Replay(IngestReport),
}

impl Ingestion {
    /// Starts a batch, or finds the earlier answer for a repeated Idempotency-Key.
    pub async fn begin(db: &DatabaseConnection, request: IngestRequest) -> AppResult<Started> {
        if let Some(report) = replay(db, &request).await? {
            return Ok(Started::Replay(report));
        }
        Ok(Started::Fresh(Box::new(Ingestion {
            db: db.clone(),
            writer: None,
            request,
            pending: Vec::with_capacity(CHUNK),
            errors: Vec::new(),
            total_errors: 0,
            received: 0,
        })))
    }

    /// Opens the transaction and records the batch in it.
    async fn start(&mut self) -> AppResult<()> {
        if self.writer.is_some() {
            return Ok(());
        }
        let request = &self.request;
        let txn = crate::store::db::begin_write(&self.db).await?;
        let row = ingest_batch::ActiveModel {
            team_id: Set(request.team_id),
            kind: Set(request.kind.as_str().into()),
            source: Set(request.source.as_str().into()),
            file_name: Set(request.file_name.clone()),
            idempotency_key: Set(request.idempotency_key.clone()),
            fingerprint: Set(request.fingerprint.clone()),
            status: Set("running".into()),
            received: Set(0),
            new_count: Set(0),
            updated_count: Set(0),
            unchanged_count: Set(0),
            error_count: Set(0),
            created_by: Set(request.created_by),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        match row.insert(&txn).await {
            Ok(batch) => {
                let kind = request.kind;
                self.writer = Some(Writer::spawn(txn, request.team_id, batch.id, kind));
                Ok(())
            }
            Err(e) if is_unique_violation(&e) => {
                txn.rollback().await?;
                Err(AppError::Conflict(
                    "a request with this Idempotency-Key was processed meanwhile; repeat the request to get its answer"
                        .into(),
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub fn kind(&self) -> EventKind {
        self.request.kind
    }

    /// Notes problems with a row (or the whole input, row 0).
    pub fn reject(&mut self, errors: Vec<RowError>) {
        self.total_errors += errors.len() as u64;
        let room = MAX_REPORTED_ERRORS.saturating_sub(self.errors.len());
        self.errors.extend(errors.into_iter().take(room));
        // Nothing more will be stored; stop holding rows.
        self.pending.clear();
    }

    /// Takes one parsed row; writes a chunk when enough have gathered.
    pub async fn push(&mut self, row: u64, parsed: Result<Event, Vec<RowError>>) -> AppResult<()> {
        self.received += 1;
        match parsed {
            Err(errors) => self.reject(errors),
            Ok(event) if self.total_errors == 0 => {
                self.pending.push((row, event));
                if self.pending.len() >= CHUNK {
                    self.flush().await?;
                }
            }
            Ok(_) => {}
        }
        Ok(())
    }

    async fn flush(&mut self) -> AppResult<()> {
        let rows = std::mem::take(&mut self.pending);
        if rows.is_empty() || self.total_errors > 0 {
            return Ok(());
        }
        self.start().await?;
        self.writer
            .as_ref()
            .expect("started above")
            .send(rows)
            .await;
        Ok(())
    }

    /// Waits for the writer; its refusals join the row errors.
    async fn written(&mut self) -> AppResult<Option<(Written, i64)>> {
        let Some(writer) = self.writer.take() else {
            return Ok(None);
        };
        let batch_id = writer.batch_id;
        let mut written = writer.finish().await?;
        if !written.errors.is_empty() {
            self.reject(std::mem::take(&mut written.errors));
            self.errors.sort_by_key(|e| e.row);
        }
        Ok(Some((written, batch_id)))
    }

    /// Commits when every row was good; otherwise stores nothing, records the
    /// failed batch and answers with the row errors.
    pub async fn finish(mut self) -> AppResult<IngestReport> {
        self.flush().await?;
        let written = self.written().await?;
        if self.received == 0 && self.total_errors == 0 {
            self.reject(vec![RowError {
                row: 0,
                column: None,
                message: "there are no rows to import".into(),
            }]);
        }
        if self.total_errors > 0 {
            if let Some((written, _)) = written {
                written.txn.rollback().await?;
            }
            record_failure(
                &self.db,
                &self.request,
                self.received,
                self.total_errors,
                &self.errors,
            )
            .await?;
            return Err(AppError::Rows {
                detail: format!(
                    "{} problem(s) in {} row(s) read; nothing was stored",
                    self.total_errors, self.received
                ),
                rows: self.errors,
                total: self.total_errors,
            });
        }
        let (written, batch_id) = written.expect("rows were written, so the batch started");
        let (txn, counts) = (written.txn, written.counts);
        let batch = ingest_batch::ActiveModel {
            id: Set(batch_id),
            status: Set("succeeded".into()),
            received: Set(self.received as i64),
            new_count: Set(counts.new as i64),
            updated_count: Set(counts.updated as i64),
            unchanged_count: Set(counts.unchanged as i64),
            finished_at: Set(Some(Utc::now())),
            ..Default::default()
        };
        let batch = batch.update(&txn).await?;
        txn.commit().await?;
        tracing::info!(batch = batch.id, kind = %self.request.kind, received = self.received, new = counts.new, "ingested");
        Ok(report(&batch, false))
    }
}

/// The team's latest ingestions, newest first.
pub async fn recent_batches<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    limit: u64,
) -> AppResult<Vec<ingest_batch::Model>> {
    Ok(ingest_batch::Entity::find()
        .filter(ingest_batch::Column::TeamId.eq(team_id))
        .order_by_desc(ingest_batch::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

fn report(batch: &ingest_batch::Model, replayed: bool) -> IngestReport {
    IngestReport {
        batch_id: batch.id,
        kind: batch.kind.parse().unwrap_or(EventKind::Orders),
        received: batch.received as u64,
        new: batch.new_count as u64,
        updated: batch.updated_count as u64,
        unchanged: batch.unchanged_count as u64,
        replayed,
    }
}

async fn replay(
    db: &DatabaseConnection,
    request: &IngestRequest,
) -> AppResult<Option<IngestReport>> {
    let Some(key) = &request.idempotency_key else {
        return Ok(None);
    };
    let found = ingest_batch::Entity::find()
        .filter(ingest_batch::Column::TeamId.eq(request.team_id))
        .filter(ingest_batch::Column::Kind.eq(request.kind.as_str()))
        .filter(ingest_batch::Column::IdempotencyKey.eq(key.as_str()))
        .filter(ingest_batch::Column::Status.eq("succeeded"))
        .one(db)
        .await?;
    let Some(batch) = found else { return Ok(None) };
    if batch.fingerprint != request.fingerprint {
        return Err(AppError::field(
            "",
            "this Idempotency-Key was already used for a request with a different body; use a new key",
        ));
    }
    Ok(Some(report(&batch, true)))
}

/// Keeps a record of a failed batch (without its key, so a retry may reuse it).
async fn record_failure(
    db: &DatabaseConnection,
    request: &IngestRequest,
    received: u64,
    total_errors: u64,
    errors: &[RowError],
) -> AppResult<()> {
    let now = Utc::now();
    ingest_batch::ActiveModel {
        team_id: Set(request.team_id),
        kind: Set(request.kind.as_str().into()),
        source: Set(request.source.as_str().into()),
        file_name: Set(request.file_name.clone()),
        status: Set("failed".into()),
        received: Set(received as i64),
        new_count: Set(0),
        updated_count: Set(0),
        unchanged_count: Set(0),
        error_count: Set(total_errors as i64),
        errors: Set(serde_json::to_string(errors).ok()),
        created_by: Set(request.created_by),
        created_at: Set(now),
        finished_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
