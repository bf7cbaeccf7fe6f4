//! Queries per aggregate. Every function takes a connection or transaction,
//! so callers decide the transaction boundaries.

pub mod accounts;
pub mod cx_metrics;
pub mod db;
pub mod evaluations;
pub mod events;
pub mod goals;
mod goals_map;
pub mod metrics;
pub mod outbox;
pub mod review_answers;
pub mod reviews;
pub mod revisions;
pub mod tokens;
pub mod web_sessions;

/// Whether a database error is a unique-constraint violation.
pub fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
