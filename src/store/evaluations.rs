//! Evaluation rows: the claim of a review cycle, and what it found.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::evaluation::Findings;
use crate::entities::evaluation;
use crate::error::AppResult;

/// Records an evaluation; a unique violation means another process ran
/// this cycle first.
pub async fn insert_run<C: ConnectionTrait>(
    db: &C,
    goal: (i32, i32),
    scheduled_for: DateTime<Utc>,
    findings: &Findings,
    plan: (Option<f64>, Option<f64>, Option<i64>),
    now: DateTime<Utc>,
) -> Result<evaluation::Model, sea_orm::DbErr> {
    let (baseline, target, n) = plan;
    let suggestion = findings.suggestion.as_ref();
    evaluation::ActiveModel {
        goal_id: Set(goal.0),
        team_id: Set(goal.1),
        scheduled_for: Set(scheduled_for),
        skipped: Set(false),
        status: Set(Some(findings.status.as_str().to_string())),
        current_value: Set(findings.current),
        sample_n: Set(n),
        baseline: Set(baseline),
        target: Set(target),
        progress: Set(findings.progress),
        expected_progress: Set(Some(findings.expected_progress)),
        projected: Set(findings.projected),
        projected_attainment: Set(findings.projected_attainment),
        next_milestone: Set(findings
            .next_milestone
            .as_ref()
            .and_then(|m| serde_json::to_string(m).ok())),
        suggested_target: Set(suggestion.map(|s| s.target)),
        suggested_deadline: Set(suggestion.and_then(|s| s.deadline)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Records cycles missed while nothing ran (already recorded ones stay).
pub async fn insert_skipped<C: ConnectionTrait>(
    db: &C,
    goal: (i32, i32),
    times: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> AppResult<()> {
    if times.is_empty() {
        return Ok(());
    }
    let rows = times.iter().map(|&at| evaluation::ActiveModel {
        goal_id: Set(goal.0),
        team_id: Set(goal.1),
        scheduled_for: Set(at),
        skipped: Set(true),
        created_at: Set(now),
        ..Default::default()
    });
    evaluation::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([evaluation::Column::GoalId, evaluation::Column::ScheduledFor])
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec(db)
        .await?;
    Ok(())
}

/// A goal's cycles, newest first.
pub async fn for_goal<C: ConnectionTrait>(
    db: &C,
    goal_id: i32,
) -> AppResult<Vec<evaluation::Model>> {
    Ok(evaluation::Entity::find()
        .filter(evaluation::Column::GoalId.eq(goal_id))
        .order_by_desc(evaluation::Column::ScheduledFor)
        .all(db)
        .await?)
}

/// What an evaluation found, read back (for reminders).
pub fn findings_of(m: &evaluation::Model) -> Findings {
    use crate::domain::evaluation::{EvaluationStatus, ReadjustSuggestion};
    Findings {
        status: m
            .status
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or(EvaluationStatus::InsufficientData),
        current: m.current_value,
        progress: m.progress,
        expected_progress: m.expected_progress.unwrap_or_default(),
        projected: m.projected,
        projected_attainment: m.projected_attainment,
        next_milestone: m
            .next_milestone
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok()),
        suggestion: m.suggested_target.map(|target| ReadjustSuggestion {
            target,
            deadline: m.suggested_deadline,
        }),
    }
}

/// The newest `per_goal` evaluations (not skipped cycles) of each of these
/// goals, newest first within a goal: one query for a whole dashboard.
pub async fn recent_for_goals<C: ConnectionTrait>(
    db: &C,
    goal_ids: &[i32],
    per_goal: u64,
) -> AppResult<Vec<evaluation::Model>> {
    use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query, WindowStatement};
    use sea_orm::{EntityName, Iterable};
    if goal_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rank = Alias::new("rank_in_goal");
    let mut inner = Query::select();
    inner
        .columns(evaluation::Column::iter())
        .from(evaluation::Entity.table_ref())
        .expr_window_as(
            Expr::cust("ROW_NUMBER()"),
            WindowStatement::partition_by(evaluation::Column::GoalId)
                .order_by(evaluation::Column::ScheduledFor, Order::Desc)
                .to_owned(),
            rank.clone(),
        )
        .and_where(evaluation::Column::GoalId.is_in(goal_ids.iter().copied()))
        .and_where(evaluation::Column::Skipped.eq(false));
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner.to_owned(), Alias::new("ranked"))
        .and_where(Expr::col(rank).lte(per_goal as i64))
        .to_owned();
    let statement = db.get_database_backend().build(&outer);
    Ok(evaluation::Entity::find()
        .from_raw_sql(statement)
        .all(db)
        .await?)
}
