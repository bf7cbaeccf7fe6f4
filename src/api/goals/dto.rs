//! What the goals API sends and the query it reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::goal::{
    AchievableInput, GoalStatus, MeasurableInput, RelevantInput, ReviewInput, SpecificInput,
    TimeBoundInput,
};
use crate::domain::smart::SmartCheck;
use crate::measure::Measurement;

/// A goal with its SMART check and progress. The sections have the same
/// shape as in `GoalInput`, so a response can be edited and sent back.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalResponse {
    pub id: i32,
    pub team_id: i32,
    pub owner_id: i32,
    pub title: String,
    pub status: GoalStatus,
    /// Send this back (or as `If-Match`) when updating.
    pub version: i32,
    pub specific: SpecificInput,
    pub measurable: MeasurableInput,
    pub achievable: AchievableInput,
    pub relevant: RelevantInput,
    pub time_bound: TimeBoundInput,
    pub review: ReviewInput,
    pub smart_check: SmartCheck,
    /// Where the metric stands (value, sample, progress, staleness), when there is data.
    pub progress: Option<Measurement>,
    /// When the goal is evaluated next (active goals only).
    pub next_review_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

/// One page of goals.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalPage {
    pub items: Vec<GoalResponse>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Filters for the goal list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GoalListQuery {
    /// Only this team's goals (default: all your teams).
    pub team: Option<i32>,
    pub status: Option<GoalStatus>,
    /// Only goals linked to this metric key.
    pub metric: Option<String>,
    pub owner: Option<i32>,
    /// Include archived goals.
    #[serde(default)]
    pub archived: bool,
    /// 1-200, default 50.
    pub limit: Option<u64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}
