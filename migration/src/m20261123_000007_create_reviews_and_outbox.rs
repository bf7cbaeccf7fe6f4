use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index};

/// Review requests (one per evaluation, answered through a single-use
/// link whose token is stored only as a hash) and the mail outbox, written
/// in the same transaction as the evaluation.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("review_requests")
                    .col(big_pk_auto("id"))
                    .col(integer("goal_id"))
                    .col(integer("team_id"))
                    .col(big_integer("evaluation_id"))
                    .col(string_uniq("token_hash"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("reminded_at"))
                    .col(timestamp_with_time_zone_null("answered_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "review_requests",
                        "goal_id",
                        "goals",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "review_requests",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "review_requests",
                        "evaluation_id",
                        "evaluations",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("review_requests", &["team_id", "status"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("message_key"))
                    .col(integer("team_id"))
                    .col(big_integer_null("review_request_id"))
                    .col(string("kind"))
                    .col(string("recipient"))
                    .col(string("subject"))
                    .col(text("text_body"))
                    .col(text("html_body"))
                    .col(string_null("review_token"))
                    .col(string("status"))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "outbox",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("outbox", &["status", "next_attempt_at"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["outbox", "review_requests"]).await
    }
}
