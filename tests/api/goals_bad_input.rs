//! Bad goal input: each case is a 4xx problem naming the field, and the
//! stored data is unchanged. Bad requests (size, type, token, path, query)
//! are in `requests`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use smarter::domain::account::Role;

use crate::helpers::{TestApp, TestUser, complete_goal, dual_test, pointers, problem};

mod requests;

/// `complete_goal` as a draft: the rules below hold even for drafts.
fn draft(team_id: i32) -> Value {
    let mut body = complete_goal(team_id);
    body["status"] = json!("draft");
    body
}

/// Posts `body` as a new goal; checks the 422 names `pointer` and no goal was stored.
async fn create_is_refused(app: &TestApp, user: &TestUser, body: &Value, pointer: &str) -> Value {
    let before = app.count("goals").await;
    let response = app.post("/api/v1/goals", &user.token, body).await;
    let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        pointers(&refused).iter().any(|p| p == pointer),
        "expected {pointer} in {refused}"
    );
    assert_eq!(refused["type"], "/problems/validation-error");
    assert_eq!(app.count("goals").await, before, "nothing is stored");
    refused
}

/// The message of the first field error at `pointer`.
fn message_at(problem: &Value, pointer: &str) -> String {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["pointer"] == pointer)
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no error at {pointer} in {problem}"))
        .to_string()
}

dual_test! {
    async fn malformed_json_is_a_400_and_stores_nothing(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        for body in [r#"{"team_id": 1, "title": "#, r#"{"team_id": 1,}"#, r#"{"team_id": 1} trailing"#, ""] {
            let response = app.post_raw("/api/v1/goals", &ann.token, body).await;
            let refused = problem(response, StatusCode::BAD_REQUEST).await;
            assert_eq!(refused["type"], "/problems/malformed-request");
            assert_eq!(pointers(&refused), [""], "{body:?}: {refused}");
            assert!(refused["detail"].as_str().unwrap().contains("not valid JSON"), "{refused}");
        }
        assert_eq!(app.count("goals").await, 0);
    }
}

dual_test! {
    async fn wrong_types_are_422_naming_the_field(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let cases = [
            ("/measurable/target", json!({"measurable": {"target": "abc"}})),
            ("/team_id", json!({"team_id": "one"})),
            ("/title", json!({"title": 42})),
            ("/measurable/milestones", json!({"measurable": {"milestones": "soon"}})),
            ("/measurable/milestones/0/target", json!({"measurable": {"milestones": [{"date": "2099-03-01", "target": "ten"}]}})),
            ("/review/reviewers", json!({"review": {"reviewers": "lead@example.com"}})),
            ("/relevant/parent_goal_id", json!({"relevant": {"parent_goal_id": "the big one"}})),
            ("/specific", json!({"specific": "make customers happy"})),
        ];
        for (pointer, change) in cases {
            let mut body = complete_goal(ann.team_id);
            merge(&mut body, change);
            let refused = create_is_refused(&app, &ann, &body, pointer).await;
            assert_eq!(pointers(&refused), [pointer]);
            assert!(message_at(&refused, pointer).contains("invalid type"), "{refused}");
        }
    }
}

dual_test! {
    async fn unknown_fields_are_422_naming_the_field(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let cases = [
            ("/colour", json!({"colour": "red"})),
            ("/measurable/unit", json!({"measurable": {"unit": "percent"}})),
            ("/measurable/milestones/0/owner", json!({"measurable": {"milestones": [{"date": "2099-03-01", "target": 10, "owner": "ann"}]}})),
            ("/review/channel", json!({"review": {"channel": "sms"}})),
        ];
        for (pointer, change) in cases {
            let mut body = complete_goal(ann.team_id);
            merge(&mut body, change);
            let refused = create_is_refused(&app, &ann, &body, pointer).await;
            assert_eq!(pointers(&refused), [pointer]);
            assert!(message_at(&refused, pointer).contains("is not a known field"), "{refused}");
        }
    }
}

dual_test! {
    async fn unknown_enum_values_are_422_naming_the_field(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let cases = [
            ("/status", "finished", json!({"status": "finished"})),
            ("/relevant/journey_stage", "loyalty", json!({"relevant": {"journey_stage": "loyalty"}})),
            ("/review/cadence", "daily", json!({"review": {"cadence": "daily"}})),
            ("/measurable/direction", "up", json!({"measurable": {"direction": "up"}})),
        ];
        for (pointer, value, change) in cases {
            let mut body = complete_goal(ann.team_id);
            merge(&mut body, change);
            let refused = create_is_refused(&app, &ann, &body, pointer).await;
            assert_eq!(pointers(&refused), [pointer]);
            assert!(message_at(&refused, pointer).contains(value), "{refused}");
        }
    }
}

