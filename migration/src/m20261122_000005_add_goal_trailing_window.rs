use sea_orm_migration::{prelude::*, schema::*};

/// Goals on built-in metrics are measured over a trailing window of days.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("goals")
                    .add_column(integer("trailing_window_days").default(30))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("goals")
                    .drop_column("trailing_window_days")
                    .to_owned(),
            )
            .await
    }
}
