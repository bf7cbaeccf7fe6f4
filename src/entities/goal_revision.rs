use sea_orm::entity::prelude::*;

/// One decided change of a goal (a readjustment or a closing): who, when,
/// why, and the changed fields before and after, as JSON objects.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "goal_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub goal_id: i32,
    pub team_id: i32,
    /// The review whose answer made the change, if one did.
    pub review_request_id: Option<i64>,
    /// The user who made it; empty when it came through an emailed link.
    pub changed_by: Option<i32>,
    pub reason: String,
    pub old_values: String,
    pub new_values: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
