//! A goal's life: activation, closing, alignment with a parent, archiving.

use reqwest::StatusCode;
use serde_json::{Value, json};
use smarter::domain::account::Role;

use super::{complete_draft, create_titled, goal_path, id_of};
use crate::helpers::{TestApp, complete_goal, dual_test, pointers, problem};

/// The goals listed for `query`.
async fn listed(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let page: Value = app
        .get(&format!("/api/v1/goals{query}"), token)
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

dual_test! {
    async fn a_draft_that_becomes_complete_can_be_activated(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let mut body = complete_draft(ann.team_id);
        body["measurable"].as_object_mut().unwrap().remove("target");
        body["time_bound"].as_object_mut().unwrap().remove("deadline");
        let draft = app.create_goal(&ann, &body).await;
        assert_eq!(draft["status"], "draft");
        assert_eq!(draft["smart_check"]["passed"], false);
        let path = goal_path(id_of(&draft));

        let fill = json!({"measurable": {"target": 8}, "time_bound": {"deadline": "2099-06-30"}});
        let filled: Value = app.patch_if_match(&path, &ann.token, "\"1\"", &fill).await.json().await.unwrap();
        assert_eq!(filled["status"], "draft");
        assert_eq!(filled["smart_check"]["passed"], true, "{filled}");

        let response = app.patch_if_match(&path, &ann.token, "\"2\"", &json!({"status": "active"})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let active: Value = response.json().await.unwrap();
        assert_eq!(active["status"], "active");
        assert_eq!(active["version"], 3);
        assert_eq!(app.goal_row(id_of(&draft)).await.unwrap().status, "active");
    }
}

dual_test! {
    async fn an_incomplete_draft_cannot_be_activated(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let id = create_titled(&app, &ann, ann.team_id, "Happier patients").await;
        let before = app.goal_row(id).await.unwrap();

        let response = app.patch_if_match(&goal_path(id), &ann.token, "\"1\"", &json!({"status": "active"})).await;
        let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        let found = pointers(&refused);
        for pointer in ["/specific/what", "/specific/why", "/measurable/metric", "/measurable/target", "/achievable/resources", "/relevant/strategy", "/time_bound/start", "/time_bound/deadline"] {
            assert!(found.iter().any(|p| p == pointer), "no {pointer} in {refused}");
        }
        let messages = refused["errors"].as_array().unwrap();
        assert!(messages.contains(&json!({"pointer": "/measurable/target", "message": "cannot activate the goal: Measurable: no target value"})), "{refused}");

        // Creating it active straight away is refused the same way.
        let refused = problem(
            app.post("/api/v1/goals", &ann.token, &json!({"team_id": ann.team_id, "title": "Happier patients", "status": "active"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ).await;
        assert!(pointers(&refused).contains(&"/measurable/target".to_string()));
        assert_eq!(app.count("goals").await, 1);
        assert_eq!(app.goal_row(id).await.unwrap(), before);
    }
}

dual_test! {
    async fn an_active_goal_cannot_go_back_to_draft(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let id = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let before = app.goal_row(id).await.unwrap();

        let response = app.patch_if_match(&goal_path(id), &ann.token, "\"1\"", &json!({"status": "draft"})).await;
        let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&refused), ["/status"]);
        assert_eq!(app.goal_row(id).await.unwrap(), before);
    }
}

dual_test! {
    async fn a_closed_goal_cannot_be_changed(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let id = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let path = goal_path(id);
        let achieved = app.patch_if_match(&path, &ann.token, "\"1\"", &json!({"status": "achieved"})).await;
        assert_eq!(achieved.status(), StatusCode::OK);
        let before = app.goal_row(id).await.unwrap();
        assert_eq!(before.status, "achieved");

        for change in [json!({"title": "Even fewer lost customers"}), json!({"status": "active"})] {
            let response = app.patch_if_match(&path, &ann.token, "\"2\"", &change).await;
            problem(response, StatusCode::CONFLICT).await;
        }
        let mut put = complete_goal(ann.team_id);
        put["status"] = json!("achieved");
        put["version"] = json!(2);
        problem(app.put(&path, &ann.token, &put).await, StatusCode::CONFLICT).await;
        assert_eq!(app.goal_row(id).await.unwrap(), before);
    }
}

dual_test! {
    async fn a_goal_aligns_with_a_parent_goal_of_the_same_team(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let parent = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let mut body = complete_goal(ann.team_id);
        body["title"] = json!("Call every lapsed customer");
        body["relevant"]["parent_goal_id"] = json!(parent);
        let child = app.create_goal(&ann, &body).await;
        assert_eq!(child["relevant"]["parent_goal_id"], parent);
        assert_eq!(app.goal_row(id_of(&child)).await.unwrap().parent_goal_id, Some(parent as i32));

        // Removing the link is a merge patch with null.
        let unlinked: Value = app
            .patch_if_match(&goal_path(id_of(&child)), &ann.token, "\"1\"", &json!({"relevant": {"parent_goal_id": null}}))
            .await
            .json()
            .await
            .unwrap();
        assert!(unlinked["relevant"]["parent_goal_id"].is_null(), "{unlinked}");
    }
}

dual_test! {
    async fn alignment_cannot_go_in_a_circle(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let a = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let mut b_body = complete_goal(ann.team_id);
        b_body["relevant"]["parent_goal_id"] = json!(a);
        let b = id_of(&app.create_goal(&ann, &b_body).await);
        let mut c_body = complete_goal(ann.team_id);
        c_body["relevant"]["parent_goal_id"] = json!(b);
        let c = id_of(&app.create_goal(&ann, &c_body).await);
        let before = app.goal_row(a).await.unwrap();

        for parent in [b, c, a] {
            let patch = json!({"relevant": {"parent_goal_id": parent}});
            let response = app.patch_if_match(&goal_path(a), &ann.token, "\"1\"", &patch).await;
            let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(pointers(&refused), ["/relevant/parent_goal_id"], "parent {parent}");
        }
        assert_eq!(app.goal_row(a).await.unwrap(), before);
    }
}

dual_test! {
    async fn delete_archives_the_goal_out_of_the_list(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let kept = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let gone = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);

        let response = app.delete(&goal_path(gone), &ann.token).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);

        let ids: Vec<i64> = listed(&app, &ann.token, "").await.iter().map(id_of).collect();
        assert_eq!(ids, [kept]);
        let all = listed(&app, &ann.token, "?archived=true").await;
        let ids: Vec<i64> = all.iter().map(id_of).collect();
        assert_eq!(ids, [kept, gone]);
        assert!(all[0]["archived_at"].is_null());
        assert!(all[1]["archived_at"].is_string(), "{}", all[1]);

        let response = app.get(&goal_path(gone), &ann.token).await;
        assert_eq!(response.status(), StatusCode::OK);
        let archived: Value = response.json().await.unwrap();
        assert!(archived["archived_at"].is_string());
        assert_eq!(archived["title"], "Fewer lost customers");
        assert_eq!(app.count("goals").await, 2, "archiving keeps the row");

        // Archiving again changes nothing.
        let row = app.goal_row(gone).await.unwrap();
        assert_eq!(app.delete(&goal_path(gone), &ann.token).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(app.goal_row(gone).await.unwrap(), row);
    }
}

dual_test! {
    async fn an_active_goals_change_through_the_api_is_recorded_as_a_revision(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let goal = app.create_goal(&ann, &complete_goal(ann.team_id)).await;
        let path = goal_path(id_of(&goal));

        let mut body = complete_goal(ann.team_id);
        body["version"] = json!(1);
        body["measurable"]["target"] = json!(7.0);
        let response = app.put(&path, &ann.token, &body).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());

        body["version"] = json!(2);
        body["measurable"]["target"] = json!(6.5);
        body["reason"] = json!("the call campaign works better than planned");
        let response = app.put(&path, &ann.token, &body).await;
        assert_eq!(response.status(), StatusCode::OK);

        // An empty reason is refused and changes nothing.
        body["version"] = json!(3);
        body["measurable"]["target"] = json!(5.0);
        body["reason"] = json!("  ");
        let response = app.put(&path, &ann.token, &body).await;
        let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&refused), vec!["/reason"]);

        // A title change alone is no readjustment.
        body["measurable"]["target"] = json!(6.5);
        body["title"] = json!("Fewer lost customers, by phone");
        body.as_object_mut().unwrap().remove("reason");
        let response = app.put(&path, &ann.token, &body).await;
        assert_eq!(response.status(), StatusCode::OK);

        let revisions: Value = app
            .get(&format!("{path}/revisions"), &ann.token)
            .await
            .json()
            .await
            .unwrap();
        let items = revisions["revisions"].as_array().unwrap_or_else(|| panic!("{revisions}"));
        let reasons: Vec<&str> = items.iter().map(|r| r["reason"].as_str().unwrap()).collect();
        assert_eq!(items.len(), 2, "{revisions}");
        assert!(reasons.contains(&"changed through the API; no reason given"), "{reasons:?}");
        assert!(reasons.contains(&"the call campaign works better than planned"), "{reasons:?}");
    }
}
