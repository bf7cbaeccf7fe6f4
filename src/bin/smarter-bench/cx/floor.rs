//! The floor of ingestion: the database itself inserting the same orders
//! into the same table (same indexes) with one prepared statement in one
//! transaction. SQLite is called in-process through its C API (rusqlite),
//! the way an embedded program uses it; PostgreSQL through the driver the
//! service uses, with nothing of ours in between.

use std::time::{Duration, Instant};

use anyhow::bail;
use sea_orm::sqlx;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use smarter::domain::events::{Event, Order};

const INSERT_SQLITE: &str = "INSERT INTO orders (team_id, order_id, customer_id, ordered_at, \
    amount, channel, referred_by, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
const INSERT_POSTGRES: &str = "INSERT INTO orders (team_id, order_id, customer_id, ordered_at, \
    amount, channel, referred_by, batch_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Inserts `orders` (all `Event::Order`) for `team` into the database at
/// `url`; returns the time it took.
pub async fn insert_orders(
    db: &DatabaseConnection,
    url: &str,
    team: i32,
    orders: &[Event],
) -> anyhow::Result<Duration> {
    let orders = orders.iter().map(|event| match event {
        Event::Order(o) => Ok(o),
        _ => bail!("the floor inserts orders only"),
    });
    if db.get_database_backend() != DbBackend::Postgres {
        let path = url.trim_start_matches("sqlite://").to_string();
        let orders: Vec<&Order> = orders.collect::<anyhow::Result<_>>()?;
        // SQLite alone: the service's pool on the file is closed first.
        db.close_by_ref().await?;
        return tokio::task::block_in_place(|| insert_sqlite(&path, team, &orders));
    }
    let started = Instant::now();
    let mut tx = db.get_postgres_connection_pool().begin().await?;
    for o in orders {
        let o = o?;
        sqlx::query(INSERT_POSTGRES)
            .bind(team)
            .bind(&o.order_id)
            .bind(&o.customer_id)
            .bind(o.ordered_at)
            .bind(o.amount)
            .bind(&o.channel)
            .bind(&o.referred_by)
            .bind(0_i64)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(started.elapsed())
}

/// SQLite alone: the service's settings (WAL, synchronous NORMAL, foreign keys).
fn insert_sqlite(path: &str, team: i32, orders: &[&Order]) -> anyhow::Result<Duration> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )?;
    let started = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(INSERT_SQLITE)?;
        for o in orders {
            insert.execute(rusqlite::params![
                team,
                o.order_id,
                o.customer_id,
                o.ordered_at,
                o.amount,
                o.channel,
                o.referred_by,
                0_i64
            ])?;
        }
    }
    tx.commit()?;
    Ok(started.elapsed())
}

/// One row of a floor query: the week (0 for a single value), `n` and the value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    pub k: i64,
    pub n: i64,
    pub value: Option<f64>,
}

/// Runs a hand-written query; returns its rows and the time it took.
pub async fn query(db: &DatabaseConnection, sql: &str) -> anyhow::Result<(Vec<Row>, Duration)> {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    let started = Instant::now();
    let rows = db.query_all_raw(statement).await?;
    let elapsed = started.elapsed();
    let rows = rows
        .iter()
        .map(|row| {
            Ok(Row {
                k: row
                    .try_get::<Option<i64>>("", "k")
                    .ok()
                    .flatten()
                    .unwrap_or(0),
                n: row.try_get("", "n")?,
                value: row.try_get("", "value")?,
            })
        })
        .collect::<Result<Vec<Row>, sea_orm::DbErr>>()?;
    Ok((rows, elapsed))
}
