//! The SMART check: per criterion, whether the goal meets it and, if not,
//! what is missing, in words a manager understands.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::achievability::PaceAdvice;
use super::goal::{GoalSpec, GoalStatus};
use super::metric::builtin_metric;
use super::text_enum::text_enum;

text_enum! {
    /// The five SMART criteria.
    Criterion {
        Specific => "specific",
        Measurable => "measurable",
        Achievable => "achievable",
        Relevant => "relevant",
        TimeBound => "time_bound",
    }
}

impl Criterion {
    /// The criterion's name as managers write it.
    pub fn label(self) -> &'static str {
        match self {
            Criterion::Specific => "Specific",
            Criterion::Measurable => "Measurable",
            Criterion::Achievable => "Achievable",
            Criterion::Relevant => "Relevant",
            Criterion::TimeBound => "Time-bound",
        }
    }

    /// The guiding question a manager answers for this criterion.
    pub fn question(self) -> &'static str {
        match self {
            Criterion::Specific => "What do you want to do? Why do you set this goal?",
            Criterion::Measurable => "How will you know you have achieved what you expect?",
            Criterion::Achievable => {
                "Do you have the tools, resources and competences to reach it?"
            }
            Criterion::Relevant => {
                "Does the goal move the company forward, fit the chosen strategy, and can it really be done?"
            }
            Criterion::TimeBound => "When exactly do you want to achieve it?",
        }
    }
}

/// One thing a criterion still lacks.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Missing {
    /// JSON pointer to the field that would fix it.
    pub pointer: String,
    /// E.g. "Measurable: no target value".
    pub message: String,
}

/// The verdict on one criterion.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CriterionCheck {
    pub criterion: Criterion,
    pub met: bool,
    pub missing: Vec<Missing>,
    /// Advice that does not block the goal: for Achievable, how the needed
    /// pace compares with the metric's history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<PaceAdvice>,
}

/// The verdict on every criterion; `passed` when all are met.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct SmartCheck {
    pub passed: bool,
    pub criteria: Vec<CriterionCheck>,
}

impl SmartCheck {
    /// Everything missing, across criteria.
    pub fn missing(&self) -> impl Iterator<Item = &Missing> {
        self.criteria.iter().flat_map(|c| c.missing.iter())
    }
}

/// A `what` this short does not say concretely what will change.
const MIN_WHAT_WORDS: usize = 3;

/// Checks `goal` against every SMART criterion as of `today`.
pub fn check(goal: &GoalSpec, today: NaiveDate) -> SmartCheck {
    let criteria: Vec<CriterionCheck> = Criterion::ALL
        .iter()
        .map(|&criterion| {
            let mut missing = Vec::new();
            let mut lack = |pointer: &str, what: &str| {
                missing.push(Missing {
                    pointer: pointer.into(),
                    message: format!("{}: {what}", criterion.label()),
                })
            };
            match criterion {
                Criterion::Specific => specific(goal, &mut lack),
                Criterion::Measurable => measurable(goal, &mut lack),
                Criterion::Achievable => achievable(goal, &mut lack),
                Criterion::Relevant => relevant(goal, &mut lack),
                Criterion::TimeBound => time_bound(goal, today, &mut lack),
            }
            CriterionCheck {
                criterion,
                met: missing.is_empty(),
                missing,
                advice: None,
            }
        })
        .collect();
    SmartCheck {
        passed: criteria.iter().all(|c| c.met),
        criteria,
    }
}

fn specific(goal: &GoalSpec, lack: &mut impl FnMut(&str, &str)) {
    let what = &goal.specific.what;
    if what.is_empty() {
        lack("/specific/what", "say what will change");
    } else if what.split_whitespace().count() < MIN_WHAT_WORDS {
        lack(
            "/specific/what",
            "describe the change in a sentence, not a word or two",
        );
    }
    if goal.specific.why.is_empty() {
        lack("/specific/why", "say why you set this goal");
    }
}

fn measurable(goal: &GoalSpec, lack: &mut impl FnMut(&str, &str)) {
    let m = &goal.measurable;
    if m.metric_key.is_none() {
        lack("/measurable/metric", "no metric linked");
    }
    // A built-in metric's baseline is captured from the data at activation.
    let captured = m
        .metric_key
        .as_deref()
        .is_some_and(|k| builtin_metric(k).is_some());
    if m.baseline.is_none() && !captured {
        lack("/measurable/baseline", "no baseline value");
    }
    if m.target.is_none() {
        lack("/measurable/target", "no target value");
    }
}

fn achievable(goal: &GoalSpec, lack: &mut impl FnMut(&str, &str)) {
    let a = &goal.achievable;
    if a.resources.is_empty() && a.skills.is_empty() && a.tools.is_empty() {
        lack(
            "/achievable/resources",
            "describe the resources, skills or tools you have to reach it",
        );
    }
}

fn relevant(goal: &GoalSpec, lack: &mut impl FnMut(&str, &str)) {
    if goal.relevant.strategy.is_empty() {
        lack("/relevant/strategy", "say how the goal serves the strategy");
    }
    if goal.relevant.journey_stage.is_none() {
        lack(
            "/relevant/journey_stage",
            "pick the journey stage it targets",
        );
    }
}

fn time_bound(goal: &GoalSpec, today: NaiveDate, lack: &mut impl FnMut(&str, &str)) {
    if goal.time_bound.start.is_none() {
        lack("/time_bound/start", "no start date");
    }
    match goal.time_bound.deadline {
        None => lack("/time_bound/deadline", "no deadline"),
        Some(deadline)
            if deadline < today
                && matches!(goal.status, GoalStatus::Draft | GoalStatus::Active) =>
        {
            lack(
                "/time_bound/deadline",
                &format!("the deadline {deadline} has already passed"),
            )
        }
        Some(_) => {}
    }
}
