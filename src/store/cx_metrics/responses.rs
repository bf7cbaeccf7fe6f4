//! Survey and review metrics: one range scan of the covering index
//! (team, kind, time, score) or (team, time, rating), counted per bucket.

use sea_orm::ConnectionTrait;

use super::sql::{Sql, bucket_index, lit};
use crate::domain::cx_formulas::buckets::Layout;
use crate::domain::cx_formulas::{CxMetric, DataSource, Tally};
use crate::error::AppResult;

const ZERO: &str = "CAST(0 AS BIGINT)";

/// Per-bucket counts of a survey or review metric.
pub(super) async fn tallies<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    metric: CxMetric,
    layout: &Layout,
    filter: Option<&str>,
) -> AppResult<Vec<Tally>> {
    let (table, time, score, filter_column, kind) = match metric.source() {
        DataSource::Surveys(kind) => (
            "survey_responses",
            "responded_at",
            "score",
            "touchpoint",
            Some(kind),
        ),
        DataSource::Reviews => ("reviews", "reviewed_at", "rating", "source", None),
        DataSource::Orders => unreachable!("order metrics are counted per customer"),
    };
    let top_two = format!("COUNT(*) FILTER (WHERE {score} >= 4)");
    let (hits, detractors, sum) = match metric {
        CxMetric::Nps => (
            format!("COUNT(*) FILTER (WHERE {score} >= 9)"),
            format!("COUNT(*) FILTER (WHERE {score} <= 6)"),
            ZERO.to_string(),
        ),
        CxMetric::Csat | CxMetric::PositiveReviewShare => (top_two, ZERO.into(), ZERO.into()),
        CxMetric::Ces | CxMetric::AvgRating => (ZERO.into(), ZERO.into(), format!("SUM({score})")),
        _ => (ZERO.into(), ZERO.into(), ZERO.into()),
    };
    let bounds = &layout.bounds()[1..];
    let mut q = Sql::new(db.get_database_backend());
    q.push(&format!(
        "SELECT CAST({} AS BIGINT) AS k, COUNT(*) AS base, {hits} AS hits, \
         {detractors} AS detractors, {sum} AS total FROM {table} WHERE team_id = ",
        bucket_index(time, bounds, 0)
    ))
    .bind(team_id);
    if let Some(kind) = kind {
        q.push(" AND kind = ").bind(kind.as_str());
    }
    q.push(&format!(
        " AND {time} >= {} AND {time} < {}",
        lit(layout.start()),
        lit(layout.end())
    ));
    if let Some(value) = filter {
        q.push(&format!(" AND {filter_column} = ")).bind(value);
    }
    if layout.len() > 1 {
        q.push(" GROUP BY k");
    }
    let mut tallies = vec![Tally::default(); layout.len()];
    for row in db.query_all_raw(q.statement()).await? {
        let k: i64 = row.try_get("", "k")?;
        let Some(tally) = usize::try_from(k).ok().and_then(|k| tallies.get_mut(k)) else {
            continue;
        };
        *tally = Tally {
            base: row.try_get("", "base")?,
            hits: row.try_get("", "hits")?,
            detractors: row.try_get("", "detractors")?,
            sum: row.try_get::<Option<i64>>("", "total")?.unwrap_or(0),
        };
    }
    Ok(tallies)
}
