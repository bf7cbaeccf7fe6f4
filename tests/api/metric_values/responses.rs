//! Survey metrics (NPS, CSAT, CES) and review metrics, against hand-computed
//! numbers.

use smarter::domain::account::Role;

use super::{Events, approx, assert_insufficient, assert_ok, set_min_sample, times, value};
use crate::helpers::dual_test;

const MARCH: &str = "from=2026-03-01&to=2026-04-01";

dual_test! {
    async fn nps_is_promoters_minus_detractors_with_a_margin_of_error(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        let events = Events { app: &app, team: ann.team_id };
        // 20 promoters, 10 passives, 10 detractors in March.
        events.surveys("nps", &[times(10, 12), times(9, 8)].concat(), "2026-03-10", Some("phone")).await;
        events.surveys("nps", &[times(8, 6), times(7, 4)].concat(), "2026-03-11", Some("web")).await;
        events.surveys("nps", &[0, 3, 5, 6, 6, 6, 6, 6, 2, 1], "2026-03-31T23:59:59.999Z", Some("web")).await;
        // Outside the window or another question: not counted.
        events.surveys("nps", &[0, 0], "2026-04-01T00:00:00Z", None).await;
        events.surveys("nps", &[0], "2026-02-28T23:59:59Z", None).await;
        events.surveys("csat", &[1, 1, 1], "2026-03-10", None).await;

        let body = value(&app, &ann, "nps", MARCH).await;
        // 100 × (20 − 10) / 40 = 25.
        assert_ok(&body, 25.0, 40);
        assert_eq!(body["denominator"], 40);
        // p = .5, d = .25: 1.96 × √((.75 − .0625) / 40) × 100 = 25.6958…
        approx(&body["margin_of_error"], 1.96 * (0.6875f64 / 40.0).sqrt() * 100.0);
        assert_eq!(body["min_sample"], 30);
        assert_eq!(body["computed_from"], "events");
        assert_eq!(body["from"], "2026-03-01T00:00:00Z");
        assert_eq!(body["to"], "2026-04-01T00:00:00Z");
        assert_eq!(body["newest_data_at"], "2026-04-01T00:00:00Z");
        assert_eq!(body["settings"]["min_sample"], 30);
        assert_eq!(body["settings"]["stale_after_days"], 14);
    }
}

dual_test! {
    async fn nps_of_all_promoters_is_100_and_of_all_detractors_minus_100(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        let events = Events { app: &app, team: ann.team_id };
        events.surveys("nps", &times(9, 30), "2026-03-02", None).await;
        events.surveys("nps", &times(6, 30), "2026-05-02", None).await;

        let promoters = value(&app, &ann, "nps", MARCH).await;
        assert_ok(&promoters, 100.0, 30);
        approx(&promoters["margin_of_error"], 0.0);
        let detractors = value(&app, &ann, "nps", "from=2026-05-01&to=2026-06-01").await;
        assert_ok(&detractors, -100.0, 30);
    }
}

dual_test! {
    async fn the_minimum_sample_is_met_at_exactly_n_and_missed_one_below(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        let events = Events { app: &app, team: ann.team_id };
        events.surveys("csat", &[times(5, 15), times(2, 15)].concat(), "2026-03-05", None).await;
        events.surveys("csat", &[times(5, 15), times(2, 14)].concat(), "2026-05-05", None).await;

        let tie = value(&app, &ann, "csat", MARCH).await;
        assert_ok(&tie, 50.0, 30);
        let short = value(&app, &ann, "csat", "from=2026-05-01&to=2026-06-01").await;
        assert_insufficient(&short, 29);
        assert!(short["margin_of_error"].is_null());
        assert_eq!(short["min_sample"], 30);
    }
}

dual_test! {
    async fn an_empty_window_has_no_value_and_n_zero(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        for key in ["nps", "csat", "ces", "avg_rating", "positive_review_share", "review_count"] {
            let body = value(&app, &ann, key, MARCH).await;
            assert_insufficient(&body, 0);
            assert!(body["newest_data_at"].is_null(), "{key}: {body}");
        }
    }
}

