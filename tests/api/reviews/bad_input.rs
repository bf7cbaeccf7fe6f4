//! Answers that break a rule: 4xx naming the field, and nothing changed
//! (the review stays pending and can still be answered).

use super::refusals::snapshot;
use super::*;
use crate::helpers::{pointers, problem};

/// Sends `body` and checks the refusal names `pointer`, changing nothing.
async fn refused(
    app: &TestApp,
    r: &Reviewed,
    body: Value,
    status: StatusCode,
    pointer: &str,
) -> Value {
    let before = snapshot(app, r).await;
    let response = answer(app, &r.ann, r.review_id, body.clone()).await;
    let problem = problem(response, status).await;
    assert!(
        pointers(&problem).iter().any(|p| p == pointer),
        "{body} should be refused at {pointer}: {problem}"
    );
    assert_eq!(snapshot(app, r).await, before, "{body} changed something");
    problem
}

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

dual_test! {
    async fn a_readjustment_without_a_reason_is_422_naming_reason(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let body = json!({"decision": "readjust", "readjust": {"target": 9.5}});
        let p = refused(&app, &r, body, UNPROCESSABLE, "/reason").await;
        assert!(p["detail"].as_str().unwrap().contains("required"), "{p}");
        let blank = json!({"decision": "abandon", "reason": "   "});
        refused(&app, &r, blank, UNPROCESSABLE, "/reason").await;
        // Still pending: a good answer goes through.
        answer_ok(&app, &r, json!({"decision": "continue"})).await;
    }
}

dual_test! {
    async fn a_target_on_the_wrong_side_of_the_baseline_is_422_and_the_goal_unchanged(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let body = json!({"decision": "readjust", "reason": "More ambition", "readjust": {"target": 13}});
        let p = refused(&app, &r, body, UNPROCESSABLE, "/readjust/target").await;
        let message = &p["errors"][0]["message"];
        assert!(message.as_str().unwrap().contains("above the baseline 12"), "{p}");
        let row = app.goal_row(r.goal_id).await.unwrap();
        assert_eq!((row.version, row.target), (1, Some(8.0)));
        let before_start = json!({"decision": "readjust", "reason": "r", "readjust": {"deadline": "2026-12-01"}});
        refused(&app, &r, before_start, UNPROCESSABLE, "/readjust/deadline").await;
        let bad_cron = json!({"decision": "readjust", "reason": "r", "readjust": {"cadence": "cron", "cron": "every day"}});
        refused(&app, &r, bad_cron, UNPROCESSABLE, "/readjust/cron").await;
        let no_baseline = json!({"decision": "readjust", "reason": "r", "readjust": {"metric": "nps", "target": 40}});
        refused(&app, &r, no_baseline, UNPROCESSABLE, "/readjust/baseline").await;
        let same = json!({"decision": "readjust", "reason": "r", "readjust": {"target": 8}});
        refused(&app, &r, same, UNPROCESSABLE, "/readjust").await;
    }
}

dual_test! {
    async fn hostile_answers_are_refused_naming_the_field(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let long = "x".repeat(2001);
        let cases = [
            (json!({"decision": "continue", "assessment": {"went_well": long}}), "/assessment/went_well"),
            (json!({"decision": "continue", "assessment": {"blocked": long}}), "/assessment/blocked"),
            (json!({"decision": "abandon", "reason": long}), "/reason"),
            (json!({"decision": "continue", "confidence": 0}), "/confidence"),
            (json!({"decision": "continue", "confidence": 6}), "/confidence"),
            (json!({"decision": "continue", "confidence": 2.5}), "/confidence"),
            (json!({"decision": "continue", "confidence": "high"}), "/confidence"),
            (json!({"decision": "maybe"}), "/decision"),
            (json!({"decision": 3}), "/decision"),
            (json!({"confidence": 3}), "/decision"),
            (json!({"decision": "continue", "mood": "great"}), "/mood"),
            (json!({"decision": "continue", "assessment": {"went_well": "bell\u{7}"}}), "/assessment/went_well"),
            (json!({"decision": "continue", "readjust": {"target": 9}}), "/readjust"),
            (json!({"decision": "readjust", "reason": "r"}), "/readjust"),
            (json!({"decision": "readjust", "reason": "r", "readjust": {}}), "/readjust"),
            (json!({"decision": "readjust", "reason": "r", "readjust": {"accept_suggestion": "both"}}), "/readjust/accept_suggestion"),
            (json!({"decision": "readjust", "reason": "r", "readjust": {"accept_suggestion": true, "target": 9}}), "/readjust/target"),
            (json!({"decision": "readjust", "reason": "r", "readjust": {"target": "nine"}}), "/readjust/target"),
            (json!({"decision": "readjust", "reason": "r", "readjust": {"milestones": [{"date": "someday", "target": 10}]}}), "/readjust/milestones/0/date"),
        ];
        for (body, pointer) in cases {
            refused(&app, &r, body, UNPROCESSABLE, pointer).await;
        }
        let response = app.post_raw(&format!("/api/v1/reviews/{}", r.review_id), &r.ann.token, "{\"decision\": ").await;
        problem(response, StatusCode::BAD_REQUEST).await;
        refused(&app, &r, json!("continue"), UNPROCESSABLE, "").await;
        assert_eq!(app.count("review_answers").await, 0);
        for query in ["status=open", "limit=0", "cursor=x", "colour=red"] {
            let response = app.get(&format!("/api/v1/reviews?{query}"), &r.ann.token).await;
            assert!(response.status().is_client_error(), "{query}");
        }
        answer_ok(&app, &r, json!({"decision": "continue", "confidence": 5})).await;
    }
}
