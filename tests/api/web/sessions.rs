//! Browser sessions: a new id at every login, logout, idle and absolute
//! ends, the purge of ended sessions, and the cookie over HTTPS.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use sea_orm::sea_query::Expr;
use smarter::domain::account::Role;
use smarter::entities::web_session;

use super::auth::{count_sessions, set_cookies};
use crate::helpers::web::{PASSWORD, WebClient, newest_session_csrf};
use crate::helpers::{Backend, TestApp, dual_test};

dual_test! {
    async fn login_changes_the_session_id_and_logout_ends_it(app: TestApp) {
        let mia = app.user("mia@example.com", "Clinic", Role::Manager).await;
        let mut web = WebClient::signed_in(&app, &mia).await;
        let first = web_session::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(first.len(), 1);

        // Logging in again from the same browser replaces the session.
        let page = web.login(&mia.email, PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let second = web_session::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(second.len(), 1);
        assert_ne!(first[0].id, second[0].id);
        assert_ne!(first[0].csrf_token, second[0].csrf_token);
        web.csrf = newest_session_csrf(&app, mia.id).await;

        let out = web.post("/logout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(out.location.as_deref(), Some("/login"));
        assert!(set_cookies(&out).iter().any(|c| c.starts_with("smarter_session=;") && c.contains("Max-Age=0")));
        assert_eq!(count_sessions(&app).await, 0);
    }
}

dual_test! {
    async fn an_expired_session_leads_back_to_login(app: TestApp) {
        let mia = app.user("mia@example.com", "Clinic", Role::Manager).await;
        let web = WebClient::signed_in(&app, &mia).await;
        web_session::Entity::update_many()
            .col_expr(web_session::Column::LastSeenAt, Expr::value(Utc::now() - Duration::hours(13)))
            .exec(&app.db)
            .await
            .unwrap();
        let page = web.post("/logout", &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location.as_deref(), Some("/login"));
        assert_eq!(count_sessions(&app).await, 0, "an expired session is removed when seen");
    }
}

#[tokio::test]
async fn a_session_past_its_absolute_end_is_over_however_active() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let mia = app.user("mia@example.com", "Clinic", Role::Manager).await;
    let web = WebClient::signed_in(&app, &mia).await;
    web_session::Entity::update_many()
        .col_expr(
            web_session::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let page = web.post("/logout", &[]).await;
    assert_eq!(page.location.as_deref(), Some("/login"));
}

#[tokio::test]
async fn over_https_the_session_cookie_is_secure_and_host_bound() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.base_url = "https://smarter.example.com/".parse().unwrap();
    })
    .await
    .unwrap();
    let mia = app.user("mia@example.com", "Clinic", Role::Manager).await;
    // A client without a cookie jar, which would keep Secure cookies off http.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(app.url("/login")).send().await.unwrap();
    let csrf_cookie = form.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        csrf_cookie.contains("SameSite=Strict") && csrf_cookie.ends_with("; Secure"),
        "{csrf_cookie}"
    );
    let pair = csrf_cookie.split(';').next().unwrap().to_string();
    let token = pair.trim_start_matches("smarter_csrf=").to_string();
    let done = client
        .post(app.url("/login"))
        .header("cookie", &pair)
        .form(&[
            ("csrf", token.as_str()),
            ("email", &mia.email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let session = done.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(session.starts_with("__Host-smarter_session="), "{session}");
    assert!(
        session.contains("Path=/; HttpOnly; SameSite=Lax") && session.ends_with("; Secure"),
        "{session}"
    );
    assert!(!session.contains("Domain"), "{session}");

    // The prefixed cookie is the one read back; the plain name is ignored.
    let value = session
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("__Host-smarter_session=");
    let csrf = newest_session_csrf(&app, mia.id).await;
    for (cookie, expected) in [
        (format!("smarter_session={value}"), "/login"),
        (format!("__Host-smarter_session={value}"), "/login"),
    ] {
        let out = client
            .post(app.url("/logout"))
            .header("cookie", cookie)
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(out.headers()["location"], expected);
    }
    assert_eq!(
        count_sessions(&app).await,
        0,
        "the second logout ended the session"
    );
}

dual_test! {
    async fn ended_sessions_are_purged_and_live_ones_kept(app: TestApp) {
        use smarter::store::web_sessions::{SessionPolicy, create, purge_ended};
        let mia = app.user("mia@example.com", "Clinic", Role::Manager).await;
        let policy = SessionPolicy {
            idle: Duration::hours(12),
            absolute: Duration::days(7),
        };
        let now = Utc::now();
        create(&app.db, mia.id, policy, now - Duration::days(8)).await.unwrap();
        create(&app.db, mia.id, policy, now - Duration::hours(13)).await.unwrap();
        let live = create(&app.db, mia.id, policy, now - Duration::hours(1)).await.unwrap();
        assert_eq!(purge_ended(&app.db, policy, now).await.unwrap(), 2);
        let left = web_session::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].id, smarter::store::tokens::hash_token(&live));
    }
}