dual_test! {
    async fn csat_counts_4_and_5_and_ces_is_the_mean(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Viewer).await;
        let events = Events { app: &app, team: ann.team_id };
        // CSAT: 24 of 32 answers are 4 or 5 → 75 %.
        events.surveys("csat", &[times(5, 14), times(4, 10), times(3, 8)].concat(), "2026-03-09", None).await;
        // CES: 10 × 7, 10 × 6, 10 × 2 → 150 / 30 = 5.
        events.surveys("ces", &[times(7, 10), times(6, 10), times(2, 10)].concat(), "2026-03-09", None).await;

        let csat = value(&app, &ann, "csat", MARCH).await;
        assert_ok(&csat, 75.0, 32);
        assert_eq!(csat["denominator"], 32);
        assert!(csat["margin_of_error"].is_null());
        let ces = value(&app, &ann, "ces", MARCH).await;
        assert_ok(&ces, 5.0, 30);
        assert!(ces["denominator"].is_null());
    }
}

dual_test! {
    async fn review_metrics_are_hand_computed(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let events = Events { app: &app, team: ann.team_id };
        // google: 10 × 5, 10 × 4; booking portal: 5 × 3, 5 × 1.
        events.reviews(&[times(5, 10), times(4, 10)].concat(), "google", "2026-03-03").await;
        events.reviews(&[times(3, 5), times(1, 5)].concat(), "booking portal", "2026-03-04").await;

        // (50 + 40 + 15 + 5) / 30 = 3.666…
        assert_ok(&value(&app, &ann, "avg_rating", MARCH).await, 110.0 / 30.0, 30);
        assert_ok(&value(&app, &ann, "positive_review_share", MARCH).await, 200.0 / 3.0, 30);
        assert_ok(&value(&app, &ann, "review_count", MARCH).await, 30.0, 30);

        set_min_sample(&app, &ann, "avg_rating", 10).await;
        let portal = value(&app, &ann, "avg_rating", &format!("{MARCH}&source=booking%20portal")).await;
        assert_ok(&portal, 2.0, 10);
        assert_eq!(portal["filters"]["source"], "booking portal");
        assert_eq!(portal["settings"]["min_sample"], 10);
    }
}

dual_test! {
    async fn the_touchpoint_filter_narrows_survey_metrics(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let events = Events { app: &app, team: ann.team_id };
        events.surveys("nps", &[10, 10, 0], "2026-03-10", Some("phone")).await;
        events.surveys("nps", &[0, 0, 0, 0], "2026-03-10", Some("web form")).await;
        set_min_sample(&app, &ann, "nps", 1).await;

        let phone = value(&app, &ann, "nps", &format!("{MARCH}&touchpoint=phone")).await;
        // (2 − 1) / 3 = 33.3…
        assert_ok(&phone, 100.0 / 3.0, 3);
        assert_ok(&value(&app, &ann, "nps", MARCH).await, -300.0 / 7.0, 7);
        let nowhere = value(&app, &ann, "nps", &format!("{MARCH}&touchpoint=Messenger")).await;
        assert_insufficient(&nowhere, 0);
    }
}

dual_test! {
    async fn review_count_may_count_zero_when_its_minimum_is_zero(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let events = Events { app: &app, team: ann.team_id };
        events.reviews(&[5], "google", "2026-03-03").await;
        assert_ok(&value(&app, &ann, "review_count", MARCH).await, 1.0, 1);
        assert_insufficient(&value(&app, &ann, "review_count", "from=2026-05-01&to=2026-06-01").await, 0);
        set_min_sample(&app, &ann, "review_count", 0).await;
        assert_ok(&value(&app, &ann, "review_count", "from=2026-05-01&to=2026-06-01").await, 0.0, 0);
    }
}
