//! Reviews that cannot be answered, and callers who may not: a clear
//! refusal, and nothing changed.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use smarter::entities::review_request;

use super::*;
use crate::helpers::problem;

/// The goal row, the review's state and how many answers and revisions
/// exist: everything an answer could change.
pub async fn snapshot(app: &TestApp, r: &Reviewed) -> (String, String, i64, i64) {
    let goal = app.goal_row(r.goal_id).await.unwrap();
    let review = review_request::Entity::find_by_id(r.review_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    (
        format!("{goal:?}"),
        format!("{review:?}"),
        app.count("review_answers").await,
        app.count("goal_revisions").await,
    )
}

pub async fn expire(app: &TestApp, review_id: i64) {
    let past: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    review_request::Entity::update_many()
        .col_expr(review_request::Column::ExpiresAt, Expr::value(past))
        .filter(review_request::Column::Id.eq(review_id))
        .exec(&app.db)
        .await
        .unwrap();
}

fn readjust_body() -> Value {
    json!({"decision": "readjust", "reason": "Too ambitious", "readjust": {"target": 9.5}})
}

dual_test! {
    async fn answering_twice_is_409_and_changes_nothing(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        answer_ok(&app, &r, json!({"decision": "continue"})).await;
        let before = snapshot(&app, &r).await;
        let response = answer(&app, &r.ann, r.review_id, readjust_body()).await;
        let body = problem(response, StatusCode::CONFLICT).await;
        assert!(body["detail"].as_str().unwrap().contains("already answered"), "{body}");
        assert_eq!(snapshot(&app, &r).await, before);
        assert_eq!(before.2, 1, "one answer");
    }
}

dual_test! {
    async fn of_two_answers_sent_at_once_one_wins_and_the_other_is_409(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let (a, b) = tokio::join!(
            answer(&app, &r.ann, r.review_id, readjust_body()),
            answer(&app, &r.ann, r.review_id, json!({"decision": "abandon", "reason": "Not worth it"}))
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
        assert_eq!(app.count("review_answers").await, 1);
        assert_eq!(app.count("goal_revisions").await, 1);
        assert_eq!(app.goal_row(r.goal_id).await.unwrap().version, 2);
    }
}

dual_test! {
    async fn an_expired_review_is_410_and_changes_nothing(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        expire(&app, r.review_id).await;
        let before = snapshot(&app, &r).await;
        let response = answer(&app, &r.ann, r.review_id, readjust_body()).await;
        let body = problem(response, StatusCode::GONE).await;
        assert!(body["detail"].as_str().unwrap().contains("expired on 2026-01-01"), "{body}");
        assert_eq!(snapshot(&app, &r).await, before);
        let expired = get_json(&app, &r.ann, "/api/v1/reviews?status=expired").await;
        assert_eq!(expired["items"][0]["id"], r.review_id);
        assert_eq!(expired["items"][0]["status"], "expired");
        let pending = get_json(&app, &r.ann, "/api/v1/reviews?status=pending").await;
        assert_eq!(pending["items"], json!([]));
    }
}

dual_test! {
    async fn viewers_may_read_but_not_answer(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let vic = app.user("vic@example.com", "Clinic", Role::Viewer).await;
        assert_eq!(get_json(&app, &vic, "/api/v1/reviews").await["items"][0]["id"], r.review_id);
        let before = snapshot(&app, &r).await;
        let response = answer(&app, &vic, r.review_id, readjust_body()).await;
        problem(response, StatusCode::FORBIDDEN).await;
        assert_eq!(snapshot(&app, &r).await, before);
    }
}

dual_test! {
    async fn another_teams_review_is_404_and_changes_nothing(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let bob = app.user("bob@example.com", "Other clinic", Role::Manager).await;
        let before = snapshot(&app, &r).await;
        let response = answer(&app, &bob, r.review_id, readjust_body()).await;
        problem(response, StatusCode::NOT_FOUND).await;
        let response = app.get(&format!("/api/v1/goals/{}/revisions", r.goal_id), &bob.token).await;
        problem(response, StatusCode::NOT_FOUND).await;
        let response = answer(&app, &bob, 999_999, readjust_body()).await;
        problem(response, StatusCode::NOT_FOUND).await;
        assert_eq!(snapshot(&app, &r).await, before);
    }
}

dual_test! {
    async fn a_goal_closed_meanwhile_refuses_its_pending_review(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let patch = json!({"version": 1, "status": "abandoned"});
        let response = app.patch(&format!("/api/v1/goals/{}", r.goal_id), &r.ann.token, &patch).await;
        assert_eq!(response.status(), StatusCode::OK);
        let before = snapshot(&app, &r).await;
        let response = answer(&app, &r.ann, r.review_id, readjust_body()).await;
        let body = problem(response, StatusCode::CONFLICT).await;
        assert!(body["detail"].as_str().unwrap().contains("abandoned"), "{body}");
        assert_eq!(snapshot(&app, &r).await, before);
    }
}
