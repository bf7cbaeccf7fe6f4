use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index};

/// Custom metrics per team, and manual observations for any metric.
/// Built-in metrics are defined in code and need no rows.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("custom_metrics")
                    .col(pk_auto("id"))
                    .col(integer("team_id"))
                    .col(string("key"))
                    .col(string("name"))
                    .col(text("description"))
                    .col(string("unit"))
                    .col(string("better"))
                    .col(string_null("journey_stage"))
                    .col(string_null("touchpoint"))
                    .col(double_null("min_value"))
                    .col(double_null("max_value"))
                    .col(integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "custom_metrics",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "custom_metrics",
                        "created_by",
                        "users",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("custom_metrics", &["team_id", "key"], true))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("metric_observations")
                    .col(big_pk_auto("id"))
                    .col(integer("team_id"))
                    .col(string("metric_key"))
                    .col(date("observed_on"))
                    .col(double("value"))
                    .col(text_null("note"))
                    .col(integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "metric_observations",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "metric_observations",
                        "created_by",
                        "users",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "metric_observations",
                &["team_id", "metric_key", "observed_on"],
                true,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["metric_observations", "custom_metrics"]).await
    }
}
