//! Goal rows: insert, optimistic update, scoped reads, archive.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::goal::{GoalContext, GoalSpec, GoalStatus, ParentGoal};
use crate::domain::schedule::{first_review, schedule_key};
use crate::entities::goal;
use crate::error::{AppError, AppResult};
use crate::store::{accounts, metrics};

use super::goals_map::apply_spec;
pub use super::goals_map::spec_from_model;

/// The deepest alignment chain followed when looking for circles.
const MAX_ALIGNMENT_DEPTH: usize = 64;

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    spec: &GoalSpec,
    created_by: i32,
    now: DateTime<Utc>,
) -> AppResult<goal::Model> {
    let mut row = goal::ActiveModel {
        team_id: Set(team_id),
        version: Set(1),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        next_review_at: Set(first_review(spec, now)),
        schedule_key: Set(schedule_key(spec)),
        ..Default::default()
    };
    apply_spec(&mut row, spec);
    Ok(row.insert(db).await?)
}

/// Replaces the goal's fields if its version is still `expected_version`;
/// otherwise nothing is written and the answer is 409. The next review
/// stays put unless the review settings, the start or the status changed.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: i32,
    expected_version: i32,
    spec: &GoalSpec,
    now: DateTime<Utc>,
) -> AppResult<goal::Model> {
    let mut row = goal::ActiveModel {
        updated_at: Set(now),
        ..Default::default()
    };
    apply_spec(&mut row, spec);
    let key = schedule_key(spec);
    let next_review = CaseStatement::new()
        .case(
            Expr::col(goal::Column::ScheduleKey).eq(key.clone()),
            Expr::col(goal::Column::NextReviewAt),
        )
        .finally(Expr::value(first_review(spec, now)));
    let result = goal::Entity::update_many()
        .set(row)
        .col_expr(goal::Column::NextReviewAt, next_review.into())
        .col_expr(goal::Column::ScheduleKey, Expr::value(key))
        .col_expr(
            goal::Column::Version,
            Expr::col(goal::Column::Version).add(1),
        )
        .filter(goal::Column::Id.eq(id))
        .filter(goal::Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(stale(id, expected_version));
    }
    goal::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("goal {id} does not exist")))
}

fn stale(id: i32, version: i32) -> AppError {
    AppError::Conflict(format!(
        "goal {id} has changed since version {version}; fetch it again and reapply your change"
    ))
}

/// Archives the goal (it leaves lists but stays readable), if still at `expected_version`.
pub async fn archive<C: ConnectionTrait>(
    db: &C,
    id: i32,
    expected_version: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let result = goal::Entity::update_many()
        .col_expr(goal::Column::ArchivedAt, Expr::value(now))
        .col_expr(
            goal::Column::NextReviewAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(goal::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            goal::Column::Version,
            Expr::col(goal::Column::Version).add(1),
        )
        .filter(goal::Column::Id.eq(id))
        .filter(goal::Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(stale(id, expected_version));
    }
    Ok(())
}

/// The goal, if it belongs to one of `team_ids`.
pub async fn find_in_teams<C: ConnectionTrait>(
    db: &C,
    id: i32,
    team_ids: &[i32],
) -> AppResult<Option<goal::Model>> {
    Ok(goal::Entity::find_by_id(id)
        .filter(goal::Column::TeamId.is_in(team_ids.iter().copied()))
        .one(db)
        .await?)
}

/// What the goal rules need to know about the team beyond the input: its
/// members, its metrics and the requested parent goal (with its chain).
pub async fn rule_context<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    goal_id: Option<i32>,
    caller_id: i32,
    parent_goal_id: Option<i32>,
    today: chrono::NaiveDate,
) -> AppResult<GoalContext> {
    let parent = match parent_goal_id {
        Some(parent_id) => match find_in_teams(db, parent_id, &[team_id]).await? {
            Some(parent) => Some(ParentGoal {
                id: parent.id,
                ancestor_ids: ancestor_ids(db, parent.id).await?,
            }),
            None => None,
        },
        None => None,
    };
    Ok(GoalContext {
        goal_id,
        caller_id,
        member_ids: accounts::member_ids(db, team_id).await?,
        metrics: metrics::metrics_for_team(db, team_id).await?,
        parent,
        today,
    })
}

/// Ids of the goals above `parent_id` in the alignment chain.
pub async fn ancestor_ids<C: ConnectionTrait>(db: &C, parent_id: i32) -> AppResult<Vec<i32>> {
    let mut ids = Vec::new();
    let mut next = goal::Entity::find_by_id(parent_id)
        .one(db)
        .await?
        .and_then(|g| g.parent_goal_id);
    while let Some(id) = next {
        if ids.contains(&id) || ids.len() >= MAX_ALIGNMENT_DEPTH {
            break;
        }
        ids.push(id);
        next = goal::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|g| g.parent_goal_id);
    }
    Ok(ids)
}

/// Which goals a list shows.
#[derive(Clone, Debug, Default)]
pub struct GoalFilter {
    pub team_ids: Vec<i32>,
    pub status: Option<GoalStatus>,
    pub metric_key: Option<String>,
    pub owner_id: Option<i32>,
    pub include_archived: bool,
    /// Only goals with an id above this one (keyset pagination).
    pub after_id: Option<i32>,
    pub limit: u64,
}

/// Goals matching the filter in id order; at most `limit`.
pub async fn list<C: ConnectionTrait>(db: &C, filter: &GoalFilter) -> AppResult<Vec<goal::Model>> {
    let mut query =
        goal::Entity::find().filter(goal::Column::TeamId.is_in(filter.team_ids.iter().copied()));
    if let Some(status) = filter.status {
        query = query.filter(goal::Column::Status.eq(status.as_str()));
    }
    if let Some(key) = &filter.metric_key {
        query = query.filter(goal::Column::MetricKey.eq(key.as_str()));
    }
    if let Some(owner) = filter.owner_id {
        query = query.filter(goal::Column::OwnerId.eq(owner));
    }
    if !filter.include_archived {
        query = query.filter(goal::Column::ArchivedAt.is_null());
    }
    if let Some(after) = filter.after_id {
        query = query.filter(goal::Column::Id.gt(after));
    }
    Ok(query
        .order_by_asc(goal::Column::Id)
        .limit(filter.limit)
        .all(db)
        .await?)
}
