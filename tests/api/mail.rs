//! Review emails leave through the outbox and are never lost: a real SMTP
//! conversation with a server in this process that accepts, refuses with
//! 4xx or 5xx, or is down.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use smarter::config::Config;
use smarter::domain::account::Role;
use smarter::entities::{outbox_message as outbox, review_request};
use smarter::jobs::cycles::{ReviewPolicy, run_due_cycles};
use smarter::mail::deliver::{DeliveryReport, MailSettings, Transport, deliver_due};
use smarter::store::tokens::hash_token;

use crate::cycles::{create, weekly_goal};
use crate::helpers::{TestApp, dual_test};
use crate::smtp_server::{Mode, PERM_FAIL_REPLY, SmtpServer};

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The first review of a weekly goal is due then (09:00 Warsaw, 11 January 2027).
const DUE: &str = "2027-01-11T09:00:00Z";

fn settings(app: &TestApp, smtp: Option<&SmtpServer>) -> MailSettings {
    let mut config = Config::new(&app.database_url, "127.0.0.1:8080".parse().unwrap());
    config.smtp_url = smtp.map(|s| format!("smtp://127.0.0.1:{}", s.port()));
    config.mail_from = "Smarter <reviews@example.com>".into();
    config.mail_settings()
}

/// A goal owned by ann with lead@example.com as reviewer, evaluated once:
/// two review emails wait in the outbox.
async fn two_emails_queued(app: &TestApp) {
    let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
    create(app, &ann, &weekly_goal(ann.team_id)).await;
    let report = run_due_cycles(&app.db, &ReviewPolicy::default(), utc(DUE))
        .await
        .unwrap();
    assert_eq!(report.evaluated, 1);
}

async fn deliver(app: &TestApp, smtp: &SmtpServer, at: &str) -> DeliveryReport {
    let settings = settings(app, Some(smtp));
    let transport = Transport::new(&settings).unwrap();
    deliver_due(&app.db, &transport, &settings, utc(at))
        .await
        .unwrap()
}

