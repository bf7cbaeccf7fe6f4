//! Reading the mail outbox.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

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
