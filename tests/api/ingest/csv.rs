//! CSV imports over HTTP and with the CLI, and the import history.

use std::process::Stdio;

use serde_json::Value;

use super::*;
use crate::helpers::dual_test;

const ORDERS: &str = "\
amount,order_id,channel,ordered_at,customer_id
120.00,o1,phone,2026-05-04,p001
80.5,o2,booking portal,2026-05-05T09:15:00+02:00,p002
45,o3,,2026-05-06T12:00:00Z,p001
";

const REVIEWS: &str = "\
source,rating,review_id,reviewed_at,text,customer_id
google,5,r1,2026-05-04,\"Quick, painless, kind\",p001
facebook,2,r2,2026-05-05T10:00:00Z,,
booking portal,4,r3,2026-05-06,Good,p003
";

const SURVEYS: &str = "\
touchpoint,score,kind,responded_at,response_id
reception,10,nps,2026-05-04,s1
phone,4,csat,2026-05-05,s2
Messenger,6,ces,2026-05-06T08:00:00-05:00,s3
";

dual_test! {
    async fn a_csv_of_each_kind_is_imported_with_columns_in_any_order(app: TestApp) {
        let user = manager(&app).await;

        for (kind, csv) in [
            ("orders", ORDERS),
            ("reviews", REVIEWS),
            ("surveys", SURVEYS),
        ] {
            let report = import_ok(&app, &user, kind, csv).await;
            assert_eq!(counts(&report), (3, 0, 0), "{kind}");
            assert_eq!(report["received"], 3);
        }

        assert_eq!(stored(&app).await, [3, 3, 3]);
        let channels = app
            .texts("SELECT COALESCE(channel, '-') FROM orders ORDER BY order_id")
            .await;
        assert_eq!(channels, ["phone", "booking portal", "-"]);
        let texts = app
            .texts("SELECT text FROM reviews WHERE review_id = 'r1'")
            .await;
        assert_eq!(texts, ["Quick, painless, kind"]);
        let again = import_ok(&app, &user, "orders", ORDERS).await;
        assert_eq!(counts(&again), (0, 0, 3));
    }
}

dual_test! {
    async fn a_quoted_field_with_a_newline_is_stored_and_later_lines_keep_their_numbers(app: TestApp) {
        let user = manager(&app).await;
        let csv = "review_id,rating,source,reviewed_at,text\n\
                   r1,5,google,2026-05-04,\"Great dentist.\nWould come again.\"\n\
                   r2,4,facebook,2026-05-05,Fine\n";
        import_ok(&app, &user, "reviews", csv).await;
        let texts = app
            .texts("SELECT text FROM reviews WHERE review_id = 'r1'")
            .await;
        assert_eq!(texts, ["Great dentist.\nWould come again."]);

        let csv = "review_id,rating,source,reviewed_at,text\n\
                   r3,5,google,2026-05-04,\"Two\nlines\"\n\
                   r4,7,facebook,2026-05-05,Fine\n";
        let problem = rejected(import(&app, &user, "reviews", csv).await).await;

        assert_eq!(rows(&problem), [(4, Some("rating".into()))]);
        assert_eq!(stored(&app).await, [0, 2, 0]);
    }
}

dual_test! {
    async fn a_utf8_bom_is_accepted(app: TestApp) {
        let user = manager(&app).await;
        let csv = format!("\u{feff}{SURVEYS}");

        let report = import_ok(&app, &user, "surveys", csv).await;

        assert_eq!(counts(&report), (3, 0, 0));
        let ids = app
            .texts("SELECT response_id FROM survey_responses ORDER BY response_id")
            .await;
        assert_eq!(ids, ["s1", "s2", "s3"]);
    }
}

dual_test! {
    async fn crlf_line_ends_are_accepted(app: TestApp) {
        let user = manager(&app).await;
        let csv = ORDERS.replace('\n', "\r\n");

        let report = import_ok(&app, &user, "orders", csv).await;

        assert_eq!(counts(&report), (3, 0, 0));
        let customers = app
            .texts("SELECT customer_id FROM orders ORDER BY order_id")
            .await;
        assert_eq!(customers, ["p001", "p002", "p001"], "no stray \\r");
        let bad = "order_id,customer_id,ordered_at,amount\r\no9,p009,2026-05-04,1\r\no10,p010,2026-05-04,-1\r\n";
        let problem = rejected(import(&app, &user, "orders", bad).await).await;
        assert_eq!(rows(&problem), [(3, Some("amount".into()))]);

        let reviews = "review_id,rating,source,reviewed_at,text\r\n\
                       r1,5,google,2026-05-04,\"Two\r\nlines\"\r\n\
                       r2,4,google,2026-05-04,\"Quoted, last\"\r\n";
        import_ok(&app, &user, "reviews", reviews).await;
        let texts = app
            .texts("SELECT text FROM reviews ORDER BY review_id")
            .await;
        assert_eq!(texts, ["Two\r\nlines", "Quoted, last"]);
        let bad = format!("{reviews}r3,0,google,2026-05-04,\"x\"\r\n");
        let problem = rejected(import(&app, &user, "reviews", bad).await).await;
        assert_eq!(rows(&problem), [(5, Some("rating".into()))]);
    }
}

