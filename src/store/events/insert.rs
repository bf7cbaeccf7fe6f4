//! The multi-row upsert of a chunk, and telling new rows from stored ones.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::{INSERT_ROWS, Table, content, placeholders};
use crate::domain::events::Event;
use crate::error::AppResult;

/// Inserts the rows whose id is new; returns the indexes (into `rows`) of
/// those whose id was already stored.
///
/// PostgreSQL says which rows went in (`RETURNING`). SQLite skips that
/// (it buffers every returned row) and counts instead: when all went in,
/// nothing conflicted; otherwise the new rows are those with an id above
/// the largest before the insert (ids only grow, and the transaction holds
/// SQLite's write lock).
pub(super) async fn insert_new<C: ConnectionTrait>(
    db: &C,
    t: &Table,
    team_id: i32,
    batch_id: i64,
    rows: &[(u64, Event)],
) -> AppResult<Vec<usize>> {
    let backend = db.get_database_backend();
    let postgres = backend == DbBackend::Postgres;
    let width = t.columns.len() + 3;
    let mut conflicted = Vec::new();
    for (p, part) in rows.chunks(INSERT_ROWS).enumerate() {
        let offset = p * INSERT_ROWS;
        let sql = format!(
            "INSERT INTO {} (team_id, {}, {}, batch_id) VALUES {} ON CONFLICT (team_id, {}) DO NOTHING{}",
            t.name,
            t.id_column,
            t.columns.join(", "),
            placeholders(backend, part.len(), width, 1),
            t.id_column,
            if postgres {
                format!(" RETURNING {}", t.id_column)
            } else {
                String::new()
            },
        );
        let mut values: Vec<Value> = Vec::with_capacity(part.len() * width);
        for (_, event) in part {
            values.push(team_id.into());
            values.push(event.id().into());
            values.extend(content(event));
            values.push(batch_id.into());
        }
        let statement = Statement::from_sql_and_values(backend, sql, values);
        let went_in: std::collections::HashSet<String> = if postgres {
            db.query_all_raw(statement)
                .await?
                .iter()
                .map(|row| row.try_get::<String>("", t.id_column))
                .collect::<Result<_, _>>()?
        } else {
            let before = max_id(db, t).await?;
            if db.execute_raw(statement).await?.rows_affected() == part.len() as u64 {
                continue;
            }
            let sql = format!("SELECT {} FROM {} WHERE id > {before}", t.id_column, t.name);
            db.query_all_raw(Statement::from_string(backend, sql))
                .await?
                .iter()
                .map(|row| row.try_get::<String>("", t.id_column))
                .collect::<Result<_, _>>()?
        };
        conflicted.extend(
            part.iter()
                .enumerate()
                .filter(|(_, (_, e))| !went_in.contains(e.id()))
                .map(|(i, _)| offset + i),
        );
    }
    Ok(conflicted)
}

/// The largest id of the table (0 when empty).
async fn max_id<C: ConnectionTrait>(db: &C, t: &Table) -> AppResult<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) AS m FROM {}", t.name);
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(match row {
        Some(row) => row.try_get("", "m")?,
        None => 0,
    })
}
