//! The metrics catalog, custom metrics and manual observations.

use reqwest::StatusCode;
use serde_json::{Value, json};
use smarter::domain::account::Role;

use crate::helpers::{TestApp, TestUser, dual_test, pointers, problem};

mod observations;

pub const BUILTINS: [&str; 10] = [
    "nps",
    "csat",
    "ces",
    "avg_rating",
    "positive_review_share",
    "review_count",
    "repeat_purchase_rate",
    "returning_customer_rate",
    "churn_rate",
    "referral_rate",
];

pub fn no_show_rate(team_id: i32) -> Value {
    json!({
        "team_id": team_id,
        "key": "no_show_rate",
        "name": "No-show rate",
        "description": "% of booked appointments the patient did not come to.",
        "unit": "percent",
        "better": "lower",
        "journey_stage": "purchase",
        "touchpoint": "phone"
    })
}

async fn list_keys(app: &TestApp, user: &TestUser) -> Vec<String> {
    let response = app.get("/api/v1/metrics", &user.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: Vec<Value> = response.json().await.unwrap();
    list.iter()
        .map(|m| m["key"].as_str().unwrap().to_string())
        .collect()
}

/// Posts an observation and returns the status and body.
pub async fn observe(
    app: &TestApp,
    user: &TestUser,
    key: &str,
    body: Value,
) -> (StatusCode, Value) {
    let response = app
        .post(
            &format!("/api/v1/metrics/{key}/observations"),
            &user.token,
            &body,
        )
        .await;
    let status = response.status();
    (status, response.json().await.unwrap())
}

dual_test! {
    async fn the_catalog_lists_the_ten_builtins(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Viewer).await;
        let response = app.get("/api/v1/metrics", &ann.token).await;
        assert_eq!(response.status(), StatusCode::OK);
        let list: Vec<Value> = response.json().await.unwrap();
        let keys: Vec<&str> = list.iter().map(|m| m["key"].as_str().unwrap()).collect();
        assert_eq!(keys, BUILTINS);
        for metric in &list {
            assert_eq!(metric["builtin"], true, "{metric}");
            assert!(metric["team_id"].is_null(), "{metric}");
            assert!(!metric["name"].as_str().unwrap().is_empty(), "{metric}");
            assert!(!metric["description"].as_str().unwrap().is_empty(), "{metric}");
            assert!(metric["journey_stage"].is_string(), "{metric}");
            assert!(metric["touchpoint"].is_string(), "{metric}");
            let better = if metric["key"] == "churn_rate" { "lower" } else { "higher" };
            assert_eq!(metric["better"], better, "{metric}");
        }
        let by_key = |key: &str| list.iter().find(|m| m["key"] == key).unwrap().clone();
        assert_eq!(by_key("csat")["unit"], "percent");
        assert_eq!(by_key("review_count")["unit"], "count");
        assert_eq!((by_key("nps")["min"].as_f64(), by_key("nps")["max"].as_f64()), (Some(-100.0), Some(100.0)));

        let churn = app.get("/api/v1/metrics/churn_rate", &ann.token).await;
        assert_eq!(churn.status(), StatusCode::OK);
        let churn: Value = churn.json().await.unwrap();
        assert_eq!(churn["better"], "lower");
        assert_eq!(churn["unit"], "percent");
    }
}