/// Runs `smarter import` against the app's database while the app runs.
async fn cli_import(app: &TestApp, team_id: i32, kind: &str, csv: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{kind}.csv"));
    std::fs::write(&file, csv).unwrap();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_smarter"))
        .args(["import", "--team", &team_id.to_string(), "--kind", kind])
        .arg(&file)
        .current_dir(dir.path())
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("smarter runs")
}

dual_test! {
    async fn the_cli_imports_a_csv_of_each_kind_while_the_service_runs(app: TestApp) {
        let user = manager(&app).await;

        for (kind, csv) in [
            ("orders", ORDERS),
            ("reviews", REVIEWS),
            ("surveys", SURVEYS),
        ] {
            let output = cli_import(&app, user.team_id, kind, csv).await;
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "{kind}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(
                stdout.contains(&format!("imported 3 {kind}: 3 new")),
                "{stdout}"
            );
        }

        assert_eq!(stored(&app).await, [3, 3, 3]);
        let list = imports(&app, &user).await;
        assert!(
            list.iter()
                .all(|b| b["source"] == "cli" && b["status"] == "succeeded"),
            "{list:?}"
        );
        assert_eq!(list[0]["file_name"], "surveys.csv");
    }
}

dual_test! {
    async fn the_cli_reports_bad_lines_and_stores_nothing(app: TestApp) {
        let user = manager(&app).await;
        let csv =
            "review_id,rating,source,reviewed_at\nr1,5,google,2026-05-04\nr2,0,google,2026-05-04\n";

        let output = cli_import(&app, user.team_id, "reviews", csv).await;

        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("line 3, column rating: 0 is not a whole number from 1 to 5"),
            "{stderr}"
        );
        assert!(stderr.contains("nothing was stored"), "{stderr}");
        assert_eq!(stored(&app).await, [0, 0, 0]);
    }
}

/// The team's import list, newest first.
async fn imports(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let response = app
        .get(
            &format!("/api/v1/imports?team={}", user.team_id),
            &user.token,
        )
        .await;
    accepted(response).await.as_array().unwrap().clone()
}

dual_test! {
    async fn the_import_list_shows_succeeded_and_failed_imports(app: TestApp) {
        let user = manager(&app).await;
        import_ok(&app, &user, "orders", ORDERS).await;
        import_ok(&app, &user, "orders", ORDERS).await;
        let bad =
            "review_id,rating,source,reviewed_at\nr1,0,google,2026-05-04\nr2,6,google,2026-05-04\n";
        rejected(import(&app, &user, "reviews", bad).await).await;
        send_ok(
            &app,
            &user,
            "surveys",
            &serde_json::json!([good("surveys", "s1")]),
        )
        .await;

        let list = imports(&app, &user).await;

        assert_eq!(list.len(), 4);
        let (surveys, failed, second, first) = (&list[0], &list[1], &list[2], &list[3]);
        assert_eq!(
            (&surveys["kind"], &surveys["source"], &surveys["new"]),
            (&"surveys".into(), &"api".into(), &1.into())
        );
        assert_eq!(first["status"], "succeeded");
        assert_eq!(
            (&first["received"], &first["new"], &first["unchanged"]),
            (&3.into(), &3.into(), &0.into())
        );
        assert_eq!(
            (&second["new"], &second["updated"], &second["unchanged"]),
            (&0.into(), &0.into(), &3.into())
        );
        assert_eq!(
            (&first["kind"], &first["source"]),
            (&"orders".into(), &"csv".into())
        );
        assert!(first["finished_at"].is_string());
        assert_eq!(failed["status"], "failed");
        assert_eq!(failed["kind"], "reviews");
        assert_eq!(
            (&failed["received"], &failed["new"], &failed["error_count"]),
            (&2.into(), &0.into(), &2.into())
        );
        let errors = failed["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 2);
        assert_eq!(
            (&errors[1]["row"], &errors[1]["column"]),
            (&3.into(), &"rating".into())
        );
        assert!(
            errors[1]["message"]
                .as_str()
                .unwrap()
                .contains("from 1 to 5")
        );
    }
}

dual_test! {
    async fn an_import_with_a_wrong_header_is_listed_as_failed(app: TestApp) {
        let user = manager(&app).await;
        let csv = "order_id,customer_id,ordered_at\no1,p001,2026-05-04\n";
        rejected(import(&app, &user, "orders", csv).await).await;

        let list = imports(&app, &user).await;

        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["status"], "failed");
        assert_eq!(list[0]["errors"][0]["column"], "amount");
    }
}
