//! JSON and NDJSON batches: stored, counted, idempotent.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;
use crate::helpers::dual_test;

dual_test! {
    async fn a_json_batch_of_each_kind_is_stored_and_counted_as_new(app: TestApp) {
        let user = manager(&app).await;
        let orders = json!([
            order("o1", "p001", "2026-05-04", 120.0),
            order("o2", "p002", "2026-05-04T09:15:00+02:00", 80.5),
        ]);
        let report = send_ok(&app, &user, "orders", &orders).await;
        assert_eq!(counts(&report), (2, 0, 0));
        assert_eq!(report["received"], 2);
        assert_eq!(report["kind"], "orders");
        assert_eq!(report["replayed"], false);

        let reviews = json!([review("r1", 5), review("r2", 1), review("r3", 4)]);
        assert_eq!(
            counts(&send_ok(&app, &user, "reviews", &reviews).await),
            (3, 0, 0)
        );
        let surveys = json!([
            survey("s1", "nps", 10),
            survey("s2", "csat", 1),
            survey("s3", "ces", 7)
        ]);
        assert_eq!(
            counts(&send_ok(&app, &user, "surveys", &surveys).await),
            (3, 0, 0)
        );

        assert_eq!(stored(&app).await, [2, 3, 3]);
        // A plain date is midnight UTC; an offset is honoured.
        let times = app
            .texts("SELECT CAST(ordered_at AS TEXT) FROM orders ORDER BY order_id")
            .await;
        assert_eq!(times, ["1777852800000", "1777878900000"]);
        let kinds = app
            .texts("SELECT kind FROM survey_responses ORDER BY response_id")
            .await;
        assert_eq!(kinds, ["nps", "csat", "ces"]);
    }
}

dual_test! {
    async fn sending_the_same_batch_again_changes_nothing(app: TestApp) {
        let user = manager(&app).await;
        let batch = json!([
            good("orders", "o1"),
            good("orders", "o2"),
            good("orders", "o3")
        ]);
        send_ok(&app, &user, "orders", &batch).await;

        let again = send_ok(&app, &user, "orders", &batch).await;

        assert_eq!(counts(&again), (0, 0, 3));
        assert_eq!(again["received"], 3);
        assert_eq!(stored(&app).await, [3, 0, 0]);
    }
}

dual_test! {
    async fn changing_one_row_counts_one_update(app: TestApp) {
        let user = manager(&app).await;
        let mut batch = json!([good("reviews", "r1"), good("reviews", "r2")]);
        send_ok(&app, &user, "reviews", &batch).await;
        batch[1]["rating"] = json!(2);

        let report = send_ok(&app, &user, "reviews", &batch).await;

        assert_eq!(counts(&report), (0, 1, 1));
        assert_eq!(stored(&app).await, [0, 2, 0]);
        let ratings = app
            .texts("SELECT CAST(rating AS TEXT) FROM reviews ORDER BY review_id")
            .await;
        assert_eq!(ratings, ["5", "2"]);
    }
}

dual_test! {
    async fn an_ndjson_batch_is_stored_and_its_rows_are_numbered_by_line(app: TestApp) {
        let user = manager(&app).await;
        let lines = |items: &[Value]| items.iter().map(|i| format!("{i}\n")).collect::<String>();
        let body = format!(
            "{}\n{}",
            lines(&[survey("s1", "nps", 9), survey("s2", "csat", 4)]),
            lines(&[survey("s3", "ces", 6)])
        );
        let path = events_path("surveys", user.team_id);
        let response = app
            .post_body(&path, &user.token, "application/x-ndjson", body, &[])
            .await;
        assert_eq!(counts(&accepted(response).await), (3, 0, 0));

        // Line 3 is blank; the bad item is on line 5.
        let body = format!(
            "{}\n{}",
            lines(&[survey("s4", "nps", 9), survey("s5", "nps", 3)]),
            lines(&[survey("s6", "nps", 9), survey("s7", "nps", 11)])
        );
        let response = app
            .post_body(&path, &user.token, "application/x-ndjson", body, &[])
            .await;
        let problem = rejected(response).await;
        assert_eq!(rows(&problem), [(5, Some("score".into()))]);
        assert_eq!(stored(&app).await, [0, 0, 3]);
    }
}

async fn send_keyed(app: &TestApp, user: &TestUser, key: &str, items: &Value) -> reqwest::Response {
    app.post_body(
        &events_path("orders", user.team_id),
        &user.token,
        "application/json",
        items.to_string(),
        &[("idempotency-key", key)],
    )
    .await
}

dual_test! {
    async fn a_repeated_idempotency_key_gets_the_first_answer_and_stores_nothing(app: TestApp) {
        let user = manager(&app).await;
        let batch = json!([good("orders", "o1"), good("orders", "o2")]);
        let first = send_keyed(&app, &user, "upload-2026-05-04", &batch).await;
        assert!(first.headers().get("idempotent-replayed").is_none());
        let first = accepted(first).await;
        let batches = app.count("ingest_batches").await;

        let second = send_keyed(&app, &user, "upload-2026-05-04", &batch).await;

        assert_eq!(second.headers()["idempotent-replayed"], "true");
        let second = accepted(second).await;
        assert_eq!(second["batch_id"], first["batch_id"]);
        assert_eq!(
            counts(&second),
            (2, 0, 0),
            "the first answer, not 'unchanged'"
        );
        assert_eq!(second["replayed"], true);
        assert_eq!(app.count("ingest_batches").await, batches);
        assert_eq!(stored(&app).await, [2, 0, 0]);
    }
}

