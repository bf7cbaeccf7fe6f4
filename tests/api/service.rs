//! The service as a whole: health, readiness, OpenAPI, errors outside handlers.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{dual_test, problem};

dual_test! {
    async fn health_and_readiness_answer(app: TestApp) {
        let health = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), StatusCode::OK);
        let body: Value = ready.json().await.unwrap();
        assert_eq!(body["status"], "ready");
    }
}

dual_test! {
    async fn openapi_document_lists_every_resource(app: TestApp) {
        let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        for path in ["/api/v1/goals", "/api/v1/goals/{id}", "/api/v1/metrics", "/api/v1/metrics/{key}/observations", "/api/v1/tokens", "/api/v1/me"] {
            assert!(paths.contains_key(path), "missing {path}");
        }
        assert!(paths["/api/v1/goals/{id}"]["patch"].is_object());
        assert!(doc["components"]["schemas"]["GoalInput"].is_object());
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    }
}

dual_test! {
    async fn unknown_routes_and_methods_are_problems(app: TestApp) {
        let missing = app.client.get(app.url("/api/v1/nothing")).send().await.unwrap();
        problem(missing, StatusCode::NOT_FOUND).await;
        let wrong_method = app.client.delete(app.url("/healthz")).send().await.unwrap();
        assert!(wrong_method.headers().contains_key("allow"));
        problem(wrong_method, StatusCode::METHOD_NOT_ALLOWED).await;
    }
}
