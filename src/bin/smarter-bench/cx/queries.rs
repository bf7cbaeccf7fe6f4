//! The floor of each metric: the same aggregate written by hand as one SQL
//! query, straight from the definitions in the README, with none of the
//! service's machinery (no bucket layouts, no scan choice, no rollup).
//! They run unchanged on SQLite and PostgreSQL and double as an independent
//! check of the service's answers.
//!
//! Values are literals (the benchmark makes them, they are integers), so
//! the text runs as it is. Each value query returns one row `(n, value)`;
//! each weekly series query returns `(k, n, value)` for the weeks with data,
//! `k` counting weeks from `from`.

use smarter::domain::cx_formulas::CxMetric;

pub const WEEK_MS: i64 = 7 * 86_400_000;

/// A team's window `[from, to)` of whole weeks.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub team: i32,
    pub from: i64,
    pub to: i64,
}

/// `SUM` of a condition.
fn hits(condition: &str) -> String {
    format!("SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
}

/// `100 × part / whole` as a float, `NULL` when `whole` is 0.
fn pct(part: &str, whole: &str) -> String {
    format!("CAST(100.0 * {part} AS DOUBLE PRECISION) / NULLIF({whole}, 0)")
}

/// Table, time column and the value over a group, for response metrics.
fn responses(metric: CxMetric) -> Option<(&'static str, &'static str, String, String)> {
    use CxMetric::*;
    let survey = |kind: &str| format!(" AND kind = '{kind}'");
    let n = "COUNT(*)";
    Some(match metric {
        Nps => (
            "survey_responses",
            "responded_at",
            survey("nps"),
            pct(
                &format!("({} - {})", hits("score >= 9"), hits("score <= 6")),
                n,
            ),
        ),
        Csat => (
            "survey_responses",
            "responded_at",
            survey("csat"),
            pct(&hits("score >= 4"), n),
        ),
        Ces => (
            "survey_responses",
            "responded_at",
            survey("ces"),
            "AVG(CAST(score AS DOUBLE PRECISION))".into(),
        ),
        AvgRating => (
            "reviews",
            "reviewed_at",
            String::new(),
            "AVG(CAST(rating AS DOUBLE PRECISION))".into(),
        ),
        PositiveReviewShare => (
            "reviews",
            "reviewed_at",
            String::new(),
            pct(&hits("rating >= 4"), n),
        ),
        ReviewCount => (
            "reviews",
            "reviewed_at",
            String::new(),
            "CAST(COUNT(*) AS DOUBLE PRECISION)".into(),
        ),
        _ => return None,
    })
}

/// The metric over the whole window: one row `(n, value)`.
pub fn value(metric: CxMetric, w: Window) -> String {
    let Window { team, from, to } = w;
    let orders = |a: i64, b: i64| {
        format!("FROM orders WHERE team_id = {team} AND ordered_at >= {a} AND ordered_at < {b}")
    };
    if let Some((table, t, kind, expr)) = responses(metric) {
        return format!(
            "SELECT COUNT(*) AS n, {expr} AS value FROM {table} \
             WHERE team_id = {team}{kind} AND {t} >= {from} AND {t} < {to}"
        );
    }
    match metric {
        CxMetric::RepeatPurchaseRate => format!(
            "SELECT COUNT(*) AS n, {} AS value FROM (SELECT customer_id, COUNT(*) AS c {} GROUP BY customer_id) s",
            pct(&hits("c >= 2"), "COUNT(*)"),
            orders(from, to)
        ),
        // One pass over each customer's orders before `to`: in the window
        // when the last is, returning when the first is before it.
        CxMetric::ReturningCustomerRate => format!(
            "SELECT COUNT(*) AS n, {} AS value FROM (SELECT customer_id, MIN(ordered_at) AS first \
             FROM orders WHERE team_id = {team} AND ordered_at < {to} GROUP BY customer_id \
             HAVING MAX(ordered_at) >= {from}) s",
            pct(&hits(&format!("first < {from}")), "COUNT(*)")
        ),
        // Customers of the previous window (first order in the range before
        // `from`) who have none in this one (last order before `from`).
        CxMetric::ChurnRate => format!(
            "SELECT COUNT(*) AS n, {} AS value FROM (SELECT customer_id, MAX(ordered_at) AS last {} \
             GROUP BY customer_id HAVING MIN(ordered_at) < {from}) s",
            pct(&hits(&format!("last < {from}")), "COUNT(*)"),
            orders(from - (to - from), to)
        ),
        _ => format!(
            "{} SELECT COUNT(*) AS n, {} AS value {} WHERE f.first >= {from}",
            firsts_before(team, to),
            pct(&hits("o.referred_by IS NOT NULL"), "COUNT(*)"),
            first_orders(team)
        ),
    }
}

/// The metric per week of the window: rows `(k, n, value)`.
pub fn weekly(metric: CxMetric, w: Window) -> String {
    let Window { team, from, to } = w;
    let week = |t: &str| format!("({t} - {from}) / {WEEK_MS}");
    let orders = format!(
        "FROM orders WHERE team_id = {team} AND ordered_at >= {from} AND ordered_at < {to}"
    );
    if let Some((table, t, kind, expr)) = responses(metric) {
        return format!(
            "SELECT {} AS k, COUNT(*) AS n, {expr} AS value FROM {table} \
             WHERE team_id = {team}{kind} AND {t} >= {from} AND {t} < {to} GROUP BY 1 ORDER BY 1",
            week(t)
        );
    }
    match metric {
        CxMetric::RepeatPurchaseRate => format!(
            "SELECT k, COUNT(*) AS n, {} AS value FROM \
             (SELECT {} AS k, customer_id, COUNT(*) AS c {orders} GROUP BY 1, 2) s GROUP BY k ORDER BY k",
            pct(&hits("c >= 2"), "COUNT(*)"),
            week("ordered_at")
        ),
        // Each order carries its customer's first order ever (a window
        // function over the customer's orders before `to`).
        CxMetric::ReturningCustomerRate => format!(
            "SELECT k, COUNT(*) AS n, {} AS value FROM (SELECT DISTINCT {} AS k, customer_id, first FROM \
             (SELECT customer_id, ordered_at, MIN(ordered_at) OVER (PARTITION BY customer_id) AS first \
             FROM orders WHERE team_id = {team} AND ordered_at < {to}) a WHERE ordered_at >= {from}) s \
             GROUP BY k ORDER BY k",
            pct(
                &hits(&format!("first < {from} + k * {WEEK_MS}")),
                "COUNT(*)"
            ),
            week("ordered_at")
        ),
        CxMetric::ChurnRate => {
            // Weeks numbered from the week before the window, so week j's
            // customers are the base of the window's week k = j; a customer
            // churned unless their next active week is j + 1.
            let before = from - WEEK_MS;
            let weeks = (to - from) / WEEK_MS;
            format!(
                "SELECT j AS k, COUNT(*) AS n, {} AS value FROM \
                 (SELECT j, LEAD(j) OVER (PARTITION BY customer_id ORDER BY j) AS next FROM \
                 (SELECT DISTINCT customer_id, (ordered_at - {before}) / {WEEK_MS} AS j FROM orders \
                 WHERE team_id = {team} AND ordered_at >= {before} AND ordered_at < {to}) d) x \
                 WHERE j < {weeks} GROUP BY j ORDER BY j",
                pct(&hits("next IS NULL OR next <> j + 1"), "COUNT(*)")
            )
        }
        _ => format!(
            "{} SELECT {} AS k, COUNT(*) AS n, {} AS value {} WHERE f.first >= {from} GROUP BY 1 ORDER BY 1",
            firsts_before(team, to),
            week("f.first"),
            pct(&hits("o.referred_by IS NOT NULL"), "COUNT(*)"),
            first_orders(team)
        ),
    }
}

/// Every customer's first order ever, among orders before `to`.
fn firsts_before(team: i32, to: i64) -> String {
    format!(
        "WITH firsts AS (SELECT customer_id, MIN(ordered_at) AS first FROM orders \
         WHERE team_id = {team} AND ordered_at < {to} GROUP BY customer_id)"
    )
}

/// The first orders themselves (times are unique per customer in the data).
fn first_orders(team: i32) -> String {
    format!(
        "FROM firsts f JOIN orders o ON o.team_id = {team} AND o.customer_id = f.customer_id AND o.ordered_at = f.first"
    )
}
