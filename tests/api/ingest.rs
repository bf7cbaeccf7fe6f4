//! Ingestion of raw CX data (orders, reviews, survey responses) through the
//! JSON API, CSV uploads and the CLI: what is stored, what is counted, and
//! how every kind of bad input is refused with nothing stored.

mod access;
mod bad_rows;
mod csv;
mod csv_bad_input;
mod examples;
mod json;

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use smarter::domain::account::Role;

use crate::helpers::{TestApp, TestUser, problem};

/// The event tables, in the order `stored` counts them.
pub const TABLES: [&str; 3] = ["orders", "reviews", "survey_responses"];

/// A manager of the team "Smile Dental Clinic".
pub async fn manager(app: &TestApp) -> TestUser {
    app.user("ann@example.com", "Smile Dental Clinic", Role::Manager)
        .await
}

/// Rows in the orders, reviews and survey_responses tables.
pub async fn stored(app: &TestApp) -> [i64; 3] {
    let mut counts = [0; 3];
    for (count, table) in counts.iter_mut().zip(TABLES) {
        *count = app.count(table).await;
    }
    counts
}

pub fn events_path(kind: &str, team_id: i32) -> String {
    format!("/api/v1/events/{kind}?team={team_id}")
}

pub fn imports_path(kind: &str, team_id: i32) -> String {
    format!("/api/v1/imports/{kind}?team={team_id}")
}

/// Posts a JSON batch of `kind` for the user's team.
pub async fn send(app: &TestApp, user: &TestUser, kind: &str, items: &Value) -> Response {
    app.post(&events_path(kind, user.team_id), &user.token, items)
        .await
}

/// Posts a JSON batch that must be accepted; returns the report.
pub async fn send_ok(app: &TestApp, user: &TestUser, kind: &str, items: &Value) -> Value {
    accepted(send(app, user, kind, items).await).await
}

/// Uploads a CSV file of `kind` for the user's team.
pub async fn import(
    app: &TestApp,
    user: &TestUser,
    kind: &str,
    csv: impl Into<reqwest::Body>,
) -> Response {
    app.post_body(
        &imports_path(kind, user.team_id),
        &user.token,
        "text/csv",
        csv,
        &[],
    )
    .await
}

/// Uploads a CSV file that must be accepted; returns the report.
pub async fn import_ok(
    app: &TestApp,
    user: &TestUser,
    kind: &str,
    csv: impl Into<reqwest::Body>,
) -> Value {
    accepted(import(app, user, kind, csv).await).await
}

/// The report of an accepted batch.
pub async fn accepted(response: Response) -> Value {
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// `(new, updated, unchanged)` of a report.
pub fn counts(report: &Value) -> (u64, u64, u64) {
    let n = |key: &str| report[key].as_u64().unwrap_or_else(|| panic!("{report}"));
    (n("new"), n("updated"), n("unchanged"))
}

/// A refused batch: a 422 problem listing its bad rows.
pub async fn rejected(response: Response) -> Value {
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem["rows"].is_array(), "{problem}");
    assert!(problem["total_errors"].as_u64().unwrap() > 0, "{problem}");
    problem
}

/// The `(row, column)` of every row error of a problem.
pub fn rows(problem: &Value) -> Vec<(u64, Option<String>)> {
    problem["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// Asserts that the problem has an error at `row` and `column` whose message
/// contains `fragment`.
pub fn assert_row_error(problem: &Value, row: u64, column: Option<&str>, fragment: &str) {
    let found = problem["rows"].as_array().unwrap().iter().any(|e| {
        e["row"].as_u64() == Some(row)
            && e["column"].as_str() == column
            && e["message"].as_str().unwrap().contains(fragment)
    });
    assert!(
        found,
        "no error at row {row}, column {column:?} saying \"{fragment}\" in {problem:#}"
    );
}

pub fn order(id: &str, customer: &str, at: &str, amount: f64) -> Value {
    json!({"order_id": id, "customer_id": customer, "ordered_at": at, "amount": amount, "channel": "phone"})
}

pub fn review(id: &str, rating: i64) -> Value {
    json!({"review_id": id, "customer_id": "p001", "rating": rating, "source": "google",
           "reviewed_at": "2026-05-04T10:30:00+02:00", "text": "Friendly reception"})
}

pub fn survey(id: &str, kind: &str, score: i64) -> Value {
    json!({"response_id": id, "customer_id": "p001", "kind": kind, "score": score,
           "responded_at": "2026-05-04T10:30:00Z", "touchpoint": "reception"})
}

/// A valid item of `kind`.
pub fn good(kind: &str, id: &str) -> Value {
    match kind {
        "orders" => order(id, "p001", "2026-05-04", 120.0),
        "reviews" => review(id, 5),
        "surveys" => survey(id, "nps", 9),
        other => panic!("no such kind {other}"),
    }
}
