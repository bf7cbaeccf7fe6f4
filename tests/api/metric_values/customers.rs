//! Customer metrics from orders: repeat purchase, returning customers, churn
//! and referrals, with the window edges.

use smarter::domain::account::Role;

use super::{Events, assert_insufficient, assert_ok, point, series, set_min_sample, value};
use crate::helpers::{TestApp, TestUser, dual_test};

const MARCH: &str = "from=2026-03-01&to=2026-04-01";
const CUSTOMER_METRICS: [&str; 4] = [
    "repeat_purchase_rate",
    "returning_customer_rate",
    "churn_rate",
    "referral_rate",
];

async fn min_sample_one(app: &TestApp, user: &TestUser) {
    for key in CUSTOMER_METRICS {
        set_min_sample(app, user, key, 1).await;
    }
}

/// March 2026 is the window; the 31 days before it (from 29 January) the
/// previous window.
///
/// | customer | orders | in March |
/// |---|---|---|
/// | A | 2025-12-01, 03-05 web, 03-20 phone | 2 orders, ordered before |
/// | B | 02-10 web, 03-10 phone | 1 order, ordered before; kept from February |
/// | C | 02-15 web | churned |
/// | D | 03-01 00:00 web, referred by A | new, first order exactly at the start |
/// | E | 03-15 phone, 03-16 phone | new, 2 orders |
/// | F | 02-20 phone, 04-02 | churned (April is after the window) |
/// | G | 04-01 00:00 | outside: the window ends before it |
pub async fn shop(events: &Events<'_>) {
    events.order("A", "2025-12-01", Some("web"), None).await;
    events
        .order("A", "2026-03-05T10:00:00Z", Some("web"), None)
        .await;
    events
        .order("A", "2026-03-20T10:00:00Z", Some("phone"), None)
        .await;
    events.order("B", "2026-02-10", Some("web"), None).await;
    events.order("B", "2026-03-10", Some("phone"), None).await;
    events.order("C", "2026-02-15", Some("web"), None).await;
    events
        .order("D", "2026-03-01T00:00:00Z", Some("web"), Some("A"))
        .await;
    events.order("E", "2026-03-15", Some("phone"), None).await;
    events.order("E", "2026-03-16", Some("phone"), None).await;
    events.order("F", "2026-02-20", Some("phone"), None).await;
    events.order("F", "2026-04-02", None, None).await;
    events
        .order("G", "2026-04-01T00:00:00Z", None, Some("A"))
        .await;
}

async fn assert_shop_rates(app: &TestApp, ann: &TestUser) {
    // March's customers: A, B, D, E. Repeat: A and E.
    let repeat = value(app, ann, "repeat_purchase_rate", MARCH).await;
    assert_ok(&repeat, 50.0, 4);
    assert_eq!(repeat["denominator"], 4);
    // Ordered before March: A and B; D's first order is at the start, so new.
    assert_ok(
        &value(app, ann, "returning_customer_rate", MARCH).await,
        50.0,
        4,
    );
    // Previous window: B, C, F; C and F did not order in March.
    let churn = value(app, ann, "churn_rate", MARCH).await;
    assert_ok(&churn, 200.0 / 3.0, 3);
    assert_eq!(churn["previous_from"], "2026-01-29T00:00:00Z");
    // New in March: D (referred) and E.
    assert_ok(&value(app, ann, "referral_rate", MARCH).await, 50.0, 2);
    // February and March as a series (February: B, C, F, all new).
    let months = "from=2026-02-01&to=2026-04-01&bucket=month";
    let repeat = series(app, ann, "repeat_purchase_rate", months).await;
    assert_ok(point(&repeat, 0), 0.0, 3);
    assert_ok(point(&repeat, 1), 50.0, 4);
    let returning = series(app, ann, "returning_customer_rate", months).await;
    assert_ok(point(&returning, 1), 50.0, 4);
    let churn = series(app, ann, "churn_rate", months).await;
    assert_insufficient(point(&churn, 0), 0);
    assert_ok(point(&churn, 1), 200.0 / 3.0, 3);
    let web_churn = series(app, ann, "churn_rate", &format!("{months}&channel=web")).await;
    assert_ok(point(&web_churn, 1), 50.0, 2);
    let web_returning = series(
        app,
        ann,
        "returning_customer_rate",
        &format!("{months}&channel=web"),
    )
    .await;
    assert_ok(point(&web_returning, 1), 50.0, 2);
    let referral = series(app, ann, "referral_rate", months).await;
    assert_ok(point(&referral, 0), 0.0, 3);
    assert_ok(point(&referral, 1), 50.0, 2);
}

dual_test! {
    async fn customer_rates_are_hand_computed(app: TestApp) {
        let ann = app.user("ann@example.com", "Shop", Role::Manager).await;
        shop(&Events { app: &app, team: ann.team_id }).await;
        min_sample_one(&app, &ann).await;
        assert_shop_rates(&app, &ann).await;
    }
}

dual_test! {
    async fn a_long_history_gives_the_same_rates(app: TestApp) {
        // An old customer makes March a sliver of the history, which changes
        // how SQLite reads it; the answers must not change.
        let ann = app.user("ann@example.com", "Shop", Role::Manager).await;
        let events = Events { app: &app, team: ann.team_id };
        shop(&events).await;
        events.order("Z", "2016-06-01", Some("web"), None).await;
        events.order("A", "2017-01-01", Some("web"), None).await;
        min_sample_one(&app, &ann).await;
        assert_shop_rates(&app, &ann).await;
        assert_channel_rates(&app, &ann).await;
    }
}

