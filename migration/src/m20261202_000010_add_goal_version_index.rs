use sea_orm_migration::prelude::*;

use crate::index;

/// The goal dashboard checks a fingerprint of a team's goals (their count
/// and the sum of their versions) on every request; this index answers it
/// without reading the goals themselves.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index("goals", &["team_id", "version"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_goals_team_id_version")
                    .table("goals")
                    .to_owned(),
            )
            .await
    }
}
