//! Referral rate: of the customers whose first order ever falls in a
//! bucket, those whose first order names a referrer.
//!
//! A customer's first order is their earliest; of several at the same
//! moment, the one stored first (lowest id). Only the first orders of new
//! customers are read from the table; finding them uses the indexes.

use sea_orm::{ConnectionTrait, DbBackend};

use super::orders::{BY_CUSTOMER, BY_TIME, Scan, choose_scan};
use super::sql::{Sql, bucket_index, lit};
use crate::domain::cx_formulas::Tally;
use crate::domain::cx_formulas::buckets::Layout;
use crate::error::AppResult;

/// New customers and referred new customers per bucket; with a channel,
/// only new customers whose first order came through it.
pub(super) async fn referrals<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    layout: &Layout,
    channel: Option<&str>,
) -> AppResult<Vec<Tally>> {
    let (start, end) = (layout.start(), layout.end());
    let scan = choose_scan(db, team_id, start, end).await?;
    let backend = db.get_database_backend();
    let mut q = Sql::new(backend);
    q.push(&format!(
        "SELECT CAST({} AS BIGINT) AS k, COUNT(*) AS base, \
         COUNT(*) FILTER (WHERE referred_by IS NOT NULL) AS hits FROM ",
        bucket_index("first_at", &layout.bounds()[1..], 0)
    ));
    let mut conditions = first_orders(&mut q, backend, scan, team_id, start, end);
    if let Some(channel) = channel {
        conditions.push(format!("channel = {}", q.param(channel)));
    }
    if !conditions.is_empty() {
        q.push(" WHERE ").push(&conditions.join(" AND "));
    }
    if layout.len() > 1 {
        q.push(" GROUP BY k");
    }
    let mut tallies = vec![Tally::default(); layout.len()];
    for row in db.query_all_raw(q.statement()).await? {
        let k: i64 = row.try_get("", "k")?;
        if let Some(tally) = usize::try_from(k).ok().and_then(|k| tallies.get_mut(k)) {
            tally.base = row.try_get("", "base")?;
            tally.hits = row.try_get("", "hits")?;
        }
    }
    Ok(tallies)
}

/// Pushes a FROM source of the first orders of customers new in
/// `[start, end)`, with columns `first_at`, `referred_by` and `channel`;
/// returns conditions the outer WHERE must add.
fn first_orders(
    q: &mut Sql,
    backend: DbBackend,
    scan: Scan,
    team_id: i32,
    start: i64,
    end: i64,
) -> Vec<String> {
    let (start, end) = (lit(start), lit(end));
    match (backend, scan) {
        // Every customer's first order. SQLite takes a bare column next to
        // MIN() from the row holding the minimum: the first such row in
        // index order, so the lowest id on a tie. Sorting the ids makes the
        // table look-ups run forwards.
        (DbBackend::Sqlite, Scan::History) => {
            q.push(&format!(
                "(SELECT o.id AS first_id, MIN(o.ordered_at) AS first_at FROM orders o{BY_CUSTOMER} \
                 WHERE o.team_id = "
            ))
            .bind(team_id)
            .push(&format!(
                " AND o.ordered_at < {end} GROUP BY o.customer_id HAVING first_at >= {start} \
                 ORDER BY first_id) c JOIN orders f ON f.id = c.first_id"
            ));
            vec![]
        }
        (_, Scan::History) => {
            q.push(
                "(SELECT DISTINCT ON (o.customer_id) o.ordered_at AS first_at, o.referred_by, o.channel \
                 FROM orders o WHERE o.team_id = ",
            )
            .bind(team_id)
            .push(&format!(
                " AND o.ordered_at < {end} ORDER BY o.customer_id, o.ordered_at, o.id) f"
            ));
            vec![format!("first_at >= {start}")]
        }
        // The window's customers less those who ordered before it, then one
        // look-up of each one's first order.
        (_, Scan::Window) => {
            let by_time = if backend == DbBackend::Sqlite {
                BY_TIME
            } else {
                ""
            };
            q.push(&format!(
                "(SELECT o.customer_id, MIN(o.ordered_at) AS first_at FROM orders o{by_time} \
                 WHERE o.team_id = "
            ))
            .bind(team_id)
            .push(&format!(
                " AND o.ordered_at >= {start} AND o.ordered_at < {end} GROUP BY o.customer_id \
                 HAVING NOT EXISTS (SELECT 1 FROM orders h WHERE h.team_id = "
            ))
            .bind(team_id)
            .push(&format!(
                " AND h.customer_id = o.customer_id AND h.ordered_at < {start})) c "
            ));
            let first = "r.customer_id = c.customer_id AND r.ordered_at = c.first_at";
            if backend == DbBackend::Sqlite {
                q.push(
                    "JOIN orders f ON f.id = (SELECT MIN(r.id) FROM orders r WHERE r.team_id = ",
                )
                .bind(team_id)
                .push(&format!(" AND {first})"));
            } else {
                q.push(
                    "CROSS JOIN LATERAL (SELECT r.referred_by, r.channel FROM orders r WHERE r.team_id = ",
                )
                .bind(team_id)
                .push(&format!(" AND {first} ORDER BY r.id LIMIT 1) f"));
            }
            vec![]
        }
    }
}
