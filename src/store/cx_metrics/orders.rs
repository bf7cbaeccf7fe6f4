//! Customer rates from orders: repeat purchase, returning customers, churn.
//!
//! Two ways to read a window's customers, chosen on SQLite by how much of
//! the team's order history the window covers (see `Scan`). One window is
//! counted entirely in SQL; a series sends one line per customer (the
//! buckets of their orders), all in a single text value, and the rollup in
//! `domain::cx_formulas::customers` counts them.

use sea_orm::{ConnectionTrait, DbBackend};

use super::sql::{Sql, bucket_index, int_list, lit, parse_int_list};
use crate::domain::cx_formulas::buckets::Layout;
use crate::domain::cx_formulas::customers::CustomerRollup;
use crate::domain::cx_formulas::{CxMetric, Tally};
use crate::error::AppResult;

pub(super) const BY_TIME: &str = " INDEXED BY idx_orders_team_id_ordered_at_customer_id";
pub(super) const BY_CUSTOMER: &str = " INDEXED BY idx_orders_team_id_customer_id_ordered_at";

/// Scan the whole history once the window covers a quarter of it.
const HISTORY_SHARE_DIVISOR: i64 = 4;

/// How to find the customers who ordered in `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scan {
    /// The window's orders through (team, ordered_at, customer_id), grouped
    /// by customer (a sort), with one look-up per customer in (team,
    /// customer_id, ordered_at) for "ordered before?". Cost follows the window.
    Window,
    /// Every order of the team before `to` through (team, customer_id,
    /// ordered_at): already in customer order, so grouping needs no sort and
    /// "ordered before?" is the group's minimum. Cost follows the history;
    /// it wins when the window is most of it. For these rates SQLite only:
    /// PostgreSQL hashes the groups either way.
    History,
}

/// Picks the scan for orders in `[from, to)` from the team's first and last
/// order (two index look-ups).
pub(super) async fn choose_scan<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    from: i64,
    to: i64,
) -> AppResult<Scan> {
    let mut q = Sql::new(db.get_database_backend());
    q.push("SELECT (SELECT MIN(ordered_at) FROM orders WHERE team_id = ")
        .bind(team_id)
        .push(") AS lo, (SELECT MAX(ordered_at) FROM orders WHERE team_id = ")
        .bind(team_id)
        .push(") AS hi");
    let Some(row) = db.query_one_raw(q.statement()).await? else {
        return Ok(Scan::Window);
    };
    let (Some(lo), Some(hi)) = (
        row.try_get::<Option<i64>>("", "lo")?,
        row.try_get::<Option<i64>>("", "hi")?,
    ) else {
        return Ok(Scan::Window);
    };
    let span = hi.saturating_sub(lo).saturating_add(1);
    let covered = to
        .min(hi.saturating_add(1))
        .saturating_sub(from.max(lo))
        .max(0);
    Ok(if covered.saturating_mul(HISTORY_SHARE_DIVISOR) >= span {
        Scan::History
    } else {
        Scan::Window
    })
}

/// The scan for customer rates: chosen on SQLite, the window on PostgreSQL.
async fn rates_scan<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    from: i64,
    to: i64,
) -> AppResult<Scan> {
    match db.get_database_backend() {
        DbBackend::Sqlite => choose_scan(db, team_id, from, to).await,
        _ => Ok(Scan::Window),
    }
}

/// The per-customer query's FROM, WHERE and GROUP BY for orders in
/// `[from, end)`; `before` becomes "ordered before `from`".
fn per_customer_source(q: &mut Sql, scan: Scan, team_id: i32, from: i64, end: i64) {
    match scan {
        Scan::Window => {
            q.push(&format!(
                " FROM orders o{}",
                if q.is_sqlite() { BY_TIME } else { "" }
            ))
            .push(" WHERE o.team_id = ")
            .bind(team_id)
            .push(&format!(
                " AND o.ordered_at >= {} AND o.ordered_at < {} GROUP BY o.customer_id",
                lit(from),
                lit(end)
            ));
        }
        Scan::History => {
            q.push(&format!(" FROM orders o{BY_CUSTOMER} WHERE o.team_id = "))
                .bind(team_id)
                .push(&format!(
                    " AND o.ordered_at < {} GROUP BY o.customer_id HAVING MAX(o.ordered_at) >= {}",
                    lit(end),
                    lit(from)
                ));
        }
    }
}

/// "The customer ordered before `from`", as a condition over the group.
fn ordered_before(q: &mut Sql, scan: Scan, team_id: i32, from: i64) -> String {
    match scan {
        Scan::Window => format!(
            "EXISTS (SELECT 1 FROM orders h WHERE h.team_id = {} AND h.customer_id = o.customer_id \
             AND h.ordered_at < {})",
            q.param(team_id),
            lit(from)
        ),
        Scan::History => format!("MIN(o.ordered_at) < {}", lit(from)),
    }
}

/// Repeat purchase, returning customer or churn rate per bucket.
pub(super) async fn customer_rates<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    metric: CxMetric,
    layout: &Layout,
    channel: Option<&str>,
) -> AppResult<Vec<Tally>> {
    if layout.len() == 1 {
        Ok(vec![
            window_rate(db, team_id, metric, layout, channel).await?,
        ])
    } else {
        series_rates(db, team_id, metric, layout, channel).await
    }
}

