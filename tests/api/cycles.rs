//! SMARTER review cycles: the schedule kept with each goal, evaluations run
//! exactly once, missed cycles recorded as skipped, across DST.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use smarter::domain::account::Role;
use smarter::jobs::cycles::{CyclesReport, ReviewPolicy, run_due_cycles};
use smarter::store::db;

use crate::helpers::{TestApp, TestUser, complete_goal, dual_test, problem};

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// An active weekly goal (Mondays 09:00 Warsaw from 4 January 2027) on churn
/// from 12 % to 8 % by the end of June, measured from values entered by hand.
pub fn weekly_goal(team_id: i32) -> Value {
    let mut goal = complete_goal(team_id);
    goal["measurable"]["milestones"] = json!([{"date": "2027-03-29", "target": 10.0}]);
    goal["time_bound"] = json!({"start": "2027-01-04", "deadline": "2027-06-28"});
    goal
}

pub async fn create(app: &TestApp, user: &TestUser, body: &Value) -> Value {
    let response = app.post("/api/v1/goals", &user.token, body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn read(app: &TestApp, user: &TestUser, id: &Value) -> Value {
    app.get(&format!("/api/v1/goals/{id}"), &user.token)
        .await
        .json()
        .await
        .unwrap()
}

async fn patch(app: &TestApp, user: &TestUser, id: &Value, body: Value) -> Value {
    let response = app
        .patch(&format!("/api/v1/goals/{id}"), &user.token, &body)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    response.json().await.unwrap()
}

async fn evaluations(app: &TestApp, user: &TestUser, id: &Value) -> Vec<Value> {
    let response = app
        .get(&format!("/api/v1/goals/{id}/evaluations"), &user.token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn observe(app: &TestApp, user: &TestUser, date: &str, value: f64) {
    let body = json!({"team_id": user.team_id, "date": date, "value": value});
    let response = app
        .post(
            "/api/v1/metrics/churn_rate/observations",
            &user.token,
            &body,
        )
        .await;
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
}

async fn cycles_at(app: &TestApp, at: &str) -> CyclesReport {
    run_due_cycles(&app.db, &ReviewPolicy::default(), utc(at))
        .await
        .unwrap()
}

dual_test! {
    async fn an_active_goal_is_scheduled_and_edits_that_keep_the_settings_keep_the_date(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let goal = create(&app, &ann, &weekly_goal(ann.team_id)).await;
        // One week after the start, 09:00 in Warsaw (UTC+1 in January).
        assert_eq!(goal["next_review_at"], "2027-01-11T08:00:00Z");
        let id = &goal["id"];
        let renamed = patch(&app, &ann, id, json!({"version": 1, "title": "Keep our patients"})).await;
        assert_eq!(renamed["next_review_at"], "2027-01-11T08:00:00Z");
        let monthly = patch(&app, &ann, id, json!({"version": 2, "review": {"cadence": "monthly", "time_of_day": "14:30"}})).await;
        assert_eq!(monthly["next_review_at"], "2027-02-04T13:30:00Z");
        let abandoned = patch(&app, &ann, id, json!({"version": 3, "status": "abandoned"})).await;
        assert_eq!(abandoned["next_review_at"], Value::Null);
        let mut draft = weekly_goal(ann.team_id);
        draft["status"] = json!("draft");
        assert_eq!(create(&app, &ann, &draft).await["next_review_at"], Value::Null);
    }
}

dual_test! {
    async fn a_due_cycle_is_evaluated_once_and_the_schedule_moves_on(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let goal = create(&app, &ann, &weekly_goal(ann.team_id)).await;
        let id = &goal["id"];
        observe(&app, &ann, "2027-01-10", 11.5).await;
        assert_eq!(cycles_at(&app, "2027-01-11T07:59:59Z").await, CyclesReport::default());
        let first = cycles_at(&app, "2027-01-11T08:00:30Z").await;
        assert_eq!(first.evaluated, 1);
        assert_eq!(cycles_at(&app, "2027-01-11T08:01:00Z").await.evaluated, 0, "run twice, evaluated once");
        let list = evaluations(&app, &ann, id).await;
        assert_eq!(list.len(), 1);
        let e = &list[0];
        assert_eq!(e["scheduled_for"], "2027-01-11T08:00:00Z");
        assert_eq!(e["skipped"], false);
        assert_eq!(e["current"], 11.5);
        assert_eq!(e["baseline"], 12.0);
        assert_eq!(e["target"], 8.0);
        // 0.5 of the 4 points, one week of 25 in: 12.5 % done, 4 % expected.
        assert_eq!(e["progress"], 12.5);
        assert_eq!(e["status"], "on_track");
        assert_eq!(e["next_milestone"]["date"], "2027-03-29");
        assert_eq!(read(&app, &ann, id).await["next_review_at"], "2027-01-18T08:00:00Z");
    }
}

dual_test! {
    async fn a_falling_short_trend_is_off_track_with_a_readjust_suggestion(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let goal = create(&app, &ann, &weekly_goal(ann.team_id)).await;
        let id = &goal["id"];
        // Churn creeps down a tenth a week: 9.9 by the deadline, not 8;
        // 8 only 40 weeks after the first value.
        for (day, value) in [("2027-02-01", 12.0), ("2027-02-08", 11.9), ("2027-02-15", 11.8), ("2027-02-22", 11.7)] {
            observe(&app, &ann, day, value).await;
        }
        cycles_at(&app, "2027-02-22T12:00:00Z").await;
        let list = evaluations(&app, &ann, id).await;
        let run = list.iter().find(|e| e["skipped"] == false).unwrap();
        assert_eq!(run["status"], "off_track");
        let suggestion = &run["suggestion"];
        assert_eq!(suggestion["target"], 9.9);
        assert_eq!(suggestion["deadline"], "2027-11-08");
        assert_eq!(run["projected_attainment"], 52.5);
    }
}

dual_test! {
    async fn six_weeks_of_downtime_give_one_evaluation_and_five_skipped_cycles(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let goal = create(&app, &ann, &weekly_goal(ann.team_id)).await;
        let report = cycles_at(&app, "2027-02-15T10:00:00Z").await;
        assert_eq!((report.evaluated, report.skipped), (1, 5));
        let list = evaluations(&app, &ann, &goal["id"]).await;
        let times: Vec<(&str, bool)> = list
            .iter()
            .map(|e| (e["scheduled_for"].as_str().unwrap(), e["skipped"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            times,
            [
                ("2027-02-15T08:00:00Z", false),
                ("2027-02-08T08:00:00Z", true),
                ("2027-02-01T08:00:00Z", true),
                ("2027-01-25T08:00:00Z", true),
                ("2027-01-18T08:00:00Z", true),
                ("2027-01-11T08:00:00Z", true),
            ]
        );
        assert_eq!(read(&app, &ann, &goal["id"]).await["next_review_at"], "2027-02-22T08:00:00Z");
    }
}

dual_test! {
    async fn a_warsaw_goal_is_reviewed_at_nine_local_across_both_clock_changes(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let mut body = weekly_goal(ann.team_id);
        body["time_bound"] = json!({"start": "2027-03-15", "deadline": "2027-12-20"});
        let goal = create(&app, &ann, &body).await;
        for at in ["2027-03-22T12:00:00Z", "2027-03-29T12:00:00Z", "2027-10-25T12:00:00Z", "2027-11-01T12:00:00Z"] {
            cycles_at(&app, at).await;
        }
        let runs: Vec<String> = evaluations(&app, &ann, &goal["id"])
            .await
            .iter()
            .filter(|e| e["skipped"] == false)
            .map(|e| e["scheduled_for"].as_str().unwrap().to_string())
            .collect();
        // 09:00 CET is 08:00 UTC; 09:00 CEST is 07:00 UTC.
        assert_eq!(runs, ["2027-11-01T08:00:00Z", "2027-10-25T07:00:00Z", "2027-03-29T07:00:00Z", "2027-03-22T08:00:00Z"]);
    }
}

dual_test! {
    async fn two_processes_on_one_database_evaluate_each_of_200_goals_once(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        for _ in 0..200 {
            create(&app, &ann, &weekly_goal(ann.team_id)).await;
        }
        let other = db::connect(&app.database_url).await.unwrap();
        let at = utc("2027-01-11T09:00:00Z");
        let policy = ReviewPolicy::default();
        let (a, b) = tokio::join!(
            run_due_cycles(&app.db, &policy, at),
            run_due_cycles(&other, &policy, at)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.evaluated + b.evaluated, 200, "{a:?} {b:?}");
        let count = |sql: &str| {
            let sql = sql.to_string();
            let conn = app.db.clone();
            async move {
                let row = conn
                    .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
                    .await
                    .unwrap()
                    .unwrap();
                row.try_get::<i64>("", "n").unwrap()
            }
        };
        assert_eq!(count("SELECT COUNT(*) AS n FROM evaluations").await, 200);
        assert_eq!(count("SELECT COUNT(DISTINCT goal_id) AS n FROM evaluations").await, 200);
        other.close().await.unwrap();
    }
}

dual_test! {
    async fn another_teams_evaluations_are_404(app: TestApp) {
        let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
        let bob = app.user("bob@example.com", "Other clinic", Role::Manager).await;
        let goal = create(&app, &ann, &weekly_goal(ann.team_id)).await;
        cycles_at(&app, "2027-01-11T09:00:00Z").await;
        let response = app.get(&format!("/api/v1/goals/{}/evaluations", goal["id"]), &bob.token).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = app.get("/api/v1/goals/abc/evaluations", &ann.token).await;
        problem(response, StatusCode::NOT_FOUND).await;
        let response = app.get("/api/v1/goals/99999/evaluations", &ann.token).await;
        problem(response, StatusCode::NOT_FOUND).await;
    }
}

/// `smarter serve` ticks: a goal whose review was due while the service was
/// down is evaluated soon after start, once.
async fn the_tick_runs_a_missed_review(backend: crate::helpers::Backend) {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use smarter::entities::goal;
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.cycle_tick = Some(std::time::Duration::from_millis(300));
    })
    .await
    else {
        return eprintln!("skipped: no PostgreSQL");
    };
    let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
    let goal = create(&app, &ann, &weekly_goal(ann.team_id)).await;
    let due = Utc::now() - chrono::Duration::days(2);
    goal::Entity::update_many()
        .col_expr(goal::Column::NextReviewAt, Expr::value(Some(due)))
        .filter(goal::Column::Id.eq(goal["id"].as_i64().unwrap() as i32))
        .exec(&app.db)
        .await
        .unwrap();
    let mut list = Vec::new();
    for _ in 0..100 {
        list = evaluations(&app, &ann, &goal["id"]).await;
        if !list.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["skipped"], false);
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert_eq!(
        evaluations(&app, &ann, &goal["id"]).await.len(),
        1,
        "later ticks run nothing more"
    );
    assert_eq!(
        read(&app, &ann, &goal["id"]).await["next_review_at"],
        "2027-01-11T08:00:00Z"
    );
}

mod the_tick_runs_a_missed_review {
    #[tokio::test]
    async fn sqlite() {
        super::the_tick_runs_a_missed_review(crate::helpers::Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        super::the_tick_runs_a_missed_review(crate::helpers::Backend::Postgres).await;
    }
}
