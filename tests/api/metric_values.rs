//! Built-in metrics computed from raw events (`/metrics/{key}/value` and
//! `/series`), their filters and settings, and custom metrics answered from
//! observations. Events are inserted with SQL, as ingestion stores them.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value as DbValue};
use serde_json::{Value, json};
use smarter::domain::events::parse_timestamp;

use crate::helpers::{TestApp, TestUser, problem};

mod bad_params;
mod customers;
mod responses;
mod series;

/// Writes events of one team straight into the event tables.
pub struct Events<'a> {
    pub app: &'a TestApp,
    pub team: i32,
}

impl Events<'_> {
    async fn insert(&self, table: &str, columns: &[&str], values: Vec<DbValue>) {
        let backend = self.app.db.get_database_backend();
        let placeholders: Vec<String> = (1..=columns.len())
            .map(|n| match backend {
                DbBackend::Postgres => format!("${n}"),
                _ => "?".to_string(),
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} (team_id, batch_id, {}) VALUES ({}, 0, {})",
            columns.join(", "),
            self.team,
            placeholders.join(", ")
        );
        self.app
            .db
            .execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await
            .unwrap();
    }

    fn id() -> String {
        uuid::Uuid::new_v4().simple().to_string()
    }

    /// An order of `customer` at `at` (RFC 3339 or a date).
    pub async fn order(
        &self,
        customer: &str,
        at: &str,
        channel: Option<&str>,
        referred_by: Option<&str>,
    ) {
        self.insert(
            "orders",
            &[
                "order_id",
                "customer_id",
                "ordered_at",
                "amount",
                "channel",
                "referred_by",
            ],
            vec![
                Self::id().into(),
                customer.into(),
                ms(at).into(),
                25.0f64.into(),
                channel.map(str::to_string).into(),
                referred_by.map(str::to_string).into(),
            ],
        )
        .await;
    }

    /// Survey answers of one kind, all at `at`.
    pub async fn surveys(&self, kind: &str, scores: &[i16], at: &str, touchpoint: Option<&str>) {
        for &score in scores {
            self.insert(
                "survey_responses",
                &["response_id", "kind", "score", "responded_at", "touchpoint"],
                vec![
                    Self::id().into(),
                    kind.into(),
                    score.into(),
                    ms(at).into(),
                    touchpoint.map(str::to_string).into(),
                ],
            )
            .await;
        }
    }

    /// Reviews from `source`, all at `at`.
    pub async fn reviews(&self, ratings: &[i16], source: &str, at: &str) {
        for &rating in ratings {
            self.insert(
                "reviews",
                &["review_id", "rating", "source", "reviewed_at"],
                vec![
                    Self::id().into(),
                    rating.into(),
                    source.into(),
                    ms(at).into(),
                ],
            )
            .await;
        }
    }
}

pub fn ms(at: &str) -> i64 {
    parse_timestamp(at).unwrap()
}

/// `n` copies of `score`.
pub fn times(score: i16, n: usize) -> Vec<i16> {
    vec![score; n]
}

/// GETs a path and returns the JSON body; panics unless 200.
pub async fn get_ok(app: &TestApp, user: &TestUser, path: &str) -> Value {
    let response = app.get(path, &user.token).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// The value of `key` for the user's team; `query` adds from, to and filters.
pub async fn value(app: &TestApp, user: &TestUser, key: &str, query: &str) -> Value {
    let path = format!("/api/v1/metrics/{key}/value?team={}&{query}", user.team_id);
    get_ok(app, user, &path).await
}

/// The series of `key` for the user's team; `query` adds from, to, bucket and filters.
pub async fn series(app: &TestApp, user: &TestUser, key: &str, query: &str) -> Value {
    let path = format!("/api/v1/metrics/{key}/series?team={}&{query}", user.team_id);
    get_ok(app, user, &path).await
}

/// Point `j` of a series.
pub fn point(body: &Value, j: usize) -> &Value {
    &body["points"][j]
}

/// A GET that must fail with `status`; returns the problem document.
pub async fn get_problem(app: &TestApp, user: &TestUser, path: &str, status: StatusCode) -> Value {
    problem(app.get(path, &user.token).await, status).await
}

/// Sets the team's minimum sample for a metric.
pub async fn set_min_sample(app: &TestApp, user: &TestUser, key: &str, min_sample: i64) {
    let body = json!({"team_id": user.team_id, "min_sample": min_sample});
    let response = app
        .put(
            &format!("/api/v1/metrics/{key}/settings"),
            &user.token,
            &body,
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
}

/// Asserts a JSON number is `expected` to within 1e-6.
#[track_caller]
pub fn approx(actual: &Value, expected: f64) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{actual} is not a number"));
    assert!(
        (actual - expected).abs() < 1e-6,
        "{actual} is not {expected}"
    );
}

/// Asserts an answer is `ok` with `value` resting on `n`.
#[track_caller]
pub fn assert_ok(body: &Value, expected: f64, n: i64) {
    assert_eq!(body["status"], "ok", "{body}");
    approx(&body["value"], expected);
    assert_eq!(body["n"], n, "{body}");
}

/// Asserts an answer is `insufficient_data` with `n` and no value.
#[track_caller]
pub fn assert_insufficient(body: &Value, n: i64) {
    assert_eq!(body["status"], "insufficient_data", "{body}");
    assert!(body["value"].is_null(), "{body}");
    assert_eq!(body["n"], n, "{body}");
}