async fn rows(app: &TestApp) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .order_by_asc(outbox::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

fn report(sent: u64, retrying: u64, failed: u64) -> DeliveryReport {
    DeliveryReport {
        sent,
        retrying,
        failed,
    }
}

dual_test! {
    async fn each_review_email_arrives_once_with_both_parts_and_its_link(app: TestApp) {
        let smtp = SmtpServer::start().await;
        two_emails_queued(&app).await;
        assert_eq!(deliver(&app, &smtp, DUE).await, report(2, 0, 0));
        assert_eq!(deliver(&app, &smtp, "2027-01-11T10:00:00Z").await, report(0, 0, 0));
        let mail = smtp.wait_for(2, Duration::from_secs(5)).await;
        assert_eq!(mail.len(), 2);
        let mut to: Vec<&str> = mail.iter().map(|m| m.to[0].as_str()).collect();
        to.sort();
        assert_eq!(to, ["ann@example.com", "lead@example.com"]);
        let data = &mail[0].data;
        assert!(data.contains("Subject: Review \"Fewer lost customers\""), "{data}");
        assert!(data.contains("multipart/alternative") && data.contains("text/plain") && data.contains("text/html"));
        assert!(data.contains("Message-ID: <smarter."), "{data}");
        // The link carries the request's token; only its hash is stored.
        let start = data.find("http://127.0.0.1:8080/review/rv_").expect("a review link");
        let token: String = data[start + "http://127.0.0.1:8080/review/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let request = review_request::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!(request.token_hash, hash_token(&token));
        for row in rows(&app).await {
            assert_eq!(row.status, "sent");
            assert_eq!(row.review_token, None, "the token leaves the outbox once sent");
            assert!(!row.text_body.contains(&token));
        }
    }
}

dual_test! {
    async fn mail_queued_while_smtp_is_down_arrives_once_when_it_is_back(app: TestApp) {
        let smtp = SmtpServer::start().await;
        smtp.stop().await;
        two_emails_queued(&app).await;
        assert_eq!(deliver(&app, &smtp, DUE).await, report(0, 2, 0));
        for row in rows(&app).await {
            assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
            assert!(row.last_error.is_some());
            assert!(row.next_attempt_at > utc(DUE), "retried later, not at once");
        }
        // Still down a while later: retried again, later still.
        assert_eq!(deliver(&app, &smtp, "2027-01-11T10:00:00Z").await, report(0, 2, 0));
        smtp.restart().await;
        assert_eq!(deliver(&app, &smtp, "2027-01-11T10:00:01Z").await, report(0, 0, 0), "not before the backoff");
        assert_eq!(deliver(&app, &smtp, "2027-01-11T13:00:00Z").await, report(2, 0, 0));
        assert_eq!(deliver(&app, &smtp, "2027-01-11T18:00:00Z").await, report(0, 0, 0));
        assert_eq!(smtp.wait_for(2, Duration::from_secs(5)).await.len(), 2);
    }
}

dual_test! {
    async fn a_4xx_is_retried_and_delivered_once_and_a_5xx_fails_at_once_keeping_the_reply(app: TestApp) {
        let smtp = SmtpServer::start().await;
        smtp.set_mode(Mode::TempFail { remaining: 2 });
        two_emails_queued(&app).await;
        assert_eq!(deliver(&app, &smtp, DUE).await, report(0, 2, 0));
        assert_eq!(deliver(&app, &smtp, "2027-01-11T12:00:00Z").await, report(2, 0, 0));
        assert_eq!(smtp.messages().len(), 2);
        assert!(rows(&app).await.iter().all(|r| r.status == "sent" && r.attempts == 2));

        let permanent = TestApp::spawn(app.backend).await.unwrap();
        smtp.set_mode(Mode::PermFail);
        let attempts = smtp.attempts();
        two_emails_queued(&permanent).await;
        assert_eq!(deliver(&permanent, &smtp, DUE).await, report(0, 0, 2));
        assert_eq!(smtp.attempts() - attempts, 2, "one attempt each");
        for row in rows(&permanent).await {
            assert_eq!(row.status, "failed");
            let error = row.last_error.unwrap();
            assert!(error.contains("mailbox unavailable"), "{error} should keep {PERM_FAIL_REPLY}");
        }
        assert_eq!(deliver(&permanent, &smtp, "2027-01-12T09:00:00Z").await, report(0, 0, 0));
        assert_eq!(smtp.messages().len(), 2);
    }
}

dual_test! {
    async fn mail_claimed_by_a_process_that_died_is_sent_once_when_its_lease_expires(app: TestApp) {
        let smtp = SmtpServer::start().await;
        two_emails_queued(&app).await;
        // A worker claimed both rows at DUE for five minutes, then died.
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LeaseUntil, Expr::value(Some(utc("2027-01-11T09:05:00Z"))))
            .col_expr(outbox::Column::Attempts, Expr::value(1))
            .filter(outbox::Column::Status.eq("pending"))
            .exec(&app.db)
            .await
            .unwrap();
        assert_eq!(deliver(&app, &smtp, "2027-01-11T09:04:00Z").await, report(0, 0, 0));
        assert_eq!(deliver(&app, &smtp, "2027-01-11T09:06:00Z").await, report(2, 0, 0));
        assert_eq!(deliver(&app, &smtp, "2027-01-11T09:30:00Z").await, report(0, 0, 0));
        assert_eq!(smtp.wait_for(2, Duration::from_secs(5)).await.len(), 2);
    }
}

dual_test! {
    async fn without_an_smtp_server_the_mail_is_written_as_eml_files(app: TestApp) {
        two_emails_queued(&app).await;
        let dir = tempfile::tempdir().unwrap();
        let mut settings = settings(&app, None);
        settings.outbox_dir = dir.path().join("outbox");
        let transport = Transport::new(&settings).unwrap();
        let sent = deliver_due(&app.db, &transport, &settings, utc(DUE)).await.unwrap();
        assert_eq!(sent, report(2, 0, 0));
        let mut files: Vec<_> = std::fs::read_dir(&settings.outbox_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert_eq!(files.len(), 2);
        let eml = std::fs::read_to_string(&files[0]).unwrap();
        assert!(eml.contains("To: ann@example.com") && eml.contains("/review/rv_"), "{eml}");
        assert!(files[0].extension().unwrap() == "eml");
    }
}

mod instances;
mod outbox_api;
mod reminders;
