//! From `GoalInput` to `GoalSpec`: every rule that does not depend on
//! completeness. Missing parts are left to the SMART check.

use chrono::NaiveDate;

use super::*;
use crate::domain::FieldErrors;
use crate::domain::cadence::ReviewSettings;
use crate::domain::field_errors::check_text;
use crate::domain::metric::{Better, MetricDef};
use crate::domain::smart;

/// The longest title accepted.
pub const MAX_TITLE: usize = 200;
/// The longest free-text answer accepted.
pub const MAX_TEXT: usize = 5000;
/// The most milestones one goal may have.
pub const MAX_MILESTONES: usize = 100;
/// The trailing window a goal is measured over unless it says otherwise.
pub const DEFAULT_WINDOW_DAYS: u32 = 30;
/// The longest trailing window accepted.
pub const MAX_WINDOW_DAYS: u32 = 366;

/// What the rules need to know beyond the input itself, loaded by the caller.
#[derive(Clone, Debug)]
pub struct GoalContext {
    /// The goal being updated, if any.
    pub goal_id: Option<i32>,
    /// The user sending the input; the default owner.
    pub caller_id: i32,
    /// User ids of the team's members.
    pub member_ids: Vec<i32>,
    /// Every metric the team may use.
    pub metrics: Vec<MetricDef>,
    /// The requested parent goal, when it exists in the same team.
    pub parent: Option<ParentGoal>,
    pub today: NaiveDate,
}

/// A parent goal and the chain of goals above it, for alignment checks.
#[derive(Clone, Debug)]
pub struct ParentGoal {
    pub id: i32,
    /// Ids of the parent's parent, grandparent, and so on.
    pub ancestor_ids: Vec<i32>,
}

impl GoalSpec {
    /// Checks every field of `input`; on failure returns every problem found.
    pub fn parse(input: GoalInput, ctx: &GoalContext) -> Result<GoalSpec, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = check_text(&mut errors, "/title", Some(input.title), MAX_TITLE);
        if title.is_empty() {
            errors.push("/title", "must not be empty: name the goal in a few words");
        }
        let owner_id = input.owner_id.unwrap_or(ctx.caller_id);
        if !ctx.member_ids.contains(&owner_id) {
            errors.push(
                "/owner_id",
                format!("user {owner_id} is not a member of this team"),
            );
        }
        let specific = Specific {
            what: check_text(&mut errors, "/specific/what", input.specific.what, MAX_TEXT),
            why: check_text(&mut errors, "/specific/why", input.specific.why, MAX_TEXT),
        };
        let time_bound = parse_time_bound(input.time_bound, &mut errors);
        let measurable = parse_measurable(input.measurable, &time_bound, ctx, &mut errors);
        let achievable = Achievable {
            resources: check_text(
                &mut errors,
                "/achievable/resources",
                input.achievable.resources,
                MAX_TEXT,
            ),
            skills: check_text(
                &mut errors,
                "/achievable/skills",
                input.achievable.skills,
                MAX_TEXT,
            ),
            tools: check_text(
                &mut errors,
                "/achievable/tools",
                input.achievable.tools,
                MAX_TEXT,
            ),
        };
        let relevant = parse_relevant(input.relevant, ctx, &mut errors);
        let r = input.review;
        let review = ReviewSettings::parse(
            r.cadence,
            r.cron.as_deref(),
            r.timezone.as_deref(),
            r.time_of_day.as_deref(),
            &r.reviewers,
            &mut errors,
        );
        let spec = GoalSpec {
            title,
            owner_id,
            status: input.status.unwrap_or(GoalStatus::Draft),
            specific,
            measurable,
            achievable,
            relevant,
            time_bound,
            review,
        };
        if errors.is_empty() && spec.status == GoalStatus::Active {
            let check = smart::check(&spec, ctx.today);
            for item in check.missing() {
                errors.push(
                    item.pointer.clone(),
                    format!("cannot activate the goal: {}", item.message),
                );
            }
        }
        errors.finish(spec)
    }
}

fn parse_date(raw: Option<String>, pointer: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let raw = raw.filter(|s| !s.trim().is_empty())?;
    match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(pointer, format!("\"{raw}\" is not a date; use YYYY-MM-DD"));
            None
        }
    }
}

fn parse_time_bound(input: TimeBoundInput, errors: &mut FieldErrors) -> TimeBound {
    let start = parse_date(input.start, "/time_bound/start", errors);
    let deadline = parse_date(input.deadline, "/time_bound/deadline", errors);
    if let (Some(start), Some(deadline)) = (start, deadline)
        && deadline <= start
    {
        errors.push(
            "/time_bound/deadline",
            format!("the deadline {deadline} must be after the start date {start}"),
        );
    }
    TimeBound { start, deadline }
}

fn parse_measurable(
    input: MeasurableInput,
    time_bound: &TimeBound,
    ctx: &GoalContext,
    errors: &mut FieldErrors,
) -> Measurable {
    let metric_key = input
        .metric
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty());
    let metric = metric_key.as_ref().and_then(|key| {
        let found = ctx.metrics.iter().find(|m| &m.key == key);
        if found.is_none() {
            errors.push(
                "/measurable/metric",
                format!("unknown metric \"{key}\"; GET /api/v1/metrics lists the metrics this team can use"),
            );
        }
        found
    });
    let direction = input.direction.or(metric.map(|m| match m.better {
        Better::Higher => Direction::Increase,
        Better::Lower => Direction::Decrease,
    }));
    for (pointer, value) in [
        ("/measurable/baseline", input.baseline),
        ("/measurable/target", input.target),
    ] {
        if let Some(value) = value {
            check_metric_value(metric, value, pointer, errors);
        }
    }
    if let (Some(baseline), Some(target)) = (input.baseline, input.target) {
        check_target_side(direction, baseline, target, errors);
    }
    let bounds = (input.baseline, input.target);
    let milestones = parse_milestones(
        input.milestones,
        metric,
        direction,
        bounds,
        time_bound,
        errors,
    );
    let window_days = input.window_days.unwrap_or(DEFAULT_WINDOW_DAYS);
    if !(1..=MAX_WINDOW_DAYS).contains(&window_days) {
        errors.push(
            "/measurable/window_days",
            format!("must be from 1 to {MAX_WINDOW_DAYS} days"),
        );
    }
    Measurable {
        metric_key,
        direction,
        window_days,
        baseline: input.baseline,
        target: input.target,
        milestones,
    }
}

