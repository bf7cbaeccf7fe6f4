use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, fk, index};

/// Browser sessions and failed logins, kept in the database so that a
/// session survives a restart and several processes on one PostgreSQL
/// database see the same sessions and the same login limits.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("web_sessions")
                    // SHA-256 of the cookie's value, hex: a stolen database
                    // does not hand out live sessions.
                    .col(string("id").primary_key())
                    .col(integer("user_id"))
                    // Sent in every form; compared with what comes back.
                    .col(string("csrf_token"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(&mut fk(
                        "web_sessions",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("web_sessions", &["user_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("login_failures")
                    .col(big_pk_auto("id"))
                    // As typed (lower-cased), whether or not such a user
                    // exists, so the limit says nothing about who has an account.
                    .col(string("email"))
                    .col(timestamp_with_time_zone("failed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("login_failures", &["email", "failed_at"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["login_failures", "web_sessions"]).await
    }
}
