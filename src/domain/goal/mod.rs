//! SMART goals: the input a manager sends, and the checked `GoalSpec`.

mod input;
mod parse;
mod status;

pub use input::*;
pub use parse::{DEFAULT_WINDOW_DAYS, GoalContext, ParentGoal};
pub use status::GoalStatus;

use chrono::NaiveDate;

use super::cadence::ReviewSettings;
use super::metric::JourneyStage;
use super::text_enum::text_enum;

text_enum! {
    /// Which way the goal moves its metric: churn goes down, NPS goes up.
    Direction {
        Increase => "increase",
        Decrease => "decrease",
    }
}

/// A dated intermediate target.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Milestone {
    /// The day by which the target should be reached (YYYY-MM-DD).
    pub date: NaiveDate,
    pub target: f64,
    /// What this stage stands for.
    #[serde(default)]
    pub note: String,
}

/// A goal whose every field has been checked. Criteria may still be
/// incomplete (a draft); `smart::check` says which.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalSpec {
    pub title: String,
    pub owner_id: i32,
    pub status: GoalStatus,
    pub specific: Specific,
    pub measurable: Measurable,
    pub achievable: Achievable,
    pub relevant: Relevant,
    pub time_bound: TimeBound,
    pub review: ReviewSettings,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Specific {
    pub what: String,
    pub why: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measurable {
    pub metric_key: Option<String>,
    pub direction: Option<Direction>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub milestones: Vec<Milestone>,
    /// Days of data behind the current value of a built-in metric.
    pub window_days: u32,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Achievable {
    pub resources: String,
    pub skills: String,
    pub tools: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Relevant {
    pub strategy: String,
    pub parent_goal_id: Option<i32>,
    pub journey_stage: Option<JourneyStage>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeBound {
    pub start: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
}

#[cfg(test)]
mod tests;