/// One window, counted in SQL: one row per customer with their order
/// counts, then the customers in the base and those who count.
async fn window_rate<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    metric: CxMetric,
    layout: &Layout,
    channel: Option<&str>,
) -> AppResult<Tally> {
    let churn = metric == CxMetric::ChurnRate;
    let (start, end) = (layout.start(), layout.end());
    let from = if churn {
        layout.previous_start()
    } else {
        start
    };
    let scan = rates_scan(db, team_id, from, end).await?;
    let mut q = Sql::new(db.get_database_backend());
    // The base: customers with an order in the window (churn: the previous
    // window), through the channel when filtered; `w` counts their orders
    // in the window through any channel.
    let (base, hit) = match metric {
        CxMetric::RepeatPurchaseRate => ("c.b > 0", "c.w > 1"),
        CxMetric::ReturningCustomerRate => ("c.b > 0", "c.before"),
        _ => ("c.b > 0", "c.w = 0"),
    };
    q.push(&format!(
        "SELECT COUNT(*) FILTER (WHERE {base}) AS base, COUNT(*) FILTER (WHERE {base} AND {hit}) AS hits \
         FROM (SELECT COUNT(*) FILTER (WHERE o.ordered_at >= {}) AS w, ",
        lit(start)
    ));
    let base_range = if churn {
        format!("o.ordered_at < {}", lit(start))
    } else {
        format!("o.ordered_at >= {}", lit(start))
    };
    let base_filter = match channel {
        Some(channel) => format!("{base_range} AND o.channel = {}", q.param(channel)),
        None => base_range,
    };
    q.push(&format!(
        "COUNT(*) FILTER (WHERE o.ordered_at >= {} AND {base_filter}) AS b",
        lit(from)
    ));
    if metric == CxMetric::ReturningCustomerRate {
        let before = ordered_before(&mut q, scan, team_id, from);
        q.push(&format!(", {before} AS before"));
    }
    per_customer_source(&mut q, scan, team_id, from, end);
    q.push(") c");
    let row = db.query_one_raw(q.statement()).await?;
    Ok(match row {
        Some(row) => Tally {
            base: row.try_get("", "base")?,
            hits: row.try_get("", "hits")?,
            ..Tally::default()
        },
        None => Tally::default(),
    })
}

/// A series: every customer's order buckets as one text value
/// (`before|buckets|cohort buckets;…`), rolled up in Rust.
async fn series_rates<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    metric: CxMetric,
    layout: &Layout,
    channel: Option<&str>,
) -> AppResult<Vec<Tally>> {
    // Churn needs the period before the first bucket; the others do not.
    let (bounds, first) = if metric.needs_previous_window() {
        (layout.bounds(), -1)
    } else {
        (&layout.bounds()[1..], 0)
    };
    let (from, end) = (bounds[0], layout.end());
    let scan = rates_scan(db, team_id, from, end).await?;
    let backend = db.get_database_backend();
    let k = bucket_index("o.ordered_at", bounds, first);
    let in_range = match scan {
        Scan::Window => String::new(),
        Scan::History => format!("o.ordered_at >= {}", lit(from)),
    };
    let and = |extra: &str| match in_range.is_empty() {
        true => extra.to_string(),
        false => format!("{in_range} AND {extra}"),
    };
    let mut q = Sql::new(backend);
    q.push(&format!(
        "SELECT {} AS lines FROM (SELECT ",
        string_agg(backend, "c.line", "';'")
    ));
    let before = ordered_before(&mut q, scan, team_id, from);
    q.push(&format!(
        "CASE WHEN {before} THEN '1' ELSE '0' END || '|' || COALESCE({}, '') || '|' || ",
        int_list(backend, &k, &in_range)
    ));
    let cohort_filter = channel.map(|channel| and(&format!("o.channel = {}", q.param(channel))));
    match &cohort_filter {
        Some(filter) => q.push(&format!("COALESCE({}, '')", int_list(backend, &k, filter))),
        None => q.push("''"),
    };
    q.push(" AS line");
    per_customer_source(&mut q, scan, team_id, from, end);
    if let Some(channel) = channel {
        q.push(if scan == Scan::Window {
            " HAVING "
        } else {
            " AND "
        });
        let filter = and(&format!("o.channel = {}", q.param(channel)));
        q.push(&format!("COUNT(*) FILTER (WHERE {filter}) > 0"));
    }
    q.push(") c");
    let lines: Option<String> = match db.query_one_raw(q.statement()).await? {
        Some(row) => row.try_get("", "lines")?,
        None => None,
    };
    let mut rollup = CustomerRollup::new(layout.len());
    let (mut orders, mut cohort) = (Vec::new(), Vec::new());
    for line in lines
        .as_deref()
        .unwrap_or("")
        .split(';')
        .filter(|l| !l.is_empty())
    {
        let mut parts = line.splitn(3, '|');
        let before = parts.next() == Some("1");
        parse_int_list(parts.next(), &mut orders)?;
        if channel.is_some() {
            parse_int_list(parts.next(), &mut cohort)?;
        } else {
            cohort.clone_from(&orders);
        }
        rollup.add(&mut orders, before, &mut cohort);
    }
    Ok((0..layout.len())
        .map(|j| rollup.tally(metric, j).unwrap_or_default())
        .collect())
}

/// Concatenates a text column over a group with a separator.
fn string_agg(backend: DbBackend, expr: &str, separator: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("string_agg({expr}, {separator})"),
        _ => format!("group_concat({expr}, {separator})"),
    }
}