dual_test! {
    async fn missing_required_fields_are_422_naming_the_field(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        for field in ["title", "team_id"] {
            let mut body = complete_goal(ann.team_id);
            body.as_object_mut().unwrap().remove(field);
            let pointer = format!("/{field}");
            let refused = create_is_refused(&app, &ann, &body, &pointer).await;
            assert!(message_at(&refused, &pointer).contains("is required"), "{refused}");
        }
        let mut body = complete_goal(ann.team_id);
        body["measurable"]["milestones"] = json!([{"target": 10}]);
        create_is_refused(&app, &ann, &body, "/measurable/milestones/0/date").await;
    }
}

dual_test! {
    async fn an_empty_title_is_refused(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        for title in ["", "   "] {
            let mut body = draft(ann.team_id);
            body["title"] = json!(title);
            let refused = create_is_refused(&app, &ann, &body, "/title").await;
            assert_eq!(pointers(&refused), ["/title"]);
        }
    }
}

dual_test! {
    async fn a_deadline_on_or_before_the_start_is_refused_even_in_a_draft(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        for deadline in ["2098-12-31", "2099-01-01"] {
            let mut body = draft(ann.team_id);
            body["measurable"]["milestones"] = json!([]);
            body["time_bound"]["deadline"] = json!(deadline);
            let refused = create_is_refused(&app, &ann, &body, "/time_bound/deadline").await;
            assert_eq!(pointers(&refused), ["/time_bound/deadline"]);
            assert!(message_at(&refused, "/time_bound/deadline").contains("after the start"), "{refused}");
        }
        let mut body = draft(ann.team_id);
        body["time_bound"]["start"] = json!("next monday");
        create_is_refused(&app, &ann, &body, "/time_bound/start").await;
    }
}

dual_test! {
    async fn a_target_equal_to_the_baseline_is_refused(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let mut body = draft(ann.team_id);
        body["measurable"] = json!({"metric": "churn_rate", "baseline": 12, "target": 12});
        let refused = create_is_refused(&app, &ann, &body, "/measurable/target").await;
        assert_eq!(pointers(&refused), ["/measurable/target"]);
        assert!(message_at(&refused, "/measurable/target").contains("equals the baseline"));
    }
}

dual_test! {
    async fn a_target_on_the_wrong_side_of_the_baseline_is_refused(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let cases = [
            (json!({"metric": "churn_rate", "baseline": 12, "target": 15}), "decrease"),
            (json!({"metric": "nps", "baseline": 30, "target": 20}), "increase"),
            (json!({"metric": "nps", "direction": "decrease", "baseline": 30, "target": 40}), "decrease"),
        ];
        for (measurable, direction) in cases {
            let mut body = draft(ann.team_id);
            body["measurable"] = measurable;
            let refused = create_is_refused(&app, &ann, &body, "/measurable/target").await;
            assert_eq!(pointers(&refused), ["/measurable/target"]);
            let message = message_at(&refused, "/measurable/target");
            assert!(message.contains(&format!("the goal is to {direction} the metric")), "{message}");
        }
    }
}

dual_test! {
    async fn an_unknown_metric_is_refused(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let mut body = draft(ann.team_id);
        body["measurable"]["metric"] = json!("happiness_index");
        let refused = create_is_refused(&app, &ann, &body, "/measurable/metric").await;
        assert!(message_at(&refused, "/measurable/metric").contains("happiness_index"));
    }
}

dual_test! {
    async fn review_settings_are_checked(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let cases = [
            ("/review/cron", "not a valid cron", json!({"cadence": "cron", "cron": "every tuesday"})),
            ("/review/cron", "is required", json!({"cadence": "cron"})),
            ("/review/cron", "only used", json!({"cadence": "weekly", "cron": "0 9 * * MON"})),
            ("/review/timezone", "Mars/Olympus", json!({"timezone": "Mars/Olympus"})),
            ("/review/time_of_day", "25:00", json!({"time_of_day": "25:00"})),
            ("/review/reviewers/1", "not an email", json!({"reviewers": ["lead@example.com", "lead at example"]})),
        ];
        for (pointer, words, review) in cases {
            let mut body = draft(ann.team_id);
            body["review"] = review;
            let refused = create_is_refused(&app, &ann, &body, pointer).await;
            assert_eq!(pointers(&refused), [pointer]);
            assert!(message_at(&refused, pointer).contains(words), "{refused}");
        }
    }
}