dual_test! {
    async fn a_custom_metric_is_seen_only_by_its_team(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let bob = app.user("bob@example.com", "Shop", Role::Manager).await;

        let response = app.post("/api/v1/metrics", &ann.token, &no_show_rate(ann.team_id)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let created: Value = response.json().await.unwrap();
        assert_eq!(created["key"], "no_show_rate");
        assert_eq!(created["builtin"], false);
        assert_eq!(created["team_id"], ann.team_id);
        assert_eq!(created["better"], "lower");
        assert_eq!(created["touchpoint"], "phone");
        assert_eq!((created["min"].as_f64(), created["max"].as_f64()), (Some(0.0), Some(100.0)), "percent gets 0-100");
        assert_eq!(app.count("custom_metrics").await, 1);

        let anns = list_keys(&app, &ann).await;
        assert_eq!(anns.len(), 11);
        assert_eq!(anns.last().unwrap(), "no_show_rate");
        assert_eq!(list_keys(&app, &bob).await, BUILTINS);

        let read = app.get("/api/v1/metrics/no_show_rate", &ann.token).await;
        assert_eq!(read.status(), StatusCode::OK);
        let read: Value = read.json().await.unwrap();
        assert_eq!(read, created);

        // For another team the metric does not exist, in any form.
        for path in [
            "/api/v1/metrics/no_show_rate".to_string(),
            "/api/v1/metrics/no_show_rate/observations".to_string(),
            format!("/api/v1/metrics?team={}", ann.team_id),
            format!("/api/v1/metrics/no_show_rate?team={}", ann.team_id),
        ] {
            problem(app.get(&path, &bob.token).await, StatusCode::NOT_FOUND).await;
        }
        let (status, _) = observe(&app, &bob, "no_show_rate", json!({"team_id": bob.team_id, "date": "2027-01-31", "value": 10})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(app.count("metric_observations").await, 0);

        // The key is unique per team, not across teams.
        let bobs = app.post("/api/v1/metrics", &bob.token, &no_show_rate(bob.team_id)).await;
        assert_eq!(bobs.status(), StatusCode::CREATED);
        assert_eq!(app.count("custom_metrics").await, 2);
    }
}

dual_test! {
    async fn a_member_of_two_teams_names_the_team(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let shop = app.join(&ann, "Shop", Role::Manager).await;
        for team in [ann.team_id, shop] {
            let response = app.post("/api/v1/metrics", &ann.token, &no_show_rate(team)).await;
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        let both = list_keys(&app, &ann).await;
        assert_eq!(both.iter().filter(|k| *k == "no_show_rate").count(), 2);
        let one = app.get(&format!("/api/v1/metrics?team={shop}"), &ann.token).await;
        let one: Vec<Value> = one.json().await.unwrap();
        assert_eq!(one.len(), 11);
        assert_eq!(one[10]["team_id"], shop);

        let ambiguous = app.get("/api/v1/metrics/no_show_rate", &ann.token).await;
        let body = problem(ambiguous, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&body), ["/team"]);
        let chosen = app.get(&format!("/api/v1/metrics/no_show_rate?team={shop}"), &ann.token).await;
        assert_eq!(chosen.status(), StatusCode::OK);
        let chosen: Value = chosen.json().await.unwrap();
        assert_eq!(chosen["team_id"], shop);
    }
}

dual_test! {
    async fn a_duplicate_or_builtin_key_is_422_on_key(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let first = app.post("/api/v1/metrics", &ann.token, &no_show_rate(ann.team_id)).await;
        assert_eq!(first.status(), StatusCode::CREATED);

        let mut renamed = no_show_rate(ann.team_id);
        renamed["name"] = json!("Missed visits");
        let again = app.post("/api/v1/metrics", &ann.token, &renamed).await;
        let body = problem(again, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&body), ["/key"]);
        assert!(body["detail"].as_str().unwrap().contains("no_show_rate"), "{body}");

        for builtin in ["nps", "churn_rate"] {
            let mut clash = no_show_rate(ann.team_id);
            clash["key"] = json!(builtin);
            let response = app.post("/api/v1/metrics", &ann.token, &clash).await;
            let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(pointers(&body), ["/key"], "{builtin}");
            assert!(body["detail"].as_str().unwrap().contains("built-in"), "{body}");
        }

        assert_eq!(app.count("custom_metrics").await, 1);
        let stored: Value = app.get("/api/v1/metrics/no_show_rate", &ann.token).await.json().await.unwrap();
        assert_eq!(stored["name"], "No-show rate");
        let churn: Value = app.get("/api/v1/metrics/churn_rate", &ann.token).await.json().await.unwrap();
        assert_eq!(churn["builtin"], true);
    }
}

dual_test! {
    async fn bad_custom_metrics_are_422_naming_the_field(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let other = app.user("bob@example.com", "Shop", Role::Manager).await;
        let with = |field: &str, value: Value| {
            let mut body = no_show_rate(ann.team_id);
            body[field] = value;
            body
        };
        let without = |field: &str| {
            let mut body = no_show_rate(ann.team_id);
            body.as_object_mut().unwrap().remove(field);
            body
        };
        let cases = [
            (with("key", json!("No Show")), "/key"),
            (with("key", json!("1abc")), "/key"),
            (with("key", json!("x")), "/key"),
            (with("key", json!("no-show")), "/key"),
            (with("key", json!("")), "/key"),
            (with("key", json!("a".repeat(64))), "/key"),
            (with("unit", json!("percentage")), "/unit"),
            (with("better", json!("up")), "/better"),
            (with("journey_stage", json!("loyalty")), "/journey_stage"),
            (with("name", json!("  ")), "/name"),
            (with("name", json!("n".repeat(101))), "/name"),
            (with("team_id", json!("one")), "/team_id"),
            (with("team_id", json!(other.team_id)), "/team_id"),
            (with("team_id", json!(999_999)), "/team_id"),
            (with("colour", json!("red")), "/colour"),
            (without("unit"), "/unit"),
            (without("key"), "/key"),
            (json!({"team_id": ann.team_id, "key": "visits", "name": "Visits", "unit": "count", "better": "higher", "min": 10, "max": 5}), "/max"),
            (json!({"team_id": ann.team_id, "key": "visits", "name": "Visits", "unit": "count", "better": "higher", "min": 5, "max": 5}), "/max"),
            (with("min", json!(100)), "/max"),
        ];
        for (body, pointer) in cases {
            let response = app.post("/api/v1/metrics", &ann.token, &body).await;
            let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert!(pointers(&problem).contains(&pointer.to_string()), "{body} -> {problem}");
            assert!(problem["detail"].as_str().unwrap().contains(pointer) || problem["errors"].as_array().unwrap().len() > 1, "{problem}");
        }
        let malformed = app.post_raw("/api/v1/metrics", &ann.token, "{\"key\": \"x\",").await;
        problem(malformed, StatusCode::BAD_REQUEST).await;
        assert_eq!(app.count("custom_metrics").await, 0);
        assert_eq!(list_keys(&app, &ann).await, BUILTINS);
    }
}

dual_test! {
    async fn a_viewer_cannot_create_a_metric(app: TestApp) {
        let vic = app.user("vic@example.com", "Clinic", Role::Viewer).await;
        let response = app.post("/api/v1/metrics", &vic.token, &no_show_rate(vic.team_id)).await;
        let body = problem(response, StatusCode::FORBIDDEN).await;
        assert!(body["detail"].as_str().unwrap().contains("viewer"), "{body}");
        assert_eq!(app.count("custom_metrics").await, 0);
    }
}
