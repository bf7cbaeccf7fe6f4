//! First-run setup, login, logout, sessions, CSRF and the security headers.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, PaginatorTrait};
use smarter::domain::account::Role;
use smarter::entities::{login_failure, team, user, web_session};

use crate::helpers::web::{PASSWORD, Page, WebClient};
use crate::helpers::{Backend, TestApp, dual_test};

async fn count_users(app: &TestApp) -> u64 {
    user::Entity::find().count(&app.db).await.unwrap()
}

pub(super) async fn count_sessions(app: &TestApp) -> u64 {
    web_session::Entity::find().count(&app.db).await.unwrap()
}

pub(super) fn set_cookies(page: &Page) -> Vec<String> {
    page.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// Posts the setup form with the token the setup page gave.
async fn post_setup(web: &WebClient, fields: &[(&str, &str)]) -> Page {
    let form = web.get("/setup").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = form.csrf().expect("the setup form has a token");
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    web.post_raw("/setup", &all).await
}

const SETUP: [(&str, &str); 5] = [
    ("team", "Smile Dental Clinic"),
    ("name", "Ada Admin"),
    ("email", "ada@example.com"),
    ("password", "a long enough password"),
    ("password_again", "a long enough password"),
];

dual_test! {
    async fn first_run_setup_creates_the_admin_once_and_signs_in(app: TestApp) {
        let web = WebClient::new(&app);
        let start = web.get("/").await;
        assert_eq!(start.status, StatusCode::SEE_OTHER);
        assert_eq!(start.location.as_deref(), Some("/setup"));
        let login = web.get("/login").await;
        assert_eq!(login.location.as_deref(), Some("/setup"), "no login before setup");

        let done = post_setup(&web, &SETUP).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.location.as_deref(), Some("/goals"));
        let cookie = set_cookies(&done)
            .into_iter()
            .find(|c| c.starts_with("smarter_session="))
            .expect("a session cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain http has no Secure cookie: {cookie}");

        let admin = smarter::store::accounts::find_user_by_email(&app.db, "ada@example.com")
            .await
            .unwrap()
            .expect("the admin exists");
        let caller = smarter::store::accounts::caller_for_user(&app.db, admin).await.unwrap();
        assert_eq!(caller.memberships.len(), 1);
        assert_eq!(caller.memberships[0].role, Role::Admin);
        let teams = team::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(teams.len(), 1);
        assert_eq!(teams[0].name, "Smile Dental Clinic");

        // The page is gone, for everyone.
        let again = WebClient::new(&app);
        let page = again.get("/setup").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let page = post_setup_without_form(&again).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert_eq!(count_users(&app).await, 1);
        assert_eq!(again.get("/").await.location.as_deref(), Some("/goals"));
    }
}

/// A setup post after setup is over: the login page's token is reused.
async fn post_setup_without_form(web: &WebClient) -> Page {
    let login = web.get("/login").await;
    let token = login.csrf().expect("a login token");
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(&SETUP);
    web.post_raw("/setup", &all).await
}

