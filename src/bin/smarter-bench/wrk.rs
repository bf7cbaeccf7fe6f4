//! Running `wrk` (an HTTP load generator, a separate process) and reading
//! its figures from what it prints.

use std::io::ErrorKind;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::process::Command;

/// How hard wrk pushes: the same for every target of one run.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    pub duration_secs: u32,
    pub connections: u32,
    pub threads: u32,
}

/// What one wrk run measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub requests: u64,
    pub requests_per_sec: f64,
    pub latency_avg: Duration,
    pub latency_p50: Duration,
    pub latency_p99: Duration,
    /// Answers with a status of 400 or more (wrk's "Non-2xx or 3xx responses").
    pub error_responses: u64,
    /// wrk's "Socket errors" line, when there was one.
    pub socket_errors: Option<String>,
}

impl Report {
    /// Why the run cannot be trusted, if it cannot.
    pub fn failure(&self) -> Option<String> {
        if self.requests == 0 {
            return Some("no request completed".into());
        }
        let mut problems = Vec::new();
        if self.error_responses > 0 {
            problems.push(format!(
                "{} of {} requests got an error status",
                self.error_responses, self.requests
            ));
        }
        if let Some(errors) = &self.socket_errors {
            problems.push(format!("socket errors: {errors}"));
        }
        (!problems.is_empty()).then(|| problems.join("; "))
    }
}

/// Fails with the way to install wrk when it is not on the PATH.
pub async fn ensure_installed() -> anyhow::Result<()> {
    // `wrk --version` prints its version and exits 1; only a missing binary matters here.
    match Command::new("wrk").arg("--version").output().await {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == ErrorKind::NotFound => bail!(
            "wrk is not installed; install it with `apt-get install -y wrk` (Debian, Ubuntu) \
             or from https://github.com/wg/wrk, then run this again"
        ),
        Err(err) => Err(err).context("cannot run wrk"),
    }
}

/// Runs wrk against `url` with extra request `headers` ("Name: value").
pub async fn run(load: Load, url: &str, headers: &[String]) -> anyhow::Result<Report> {
    let mut command = Command::new("wrk");
    command
        .arg("--threads")
        .arg(load.threads.to_string())
        .arg("--connections")
        .arg(load.connections.to_string())
        .arg("--duration")
        .arg(format!("{}s", load.duration_secs))
        .arg("--latency")
        // Slow answers are measured, not dropped: wrk's own 2 s timeout
        // would leave them out of the latency figures.
        .arg("--timeout")
        .arg("60s")
        .kill_on_drop(true);
    for header in headers {
        command.arg("--header").arg(header);
    }
    command.arg(url);
    let output = command.output().await.context("cannot run wrk")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed ({}): {}{}",
            output.status,
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    parse(&stdout).with_context(|| format!("cannot read wrk's output:\n{stdout}"))
}

/// Reads the figures from wrk's text output (wrk 4, run with `--latency`).
pub fn parse(output: &str) -> anyhow::Result<Report> {
    let mut requests = None;
    let mut requests_per_sec = None;
    let mut latency_avg = None;
    let mut latency_p50 = None;
    let mut latency_p99 = None;
    let mut error_responses = 0;
    let mut socket_errors = None;
    for line in output.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            // Not the "Latency Distribution" heading.
            (Some("Latency"), Some(avg)) if avg.starts_with(|c: char| c.is_ascii_digit()) => {
                latency_avg = Some(parse_time(avg)?)
            }
            (Some("50%"), Some(p50)) => latency_p50 = Some(parse_time(p50)?),
            (Some("99%"), Some(p99)) => latency_p99 = Some(parse_time(p99)?),
            (Some("Requests/sec:"), Some(rate)) => requests_per_sec = Some(rate.parse()?),
            (Some(count), Some("requests")) => requests = Some(count.parse()?),
            _ => {}
        }
        if let Some(count) = line.strip_prefix("Non-2xx or 3xx responses:") {
            error_responses = count.trim().parse()?;
        }
        if let Some(errors) = line.strip_prefix("Socket errors:") {
            socket_errors = Some(errors.trim().to_string());
        }
    }
    Ok(Report {
        requests: requests.context("no \"N requests in\" line")?,
        requests_per_sec: requests_per_sec.context("no Requests/sec line")?,
        latency_avg: latency_avg.context("no Latency line")?,
        latency_p50: latency_p50.context("no 50% line (was --latency given?)")?,
        latency_p99: latency_p99.context("no 99% line (was --latency given?)")?,
        error_responses,
        socket_errors,
    })
}

/// wrk prints times as a number and a unit: `812.00us`, `1.25ms`, `2.00s`, `1.00m`.
fn parse_time(text: &str) -> anyhow::Result<Duration> {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .with_context(|| format!("no unit in the time {text:?}"))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .with_context(|| format!("not a time: {text:?}"))?;
    let seconds = match unit {
        "us" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => bail!("unknown time unit in {text:?}"),
    };
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = "Running 10s test @ http://127.0.0.1:40001/api/v1/goals/1
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.34us  201.00us   9.87ms   91.02%
    Req/Sec    39.61k     1.20k   41.00k    78.00%
  Latency Distribution
     50%  780.00us
     75%  850.00us
     90%  0.95ms
     99%    1.62ms
  394154 requests in 10.00s, 512.34MB read
Requests/sec:  39412.37
Transfer/sec:     51.23MB
";

    #[test]
    fn a_clean_run_is_read_whole() {
        let report = parse(CLEAN).unwrap();
        assert_eq!(report.requests, 394_154);
        assert_eq!(report.requests_per_sec, 39_412.37);
        assert_eq!(report.latency_avg, Duration::from_nanos(812_340));
        assert_eq!(report.latency_p50, Duration::from_micros(780));
        assert_eq!(report.latency_p99, Duration::from_micros(1_620));
        assert_eq!(report.error_responses, 0);
        assert_eq!(report.failure(), None);
    }

    #[test]
    fn error_statuses_and_socket_errors_fail_the_run() {
        let output = CLEAN.replace(
            "Requests/sec:",
            "  Socket errors: connect 0, read 0, write 0, timeout 3\n  \
             Non-2xx or 3xx responses: 17\nRequests/sec:",
        );
        let report = parse(&output).unwrap();
        assert_eq!(report.error_responses, 17);
        let failure = report.failure().unwrap();
        assert!(failure.contains("17 of 394154"), "{failure}");
        assert!(failure.contains("timeout 3"), "{failure}");
    }

    #[test]
    fn times_keep_their_units() {
        assert_eq!(parse_time("2.00s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_time("1.50m").unwrap(), Duration::from_secs(90));
        assert!(parse_time("3.00parsecs").is_err());
        assert!(parse_time("12").is_err());
    }

    #[test]
    fn output_without_a_latency_distribution_is_refused() {
        let output: String = CLEAN
            .lines()
            .filter(|line| !line.contains("99%"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(parse(&output).is_err());
    }
}
