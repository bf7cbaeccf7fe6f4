//! Series: ISO weeks from Monday, calendar months, churn against the bucket
//! before, and custom metrics from their observations.

use serde_json::{Value, json};
use smarter::domain::account::Role;

use super::customers::shop;
use super::{Events, assert_insufficient, assert_ok, point, series, set_min_sample, value};
use crate::helpers::dual_test;

fn starts(body: &Value) -> Vec<String> {
    body["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["start"].as_str().unwrap().to_string())
        .collect()
}

dual_test! {
    async fn weekly_buckets_are_iso_weeks_from_monday(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        let events = Events { app: &app, team: ann.team_id };
        // Sunday 1 March 2026 late evening belongs to the week of Monday 23 February.
        events.reviews(&[5], "google", "2026-03-01T23:59:59Z").await;
        events.reviews(&[4, 3], "google", "2026-03-02T00:00:00Z").await;
        events.reviews(&[2], "google", "2026-03-31").await;
        events.reviews(&[1], "google", "2026-04-06").await;

        let body = series(&app, &ann, "review_count", "from=2026-03-01&to=2026-04-01&bucket=week").await;
        assert_eq!(body["bucket"], "week");
        assert_eq!(body["from"], "2026-02-23T00:00:00Z");
        assert_eq!(body["to"], "2026-04-06T00:00:00Z");
        assert_eq!(
            starts(&body),
            ["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]
                .map(|d| format!("{d}T00:00:00Z"))
        );
        assert_eq!(point(&body, 0)["end"], "2026-03-02T00:00:00Z");
        assert_ok(point(&body, 0), 1.0, 1);
        assert_ok(point(&body, 1), 2.0, 2);
        assert_insufficient(point(&body, 2), 0);
        assert_ok(point(&body, 5), 1.0, 1);
    }
}

dual_test! {
    async fn monthly_buckets_are_calendar_months(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let events = Events { app: &app, team: ann.team_id };
        events.surveys("ces", &[7, 5], "2026-01-31T23:59:59.999Z", None).await;
        events.surveys("ces", &[2], "2026-02-01T00:00:00Z", None).await;
        events.surveys("ces", &[4, 6, 5], "2026-02-28T12:00:00+01:00", None).await;
        set_min_sample(&app, &ann, "ces", 1).await;

        let body = series(&app, &ann, "ces", "from=2026-01-15&to=2026-02-20&bucket=month").await;
        assert_eq!(starts(&body), ["2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"]);
        assert_eq!(point(&body, 1)["end"], "2026-03-01T00:00:00Z");
        assert_ok(point(&body, 0), 6.0, 2);
        assert_ok(point(&body, 1), 17.0 / 4.0, 4);
        assert_eq!(body["settings"]["min_sample"], 1);
    }
}

dual_test! {
    async fn monthly_customer_rates_match_the_values(app: TestApp) {
        let ann = app.user("ann@example.com", "Shop", Role::Manager).await;
        shop(&Events { app: &app, team: ann.team_id }).await;
        for key in ["repeat_purchase_rate", "returning_customer_rate", "churn_rate", "referral_rate"] {
            set_min_sample(&app, &ann, key, 1).await;
        }
        let months = "from=2026-02-01&to=2026-04-01&bucket=month";
        // February: B, C, F, all new; January had no customers to lose.
        // March: A, B, D, E; February's B, C, F lost C and F.
        let repeat = series(&app, &ann, "repeat_purchase_rate", months).await;
        assert_ok(point(&repeat, 0), 0.0, 3);
        assert_ok(point(&repeat, 1), 50.0, 4);
        let returning = series(&app, &ann, "returning_customer_rate", months).await;
        assert_ok(point(&returning, 0), 0.0, 3);
        assert_ok(point(&returning, 1), 50.0, 4);
        let churn = series(&app, &ann, "churn_rate", months).await;
        assert_insufficient(point(&churn, 0), 0);
        assert_ok(point(&churn, 1), 200.0 / 3.0, 3);
        let referral = series(&app, &ann, "referral_rate", months).await;
        assert_ok(point(&referral, 0), 0.0, 3);
        assert_ok(point(&referral, 1), 50.0, 2);
        let web_churn = series(&app, &ann, "churn_rate", &format!("{months}&channel=web")).await;
        assert_ok(point(&web_churn, 1), 50.0, 2);
        // The same month as a value.
        let march = value(&app, &ann, "repeat_purchase_rate", "from=2026-03-01&to=2026-04-01").await;
        assert_eq!(march["value"], point(&repeat, 1)["value"]);
    }
}

dual_test! {
    async fn weekly_churn_compares_each_week_with_the_week_before(app: TestApp) {
        let ann = app.user("ann@example.com", "Shop", Role::Manager).await;
        let events = Events { app: &app, team: ann.team_id };
        // B on Tuesday and C on Sunday of the week of 9 February, X in both weeks.
        events.order("B", "2026-02-10", None, None).await;
        events.order("C", "2026-02-15T23:00:00Z", None, None).await;
        events.order("X", "2026-02-11", None, None).await;
        events.order("X", "2026-02-16T00:00:00Z", None, None).await;
        set_min_sample(&app, &ann, "churn_rate", 1).await;

        let body = series(&app, &ann, "churn_rate", "from=2026-02-09&to=2026-02-23&bucket=week").await;
        assert_eq!(starts(&body), ["2026-02-09T00:00:00Z", "2026-02-16T00:00:00Z"]);
        // Nobody ordered in the week of 2 February.
        assert_insufficient(point(&body, 0), 0);
        // B, C and X ordered the week before; only X came back.
        assert_ok(point(&body, 1), 200.0 / 3.0, 3);
    }
}

dual_test! {
    async fn daily_series_have_one_point_per_day(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        let events = Events { app: &app, team: ann.team_id };
        events.reviews(&[5, 4], "google", "2026-03-02T08:00:00Z").await;
        let body = series(&app, &ann, "review_count", "from=2026-03-01T12:00:00Z&to=2026-03-04&bucket=day").await;
        assert_eq!(starts(&body).len(), 3);
        assert_eq!(body["from"], "2026-03-01T00:00:00Z");
        assert_ok(point(&body, 1), 2.0, 2);
    }
}

dual_test! {
    async fn custom_metrics_answer_from_their_observations(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let metric = json!({"team_id": ann.team_id, "key": "no_show_rate", "name": "No-show rate",
            "unit": "percent", "better": "lower"});
        assert_eq!(app.post("/api/v1/metrics", &ann.token, &metric).await.status(), 201);
        for (date, value) in [("2026-03-02", 10.0), ("2026-03-04", 14.0), ("2026-03-10", 8.0), ("2026-04-01", 1.0)] {
            let body = json!({"team_id": ann.team_id, "date": date, "value": value});
            let response = app.post("/api/v1/metrics/no_show_rate/observations", &ann.token, &body).await;
            assert_eq!(response.status(), 201);
        }

        let latest = value(&app, &ann, "no_show_rate", "from=2026-03-01&to=2026-04-01").await;
        assert_eq!(latest["computed_from"], "observations");
        assert_ok(&latest, 8.0, 3);
        assert_eq!(latest["newest_data_at"], "2026-04-01T00:00:00Z");
        let weeks = series(&app, &ann, "no_show_rate", "from=2026-03-02&to=2026-03-16&bucket=week").await;
        assert_ok(point(&weeks, 0), 12.0, 2);
        assert_ok(point(&weeks, 1), 8.0, 1);
        let empty = value(&app, &ann, "no_show_rate", "from=2026-05-01&to=2026-06-01").await;
        assert_insufficient(&empty, 0);
    }
}
