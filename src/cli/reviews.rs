//! `smarter evaluate` and `smarter outbox`: the review cycles and their mail
//! from the command line.

use chrono::Utc;
use clap::Args;

use super::open;
use crate::config::{
    Config, DEFAULT_BIND, DEFAULT_MAIL_FROM, DEFAULT_OUTBOX_DIR, DEFAULT_REMINDER_AFTER_HOURS,
    DEFAULT_REVIEW_LINK_DAYS,
};

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The moment to evaluate at, RFC 3339 (e.g. 2027-03-01T09:00:00+01:00); default now.
    #[arg(long, value_parser = parse_moment)]
    pub at: Option<chrono::DateTime<Utc>>,
    #[command(flatten)]
    pub mail: MailArgs,
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    /// Put every failed message back in the queue (it is sent at the next tick or `smarter evaluate`).
    #[arg(long)]
    pub retry_failed: bool,
}

/// How review emails leave.
#[derive(Debug, Args)]
pub struct MailArgs {
    /// SMTP server in lettre's URL syntax: smtp://host:25, smtp://host:587?tls=required,
    /// smtps://user:password@host:465. Unset: emails are written to the outbox folder.
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of review emails.
    #[arg(long, env = "SMARTER_MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
    pub mail_from: String,
    /// Where emails are written when no SMTP server is set.
    #[arg(long, env = "SMARTER_OUTBOX_DIR", default_value = DEFAULT_OUTBOX_DIR)]
    pub outbox_dir: std::path::PathBuf,
    /// The address users reach the service at, used in review links (default: http://127.0.0.1:8080/).
    #[arg(long, env = "SMARTER_BASE_URL")]
    pub base_url: Option<url::Url>,
    /// Days an emailed review link works.
    #[arg(long, env = "SMARTER_REVIEW_LINK_DAYS", default_value_t = DEFAULT_REVIEW_LINK_DAYS,
        value_parser = clap::value_parser!(i64).range(1..=365))]
    pub review_link_days: i64,
    /// Hours a review waits unanswered before its one reminder.
    #[arg(long, env = "SMARTER_REMINDER_AFTER_HOURS", default_value_t = DEFAULT_REMINDER_AFTER_HOURS,
        value_parser = clap::value_parser!(i64).range(1..=8760))]
    pub reminder_after_hours: i64,
}

impl MailArgs {
    pub(super) fn apply(self, config: &mut Config) {
        if let Some(base_url) = self.base_url {
            config.base_url = base_url;
        }
        config.smtp_url = self.smtp_url;
        config.mail_from = self.mail_from;
        config.outbox_dir = self.outbox_dir;
        config.review_link_ttl = chrono::Duration::days(self.review_link_days);
        config.reminder_after = chrono::Duration::hours(self.reminder_after_hours);
    }
}

fn parse_moment(raw: &str) -> Result<chrono::DateTime<Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("\"{raw}\" is not an RFC 3339 time with an offset ({e})"))
}

pub(super) async fn evaluate(url: &str, args: EvaluateArgs) -> anyhow::Result<()> {
    use crate::mail::deliver::{Transport, deliver_due};
    let conn = open(url).await?;
    let mut config = Config::new(url, DEFAULT_BIND.parse().expect("a socket address"));
    args.mail.apply(&mut config);
    let at = args.at.unwrap_or_else(Utc::now);
    let report = crate::jobs::cycles::run_due_cycles(&conn, &config.review_policy(), at).await?;
    println!(
        "evaluated {} goal(s) as of {}; {} missed cycle(s) recorded as skipped",
        report.evaluated,
        at.to_rfc3339(),
        report.skipped
    );
    let reminded = crate::store::reviews::send_reminders(&conn, config.reminder_after, at).await?;
    if reminded > 0 {
        println!("{reminded} unanswered review(s) reminded");
    }
    let mail = config.mail_settings();
    // Mail queued "as of" a later moment is due then, not now.
    let sent = deliver_due(&conn, &Transport::new(&mail)?, &mail, at.max(Utc::now())).await?;
    let place = match &mail.smtp_url {
        Some(url) => format!("to {}", crate::config::redact_url(url)),
        None => format!("as files in {}", mail.outbox_dir.display()),
    };
    println!(
        "mail: {} sent {place}, {} to retry, {} failed",
        sent.sent, sent.retrying, sent.failed
    );
    Ok(())
}

pub(super) async fn outbox(url: &str, args: OutboxArgs) -> anyhow::Result<()> {
    let conn = open(url).await?;
    if args.retry_failed {
        let n = crate::mail::deliver::retry_failed(&conn, Utc::now()).await?;
        println!("{n} failed message(s) queued again");
    }
    for row in crate::store::outbox::unsent(&conn).await? {
        let error = row
            .last_error
            .as_deref()
            .map(|e| format!(" — {e}"))
            .unwrap_or_default();
        println!(
            "{:>6}  {:<8} {:<7} attempts {}  {}  \"{}\"{error}",
            row.id, row.status, row.kind, row.attempts, row.recipient, row.subject
        );
    }
    Ok(())
}
