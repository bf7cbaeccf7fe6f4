//! `smarter import` run as users run it: the real binary in its own
//! process, timed from start to exit, with its peak memory as the kernel
//! keeps it for the process (`VmHWM`), read until it exits. (The peak that
//! `wait4` reports would include this benchmark's own memory, copied into
//! the child before it became `smarter`.)

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
        let mut child = Command::new(binary)
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .args(["import", "--team", &team, "--kind", "orders"])
            .arg(&csv)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .context("cannot start smarter import")?;
        let mut peak_rss = 0;
        let status = loop {
            peak_rss = peak_rss.max(high_water_mark(child.id()).unwrap_or(0));
            if let Some(status) = child.try_wait()? {
                break status;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let wall = started.elapsed();
        if !status.success() {
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

/// The peak resident memory of a running process, in bytes.
fn high_water_mark(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
