//! The goal rules and the SMART check, on hand-made inputs.

use chrono::NaiveDate;

use super::*;
use crate::domain::metric::builtin_metrics;
use crate::domain::smart::{self, Criterion};

fn ctx() -> GoalContext {
    GoalContext {
        goal_id: Some(7),
        caller_id: 1,
        member_ids: vec![1, 2],
        metrics: builtin_metrics(),
        parent: None,
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    }
}

/// A goal that meets every criterion.
pub(crate) fn complete() -> GoalInput {
    GoalInput {
        team_id: 1,
        title: "Fewer lost customers".into(),
        status: Some(GoalStatus::Active),
        specific: SpecificInput {
            what: Some("Call every customer who has not ordered in 60 days".into()),
            why: Some("Churn eats the growth we pay for in marketing".into()),
        },
        measurable: MeasurableInput {
            metric: Some("churn_rate".into()),
            direction: None,
            baseline: Some(12.0),
            target: Some(8.0),
            milestones: vec![MilestoneInput {
                date: "2027-02-01".into(),
                target: 10.0,
                note: None,
            }],
            window_days: None,
        },
        achievable: AchievableInput {
            resources: Some("Two hours a day of reception time".into()),
            ..Default::default()
        },
        relevant: RelevantInput {
            strategy: Some("Retention first".into()),
            journey_stage: Some(crate::domain::metric::JourneyStage::Retention),
            parent_goal_id: None,
        },
        time_bound: TimeBoundInput {
            start: Some("2026-12-01".into()),
            deadline: Some("2027-06-30".into()),
        },
        review: ReviewInput::default(),
        ..Default::default()
    }
}

fn pointers(errors: &crate::domain::FieldErrors) -> Vec<&str> {
    errors.0.iter().map(|e| e.pointer.as_str()).collect()
}

#[test]
fn a_complete_goal_passes_and_takes_the_metric_direction() {
    let spec = GoalSpec::parse(complete(), &ctx()).unwrap();
    assert_eq!(spec.measurable.direction, Some(Direction::Decrease));
    assert!(smart::check(&spec, ctx().today).passed);
}

#[test]
fn an_empty_draft_is_saved_with_every_criterion_reported() {
    let input = GoalInput {
        team_id: 1,
        title: "Happier patients".into(),
        ..Default::default()
    };
    let spec = GoalSpec::parse(input, &ctx()).unwrap();
    let check = smart::check(&spec, ctx().today);
    assert!(!check.passed);
    assert!(check.criteria.iter().all(|c| !c.met));
    let messages: Vec<_> = check.missing().map(|m| m.message.as_str()).collect();
    assert!(messages.contains(&"Measurable: no target value"));
    assert!(messages.contains(&"Time-bound: no deadline"));
}

#[test]
fn an_incomplete_goal_cannot_be_activated() {
    let mut input = complete();
    input.measurable.target = None;
    input.measurable.milestones.clear();
    let errors = GoalSpec::parse(input, &ctx()).unwrap_err();
    assert_eq!(pointers(&errors), ["/measurable/target"]);
    assert!(errors.0[0].message.contains("Measurable: no target value"));
}

#[test]
fn an_empty_title_is_refused_even_for_drafts() {
    let input = GoalInput {
        team_id: 1,
        title: "   ".into(),
        ..Default::default()
    };
    assert_eq!(
        pointers(&GoalSpec::parse(input, &ctx()).unwrap_err()),
        ["/title"]
    );
}

#[test]
fn deadline_before_start_is_refused() {
    let mut input = complete();
    input.time_bound.deadline = Some("2026-11-30".into());
    let errors = GoalSpec::parse(input, &ctx()).unwrap_err();
    assert!(pointers(&errors).contains(&"/time_bound/deadline"));
}

#[test]
fn target_equal_to_baseline_is_refused() {
    let mut input = complete();
    input.measurable.target = Some(12.0);
    input.measurable.milestones.clear();
    let errors = GoalSpec::parse(input, &ctx()).unwrap_err();
    assert!(errors.0[0].message.contains("nothing to achieve"));
}

