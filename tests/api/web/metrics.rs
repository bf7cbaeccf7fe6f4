//! The metric pages: the catalog with honest values, one metric's chart
//! with its sample sizes, filters and formula, its CSV, bad parameters,
//! and custom metrics with their observations.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;
use smarter::domain::account::Role;

use crate::helpers::web::WebClient;
use crate::helpers::{TestApp, TestUser, dual_test};
use crate::metric_values::{Events, times};

const XSS: &str = "<script>alert(1)</script>";

/// A time `days` ago, as RFC 3339.
fn days_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339()
}

async fn manager(app: &TestApp) -> (TestUser, WebClient) {
    let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
    let web = WebClient::signed_in(app, &ann).await;
    (ann, web)
}

async fn create_custom(app: &TestApp, user: &TestUser, key: &str, name: &str) {
    let body = json!({"team_id": user.team_id, "key": key, "name": name, "unit": "percent", "better": "lower"});
    let response = app.post("/api/v1/metrics", &user.token, &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

dual_test! {
    async fn catalog_shows_values_and_insufficient_data_honestly(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let events = Events { app: &app, team: ann.team_id };
        events.surveys("nps", &times(10, 30), &days_ago(3), None).await;
        events.surveys("csat", &[5, 4, 2], &days_ago(2), None).await;
        create_custom(&app, &ann, "no_show_rate", XSS).await;

        let page = web.get(&format!("/metrics?team={}", ann.team_id)).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Net Promoter Score")
            .assert_contains(">100<")
            .assert_contains("insufficient data (n = 3, needs 30)")
            .assert_contains("<svg class=\"sparkline\"")
            .assert_contains("lower is better")
            .assert_contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            .assert_contains("href=\"/metrics/no_show_rate?team=");
        assert!(!page.body.contains(XSS));
        for key in ["nps", "csat", "ces", "avg_rating", "positive_review_share", "review_count",
            "repeat_purchase_rate", "returning_customer_rate", "churn_rate", "referral_rate"] {
            page.assert_contains(&format!("href=\"/metrics/{key}?team={}\"", ann.team_id));
        }
    }
}

dual_test! {
    async fn metric_page_has_chart_sample_sizes_filters_and_formula(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let events = Events { app: &app, team: ann.team_id };
        events.surveys("nps", &times(9, 20), "2026-03-03T10:00:00Z", Some("phone")).await;
        events.surveys("nps", &times(0, 10), "2026-03-04T10:00:00Z", Some("web form")).await;
        events.surveys("nps", &times(10, 31), "2026-03-10T10:00:00Z", Some("phone")).await;

        let path = format!("/metrics/nps?team={}&bucket=week&from=2026-03-02&to=2026-03-23", ann.team_id);
        let page = web.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.assert_contains("Last 30 days: <strong>insufficient data (n = 0, needs 30)</strong>")
            .assert_contains("<svg class=\"chart\"")
            .assert_contains("week of 2026-03-02")
            .assert_contains("<td class=\"num\">30</td>")
            .assert_contains("<td class=\"num\">31</td>")
            .assert_contains("insufficient data (n = 0, needs 30)")
            .assert_contains("name=\"touchpoint\"")
            .assert_contains("promoters (answers 9-10) minus detractors (answers 0-6)")
            .assert_contains("all NPS answers in the period")
            .assert_contains("at least 30 NPS answers")
            .assert_contains("higher is better")
            .assert_contains("/metrics/nps/series.csv?team=");
        assert!(!page.body.contains("name=\"source\""));
        assert!(!page.body.contains("name=\"channel\""));

        let filtered = web.get(&format!("{path}&touchpoint=phone")).await;
        assert_eq!(filtered.status, StatusCode::OK);
        filtered.assert_contains("<td class=\"num\">20</td>").assert_contains("value=\"phone\"");
    }
}

dual_test! {
    async fn series_csv_has_a_header_and_one_row_per_bucket(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let events = Events { app: &app, team: ann.team_id };
        events.reviews(&[5, 4], "google", "2026-03-03").await;
        events.reviews(&[1], "facebook", "2026-03-10").await;

        let path = format!(
            "/metrics/review_count/series.csv?team={}&bucket=week&from=2026-03-02&to=2026-03-16",
            ann.team_id
        );
        let csv = web.get(&path).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(csv.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(lines[0], "start,end,value,n,denominator,margin_of_error,status,min_sample");
        assert_eq!(lines[1], "2026-03-02T00:00:00+00:00,2026-03-09T00:00:00+00:00,2,2,,,ok,1");
        assert_eq!(lines[2], "2026-03-09T00:00:00+00:00,2026-03-16T00:00:00+00:00,1,1,,,ok,1");
        assert_eq!(lines.len(), 3);

        let google = web.get(&format!("{path}&source=google")).await;
        assert_eq!(google.body.lines().nth(2), Some("2026-03-09T00:00:00+00:00,2026-03-16T00:00:00+00:00,,0,,,insufficient_data,1"));
    }
}

#[tokio::test]
async fn bad_parameters_get_a_clear_message_on_the_page() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite)
        .await
        .unwrap();
    let (ann, web) = manager(&app).await;
    let team = ann.team_id;
    let cases = [
        (
            format!("/metrics/nps?team={team}&bucket=fortnight"),
            StatusCode::BAD_REQUEST,
            "&#34;fortnight&#34; is not a bucket",
        ),
        (
            format!("/metrics/nps?team={team}&from=2026-03-10&to=2026-03-01"),
            StatusCode::BAD_REQUEST,
            "must be after from",
        ),
        (
            format!("/metrics/nps?team={team}&from=yesterday"),
            StatusCode::BAD_REQUEST,
            "query parameter &#34;from&#34;",
        ),
        (
            format!("/metrics/nps?team={team}&source=google"),
            StatusCode::BAD_REQUEST,
            "nps can be filtered by touchpoint",
        ),
        (
            format!("/metrics/no_such_metric?team={team}"),
            StatusCode::NOT_FOUND,
            "no metric",
        ),
        (
            format!("/metrics/nps?team={team}&bucket=day&from=2020-01-01&to=2026-01-01"),
            StatusCode::BAD_REQUEST,
            "at most 1000",
        ),
        (
            format!("/metrics/nps/series.csv?team={team}&bucket=fortnight"),
            StatusCode::BAD_REQUEST,
            "is not a bucket",
        ),
        (
            "/metrics?team=abc".to_string(),
            StatusCode::BAD_REQUEST,
            "is not a team id",
        ),
    ];
    for (path, status, text) in cases {
        let page = web.get(&path).await;
        assert_eq!(page.status, status, "{path}: {}", page.body);
        page.assert_contains(text);
    }
    // The bad field is marked and the form keeps what was typed.
    let page = web
        .get(&format!("/metrics/nps?team={team}&from=yesterday"))
        .await;
    page.assert_contains("id=\"from-error\"")
        .assert_contains("value=\"yesterday\"");
}

#[tokio::test]
async fn another_teams_metrics_are_not_found() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite)
        .await
        .unwrap();
    let (_ann, web) = manager(&app).await;
    let bob = app.user("bob@example.com", "Other", Role::Manager).await;
    create_custom(&app, &bob, "wait_time", "Wait time").await;
    for path in [
        format!("/metrics?team={}", bob.team_id),
        format!("/metrics/nps?team={}", bob.team_id),
        format!("/metrics/wait_time?team={}", bob.team_id),
        format!("/metrics/nps/series.csv?team={}", bob.team_id),
        format!("/imports?team={}", bob.team_id),
    ] {
        assert_eq!(web.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

dual_test! {
    async fn a_custom_metric_is_created_through_the_form(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let form = web.get(&format!("/metrics/new?team={}", ann.team_id)).await;
        assert_eq!(form.status, StatusCode::OK);
        form.assert_contains("name=\"key\"").assert_contains("name=\"better\"");

        let page = web.post(&format!("/metrics?team={}", ann.team_id), &[
            ("key", "no_show_rate"), ("name", XSS), ("description", "Patients who miss their visit"),
            ("unit", "percent"), ("better", "lower"), ("journey_stage", "purchase"),
            ("touchpoint", "phone"), ("min", ""), ("max", ""),
        ]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(page.location.as_deref(), Some(format!("/metrics/no_show_rate?team={}", ann.team_id).as_str()));
        assert_eq!(app.count("custom_metrics").await, 1);

        let shown = web.get(page.location.as_deref().unwrap()).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
        shown.assert_contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            .assert_contains("Recorded by hand")
            .assert_contains("lower is better")
            .assert_contains("name=\"value\"");
        assert!(!shown.body.contains(XSS));
        assert!(!shown.body.contains("name=\"touchpoint\""), "custom metrics have no filters");
    }
}

dual_test! {
    async fn an_invalid_custom_metric_comes_back_with_messages_beside_the_fields(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let path = format!("/metrics?team={}", ann.team_id);
        let page = web.post(&path, &[
            ("key", "No Show"), ("name", ""), ("unit", "percent"), ("better", "sideways"),
            ("min", "ten"), ("description", XSS),
        ]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("id=\"better-error\"")
            .assert_contains("id=\"min-error\"")
            .assert_contains("&#34;ten&#34; is not a number")
            .assert_contains("value=\"No Show\"")
            .assert_contains("&#60;script&#62;");
        assert!(!page.body.contains(XSS));

        let page = web.post(&path, &[("key", "No Show"), ("name", ""), ("unit", "percent"), ("better", "lower")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("id=\"key-error\"").assert_contains("id=\"name-error\"");

        let page = web.post(&path, &[("key", "nps"), ("name", "Mine"), ("unit", "score"), ("better", "higher")]).await;
        page.assert_contains("is a built-in metric");
        let page = web.post(&path, &[("key", "new"), ("name", "New"), ("unit", "count"), ("better", "higher")]).await;
        page.assert_contains("id=\"key-error\"").assert_contains("address of this form");
        assert_eq!(app.count("custom_metrics").await, 0);

        create_custom(&app, &ann, "wait_time", "Wait").await;
        let page = web.post(&path, &[("key", "wait_time"), ("name", "Again"), ("unit", "count"), ("better", "lower")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("id=\"key-error\"").assert_contains("already has a metric");
    }
}

dual_test! {
    async fn observations_are_recorded_and_listed_on_the_metric_page(app: TestApp) {
        let (ann, web) = manager(&app).await;
        create_custom(&app, &ann, "no_show_rate", "No-show rate").await;
        let path = format!("/metrics/no_show_rate/observations?team={}", ann.team_id);
        let today = Utc::now().date_naive().to_string();

        let page = web.post(&path, &[("date", &today), ("value", "12.5"), ("note", XSS)]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(app.count("metric_observations").await, 1);

        let shown = web.get(&format!("/metrics/no_show_rate?team={}", ann.team_id)).await;
        shown.assert_contains("Last 30 days: <strong>12.5 % (n = 1)</strong>").assert_contains("&#60;script&#62;alert(1)&#60;/script&#62;");
        assert!(!shown.body.contains(XSS));
        let catalog = web.get(&format!("/metrics?team={}", ann.team_id)).await;
        catalog.assert_contains("12.5 %");

        let bad = web.post(&path, &[("date", "31.12.2026"), ("value", "150"), ("note", "")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        bad.assert_contains("id=\"date-error\"")
            .assert_contains("id=\"value-error\"")
            .assert_contains("above the highest possible")
            .assert_contains("value=\"31.12.2026\"");
        let bad = web.post(&path, &[("date", &today), ("value", "lots")]).await;
        bad.assert_contains("&#34;lots&#34; is not a number");
        assert_eq!(app.count("metric_observations").await, 1);
    }
}

dual_test! {
    async fn viewers_see_metrics_but_cannot_create_or_record(app: TestApp) {
        let (ann, _) = manager(&app).await;
        create_custom(&app, &ann, "no_show_rate", "No-show rate").await;
        let vic = app.user("vic@example.com", "Clinic", Role::Viewer).await;
        let web = WebClient::signed_in(&app, &vic).await;
        let team = vic.team_id;

        let catalog = web.get(&format!("/metrics?team={team}")).await;
        assert_eq!(catalog.status, StatusCode::OK);
        assert!(!catalog.body.contains("/metrics/new"));
        let page = web.get(&format!("/metrics/no_show_rate?team={team}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("name=\"value\""));

        assert_eq!(web.get(&format!("/metrics/new?team={team}")).await.status, StatusCode::FORBIDDEN);
        let create = web.post(&format!("/metrics?team={team}"), &[
            ("key", "wait_time"), ("name", "Wait"), ("unit", "count"), ("better", "lower"),
        ]).await;
        assert_eq!(create.status, StatusCode::FORBIDDEN);
        let record = web.post(&format!("/metrics/no_show_rate/observations?team={team}"), &[
            ("date", "2026-03-01"), ("value", "3"),
        ]).await;
        assert_eq!(record.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("custom_metrics").await, 1);
        assert_eq!(app.count("metric_observations").await, 0);
    }
}

dual_test! {
    async fn metric_forms_without_a_valid_token_change_nothing(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let fields = [("key", "wait_time"), ("name", "Wait"), ("unit", "count"), ("better", "lower")];
        let path = format!("/metrics?team={}", ann.team_id);
        assert_eq!(web.post_raw(&path, &fields).await.status, StatusCode::FORBIDDEN);
        let mut forged = vec![("csrf", "not-the-token")];
        forged.extend_from_slice(&fields);
        assert_eq!(web.post_raw(&path, &forged).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("custom_metrics").await, 0);
    }
}
