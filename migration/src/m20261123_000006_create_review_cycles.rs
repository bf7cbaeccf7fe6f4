use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index};

/// The review schedule kept with each goal, and the evaluations the
/// review cycles record.
///
/// `goals.next_review_at` is the next due review of an active goal (UTC),
/// `goals.schedule_key` the settings it was computed from, so that an edit
/// that leaves them alone keeps the schedule. An evaluation row is the claim
/// of one cycle: unique per (goal, scheduled time), so that however many
/// processes share the database, each cycle runs once.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            timestamp_with_time_zone_null("next_review_at"),
            string_null("schedule_key"),
        ] {
            manager
                .alter_table(Table::alter().table("goals").add_column(column).to_owned())
                .await?;
        }
        manager
            .create_index(index("goals", &["next_review_at"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("evaluations")
                    .col(big_pk_auto("id"))
                    .col(integer("goal_id"))
                    .col(integer("team_id"))
                    .col(timestamp_with_time_zone("scheduled_for"))
                    .col(boolean("skipped"))
                    .col(string_null("status"))
                    .col(double_null("current_value"))
                    .col(big_integer_null("sample_n"))
                    .col(double_null("baseline"))
                    .col(double_null("target"))
                    .col(double_null("progress"))
                    .col(double_null("expected_progress"))
                    .col(double_null("projected"))
                    .col(double_null("projected_attainment"))
                    .col(text_null("next_milestone"))
                    .col(double_null("suggested_target"))
                    .col(date_null("suggested_deadline"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "evaluations",
                        "goal_id",
                        "goals",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "evaluations",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("evaluations", &["goal_id", "scheduled_for"], true))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["evaluations"]).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_goals_next_review_at")
                    .table("goals")
                    .to_owned(),
            )
            .await?;
        for column in ["schedule_key", "next_review_at"] {
            manager
                .alter_table(Table::alter().table("goals").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
