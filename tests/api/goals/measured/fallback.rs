//! Staleness, and the fallback to values recorded by hand when a metric has
//! no events behind it.

use super::*;
use crate::metrics::no_show_rate;

/// Midnight UTC of `date` (YYYY-MM-DD).
fn midnight(date: &str) -> DateTime<Utc> {
    format!("{date}T00:00:00Z").parse().unwrap()
}

dual_test! {
    async fn data_older_than_stale_after_days_is_flagged_until_fresh_data_arrives(app: TestApp) {
        let ann = app.user("ann@example.com", "Smile Dental Clinic", Role::Manager).await;
        set_settings(&app, &ann, "avg_rating", 1, 14).await;
        let last = days_ago(20);
        send_ok(&app, &ann, "reviews", &json!([review("r1", 4, last)])).await;
        let id = id_of(&app.create_goal(&ann, &measured_goal(ann.team_id, "avg_rating", Some(3.0), 5.0)).await);

        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!(progress["stale"], true, "nothing for 20 days, stale after 14: {progress}");
        assert_eq!(progress["current"], 4.0, "a stale value is still shown");
        assert_eq!(time(&progress["newest_data_at"]), last);

        // The team may wait longer before data counts as stale, or less.
        set_settings(&app, &ann, "avg_rating", 1, 30).await;
        assert_eq!(read(&app, &ann, id).await["progress"]["stale"], false);
        set_settings(&app, &ann, "avg_rating", 1, 21).await;
        assert_eq!(read(&app, &ann, id).await["progress"]["stale"], false);
        set_settings(&app, &ann, "avg_rating", 1, 19).await;
        assert_eq!(read(&app, &ann, id).await["progress"]["stale"], true);

        let fresh = hours_ago(2);
        send_ok(&app, &ann, "reviews", &json!([review("r2", 5, fresh)])).await;
        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!(progress["stale"], false, "{progress}");
        assert_eq!(progress["current"], 4.5);
        assert_eq!(time(&progress["newest_data_at"]), fresh);
        // With one day allowed, a review two hours old is still fresh.
        set_settings(&app, &ann, "avg_rating", 1, 1).await;
        assert_eq!(read(&app, &ann, id).await["progress"]["stale"], false);
    }
}

dual_test! {
    async fn a_custom_metric_is_measured_from_its_latest_observation(app: TestApp) {
        let ann = app.user("ann@example.com", "Smile Dental Clinic", Role::Manager).await;
        let response = app.post("/api/v1/metrics", &ann.token, &no_show_rate(ann.team_id)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        // No-shows from 20 % down to 10 %.
        let id = id_of(&app.create_goal(&ann, &measured_goal(ann.team_id, "no_show_rate", Some(20.0), 10.0)).await);
        assert!(read(&app, &ann, id).await["progress"].is_null(), "no data yet");

        let old = today_plus(-20);
        app.record_observation(&ann, "no_show_rate", &old, 18.0).await;
        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!(progress["source"], "observations", "{progress}");
        assert_eq!(progress["current"], 18.0);
        assert_eq!(progress["percent"], 20.0);
        assert_eq!(progress["stale"], true, "the only value is 20 days old");

        let recent = today_plus(-3);
        app.record_observation(&ann, "no_show_rate", &recent, 15.0).await;
        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!(progress["source"], "observations");
        assert_eq!(progress["status"], "ok");
        assert_eq!(progress["current"], 15.0);
        assert_eq!((progress["n"].as_i64(), progress["min_sample"].as_i64()), (Some(1), Some(1)));
        assert_eq!(progress["percent"], 50.0);
        assert_eq!(progress["observed_on"], recent.as_str());
        assert_eq!(time(&progress["newest_data_at"]), midnight(&recent));
        assert!(progress["window_from"].is_null() && progress["window_to"].is_null(), "{progress}");
        assert_eq!(progress["stale"], false);
    }
}

dual_test! {
    async fn a_builtin_metric_without_events_uses_observations_until_its_own_events_arrive(app: TestApp) {
        let ann = app.user("ann@example.com", "Smile Dental Clinic", Role::Manager).await;
        let id = id_of(&app.create_goal(&ann, &measured_goal(ann.team_id, "nps", Some(20.0), 50.0)).await);
        let day = today_plus(-2);
        app.record_observation(&ann, "nps", &day, 35.0).await;
        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!(progress["source"], "observations", "{progress}");
        assert_eq!(progress["current"], 35.0);
        assert_eq!(progress["percent"], 50.0);
        assert_eq!(progress["observed_on"], day.as_str());

        // Survey answers of another kind are not NPS data.
        let csat = json!([{"response_id": "s1", "kind": "csat", "score": 5, "responded_at": hours_ago(5).to_rfc3339()}]);
        send_ok(&app, &ann, "surveys", &csat).await;
        assert_eq!(read(&app, &ann, id).await["progress"]["source"], "observations");

        // Three NPS answers make the events the source, though too few for a value.
        let at = hours_ago(4);
        let nps: Vec<Value> = (1..=3)
            .map(|n| json!({"response_id": format!("n{n}"), "kind": "nps", "score": 10, "responded_at": at.to_rfc3339()}))
            .collect();
        send_ok(&app, &ann, "surveys", &json!(nps)).await;
        let progress = &read(&app, &ann, id).await["progress"];
        assert_eq!(progress["source"], "events", "{progress}");
        assert_eq!(progress["status"], "insufficient_data");
        assert!(progress["current"].is_null() && progress["percent"].is_null(), "{progress}");
        assert_eq!((progress["n"].as_i64(), progress["min_sample"].as_i64()), (Some(3), Some(30)));
        assert_eq!(time(&progress["newest_data_at"]), at);
        assert!(progress["observed_on"].is_null());
    }
}
