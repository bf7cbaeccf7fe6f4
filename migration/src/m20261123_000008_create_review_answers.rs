use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index};

/// Answers to review requests (Evaluate) and the revisions of goals they
/// make (Readjust).
///
/// An answer lives in its own table rather than in columns of
/// `review_requests`: its foreign keys can be declared on SQLite too (which
/// cannot add them with `ALTER TABLE`), and `review_request_id` is unique,
/// so a review is answered at most once even if two answers race.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("review_answers")
                    .col(big_pk_auto("id"))
                    .col(big_integer_uniq("review_request_id"))
                    .col(integer("goal_id"))
                    .col(integer("team_id"))
                    .col(string("decision"))
                    .col(text("assessment_went_well"))
                    .col(text("assessment_blocked"))
                    .col(small_integer_null("confidence"))
                    .col(text("reason"))
                    // The user behind an API answer; empty for the emailed link.
                    .col(integer_null("answered_by"))
                    // `api` or `link`.
                    .col(string("answered_via"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "review_answers",
                        "review_request_id",
                        "review_requests",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "review_answers",
                        "goal_id",
                        "goals",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "review_answers",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "review_answers",
                        "answered_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("goal_revisions")
                    .col(big_pk_auto("id"))
                    .col(integer("goal_id"))
                    .col(integer("team_id"))
                    .col(big_integer_null("review_request_id"))
                    .col(integer_null("changed_by"))
                    .col(text("reason"))
                    // JSON objects of the changed fields only, before and after.
                    .col(text("old_values"))
                    .col(text("new_values"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "goal_revisions",
                        "goal_id",
                        "goals",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "goal_revisions",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "goal_revisions",
                        "review_request_id",
                        "review_requests",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "goal_revisions",
                        "changed_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("goal_revisions", &["goal_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["goal_revisions", "review_answers"]).await
    }
}