#[tokio::test]
async fn an_invalid_setup_form_comes_back_with_messages_and_creates_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let web = WebClient::new(&app);
    let page = post_setup(
        &web,
        &[
            ("team", "<script>alert(1)</script>"),
            ("name", ""),
            ("email", "not an email"),
            ("password", "short"),
            ("password_again", "different"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "email", "password", "password_again"] {
        page.assert_contains(&format!("id=\"{field}-error\""));
    }
    page.assert_contains("the two passwords differ");
    page.assert_contains("value=\"&#60;script&#62;alert(1)&#60;/script&#62;\"");
    assert!(!page.body.contains("<script>"), "user text is escaped");
    assert!(
        !page.body.contains("value=\"short\""),
        "passwords are never echoed"
    );
    assert_eq!(count_users(&app).await, 0);
    assert_eq!(team::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn setup_without_its_csrf_token_is_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let web = WebClient::new(&app);
    let _ = web.get("/setup").await;
    let page = web.post_raw("/setup", &SETUP).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let mut forged = vec![("csrf", "0123456789abcdef0123456789abcdef0123")];
    forged.extend_from_slice(&SETUP);
    let page = web.post_raw("/setup", &forged).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(count_users(&app).await, 0);
}

dual_test! {
    async fn wrong_passwords_and_unknown_emails_get_the_same_answer(app: TestApp) {
        app.user("mia@example.com", "Clinic", Role::Manager).await;
        let web = WebClient::new(&app);
        let wrong = web.login("mia@example.com", "not the password").await;
        let unknown = web.login("nobody@example.com", PASSWORD).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        wrong.assert_contains("The email or the password is wrong.");
        unknown.assert_contains("The email or the password is wrong.");
        wrong.assert_contains("value=\"mia@example.com\"");
        assert_eq!(count_sessions(&app).await, 0);
        assert!(set_cookies(&wrong).iter().all(|c| !c.starts_with("smarter_session=")));
    }
}

dual_test! {
    async fn the_eleventh_failed_login_waits_even_with_the_right_password(app: TestApp) {
        app.user("mia@example.com", "Clinic", Role::Manager).await;
        let other = app.user("leo@example.com", "Clinic", Role::Manager).await;
        let web = WebClient::new(&app);
        for _ in 0..10 {
            let page = web.login("Mia@Example.com", "wrong password!").await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        }
        let page = web.login("mia@example.com", PASSWORD).await;
        assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
        page.assert_contains("Too many failed logins");
        assert_eq!(count_sessions(&app).await, 0);
        // Another account is not held back.
        let page = web.login(&other.email, PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);

        // The failures age out of the window.
        login_failure::Entity::update_many()
            .col_expr(login_failure::Column::FailedAt, Expr::value(Utc::now() - Duration::minutes(16)))
            .exec(&app.db)
            .await
            .unwrap();
        let page = web.login("mia@example.com", PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(login_failure::Entity::find().count(&app.db).await.unwrap(), 0, "success clears them");
    }
}

#[tokio::test]
async fn login_goes_back_to_the_page_asked_for_but_never_off_the_site() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let mia = app.user("mia@example.com", "Clinic", Role::Manager).await;
    let web = WebClient::new(&app);
    let page = web.get("/login?next=/goals/7").await;
    page.assert_contains("name=\"next\" value=\"/goals/7\"");
    for (next, expected) in [
        ("/goals/7", "/goals/7"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
    ] {
        let token = web.get("/login").await.csrf().unwrap();
        let page = web
            .post_raw(
                "/login",
                &[
                    ("csrf", &token),
                    ("email", &mia.email),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(page.location.as_deref(), Some(expected), "next={next}");
    }
}

dual_test! {
    async fn forms_without_the_sessions_own_csrf_token_are_refused(app: TestApp) {
        let mia = app.user("mia@example.com", "Clinic", Role::Manager).await;
        let leo = app.user("leo@example.com", "Clinic", Role::Manager).await;
        let web = WebClient::signed_in(&app, &mia).await;
        let other = WebClient::signed_in(&app, &leo).await;

        let missing = web.post_raw("/logout", &[]).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN);
        missing.assert_contains("reload the page");
        let foreign = web.post_raw("/logout", &[("csrf", &other.csrf)]).await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        assert_eq!(count_sessions(&app).await, 2, "nothing changed");

        let ok = web.post("/logout", &[]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        assert_eq!(count_sessions(&app).await, 1);
    }
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let web = WebClient::new(&app);
    for path in ["/setup", "/login", "/static/style.css"] {
        let page = web.get(path).await;
        let header = |name: &str| {
            page.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let csp = header("content-security-policy");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("script-src"),
            "{path}: {csp}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
    }
    let page = web.get("/setup").await;
    assert!(!page.body.contains("<script") && !page.body.contains("style=\""));
}
