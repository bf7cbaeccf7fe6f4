use sea_orm::entity::prelude::*;

/// The answer to a review request: the assessment, the confidence and the
/// decision, with its reason. At most one per request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub review_request_id: i64,
    pub goal_id: i32,
    pub team_id: i32,
    /// `continue`, `readjust`, `close_achieved`, `close_missed` or `abandon`.
    pub decision: String,
    pub assessment_went_well: String,
    pub assessment_blocked: String,
    /// 1-5, when given.
    pub confidence: Option<i16>,
    pub reason: String,
    /// The user who answered through the API; empty for the emailed link.
    pub answered_by: Option<i32>,
    /// `api` or `link`.
    pub answered_via: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
