//! One reminder for a review left unanswered, with a link that replaces the
//! first; mail for 200 goals sent by two workers at once, each mail once.

use super::*;
use smarter::store::reviews::send_reminders;

dual_test! {
    async fn an_unanswered_review_gets_one_reminder_after_three_days(app: TestApp) {
        let smtp = SmtpServer::start().await;
        two_emails_queued(&app).await;
        deliver(&app, &smtp, DUE).await;
        let first = review_request::Entity::find().one(&app.db).await.unwrap().unwrap();
        let three_days = chrono::Duration::days(3);
        assert_eq!(send_reminders(&app.db, three_days, utc("2027-01-14T08:59:00Z")).await.unwrap(), 0);
        assert_eq!(send_reminders(&app.db, three_days, utc("2027-01-14T09:00:00Z")).await.unwrap(), 1);
        assert_eq!(send_reminders(&app.db, three_days, utc("2027-01-20T09:00:00Z")).await.unwrap(), 0, "one reminder only");
        assert_eq!(deliver(&app, &smtp, "2027-01-14T09:00:00Z").await, report(2, 0, 0));
        let mail = smtp.wait_for(4, Duration::from_secs(5)).await;
        let reminders: Vec<_> = mail.iter().filter(|m| m.data.contains("Subject: Reminder: review")).collect();
        assert_eq!(reminders.len(), 2);
        let after = review_request::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_ne!(after.token_hash, first.token_hash, "the reminder's link replaces the first");
        assert!(after.reminded_at.is_some());
    }
}

dual_test! {
    async fn expired_reviews_get_no_reminder(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        create(&app, &ann, &weekly_goal(ann.team_id)).await;
        let policy = ReviewPolicy { link_ttl: chrono::Duration::days(2) };
        run_due_cycles(&app.db, &policy, utc(DUE)).await.unwrap();
        let n = send_reminders(&app.db, chrono::Duration::days(3), utc("2027-01-14T10:00:00Z")).await.unwrap();
        assert_eq!(n, 0);
    }
}

dual_test! {
    async fn two_workers_send_the_mail_of_200_goals_each_once(app: TestApp) {
        let smtp = SmtpServer::start().await;
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        for _ in 0..200 {
            create(&app, &ann, &weekly_goal(ann.team_id)).await;
        }
        let report = run_due_cycles(&app.db, &ReviewPolicy::default(), utc(DUE)).await.unwrap();
        assert_eq!(report.evaluated, 200);
        let other = smarter::store::db::connect(&app.database_url).await.unwrap();
        let settings = settings(&app, Some(&smtp));
        let (t1, t2) = (Transport::new(&settings).unwrap(), Transport::new(&settings).unwrap());
        let (a, b) = tokio::join!(
            deliver_due(&app.db, &t1, &settings, utc(DUE)),
            deliver_due(&other, &t2, &settings, utc(DUE))
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.sent + b.sent, 400, "{a:?} {b:?}");
        let mail = smtp.wait_for(400, Duration::from_secs(10)).await;
        let mut ids: Vec<String> = mail
            .iter()
            .map(|m| m.data.lines().find(|l| l.starts_with("Message-ID:")).unwrap().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 400, "no message twice");
        other.close().await.unwrap();
    }
}
