//! The goal form: its fields as the browser sends them, and the way to and
//! from the `GoalInput` the goal rules read.
//!
//! Field names: `title`, `owner`; S `what`, `why`; M `metric`, `direction`,
//! `baseline`, `target`, `window_days`, and per milestone row
//! `milestone_date`, `milestone_target`, `milestone_note` (repeated, in
//! order); A `resources`, `skills`, `tools`; R `strategy`, `parent_goal`,
//! `journey_stage`; T `start`, `deadline`; E/R `cadence`, `cron`,
//! `timezone`, `time_of_day`, `reviewers` (one email per line); `version`,
//! `reason` (edits of active goals) and the submit button `intent`
//! (`check`, `draft`, `activate`, `save`).

use crate::domain::FieldErrors;
use crate::domain::goal::{
    AchievableInput, GoalInput, GoalStatus, MeasurableInput, MilestoneInput, RelevantInput,
    ReviewInput, SpecificInput, TimeBoundInput,
};
use crate::web::chart::format_number;

/// Blank milestone rows offered below the goal's own.
const BLANK_MILESTONES: usize = 2;

/// One milestone row as typed.
#[derive(Clone, Debug, Default)]
pub struct MilestoneRow {
    pub date: String,
    pub target: String,
    pub note: String,
}

/// What the submit button asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Show the SMART check, store nothing.
    Check,
    /// Store as a draft.
    Draft,
    /// Store and activate (needs every SMART criterion met).
    Activate,
    /// Store an edit, keeping the goal's status.
    Save,
}

/// The goal form as typed, every field kept as text so a wrong value
/// comes back exactly as it was sent.
#[derive(Clone, Debug, Default)]
pub struct GoalForm {
    pub title: String,
    pub owner: String,
    pub what: String,
    pub why: String,
    pub metric: String,
    pub direction: String,
    pub baseline: String,
    pub target: String,
    pub window_days: String,
    pub milestones: Vec<MilestoneRow>,
    pub resources: String,
    pub skills: String,
    pub tools: String,
    pub strategy: String,
    pub parent_goal: String,
    pub journey_stage: String,
    pub start: String,
    pub deadline: String,
    pub cadence: String,
    pub cron: String,
    pub timezone: String,
    pub time_of_day: String,
    pub reviewers: String,
    pub version: String,
    pub reason: String,
    pub intent: String,
}

impl GoalForm {
    /// The form from the submitted pairs (repeated milestone fields in order).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> GoalForm {
        let mut form = GoalForm::default();
        let (mut dates, mut targets, mut notes) = (Vec::new(), Vec::new(), Vec::new());
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "title" => &mut form.title,
                "owner" => &mut form.owner,
                "what" => &mut form.what,
                "why" => &mut form.why,
                "metric" => &mut form.metric,
                "direction" => &mut form.direction,
                "baseline" => &mut form.baseline,
                "target" => &mut form.target,
                "window_days" => &mut form.window_days,
                "resources" => &mut form.resources,
                "skills" => &mut form.skills,
                "tools" => &mut form.tools,
                "strategy" => &mut form.strategy,
                "parent_goal" => &mut form.parent_goal,
                "journey_stage" => &mut form.journey_stage,
                "start" => &mut form.start,
                "deadline" => &mut form.deadline,
                "cadence" => &mut form.cadence,
                "cron" => &mut form.cron,
                "timezone" => &mut form.timezone,
                "time_of_day" => &mut form.time_of_day,
                "reviewers" => &mut form.reviewers,
                "version" => &mut form.version,
                "reason" => &mut form.reason,
                "intent" => &mut form.intent,
                "milestone_date" => {
                    dates.push(value);
                    continue;
                }
                "milestone_target" => {
                    targets.push(value);
                    continue;
                }
                "milestone_note" => {
                    notes.push(value);
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        let rows = dates.len().max(targets.len()).max(notes.len());
        let take = |list: &mut Vec<String>, i: usize| list.get_mut(i).map(std::mem::take);
        for i in 0..rows {
            form.milestones.push(MilestoneRow {
                date: take(&mut dates, i).unwrap_or_default(),
                target: take(&mut targets, i).unwrap_or_default(),
                note: take(&mut notes, i).unwrap_or_default(),
            });
        }
        form
    }

