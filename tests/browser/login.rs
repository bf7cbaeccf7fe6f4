//! Logging in and out through the login form, and the login page on a
//! phone-sized screen.

use smarter::domain::account::Role;

use crate::app::{App, PASSWORD, User};
use crate::browser::Browser;

async fn log_in(browser: &Browser, app: &App, email: &str, password: &str) {
    browser.goto(&app.url("/login")).await;
    browser.fill("email", email).await;
    browser.fill("password", password).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
}

async fn ann(app: &App) -> User {
    app.user("ann@example.com", "Ann Manager", "Clinic", Role::Manager)
        .await
}

#[tokio::test]
async fn a_wrong_password_shows_the_message_and_keeps_the_email() {
    let app = App::spawn().await;
    ann(&app).await;
    let browser = Browser::open("login_wrong_password").await;

    log_in(&browser, &app, "ann@example.com", "not the password").await;

    let message = browser.text("[role=alert]").await;
    assert_eq!(message, "The email or the password is wrong.");
    assert_eq!(browser.path().await, "/login");
    let email = browser.find("#email").await.value().await.unwrap();
    assert_eq!(email.as_deref(), Some("ann@example.com"));
    browser.screenshot("1-wrong-password").await;
    browser.quit().await;
}

#[tokio::test]
async fn login_leads_to_the_goals_and_logout_back_to_the_login_page() {
    let app = App::spawn().await;
    let ann = ann(&app).await;
    let browser = Browser::open("login_logout").await;

    // A page behind the login comes back after it.
    browser
        .goto(&app.url(&format!("/goals?team={}", ann.team_id)))
        .await;
    browser.wait_for_path("/login").await;
    browser.fill("email", "ann@example.com").await;
    browser.fill("password", PASSWORD).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    let path = browser.wait_for_path("/goals").await;
    assert_eq!(path, format!("/goals?team={}", ann.team_id));
    browser.assert_text("Ann Manager").await;
    browser.screenshot("1-signed-in").await;

    browser.click("form[action='/logout'] button").await;
    browser.wait_for_path("/login").await;
    browser.screenshot("2-logged-out").await;

    // The session is over: the goals send back to the login page.
    browser.goto(&app.url("/goals")).await;
    browser.wait_for_path("/login").await;
    browser.quit().await;
}

#[tokio::test]
async fn the_login_page_fits_a_375_pixel_wide_phone() {
    let app = App::spawn().await;
    ann(&app).await;
    let browser = Browser::open_phone("login_phone", 375).await;
    browser.goto(&app.url("/login")).await;
    browser.find("#email").await;
    let width: u32 = browser
        .driver()
        .execute("return window.innerWidth;", Vec::new())
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert_eq!(width, 375, "the window is phone-sized: {width}");
    assert!(
        !browser.overflows_horizontally().await,
        "no sideways scrolling at 375 px"
    );
    browser.screenshot("1-login-375px").await;
    browser.quit().await;
}
