//! Two `smarter serve` processes on one database, ticking on their own:
//! 200 goals due at once give 200 evaluations and each email once.

use sea_orm::{ConnectionTrait, Statement};
use smarter::entities::goal;
use smarter::startup::Application;

use super::*;

async fn count(app: &TestApp, sql: &str) -> i64 {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

dual_test! {
    async fn two_instances_ticking_on_one_database_evaluate_and_mail_200_due_goals_once(app: TestApp) {
        let smtp = SmtpServer::start().await;
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        for _ in 0..200 {
            create(&app, &ann, &weekly_goal(ann.team_id)).await;
        }
        // Due two days ago, as after downtime.
        let due = Utc::now() - chrono::Duration::days(2);
        goal::Entity::update_many()
            .col_expr(goal::Column::NextReviewAt, Expr::value(Some(due)))
            .exec(&app.db)
            .await
            .unwrap();
        let mut stops = Vec::new();
        for _ in 0..2 {
            let mut config = Config::new(&app.database_url, "127.0.0.1:0".parse().unwrap());
            config.cycle_tick = Some(Duration::from_millis(200));
            config.smtp_url = Some(format!("smtp://127.0.0.1:{}", smtp.port()));
            let instance = Application::build(config).await.unwrap();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(instance.run_until(async move {
                let _ = stopped.await;
            }));
            stops.push(stop);
        }
        // Owner and reviewer of each goal.
        smtp.wait_for(400, Duration::from_secs(60)).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let mail = smtp.messages();
        assert_eq!(mail.len(), 400, "no message twice");
        let mut ids: Vec<&str> = mail
            .iter()
            .map(|m| m.data.lines().find(|l| l.starts_with("Message-ID:")).unwrap())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 400);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM evaluations WHERE skipped = false").await, 200);
        assert_eq!(count(&app, "SELECT COUNT(DISTINCT goal_id) FROM evaluations").await, 200);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'").await, 400);
        for stop in stops {
            let _ = stop.send(());
        }
    }
}
