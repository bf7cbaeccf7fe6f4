//! The goals API: create, read, update with optimistic concurrency.
//! Access, listing and the goal's life are in the modules below.

use reqwest::StatusCode;
use serde_json::{Value, json};
use smarter::domain::account::Role;

use crate::helpers::{TestApp, TestUser, complete_goal, dual_test, pointers, problem};

mod access;
mod lifecycle;
mod listing;
mod measured;
mod progress;

/// The id of a goal in a response.
pub fn id_of(goal: &Value) -> i64 {
    goal["id"].as_i64().expect("a goal has an id")
}

/// The path of one goal.
pub fn goal_path(id: i64) -> String {
    format!("/api/v1/goals/{id}")
}

/// `complete_goal` saved as a draft.
pub fn complete_draft(team_id: i32) -> Value {
    let mut body = complete_goal(team_id);
    body["status"] = json!("draft");
    body
}

/// Creates a goal with only a title (a draft) and returns its id.
pub async fn create_titled(app: &TestApp, user: &TestUser, team_id: i32, title: &str) -> i64 {
    id_of(
        &app.create_goal(user, &json!({"team_id": team_id, "title": title}))
            .await,
    )
}

/// Every `missing` message of a SMART check, across criteria.
fn missing_messages(check: &Value) -> Vec<String> {
    check["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["missing"].as_array().unwrap())
        .map(|m| m["message"].as_str().unwrap().to_string())
        .collect()
}

dual_test! {
    async fn a_complete_active_goal_is_created_with_location_etag_and_a_passing_check(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let response = app.post("/api/v1/goals", &ann.token, &complete_goal(ann.team_id)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["etag"], "\"1\"");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let goal: Value = response.json().await.unwrap();

        assert_eq!(location, goal_path(id_of(&goal)));
        assert_eq!(goal["team_id"], ann.team_id);
        assert_eq!(goal["owner_id"], ann.id, "the owner defaults to the caller");
        assert_eq!(goal["status"], "active");
        assert_eq!(goal["version"], 1);
        assert_eq!(goal["smart_check"]["passed"], true, "{goal}");
        let criteria = goal["smart_check"]["criteria"].as_array().unwrap();
        assert_eq!(criteria.len(), 5);
        assert!(criteria.iter().all(|c| c["met"] == true && c["missing"] == json!([])));
        assert_eq!(goal["measurable"]["metric"], "churn_rate");
        assert_eq!(goal["measurable"]["direction"], "decrease", "churn is better lower");
        assert_eq!(goal["measurable"]["baseline"], 12.0);
        assert_eq!(goal["measurable"]["target"], 8.0);
        assert_eq!(goal["measurable"]["milestones"][0]["date"], "2099-03-01");
        assert_eq!(goal["relevant"]["journey_stage"], "retention");
        assert_eq!(goal["time_bound"], json!({"start": "2099-01-01", "deadline": "2099-06-30"}));
        assert_eq!(goal["review"]["cadence"], "weekly");
        assert_eq!(goal["review"]["timezone"], "Europe/Warsaw");
        assert_eq!(goal["review"]["reviewers"], json!(["lead@example.com"]));
        assert!(goal["progress"].is_null(), "no value recorded yet");
        assert!(goal["archived_at"].is_null());

        let row = app.goal_row(id_of(&goal)).await.unwrap();
        assert_eq!(row.direction.as_deref(), Some("decrease"));
        assert_eq!(row.version, 1);
        assert_eq!(row.created_by, ann.id);
    }
}

dual_test! {
    async fn the_direction_defaults_to_the_metrics_better_way(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let mut nps = complete_goal(ann.team_id);
        nps["measurable"] = json!({"metric": "nps", "baseline": 20, "target": 40});
        let goal = app.create_goal(&ann, &nps).await;
        assert_eq!(goal["measurable"]["direction"], "increase");

        // An explicit direction is kept, even against the metric's grain.
        let mut fewer = complete_goal(ann.team_id);
        fewer["measurable"] = json!({"metric": "review_count", "direction": "decrease", "baseline": 40, "target": 30});
        let goal = app.create_goal(&ann, &fewer).await;
        assert_eq!(goal["measurable"]["direction"], "decrease");
    }
}

dual_test! {
    async fn a_draft_with_only_a_title_lists_what_each_criterion_misses(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let goal = app.create_goal(&ann, &json!({"team_id": ann.team_id, "title": "Happier patients"})).await;
        assert_eq!(goal["status"], "draft", "the status defaults to draft");
        let check = &goal["smart_check"];
        assert_eq!(check["passed"], false);
        let verdicts: Vec<(&str, bool)> = check["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["criterion"].as_str().unwrap(), c["met"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            verdicts,
            [("specific", false), ("measurable", false), ("achievable", false), ("relevant", false), ("time_bound", false)]
        );
        let messages = missing_messages(check);
        for expected in [
            "Specific: say what will change",
            "Specific: say why you set this goal",
            "Measurable: no metric linked",
            "Measurable: no baseline value",
            "Measurable: no target value",
            "Relevant: pick the journey stage it targets",
            "Time-bound: no start date",
            "Time-bound: no deadline",
        ] {
            assert!(messages.iter().any(|m| m == expected), "missing {expected:?} in {messages:?}");
        }
        assert!(messages.iter().any(|m| m.starts_with("Achievable: ")), "{messages:?}");
        let measurable = &check["criteria"][1]["missing"];
        assert!(measurable.as_array().unwrap().contains(
            &json!({"pointer": "/measurable/target", "message": "Measurable: no target value"})
        ));
        // The review rhythm has defaults.
        assert_eq!(goal["review"]["cadence"], "monthly");
        assert_eq!(goal["review"]["timezone"], "UTC");
        assert_eq!(goal["review"]["time_of_day"], "09:00");
    }
}

dual_test! {
    async fn a_goal_is_read_back_as_it_was_created_with_its_etag(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let created = app.create_goal(&ann, &complete_goal(ann.team_id)).await;
        let response = app.get(&goal_path(id_of(&created)), &ann.token).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["etag"], "\"1\"");
        let fetched: Value = response.json().await.unwrap();
        assert_eq!(fetched, created);
    }
}

