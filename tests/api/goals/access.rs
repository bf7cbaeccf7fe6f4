//! Who sees and changes which goals: teams and roles.

use reqwest::StatusCode;
use serde_json::{Value, json};
use smarter::domain::account::Role;

use super::{goal_path, id_of};
use crate::helpers::{TestApp, TestUser, complete_goal, dual_test, problem};

/// The ids of the goals the user's list shows for `query`.
async fn listed(app: &TestApp, user: &TestUser, query: &str) -> Vec<i64> {
    let response = app.get(&format!("/api/v1/goals{query}"), &user.token).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let page: Value = response.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect()
}

dual_test! {
    async fn another_teams_goal_is_not_found_for_every_method(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Admin).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        let id = id_of(&app.create_goal(&bob, &complete_goal(bob.team_id)).await);
        let path = goal_path(id);
        let before = app.goal_row(id).await.unwrap();

        problem(app.get(&path, &ann.token).await, StatusCode::NOT_FOUND).await;
        let mut put = complete_goal(bob.team_id);
        put["version"] = json!(1);
        put["title"] = json!("Taken over");
        problem(app.put(&path, &ann.token, &put).await, StatusCode::NOT_FOUND).await;
        let patch = app.patch_if_match(&path, &ann.token, "\"1\"", &json!({"title": "Taken over"})).await;
        problem(patch, StatusCode::NOT_FOUND).await;
        problem(app.delete(&path, &ann.token).await, StatusCode::NOT_FOUND).await;

        // The answer is the same as for a goal that does not exist at all.
        let nowhere = problem(app.get(&goal_path(id + 1000), &ann.token).await, StatusCode::NOT_FOUND).await;
        let hidden = problem(app.get(&path, &ann.token).await, StatusCode::NOT_FOUND).await;
        assert_eq!(nowhere["type"], hidden["type"]);
        assert!(listed(&app, &ann, "").await.is_empty());
        assert_eq!(app.goal_row(id).await.unwrap(), before);
    }
}

dual_test! {
    async fn a_viewers_write_is_forbidden_and_changes_nothing(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let vera = app.user("vera@example.com", "Support", Role::Viewer).await;
        let id = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let path = goal_path(id);
        let before = app.goal_row(id).await.unwrap();

        assert_eq!(app.get(&path, &vera.token).await.status(), StatusCode::OK);
        assert_eq!(listed(&app, &vera, "").await, [id]);

        problem(app.post("/api/v1/goals", &vera.token, &complete_goal(vera.team_id)).await, StatusCode::FORBIDDEN).await;
        let mut put = complete_goal(ann.team_id);
        put["version"] = json!(1);
        put["title"] = json!("Viewer's edit");
        problem(app.put(&path, &vera.token, &put).await, StatusCode::FORBIDDEN).await;
        let patch = app.patch_if_match(&path, &vera.token, "\"1\"", &json!({"title": "Viewer's edit"})).await;
        problem(patch, StatusCode::FORBIDDEN).await;
        problem(app.delete(&path, &vera.token).await, StatusCode::FORBIDDEN).await;

        assert_eq!(app.count("goals").await, 1);
        assert_eq!(app.goal_row(id).await.unwrap(), before);
    }
}

dual_test! {
    async fn a_user_in_two_teams_sees_both_teams_goals(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        let carl = app.user("carl@example.com", "Billing", Role::Manager).await;
        let sales = app.join(&ann, "Sales", Role::Viewer).await;
        assert_eq!(sales, bob.team_id);
        let support_goal = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let sales_goal = id_of(&app.create_goal(&bob, &complete_goal(bob.team_id)).await);
        app.create_goal(&carl, &complete_goal(carl.team_id)).await;

        assert_eq!(listed(&app, &ann, "").await, [support_goal, sales_goal]);
        assert_eq!(listed(&app, &ann, &format!("?team={sales}")).await, [sales_goal]);
        assert_eq!(listed(&app, &ann, &format!("?team={}", ann.team_id)).await, [support_goal]);
        assert_eq!(listed(&app, &bob, "").await, [sales_goal]);
        let fetched: Value = app.get(&goal_path(sales_goal), &ann.token).await.json().await.unwrap();
        assert_eq!(fetched["team_id"], sales);

        // Roles are per team: a viewer in Sales, a manager in Support.
        let in_sales = app.patch_if_match(&goal_path(sales_goal), &ann.token, "\"1\"", &json!({"title": "Ann's edit"})).await;
        problem(in_sales, StatusCode::FORBIDDEN).await;
        let in_support = app.patch_if_match(&goal_path(support_goal), &ann.token, "\"1\"", &json!({"title": "Ann's edit"})).await;
        assert_eq!(in_support.status(), StatusCode::OK);
    }
}
