//! The SMARTER review cycles: every active goal whose review is due is
//! evaluated once, its schedule moved to the next occurrence, and cycles
//! missed while nothing ran are recorded as skipped.
//!
//! Exactly once, however many processes share the database: a cycle is
//! claimed by moving the goal's `next_review_at` on from the value it was
//! read with (a conditional update) and by inserting its evaluation row,
//! unique per (goal, scheduled time), in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use serde::Serialize;

use crate::domain::evaluation::{EvaluationInput, Findings, evaluate};
use crate::domain::goal::{Direction, GoalSpec};
use crate::domain::schedule::Schedule;
use crate::entities::goal;
use crate::error::AppResult;
use crate::measure::{self, Measurement};
use crate::store::{evaluations, goals, is_unique_violation, reviews};

/// Goals read per round.
const ROUND: u64 = 200;

/// How reviews are asked for.
#[derive(Clone, Copy, Debug)]
pub struct ReviewPolicy {
    /// How long an emailed review link works.
    pub link_ttl: chrono::Duration,
}

impl Default for ReviewPolicy {
    fn default() -> Self {
        ReviewPolicy {
            link_ttl: chrono::Duration::days(14),
        }
    }
}

/// The metric data read in one pass, shared by goals on the same metric:
/// ten thousand goals of a team on ten metrics read ten metrics, not ten
/// thousand. The pass reads everything as of one `now`.
#[derive(Default)]
struct DataCache {
    measurements: HashMap<(i32, String, u32), Option<Measurement>>,
    trends: HashMap<(i32, String, NaiveDate), Vec<(NaiveDate, f64)>>,
}

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CyclesReport {
    /// Cycles evaluated by this pass.
    pub evaluated: u64,
    /// Missed cycles recorded as skipped.
    pub skipped: u64,
    /// Cycles another process ran first.
    pub claimed_elsewhere: u64,
}

/// Runs every cycle due at `now`: evaluates it, opens its review request
/// and queues the review email, all in one transaction.
#[tracing::instrument(skip(db), err)]
pub async fn run_due_cycles(
    db: &DatabaseConnection,
    policy: &ReviewPolicy,
    now: DateTime<Utc>,
) -> AppResult<CyclesReport> {
    let mut report = CyclesReport::default();
    let mut cache = DataCache::default();
    let mut after_id = 0;
    loop {
        let due = goal::Entity::find()
            .filter(goal::Column::Status.eq("active"))
            .filter(goal::Column::ArchivedAt.is_null())
            .filter(goal::Column::NextReviewAt.lte(now))
            .filter(goal::Column::Id.gt(after_id))
            .order_by_asc(goal::Column::Id)
            .limit(ROUND)
            .all(db)
            .await?;
        let Some(last) = due.last() else { break };
        after_id = last.id;
        for model in due {
            run_cycle(db, policy, model, now, &mut cache, &mut report).await?;
        }
    }
    if report.evaluated > 0 || report.skipped > 0 {
        tracing::info!(
            evaluated = report.evaluated,
            skipped = report.skipped,
            "review cycles ran"
        );
    }
    Ok(report)
}

async fn run_cycle(
    db: &DatabaseConnection,
    policy: &ReviewPolicy,
    model: goal::Model,
    now: DateTime<Utc>,
    cache: &mut DataCache,
    report: &mut CyclesReport,
) -> AppResult<()> {
    let Some(due) = model.next_review_at else {
        return Ok(());
    };
    let spec = goals::spec_from_model(&model)?;
    let anchor = spec.time_bound.start.unwrap_or_else(|| {
        model
            .created_at
            .with_timezone(&spec.review.timezone)
            .date_naive()
    });
    let plan = Schedule {
        settings: &spec.review,
        anchor,
    }
    .plan(due, now);
    let Some(run) = plan.run else { return Ok(()) };
    // Reading the data takes the longest; it holds no write lock.
    let (findings, n) = findings(db, &model, &spec, now, cache).await?;
    let txn = db.begin().await?;
    let moved = goal::Entity::update_many()
        .col_expr(goal::Column::NextReviewAt, Expr::value(plan.next_due))
        .filter(goal::Column::Id.eq(model.id))
        .filter(goal::Column::NextReviewAt.eq(due))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        txn.rollback().await?;
        report.claimed_elsewhere += 1;
        return Ok(());
    }
    let key = (model.id, model.team_id);
    let m = &spec.measurable;
    let evaluation =
        match evaluations::insert_run(&txn, key, run, &findings, (m.baseline, m.target, n), now)
            .await
        {
            Ok(evaluation) => evaluation,
            Err(e) if is_unique_violation(&e) => {
                txn.rollback().await?;
                report.claimed_elsewhere += 1;
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
    evaluations::insert_skipped(&txn, key, &plan.skipped, now).await?;
    reviews::open_review(
        &txn,
        &model,
        &spec,
        evaluation.id,
        &findings,
        policy.link_ttl,
        now,
    )
    .await?;
    txn.commit().await?;
    report.evaluated += 1;
    report.skipped += plan.skipped_total;
    Ok(())
}

/// Evaluates the goal on its data as of `now`; also returns the sample size.
async fn findings(
    db: &DatabaseConnection,
    model: &goal::Model,
    spec: &GoalSpec,
    now: DateTime<Utc>,
    cache: &mut DataCache,
) -> AppResult<(Findings, Option<i64>)> {
    let m = &spec.measurable;
    let team = model.team_id;
    let key = m.metric_key.clone().unwrap_or_default();
    let measurement = match cache.measurements.get(&(team, key.clone(), m.window_days)) {
        Some(cached) => cached.clone(),
        None => {
            let fresh = measure::measure(db, team, spec, now).await?;
            cache
                .measurements
                .insert((team, key.clone(), m.window_days), fresh.clone());
            fresh
        }
    };
    let today = now.with_timezone(&spec.review.timezone).date_naive();
    let start = spec.time_bound.start.unwrap_or(today);
    // The trend looks back at most a quarter; goals that started before
    // that share one series.
    let since = start.max((now - chrono::Duration::weeks(13)).date_naive());
    let history = match m.metric_key.as_deref() {
        Some(k) => match cache.trends.get(&(team, key.clone(), since)) {
            Some(points) => points.clone(),
            None => {
                let points = measure::recent_points(db, team, k, since, now).await?;
                cache.trends.insert((team, key, since), points.clone());
                points
            }
        },
        None => Vec::new(),
    };
    let milestones: Vec<_> = m.milestones.iter().map(|x| (x.date, x.target)).collect();
    let input = EvaluationInput {
        direction: m.direction.unwrap_or(Direction::Increase),
        baseline: m.baseline.unwrap_or_default(),
        target: m.target.unwrap_or_default(),
        start,
        deadline: spec.time_bound.deadline.unwrap_or(today),
        today,
        current: measurement
            .as_ref()
            .and_then(|x| x.current)
            .filter(|_| m.baseline.is_some() && m.target.is_some()),
        stale: measurement.as_ref().is_some_and(|x| x.stale),
        history: &history,
        milestones: &milestones,
    };
    Ok((evaluate(&input), measurement.map(|x| x.n)))
}
