//! Writing CX events in bulk: insert what is new, update what changed,
//! leave the rest, and tell which was which.
//!
//! This is the ingestion hot path, so it speaks SQL directly: multi-row
//! `INSERT … ON CONFLICT DO NOTHING RETURNING` with statement shapes that
//! repeat (and so stay prepared), then one look-up for the conflicting ids.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};

use crate::domain::events::{Event, EventKind, Order, Review, RowError, SurveyResponse};
use crate::error::AppResult;

mod insert;
use insert::insert_new;
/// Rows per INSERT statement; well under SQLite's and PostgreSQL's bind limits.
const INSERT_ROWS: usize = 1000;
/// Ids per look-up of existing rows.
const LOOKUP_IDS: usize = 500;

/// How a chunk of events compared with what was stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.new += other.new;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

struct Table {
    name: &'static str,
    id_column: &'static str,
    /// Content columns, after `team_id` and the id column.
    columns: &'static [&'static str],
}

fn table(kind: EventKind) -> Table {
    match kind {
        EventKind::Orders => Table {
            name: "orders",
            id_column: "order_id",
            columns: &[
                "customer_id",
                "ordered_at",
                "amount",
                "channel",
                "referred_by",
            ],
        },
        EventKind::Reviews => Table {
            name: "reviews",
            id_column: "review_id",
            columns: &["customer_id", "rating", "source", "reviewed_at", "text"],
        },
        EventKind::Surveys => Table {
            name: "survey_responses",
            id_column: "response_id",
            columns: &["customer_id", "kind", "score", "responded_at", "touchpoint"],
        },
    }
}

fn content(event: &Event) -> Vec<Value> {
    match event {
        Event::Order(o) => vec![
            o.customer_id.clone().into(),
            o.ordered_at.into(),
            o.amount.into(),
            o.channel.clone().into(),
            o.referred_by.clone().into(),
        ],
        Event::Review(r) => vec![
            r.customer_id.clone().into(),
            r.rating.into(),
            r.source.clone().into(),
            r.reviewed_at.into(),
            r.text.clone().into(),
        ],
        Event::Survey(s) => vec![
            s.customer_id.clone().into(),
            s.kind.as_str().into(),
            s.score.into(),
            s.responded_at.into(),
            s.touchpoint.clone().into(),
        ],
    }
}

fn decode(kind: EventKind, id: String, row: &QueryResult) -> AppResult<Event> {
    Ok(match kind {
        EventKind::Orders => Event::Order(Order {
            order_id: id,
            customer_id: row.try_get("", "customer_id")?,
            ordered_at: row.try_get("", "ordered_at")?,
            amount: row.try_get("", "amount")?,
            channel: row.try_get("", "channel")?,
            referred_by: row.try_get("", "referred_by")?,
        }),
        EventKind::Reviews => Event::Review(Review {
            review_id: id,
            customer_id: row.try_get("", "customer_id")?,
            rating: row.try_get("", "rating")?,
            source: row.try_get("", "source")?,
            reviewed_at: row.try_get("", "reviewed_at")?,
            text: row.try_get("", "text")?,
        }),
        EventKind::Surveys => {
            let kind: String = row.try_get("", "kind")?;
            Event::Survey(SurveyResponse {
                response_id: id,
                customer_id: row.try_get("", "customer_id")?,
                kind: kind
                    .parse()
                    .map_err(|e: String| anyhow::anyhow!("stored survey kind: {e}"))?,
                score: row.try_get("", "score")?,
                responded_at: row.try_get("", "responded_at")?,
                touchpoint: row.try_get("", "touchpoint")?,
            })
        }
    })
}

/// Placeholders `(…), (…)` for `rows` rows of `width` values, numbered from `first`.
fn placeholders(backend: DbBackend, rows: usize, width: usize, first: usize) -> String {
    let mut sql = String::with_capacity(rows * width * 5);
    let mut n = first;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ",(" });
        for c in 0..width {
            if c > 0 {
                sql.push(',');
            }
            if backend == DbBackend::Postgres {
                sql.push('$');
                sql.push_str(&n.to_string());
            } else {
                sql.push('?');
            }
            n += 1;
        }
        sql.push(')');
    }
    sql
}

