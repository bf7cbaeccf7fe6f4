//! `smarter import` run as users run it: the real binary in its own
//! process, timed from start to exit, with its peak memory read from the
//! kernel's accounting of that one child.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// What one import cost.
#[derive(Clone, Copy, Debug)]
pub struct ImportRun {
    pub rows: usize,
    pub wall: Duration,
    /// Peak resident memory of the process, in bytes.
    pub peak_rss: u64,
}

/// The `smarter` binary built next to this one.
fn smarter_binary() -> anyhow::Result<std::path::PathBuf> {
    let path = std::env::current_exe()?.with_file_name("smarter");
    if !path.exists() {
        bail!(
            "{} is missing: build both binaries first (`cargo build --release`)",
            path.display()
        );
    }
    Ok(path)
}

/// Imports `csv` (`rows` orders) into the team `team` of the database at `url`.
pub async fn run(url: &str, team: &str, csv: &Path, rows: usize) -> anyhow::Result<ImportRun> {
    let binary = smarter_binary()?;
    let (url, team, csv) = (url.to_string(), team.to_string(), csv.to_path_buf());
    tokio::task::spawn_blocking(move || {
        let log = csv.with_extension("log");
        let out = std::fs::File::create(&log)?;
        let started = Instant::now();
        let child = Command::new(binary)
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .args(["import", "--team", &team, "--kind", "orders"])
            .arg(&csv)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .context("cannot start smarter import")?;
        let (status, peak_rss) = wait_with_peak_rss(child.id())?;
        let wall = started.elapsed();
        if status != 0 {
            let output = std::fs::read_to_string(&log).unwrap_or_default();
            bail!("smarter import failed (status {status}): {output}");
        }
        Ok(ImportRun {
            rows,
            wall,
            peak_rss,
        })
    })
    .await?
}

/// Waits for the child and returns its exit status and peak resident memory.
fn wait_with_peak_rss(pid: u32) -> anyhow::Result<(i32, u64)> {
    let mut status = 0;
    // SAFETY: rusage is plain data, filled in by the kernel.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers to locals.
    let waited = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if waited < 0 {
        return Err(std::io::Error::last_os_error()).context("wait4");
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // Linux reports ru_maxrss in KiB.
    Ok((code, usage.ru_maxrss as u64 * 1024))
}