fn check_metric_value(
    metric: Option<&MetricDef>,
    value: f64,
    pointer: &str,
    errors: &mut FieldErrors,
) {
    let result = match metric {
        Some(metric) => metric.check_value(value),
        None if !value.is_finite() => Err("must be a finite number".into()),
        None => Ok(()),
    };
    if let Err(message) = result {
        errors.push(pointer, message);
    }
}

fn check_target_side(
    direction: Option<Direction>,
    baseline: f64,
    target: f64,
    errors: &mut FieldErrors,
) {
    let pointer = "/measurable/target";
    if target == baseline {
        errors.push(
            pointer,
            format!("the target equals the baseline ({baseline}): there is nothing to achieve"),
        );
        return;
    }
    match direction {
        Some(Direction::Increase) if target < baseline => errors.push(
            pointer,
            format!("the target {target} is below the baseline {baseline}, but the goal is to increase the metric"),
        ),
        Some(Direction::Decrease) if target > baseline => errors.push(
            pointer,
            format!("the target {target} is above the baseline {baseline}, but the goal is to decrease the metric"),
        ),
        _ => {}
    }
}

fn parse_milestones(
    raw: Vec<MilestoneInput>,
    metric: Option<&MetricDef>,
    direction: Option<Direction>,
    (baseline, target): (Option<f64>, Option<f64>),
    time_bound: &TimeBound,
    errors: &mut FieldErrors,
) -> Vec<Milestone> {
    if raw.len() > MAX_MILESTONES {
        errors.push(
            "/measurable/milestones",
            format!("at most {MAX_MILESTONES} milestones"),
        );
        return Vec::new();
    }
    let mut milestones: Vec<Milestone> = Vec::new();
    for (i, m) in raw.into_iter().enumerate() {
        let at = format!("/measurable/milestones/{i}");
        let date = parse_date(Some(m.date.clone()), &format!("{at}/date"), errors);
        if m.date.trim().is_empty() {
            errors.push(format!("{at}/date"), "is required");
        }
        check_metric_value(metric, m.target, &format!("{at}/target"), errors);
        let note = check_text(errors, &format!("{at}/note"), m.note, 500);
        let Some(date) = date else { continue };
        check_milestone_date(date, time_bound, &format!("{at}/date"), errors);
        if let Some(prev) = milestones.last() {
            if date <= prev.date {
                errors.push(
                    format!("{at}/date"),
                    format!("must come after the previous milestone ({})", prev.date),
                );
            } else if moves_backwards(direction, prev.target, m.target) {
                errors.push(
                    format!("{at}/target"),
                    format!(
                        "moves away from the target after the previous milestone ({})",
                        prev.target
                    ),
                );
            }
        }
        if let (Some(baseline), Some(target)) = (baseline, target) {
            let (lo, hi) = (baseline.min(target), baseline.max(target));
            if m.target < lo || m.target > hi {
                errors.push(
                    format!("{at}/target"),
                    format!("must lie between the baseline {baseline} and the target {target}"),
                );
            }
        }
        milestones.push(Milestone {
            date,
            target: m.target,
            note,
        });
    }
    milestones
}

fn check_milestone_date(
    date: NaiveDate,
    time_bound: &TimeBound,
    pointer: &str,
    errors: &mut FieldErrors,
) {
    if let Some(start) = time_bound.start.filter(|s| date <= *s) {
        errors.push(
            pointer,
            format!("{date} is not after the start date {start}"),
        );
    }
    if let Some(deadline) = time_bound.deadline.filter(|d| date > *d) {
        errors.push(pointer, format!("{date} is after the deadline {deadline}"));
    }
}

fn moves_backwards(direction: Option<Direction>, previous: f64, next: f64) -> bool {
    match direction {
        Some(Direction::Increase) => next < previous,
        Some(Direction::Decrease) => next > previous,
        None => false,
    }
}

fn parse_relevant(input: RelevantInput, ctx: &GoalContext, errors: &mut FieldErrors) -> Relevant {
    let strategy = check_text(errors, "/relevant/strategy", input.strategy, MAX_TEXT);
    if let Some(parent_id) = input.parent_goal_id {
        match &ctx.parent {
            Some(parent) if parent.id == parent_id => {
                if ctx
                    .goal_id
                    .is_some_and(|id| id == parent.id || parent.ancestor_ids.contains(&id))
                {
                    errors.push(
                        "/relevant/parent_goal_id",
                        format!("goal {parent_id} is this goal or one of its sub-goals; alignment cannot go in a circle"),
                    );
                }
            }
            _ => errors.push(
                "/relevant/parent_goal_id",
                format!("there is no goal {parent_id} in this team to align with"),
            ),
        }
    }
    Relevant {
        strategy,
        parent_goal_id: input.parent_goal_id,
        journey_stage: input.journey_stage,
    }
}
