//! Who may send data, in which form, and how much.

use serde_json::{Value, json};

use super::*;
use crate::helpers::dual_test;

dual_test! {
    async fn a_batch_of_10001_items_is_too_large(app: TestApp) {
        let user = manager(&app).await;
        let items: Vec<Value> = (0..10_001)
            .map(|i| good("orders", &format!("o{i}")))
            .collect();

        let response = send(&app, &user, "orders", &json!(items)).await;

        let problem = problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
        assert!(
            problem["detail"].as_str().unwrap().contains("10000"),
            "{problem}"
        );
        assert_eq!(stored(&app).await, [0, 0, 0]);
        let items: Vec<Value> = (0..10_000)
            .map(|i| good("orders", &format!("o{i}")))
            .collect();
        assert_eq!(
            counts(&send_ok(&app, &user, "orders", &json!(items)).await),
            (10_000, 0, 0)
        );
    }
}

dual_test! {
    async fn another_teams_data_cannot_be_sent_or_listed(app: TestApp) {
        let user = manager(&app).await;
        let other = app
            .user("bob@example.com", "Other Clinic", Role::Admin)
            .await;
        let batch = json!([good("orders", "o1")]);

        let sent = app
            .post(&events_path("orders", other.team_id), &user.token, &batch)
            .await;
        let imported = app
            .post_body(
                &imports_path("orders", other.team_id),
                &user.token,
                "text/csv",
                "order_id,customer_id,ordered_at,amount\no1,p001,2026-05-04,1\n",
                &[],
            )
            .await;
        let listed = app
            .get(
                &format!("/api/v1/imports?team={}", other.team_id),
                &user.token,
            )
            .await;

        for response in [sent, imported, listed] {
            let problem = problem(response, StatusCode::NOT_FOUND).await;
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("not one of your teams")
            );
        }
        assert_eq!(stored(&app).await, [0, 0, 0]);
    }
}

dual_test! {
    async fn a_viewer_cannot_send_data_but_sees_the_import_list(app: TestApp) {
        let viewer = app
            .user("vic@example.com", "Smile Dental Clinic", Role::Viewer)
            .await;

        let sent = send(&app, &viewer, "reviews", &json!([good("reviews", "r1")])).await;
        let imported = import(
            &app,
            &viewer,
            "reviews",
            "review_id,rating,source,reviewed_at\nr1,5,google,2026-05-04\n",
        )
        .await;

        problem(sent, StatusCode::FORBIDDEN).await;
        problem(imported, StatusCode::FORBIDDEN).await;
        assert_eq!(stored(&app).await, [0, 0, 0]);
        let listed = app
            .get(
                &format!("/api/v1/imports?team={}", viewer.team_id),
                &viewer.token,
            )
            .await;
        assert_eq!(accepted(listed).await, json!([]));
    }
}

dual_test! {
    async fn a_wrong_content_type_is_unsupported(app: TestApp) {
        let user = manager(&app).await;
        let csv = "order_id,customer_id,ordered_at,amount\no1,p001,2026-05-04,1\n";
        let batch = json!([good("orders", "o1")]).to_string();

        let csv_as_events = app
            .post_body(
                &events_path("orders", user.team_id),
                &user.token,
                "text/csv",
                csv,
                &[],
            )
            .await;
        let json_as_events = app
            .post_body(
                &events_path("orders", user.team_id),
                &user.token,
                "text/plain",
                batch.clone(),
                &[],
            )
            .await;
        let json_as_import = app
            .post_body(
                &imports_path("orders", user.team_id),
                &user.token,
                "application/json",
                batch,
                &[],
            )
            .await;

        for response in [csv_as_events, json_as_events, json_as_import] {
            problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        }
        assert_eq!(stored(&app).await, [0, 0, 0]);
    }
}

/// A CSV of `rows` orders.
fn orders_csv(rows: usize) -> String {
    let mut csv = String::from("order_id,customer_id,ordered_at,amount,channel\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "o{i},p{:03},2026-05-04T10:00:00Z,{}.50,booking portal\n",
            i % 97,
            i % 300
        ));
    }
    csv
}

dual_test! {
    async fn a_csv_larger_than_the_import_body_limit_is_refused(app: TestApp) {
        let app = TestApp::spawn_with(app.backend, |config| config.import_body_limit = 10_000)
            .await
            .unwrap();
        let user = manager(&app).await;
        let big = orders_csv(1_000);
        assert!(big.len() > 30_000);
        let path = imports_path("orders", user.team_id);

        let sized = app
            .post_body(&path, &user.token, "text/csv", big.clone(), &[])
            .await;
        problem(sized, StatusCode::PAYLOAD_TOO_LARGE).await;

        // Without a Content-Length the limit is met while the file is streamed.
        let chunks: Vec<Vec<u8>> = big.as_bytes().chunks(4096).map(<[u8]>::to_vec).collect();
        let (status, text) = app
            .post_chunked(&path, &user.token, "text/csv", &chunks)
            .await;
        assert_eq!(status, 413, "{text}");
        assert!(text.contains("application/problem+json"), "{text}");
        assert_eq!(stored(&app).await, [0, 0, 0]);

        // The server is fine afterwards, for sized and streamed files alike.
        let small = orders_csv(100);
        assert!(small.len() < 10_000);
        assert_eq!(
            counts(&import_ok(&app, &user, "orders", small).await),
            (100, 0, 0)
        );
        let chunks: Vec<Vec<u8>> = orders_csv(120)
            .as_bytes()
            .chunks(1000)
            .map(<[u8]>::to_vec)
            .collect();
        let (status, text) = app
            .post_chunked(&path, &user.token, "text/csv", &chunks)
            .await;
        assert_eq!(status, 200, "{text}");
        assert_eq!(stored(&app).await, [120, 0, 0]);
    }
}
