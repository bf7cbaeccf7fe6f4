//! Bad parameters are problem documents naming the parameter; other teams'
//! data does not exist for the caller; settings are for managers.

use reqwest::StatusCode;
use serde_json::json;
use smarter::domain::account::Role;

use super::{get_ok, get_problem};
use crate::helpers::{dual_test, pointers, problem};

dual_test! {
    async fn each_bad_parameter_is_a_400_naming_it(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        let team = ann.team_id;
        let cases = [
            ("nps/value?from=2026-03-01&to=2026-04-01", "/team"),
            ("nps/value?team={team}&to=2026-04-01", "/from"),
            ("nps/value?team={team}&from=2026-03-01", "/to"),
            ("nps/value?team={team}&from=yesterday&to=2026-04-01", "/from"),
            ("nps/value?team={team}&from=2026-03-01T10:00:00&to=2026-04-01", "/from"),
            ("nps/value?team={team}&from=2026-03-01&to=2026-02-01", "/to"),
            ("nps/value?team={team}&from=2026-03-01&to=2026-03-01", "/to"),
            ("nps/value?team=x&from=2026-03-01&to=2026-04-01", "/team"),
            ("nps/value?team={team}&from=2026-03-01&to=2026-04-01&source=google", "/source"),
            ("avg_rating/value?team={team}&from=2026-03-01&to=2026-04-01&channel=web", "/channel"),
            ("churn_rate/value?team={team}&from=2026-03-01&to=2026-04-01&touchpoint=phone", "/touchpoint"),
            ("nps/value?team={team}&from=2026-03-01&to=2026-04-01&touchpoint=", "/touchpoint"),
            ("nps/value?team={team}&from=2026-03-01&to=2026-04-01&bucket=week", "/bucket"),
            ("nps/series?team={team}&from=2026-03-01&to=2026-04-01", "/bucket"),
            ("nps/series?team={team}&from=2026-03-01&to=2026-04-01&bucket=year", "/bucket"),
            ("nps/series?team={team}&from=2020-01-01&to=2026-01-01&bucket=day", "/bucket"),
            ("nps/series?team={team}&from=2026-03-01&to=2026-02-01&bucket=day", "/to"),
        ];
        for (path, pointer) in cases {
            let path = format!("/api/v1/metrics/{}", path.replace("{team}", &team.to_string()));
            let body = get_problem(&app, &ann, &path, StatusCode::BAD_REQUEST).await;
            assert_eq!(pointers(&body), [pointer], "{path}: {body}");
            let name = pointer.trim_start_matches('/');
            assert!(body["detail"].as_str().unwrap().contains(name), "{path}: {body}");
        }
    }
}

dual_test! {
    async fn a_thousand_days_is_the_longest_series(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        // 2024-01-01 plus 1000 days is 2026-09-27.
        let path = format!(
            "/api/v1/metrics/review_count/series?team={}&from=2024-01-01&to=2026-09-27&bucket=day",
            ann.team_id
        );
        let body = get_ok(&app, &ann, &path).await;
        assert_eq!(body["points"].as_array().unwrap().len(), 1000);
        let too_long = path.replace("2026-09-27", "2026-09-28");
        get_problem(&app, &ann, &too_long, StatusCode::BAD_REQUEST).await;
    }
}

dual_test! {
    async fn another_teams_metrics_and_unknown_metrics_are_404(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let bob = app.user("bob@example.com", "Other clinic", Role::Manager).await;
        let query = "from=2026-03-01&to=2026-04-01";
        for path in [
            format!("/api/v1/metrics/nps/value?team={}&{query}", bob.team_id),
            format!("/api/v1/metrics/nps/series?team={}&{query}&bucket=week", bob.team_id),
            format!("/api/v1/metrics/nps/settings?team={}", bob.team_id),
            format!("/api/v1/metrics/no_such_metric/value?team={}&{query}", ann.team_id),
        ] {
            get_problem(&app, &ann, &path, StatusCode::NOT_FOUND).await;
        }
        // Bob's custom metric is not Ann's.
        let metric = json!({"team_id": bob.team_id, "key": "wait_minutes", "name": "Wait",
            "unit": "score", "better": "lower"});
        assert_eq!(app.post("/api/v1/metrics", &bob.token, &metric).await.status(), 201);
        let path = format!("/api/v1/metrics/wait_minutes/value?team={}&{query}", ann.team_id);
        get_problem(&app, &ann, &path, StatusCode::NOT_FOUND).await;
        let filtered = format!("/api/v1/metrics/wait_minutes/value?team={}&{query}&channel=web", bob.team_id);
        let body = get_problem(&app, &bob, &filtered, StatusCode::BAD_REQUEST).await;
        assert_eq!(pointers(&body), ["/channel"]);
    }
}

dual_test! {
    async fn managers_set_a_metrics_settings_and_viewers_cannot(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let vic = app.user("vic@example.com", "Clinic", Role::Viewer).await;
        let settings = format!("/api/v1/metrics/nps/settings?team={}", ann.team_id);
        let defaults = get_ok(&app, &vic, &settings).await;
        assert_eq!(defaults["min_sample"], 30);
        assert_eq!(defaults["stale_after_days"], 14);

        let body = json!({"team_id": ann.team_id, "min_sample": 50, "stale_after_days": 3});
        let response = app.put("/api/v1/metrics/nps/settings", &vic.token, &body).await;
        problem(response, StatusCode::FORBIDDEN).await;
        let response = app.put("/api/v1/metrics/nps/settings", &ann.token, &body).await;
        assert_eq!(response.status(), StatusCode::OK);
        let saved = get_ok(&app, &vic, &settings).await;
        assert_eq!((saved["min_sample"].as_i64(), saved["stale_after_days"].as_i64()), (Some(50), Some(3)));

        // Leaving a field out goes back to its default.
        let body = json!({"team_id": ann.team_id, "stale_after_days": 7});
        assert_eq!(app.put("/api/v1/metrics/nps/settings", &ann.token, &body).await.status(), StatusCode::OK);
        let saved = get_ok(&app, &vic, &settings).await;
        assert_eq!((saved["min_sample"].as_i64(), saved["stale_after_days"].as_i64()), (Some(30), Some(7)));

        let bad = json!({"team_id": ann.team_id, "min_sample": -1, "stale_after_days": 0});
        let body = problem(app.put("/api/v1/metrics/nps/settings", &ann.token, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&body), ["/min_sample", "/stale_after_days"]);
        let other_team = json!({"team_id": ann.team_id + 100, "min_sample": 5});
        let body = problem(app.put("/api/v1/metrics/nps/settings", &ann.token, &other_team).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&body), ["/team_id"]);
        let unknown = json!({"team_id": ann.team_id, "min_sample": 5});
        problem(app.put("/api/v1/metrics/nope/settings", &ann.token, &unknown).await, StatusCode::NOT_FOUND).await;
    }
}
