//! Requests refused before their content is read: size, content type,
//! token, path and query string.

use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use smarter::domain::account::Role;

use crate::helpers::{TestApp, complete_goal, dual_test, pointers, problem};

/// Checks a 401 answer: a problem document with a Bearer challenge.
async fn unauthorized(response: reqwest::Response) -> Value {
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    problem(response, StatusCode::UNAUTHORIZED).await
}

dual_test! {
    async fn a_body_over_the_size_limit_is_413(app: TestApp) {
        let small = TestApp::spawn_with(app.backend, |config| config.body_limit = 256)
            .await
            .unwrap();
        let ann = small.user("ann@example.com", "Support", Role::Manager).await;
        let body = complete_goal(ann.team_id);
        assert!(body.to_string().len() > 256);
        let response = small.post("/api/v1/goals", &ann.token, &body).await;
        let refused = problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
        assert_eq!(refused["type"], "/problems/payload-too-large");
        assert_eq!(small.count("goals").await, 0);

        // A small body still gets through.
        let response = small.post("/api/v1/goals", &ann.token, &json!({"team_id": ann.team_id, "title": "Short"})).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
}

dual_test! {
    async fn a_body_that_is_not_json_is_415(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let json_text = complete_goal(ann.team_id).to_string();
        for content_type in ["text/plain", "application/x-www-form-urlencoded", "application/xml"] {
            let response = app.send_raw(Method::POST, "/api/v1/goals", &ann.token, content_type, &json_text).await;
            let refused = problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
            assert!(refused["detail"].as_str().unwrap().contains("application/json"), "{refused}");
        }
        let bare = app.client.post(app.url("/api/v1/goals")).bearer_auth(&ann.token).body(json_text).send().await.unwrap();
        problem(bare, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        assert_eq!(app.count("goals").await, 0);
    }
}

dual_test! {
    async fn a_missing_or_garbage_token_is_401_with_a_bearer_challenge(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let body = complete_goal(ann.team_id);
        unauthorized(app.post_with_authorization("/api/v1/goals", None, &body).await).await;
        for value in ["Bearer not-a-token", "Bearer smt_0000000000000000000000000000000000000000", "Basic YW5uOnB3", "Bearer ", &ann.token] {
            let header = HeaderValue::from_str(value).unwrap();
            unauthorized(app.post_with_authorization("/api/v1/goals", Some(header), &body).await).await;
        }
        unauthorized(app.get_with_authorization("/api/v1/goals", None).await).await;
        assert_eq!(app.count("goals").await, 0);
    }
}

dual_test! {
    async fn a_revoked_token_is_401(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let created: Value = app.post("/api/v1/tokens", &ann.token, &json!({"name": "laptop"})).await.json().await.unwrap();
        let token = created["token"].as_str().unwrap().to_string();
        let goal = app.create_goal(&ann, &complete_goal(ann.team_id)).await;
        let path = format!("/api/v1/goals/{}", goal["id"]);
        assert_eq!(app.get(&path, &token).await.status(), StatusCode::OK);

        let revoked = app.delete(&format!("/api/v1/tokens/{}", created["id"]), &ann.token).await;
        assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
        unauthorized(app.get(&path, &token).await).await;
        unauthorized(app.post("/api/v1/goals", &token, &complete_goal(ann.team_id)).await).await;
        unauthorized(app.patch(&path, &token, &json!({"version": 1, "title": "Revoked"})).await).await;
        assert_eq!(app.count("goals").await, 1);
        assert_eq!(app.goal_row(goal["id"].as_i64().unwrap()).await.unwrap().version, 1);
        // The other token still works.
        assert_eq!(app.get(&path, &ann.token).await.status(), StatusCode::OK);
    }
}

dual_test! {
    async fn a_goal_id_that_is_not_a_number_is_404(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        for path in ["/api/v1/goals/abc", "/api/v1/goals/1.5", "/api/v1/goals/99999999999", "/api/v1/goals/-1"] {
            problem(app.get(path, &ann.token).await, StatusCode::NOT_FOUND).await;
        }
        let mut put = complete_goal(ann.team_id);
        put["version"] = json!(1);
        problem(app.put("/api/v1/goals/abc", &ann.token, &put).await, StatusCode::NOT_FOUND).await;
        problem(app.patch("/api/v1/goals/abc", &ann.token, &json!({"version": 1})).await, StatusCode::NOT_FOUND).await;
        problem(app.delete("/api/v1/goals/abc", &ann.token).await, StatusCode::NOT_FOUND).await;
    }
}

dual_test! {
    async fn bad_list_parameters_are_refused_naming_the_parameter(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let cases = [
            ("status=nope", StatusCode::BAD_REQUEST, "/status"),
            ("limit=ten", StatusCode::BAD_REQUEST, "/limit"),
            ("limit=-1", StatusCode::BAD_REQUEST, "/limit"),
            ("owner=me", StatusCode::BAD_REQUEST, "/owner"),
            ("archived=maybe", StatusCode::BAD_REQUEST, "/archived"),
            ("team=support", StatusCode::BAD_REQUEST, "/team"),
            // Well-formed numbers outside the rules are 422.
            ("limit=0", StatusCode::UNPROCESSABLE_ENTITY, "/limit"),
            ("limit=201", StatusCode::UNPROCESSABLE_ENTITY, "/limit"),
            ("cursor=abc", StatusCode::UNPROCESSABLE_ENTITY, "/cursor"),
        ];
        for (query, status, pointer) in cases {
            let response = app.get(&format!("/api/v1/goals?{query}"), &ann.token).await;
            let refused = problem(response, status).await;
            assert_eq!(pointers(&refused), [pointer], "{query}: {refused}");
        }
        let unknown = problem(app.get("/api/v1/goals?colour=red", &ann.token).await, StatusCode::BAD_REQUEST).await;
        assert!(unknown["detail"].as_str().unwrap().contains("colour"), "{unknown}");
        assert_eq!(app.get("/api/v1/goals?limit=200", &ann.token).await.status(), StatusCode::OK);
    }
}

dual_test! {
    async fn a_team_filter_for_a_team_that_is_not_yours_is_404(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        app.create_goal(&bob, &complete_goal(bob.team_id)).await;
        for team in [bob.team_id, 9999] {
            let response = app.get(&format!("/api/v1/goals?team={team}"), &ann.token).await;
            problem(response, StatusCode::NOT_FOUND).await;
        }
    }
}
