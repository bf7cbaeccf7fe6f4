use sea_orm::entity::prelude::*;

/// One review cycle of a goal: an evaluation, or a cycle recorded as
/// skipped (missed while nothing ran). Unique per (goal, scheduled time).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub goal_id: i32,
    pub team_id: i32,
    pub scheduled_for: DateTimeUtc,
    pub skipped: bool,
    pub status: Option<String>,
    pub current_value: Option<f64>,
    pub sample_n: Option<i64>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub progress: Option<f64>,
    pub expected_progress: Option<f64>,
    pub projected: Option<f64>,
    pub projected_attainment: Option<f64>,
    /// JSON of the next milestone check, when there is one.
    pub next_milestone: Option<String>,
    pub suggested_target: Option<f64>,
    pub suggested_deadline: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
