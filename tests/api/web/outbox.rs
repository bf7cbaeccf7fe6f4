//! The outbox page (admins): the team's mail with its state, attempts and
//! last error, a filter by state, and retrying a failed message.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use smarter::domain::account::Role;
use smarter::entities::outbox_message as outbox;

use crate::helpers::web::WebClient;
use crate::helpers::{TestApp, dual_test};

/// A message of `team_id` in `status`, as the delivery worker leaves it.
async fn message(app: &TestApp, team_id: i32, subject: &str, status: &str) -> outbox::Model {
    let now: DateTime<Utc> = "2027-01-11T09:00:00Z".parse().unwrap();
    let failed = status == "failed";
    outbox::ActiveModel {
        message_key: Set(format!("test:{team_id}:{subject}")),
        team_id: Set(team_id),
        review_request_id: Set(None),
        kind: Set("review".into()),
        recipient: Set("ann@example.com".into()),
        subject: Set(subject.into()),
        text_body: Set("Please review".into()),
        html_body: Set("<p>Please review</p>".into()),
        review_token: Set(Some("rv_secret-token".into())),
        status: Set(status.into()),
        attempts: Set(if failed { 5 } else { 1 }),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(failed.then(|| "gave up after 5 attempts: <connection refused>".into())),
        sent_at: Set((status == "sent").then_some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
}

async fn row(app: &TestApp, id: i64) -> outbox::Model {
    outbox::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

dual_test! {
    async fn an_admin_sees_the_teams_mail_and_retries_a_failed_message(app: TestApp) {
        let root = app.user("root@example.com", "Clinic", Role::Admin).await;
        let failed = message(&app, root.team_id, "Review: Fewer lost customers", "failed").await;
        message(&app, root.team_id, "Review: More five-star reviews", "sent").await;
        let web = WebClient::signed_in(&app, &root).await;
        let page = web.get(&format!("/outbox?team={}", root.team_id)).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Fewer lost customers")
            .assert_contains("More five-star reviews")
            .assert_contains("badge failed")
            .assert_contains("&#60;connection refused&#62;")
            .assert_contains(&format!("action=\"/outbox/{}/retry\"", failed.id));
        assert!(!page.body.contains("rv_secret-token"), "the review link never shows");
        let only_failed = web.get(&format!("/outbox?team={}&state=failed", root.team_id)).await;
        assert!(only_failed.body.contains("Fewer lost customers") && !only_failed.body.contains("More five-star reviews"));
        assert_eq!(web.get(&format!("/outbox?team={}&state=lost", root.team_id)).await.status, StatusCode::BAD_REQUEST);

        let path = format!("/outbox/{}/retry", failed.id);
        let team = root.team_id.to_string();
        assert_eq!(web.post_raw(&path, &[("team", team.as_str())]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(row(&app, failed.id).await.status, "failed", "no csrf, no change");
        let retried = web.post(&path, &[("team", team.as_str())]).await;
        assert_eq!(retried.status, StatusCode::SEE_OTHER);
        let after = row(&app, failed.id).await;
        assert_eq!((after.status.as_str(), after.attempts), ("pending", 0));
        web.get(retried.location.as_deref().unwrap()).await.assert_contains("back in the queue");
        let again = web.post(&path, &[("team", team.as_str())]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        again.assert_contains("not failed");
    }
}

dual_test! {
    async fn non_admins_get_403_and_another_teams_message_is_404(app: TestApp) {
        let root = app.user("root@example.com", "Clinic", Role::Admin).await;
        let theirs = message(&app, root.team_id, "Review: Fewer lost customers", "failed").await;
        let manager = app.user("mgr@example.com", "Clinic", Role::Manager).await;
        let web = WebClient::signed_in(&app, &manager).await;
        let team = root.team_id.to_string();
        assert_eq!(web.get(&format!("/outbox?team={team}")).await.status, StatusCode::FORBIDDEN);
        let path = format!("/outbox/{}/retry", theirs.id);
        assert_eq!(web.post(&path, &[("team", team.as_str())]).await.status, StatusCode::FORBIDDEN);

        let other = app.user("bob@example.com", "Other", Role::Admin).await;
        let web = WebClient::signed_in(&app, &other).await;
        let own = other.team_id.to_string();
        assert_eq!(web.post(&path, &[("team", own.as_str())]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(web.post(&path, &[("team", team.as_str())]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(web.get(&format!("/outbox?team={team}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(row(&app, theirs.id).await.status, "failed");
    }
}