dual_test! {
    async fn an_idempotency_key_reused_with_another_body_is_refused(app: TestApp) {
        let user = manager(&app).await;
        send_keyed(&app, &user, "k-1", &json!([good("orders", "o1")])).await;

        let response = send_keyed(&app, &user, "k-1", &json!([good("orders", "o2")])).await;

        let problem = crate::helpers::problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("different body"),
            "{problem}"
        );
        assert_eq!(stored(&app).await, [1, 0, 0]);
    }
}

dual_test! {
    async fn a_failed_batch_does_not_use_up_its_idempotency_key(app: TestApp) {
        let user = manager(&app).await;
        let bad = json!([
            good("orders", "o1"),
            order("o2", "p002", "2026-05-04", -5.0)
        ]);
        rejected(send_keyed(&app, &user, "k-2", &bad).await).await;

        let fixed = json!([good("orders", "o1"), order("o2", "p002", "2026-05-04", 5.0)]);
        let response = send_keyed(&app, &user, "k-2", &fixed).await;

        assert!(response.headers().get("idempotent-replayed").is_none());
        assert_eq!(counts(&accepted(response).await), (2, 0, 0));
    }
}

dual_test! {
    async fn an_identical_duplicate_inside_a_batch_is_accepted(app: TestApp) {
        let user = manager(&app).await;
        let batch = json!([
            good("orders", "o1"),
            good("orders", "o2"),
            good("orders", "o1")
        ]);

        let report = send_ok(&app, &user, "orders", &batch).await;

        assert_eq!(report["received"], 3);
        assert_eq!(counts(&report), (2, 0, 1));
        assert_eq!(stored(&app).await, [2, 0, 0]);
    }
}

dual_test! {
    async fn a_duplicate_id_with_other_content_inside_a_batch_is_rejected(app: TestApp) {
        let user = manager(&app).await;
        let batch = json!([
            good("orders", "o1"),
            good("orders", "o2"),
            order("o1", "p001", "2026-05-04", 99.0),
        ]);

        let problem = rejected(send(&app, &user, "orders", &batch).await).await;

        assert_eq!(rows(&problem), [(2, Some("order_id".into()))]);
        assert_row_error(&problem, 2, Some("order_id"), "appears twice");
        assert_eq!(stored(&app).await, [0, 0, 0]);
    }
}

dual_test! {
    async fn a_duplicate_far_apart_in_a_large_batch_is_rejected(app: TestApp) {
        let user = manager(&app).await;
        // Far enough apart to be written in different chunks.
        let mut items: Vec<Value> = (0..8000)
            .map(|i| good("surveys", &format!("s{i}")))
            .collect();
        items[7500] = survey("s3", "csat", 2);

        let problem = rejected(send(&app, &user, "surveys", &json!(items)).await).await;

        assert_eq!(rows(&problem), [(7500, Some("response_id".into()))]);
        assert_eq!(stored(&app).await, [0, 0, 0]);
        assert_eq!(
            app.count("ingest_batches WHERE status = 'succeeded'").await,
            0
        );
    }
}

dual_test! {
    async fn a_failed_batch_leaves_earlier_data_untouched(app: TestApp) {
        let user = manager(&app).await;
        send_ok(
            &app,
            &user,
            "orders",
            &json!([good("orders", "o1"), good("orders", "o2")]),
        )
        .await;
        let mut changed = order("o1", "p001", "2026-05-04", 120.0);
        changed["channel"] = json!("web form");
        let batch = json!([
            changed,
            good("orders", "o3"),
            order("o4", "p004", "someday", 10.0)
        ]);

        rejected(send(&app, &user, "orders", &batch).await).await;

        assert_eq!(stored(&app).await, [2, 0, 0]);
        let channels = app
            .texts("SELECT channel FROM orders ORDER BY order_id")
            .await;
        assert_eq!(channels, ["phone", "phone"]);
    }
}

dual_test! {
    async fn a_far_duplicate_is_rejected_even_when_its_first_copy_matched_stored_data(app: TestApp) {
        let user = manager(&app).await;
        send_ok(&app, &user, "surveys", &json!([survey("s3", "nps", 9)])).await;
        // The first s3 is unchanged; the second, in a later chunk, differs.
        let mut items: Vec<Value> = (0..8000)
            .map(|i| survey(&format!("s{i}"), "nps", 9))
            .collect();
        items[7500] = survey("s3", "csat", 2);

        let problem = rejected(send(&app, &user, "surveys", &json!(items)).await).await;

        assert_eq!(rows(&problem), [(7500, Some("response_id".into()))]);
        assert_eq!(stored(&app).await, [0, 0, 1]);
        let kinds = app.texts("SELECT kind FROM survey_responses").await;
        assert_eq!(kinds, ["nps"]);
    }
}
