//! The Achievable advice: the pace a goal needs against the metric's best and
//! typical pace over a year of weekly values.
//!
//! The history is a year of average ratings, four reviews a week, that moves
//! a quarter of a star every 8 weeks for 32 weeks and then holds for 20:
//! over the 44 past 8-week periods it rose 0.25 (0.03125 a week) 32 times
//! and stood still 12 times. The goals are due in exactly 8 weeks.

use chrono::Datelike;

use super::*;

/// Four reviews in each of the 52 whole ISO weeks before this one (oldest
/// first), on Thursday at noon: `fours(week)` of them 4 stars, the rest 3.
fn a_year_of_reviews(fours: impl Fn(i64) -> i64) -> Value {
    let today = Utc::now().date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let monday = monday.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let mut reviews = Vec::new();
    for week in 0..52 {
        let thursday_noon = monday - Duration::weeks(52 - week) + Duration::hours(3 * 24 + 12);
        for n in 0..4 {
            let rating = if n < fours(week) { 4 } else { 3 };
            reviews.push(review(&format!("w{week}-{n}"), rating, thursday_noon));
        }
    }
    json!(reviews)
}

/// A team of its own with the history, a minimum sample of one week's reviews.
async fn team_with_history(
    app: &TestApp,
    email: &str,
    team: &str,
    fours: impl Fn(i64) -> i64,
) -> TestUser {
    let user = app.user(email, team, Role::Manager).await;
    set_settings(app, &user, "avg_rating", 4, 14).await;
    let report = send_ok(app, &user, "reviews", &a_year_of_reviews(fours)).await;
    assert_eq!(report["new"], 208);
    user
}

/// An active goal on the average rating towards `target`, its baseline
/// captured from the last 30 days; returns it as GET answers.
async fn goal_towards(app: &TestApp, user: &TestUser, target: f64) -> Value {
    let id = id_of(
        &app.create_goal(
            user,
            &measured_goal(user.team_id, "avg_rating", None, target),
        )
        .await,
    );
    read(app, user, id).await
}

/// The `advice` of the goal's Achievable criterion.
fn advice(goal: &Value) -> &Value {
    let criteria = goal["smart_check"]["criteria"].as_array().unwrap();
    let achievable = criteria
        .iter()
        .find(|c| c["criterion"] == "achievable")
        .unwrap();
    assert_eq!(achievable["met"], true, "advice never blocks: {achievable}");
    &achievable["advice"]
}

/// Asserts the numbers behind a verdict.
#[track_caller]
fn assert_paces(advice: &Value, needed: f64, best: f64, typical: f64) {
    approx(&advice["needed_per_week"], needed);
    approx(&advice["best_per_week"], best);
    approx(&advice["typical_per_week"], typical);
    assert_eq!(
        (advice["period_weeks"].as_u64(), advice["periods"].as_u64()),
        (Some(8), Some(44)),
        "{advice}"
    );
}

dual_test! {
    async fn a_modest_target_is_within_history_and_an_ambitious_one_a_stretch_with_numbers(app: TestApp) {
        // 3.0, 3.25, 3.5, 3.75 for 8 weeks each, then 4.0 for the last 20.
        let ann = team_with_history(&app, "ann@example.com", "Smile Dental Clinic", |week| (week / 8).min(4)).await;

        let modest = goal_towards(&app, &ann, 4.2).await;
        assert_eq!(modest["measurable"]["baseline"], 4.0, "{modest}");
        assert_eq!(modest["progress"]["current"], 4.0);
        let within = advice(&modest);
        assert_eq!(within["verdict"], "within_history", "{within}");
        assert_eq!(
            within["message"],
            "within what the data has done before: it needs 0.025 per week; \
             over 44 past 8-week periods the best was 0.031 and the typical 0.031"
        );
        assert_paces(within, 0.2 / 8.0, 0.03125, 0.03125);

        let ambitious = goal_towards(&app, &ann, 5.0).await;
        let stretch = advice(&ambitious);
        assert_eq!(stretch["verdict"], "stretch", "{stretch}");
        assert_eq!(
            stretch["message"],
            "stretch: 4.0× the best pace on record; it needs 0.125 per week; \
             over 44 past 8-week periods the best was 0.031 and the typical 0.031"
        );
        assert_paces(stretch, 0.125, 0.03125, 0.03125);
        assert_eq!(ambitious["status"], "active", "the goal is still allowed");

        // Lists leave the advice out to stay fast.
        let list = get_ok(&app, &ann, &format!("/api/v1/goals?team={}", ann.team_id)).await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        for item in items {
            let criteria = item["smart_check"]["criteria"].as_array().unwrap();
            assert!(criteria.iter().all(|c| c.get("advice").is_none()), "{item}");
        }
    }
}

dual_test! {
    async fn a_metric_that_only_ever_slid_has_no_precedent_for_improving(app: TestApp) {
        // 4.0, 3.75, 3.5, 3.25 for 8 weeks each, then 3.0 for the last 20.
        let bob = team_with_history(&app, "bob@example.com", "Family Dentists", |week| 4 - (week / 8).min(4)).await;

        let goal = goal_towards(&app, &bob, 3.5).await;
        assert_eq!(goal["measurable"]["baseline"], 3.0, "{goal}");
        let advice = advice(&goal);
        assert_eq!(advice["verdict"], "no_precedent", "{advice}");
        assert_eq!(
            advice["message"],
            "no precedent in the data: the metric never improved over 8 weeks; it needs 0.063 per week; \
             over 44 past 8-week periods the best was 0 and the typical -0.031"
        );
        assert_paces(advice, 0.0625, 0.0, -0.03125);
    }
}