async fn assert_channel_rates(app: &TestApp, ann: &TestUser) {
    let web = format!("{MARCH}&channel=web");
    // Web customers in March: A (2 orders, one by phone) and D.
    assert_ok(
        &value(app, ann, "repeat_purchase_rate", &web).await,
        50.0,
        2,
    );
    assert_ok(
        &value(app, ann, "returning_customer_rate", &web).await,
        50.0,
        2,
    );
    // Web customers of the previous window: B and C; B came back by phone.
    let churn = value(app, ann, "churn_rate", &web).await;
    assert_ok(&churn, 50.0, 2);
    assert_eq!(churn["filters"]["channel"], "web");
    // New customers whose first order was on the web: D, referred.
    assert_ok(&value(app, ann, "referral_rate", &web).await, 100.0, 1);

    let phone = format!("{MARCH}&channel=phone");
    assert_ok(
        &value(app, ann, "repeat_purchase_rate", &phone).await,
        200.0 / 3.0,
        3,
    );
    assert_ok(&value(app, ann, "churn_rate", &phone).await, 100.0, 1);
    assert_ok(&value(app, ann, "referral_rate", &phone).await, 0.0, 1);
}

dual_test! {
    async fn the_channel_filter_picks_the_customers_and_all_orders_count(app: TestApp) {
        let ann = app.user("ann@example.com", "Shop", Role::Manager).await;
        shop(&Events { app: &app, team: ann.team_id }).await;
        min_sample_one(&app, &ann).await;
        assert_channel_rates(&app, &ann).await;
    }
}

dual_test! {
    async fn one_customer_is_a_sample_of_one(app: TestApp) {
        let ann = app.user("ann@example.com", "Shop", Role::Manager).await;
        let events = Events { app: &app, team: ann.team_id };
        events.order("solo", "2026-03-03", None, Some("friend")).await;
        min_sample_one(&app, &ann).await;
        assert_ok(&value(&app, &ann, "repeat_purchase_rate", MARCH).await, 0.0, 1);
        assert_ok(&value(&app, &ann, "returning_customer_rate", MARCH).await, 0.0, 1);
        assert_ok(&value(&app, &ann, "referral_rate", MARCH).await, 100.0, 1);
        // Nobody ordered in the previous window: nothing to churn from.
        let churn = value(&app, &ann, "churn_rate", MARCH).await;
        assert_insufficient(&churn, 0);
        assert_eq!(churn["denominator"], 0);
    }
}

dual_test! {
    async fn customer_rates_need_thirty_customers_by_default(app: TestApp) {
        let ann = app.user("ann@example.com", "Shop", Role::Viewer).await;
        let events = Events { app: &app, team: ann.team_id };
        for i in 0..30 {
            events.order(&format!("c{i}"), "2026-03-03", None, None).await;
        }
        events.order("c0", "2026-03-04", None, None).await;
        let thirty = value(&app, &ann, "repeat_purchase_rate", MARCH).await;
        // One of thirty ordered twice.
        assert_ok(&thirty, 100.0 / 30.0, 30);
        assert_eq!(thirty["min_sample"], 30);
        // All thirty are new; none was referred.
        assert_ok(&value(&app, &ann, "referral_rate", MARCH).await, 0.0, 30);
        // April's previous window is the 30 days from 2 March: all thirty, none came back.
        let april = value(&app, &ann, "churn_rate", "from=2026-04-01&to=2026-05-01").await;
        assert_ok(&april, 100.0, 30);
        // A day's previous window is the day before: nobody ordered then.
        let day = value(&app, &ann, "churn_rate", "from=2026-03-20&to=2026-03-21").await;
        assert_insufficient(&day, 0);
    }
}

dual_test! {
    async fn an_empty_window_has_no_customer_rates(app: TestApp) {
        let ann = app.user("ann@example.com", "Shop", Role::Manager).await;
        min_sample_one(&app, &ann).await;
        for key in CUSTOMER_METRICS {
            let body = value(&app, &ann, key, MARCH).await;
            assert_insufficient(&body, 0);
            assert_eq!(body["denominator"], 0, "{key}");
        }
    }
}

dual_test! {
    async fn of_two_first_orders_at_one_moment_the_one_stored_first_counts(app: TestApp) {
        let ann = app.user("ann@example.com", "Shop", Role::Manager).await;
        let events = Events { app: &app, team: ann.team_id };
        min_sample_one(&app, &ann).await;
        events.order("T", "2026-03-05T09:00:00Z", Some("web"), None).await;
        events.order("T", "2026-03-05T09:00:00Z", Some("phone"), Some("A")).await;
        events.order("U", "2026-03-06T09:00:00Z", Some("phone"), Some("A")).await;
        events.order("U", "2026-03-06T09:00:00Z", Some("web"), None).await;
        // T's first order is the unreferred web one, U's the referred phone one.
        assert_ok(&value(&app, &ann, "referral_rate", MARCH).await, 50.0, 2);
        let phone = value(&app, &ann, "referral_rate", &format!("{MARCH}&channel=phone")).await;
        assert_ok(&phone, 100.0, 1);
        // The same when March is a sliver of a long history.
        events.order("Z", "2016-06-01", None, None).await;
        assert_ok(&value(&app, &ann, "referral_rate", MARCH).await, 50.0, 2);
        let phone = value(&app, &ann, "referral_rate", &format!("{MARCH}&channel=phone")).await;
        assert_ok(&phone, 100.0, 1);
    }
}