/// Writes one chunk of a batch. Rows are `(row number, event)`; a row whose
/// id was already written by this same batch with other content is an error.
pub async fn write_chunk<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    batch_id: i64,
    kind: EventKind,
    rows: Vec<(u64, Event)>,
) -> AppResult<Result<Counts, Vec<RowError>>> {
    let t = table(kind);
    let mut counts = Counts::default();
    let mut errors = Vec::new();
    // Duplicates inside the chunk: identical ones are harmless, others are errors.
    let mut first_seen: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    let mut unique: Vec<(u64, Event)> = Vec::with_capacity(rows.len());
    for (row, event) in rows {
        match first_seen.get(event.id()) {
            Some(&at) if unique[at].1 == event => counts.unchanged += 1,
            Some(&at) => errors.push(duplicate(t.id_column, row, Some(unique[at].0), event.id())),
            None => {
                first_seen.insert(event.id().to_string(), unique.len());
                unique.push((row, event));
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let conflicted = insert_new(db, &t, team_id, batch_id, &unique).await?;
    counts.new = (unique.len() - conflicted.len()) as u64;
    let conflicted: Vec<&(u64, Event)> = conflicted.iter().map(|&i| &unique[i]).collect();
    for part in conflicted.chunks(LOOKUP_IDS) {
        let existing = load_existing(db, &t, kind, team_id, part).await?;
        let mut seen = Vec::new();
        for (row, event) in part {
            let Some((stored_id, stored_batch, stored)) = existing.get(event.id()) else {
                // Deleted between insert and look-up: treat as a conflict-free retry.
                return Err(anyhow::anyhow!("row {} vanished during ingestion", event.id()).into());
            };
            if stored == event {
                counts.unchanged += 1;
                if *stored_batch != batch_id {
                    seen.push(*stored_id);
                }
            } else if *stored_batch == batch_id {
                errors.push(duplicate(t.id_column, *row, None, event.id()));
            } else {
                update_row(db, &t, *stored_id, batch_id, event).await?;
                counts.updated += 1;
            }
        }
        mark_seen(db, &t, batch_id, &seen).await?;
    }
    Ok(if errors.is_empty() {
        Ok(counts)
    } else {
        Err(errors)
    })
}

fn duplicate(id_column: &str, row: u64, first_row: Option<u64>, id: &str) -> RowError {
    let earlier = first_row
        .map(|r| format!(" (first at row {r})"))
        .unwrap_or_default();
    RowError {
        row,
        column: Some(id_column.to_string()),
        message: format!(
            "the id \"{id}\" appears twice in this batch with different content{earlier}"
        ),
    }
}

type Stored = HashMap<String, (i64, i64, Event)>;

async fn load_existing<C: ConnectionTrait>(
    db: &C,
    t: &Table,
    kind: EventKind,
    team_id: i32,
    part: &[&(u64, Event)],
) -> AppResult<Stored> {
    let backend = db.get_database_backend();
    let list = placeholders(backend, 1, part.len(), 2);
    let sql = format!(
        "SELECT id, batch_id, {}, {} FROM {} WHERE team_id = {} AND {} IN {}",
        t.id_column,
        t.columns.join(", "),
        t.name,
        if backend == DbBackend::Postgres {
            "$1"
        } else {
            "?"
        },
        t.id_column,
        list,
    );
    let mut values: Vec<Value> = vec![team_id.into()];
    values.extend(part.iter().map(|(_, e)| Value::from(e.id())));
    let mut stored = HashMap::with_capacity(part.len());
    for row in db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
    {
        let id: String = row.try_get("", t.id_column)?;
        let event = decode(kind, id.clone(), &row)?;
        stored.insert(
            id,
            (row.try_get("", "id")?, row.try_get("", "batch_id")?, event),
        );
    }
    Ok(stored)
}

async fn update_row<C: ConnectionTrait>(
    db: &C,
    t: &Table,
    id: i64,
    batch_id: i64,
    event: &Event,
) -> AppResult<()> {
    let backend = db.get_database_backend();
    let mut n = 0;
    let mut next = || {
        n += 1;
        if backend == DbBackend::Postgres {
            format!("${n}")
        } else {
            "?".to_string()
        }
    };
    let sets: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("{c} = {}", next()))
        .collect();
    let sql = format!(
        "UPDATE {} SET {}, batch_id = {} WHERE id = {}",
        t.name,
        sets.join(", "),
        next(),
        next()
    );
    let mut values = content(event);
    values.push(batch_id.into());
    values.push(id.into());
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

/// Claims unchanged rows for this batch, so that a later chunk of the same
/// batch sending one of their ids with other content is caught as a
/// duplicate (chunks do not remember each other's ids).
async fn mark_seen<C: ConnectionTrait>(
    db: &C,
    t: &Table,
    batch_id: i64,
    ids: &[i64],
) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let sql = format!(
        "UPDATE {} SET batch_id = {} WHERE id IN {}",
        t.name,
        if backend == DbBackend::Postgres {
            "$1"
        } else {
            "?"
        },
        placeholders(backend, 1, ids.len(), 2),
    );
    let mut values: Vec<Value> = vec![batch_id.into()];
    values.extend(ids.iter().map(|&id| Value::from(id)));
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}
