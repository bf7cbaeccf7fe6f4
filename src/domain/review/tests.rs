//! Answers and readjustments, on hand-made inputs.

use chrono::NaiveDate;
use serde_json::json;

use super::*;
use crate::domain::goal::{GoalContext, GoalSpec};
use crate::domain::metric::builtin_metrics;

fn ctx() -> GoalContext {
    GoalContext {
        goal_id: Some(7),
        caller_id: 1,
        member_ids: vec![1],
        metrics: builtin_metrics(),
        parent: None,
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    }
}

/// An active churn goal, 12 % down to 8 % by the end of June 2027, as
/// `to_input` gives it.
fn goal() -> GoalInput {
    let input = serde_json::from_value(json!({
        "team_id": 1, "title": "Fewer lost customers", "status": "active",
        "specific": {"what": "Call every customer who has not ordered", "why": "Churn eats growth"},
        "measurable": {"metric": "churn_rate", "baseline": 12.0, "target": 8.0,
                       "milestones": [{"date": "2027-03-29", "target": 10.0}]},
        "achievable": {"resources": "Two hours a day"},
        "relevant": {"strategy": "Retention first", "journey_stage": "retention"},
        "time_bound": {"start": "2027-01-04", "deadline": "2027-06-28"},
        "review": {"cadence": "weekly"}
    }))
    .unwrap();
    GoalSpec::parse(input, &ctx()).unwrap().to_input(1)
}

fn suggestion() -> ReadjustSuggestion {
    ReadjustSuggestion {
        target: 9.9,
        deadline: NaiveDate::from_ymd_opt(2027, 11, 8),
    }
}

fn answer(value: serde_json::Value) -> Result<Answer, FieldErrors> {
    Answer::parse(serde_json::from_value(value).unwrap())
}

fn pointers(errors: &FieldErrors) -> Vec<&str> {
    errors.0.iter().map(|e| e.pointer.as_str()).collect()
}

/// Readjusts `goal()` and runs the goal rules, as the service does.
fn readjust(r: serde_json::Value) -> Result<GoalSpec, FieldErrors> {
    let r: ReadjustInput = serde_json::from_value(r).unwrap();
    let merged = readjusted(goal(), &r, Some(&suggestion()))?;
    GoalSpec::parse(merged, &ctx()).map_err(|e| remap(e, r.accept_suggestion))
}

#[test]
fn continuing_needs_no_reason_and_keeps_the_assessment() {
    let a = answer(json!({"decision": "continue", "confidence": 4,
        "assessment": {"went_well": "  calls made ", "blocked": "holidays"}}))
    .unwrap();
    assert_eq!(a.decision, Decision::Continue);
    assert_eq!(
        (a.went_well.as_str(), a.confidence),
        ("calls made", Some(4))
    );
    assert!(a.readjust.is_none());
}

#[test]
fn every_other_decision_needs_a_reason() {
    for decision in ["close_achieved", "close_missed", "abandon"] {
        let errors = answer(json!({"decision": decision, "reason": "  "})).unwrap_err();
        assert_eq!(pointers(&errors), ["/reason"], "{decision}");
    }
    let errors = answer(json!({"decision": "readjust", "readjust": {"target": 9}})).unwrap_err();
    assert_eq!(pointers(&errors), ["/reason"]);
}

#[test]
fn confidence_is_a_rating_from_one_to_five() {
    for bad in [0, 6, -1, 70000] {
        let errors = answer(json!({"decision": "continue", "confidence": bad})).unwrap_err();
        assert_eq!(pointers(&errors), ["/confidence"], "{bad}");
    }
    assert!(
        answer(json!({"decision": "continue"}))
            .unwrap()
            .confidence
            .is_none()
    );
}

#[test]
fn texts_are_bounded() {
    let long = "x".repeat(MAX_ASSESSMENT + 1);
    let errors = answer(
        json!({"decision": "abandon", "reason": "x".repeat(MAX_REASON + 1),
        "assessment": {"went_well": long, "blocked": "ok"}}),
    )
    .unwrap_err();
    assert_eq!(pointers(&errors), ["/assessment/went_well", "/reason"]);
}

#[test]
fn readjust_goes_with_the_readjust_decision_only() {
    let e = answer(json!({"decision": "readjust", "reason": "r"})).unwrap_err();
    assert_eq!(pointers(&e), ["/readjust"]);
    let e = answer(json!({"decision": "readjust", "reason": "r", "readjust": {}})).unwrap_err();
    assert_eq!(pointers(&e), ["/readjust"]);
    let e = answer(json!({"decision": "continue", "readjust": {"target": 9}})).unwrap_err();
    assert_eq!(pointers(&e), ["/readjust"]);
}

#[test]
fn unknown_decisions_and_accept_values_do_not_parse() {
    let bad = serde_json::from_value::<AnswerInput>(json!({"decision": "maybe"}));
    assert!(bad.unwrap_err().to_string().contains("continue"));
    for (raw, want) in [
        (json!(true), AcceptSuggestion::Target),
        (json!("target"), AcceptSuggestion::Target),
        (json!("deadline"), AcceptSuggestion::Deadline),
        (json!(false), AcceptSuggestion::No),
    ] {
        let r: ReadjustInput = serde_json::from_value(json!({"accept_suggestion": raw})).unwrap();
        assert_eq!(r.accept_suggestion, want);
    }
    assert!(serde_json::from_value::<ReadjustInput>(json!({"accept_suggestion": "both"})).is_err());
}

