//! The review pages of a signed-in manager: the team's list, the same
//! answer form as the emailed link (with the session's CSRF token), the
//! one-click suggestion, and what an answer changed; viewers read only,
//! another team's review is 404.

use reqwest::StatusCode;
use sea_orm::EntityTrait;
use smarter::domain::account::Role;
use smarter::entities::review_request;

use crate::helpers::web::WebClient;
use crate::helpers::{TestApp, dual_test};
use crate::reviews::{Reviewed, reviewed};

/// Everything an answer could change.
async fn snapshot(app: &TestApp, r: &Reviewed) -> (String, String, i64, i64) {
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

async fn expire(app: &TestApp, review_id: i64) {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    let past: chrono::DateTime<chrono::Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    review_request::Entity::update_many()
        .col_expr(review_request::Column::ExpiresAt, Expr::value(past))
        .filter(review_request::Column::Id.eq(review_id))
        .exec(&app.db)
        .await
        .unwrap();
}

fn review_path(r: &Reviewed) -> String {
    format!("/reviews/{}", r.review_id)
}

dual_test! {
    async fn the_list_shows_waiting_answered_and_expired_reviews(app: TestApp) {
        let first = reviewed(&app, None, "Fewer lost customers").await;
        let second = reviewed(&app, Some(first.ann.clone()), "More five-star reviews").await;
        let web = WebClient::signed_in(&app, &first.ann).await;
        let list = web.get(&format!("/reviews?team={}", first.ann.team_id)).await;
        assert_eq!(list.status, StatusCode::OK);
        list.assert_contains("Waiting for an answer (2)")
            .assert_contains(&format!("href=\"/reviews/{}\"", first.review_id))
            .assert_contains("More five-star reviews");
        let fields = [("decision", "abandon"), ("reason", "Nobody reads the reviews")];
        assert_eq!(web.post(&review_path(&second), &fields).await.status, StatusCode::SEE_OTHER);
        let list = web.get("/reviews").await;
        list.assert_contains("Waiting for an answer (1)")
            .assert_contains("Answered (1)")
            .assert_contains("abandon")
            .assert_contains("Nobody reads the reviews");
        expire(&app, first.review_id).await;
        let list = web.get("/reviews").await;
        list.assert_contains("Waiting for an answer (0)").assert_contains("Expired (1)");
        let expired = web.get(&review_path(&first)).await;
        assert_eq!(expired.status, StatusCode::OK);
        expired.assert_contains("expired on 2026-01-01");
        assert!(!expired.body.contains("name=\"decision\""), "an expired review has no form");
        let late = web.post(&review_path(&first), &[("decision", "continue")]).await;
        assert_eq!(late.status, StatusCode::GONE);
    }
}

dual_test! {
    async fn a_signed_in_manager_answers_continue(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let web = WebClient::signed_in(&app, &r.ann).await;
        let form = web.get(&review_path(&r)).await;
        assert_eq!(form.status, StatusCode::OK);
        form.assert_contains("off track").assert_contains("name=\"decision\" value=\"continue\"");
        assert_eq!(form.csrf().as_deref(), Some(web.csrf.as_str()), "the form carries the session's token");
        let fields = [("went_well", "Calls made"), ("confidence", "4"), ("decision", "continue")];
        let answered = web.post(&review_path(&r), &fields).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
        let page = web.get(answered.location.as_deref().unwrap()).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Review answered")
            .assert_contains("continue")
            .assert_contains("4 of 5")
            .assert_contains("by Test User")
            .assert_contains("did not change");
        let again = web.post(&review_path(&r), &[("decision", "abandon"), ("reason", "x")]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        again.assert_contains("already answered");
        assert_eq!(app.goal_row(r.goal_id).await.unwrap().status, "active");
    }
}

dual_test! {
    async fn one_click_accepts_the_suggested_target_and_the_page_shows_old_and_new(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let web = WebClient::signed_in(&app, &r.ann).await;
        let form = web.get(&review_path(&r)).await;
        form.assert_contains("name=\"accept_suggestion\" value=\"target\"").assert_contains("Accept: target 9.9");
        let one_click = form.body.find("name=\"accept_suggestion\" value=\"target\"").unwrap();
        let form_start = form.body[..one_click].rfind("<form").unwrap();
        assert!(form.body[form_start..one_click].contains("name=\"csrf\""), "the one-click form has its token");
        let reason = "Accepted the evaluation's suggestion";
        let fields = [("decision", "readjust"), ("accept_suggestion", "target"), ("reason", reason)];
        let answered = web.post(&review_path(&r), &fields).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
        let goal = app.goal_row(r.goal_id).await.unwrap();
        let target = goal.target.unwrap();
        assert!((target - 9.9).abs() < 0.01, "target {target}");
        let page = web.get(&review_path(&r)).await;
        page.assert_contains(&format!("<th scope=\"row\">Target</th><td>8 → {target}</td>"))
            .assert_contains("Accepted the evaluation&#39;s suggestion");
    }
}

dual_test! {
    async fn a_bad_answer_comes_back_with_messages_beside_the_fields(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let web = WebClient::signed_in(&app, &r.ann).await;
        let before = snapshot(&app, &r).await;
        let fields = [("went_well", "Calls & visits"), ("decision", "readjust"), ("target", "nine")];
        let page = web.post(&review_path(&r), &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("The answer was not saved")
            .assert_contains("id=\"f-target-error\"")
            .assert_contains("is not a number")
            .assert_contains(">Calls &#38; visits</textarea>");
        assert_eq!(page.csrf().as_deref(), Some(web.csrf.as_str()));
        assert_eq!(snapshot(&app, &r).await, before);
    }
}

dual_test! {
    async fn an_emailed_link_used_twice_says_already_answered_and_changes_nothing(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let link = WebClient::new(&app);
        let path = format!("/review/{}", r.token);
        let first = link.post_raw(&path, &[("decision", "continue")]).await;
        assert_eq!(first.status, StatusCode::OK);
        first.assert_contains("your answer is recorded");
        assert_eq!(first.headers["referrer-policy"], "no-referrer");
        let before = snapshot(&app, &r).await;
        let second = link.post_raw(&path, &[("decision", "abandon"), ("reason", "again")]).await;
        assert_eq!(second.status, StatusCode::CONFLICT);
        second.assert_contains("already answered");
        let reopened = link.get(&path).await;
        assert_eq!(reopened.status, StatusCode::CONFLICT);
        reopened.assert_contains("already answered");
        assert_eq!(snapshot(&app, &r).await, before);
        // The signed-in page shows the link's answer.
        let web = WebClient::signed_in(&app, &r.ann).await;
        web.get(&review_path(&r)).await.assert_contains("Review answered").assert_contains("by the emailed link");
    }
}

dual_test! {
    async fn a_viewer_sees_the_review_but_cannot_answer(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let viewer = app.user("viewer@example.com", "Clinic", Role::Viewer).await;
        let web = WebClient::signed_in(&app, &viewer).await;
        let page = web.get(&review_path(&r)).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("only the team's managers and admins can answer");
        assert!(!page.body.contains("name=\"decision\""), "no form for a viewer");
        let before = snapshot(&app, &r).await;
        let refused = web.post(&review_path(&r), &[("decision", "continue")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(snapshot(&app, &r).await, before);
    }
}

dual_test! {
    async fn another_teams_review_is_404_and_a_missing_token_403(app: TestApp) {
        let r = reviewed(&app, None, "Fewer lost customers").await;
        let stranger = app.user("bob@example.com", "Other", Role::Admin).await;
        let web = WebClient::signed_in(&app, &stranger).await;
        let before = snapshot(&app, &r).await;
        assert_eq!(web.get(&review_path(&r)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(web.post(&review_path(&r), &[("decision", "continue")]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(web.get("/reviews/nonsense").await.status, StatusCode::NOT_FOUND);
        let ann = WebClient::signed_in(&app, &r.ann).await;
        assert_eq!(ann.post_raw(&review_path(&r), &[("decision", "continue")]).await.status, StatusCode::FORBIDDEN);
        let foreign = [("csrf", web.csrf.as_str()), ("decision", "continue")];
        assert_eq!(ann.post_raw(&review_path(&r), &foreign).await.status, StatusCode::FORBIDDEN);
        assert_eq!(snapshot(&app, &r).await, before);
    }
}
