//! A fresh installation: the start page leads to the setup form, which
//! refuses a short password and keeps what was typed, then signs the first
//! admin in.

use crate::app::App;
use crate::browser::Browser;

#[tokio::test]
async fn first_run_setup_refuses_a_short_password_then_signs_the_admin_in() {
    let app = App::spawn().await;
    let browser = Browser::open("first_run").await;

    browser.goto(&app.url("/")).await;
    browser.wait_for_path("/setup").await;
    browser.screenshot("1-setup").await;

    browser.fill("team", "Smile Dental Clinic").await;
    browser.fill("name", "Ann Manager").await;
    browser.fill("email", "ann@example.com").await;
    browser.fill("password", "short").await;
    browser.fill("password_again", "short").await;
    browser.click("button[type=submit]").await;

    let error = browser.text("#password-error").await;
    assert!(error.contains("10"), "the message names the rule: {error}");
    let field = browser.find("#password").await;
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    let team = browser.find("#team").await.value().await.unwrap();
    assert_eq!(
        team.as_deref(),
        Some("Smile Dental Clinic"),
        "the input is kept"
    );
    browser.screenshot("2-password-too-short").await;

    browser.fill("password", "a long enough password").await;
    browser
        .fill("password_again", "a long enough password")
        .await;
    browser.click("button[type=submit]").await;

    browser.wait_for_path("/goals").await;
    browser.assert_text("Ann Manager").await;
    browser.assert_text("Smile Dental Clinic").await;
    assert!(
        browser.has("form[action='/logout'] button").await,
        "signed in: a logout button"
    );
    browser.screenshot("3-signed-in").await;

    // The setup page is gone once it is done.
    browser.goto(&app.url("/setup")).await;
    browser.assert_text("already been set up").await;
    browser.quit().await;
}