dual_test! {
    async fn put_replaces_the_goal_and_increments_the_version(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let created = app.create_goal(&ann, &complete_goal(ann.team_id)).await;
        let path = goal_path(id_of(&created));

        let mut body = complete_goal(ann.team_id);
        body["version"] = json!(1);
        body["title"] = json!("Keep more customers");
        body["measurable"]["target"] = json!(9.0);
        body.as_object_mut().unwrap().remove("review");
        let response = app.put(&path, &ann.token, &body).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["etag"], "\"2\"");
        let updated: Value = response.json().await.unwrap();
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["title"], "Keep more customers");
        assert_eq!(updated["measurable"]["target"], 9.0);
        assert_eq!(updated["review"]["cadence"], "monthly", "PUT replaces: the left-out section is back to defaults");
        assert_eq!(updated["created_at"], created["created_at"]);

        let row = app.goal_row(id_of(&created)).await.unwrap();
        assert_eq!(row.version, 2);
        assert_eq!(row.title, "Keep more customers");
        assert_eq!(row.target, Some(9.0));
    }
}

dual_test! {
    async fn patch_with_if_match_changes_only_the_given_fields(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let created = app.create_goal(&ann, &complete_goal(ann.team_id)).await;
        let path = goal_path(id_of(&created));

        let response = app.patch_if_match(&path, &ann.token, "\"1\"", &json!({"measurable": {"target": 9}})).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["etag"], "\"2\"");
        let patched: Value = response.json().await.unwrap();
        assert_eq!(patched["version"], 2);
        assert_eq!(patched["measurable"]["target"], 9.0);
        assert_eq!(patched["measurable"]["baseline"], 12.0);
        assert_eq!(patched["measurable"]["milestones"], created["measurable"]["milestones"]);
        assert_eq!(patched["title"], created["title"]);
        assert_eq!(patched["review"], created["review"]);

        // The version may also come in the body, and `null` removes a field.
        let body = json!({"version": 2, "title": "Keep more customers", "review": {"reviewers": null}});
        let patched: Value = app.patch(&path, &ann.token, &body).await.json().await.unwrap();
        assert_eq!(patched["version"], 3);
        assert_eq!(patched["title"], "Keep more customers");
        assert_eq!(patched["review"]["reviewers"], json!([]));
        assert_eq!(patched["review"]["cadence"], "weekly");

        // A weak ETag is a version too.
        let response = app.patch_if_match(&path, &ann.token, "W/\"3\"", &json!({"achievable": {"skills": "Phone manner"}})).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["etag"], "\"4\"");
        assert_eq!(app.goal_row(id_of(&created)).await.unwrap().achievable_skills, "Phone manner");
    }
}