#[test]
fn target_on_the_wrong_side_is_refused_for_both_directions() {
    let mut input = complete();
    input.measurable.target = Some(15.0);
    input.measurable.milestones.clear();
    let errors = GoalSpec::parse(input, &ctx()).unwrap_err();
    assert!(errors.0[0].message.contains("decrease"), "{errors:?}");

    let mut input = complete();
    input.measurable.metric = Some("nps".into());
    input.measurable.baseline = Some(30.0);
    input.measurable.target = Some(20.0);
    input.measurable.milestones.clear();
    let errors = GoalSpec::parse(input, &ctx()).unwrap_err();
    assert!(errors.0[0].message.contains("increase"), "{errors:?}");
}

#[test]
fn unknown_metric_and_out_of_range_values_name_their_field() {
    let mut input = complete();
    input.measurable.metric = Some("happiness".into());
    assert!(pointers(&GoalSpec::parse(input, &ctx()).unwrap_err()).contains(&"/measurable/metric"));
    let mut input = complete();
    input.measurable.baseline = Some(140.0);
    assert!(
        pointers(&GoalSpec::parse(input, &ctx()).unwrap_err()).contains(&"/measurable/baseline")
    );
}

#[test]
fn milestones_must_lie_inside_the_plan() {
    let mut input = complete();
    input.measurable.milestones = vec![
        MilestoneInput {
            date: "2027-03-01".into(),
            target: 10.0,
            note: None,
        },
        MilestoneInput {
            date: "2027-02-01".into(),
            target: 11.0,
            note: None,
        },
        MilestoneInput {
            date: "2027-09-01".into(),
            target: 20.0,
            note: None,
        },
    ];
    let errors = GoalSpec::parse(input, &ctx()).unwrap_err();
    assert_eq!(
        pointers(&errors),
        [
            "/measurable/milestones/1/date",
            "/measurable/milestones/2/date",
            "/measurable/milestones/2/target",
            "/measurable/milestones/2/target"
        ]
    );
}

#[test]
fn owner_must_be_a_team_member() {
    let mut input = complete();
    input.owner_id = Some(99);
    assert_eq!(
        pointers(&GoalSpec::parse(input, &ctx()).unwrap_err()),
        ["/owner_id"]
    );
}

#[test]
fn parent_must_exist_in_the_team_and_not_form_a_circle() {
    let mut input = complete();
    input.relevant.parent_goal_id = Some(3);
    let errors = GoalSpec::parse(input.clone(), &ctx()).unwrap_err();
    assert!(errors.0[0].message.contains("no goal 3 in this team"));

    let mut ctx = ctx();
    ctx.parent = Some(ParentGoal {
        id: 3,
        ancestor_ids: vec![7],
    });
    let errors = GoalSpec::parse(input, &ctx).unwrap_err();
    assert!(errors.0[0].message.contains("circle"));
}

#[test]
fn a_passed_deadline_fails_time_bound_for_open_goals_only() {
    let mut input = complete();
    input.status = Some(GoalStatus::Draft);
    input.time_bound = TimeBoundInput {
        start: Some("2025-01-01".into()),
        deadline: Some("2025-06-30".into()),
    };
    input.measurable.milestones.clear();
    let spec = GoalSpec::parse(input, &ctx()).unwrap();
    let check = smart::check(&spec, ctx().today);
    let time = check
        .criteria
        .iter()
        .find(|c| c.criterion == Criterion::TimeBound)
        .unwrap();
    assert!(time.missing[0].message.contains("already passed"));
    let closed = GoalSpec {
        status: GoalStatus::Missed,
        ..spec
    };
    assert!(smart::check(&closed, ctx().today).passed);
}

#[test]
fn a_one_word_what_is_not_specific() {
    let mut input = complete();
    input.specific.what = Some("Retention".into());
    let errors = GoalSpec::parse(input, &ctx()).unwrap_err();
    assert_eq!(pointers(&errors), ["/specific/what"]);
}
