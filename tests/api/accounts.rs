//! Accounts: who am I, API tokens (shown once, stored hashed, revocable),
//! bearer authentication and password storage.

use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use serde_json::{Value, json};
use smarter::domain::account::Role;

use crate::helpers::{TestApp, dual_test, pointers, problem};

/// Creates a token through the API and returns the 201 body.
async fn create_token(app: &TestApp, token: &str, name: &str) -> Value {
    let response = app
        .post("/api/v1/tokens", token, &json!({ "name": name }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// Checks a 401 answer: a problem document with a Bearer challenge.
async fn assert_unauthorized(response: reqwest::Response) -> Value {
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    problem(response, StatusCode::UNAUTHORIZED).await
}

dual_test! {
    async fn me_lists_the_callers_teams_and_roles(app: TestApp) {
        let ann = app.user("Ann@Example.com", "Support", Role::Manager).await;
        let reviews = app.join(&ann, "Reviews", Role::Viewer).await;
        app.user("bob@example.com", "Sales", Role::Admin).await;

        let response = app.get("/api/v1/me", &ann.token).await;
        assert_eq!(response.status(), StatusCode::OK);
        let me: Value = response.json().await.unwrap();
        assert_eq!(me["id"], ann.id);
        assert_eq!(me["email"], "ann@example.com");
        assert_eq!(me["display_name"], "Test User");
        assert_eq!(
            me["teams"],
            json!([
                {"id": reviews, "name": "Reviews", "role": "viewer"},
                {"id": ann.team_id, "name": "Support", "role": "manager"},
            ])
        );
    }
}

dual_test! {
    async fn a_new_token_is_shown_once_and_listed_only_by_its_prefix(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;

        let created = create_token(&app, &ann.token, "nightly import").await;
        let token = created["token"].as_str().unwrap().to_string();
        assert!(token.starts_with("smt_"), "{token}");
        assert!(token.len() >= 40, "a token carries enough randomness: {token}");
        assert_eq!(created["name"], "nightly import");
        assert_eq!(created["prefix"], &token[..12]);
        assert!(created["revoked_at"].is_null());
        assert!(created.get("token_hash").is_none());

        let works = app.get("/api/v1/me", &token).await;
        assert_eq!(works.status(), StatusCode::OK);

        let listing = app.get("/api/v1/tokens", &token).await;
        assert_eq!(listing.status(), StatusCode::OK);
        let text = listing.text().await.unwrap();
        assert!(!text.contains(&token), "the list shows the token: {text}");
        assert!(!text.contains(&ann.token), "the list shows a token: {text}");
        let hash = smarter::store::tokens::hash_token(&token);
        assert!(!text.contains(&hash), "the list shows a hash: {text}");
        let list: Vec<Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(list.len(), 2, "the helper's token and the new one");
        assert_eq!(list[0]["id"], created["id"], "newest first");
        for entry in &list {
            assert!(entry.get("token").is_none(), "{entry}");
            assert!(entry.get("token_hash").is_none(), "{entry}");
            assert_eq!(entry["prefix"].as_str().unwrap().len(), 12);
        }
        assert!(list[0]["last_used_at"].is_string(), "the token was just used");
    }
}

dual_test! {
    async fn tokens_are_stored_hashed(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let created = create_token(&app, &ann.token, "ci").await;
        let token = created["token"].as_str().unwrap();

        let stored = app
            .texts(&format!("SELECT token_hash FROM api_tokens WHERE id = {}", created["id"]))
            .await;
        assert_eq!(stored.len(), 1);
        let stored = &stored[0];
        assert_ne!(stored, token);
        assert!(!stored.contains(token) && !stored.contains(&token[4..]));
        assert_eq!(stored.len(), 64);
        assert!(stored.chars().all(|c| c.is_ascii_hexdigit()), "{stored}");

        // No column of the table holds the token itself.
        let everything = app
            .texts("SELECT name || token_hash || token_prefix FROM api_tokens")
            .await
            .concat();
        assert!(!everything.contains(token));
    }
}

dual_test! {
    async fn a_revoked_token_stops_working_at_once(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let created = create_token(&app, &ann.token, "laptop").await;
        let token = created["token"].as_str().unwrap();
        let id = created["id"].as_i64().unwrap();
        assert_eq!(app.get("/api/v1/me", token).await.status(), StatusCode::OK);

        let revoked = app.delete(&format!("/api/v1/tokens/{id}"), &ann.token).await;
        assert_eq!(revoked.status(), StatusCode::NO_CONTENT);

        let body = assert_unauthorized(app.get("/api/v1/me", token).await).await;
        assert!(body["detail"].as_str().unwrap().contains("revoked"), "{body}");
        let listed: Vec<Value> = app.get("/api/v1/tokens", &ann.token).await.json().await.unwrap();
        let entry = listed.iter().find(|t| t["id"] == id).unwrap();
        assert!(entry["revoked_at"].is_string(), "{entry}");

        // The other token still works, and revoking twice is harmless.
        assert_eq!(app.get("/api/v1/me", &ann.token).await.status(), StatusCode::OK);
        let again = app.delete(&format!("/api/v1/tokens/{id}"), &ann.token).await;
        assert_eq!(again.status(), StatusCode::NO_CONTENT);
        assert_unauthorized(app.get("/api/v1/me", token).await).await;
    }
}

dual_test! {
    async fn a_token_can_revoke_itself(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let created = create_token(&app, &ann.token, "throwaway").await;
        let token = created["token"].as_str().unwrap();
        let revoked = app.delete(&format!("/api/v1/tokens/{}", created["id"]), token).await;
        assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
        assert_unauthorized(app.get("/api/v1/tokens", token).await).await;
    }
}

dual_test! {
    async fn revoking_another_users_token_is_404(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Admin).await;
        let bob = app.user("bob@example.com", "Support", Role::Manager).await;
        let bobs = create_token(&app, &bob.token, "bob's laptop").await;
        let bobs_token = bobs["token"].as_str().unwrap();

        let response = app.delete(&format!("/api/v1/tokens/{}", bobs["id"]), &ann.token).await;
        problem(response, StatusCode::NOT_FOUND).await;
        let missing = app.delete("/api/v1/tokens/999999", &ann.token).await;
        problem(missing, StatusCode::NOT_FOUND).await;
        let not_an_id = app.delete("/api/v1/tokens/abc", &ann.token).await;
        problem(not_an_id, StatusCode::NOT_FOUND).await;

        assert_eq!(app.get("/api/v1/me", bobs_token).await.status(), StatusCode::OK);
        let revoked = app
            .texts("SELECT name FROM api_tokens WHERE revoked_at IS NOT NULL")
            .await;
        assert!(revoked.is_empty(), "{revoked:?}");
        // Bob's tokens are not in Ann's list either.
        let anns: Vec<Value> = app.get("/api/v1/tokens", &ann.token).await.json().await.unwrap();
        assert_eq!(anns.len(), 1);
        assert_ne!(anns[0]["id"], bobs["id"]);
    }
}

dual_test! {
    async fn missing_or_malformed_authorization_is_401_with_a_bearer_challenge(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let cases: Vec<(&str, Option<HeaderValue>)> = vec![
            ("no header", None),
            ("garbage token", Some(HeaderValue::from_static("Bearer not-a-token"))),
            ("unknown smt_ token", Some(HeaderValue::from_static("Bearer smt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))),
            ("empty header", Some(HeaderValue::from_static(""))),
            ("scheme only", Some(HeaderValue::from_static("Bearer"))),
            ("scheme and blank", Some(HeaderValue::from_static("Bearer    "))),
            ("token without scheme", Some(HeaderValue::from_str(&ann.token).unwrap())),
            ("basic auth", Some(HeaderValue::from_static("Basic YW5uQGV4YW1wbGUuY29tOnNlY3JldA=="))),
            ("right token, wrong scheme", Some(HeaderValue::from_str(&format!("Token {}", ann.token)).unwrap())),
            ("token with extra words", Some(HeaderValue::from_str(&format!("Bearer {} extra", ann.token)).unwrap())),
            ("not text", Some(HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap())),
        ];
        for (case, header) in cases {
            for path in ["/api/v1/me", "/api/v1/tokens", "/api/v1/metrics", "/api/v1/goals"] {
                let response = app.get_with_authorization(path, header.clone()).await;
                assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{case} on {path}");
                let body = assert_unauthorized(response).await;
                assert_eq!(body["type"], "/problems/unauthorized", "{case}");
                assert!(!body["detail"].as_str().unwrap().is_empty(), "{case}");
            }
        }
        // Writes are refused the same way, and nothing is created.
        let tokens = app.count("api_tokens").await;
        let response = app.client.post(app.url("/api/v1/tokens")).json(&json!({"name": "x"})).send().await.unwrap();
        assert_unauthorized(response).await;
        assert_eq!(app.count("api_tokens").await, tokens);

        // The scheme is case-insensitive (RFC 7235).
        let lower = HeaderValue::from_str(&format!("bearer {}", ann.token)).unwrap();
        let ok = app.get_with_authorization("/api/v1/me", Some(lower)).await;
        assert_eq!(ok.status(), StatusCode::OK);
    }
}

dual_test! {
    async fn passwords_are_stored_as_argon2id_hashes(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let hashes = app
            .texts(&format!("SELECT password_hash FROM users WHERE id = {}", ann.id))
            .await;
        assert_eq!(hashes.len(), 1);
        let hash = hashes[0].clone();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        // The helper's password; it must not be stored in any form we can read back.
        let password = "correct horse battery";
        assert!(!hash.contains(password));
        let everything = app.texts("SELECT email || display_name || password_hash FROM users").await.concat();
        assert!(!everything.contains(password));
        assert!(smarter::store::accounts::verify_password(password.into(), hash.clone()).await);
        assert!(!smarter::store::accounts::verify_password("wrong horse battery".into(), hash).await);

        // Two users with one password get different hashes (salted).
        let bob = app.user("bob@example.com", "Support", Role::Viewer).await;
        let bobs = app
            .texts(&format!("SELECT password_hash FROM users WHERE id = {}", bob.id))
            .await;
        assert_ne!(bobs[0], hashes[0]);
    }
}

dual_test! {
    async fn bad_token_input_is_422_naming_the_field(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let before = app.count("api_tokens").await;
        let cases = [
            (json!({"name": ""}), "/name"),
            (json!({"name": "   "}), "/name"),
            (json!({"name": "x".repeat(101)}), "/name"),
            (json!({"name": "bell\u{7}"}), "/name"),
            (json!({"name": 42}), "/name"),
            (json!({}), "/name"),
            (json!({"name": "ci", "scope": "admin"}), "/scope"),
            (json!({"name": "ci", "token": "smt_mine"}), "/token"),
        ];
        for (body, pointer) in cases {
            let response = app.post("/api/v1/tokens", &ann.token, &body).await;
            let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(pointers(&problem), [pointer], "{body}");
            assert!(problem["detail"].as_str().unwrap().contains(pointer), "{problem}");
        }
        let malformed = app.post_raw("/api/v1/tokens", &ann.token, "{\"name\": ").await;
        problem(malformed, StatusCode::BAD_REQUEST).await;
        assert_eq!(app.count("api_tokens").await, before);
    }
}
