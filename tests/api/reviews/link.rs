//! The emailed link: a page with the email's facts and the answer form,
//! answered without a password; bad, used and expired links get an HTML
//! page that says so, with the right status.

use super::refusals::{expire, snapshot};
use super::*;

async fn open(app: &TestApp, token: &str) -> Response {
    app.client
        .get(app.url(&format!("/review/{token}")))
        .send()
        .await
        .unwrap()
}

async fn post_form(app: &TestApp, token: &str, fields: &[(&str, &str)]) -> Response {
    app.client
        .post(app.url(&format!("/review/{token}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(fields).unwrap())
        .send()
        .await
        .unwrap()
}

/// Checks an HTML response's status and security headers; returns the page.
async fn page(response: Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["content-security-policy"], smarter::web::CSP);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    response.text().await.unwrap()
}

const HOSTILE: &str = "<script>alert(1)</script> & \"Fewer\" lost";

dual_test! {
    async fn the_page_shows_the_facts_and_the_form_with_every_text_escaped(app: TestApp) {
        let r = reviewed(&app, None, HOSTILE).await;
        let html = page(open(&app, &r.token).await, StatusCode::OK).await;
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Fewer&#34; lost"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<style") && !html.contains("style=\""), "styles only from the stylesheet: {html}");
        assert!(html.contains("off track"));
        assert!(html.contains("11.70 (baseline 12, target 8)"));
        assert!(html.contains("readjust the target to 9.90"));
        for field in ["went_well", "blocked", "confidence", "reason", "target", "deadline", "cadence", "milestones"] {
            assert!(html.contains(&format!("name=\"{field}\"")), "no {field} field");
        }
        assert!(html.contains("value=\"close_achieved\""));
        assert!(html.contains("name=\"accept_suggestion\" value=\"target\""));
        assert!(html.contains("name=\"accept_suggestion\" value=\"deadline\""));
    }
}

dual_test! {
    async fn posting_the_form_applies_the_answer_and_shows_what_changed(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let fields = [
            ("went_well", "Calls <made>"), ("blocked", "Holidays"), ("confidence", "3"),
            ("decision", "readjust"), ("reason", "A month lost to holidays"),
            ("target", "9.5"), ("baseline", "12"), ("deadline", "2027-06-28"), ("metric", "churn_rate"),
            ("cadence", "weekly"), ("cron", ""), ("milestones", "2027-03-29 10"),
        ];
        let html = page(post_form(&app, &r.token, &fields).await, StatusCode::OK).await;
        assert!(html.contains("your answer is recorded"), "{html}");
        assert!(html.contains("<th scope=\"row\">Target</th><td>8 → 9.5</td>"), "{html}");
        let list = revisions(&app, &r).await;
        let rev = &list["revisions"][0];
        assert_eq!(rev["old"], json!({"target": 8.0}), "only the changed field");
        assert_eq!(rev["changed_by"], Value::Null);
        assert_eq!(rev["reason"], "A month lost to holidays");
        let answered = get_json(&app, &r.ann, "/api/v1/reviews?status=answered").await;
        let a = &answered["items"][0]["answer"];
        assert_eq!((a["answered_via"].as_str(), a["confidence"].as_i64()), (Some("link"), Some(3)));
        assert_eq!(a["assessment"]["went_well"], "Calls <made>");
        assert_eq!(app.goal_row(r.goal_id).await.unwrap().version, 2);
    }
}

dual_test! {
    async fn one_click_accepts_the_suggested_deadline(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let fields = [("decision", "readjust"), ("accept_suggestion", "deadline"), ("reason", "Accepted")];
        let html = page(post_form(&app, &r.token, &fields).await, StatusCode::OK).await;
        assert!(html.contains("2027-11-08"), "{html}");
        let row = app.goal_row(r.goal_id).await.unwrap();
        assert_eq!(row.deadline.unwrap().to_string(), "2027-11-08");
        assert_eq!(row.target, Some(8.0));
    }
}

dual_test! {
    async fn a_bad_form_comes_back_with_the_input_and_the_messages(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let before = snapshot(&app, &r).await;
        let fields = [("went_well", "Calls & visits"), ("decision", "readjust"), ("target", "13")];
        let html = page(post_form(&app, &r.token, &fields).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains("The answer was not saved"), "{html}");
        assert!(html.contains("Reason: is required"), "{html}");
        assert!(html.contains(">Calls &#38; visits</textarea>"), "the input is kept: {html}");
        let fields = [("decision", "readjust"), ("reason", "r"), ("target", "13")];
        let html = page(post_form(&app, &r.token, &fields).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains("above the baseline 12"), "{html}");
        let fields = [("decision", "maybe"), ("confidence", "6")];
        let html = page(post_form(&app, &r.token, &fields).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains("Decision: unknown value"), "{html}");
        let fields = [("decision", "continue"), ("confidence", "0")];
        let html = page(post_form(&app, &r.token, &fields).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(html.contains("Confidence: 0 is not a rating"), "{html}");
        assert_eq!(snapshot(&app, &r).await, before);
    }
}

dual_test! {
    async fn used_expired_and_unknown_links_get_a_page_that_says_so(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let html = page(open(&app, "rv_not-a-token").await, StatusCode::NOT_FOUND).await;
        assert!(html.contains("not valid"), "{html}");
        page(post_form(&app, "nonsense", &[("decision", "continue")]).await, StatusCode::NOT_FOUND).await;
        page(post_form(&app, &r.token, &[("decision", "continue")]).await, StatusCode::OK).await;
        let before = snapshot(&app, &r).await;
        let html = page(open(&app, &r.token).await, StatusCode::CONFLICT).await;
        assert!(html.contains("already answered"), "{html}");
        let again = [("decision", "abandon"), ("reason", "again")];
        page(post_form(&app, &r.token, &again).await, StatusCode::CONFLICT).await;
        assert_eq!(snapshot(&app, &r).await, before);

        let ann = r.ann.clone();
        let other = reviewed(&app, Some(ann), "More five-star reviews").await;
        expire(&app, other.review_id).await;
        let html = page(open(&app, &other.token).await, StatusCode::GONE).await;
        assert!(html.contains("expired on 2026-01-01"), "{html}");
        let before = snapshot(&app, &other).await;
        page(post_form(&app, &other.token, &[("decision", "continue")]).await, StatusCode::GONE).await;
        assert_eq!(snapshot(&app, &other).await, before);
    }
}

dual_test! {
    async fn a_reviews_token_answers_that_review_only(app: TestApp) {
        let first = reviewed(&app, None, "Fewer lost customers").await;
        let second = reviewed(&app, Some(first.ann.clone()), "More five-star reviews").await;
        assert_ne!(first.review_id, second.review_id);
        let rows = |s: (String, String, i64, i64)| (s.0, s.1);
        let before = rows(snapshot(&app, &second).await);
        // A review token is no API token.
        let response = answer(&app, &TestUser { token: first.token.clone(), ..first.ann.clone() }, second.review_id, json!({"decision": "abandon", "reason": "x"})).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let fields = [("decision", "abandon"), ("reason", "Not worth it")];
        page(post_form(&app, &first.token, &fields).await, StatusCode::OK).await;
        assert_eq!(rows(snapshot(&app, &second).await), before, "the other review is untouched");
        assert_eq!(app.goal_row(first.goal_id).await.unwrap().status, "abandoned");
        assert_eq!(app.goal_row(second.goal_id).await.unwrap().status, "active");
        page(open(&app, &second.token).await, StatusCode::OK).await;
    }
}
