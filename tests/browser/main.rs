//! End-to-end tests in a real browser: each test starts the service on a
//! random port over a fresh SQLite database, starts `chromedriver` and opens
//! headless Chromium, then uses the pages as a manager would (forms,
//! buttons, links; no JavaScript of ours is involved, the pages have none).
//! Screenshots of the main pages land in `target/screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them); without them the tests fail and say how to install them.

mod app;
mod browser;
#[path = "../common/serve.rs"]
mod serve;

mod first_run;
mod goals;
mod login;
mod tour;
