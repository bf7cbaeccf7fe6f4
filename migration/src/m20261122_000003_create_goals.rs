use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index};

/// SMART goals: one column group per criterion plus the Evaluate/Readjust settings.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("goals")
                    .col(pk_auto("id"))
                    .col(integer("team_id"))
                    .col(integer("owner_id"))
                    .col(string("title"))
                    .col(string("status"))
                    .col(integer("version"))
                    // Specific
                    .col(text("specific_what"))
                    .col(text("specific_why"))
                    // Measurable
                    .col(string_null("metric_key"))
                    .col(string_null("direction"))
                    .col(double_null("baseline"))
                    .col(double_null("target"))
                    .col(text("milestones"))
                    // Achievable
                    .col(text("achievable_resources"))
                    .col(text("achievable_skills"))
                    .col(text("achievable_tools"))
                    // Relevant
                    .col(text("relevant_strategy"))
                    .col(integer_null("parent_goal_id"))
                    .col(string_null("journey_stage"))
                    // Time-bound
                    .col(date_null("start_date"))
                    .col(date_null("deadline"))
                    // Evaluate / Readjust settings
                    .col(string("review_cadence"))
                    .col(string_null("review_cron"))
                    .col(string("review_timezone"))
                    .col(string("review_time"))
                    .col(text("reviewers"))
                    .col(integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("archived_at"))
                    .foreign_key(&mut fk(
                        "goals",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "goals",
                        "owner_id",
                        "users",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "goals",
                        "created_by",
                        "users",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "goals",
                        "parent_goal_id",
                        "goals",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("goals", &["team_id", "status"], false))
            .await?;
        manager
            .create_index(index("goals", &["team_id", "metric_key"], false))
            .await?;
        manager
            .create_index(index("goals", &["parent_goal_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["goals"]).await
    }
}
