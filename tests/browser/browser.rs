//! Headless Chromium driven through a `chromedriver` child process.
//!
//! Each [`Browser`] has its own chromedriver on a free port, shut down and
//! killed (with any browser it started) when the browser is dropped, also
//! when a test panics. At most two browsers run at once within one test
//! process; nextest runs this binary's tests one at a time (see
//! `.config/nextest.toml`).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;
use tokio::sync::{Semaphore, SemaphorePermit};

/// The command that installs what these tests need, for the failure message.
pub const INSTALL: &str = "apt-get install -y chromium chromium-driver";

/// Two browsers at a time are as many as two cores carry.
static BROWSERS: Semaphore = Semaphore::const_new(2);

const WAIT: Duration = Duration::from_secs(15);

/// A desktop window; [`Browser::open_sized`] for others.
pub const DESKTOP: (u32, u32) = (1280, 900);

pub struct Browser {
    driver: Option<WebDriver>,
    /// Dropped after the driver, so the session ends before its server.
    _chromedriver: Chromedriver,
    _permit: SemaphorePermit<'static>,
    test: String,
    /// Emulating a phone's screen, which the window's size does not change.
    phone: bool,
}

impl Browser {
    /// A desktop-sized browser for the test named `test` (screenshots are
    /// named after it).
    pub async fn open(test: &str) -> Browser {
        Self::open_sized(test, DESKTOP).await
    }

    /// A phone: a viewport `width` CSS pixels wide (headless windows are
    /// never narrower than 500 px, so the page is emulated at that size).
    pub async fn open_phone(test: &str, width: u32) -> Browser {
        let metrics = serde_json::json!({
            "deviceMetrics": {"width": width, "height": 812, "pixelRatio": 1.0, "mobile": true}
        });
        Self::launch(test, DESKTOP, Some(metrics)).await
    }

    pub async fn open_sized(test: &str, size: (u32, u32)) -> Browser {
        Self::launch(test, size, None).await
    }

