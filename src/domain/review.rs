//! Answering a review: Evaluate (a short assessment and a confidence
//! rating) and Readjust (keep the course, change the goal with a reason, or
//! close it).
//!
//! A readjustment is not checked here: it is merged into the goal's input
//! (`readjusted`) and the merged goal goes through `GoalSpec::parse`, so one
//! rule set judges a goal however it was changed. `remap` then points the
//! goal rules' complaints at the fields of the answer.

mod accept;
mod changes;

pub use accept::AcceptSuggestion;
pub use changes::{Changes, changes, original_value};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldErrors;
use super::cadence::CadenceKind;
use super::evaluation::ReadjustSuggestion;
use super::field_errors::check_text;
use super::goal::{GoalInput, GoalStatus, MilestoneInput};
use super::text_enum::text_enum;

/// The longest answer to each assessment question.
pub const MAX_ASSESSMENT: usize = 2000;
/// The longest reason accepted.
pub const MAX_REASON: usize = 2000;

text_enum! {
    /// What the review decides for the goal.
    Decision {
        /// Keep the course; the goal stays as it is.
        Continue => "continue",
        /// Change the target, deadline, milestones, cadence or metric.
        Readjust => "readjust",
        CloseAchieved => "close_achieved",
        CloseMissed => "close_missed",
        Abandon => "abandon",
    }
}

impl Decision {
    /// The status a closing decision gives the goal.
    pub fn closes_as(self) -> Option<GoalStatus> {
        match self {
            Decision::CloseAchieved => Some(GoalStatus::Achieved),
            Decision::CloseMissed => Some(GoalStatus::Missed),
            Decision::Abandon => Some(GoalStatus::Abandoned),
            Decision::Continue | Decision::Readjust => None,
        }
    }
}

/// An answer as a manager sends it.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    #[serde(default)]
    pub assessment: AssessmentInput,
    /// How confident you are that the goal will be reached, 1 (not at all) to 5 (fully).
    pub confidence: Option<i64>,
    pub decision: Decision,
    /// Why; required for every decision but `continue`.
    pub reason: Option<String>,
    /// The changes, with decision `readjust` only.
    pub readjust: Option<ReadjustInput>,
}

/// Evaluate: the dialogue behind the numbers.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// What went well since the last review.
    pub went_well: Option<String>,
    /// What blocked progress.
    pub blocked: Option<String>,
}

/// Readjust: any of these; what is left out stays as it is.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadjustInput {
    pub target: Option<f64>,
    /// The baseline in the new metric's units; required when the metric changes.
    pub baseline: Option<f64>,
    /// YYYY-MM-DD, after the start.
    pub deadline: Option<String>,
    /// Replaces every milestone (`[]` removes them).
    pub milestones: Option<Vec<MilestoneInput>>,
    pub cadence: Option<CadenceKind>,
    /// With cadence `cron` (given alone, it implies that cadence).
    pub cron: Option<String>,
    /// Key of a built-in or team metric; the direction follows the new metric.
    pub metric: Option<String>,
    /// One click: take the evaluation's suggestion. `true` or `"target"` takes
    /// the target the trend reaches by the deadline; `"deadline"` keeps the
    /// target and takes the day the trend reaches it.
    #[serde(default)]
    #[schema(value_type = Option<serde_json::Value>)]
    pub accept_suggestion: AcceptSuggestion,
}

/// A checked answer.
#[derive(Clone, Debug)]
pub struct Answer {
    pub decision: Decision,
    pub went_well: String,
    pub blocked: String,
    pub confidence: Option<i16>,
    pub reason: String,
    /// With decision `readjust`, the changes asked for.
    pub readjust: Option<ReadjustInput>,
}

