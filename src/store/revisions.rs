//! Goal revisions: every decided change of a goal, with its reason.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::review::Changes;
use crate::entities::goal_revision;
use crate::error::AppResult;

/// What a revision records besides the changes.
#[derive(Clone, Debug)]
pub struct RevisionMeta<'a> {
    pub goal_id: i32,
    pub team_id: i32,
    pub review_request_id: Option<i64>,
    pub changed_by: Option<i32>,
    pub reason: &'a str,
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    meta: &RevisionMeta<'_>,
    changes: &Changes,
    now: DateTime<Utc>,
) -> AppResult<goal_revision::Model> {
    let json = |map| serde_json::to_string(map).map_err(anyhow::Error::from);
    Ok(goal_revision::ActiveModel {
        goal_id: Set(meta.goal_id),
        team_id: Set(meta.team_id),
        review_request_id: Set(meta.review_request_id),
        changed_by: Set(meta.changed_by),
        reason: Set(meta.reason.to_string()),
        old_values: Set(json(&changes.old)?),
        new_values: Set(json(&changes.new)?),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// A goal's revisions, newest first.
pub async fn for_goal<C: ConnectionTrait>(
    db: &C,
    goal_id: i32,
) -> AppResult<Vec<goal_revision::Model>> {
    Ok(goal_revision::Entity::find()
        .filter(goal_revision::Column::GoalId.eq(goal_id))
        .order_by_desc(goal_revision::Column::Id)
        .all(db)
        .await?)
}

/// The revision a review's answer made, if it changed the goal.
pub async fn for_review<C: ConnectionTrait>(
    db: &C,
    review_request_id: i64,
) -> AppResult<Option<goal_revision::Model>> {
    Ok(goal_revision::Entity::find()
        .filter(goal_revision::Column::ReviewRequestId.eq(review_request_id))
        .one(db)
        .await?)
}
