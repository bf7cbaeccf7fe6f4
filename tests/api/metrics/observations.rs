//! Manual observations: one value per metric, team and day.

use reqwest::StatusCode;
use serde_json::{Value, json};
use smarter::domain::account::Role;

use super::{no_show_rate, observe};
use crate::helpers::{TestApp, TestUser, dual_test, pointers, problem};

async fn observation_dates(app: &TestApp, user: &TestUser, path: &str) -> Vec<String> {
    let response = app.get(path, &user.token).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let list: Vec<Value> = response.json().await.unwrap();
    list.iter()
        .map(|o| o["date"].as_str().unwrap().to_string())
        .collect()
}

dual_test! {
    async fn an_observation_is_created_then_replaced_on_the_same_day(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let body = json!({"team_id": ann.team_id, "date": "2027-01-31", "value": 80.5});
        let (status, first) = observe(&app, &ann, "csat", body).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        assert_eq!(first["metric"], "csat");
        assert_eq!(first["team_id"], ann.team_id);
        assert_eq!(first["date"], "2027-01-31");
        assert_eq!(first["value"], 80.5);
        assert!(first["note"].is_null());

        let again = json!({"team_id": ann.team_id, "date": "2027-01-31", "value": 85, "note": "after the survey closed"});
        let (status, second) = observe(&app, &ann, "csat", again).await;
        assert_eq!(status, StatusCode::OK, "{second}");
        assert_eq!(second["id"], first["id"]);
        assert_eq!(second["value"], 85.0);
        assert_eq!(second["note"], "after the survey closed");
        assert_eq!(app.count("metric_observations").await, 1);

        // Another day, or another metric on that day, is a new row.
        let (status, _) = observe(&app, &ann, "csat", json!({"team_id": ann.team_id, "date": "2027-02-01", "value": 81})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = observe(&app, &ann, "nps", json!({"team_id": ann.team_id, "date": "2027-01-31", "value": -12})).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(app.count("metric_observations").await, 3);

        let listed: Vec<Value> = app.get("/api/v1/metrics/csat/observations", &ann.token).await.json().await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0], second);
    }
}

