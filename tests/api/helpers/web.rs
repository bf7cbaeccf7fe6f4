//! A browser-like client for the HTML pages: a cookie jar, no automatic
//! redirects, and the session's CSRF token added to every form.

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

use super::{TestApp, TestUser};

/// The password `TestApp::user` gives every user.
pub const PASSWORD: &str = "correct horse battery";

/// A browser with its own cookies, signed in or not.
pub struct WebClient {
    pub client: Client,
    pub address: String,
    /// The session's CSRF token, once signed in.
    pub csrf: String,
}

/// A page as the browser got it.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    async fn of(response: Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.text().await.expect("body read");
        Page {
            status,
            location,
            headers,
            body,
        }
    }

    /// Panics unless the body contains `text`.
    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(
            self.body.contains(text),
            "expected {text:?} in the page ({}):\n{}",
            self.status,
            self.body
        );
        self
    }

    /// The value of the first hidden `csrf` field of the page.
    pub fn csrf(&self) -> Option<String> {
        csrf_in(&self.body)
    }
}

/// The value of the first `name="csrf"` input in an HTML page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\"")?;
    let rest = &html[at..];
    let value = rest.find("value=\"")? + "value=\"".len();
    let end = rest[value..].find('"')?;
    Some(rest[value..value + end].to_string())
}

impl WebClient {
    /// A browser that has visited nothing yet.
    pub fn new(app: &TestApp) -> WebClient {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client builds");
        WebClient {
            client,
            address: app.address.clone(),
            csrf: String::new(),
        }
    }

    /// A browser signed in as `user` (whose password is `PASSWORD`).
    pub async fn signed_in(app: &TestApp, user: &TestUser) -> WebClient {
        let mut web = WebClient::new(app);
        let page = web.login(&user.email, PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        web.csrf = newest_session_csrf(app, user.id).await;
        web
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::of(
            self.client
                .get(self.url(path))
                .send()
                .await
                .expect("request sent"),
        )
        .await
    }

    /// Posts a form as it is, without adding a token.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        Page::of(
            self.client
                .post(self.url(path))
                .form(fields)
                .send()
                .await
                .expect("request sent"),
        )
        .await
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Logs in through the login form.
    pub async fn login(&self, email: &str, password: &str) -> Page {
        let form = self.get("/login").await;
        let token = form.csrf().expect("the login form has a token");
        self.post_raw(
            "/login",
            &[("csrf", &token), ("email", email), ("password", password)],
        )
        .await
    }
}

/// The CSRF token of a user's newest session, read from the database.
pub async fn newest_session_csrf(app: &TestApp, user_id: i32) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    use smarter::entities::web_session;
    web_session::Entity::find()
        .filter(web_session::Column::UserId.eq(user_id))
        .order_by_desc(web_session::Column::CreatedAt)
        .one(&app.db)
        .await
        .expect("sessions read")
        .expect("the user has a session")
        .csrf_token
}
