//! Answering a review (Evaluate + Readjust) through the API: keep the
//! course, readjust with a reason (a revision records it), accept the
//! suggestion in one request, or close the goal.

mod bad_input;
mod link;
mod refusals;

use chrono::{DateTime, Utc};
use reqwest::{Response, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use smarter::domain::account::Role;
use smarter::entities::outbox_message as outbox;
use smarter::jobs::cycles::{ReviewPolicy, run_due_cycles};

use crate::cycles::{create, weekly_goal};
use crate::helpers::{TestApp, TestUser, dual_test};

/// A goal with one pending review whose evaluation falls short.
pub struct Reviewed {
    pub ann: TestUser,
    pub goal_id: i64,
    pub review_id: i64,
    /// The emailed link's token.
    pub token: String,
}

/// Ann's weekly churn goal (12 % down to 8 % by 28 June 2027), evaluated on
/// 22 February 2027: churn creeps down a tenth a week to 11.7, so the review
/// suggests the target 9.9, or the deadline 8 November 2027.
pub async fn reviewed(app: &TestApp, user: Option<TestUser>, title: &str) -> Reviewed {
    let ann = match user {
        Some(user) => user,
        None => app.user("ann@example.com", "Clinic", Role::Manager).await,
    };
    let mut body = weekly_goal(ann.team_id);
    body["title"] = json!(title);
    let goal = create(app, &ann, &body).await;
    let goal_id = goal["id"].as_i64().unwrap();
    let days = ["2027-02-01", "2027-02-08", "2027-02-15", "2027-02-22"];
    for (day, value) in days.into_iter().zip([12.0, 11.9, 11.8, 11.7]) {
        app.record_observation(&ann, "churn_rate", day, value).await;
    }
    let at: DateTime<Utc> = "2027-02-22T12:00:00Z".parse().unwrap();
    run_due_cycles(&app.db, &ReviewPolicy::default(), at)
        .await
        .unwrap();
    let mail = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("review"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .find(|m| m.subject.contains(title))
        .expect("the review email is queued");
    Reviewed {
        ann,
        goal_id,
        review_id: mail.review_request_id.unwrap(),
        token: mail.review_token.unwrap(),
    }
}

pub async fn answer(app: &TestApp, user: &TestUser, review_id: i64, body: Value) -> Response {
    app.post(&format!("/api/v1/reviews/{review_id}"), &user.token, &body)
        .await
}

/// Answers and returns the outcome; panics unless 200.
pub async fn answer_ok(app: &TestApp, r: &Reviewed, body: Value) -> Value {
    let response = answer(app, &r.ann, r.review_id, body).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

pub async fn get_json(app: &TestApp, user: &TestUser, path: &str) -> Value {
    let response = app.get(path, &user.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

pub async fn revisions(app: &TestApp, r: &Reviewed) -> Value {
    get_json(
        app,
        &r.ann,
        &format!("/api/v1/goals/{}/revisions", r.goal_id),
    )
    .await
}

dual_test! {
    async fn pending_reviews_are_listed_with_the_goal_the_facts_and_the_suggestion(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let page = get_json(&app, &r.ann, "/api/v1/reviews?status=pending").await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{page}");
        let item = &items[0];
        assert_eq!(item["id"], r.review_id);
        assert_eq!(item["goal_title"], "Fewer lost customers");
        assert_eq!(item["status"], "pending");
        assert_eq!(item["evaluation"]["status"], "off_track");
        assert_eq!(item["evaluation"]["current"], 11.7);
        assert_eq!(item["evaluation"]["suggestion"]["target"], 9.9);
        assert_eq!(item["evaluation"]["suggestion"]["deadline"], "2027-11-08");
        assert_eq!(item["answer"], Value::Null);
        let answered = get_json(&app, &r.ann, "/api/v1/reviews?status=answered").await;
        assert_eq!(answered["items"], json!([]));
        let bob = app.user("bob@example.com", "Other clinic", Role::Manager).await;
        assert_eq!(get_json(&app, &bob, "/api/v1/reviews").await["items"], json!([]));
        let response = app.get(&format!("/api/v1/reviews?team={}", r.ann.team_id), &bob.token).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}

dual_test! {
    async fn continuing_records_the_assessment_and_leaves_the_goal_alone(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let out = answer_ok(&app, &r, json!({
            "decision": "continue", "confidence": 4,
            "assessment": {"went_well": "Reception called 80 customers", "blocked": "Two weeks of holidays"}
        })).await;
        assert_eq!(out["review"]["status"], "answered");
        let a = &out["review"]["answer"];
        assert_eq!(a["decision"], "continue");
        assert_eq!(a["confidence"], 4);
        assert_eq!(a["assessment"]["blocked"], "Two weeks of holidays");
        assert_eq!(a["answered_by"], r.ann.id);
        assert_eq!(a["answered_via"], "api");
        assert_eq!(out["revision"], Value::Null);
        assert_eq!(out["goal"]["version"], 1);
        assert_eq!(revisions(&app, &r).await["revisions"], json!([]));
        let answered = get_json(&app, &r.ann, "/api/v1/reviews?status=answered").await;
        assert_eq!(answered["items"][0]["answer"]["confidence"], 4);
    }
}

dual_test! {
    async fn readjusting_with_a_reason_writes_a_revision_and_bumps_the_version(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let reason = "Holidays cost us a month of calls";
        let out = answer_ok(&app, &r, json!({
            "decision": "readjust", "confidence": 3, "reason": reason,
            "readjust": {"target": 9.5, "milestones": [{"date": "2027-04-26", "target": 10.5}]}
        })).await;
        assert_eq!(out["goal"]["version"], 2);
        assert_eq!(out["goal"]["measurable"]["target"], 9.5);
        assert_eq!(out["revision"]["new"]["target"], 9.5);
        let list = revisions(&app, &r).await;
        let rev = &list["revisions"][0];
        assert_eq!(list["revisions"].as_array().unwrap().len(), 1);
        assert_eq!(rev["reason"], reason);
        assert_eq!(rev["changed_by"], r.ann.id);
        assert_eq!(rev["review_id"], r.review_id);
        assert_eq!(rev["old"]["target"], 8.0);
        assert_eq!(rev["new"]["target"], 9.5);
        assert_eq!(rev["old"]["milestones"][0]["date"], "2027-03-29");
        assert_eq!(rev["new"]["milestones"][0]["date"], "2027-04-26");
        assert!(rev["old"].get("deadline").is_none(), "only changed fields: {rev}");
        // 11.7 is 0.3 of the 4 points to 8 (7.5 %) and of the 2.5 to 9.5 (12 %).
        assert_eq!(list["original_target"], 8.0);
        assert_eq!(list["current_target"], 9.5);
        assert_eq!(list["current_value"], 11.7);
        assert_eq!(list["attainment"], json!({"original": 7.5, "current": 12.0}));
        let row = app.goal_row(r.goal_id).await.unwrap();
        assert_eq!((row.version, row.target), (2, Some(9.5)));
    }
}

dual_test! {
    async fn accepting_the_suggestion_takes_its_target_in_one_request(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let out = answer_ok(&app, &r, json!({
            "decision": "readjust", "reason": "The trend is honest",
            "readjust": {"accept_suggestion": true}
        })).await;
        assert_eq!(out["goal"]["measurable"]["target"], 9.9);
        assert_eq!(out["goal"]["time_bound"]["deadline"], "2027-06-28");
        assert_eq!(out["revision"]["old"], json!({"target": 8.0}));
        assert_eq!(out["revision"]["new"], json!({"target": 9.9}));
    }
}

dual_test! {
    async fn a_new_cadence_moves_the_next_review(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let before = app.goal_row(r.goal_id).await.unwrap().next_review_at;
        let out = answer_ok(&app, &r, json!({
            "decision": "readjust", "reason": "Weekly is too often for this metric",
            "readjust": {"cadence": "monthly"}
        })).await;
        assert_eq!(out["goal"]["review"]["cadence"], "monthly");
        assert_eq!(out["revision"]["old"], json!({"cadence": "weekly"}));
        let after = app.goal_row(r.goal_id).await.unwrap().next_review_at;
        assert_ne!(after, before);
        // Monthly on the start's day (the 4th), 09:00 in Warsaw.
        assert_eq!(out["goal"]["next_review_at"], "2027-02-04T08:00:00Z");
    }
}

dual_test! {
    async fn closing_as_achieved_closes_the_goal_with_a_revision(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let out = answer_ok(&app, &r, json!({
            "decision": "close_achieved", "reason": "Churn is where we wanted it", "confidence": 5
        })).await;
        assert_eq!(out["goal"]["status"], "achieved");
        assert_eq!(out["goal"]["next_review_at"], Value::Null);
        assert_eq!(out["goal"]["version"], 2);
        assert_eq!(out["revision"]["old"], json!({"status": "active"}));
        assert_eq!(out["revision"]["new"], json!({"status": "achieved"}));
        assert_eq!(revisions(&app, &r).await["revisions"][0]["reason"], "Churn is where we wanted it");
    }
}