impl Answer {
    /// Checks everything the answer says by itself.
    pub fn parse(input: AnswerInput) -> Result<Answer, FieldErrors> {
        let mut errors = FieldErrors::new();
        let a = input.assessment;
        let went_well = check_text(
            &mut errors,
            "/assessment/went_well",
            a.went_well,
            MAX_ASSESSMENT,
        );
        let blocked = check_text(
            &mut errors,
            "/assessment/blocked",
            a.blocked,
            MAX_ASSESSMENT,
        );
        let confidence = input.confidence.and_then(|c| match i16::try_from(c) {
            Ok(c @ 1..=5) => Some(c),
            _ => {
                errors.push(
                    "/confidence",
                    format!("{c} is not a rating: use 1 (not confident) to 5 (fully confident)"),
                );
                None
            }
        });
        let decision = input.decision;
        let reason = check_text(&mut errors, "/reason", input.reason, MAX_REASON);
        if reason.is_empty() && decision != Decision::Continue {
            errors.push(
                "/reason",
                format!(
                    "is required to {}: say why, so the team can look back on the decision",
                    decision_words(decision)
                ),
            );
        }
        match (&input.readjust, decision) {
            (None, Decision::Readjust) => errors.push(
                "/readjust",
                "is required with decision \"readjust\": give the new target, deadline, milestones, cadence or metric, or accept the suggestion",
            ),
            (Some(r), Decision::Readjust) if r.is_empty() => errors.push(
                "/readjust",
                "names no change: give the new target, deadline, milestones, cadence or metric, or accept the suggestion",
            ),
            (Some(_), other) if other != Decision::Readjust => errors.push(
                "/readjust",
                format!("is only read with decision \"readjust\", not \"{other}\""),
            ),
            _ => {}
        }
        let readjust = input.readjust.filter(|_| decision == Decision::Readjust);
        errors.finish(Answer {
            decision,
            went_well,
            blocked,
            confidence,
            reason,
            readjust,
        })
    }
}

fn decision_words(decision: Decision) -> &'static str {
    match decision {
        Decision::Continue => "continue",
        Decision::Readjust => "readjust the goal",
        Decision::CloseAchieved => "close the goal as achieved",
        Decision::CloseMissed => "close the goal as missed",
        Decision::Abandon => "abandon the goal",
    }
}

impl ReadjustInput {
    fn is_empty(&self) -> bool {
        self.target.is_none()
            && self.baseline.is_none()
            && self.deadline.is_none()
            && self.milestones.is_none()
            && self.cadence.is_none()
            && self.cron.is_none()
            && self.metric.is_none()
            && self.accept_suggestion == AcceptSuggestion::No
    }
}

/// The goal's input with the readjustment applied, ready for `GoalSpec::parse`.
pub fn readjusted(
    mut goal: GoalInput,
    r: &ReadjustInput,
    suggestion: Option<&ReadjustSuggestion>,
) -> Result<GoalInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let (target, deadline) = accept::apply(r, suggestion, &mut errors);
    let m = &mut goal.measurable;
    if let Some(metric) = r.metric.as_deref().map(str::trim)
        && m.metric.as_deref() != Some(metric)
    {
        m.metric = Some(metric.to_string());
        m.direction = None;
        if r.baseline.is_none() {
            errors.push(
                "/readjust/baseline",
                format!("is required with a new metric: give the baseline of \"{metric}\" in its own units"),
            );
        }
    }
    m.baseline = r.baseline.or(m.baseline);
    m.target = target.or(m.target);
    if let Some(milestones) = &r.milestones {
        m.milestones = milestones.clone();
    }
    if let Some(deadline) = deadline {
        goal.time_bound.deadline = Some(deadline);
    }
    let review = &mut goal.review;
    match (r.cadence, &r.cron) {
        (Some(kind), cron) => {
            review.cadence = Some(kind);
            review.cron = cron.clone();
        }
        (None, Some(cron)) => {
            review.cadence = Some(CadenceKind::Cron);
            review.cron = Some(cron.clone());
        }
        (None, None) => {}
    }
    errors.finish(goal)
}

/// Points the goal rules' complaints about a readjusted goal at the answer's
/// fields (a wrong target is `/readjust/target`, or `/readjust/accept_suggestion`
/// when the suggestion supplied it).
pub fn remap(errors: FieldErrors, accepted: AcceptSuggestion) -> FieldErrors {
    let mut out = FieldErrors::new();
    for e in errors.0 {
        let p = e.pointer.as_str();
        let field = |name: &str| format!("/readjust/{name}");
        let pointer = match p {
            "/measurable/target" if accepted == AcceptSuggestion::Target => {
                field("accept_suggestion")
            }
            "/time_bound/deadline" if accepted == AcceptSuggestion::Deadline => {
                field("accept_suggestion")
            }
            "/measurable/target" => field("target"),
            "/measurable/baseline" => field("baseline"),
            "/measurable/metric" | "/measurable/direction" => field("metric"),
            "/time_bound/deadline" => field("deadline"),
            "/review/cadence" => field("cadence"),
            "/review/cron" => field("cron"),
            _ if p.starts_with("/measurable/milestones") => {
                p.replacen("/measurable", "/readjust", 1)
            }
            _ => {
                out.push("/readjust", format!("the goal's {p}: {}", e.message));
                continue;
            }
        };
        out.push(pointer, e.message);
    }
    out
}

#[cfg(test)]
mod tests;
