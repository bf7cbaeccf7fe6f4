//! Spawning the app on a fresh database, and one helper per endpoint.

#![allow(dead_code)]

use chrono::Utc;
use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};
use smarter::config::Config;
use smarter::domain::account::{NewUser, Role};
use smarter::store::{accounts, db, tokens};

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "SMARTER_TEST_POSTGRES_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running service over its own database.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub db: DatabaseConnection,
    pub backend: Backend,
    pub database_url: String,
    _dir: tempfile::TempDir,
    postgres: Option<PostgresDb>,
}

/// A signed-up user with an API token and a team.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: i32,
    pub email: String,
    pub token: String,
    pub team_id: i32,
}

/// A fresh database; `None` when the backend is PostgreSQL and no server is configured.
pub async fn fresh_database(
    backend: Backend,
) -> Option<(String, tempfile::TempDir, Option<PostgresDb>)> {
    let dir = tempfile::tempdir().expect("temp dir");
    match backend {
        Backend::Sqlite => {
            let url = format!("sqlite://{}", dir.path().join("smarter.db").display());
            Some((url, dir, None))
        }
        Backend::Postgres => {
            let server = std::env::var(POSTGRES_ENV).ok()?;
            let pg = PostgresDb::create(&server).await;
            Some((pg.url.clone(), dir, Some(pg)))
        }
    }
}

impl TestApp {
    /// Starts the service on a random port; `None` when the backend is unavailable.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like `spawn`, with a chance to change the configuration first.
    pub async fn spawn_with(
        backend: Backend,
        configure: impl FnOnce(&mut Config),
    ) -> Option<TestApp> {
        let (url, dir, postgres) = fresh_database(backend).await?;
        let mut config = Config::new(url.clone(), "127.0.0.1:0".parse().unwrap());
        configure(&mut config);
        let (address, db) = serve::serve(config).await;
        Some(TestApp {
            address,
            client: Client::new(),
            db,
            backend,
            database_url: url,
            _dir: dir,
            postgres,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Creates a user in `team` (created if new) with a role and an API token.
    pub async fn user(&self, email: &str, team: &str, role: Role) -> TestUser {
        let new = NewUser::parse(email, "Test User", "correct horse battery").unwrap();
        let (user, team) = match accounts::create_user(&self.db, new, team, role, Utc::now()).await
        {
            Ok(created) => created,
            Err(e) => panic!("cannot create {email}: {e}"),
        };
        let (_, token) = tokens::create_token(&self.db, user.id, "tests", Utc::now())
            .await
            .unwrap();
        TestUser {
            id: user.id,
            email: user.email,
            token,
            team_id: team.id,
        }
    }

    /// Adds an existing user to another team.
    pub async fn join(&self, user: &TestUser, team: &str, role: Role) -> i32 {
        let team = accounts::find_or_create_team(&self.db, team, Utc::now())
            .await
            .unwrap();
        accounts::add_member(&self.db, user.id, team.id, role, Utc::now())
            .await
            .unwrap();
        team.id
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/merge-patch+json")
            .body(body.to_string())
            .send()
            .await
            .expect("request sent")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// Sends raw bytes as JSON (for malformed bodies).
    pub async fn post_raw(&self, path: &str, token: &str, body: &str) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request sent")
    }

    /// Creates a goal and returns its JSON; panics unless 201.
    pub async fn create_goal(&self, user: &TestUser, body: &Value) -> Value {
        let response = self.post("/api/v1/goals", &user.token, body).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
        response.json().await.unwrap()
    }

    /// The stored goal, straight from the database, to prove nothing changed.
    pub async fn goal_row(&self, id: i64) -> Option<smarter::entities::goal::Model> {
        use sea_orm::EntityTrait;
        smarter::entities::goal::Entity::find_by_id(id as i32)
            .one(&self.db)
            .await
            .unwrap()
    }

    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

/// A goal body that meets every SMART criterion, for `team_id`.
pub fn complete_goal(team_id: i32) -> Value {
    json!({
        "team_id": team_id,
        "title": "Fewer lost customers",
        "status": "active",
        "specific": {
            "what": "Call every customer who has not ordered in 60 days",
            "why": "Churn eats the growth we pay for in marketing"
        },
        "measurable": {
            "metric": "churn_rate",
            "baseline": 12.0,
            "target": 8.0,
            "milestones": [{"date": "2099-03-01", "target": 10.0, "note": "halfway"}]
        },
        "achievable": {"resources": "Two hours a day of reception time"},
        "relevant": {"strategy": "Retention first", "journey_stage": "retention"},
        "time_bound": {"start": "2099-01-01", "deadline": "2099-06-30"},
        "review": {"cadence": "weekly", "timezone": "Europe/Warsaw", "reviewers": ["lead@example.com"]}
    })
}

/// Reads a problem response and checks its status and content type.
pub async fn problem(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status.as_u16());
    body
}

/// The pointers of a problem's field errors.
pub fn pointers(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap().to_string())
        .collect()
}

/// A database of its own on the PostgreSQL server, dropped with the test.
pub struct PostgresDb {
    server: String,
    name: String,
    pub url: String,
}

impl PostgresDb {
    async fn create(server: &str) -> PostgresDb {
        let name = format!("smarter_test_{}", uuid::Uuid::new_v4().simple());
        let admin = db::connect(server)
            .await
            .expect("PostgreSQL for tests is reachable");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("can create a test database");
        admin.close().await.ok();
        let mut url = url::Url::parse(server).expect("SMARTER_TEST_POSTGRES_URL is a URL");
        url.set_path(&name);
        PostgresDb {
            server: server.to_string(),
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime; use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(admin) = db::connect(&server).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
macro_rules! dual_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident: TestApp) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::helpers::TestApp) $body

            #[tokio::test]
            async fn sqlite() {
                run($crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await.unwrap()).await;
            }

            #[tokio::test]
            async fn postgres() {
                match $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await {
                    Some(app) => run(app).await,
                    None => eprintln!("skipped: set {} to run on PostgreSQL", $crate::helpers::POSTGRES_ENV),
                }
            }
        }
    };
}

pub(crate) use dual_test;

mod more_requests;
#[path = "../common/serve.rs"]
mod serve;
pub mod web;
