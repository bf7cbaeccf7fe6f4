use sea_orm::entity::prelude::*;

/// One ingestion: a JSON batch, a CSV upload or a CLI import.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ingest_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i32,
    pub kind: String,
    pub source: String,
    pub file_name: Option<String>,
    pub idempotency_key: Option<String>,
    /// SHA-256 of the request body, to refuse a reused key with other data.
    pub fingerprint: Option<String>,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    pub received: i64,
    pub new_count: i64,
    pub updated_count: i64,
    pub unchanged_count: i64,
    pub error_count: i64,
    /// The first row errors, as JSON.
    pub errors: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
