//! A flood of logins through the login form: each worker fetches the form
//! once (for its CSRF cookie), then posts the right password again and
//! again, each time over a fresh connection, until told to stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::task::JoinSet;

use smarter::web::csrf::PRE_SESSION_COOKIE;
use smarter::web::session::cookie_name;

use crate::http::request;

/// How long one login may take before it counts as failed.
const LIMIT: Duration = Duration::from_secs(60);

/// What the workers did.
#[derive(Debug, Default)]
pub struct Counts {
    pub ok: u64,
    pub failed: u64,
    pub elapsed: Duration,
    /// The first failure, to show why.
    pub first_error: Option<String>,
}

/// Workers logging in until [`Flood::stop`].
pub struct Flood {
    stop: Arc<AtomicBool>,
    ok: Arc<AtomicU64>,
    workers: JoinSet<anyhow::Result<u64>>,
    started: Instant,
}

impl Flood {
    pub fn start(port: u16, workers: u32, email: &str, password: &str) -> Flood {
        let stop = Arc::new(AtomicBool::new(false));
        let ok = Arc::new(AtomicU64::new(0));
        let mut set = JoinSet::new();
        for _ in 0..workers {
            let (stop, ok) = (stop.clone(), ok.clone());
            let (email, password) = (email.to_string(), password.to_string());
            set.spawn(async move { worker(port, &email, &password, &stop, &ok).await });
        }
        Flood {
            stop,
            ok,
            workers: set,
            started: Instant::now(),
        }
    }

    /// Logins that succeeded so far.
    pub fn ok_so_far(&self) -> u64 {
        self.ok.load(Ordering::Relaxed)
    }

    /// Stops the workers after their current login.
    pub async fn stop(mut self) -> Counts {
        self.stop.store(true, Ordering::Relaxed);
        let mut counts = Counts::default();
        while let Some(joined) = self.workers.join_next().await {
            match joined.map_err(anyhow::Error::from).and_then(|r| r) {
                Ok(_) => {}
                Err(err) => {
                    counts.failed += 1;
                    counts.first_error.get_or_insert(format!("{err:#}"));
                }
            }
        }
        counts.ok = self.ok.load(Ordering::Relaxed);
        counts.elapsed = self.started.elapsed();
        counts
    }
}

/// Logs in until stopped; a failed login ends the worker with its error.
async fn worker(
    port: u16,
    email: &str,
    password: &str,
    stop: &AtomicBool,
    ok: &AtomicU64,
) -> anyhow::Result<u64> {
    let login = LoginForm::fetch(port, email, password).await?;
    let mut done = 0;
    while !stop.load(Ordering::Relaxed) {
        login.post(port).await?;
        done += 1;
        ok.fetch_add(1, Ordering::Relaxed);
    }
    Ok(done)
}

/// Logs in once; returns the session cookie as a request header line.
pub async fn session_header(port: u16, email: &str, password: &str) -> anyhow::Result<String> {
    let session = LoginForm::fetch(port, email, password)
        .await?
        .post(port)
        .await?;
    Ok(format!("Cookie: {}={session}", cookie_name(false)))
}

/// A filled-in login form with the CSRF cookie its page set.
struct LoginForm {
    body: String,
    cookie: String,
}

impl LoginForm {
    async fn fetch(port: u16, email: &str, password: &str) -> anyhow::Result<LoginForm> {
        let page = request(port, "GET", "/login", &[], &[], LIMIT).await?;
        let csrf = page
            .cookie(PRE_SESSION_COOKIE)
            .context("the login page set no CSRF cookie")?;
        let body = serde_urlencoded::to_string([
            ("csrf", csrf),
            ("next", "/goals"),
            ("email", email),
            ("password", password),
        ])?;
        Ok(LoginForm {
            body,
            cookie: format!("Cookie: {PRE_SESSION_COOKIE}={csrf}"),
        })
    }

    /// Posts the form; returns the new session's cookie value.
    async fn post(&self, port: u16) -> anyhow::Result<String> {
        let headers = [
            "Content-Type: application/x-www-form-urlencoded",
            self.cookie.as_str(),
        ];
        let answer = request(
            port,
            "POST",
            "/login",
            &headers,
            self.body.as_bytes(),
            LIMIT,
        )
        .await?;
        match answer.cookie(cookie_name(false)) {
            Some(session) if answer.status == 303 => Ok(session.to_string()),
            _ => bail!(
                "login answered {}: {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            ),
        }
    }
}