dual_test! {
    async fn observations_are_listed_by_date_within_from_and_to(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        for (date, value) in [("2027-03-01", 10.0), ("2027-01-01", 12.0), ("2027-04-01", 9.0), ("2027-02-01", 11.0)] {
            let (status, body) = observe(&app, &ann, "churn_rate", json!({"team_id": ann.team_id, "date": date, "value": value})).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (status, _) = observe(&app, &bob, "churn_rate", json!({"team_id": bob.team_id, "date": "2027-02-15", "value": 50})).await;
        assert_eq!(status, StatusCode::CREATED);

        let base = "/api/v1/metrics/churn_rate/observations";
        assert_eq!(observation_dates(&app, &ann, base).await, ["2027-01-01", "2027-02-01", "2027-03-01", "2027-04-01"]);
        assert_eq!(observation_dates(&app, &ann, &format!("{base}?from=2027-02-01&to=2027-03-01")).await, ["2027-02-01", "2027-03-01"]);
        assert_eq!(observation_dates(&app, &ann, &format!("{base}?from=2027-02-02")).await, ["2027-03-01", "2027-04-01"]);
        assert_eq!(observation_dates(&app, &ann, &format!("{base}?to=2027-01-31")).await, ["2027-01-01"]);
        assert!(observation_dates(&app, &ann, &format!("{base}?from=2027-05-01&to=2027-04-01")).await.is_empty());
        assert_eq!(observation_dates(&app, &bob, base).await, ["2027-02-15"]);

        let values: Vec<Value> = app.get(base, &ann.token).await.json().await.unwrap();
        let values: Vec<f64> = values.iter().map(|o| o["value"].as_f64().unwrap()).collect();
        assert_eq!(values, [12.0, 11.0, 10.0, 9.0]);

        let bad = app.get(&format!("{base}?from=yesterday"), &ann.token).await;
        let body = problem(bad, StatusCode::BAD_REQUEST).await;
        assert_eq!(pointers(&body), ["/from"]);
        let other_team = app.get(&format!("{base}?team={}", bob.team_id), &ann.token).await;
        problem(other_team, StatusCode::NOT_FOUND).await;
        let unknown = app.get("/api/v1/metrics/happiness/observations", &ann.token).await;
        problem(unknown, StatusCode::NOT_FOUND).await;
    }
}

dual_test! {
    async fn bad_observations_are_refused_and_nothing_changes(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let vic = app.user("vic@example.com", "Support", Role::Viewer).await;
        let bob = app.user("bob@example.com", "Sales", Role::Manager).await;
        let day = "2027-01-31";
        let (status, _) = observe(&app, &ann, "nps", json!({"team_id": ann.team_id, "date": day, "value": 30})).await;
        assert_eq!(status, StatusCode::CREATED);
        let team = ann.team_id;

        let cases = [
            ("nps", json!({"team_id": team, "date": day, "value": 101}), StatusCode::UNPROCESSABLE_ENTITY, Some("/value")),
            ("nps", json!({"team_id": team, "date": day, "value": -100.5}), StatusCode::UNPROCESSABLE_ENTITY, Some("/value")),
            ("csat", json!({"team_id": team, "date": day, "value": -1}), StatusCode::UNPROCESSABLE_ENTITY, Some("/value")),
            ("review_count", json!({"team_id": team, "date": day, "value": 2.5}), StatusCode::UNPROCESSABLE_ENTITY, Some("/value")),
            ("avg_rating", json!({"team_id": team, "date": day, "value": 0}), StatusCode::UNPROCESSABLE_ENTITY, Some("/value")),
            ("nps", json!({"team_id": team, "date": day, "value": "high"}), StatusCode::UNPROCESSABLE_ENTITY, Some("/value")),
            ("nps", json!({"team_id": team, "date": day}), StatusCode::UNPROCESSABLE_ENTITY, Some("/value")),
            ("nps", json!({"team_id": team, "date": "2027-02-30", "value": 10}), StatusCode::UNPROCESSABLE_ENTITY, Some("/date")),
            ("nps", json!({"team_id": team, "date": "31/01/2027", "value": 10}), StatusCode::UNPROCESSABLE_ENTITY, Some("/date")),
            ("nps", json!({"team_id": team, "date": "", "value": 10}), StatusCode::UNPROCESSABLE_ENTITY, Some("/date")),
            ("nps", json!({"team_id": team, "date": day, "value": 10, "source": "survey"}), StatusCode::UNPROCESSABLE_ENTITY, Some("/source")),
            ("nps", json!({"team_id": team, "date": day, "value": 10, "note": "n".repeat(2001)}), StatusCode::UNPROCESSABLE_ENTITY, Some("/note")),
            ("nps", json!({"team_id": bob.team_id, "date": day, "value": 10}), StatusCode::UNPROCESSABLE_ENTITY, Some("/team_id")),
            ("nps", json!({"team_id": 999_999, "date": day, "value": 10}), StatusCode::UNPROCESSABLE_ENTITY, Some("/team_id")),
            ("happiness", json!({"team_id": team, "date": day, "value": 10}), StatusCode::NOT_FOUND, None),
        ];
        for (key, body, status, pointer) in cases {
            let (got, problem) = observe(&app, &ann, key, body.clone()).await;
            assert_eq!(got, status, "{key} {body} -> {problem}");
            assert_eq!(problem["status"], status.as_u16());
            if let Some(pointer) = pointer {
                assert!(pointers(&problem).contains(&pointer.to_string()), "{key} {body} -> {problem}");
            }
        }
        // Every wrong field is named at once.
        let (_, both) = observe(&app, &ann, "nps", json!({"team_id": team, "date": "soon", "value": 500})).await;
        assert_eq!(pointers(&both), ["/date", "/value"]);

        let viewer = app
            .post("/api/v1/metrics/nps/observations", &vic.token, &json!({"team_id": team, "date": day, "value": 10}))
            .await;
        problem(viewer, StatusCode::FORBIDDEN).await;

        assert_eq!(app.count("metric_observations").await, 1);
        let stored: Vec<Value> = app.get("/api/v1/metrics/nps/observations", &ann.token).await.json().await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0]["value"], 30.0);
        assert!(stored[0]["note"].is_null());
    }
}

dual_test! {
    async fn custom_metric_values_respect_its_range(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let created = app.post("/api/v1/metrics", &ann.token, &no_show_rate(ann.team_id)).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let visits = json!({"team_id": ann.team_id, "key": "visits", "name": "Visits", "unit": "count", "better": "higher"});
        assert_eq!(app.post("/api/v1/metrics", &ann.token, &visits).await.status(), StatusCode::CREATED);

        let (status, _) = observe(&app, &ann, "no_show_rate", json!({"team_id": ann.team_id, "date": "2027-01-31", "value": 14.6})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = observe(&app, &ann, "no_show_rate", json!({"team_id": ann.team_id, "date": "2027-01-31", "value": 150})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(pointers(&body), ["/value"]);
        let (status, body) = observe(&app, &ann, "visits", json!({"team_id": ann.team_id, "date": "2027-01-31", "value": 1.5})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(pointers(&body), ["/value"]);
        let (status, _) = observe(&app, &ann, "visits", json!({"team_id": ann.team_id, "date": "2027-01-31", "value": 1200})).await;
        assert_eq!(status, StatusCode::CREATED);

        assert_eq!(app.count("metric_observations").await, 2);
        let stored: Vec<Value> = app.get("/api/v1/metrics/no_show_rate/observations", &ann.token).await.json().await.unwrap();
        assert_eq!(stored[0]["value"], 14.6);
    }
}

dual_test! {
    async fn posting_the_same_day_at_once_keeps_one_row(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let posts = (0..8).map(|i| {
            observe(&app, &ann, "csat", json!({"team_id": ann.team_id, "date": "2027-01-31", "value": 80 + i}))
        });
        let results = futures_util::future::join_all(posts).await;
        for (status, body) in &results {
            assert!(matches!(*status, StatusCode::OK | StatusCode::CREATED), "{status}: {body}");
        }
        let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        assert_eq!(created, 1, "{results:?}");
        assert_eq!(app.count("metric_observations").await, 1);
    }
}
