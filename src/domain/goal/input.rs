//! The goal as a manager writes it, in JSON or a web form: every section
//! optional so that drafts can be saved, every unknown field refused.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Direction, GoalStatus};
use crate::domain::cadence::CadenceKind;
use crate::domain::metric::JourneyStage;

/// A goal to create or replace.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    /// The team the goal belongs to. Goals cannot move between teams.
    pub team_id: i32,
    pub title: String,
    /// `draft` (default) or `active`; `achieved`, `missed`, `abandoned` close it.
    #[serde(default)]
    pub status: Option<GoalStatus>,
    /// The user who carries the goal; defaults to the caller.
    #[serde(default)]
    pub owner_id: Option<i32>,
    #[serde(default)]
    pub specific: SpecificInput,
    #[serde(default)]
    pub measurable: MeasurableInput,
    #[serde(default)]
    pub achievable: AchievableInput,
    #[serde(default)]
    pub relevant: RelevantInput,
    #[serde(default)]
    pub time_bound: TimeBoundInput,
    #[serde(default)]
    pub review: ReviewInput,
    /// The version this update is based on (or send `If-Match`); ignored on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// Why an active goal changes (its target, baseline, deadline,
    /// milestones, metric or cadence); recorded with the revision. Ignored on
    /// create and for drafts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// S: what will change, and why. *What do you want to do? Why do you set this goal?*
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecificInput {
    pub what: Option<String>,
    pub why: Option<String>,
}

/// M: the metric and the numbers. *How will you know you have achieved what you expect?*
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurableInput {
    /// Key of a built-in or team metric, e.g. `nps`, `churn_rate`.
    pub metric: Option<String>,
    /// Defaults to the metric's better direction.
    pub direction: Option<Direction>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    #[serde(default)]
    pub milestones: Vec<MilestoneInput>,
    /// For built-in metrics: the trailing window of days the current value is
    /// computed over (1-366, default 30).
    pub window_days: Option<u32>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    /// YYYY-MM-DD
    pub date: String,
    pub target: f64,
    #[serde(default)]
    pub note: Option<String>,
}

/// A: what makes it reachable. *Do you have the tools, resources and competences to reach it?*
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AchievableInput {
    pub resources: Option<String>,
    pub skills: Option<String>,
    pub tools: Option<String>,
}

/// R: why it matters. *Does the goal move the company forward and fit the chosen strategy?*
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelevantInput {
    pub strategy: Option<String>,
    /// A goal of the same team that this one serves.
    pub parent_goal_id: Option<i32>,
    pub journey_stage: Option<JourneyStage>,
}

/// T: when. *When exactly do you want to achieve it?*
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeBoundInput {
    /// YYYY-MM-DD
    pub start: Option<String>,
    /// YYYY-MM-DD, after the start.
    pub deadline: Option<String>,
}

/// E and R: the review rhythm.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// Defaults to `monthly`.
    pub cadence: Option<CadenceKind>,
    /// Required when the cadence is `cron`, e.g. `0 9 * * MON`.
    pub cron: Option<String>,
    /// IANA name, e.g. `Europe/Warsaw`; defaults to `UTC`.
    pub timezone: Option<String>,
    /// Local time of day, HH:MM; defaults to `09:00`.
    pub time_of_day: Option<String>,
    /// People who receive the review besides the owner.
    #[serde(default)]
    pub reviewers: Vec<String>,
}

impl super::GoalSpec {
    /// The input that would produce this goal, for responses and merge patches.
    pub fn to_input(&self, team_id: i32) -> GoalInput {
        let m = &self.measurable;
        GoalInput {
            team_id,
            title: self.title.clone(),
            status: Some(self.status),
            owner_id: Some(self.owner_id),
            specific: SpecificInput {
                what: Some(self.specific.what.clone()),
                why: Some(self.specific.why.clone()),
            },
            measurable: MeasurableInput {
                metric: m.metric_key.clone(),
                direction: m.direction,
                baseline: m.baseline,
                target: m.target,
                milestones: m
                    .milestones
                    .iter()
                    .map(|ms| MilestoneInput {
                        date: ms.date.to_string(),
                        target: ms.target,
                        note: Some(ms.note.clone()),
                    })
                    .collect(),
                window_days: Some(m.window_days),
            },
            achievable: AchievableInput {
                resources: Some(self.achievable.resources.clone()),
                skills: Some(self.achievable.skills.clone()),
                tools: Some(self.achievable.tools.clone()),
            },
            relevant: RelevantInput {
                strategy: Some(self.relevant.strategy.clone()),
                parent_goal_id: self.relevant.parent_goal_id,
                journey_stage: self.relevant.journey_stage,
            },
            time_bound: TimeBoundInput {
                start: self.time_bound.start.map(|d| d.to_string()),
                deadline: self.time_bound.deadline.map(|d| d.to_string()),
            },
            review: ReviewInput {
                cadence: Some(self.review.cadence.kind()),
                cron: self.review.cadence.cron_expression().map(str::to_string),
                timezone: Some(self.review.timezone.name().to_string()),
                time_of_day: Some(self.review.time_of_day.format("%H:%M").to_string()),
                reviewers: self.review.reviewers.clone(),
            },
            version: None,
            reason: None,
        }
    }
}