    /// The form showing a stored goal.
    pub fn from_input(input: &GoalInput, version: i32) -> GoalForm {
        let m = &input.measurable;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<f64>| v.map(format_number).unwrap_or_default();
        GoalForm {
            title: input.title.clone(),
            owner: input.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            what: text(&input.specific.what),
            why: text(&input.specific.why),
            metric: text(&m.metric),
            direction: m.direction.map(|d| d.to_string()).unwrap_or_default(),
            baseline: number(m.baseline),
            target: number(m.target),
            window_days: m.window_days.map(|d| d.to_string()).unwrap_or_default(),
            milestones: m
                .milestones
                .iter()
                .map(|ms| MilestoneRow {
                    date: ms.date.clone(),
                    target: format_number(ms.target),
                    note: text(&ms.note),
                })
                .collect(),
            resources: text(&input.achievable.resources),
            skills: text(&input.achievable.skills),
            tools: text(&input.achievable.tools),
            strategy: text(&input.relevant.strategy),
            parent_goal: input
                .relevant
                .parent_goal_id
                .map(|p| p.to_string())
                .unwrap_or_default(),
            journey_stage: input
                .relevant
                .journey_stage
                .map(|j| j.to_string())
                .unwrap_or_default(),
            start: text(&input.time_bound.start),
            deadline: text(&input.time_bound.deadline),
            cadence: input
                .review
                .cadence
                .map(|c| c.to_string())
                .unwrap_or_default(),
            cron: text(&input.review.cron),
            timezone: text(&input.review.timezone),
            time_of_day: text(&input.review.time_of_day),
            reviewers: input.review.reviewers.join("\n"),
            version: version.to_string(),
            reason: String::new(),
            intent: String::new(),
        }
    }

    /// An empty form for a new goal.
    pub fn blank() -> GoalForm {
        GoalForm {
            window_days: crate::domain::goal::DEFAULT_WINDOW_DAYS.to_string(),
            cadence: "monthly".into(),
            timezone: "UTC".into(),
            time_of_day: "09:00".into(),
            ..GoalForm::default()
        }
    }

    /// The milestone rows to show: the typed ones, non-empty, plus blanks.
    pub fn milestone_rows(&self) -> Vec<MilestoneRow> {
        let mut rows: Vec<MilestoneRow> = self
            .milestones
            .iter()
            .filter(|r| !is_blank_row(r))
            .cloned()
            .collect();
        rows.extend((0..BLANK_MILESTONES).map(|_| MilestoneRow::default()));
        rows
    }

    pub fn intent(&self) -> Intent {
        match self.intent.as_str() {
            "check" => Intent::Check,
            "activate" => Intent::Activate,
            "save" => Intent::Save,
            _ => Intent::Draft,
        }
    }

