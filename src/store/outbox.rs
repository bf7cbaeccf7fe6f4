//! Reading the mail outbox, and putting failed mail back in the queue.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, UpdateMany,
};

use crate::entities::outbox_message as outbox;
use crate::error::AppResult;

/// Messages not sent yet: pending and failed, oldest first.
pub async fn unsent<C: ConnectionTrait>(db: &C) -> AppResult<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::Status.ne("sent"))
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await?)
}

/// A team's messages, newest first, of one status (`pending`, `sent`,
/// `failed`) or all; at most `limit`.
pub async fn for_team<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    status: Option<&str>,
    limit: u64,
) -> AppResult<Vec<outbox::Model>> {
    let mut find = outbox::Entity::find().filter(outbox::Column::TeamId.eq(team_id));
    if let Some(status) = status {
        find = find.filter(outbox::Column::Status.eq(status));
    }
    Ok(find
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// A message, if it belongs to `team_id`.
pub async fn find_in_team<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    id: i64,
) -> AppResult<Option<outbox::Model>> {
    Ok(outbox::Entity::find_by_id(id)
        .filter(outbox::Column::TeamId.eq(team_id))
        .one(db)
        .await?)
}

/// The update that puts failed messages back in the queue, due at `now`
/// with a fresh count of attempts.
pub fn requeue_failed(now: DateTime<Utc>) -> UpdateMany<outbox::Entity> {
    outbox::Entity::update_many()
        .filter(outbox::Column::Status.eq("failed"))
        .col_expr(outbox::Column::Status, Expr::value("pending"))
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now))
}

/// Puts one failed message of `team_id` back in the queue; `false` when it
/// is not (or no longer) failed.
pub async fn retry_one<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let result = requeue_failed(now)
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::TeamId.eq(team_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
