//! The API tokens page: a new token is shown once, works as a bearer token,
//! and stops working when revoked.

use reqwest::StatusCode;
use smarter::domain::account::Role;

use crate::helpers::dual_test;
use crate::helpers::web::WebClient;

/// The token shown on a creation page.
fn secret_in(body: &str) -> Option<String> {
    let at = body.find("id=\"new-token\"")?;
    let rest = &body[at..];
    let value = rest.find("value=\"")? + "value=\"".len();
    let end = rest[value..].find('"')?;
    Some(rest[value..value + end].to_string())
}

dual_test! {
    async fn a_new_token_is_shown_once_and_works_until_revoked(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        let web = WebClient::signed_in(&app, &ann).await;
        let list = web.get("/account/tokens").await;
        assert_eq!(list.status, StatusCode::OK);
        list.assert_contains("ann@example.com").assert_contains("tests");

        let created = web.post("/account/tokens", &[("name", "nightly import")]).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        created.assert_contains("Copy it now");
        let secret = secret_in(&created.body).expect("the token is on the page");
        assert!(secret.starts_with("smt_"));
        assert!(created.location.is_none(), "no redirect carries the secret");

        let again = web.get("/account/tokens").await;
        again.assert_contains("nightly import");
        assert!(!again.body.contains(&secret), "the secret is never shown again");
        assert!(secret_in(&again.body).is_none());

        let me = app.get("/api/v1/me", &secret).await;
        assert_eq!(me.status(), StatusCode::OK);

        let id = {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            smarter::entities::api_token::Entity::find()
                .filter(smarter::entities::api_token::Column::Name.eq("nightly import"))
                .one(&app.db).await.unwrap().unwrap().id
        };
        let path = format!("/account/tokens/{id}/revoke");
        assert_eq!(web.post_raw(&path, &[]).await.status, StatusCode::FORBIDDEN, "no csrf, no change");
        assert_eq!(app.get("/api/v1/me", &secret).await.status(), StatusCode::OK);
        let revoked = web.post(&path, &[]).await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER);
        web.get(revoked.location.as_deref().unwrap()).await.assert_contains("was revoked").assert_contains("badge revoked");
        assert_eq!(app.get("/api/v1/me", &secret).await.status(), StatusCode::UNAUTHORIZED);
    }
}

dual_test! {
    async fn tokens_need_a_name_and_others_tokens_cannot_be_revoked(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let bob = app.user("bob@example.com", "Clinic", Role::Admin).await;
        let web = WebClient::signed_in(&app, &ann).await;
        let before = app.count("api_tokens").await;
        let page = web.post("/account/tokens", &[("name", "  ")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("id=\"token-name-error\"").assert_contains("must not be empty");
        let page = web.post("/account/tokens", &[("name", "<script>alert(1)</script>")]).await;
        assert_eq!(page.status, StatusCode::CREATED);
        page.assert_contains("&#60;script&#62;alert(1)&#60;/script&#62;");
        assert!(!page.body.contains("<script>"));
        assert_eq!(app.count("api_tokens").await, before + 1);

        let bobs = {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            smarter::entities::api_token::Entity::find()
                .filter(smarter::entities::api_token::Column::UserId.eq(bob.id))
                .one(&app.db).await.unwrap().unwrap().id
        };
        let refused = web.post(&format!("/account/tokens/{bobs}/revoke"), &[]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/me", &bob.token).await.status(), StatusCode::OK);
        let foreign = WebClient::signed_in(&app, &bob).await;
        let stolen = web.post_raw("/account/tokens", &[("csrf", foreign.csrf.as_str()), ("name", "x")]).await;
        assert_eq!(stolen.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("api_tokens").await, before + 1);
    }
}