dual_test! {
    async fn a_parent_goal_from_another_team_is_refused(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        let theirs = app.create_goal(&bob, &complete_goal(bob.team_id)).await;
        let mut body = draft(ann.team_id);
        body["relevant"]["parent_goal_id"] = theirs["id"].clone();
        let refused = create_is_refused(&app, &ann, &body, "/relevant/parent_goal_id").await;
        assert_eq!(pointers(&refused), ["/relevant/parent_goal_id"]);
        // Even when the caller is in both teams, alignment stays within a team.
        app.join(&ann, "Sales", Role::Manager).await;
        create_is_refused(&app, &ann, &body, "/relevant/parent_goal_id").await;
    }
}

dual_test! {
    async fn an_owner_outside_the_team_is_refused(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        let mut body = draft(ann.team_id);
        body["owner_id"] = json!(bob.id);
        let refused = create_is_refused(&app, &ann, &body, "/owner_id").await;
        assert_eq!(pointers(&refused), ["/owner_id"]);
    }
}

dual_test! {
    async fn a_goal_in_a_team_that_is_not_yours_is_refused(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        let refused = create_is_refused(&app, &ann, &complete_goal(bob.team_id), "/team_id").await;
        assert_eq!(pointers(&refused), ["/team_id"]);
    }
}

dual_test! {
    async fn a_milestone_outside_the_plan_is_refused(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let cases = [
            ("/measurable/milestones/0/date", json!([{"date": "2099-07-01", "target": 10}])),
            ("/measurable/milestones/0/date", json!([{"date": "2098-12-01", "target": 10}])),
            ("/measurable/milestones/0/target", json!([{"date": "2099-03-01", "target": 13}])),
            ("/measurable/milestones/1/date", json!([{"date": "2099-03-01", "target": 10}, {"date": "2099-02-01", "target": 9}])),
            ("/measurable/milestones/1/target", json!([{"date": "2099-03-01", "target": 10}, {"date": "2099-04-01", "target": 11}])),
        ];
        for (pointer, milestones) in cases {
            let mut body = draft(ann.team_id);
            body["measurable"]["milestones"] = milestones;
            let refused = create_is_refused(&app, &ann, &body, pointer).await;
            assert_eq!(pointers(&refused), [pointer]);
        }
    }
}

dual_test! {
    async fn bad_updates_change_nothing(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        let goal = app.create_goal(&ann, &complete_goal(ann.team_id)).await;
        let id = goal["id"].as_i64().unwrap();
        let path = format!("/api/v1/goals/{id}");
        let before = app.goal_row(id).await.unwrap();

        let cases = [
            (json!({"measurable": {"target": "abc"}}), "/measurable/target"),
            (json!({"measurable": {"target": 15}}), "/measurable/target"),
            (json!({"relevant": {"hue": "blue"}}), "/relevant/hue"),
            (json!({"status": "finished"}), "/status"),
            (json!({"title": " "}), "/title"),
            (json!({"team_id": bob.team_id}), "/team_id"),
            (json!({"owner_id": bob.id}), "/owner_id"),
            (json!({"review": {"timezone": "Mars/Olympus"}}), "/review/timezone"),
            (json!({"title": null}), "/title"),
            (json!([{"op": "replace", "path": "/title", "value": "x"}]), ""),
        ];
        for (patch, pointer) in cases {
            let response = app.patch_if_match(&path, &ann.token, "\"1\"", &patch).await;
            let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert!(pointers(&refused).iter().any(|p| p == pointer), "{patch}: {refused}");
        }
        let malformed = app
            .send_raw(Method::PATCH, &path, &ann.token, "application/merge-patch+json", r#"{"title": "#)
            .await;
        problem(malformed, StatusCode::BAD_REQUEST).await;
        let mut put = complete_goal(ann.team_id);
        put["version"] = json!(1);
        put["time_bound"]["deadline"] = json!("2098-01-01");
        let refused = problem(app.put(&path, &ann.token, &put).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(pointers(&refused).contains(&"/time_bound/deadline".to_string()));

        assert_eq!(app.goal_row(id).await.unwrap(), before);
    }
}

/// RFC 7396 merge, to change a few fields of a body in one line.
fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(target.entry(key).or_insert(Value::Null), value);
            }
        }
        (target, patch) => *target = patch,
    }
}
