//! Every main page, opened from a signed-in browser: each must show the
//! app's frame with its own nav entry marked (an error page has no frame),
//! and on a phone none may scroll sideways.

use crate::browser::Browser;

/// A page to visit: its path and the nav entry it belongs to.
pub struct Stop {
    pub name: &'static str,
    pub path: String,
    pub nav: &'static str,
}

/// The main pages of a team whose goal `goal_id` has been reviewed once.
pub fn main_pages(team: i32, goal_id: &str) -> Vec<Stop> {
    let stop = |name, path: String, nav| Stop { name, path, nav };
    vec![
        stop("goals", format!("/goals?team={team}"), "Goals"),
        stop("goal", format!("/goals/{goal_id}"), "Goals"),
        stop("goal-edit", format!("/goals/{goal_id}/edit"), "Goals"),
        stop("goal-new", format!("/goals/new?team={team}"), "Goals"),
        stop("reviews", format!("/reviews?team={team}"), "Reviews"),
        stop("metrics", format!("/metrics?team={team}"), "Metrics"),
        stop(
            "metric",
            format!("/metrics/avg_rating?team={team}"),
            "Metrics",
        ),
        stop("data", format!("/imports?team={team}"), "Data"),
        stop("outbox", format!("/outbox?team={team}"), "Outbox"),
        stop("admin", format!("/admin/users?team={team}"), "Admin"),
        stop(
            "tokens",
            format!("/account/tokens?team={team}"),
            "API tokens",
        ),
    ]
}

/// Opens each page, checks its frame and saves a screenshot named
/// `<step>-<page>`; on a phone, also checks that nothing scrolls sideways.
pub async fn visit(browser: &Browser, address: &str, pages: &[Stop], step: &str, phone: bool) {
    let mut too_wide = Vec::new();
    for page in pages {
        browser.goto(&format!("{address}{}", page.path)).await;
        let current = browser.text("header.top nav a[aria-current=page]").await;
        assert_eq!(current, page.nav, "{} shows its nav entry", page.path);
        browser.screenshot(&format!("{step}-{}", page.name)).await;
        if phone && browser.overflows_horizontally().await {
            too_wide.push(page.path.clone());
        }
    }
    assert!(too_wide.is_empty(), "wider than the phone: {too_wide:?}");
}
