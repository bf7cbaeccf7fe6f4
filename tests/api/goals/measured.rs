//! Goals measured from data: a built-in metric's current value comes from the
//! team's events over the goal's trailing window, and a goal activated
//! without a baseline captures one from that data. Events go in through the
//! events API, at times relative to the real clock the service reads.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use smarter::domain::account::Role;

use super::{goal_path, id_of};
use crate::helpers::{TestApp, TestUser, complete_goal, dual_test, pointers, problem};
use crate::ingest::{order, send_ok};
use crate::metric_values::{approx, get_ok};

mod advice;
mod fallback;

/// `hours` before now, to the second.
pub fn hours_ago(hours: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp() - hours * 3600, 0).unwrap()
}

/// `days` before now, to the second.
pub fn days_ago(days: i64) -> DateTime<Utc> {
    hours_ago(days * 24)
}

/// Today plus `days` (negative for the past), as YYYY-MM-DD in UTC.
pub fn today_plus(days: i64) -> String {
    (Utc::now().date_naive() + Duration::days(days)).to_string()
}

/// A time in a response.
#[track_caller]
pub fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is not a time"))
        .parse()
        .unwrap()
}

pub fn review(id: &str, rating: i64, at: DateTime<Utc>) -> Value {
    json!({"review_id": id, "rating": rating, "source": "google", "reviewed_at": at.to_rfc3339()})
}

/// A complete active goal on `metric` from `baseline` (none: captured from
/// the data) to `target`, due in 56 days, without milestones.
pub fn measured_goal(team_id: i32, metric: &str, baseline: Option<f64>, target: f64) -> Value {
    let mut body = complete_goal(team_id);
    body["measurable"] = json!({"metric": metric, "baseline": baseline, "target": target});
    body["time_bound"] = json!({"start": today_plus(0), "deadline": today_plus(56)});
    body
}

