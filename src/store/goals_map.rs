//! Between goal rows and `GoalSpec`.

use anyhow::{Context, anyhow};
use chrono::NaiveTime;
use sea_orm::Set;

use crate::domain::cadence::{Cadence, CadenceKind, ReviewSettings, parse_cron, parse_timezone};
use crate::domain::goal::{
    Achievable, GoalSpec, Measurable, Milestone, Relevant, Specific, TimeBound,
};
use crate::entities::goal;

/// Reads a stored goal. Stored values were checked on the way in, so a
/// failure here means the database was changed behind our back.
pub fn spec_from_model(m: &goal::Model) -> anyhow::Result<GoalSpec> {
    let kind: CadenceKind = m.review_cadence.parse().map_err(|e: String| anyhow!(e))?;
    let cadence = match kind {
        CadenceKind::Weekly => Cadence::Weekly,
        CadenceKind::Biweekly => Cadence::Biweekly,
        CadenceKind::Monthly => Cadence::Monthly,
        CadenceKind::Quarterly => Cadence::Quarterly,
        CadenceKind::Cron => {
            let expr = m
                .review_cron
                .clone()
                .context("cron cadence without expression")?;
            let cron = parse_cron(&expr).map_err(|e| anyhow!(e))?;
            Cadence::Cron(expr, Box::new(cron))
        }
    };
    Ok(GoalSpec {
        title: m.title.clone(),
        owner_id: m.owner_id,
        status: m.status.parse().map_err(|e: String| anyhow!(e))?,
        specific: Specific {
            what: m.specific_what.clone(),
            why: m.specific_why.clone(),
        },
        measurable: Measurable {
            metric_key: m.metric_key.clone(),
            direction: parse_opt(&m.direction)?,
            baseline: m.baseline,
            target: m.target,
            milestones: serde_json::from_str::<Vec<Milestone>>(&m.milestones)
                .context("stored milestones")?,
            window_days: u32::try_from(m.trailing_window_days).unwrap_or(30),
        },
        achievable: Achievable {
            resources: m.achievable_resources.clone(),
            skills: m.achievable_skills.clone(),
            tools: m.achievable_tools.clone(),
        },
        relevant: Relevant {
            strategy: m.relevant_strategy.clone(),
            parent_goal_id: m.parent_goal_id,
            journey_stage: parse_opt(&m.journey_stage)?,
        },
        time_bound: TimeBound {
            start: m.start_date,
            deadline: m.deadline,
        },
        review: ReviewSettings {
            cadence,
            timezone: parse_timezone(&m.review_timezone).map_err(|e| anyhow!(e))?,
            time_of_day: NaiveTime::parse_from_str(&m.review_time, "%H:%M")
                .context("stored review time")?,
            reviewers: serde_json::from_str(&m.reviewers).context("stored reviewers")?,
        },
    })
}

fn parse_opt<T: std::str::FromStr<Err = String>>(v: &Option<String>) -> anyhow::Result<Option<T>> {
    v.as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e: String| anyhow!(e))
}

/// Writes every field of `spec` into a row.
pub fn apply_spec(row: &mut goal::ActiveModel, spec: &GoalSpec) {
    let m = &spec.measurable;
    row.title = Set(spec.title.clone());
    row.owner_id = Set(spec.owner_id);
    row.status = Set(spec.status.as_str().to_string());
    row.specific_what = Set(spec.specific.what.clone());
    row.specific_why = Set(spec.specific.why.clone());
    row.metric_key = Set(m.metric_key.clone());
    row.direction = Set(m.direction.map(|d| d.as_str().to_string()));
    row.baseline = Set(m.baseline);
    row.target = Set(m.target);
    row.trailing_window_days = Set(m.window_days as i32);
    row.milestones = Set(serde_json::to_string(&m.milestones).unwrap_or_else(|_| "[]".into()));
    row.achievable_resources = Set(spec.achievable.resources.clone());
    row.achievable_skills = Set(spec.achievable.skills.clone());
    row.achievable_tools = Set(spec.achievable.tools.clone());
    row.relevant_strategy = Set(spec.relevant.strategy.clone());
    row.parent_goal_id = Set(spec.relevant.parent_goal_id);
    row.journey_stage = Set(spec.relevant.journey_stage.map(|s| s.as_str().to_string()));
    row.start_date = Set(spec.time_bound.start);
    row.deadline = Set(spec.time_bound.deadline);
    row.review_cadence = Set(spec.review.cadence.kind().as_str().to_string());
    row.review_cron = Set(spec.review.cadence.cron_expression().map(str::to_string));
    row.review_timezone = Set(spec.review.timezone.name().to_string());
    row.review_time = Set(spec.review.time_of_day.format("%H:%M").to_string());
    row.reviewers =
        Set(serde_json::to_string(&spec.review.reviewers).unwrap_or_else(|_| "[]".into()));
}