#[test]
fn a_new_target_passes_the_goal_rules() {
    let spec = readjust(json!({"target": 9.5})).unwrap();
    assert_eq!(spec.measurable.target, Some(9.5));
    let errors = readjust(json!({"target": 13})).unwrap_err();
    assert_eq!(
        pointers(&errors),
        ["/readjust/target", "/readjust/milestones/0/target"]
    );
    assert!(errors.0[0].message.contains("above the baseline 12"));
}

#[test]
fn accepting_the_suggestion_takes_one_of_its_parts() {
    let spec = readjust(json!({"accept_suggestion": true})).unwrap();
    assert_eq!(spec.measurable.target, Some(9.9));
    assert_eq!(
        spec.time_bound.deadline,
        NaiveDate::from_ymd_opt(2027, 6, 28)
    );
    let spec = readjust(json!({"accept_suggestion": "deadline"})).unwrap();
    assert_eq!(spec.measurable.target, Some(8.0));
    assert_eq!(
        spec.time_bound.deadline,
        NaiveDate::from_ymd_opt(2027, 11, 8)
    );
    let errors = readjust(json!({"accept_suggestion": true, "target": 9})).unwrap_err();
    assert_eq!(pointers(&errors), ["/readjust/target"]);
    let r = ReadjustInput {
        accept_suggestion: AcceptSuggestion::Target,
        ..Default::default()
    };
    let errors = readjusted(goal(), &r, None).unwrap_err();
    assert_eq!(pointers(&errors), ["/readjust/accept_suggestion"]);
}

#[test]
fn a_suggested_target_the_rules_refuse_points_at_the_acceptance() {
    let r = ReadjustInput {
        accept_suggestion: AcceptSuggestion::Target,
        ..Default::default()
    };
    let away = ReadjustSuggestion {
        target: 13.0,
        deadline: None,
    };
    let merged = readjusted(goal(), &r, Some(&away)).unwrap();
    let errors = remap(
        GoalSpec::parse(merged, &ctx()).unwrap_err(),
        r.accept_suggestion,
    );
    assert_eq!(errors.0[0].pointer, "/readjust/accept_suggestion");
}

#[test]
fn a_new_metric_needs_its_own_baseline_and_takes_its_direction() {
    let errors = readjust(json!({"metric": "nps", "target": 40})).unwrap_err();
    assert_eq!(pointers(&errors), ["/readjust/baseline"]);
    let spec =
        readjust(json!({"metric": "nps", "baseline": 20, "target": 40, "milestones": []})).unwrap();
    assert_eq!(
        spec.measurable.direction.map(|d| d.as_str()),
        Some("increase")
    );
    let errors = readjust(json!({"metric": "no_such", "baseline": 1, "target": 2})).unwrap_err();
    assert!(
        pointers(&errors).contains(&"/readjust/metric"),
        "{errors:?}"
    );
}

#[test]
fn deadlines_and_cadences_follow_the_goal_rules() {
    let errors = readjust(json!({"deadline": "2026-12-01"})).unwrap_err();
    assert!(
        pointers(&errors).contains(&"/readjust/deadline"),
        "{errors:?}"
    );
    let spec = readjust(json!({"cron": "0 9 * * MON"})).unwrap();
    assert_eq!(spec.review.cadence.cron_expression(), Some("0 9 * * MON"));
    let errors = readjust(json!({"cadence": "cron"})).unwrap_err();
    assert_eq!(pointers(&errors), ["/readjust/cron"]);
    let spec = readjust(json!({"cadence": "monthly"})).unwrap();
    assert_eq!(spec.review.cadence.kind(), CadenceKind::Monthly);
}

#[test]
fn changes_list_only_what_moved() {
    let old = goal();
    let new = readjust(json!({"target": 9.5, "cadence": "monthly"}))
        .unwrap()
        .to_input(1);
    let c = changes(&old, &new);
    assert_eq!(
        c.old,
        json!({"target": 8.0, "cadence": "weekly"})
            .as_object()
            .unwrap()
            .clone()
    );
    assert_eq!(
        c.new,
        json!({"target": 9.5, "cadence": "monthly"})
            .as_object()
            .unwrap()
            .clone()
    );
    assert!(changes(&old, &old).is_empty());
}

#[test]
fn the_original_value_is_the_oldest_revisions_old_one() {
    let first = json!({"target": 8.0}).as_object().unwrap().clone();
    let second = json!({"target": 9.0, "deadline": "2027-09-30"})
        .as_object()
        .unwrap()
        .clone();
    assert_eq!(
        original_value([&first, &second], "target", json!(9.5)),
        json!(8.0)
    );
    assert_eq!(
        original_value([&first, &second], "deadline", json!("x")),
        json!("2027-09-30")
    );
    assert_eq!(
        original_value([&first], "baseline", json!(12.0)),
        json!(12.0)
    );
}