/// Sets the team's minimum sample and staleness limit for a metric.
pub async fn set_settings(app: &TestApp, user: &TestUser, key: &str, min_sample: i64, stale: i64) {
    let body =
        json!({"team_id": user.team_id, "min_sample": min_sample, "stale_after_days": stale});
    let response = app
        .put(
            &format!("/api/v1/metrics/{key}/settings"),
            &user.token,
            &body,
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
}

/// The goal as GET /api/v1/goals/{id} answers.
pub async fn read(app: &TestApp, user: &TestUser, id: i64) -> Value {
    get_ok(app, user, &goal_path(id)).await
}

/// Patches a goal at `version`; panics unless 200.
pub async fn patch_ok(app: &TestApp, user: &TestUser, id: i64, version: i64, body: Value) -> Value {
    let response = app
        .patch_if_match(
            &goal_path(id),
            &user.token,
            &format!("\"{version}\""),
            &body,
        )
        .await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Asserts the trailing window is `days` long and ends about now.
#[track_caller]
fn assert_window(progress: &Value, days: i64) {
    let (from, to) = (time(&progress["window_from"]), time(&progress["window_to"]));
    assert_eq!(to - from, Duration::days(days), "{progress}");
    assert!((Utc::now() - to).abs() < Duration::minutes(1), "{progress}");
}

dual_test! {
    async fn a_goal_on_a_builtin_metric_follows_the_orders_pushed_through_the_events_api(app: TestApp) {
        let ann = app.user("ann@example.com", "Smile Dental Clinic", Role::Manager).await;
        set_settings(&app, &ann, "repeat_purchase_rate", 1, 14).await;
        // In the last 30 days: c1 twice, c2, c3 and c4 once; c2's other order is older.
        let newest = hours_ago(50);
        let orders = json!([
            order("o0", "c2", &days_ago(45).to_rfc3339(), 40.0),
            order("o1", "c1", &days_ago(10).to_rfc3339(), 40.0),
            order("o2", "c1", &days_ago(3).to_rfc3339(), 40.0),
            order("o3", "c2", &days_ago(5).to_rfc3339(), 40.0),
            order("o4", "c3", &days_ago(8).to_rfc3339(), 40.0),
            order("o5", "c4", &newest.to_rfc3339(), 40.0),
        ]);
        send_ok(&app, &ann, "orders", &orders).await;
        // Another team's orders, newer and repeating, are not Ann's data.
        let bob = app.user("bob@example.com", "Family Dentists", Role::Manager).await;
        let bobs = json!([
            order("o8", "c4", &hours_ago(10).to_rfc3339(), 40.0),
            order("o9", "c4", &hours_ago(9).to_rfc3339(), 40.0),
        ]);
        send_ok(&app, &bob, "orders", &bobs).await;
        let goal = app.create_goal(&ann, &measured_goal(ann.team_id, "repeat_purchase_rate", Some(20.0), 60.0)).await;
        let id = id_of(&goal);
        assert_eq!(goal["measurable"]["window_days"], 30, "the default window");

        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!(progress["source"], "events", "{progress}");
        assert_eq!(progress["status"], "ok");
        assert_eq!(progress["current"], 25.0, "1 of 4 customers ordered twice");
        assert_eq!(progress["n"], 4);
        assert_eq!(progress["min_sample"], 1);
        assert_eq!(progress["percent"], 12.5, "(25 - 20) / (60 - 20)");
        assert_window(progress, 30);
        assert_eq!(time(&progress["newest_data_at"]), newest);
        assert_eq!(progress["stale"], false);
        assert!(progress["observed_on"].is_null());

        // c2 comes back and a new customer c5 orders: 2 of 5 repeat.
        let newest = hours_ago(1);
        let more = json!([
            order("o6", "c2", &hours_ago(20).to_rfc3339(), 40.0),
            order("o7", "c5", &newest.to_rfc3339(), 40.0),
        ]);
        send_ok(&app, &ann, "orders", &more).await;
        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!(progress["current"], 40.0, "{progress}");
        assert_eq!(progress["n"], 5);
        assert_eq!(progress["percent"], 50.0, "(40 - 20) / (60 - 20)");
        assert_eq!(time(&progress["newest_data_at"]), newest);
    }
}

dual_test! {
    async fn the_goals_window_days_decide_which_events_count(app: TestApp) {
        let ann = app.user("ann@example.com", "Smile Dental Clinic", Role::Manager).await;
        set_settings(&app, &ann, "avg_rating", 1, 14).await;
        let reviews = json!([
            review("r1", 5, days_ago(3)),
            review("r2", 5, days_ago(3)),
            review("r3", 2, days_ago(20)),
            review("r4", 2, days_ago(20)),
            review("r5", 1, days_ago(60)),
        ]);
        send_ok(&app, &ann, "reviews", &reviews).await;
        let id = id_of(&app.create_goal(&ann, &measured_goal(ann.team_id, "avg_rating", Some(3.0), 4.5)).await);

        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!((progress["current"].as_f64(), progress["n"].as_i64()), (Some(3.5), Some(4)), "{progress}");
        approx(&progress["percent"], 100.0 / 3.0);
        assert_window(progress, 30);

        let week = patch_ok(&app, &ann, id, 1, json!({"measurable": {"window_days": 7}})).await;
        assert_eq!(week["measurable"]["window_days"], 7);
        let progress = &week["progress"];
        assert_eq!((progress["current"].as_f64(), progress["n"].as_i64()), (Some(5.0), Some(2)), "{progress}");
        assert_eq!(progress["percent"], 100.0);
        assert_window(progress, 7);

        patch_ok(&app, &ann, id, 2, json!({"measurable": {"window_days": 90}})).await;
        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!((progress["current"].as_f64(), progress["n"].as_i64()), (Some(3.0), Some(5)), "{progress}");
        assert_eq!(progress["percent"], 0.0);
        assert_window(progress, 90);
    }
}

dual_test! {
    async fn activating_without_a_baseline_captures_it_from_the_data(app: TestApp) {
        let ann = app.user("ann@example.com", "Smile Dental Clinic", Role::Manager).await;
        set_settings(&app, &ann, "avg_rating", 3, 14).await;
        let reviews = json!([review("r1", 4, days_ago(2)), review("r2", 4, days_ago(2)), review("r3", 5, days_ago(1))]);
        send_ok(&app, &ann, "reviews", &reviews).await;
        let mut draft = measured_goal(ann.team_id, "avg_rating", None, 4.9);
        draft["status"] = json!("draft");
        let draft = app.create_goal(&ann, &draft).await;
        let id = id_of(&draft);
        assert!(draft["measurable"]["baseline"].is_null(), "a draft keeps no baseline: {draft}");
        assert_eq!(draft["smart_check"]["passed"], true, "a built-in metric's baseline comes from the data");
        assert!(draft["progress"]["percent"].is_null());

        let active = patch_ok(&app, &ann, id, 1, json!({"status": "active"})).await;
        assert_eq!((active["status"].as_str(), active["version"].as_i64()), (Some("active"), Some(2)));
        assert_eq!(active["measurable"]["baseline"], 4.333, "13 / 3, to three decimals");
        approx(&active["progress"]["percent"], (13.0 / 3.0 - 4.333) / (4.9 - 4.333) * 100.0);

        // The captured baseline stays put while the data moves on.
        send_ok(&app, &ann, "reviews", &json!([review("r4", 5, hours_ago(3))])).await;
        let goal = read(&app, &ann, id).await;
        assert_eq!(goal["measurable"]["baseline"], 4.333);
        assert_eq!(goal["progress"]["current"], 4.5);
        approx(&goal["progress"]["percent"], (4.5 - 4.333) / (4.9 - 4.333) * 100.0);
        assert_eq!(app.goal_row(id).await.unwrap().baseline, Some(4.333));
    }
}

dual_test! {
    async fn activating_without_a_baseline_on_too_little_data_is_422_saying_what_is_missing(app: TestApp) {
        let ann = app.user("ann@example.com", "Smile Dental Clinic", Role::Manager).await;
        let reviews = json!([review("r1", 4, days_ago(2)), review("r2", 5, days_ago(9)), review("r3", 5, days_ago(40))]);
        send_ok(&app, &ann, "reviews", &reviews).await;
        let mut draft = measured_goal(ann.team_id, "avg_rating", None, 4.9);
        draft["status"] = json!("draft");
        let id = id_of(&app.create_goal(&ann, &draft).await);

        let response = app.patch_if_match(&goal_path(id), &ann.token, "\"1\"", &json!({"status": "active"})).await;
        let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&refused), ["/measurable/baseline"]);
        assert_eq!(
            refused["errors"][0]["message"],
            "cannot activate without a baseline: none was given, and the last 30 days of data hold 2 of the 30 needed to capture one"
        );
        let body = json!({"status": "active", "measurable": {"window_days": 60}});
        let response = app.patch_if_match(&goal_path(id), &ann.token, "\"1\"", &body).await;
        let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(refused["errors"][0]["message"].as_str().unwrap().contains("the last 60 days of data hold 3 of the 30"), "{refused}");

        let goal = read(&app, &ann, id).await;
        assert_eq!((goal["status"].as_str(), goal["version"].as_i64()), (Some("draft"), Some(1)));
        assert!(goal["measurable"]["baseline"].is_null());
        assert_eq!(goal["measurable"]["window_days"], 30);

        // Creating it active straight away is refused the same way, and nothing is stored.
        let response = app.post("/api/v1/goals", &ann.token, &measured_goal(ann.team_id, "avg_rating", None, 4.9)).await;
        let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&refused), ["/measurable/baseline"]);
        assert_eq!(app.count("goals").await, 1);
    }
}
