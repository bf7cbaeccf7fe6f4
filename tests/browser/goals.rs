//! A manager's whole round: upload the reviews as CSV, create a goal on
//! the average rating through the SMART form (one mistake, corrected), see
//! it on the dashboard and its page with the chart, then answer the review
//! from the emailed link and readjust the target. Then every main page,
//! on a desktop and on a phone.

use std::fmt::Write;

use chrono::{Duration, Utc};
use smarter::domain::account::Role;

use crate::app::{App, PASSWORD, User};
use crate::browser::Browser;
use crate::tour;

const TITLE: &str = "Patients rate us higher";
const REVIEWS: i64 = 210;

#[tokio::test]
async fn a_goal_from_csv_data_to_an_answered_review_that_readjusts_the_target() {
    let app = App::spawn().await;
    let ann = app
        .user(
            "ann@example.com",
            "Ann Manager",
            "Smile Dental Clinic",
            Role::Admin,
        )
        .await;
    let browser = Browser::open("goal_round").await;
    log_in(&browser, &app, &ann).await;

    upload_reviews(&browser, &app, &ann).await;
    let goal_path = create_goal(&browser, &app, &ann).await;
    see_it_on_the_dashboard(&browser, &app, &ann).await;

    // A week later the first review is due: its email carries the link.
    assert_eq!(app.run_reviews(Utc::now() + Duration::days(8)).await, 1);
    let link = app.review_link_for("ann@example.com");
    answer_the_review(&browser, &link).await;

    browser.goto(&app.url(&goal_path)).await;
    let facts = browser.text("dl.facts").await;
    assert!(
        facts.contains("4.3 (originally 4.5)"),
        "the new target: {facts}"
    );
    browser
        .assert_text("Reason: Fewer reviews came in than planned")
        .await;
    browser.screenshot("7-goal-readjusted").await;

    let goal_id = goal_path.trim_start_matches("/goals/");
    let pages = tour::main_pages(ann.team_id, goal_id);
    tour::visit(&browser, &app.address, &pages, "8", false).await;
    browser.quit().await;

    let phone = Browser::open_phone("goal_round_phone", 375).await;
    log_in(&phone, &app, &ann).await;
    tour::visit(&phone, &app.address, &pages, "1", true).await;
    phone.quit().await;
}

async fn log_in(browser: &Browser, app: &App, user: &User) {
    browser.goto(&app.url("/login")).await;
    browser.fill("email", &user.email).await;
    browser.fill("password", PASSWORD).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_path("/goals").await;
}

/// Five reviews a day over the last six weeks (enough for a weekly
/// average), 3.8 stars on average.
fn reviews_csv() -> String {
    let today = Utc::now().date_naive();
    let mut csv = String::from("review_id,customer_id,rating,source,reviewed_at,text\n");
    for i in 0..REVIEWS {
        let day = today - Duration::days(42 - i / 5);
        let rating = [3, 4, 4, 5, 3][i as usize % 5];
        writeln!(
            csv,
            "r{i:04},p{:03},{rating},google,{day},Visit {i}",
            i % 17
        )
        .unwrap();
    }
    csv
}

async fn upload_reviews(browser: &Browser, app: &App, ann: &User) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reviews.csv");
    std::fs::write(&file, reviews_csv()).unwrap();

    browser
        .goto(&app.url(&format!("/imports?team={}", ann.team_id)))
        .await;
    let input = browser.find("#file-reviews").await;
    input.send_keys(file.display().to_string()).await.unwrap();
    browser
        .click("form[action^='/imports/reviews'] button[type=submit]")
        .await;
    let notice = browser.text(".import-result [role=status]").await;
    let read = format!("{REVIEWS} reviews rows read: {REVIEWS} new");
    assert!(notice.contains(&read), "{notice}");
    browser.screenshot("1-reviews-imported").await;
}

/// Fills the SMART form with a deadline before the start, corrects it and
/// activates the goal; returns the goal page's path.
async fn create_goal(browser: &Browser, app: &App, ann: &User) -> String {
    let today = Utc::now().date_naive();
    browser
        .goto(&app.url(&format!("/goals/new?team={}", ann.team_id)))
        .await;
    browser.fill("f-title", TITLE).await;
    browser
        .fill(
            "f-what",
            "Ask every patient for a review the day after the visit and answer each one",
        )
        .await;
    browser
        .fill("f-why", "New patients choose a clinic by its stars")
        .await;
    browser.select("f-metric", "avg_rating").await;
    browser.fill("f-baseline", "3.8").await;
    browser.fill("f-target", "4.5").await;
    browser
        .fill("f-resources", "Reception spends ten minutes a day on it")
        .await;
    browser
        .fill("f-strategy", "Grow through recommendations")
        .await;
    browser.select("f-journey_stage", "advocacy").await;
    browser.set_date("f-start", &today.to_string()).await;
    browser
        .set_date("f-deadline", &(today - Duration::days(1)).to_string())
        .await;
    browser.select("f-cadence", "weekly").await;
    browser.fill("f-timezone", "UTC").await;
    browser.fill("f-time_of_day", "09:00").await;
    browser.screenshot("2-goal-form").await;
    browser.click("button[name=intent][value=activate]").await;

    let error = browser.text("#f-deadline-error").await;
    assert!(!error.is_empty(), "the deadline is marked");
    let title = browser.find("#f-title").await.value().await.unwrap();
    assert_eq!(title.as_deref(), Some(TITLE), "the input is kept");
    browser.screenshot("3-deadline-before-start").await;

    browser
        .set_date("f-deadline", &(today + Duration::days(180)).to_string())
        .await;
    browser.click("button[name=intent][value=activate]").await;
    let path = browser.wait_for_path("/goals/").await;
    assert_eq!(browser.text("h1").await, TITLE);
    assert!(
        browser.has("figure.chart svg.chart").await,
        "the goal page has its chart"
    );
    browser.screenshot("4-goal-page").await;
    path
}

async fn see_it_on_the_dashboard(browser: &Browser, app: &App, ann: &User) {
    browser
        .goto(&app.url(&format!("/goals?team={}", ann.team_id)))
        .await;
    let card = browser.text(".goal-card").await;
    assert!(card.contains(TITLE), "{card}");
    assert!(card.contains("target 4.5"), "{card}");
    assert!(
        browser.has(".goal-card svg.sparkline").await,
        "the card has its trend"
    );
    browser.screenshot("5-dashboard").await;
}

async fn answer_the_review(browser: &Browser, link: &str) {
    browser.goto(link).await;
    browser.assert_text(&format!("Review: {TITLE}")).await;
    browser
        .fill("f-went_well", "Most patients we asked left a review")
        .await;
    browser
        .fill("f-blocked", "Two weeks without a receptionist")
        .await;
    browser.click("input[name=confidence][value='3']").await;
    browser.click("input[name=decision][value=readjust]").await;
    browser
        .fill("f-reason", "Fewer reviews came in than planned")
        .await;
    browser.fill("f-target", "4.3").await;
    browser.screenshot("6-review-form").await;
    browser.click("form.review-form button[type=submit]").await;
    browser
        .assert_text("Thank you: your answer is recorded")
        .await;
}