    /// The `GoalInput` the form stands for, and what could not be read
    /// (numbers that are not numbers, unknown choices), by JSON pointer.
    pub fn to_input(&self, team_id: i32, status: GoalStatus) -> (GoalInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let mut milestones = Vec::new();
        for (i, row) in self
            .milestones
            .iter()
            .filter(|r| !is_blank_row(r))
            .enumerate()
        {
            let pointer = format!("/measurable/milestones/{i}/target");
            let target = number(&row.target, &pointer, &mut errors).unwrap_or(f64::NAN);
            if row.target.trim().is_empty() {
                errors.push(pointer, "a milestone needs a target value");
            }
            milestones.push(MilestoneInput {
                date: row.date.trim().to_string(),
                target: if target.is_nan() { 0.0 } else { target },
                note: opt(&row.note),
            });
        }
        let input = GoalInput {
            team_id,
            title: self.title.clone(),
            status: Some(status),
            owner_id: integer(&self.owner, "/owner_id", &mut errors),
            specific: SpecificInput {
                what: opt(&self.what),
                why: opt(&self.why),
            },
            measurable: MeasurableInput {
                metric: opt(&self.metric),
                direction: choice(&self.direction, "/measurable/direction", &mut errors),
                baseline: number(&self.baseline, "/measurable/baseline", &mut errors),
                target: number(&self.target, "/measurable/target", &mut errors),
                milestones,
                window_days: integer(&self.window_days, "/measurable/window_days", &mut errors),
            },
            achievable: AchievableInput {
                resources: opt(&self.resources),
                skills: opt(&self.skills),
                tools: opt(&self.tools),
            },
            relevant: RelevantInput {
                strategy: opt(&self.strategy),
                parent_goal_id: integer(&self.parent_goal, "/relevant/parent_goal_id", &mut errors),
                journey_stage: choice(&self.journey_stage, "/relevant/journey_stage", &mut errors),
            },
            time_bound: TimeBoundInput {
                start: opt(&self.start),
                deadline: opt(&self.deadline),
            },
            review: ReviewInput {
                cadence: choice(&self.cadence, "/review/cadence", &mut errors),
                cron: opt(&self.cron),
                timezone: opt(&self.timezone),
                time_of_day: opt(&self.time_of_day),
                reviewers: self
                    .reviewers
                    .split(['\n', ',', ';'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            },
            version: None,
            reason: None,
        };
        (input, errors)
    }
}

fn is_blank_row(row: &MilestoneRow) -> bool {
    row.date.trim().is_empty() && row.target.trim().is_empty() && row.note.trim().is_empty()
}

fn number(raw: &str, pointer: &str, errors: &mut FieldErrors) -> Option<f64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.push(pointer, format!("\"{raw}\" is not a number"));
            None
        }
    }
}

fn integer<T: std::str::FromStr>(raw: &str, pointer: &str, errors: &mut FieldErrors) -> Option<T> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.push(pointer, format!("\"{raw}\" is not a whole number"));
            None
        }
    }
}

fn choice<T: std::str::FromStr>(raw: &str, pointer: &str, errors: &mut FieldErrors) -> Option<T> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.push(pointer, format!("\"{raw}\" is not one of the choices"));
            None
        }
    }
}

/// The form field a goal rule's JSON pointer is about; milestone rows are
/// `milestone.N`, anything else the whole form (`form`).
pub fn field_of(pointer: &str) -> String {
    if let Some(rest) = pointer.strip_prefix("/measurable/milestones/") {
        let row = rest.split('/').next().unwrap_or("0");
        return format!("milestone.{row}");
    }
    if pointer.starts_with("/review/reviewers") {
        return "reviewers".into();
    }
    let field = match pointer {
        "/title" => "title",
        "/owner_id" => "owner",
        "/specific/what" => "what",
        "/specific/why" => "why",
        "/measurable/metric" => "metric",
        "/measurable/direction" => "direction",
        "/measurable/baseline" => "baseline",
        "/measurable/target" => "target",
        "/measurable/window_days" => "window_days",
        "/measurable/milestones" => "milestones",
        "/achievable/resources" => "resources",
        "/achievable/skills" => "skills",
        "/achievable/tools" => "tools",
        "/achievable" => "resources",
        "/relevant/strategy" | "/relevant" => "strategy",
        "/relevant/parent_goal_id" => "parent_goal",
        "/relevant/journey_stage" => "journey_stage",
        "/time_bound/start" => "start",
        "/time_bound/deadline" | "/time_bound" => "deadline",
        "/review/cadence" => "cadence",
        "/review/cron" => "cron",
        "/review/timezone" => "timezone",
        "/review/time_of_day" => "time_of_day",
        "/reason" => "reason",
        "/version" => "version",
        _ => "form",
    };
    field.into()
}

#[cfg(test)]
mod tests;
