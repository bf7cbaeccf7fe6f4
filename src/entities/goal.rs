use sea_orm::entity::prelude::*;

/// One row per goal. Milestones and reviewers are JSON text, read and written
/// only through `store::goals`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "goals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub team_id: i32,
    pub owner_id: i32,
    pub title: String,
    pub status: String,
    pub version: i32,
    pub specific_what: String,
    pub specific_why: String,
    pub metric_key: Option<String>,
    pub direction: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub milestones: String,
    pub achievable_resources: String,
    pub achievable_skills: String,
    pub achievable_tools: String,
    pub relevant_strategy: String,
    pub parent_goal_id: Option<i32>,
    pub journey_stage: Option<String>,
    pub start_date: Option<Date>,
    pub deadline: Option<Date>,
    pub review_cadence: String,
    pub review_cron: Option<String>,
    pub review_timezone: String,
    pub review_time: String,
    pub reviewers: String,
    pub created_by: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
    /// Days of events behind the current value of a built-in metric.
    pub trailing_window_days: i32,
    /// The next due review of an active goal.
    pub next_review_at: Option<DateTimeUtc>,
    /// The review settings `next_review_at` was computed from.
    pub schedule_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