dual_test! {
    async fn stale_update_is_rejected_with_409_and_nothing_is_overwritten(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let id = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let path = goal_path(id);
        let first = app.patch_if_match(&path, &ann.token, "\"1\"", &json!({"title": "First edit"})).await;
        assert_eq!(first.status(), StatusCode::OK);
        let before = app.goal_row(id).await.unwrap();

        let mut stale_put = complete_goal(ann.team_id);
        stale_put["version"] = json!(1);
        stale_put["title"] = json!("Second edit");
        problem(app.put(&path, &ann.token, &stale_put).await, StatusCode::CONFLICT).await;
        let body = json!({"version": 1, "title": "Second edit"});
        problem(app.patch(&path, &ann.token, &body).await, StatusCode::CONFLICT).await;
        let stale = app.patch_if_match(&path, &ann.token, "\"1\"", &json!({"title": "Second edit"})).await;
        let conflict = problem(stale, StatusCode::CONFLICT).await;
        assert!(conflict["detail"].as_str().unwrap().contains("version 2"), "{conflict}");
        // If-Match wins over the body's version.
        let mixed = app.patch_if_match(&path, &ann.token, "\"1\"", &json!({"version": 2, "title": "Second edit"})).await;
        problem(mixed, StatusCode::CONFLICT).await;
        // Archiving with a stale If-Match is refused too.
        problem(app.delete_if_match(&path, &ann.token, "\"1\"").await, StatusCode::CONFLICT).await;

        assert_eq!(app.goal_row(id).await.unwrap(), before);
    }
}

dual_test! {
    async fn an_update_without_a_version_is_rejected_with_422_naming_version(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let id = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let path = goal_path(id);
        let before = app.goal_row(id).await.unwrap();

        let mut put = complete_goal(ann.team_id);
        put["title"] = json!("Unversioned");
        let refused = problem(app.put(&path, &ann.token, &put).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&refused), ["/version"]);
        let refused = problem(app.patch(&path, &ann.token, &json!({"title": "Unversioned"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&refused), ["/version"]);

        assert_eq!(app.goal_row(id).await.unwrap(), before);
    }
}

dual_test! {
    async fn of_concurrent_updates_from_one_version_exactly_one_wins(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let id = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let path = goal_path(id);

        let edits = (0..6).map(|n| {
            let (app, token, path) = (&app, ann.token.clone(), path.clone());
            async move {
                let body = json!({"title": format!("Edit {n}")});
                app.patch_if_match(&path, &token, "\"1\"", &body).await.status()
            }
        });
        let statuses = futures_util::future::join_all(edits).await;
        let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        let lost = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
        assert_eq!((won, lost), (1, 5), "{statuses:?}");
        let row = app.goal_row(id).await.unwrap();
        assert_eq!(row.version, 2);
        assert!(row.title.starts_with("Edit "));
    }
}
