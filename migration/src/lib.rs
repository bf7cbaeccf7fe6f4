//! Schema migrations for `smarter`. Every migration has a working `down`.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_accounts;
mod m20261122_000002_create_metrics;
mod m20261122_000003_create_goals;
mod m20261122_000004_create_cx_events;
mod m20261122_000005_add_goal_trailing_window;
mod m20261123_000006_create_review_cycles;
mod m20261123_000007_create_reviews_and_outbox;
mod m20261123_000008_create_review_answers;
mod m20261202_000009_create_web_sessions;
mod m20261202_000010_add_goal_version_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_accounts::Migration),
            Box::new(m20261122_000002_create_metrics::Migration),
            Box::new(m20261122_000003_create_goals::Migration),
            Box::new(m20261122_000004_create_cx_events::Migration),
            Box::new(m20261122_000005_add_goal_trailing_window::Migration),
            Box::new(m20261123_000006_create_review_cycles::Migration),
            Box::new(m20261123_000007_create_reviews_and_outbox::Migration),
            Box::new(m20261123_000008_create_review_answers::Migration),
            Box::new(m20261202_000009_create_web_sessions::Migration),
            Box::new(m20261202_000010_add_goal_version_index::Migration),
        ]
    }
}

/// A foreign key from `table.column` to `target.id`.
pub(crate) fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .to_owned()
}

/// A (possibly unique) index over `columns` of `table`.
pub(crate) fn index(
    table: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("idx_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        stmt.col(*column);
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

/// Drops tables in the given order (children first).
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}
