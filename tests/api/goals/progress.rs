//! Progress: the metric's latest value, and how far it has carried the goal.

use reqwest::StatusCode;
use serde_json::{Value, json};
use smarter::domain::account::Role;

use super::{goal_path, id_of};
use crate::helpers::{TestApp, TestUser, complete_goal, dual_test};

async fn progress(app: &TestApp, user: &TestUser, id: i64) -> Value {
    let response = app.get(&goal_path(id), &user.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let goal: Value = response.json().await.unwrap();
    goal["progress"].clone()
}

dual_test! {
    async fn progress_of_a_decrease_goal_follows_the_latest_observation(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        // Churn from 12 % down to 8 %.
        let id = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        assert!(progress(&app, &ann, id).await.is_null());

        app.record_observation(&ann, "churn_rate", "2099-01-31", 11.0).await;
        let first = progress(&app, &ann, id).await;
        assert_eq!(first["current"], 11.0, "{first}");
        assert_eq!(first["observed_on"], "2099-01-31");
        assert_eq!(first["percent"], 25.0);

        app.record_observation(&ann, "churn_rate", "2099-02-28", 9.0).await;
        // An older value and another team's value do not move it.
        app.record_observation(&ann, "churn_rate", "2099-01-15", 13.0).await;
        app.record_observation(&bob, "churn_rate", "2099-03-31", 2.0).await;
        let now = progress(&app, &ann, id).await;
        assert_eq!(now["current"], 9.0);
        assert_eq!(now["percent"], 75.0);

        // Worse than the baseline is 0 %, past the target 100 %.
        app.record_observation(&ann, "churn_rate", "2099-04-30", 14.0).await;
        assert_eq!(progress(&app, &ann, id).await["percent"], 0.0);
        app.record_observation(&ann, "churn_rate", "2099-05-31", 6.5).await;
        assert_eq!(progress(&app, &ann, id).await["percent"], 100.0);
    }
}

dual_test! {
    async fn progress_of_an_increase_goal_and_of_a_goal_without_numbers(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let mut csat = complete_goal(ann.team_id);
        csat["measurable"] = json!({"metric": "csat", "baseline": 70, "target": 90});
        let id = id_of(&app.create_goal(&ann, &csat).await);
        let draft = id_of(&app.create_goal(&ann, &json!({
            "team_id": ann.team_id, "title": "Happier customers", "measurable": {"metric": "csat"}
        })).await);

        app.record_observation(&ann, "csat", "2099-02-01", 85.0).await;
        assert_eq!(progress(&app, &ann, id).await["percent"], 75.0);
        let unset = progress(&app, &ann, draft).await;
        assert_eq!(unset["current"], 85.0);
        assert!(unset["percent"].is_null(), "no percent without baseline and target: {unset}");
    }
}