    async fn launch(
        test: &str,
        (width, height): (u32, u32),
        mobile: Option<serde_json::Value>,
    ) -> Browser {
        let permit = BROWSERS.acquire().await.expect("the semaphore stays open");
        let chromium = find_chromium();
        let chromedriver = Chromedriver::start();
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&chromium.display().to_string())
            .expect("binary set");
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--lang=en-US",
            &format!("--window-size={width},{height}"),
        ] {
            caps.add_arg(arg).expect("argument added");
        }
        let phone = mobile.is_some();
        if let Some(mobile) = mobile {
            caps.add_experimental_option("mobileEmulation", mobile)
                .expect("mobile emulation set");
        }
        let driver = WebDriver::new(chromedriver.url(), caps)
            .await
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
        Browser {
            driver: Some(driver),
            _chromedriver: chromedriver,
            _permit: permit,
            test: test.to_string(),
            phone,
        }
    }

    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("the browser is open")
    }

    /// Ends the browser session cleanly (dropping does it too, less politely).
    pub async fn quit(mut self) {
        if let Some(driver) = self.driver.take() {
            driver.quit().await.expect("browser quits");
        }
    }

    pub async fn goto(&self, url: &str) {
        self.driver()
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The path and query of the page shown now.
    pub async fn path(&self) -> String {
        let url = self.driver().current_url().await.expect("current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Waits until the page's path starts with `prefix`; returns the path.
    pub async fn wait_for_path(&self, prefix: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let path = self.path().await;
            if path.starts_with(prefix) {
                return path;
            }
            if Instant::now() > deadline {
                let body = self.body_text().await;
                panic!("expected a page under {prefix}, still on {path}:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The element matching the CSS selector, waiting for it to appear.
    pub async fn find(&self, css: &str) -> WebElement {
        match self
            .driver()
            .query(By::Css(css))
            .wait(WAIT, Duration::from_millis(50))
            .first()
            .await
        {
            Ok(element) => element,
            Err(e) => {
                let (path, body) = (self.path().await, self.body_text().await);
                panic!("no element {css:?} on {path} ({e}):\n{body}");
            }
        }
    }

    /// Whether an element matching the CSS selector is on the page now.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .driver()
            .find_all(By::Css(css))
            .await
            .expect("elements listed")
            .is_empty()
    }

    /// Types `text` into the field with this id, replacing what was there.
    pub async fn fill(&self, id: &str, text: &str) {
        let field = self.find(&format!("#{id}")).await;
        field.clear().await.expect("field cleared");
        field.send_keys(text).await.expect("typed");
    }

    /// Sets a date field (typing into one depends on the browser's locale).
    pub async fn set_date(&self, id: &str, iso_date: &str) {
        let field = self.find(&format!("#{id}")).await;
        self.driver()
            .execute(
                "arguments[0].value = arguments[1];",
                vec![
                    field.to_json().expect("element JSON"),
                    serde_json::json!(iso_date),
                ],
            )
            .await
            .expect("date set");
    }

    /// Chooses the option with this value in the select with this id.
    pub async fn select(&self, id: &str, value: &str) {
        let select = SelectElement::new(&self.find(&format!("#{id}")).await)
            .await
            .expect("a select element");
        select
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("no option {value:?} in #{id}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("clicked");
    }

    /// The visible text of the first element matching the CSS selector.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    /// The visible text of the whole page.
    pub async fn body_text(&self) -> String {
        match self.driver().find(By::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Panics unless the page's visible text contains `text`.
    /// A page still loading after a click gets up to ten seconds.
    pub async fn assert_text(&self, text: &str) {
        let mut body = self.body_text().await;
        for _ in 0..50 {
            if body.contains(text) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            body = self.body_text().await;
        }
        let path = self.path().await;
        assert!(body.contains(text), "expected {text:?} on {path}:\n{body}");
    }

    /// Saves `target/screenshots/<test>-<step>.png`: the whole page, the
    /// window stretched to its height for the shot (phones: the screen).
    pub async fn screenshot(&self, step: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        let path = dir.join(format!("{}-{step}.png", self.test));
        let driver = self.driver();
        let window = driver.get_window_rect().await.expect("window size");
        if !self.phone {
            let height: i64 = driver
                .execute(
                    "window.scrollTo(0, 0); return document.documentElement.scrollHeight;",
                    Vec::new(),
                )
                .await
                .and_then(|r| r.convert())
                .expect("page height");
            let height = (height + 100).clamp(window.height, 6000) as u32;
            driver
                .set_window_rect(0, 0, window.width as u32, height)
                .await
                .expect("window stretched");
        }
        driver
            .screenshot(&path)
            .await
            .unwrap_or_else(|e| panic!("cannot save {}: {e}", path.display()));
        if !self.phone {
            driver
                .set_window_rect(0, 0, window.width as u32, window.height as u32)
                .await
                .expect("window restored");
        }
        path
    }

    /// Whether the page is wider than the window (a horizontal scrollbar).
    pub async fn overflows_horizontally(&self) -> bool {
        let answer = self
            .driver()
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth;",
                Vec::new(),
            )
            .await
            .expect("script ran");
        answer.convert().expect("a boolean")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Not quit (a test failed): thirtyfour's own fallback would block
        // this runtime on a DELETE for minutes; chromedriver's shutdown,
        // next, closes the browser at once.
        if let Some(driver) = self.driver.take() {
            let _ = driver.leak();
        }
    }
}

/// Chromium, or a failure that says how to install it.
fn find_chromium() -> PathBuf {
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.exists() {
        return debian;
    }
    which("chromium").unwrap_or_else(|| {
        panic!("chromium is not installed (looked for /usr/bin/chromium and on PATH); install it with `{INSTALL}`")
    })
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    })
}

/// A running chromedriver, in a process group of its own so the browsers
/// it starts go with it.
struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    fn start() -> Chromedriver {
        let program = which("chromedriver").unwrap_or_else(|| {
            panic!("chromedriver is not installed (not on PATH); install it with `{INSTALL}`")
        });
        let port = free_port();
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let mut driver = Chromedriver { child, port };
        driver.wait_until_ready();
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "chromedriver exited at start ({status}) on port {}",
                    self.port
                );
            }
            if self
                .get("/status")
                .is_some_and(|r| r.contains("\"ready\":true"))
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not get ready within {WAIT:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A plain GET to chromedriver, `None` when it does not answer.
    fn get(&self, path: &str) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        );
        stream.write_all(request.as_bytes()).ok()?;
        // Whatever arrives before the end or a pause: chromedriver may keep
        // the connection open after its answer.
        let mut answer = Vec::new();
        let mut chunk = [0; 4096];
        while let Ok(n @ 1..) = stream.read(&mut chunk) {
            answer.extend_from_slice(&chunk[..n]);
            if answer.ends_with(b"}") {
                break;
            }
        }
        Some(String::from_utf8_lossy(&answer).into_owned())
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // Asked politely, chromedriver closes its browsers; then the group goes.
        let _ = self.get("/shutdown");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
