use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index};

/// Raw CX events (orders, reviews, survey responses), the ingestion batches
/// that wrote them, and per-team metric settings.
///
/// Event times are milliseconds since the Unix epoch (UTC) in a BIGINT: the
/// metric queries compare and bucket millions of them.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("ingest_batches")
                    .col(big_pk_auto("id"))
                    .col(integer("team_id"))
                    .col(string("kind"))
                    .col(string("source"))
                    .col(string_null("file_name"))
                    .col(string_null("idempotency_key"))
                    .col(string_null("fingerprint"))
                    .col(string("status"))
                    .col(big_integer("received"))
                    .col(big_integer("new_count"))
                    .col(big_integer("updated_count"))
                    .col(big_integer("unchanged_count"))
                    .col(big_integer("error_count"))
                    .col(text_null("errors"))
                    .col(integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .foreign_key(&mut fk(
                        "ingest_batches",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ingest_batches",
                &["team_id", "kind", "idempotency_key"],
                true,
            ))
            .await?;
        manager
            .create_index(index("ingest_batches", &["team_id", "created_at"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("orders")
                    .col(big_pk_auto("id"))
                    .col(integer("team_id"))
                    .col(string("order_id"))
                    .col(string("customer_id"))
                    .col(big_integer("ordered_at"))
                    .col(double("amount"))
                    .col(string_null("channel"))
                    .col(string_null("referred_by"))
                    .col(big_integer("batch_id"))
                    .foreign_key(&mut fk(
                        "orders",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("orders", &["team_id", "order_id"], true))
            .await?;
        manager
            .create_index(index(
                "orders",
                &["team_id", "ordered_at", "customer_id"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "orders",
                &["team_id", "customer_id", "ordered_at"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("reviews")
                    .col(big_pk_auto("id"))
                    .col(integer("team_id"))
                    .col(string("review_id"))
                    .col(string_null("customer_id"))
                    .col(small_integer("rating"))
                    .col(string("source"))
                    .col(big_integer("reviewed_at"))
                    .col(text_null("text"))
                    .col(big_integer("batch_id"))
                    .foreign_key(&mut fk(
                        "reviews",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("reviews", &["team_id", "review_id"], true))
            .await?;
        manager
            .create_index(index(
                "reviews",
                &["team_id", "reviewed_at", "rating"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("survey_responses")
                    .col(big_pk_auto("id"))
                    .col(integer("team_id"))
                    .col(string("response_id"))
                    .col(string_null("customer_id"))
                    .col(string("kind"))
                    .col(small_integer("score"))
                    .col(big_integer("responded_at"))
                    .col(string_null("touchpoint"))
                    .col(big_integer("batch_id"))
                    .foreign_key(&mut fk(
                        "survey_responses",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("survey_responses", &["team_id", "response_id"], true))
            .await?;
        manager
            .create_index(index(
                "survey_responses",
                &["team_id", "kind", "responded_at", "score"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("metric_settings")
                    .col(integer("team_id"))
                    .col(string("metric_key"))
                    .col(integer_null("min_sample"))
                    .col(integer_null("stale_after_days"))
                    .primary_key(Index::create().col("team_id").col("metric_key"))
                    .foreign_key(&mut fk(
                        "metric_settings",
                        "team_id",
                        "teams",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "metric_settings",
                "survey_responses",
                "reviews",
                "orders",
                "ingest_batches",
            ],
        )
        .await
    }
}
