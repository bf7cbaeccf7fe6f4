//! `GET /api/v1/outbox`: what was sent, what waits, what failed and why.

use reqwest::StatusCode;
use serde_json::Value;

use super::*;
use crate::helpers::problem;

dual_test! {
    async fn the_outbox_lists_the_teams_mail_with_the_servers_reply_on_failure(app: TestApp) {
        let smtp = SmtpServer::start().await;
        smtp.set_mode(Mode::PermFail);
        two_emails_queued(&app).await;
        let ann = app.user("viewer@example.com", "Clinic", Role::Viewer).await;
        let listed: Vec<Value> = app.get(&format!("/api/v1/outbox?team={}", ann.team_id), &ann.token).await.json().await.unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|m| m["status"] == "pending"));
        let text = listed[0]["text"].as_str().unwrap();
        assert!(text.contains("[review link]") && !text.contains("rv_"), "{text}");
        deliver(&app, &smtp, DUE).await;
        let failed: Vec<Value> = app
            .get(&format!("/api/v1/outbox?team={}&status=failed", ann.team_id), &ann.token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(failed.len(), 2);
        assert!(failed[0]["last_error"].as_str().unwrap().contains("mailbox unavailable"));
    }
}

dual_test! {
    async fn the_outbox_of_another_team_and_bad_parameters_are_refused(app: TestApp) {
        two_emails_queued(&app).await;
        let bob = app.user("bob@example.com", "Other", Role::Admin).await;
        let team = bob.team_id - 1;
        problem(app.get(&format!("/api/v1/outbox?team={team}"), &bob.token).await, StatusCode::NOT_FOUND).await;
        let own = format!("/api/v1/outbox?team={}", bob.team_id);
        let bad = problem(app.get(&format!("{own}&status=lost"), &bob.token).await, StatusCode::BAD_REQUEST).await;
        assert!(bad["detail"].as_str().unwrap().contains("status"));
        let bad = problem(app.get(&format!("{own}&limit=0"), &bob.token).await, StatusCode::BAD_REQUEST).await;
        assert!(bad["detail"].as_str().unwrap().contains("limit"));
        problem(app.get(&format!("{own}&evil=1"), &bob.token).await, StatusCode::BAD_REQUEST).await;
    }
}
