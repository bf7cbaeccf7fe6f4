//! Bad rows in a JSON batch: each named by index and column, the whole batch
//! refused, nothing stored.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;
use crate::helpers::{dual_test, pointers};

/// Sends a good item followed by `bad`; the batch must be refused with an
/// error at row 1, `column`, saying `fragment`, and nothing stored.
async fn refuses(app: &TestApp, kind: &str, bad: Value, column: Option<&str>, fragment: &str) {
    let user = manager(app).await;
    let batch = json!([good(kind, "first"), bad]);

    let problem = rejected(send(app, &user, kind, &batch).await).await;

    assert_row_error(&problem, 1, column, fragment);
    assert_eq!(problem["total_errors"], 1, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was stored")
    );
    assert_eq!(stored(app).await, [0, 0, 0]);
}

dual_test! {
    async fn ratings_0_and_6_are_rejected(app: TestApp) {
        let user = manager(&app).await;
        let batch = json!([review("r1", 5), review("r2", 0), review("r3", 6)]);

        let problem = rejected(send(&app, &user, "reviews", &batch).await).await;

        assert_eq!(
            rows(&problem),
            [(1, Some("rating".into())), (2, Some("rating".into()))]
        );
        assert_row_error(&problem, 1, Some("rating"), "from 1 to 5");
        assert_row_error(&problem, 2, Some("rating"), "from 1 to 5");
        assert_eq!(problem["total_errors"], 2);
        assert_eq!(stored(&app).await, [0, 0, 0]);
    }
}

dual_test! {
    async fn nps_11_is_rejected(app: TestApp) {
        refuses(
            &app,
            "surveys",
            survey("s2", "nps", 11),
            Some("score"),
            "from 0 to 10",
        )
        .await;
    }
}

dual_test! {
    async fn ces_0_is_rejected(app: TestApp) {
        refuses(
            &app,
            "surveys",
            survey("s2", "ces", 0),
            Some("score"),
            "from 1 to 7",
        )
        .await;
    }
}

dual_test! {
    async fn an_unknown_survey_kind_is_rejected(app: TestApp) {
        refuses(
            &app,
            "surveys",
            survey("s2", "ces2", 3),
            Some("kind"),
            "\"nps\", \"csat\", \"ces\"",
        )
        .await;
    }
}

dual_test! {
    async fn a_negative_amount_is_rejected(app: TestApp) {
        refuses(
            &app,
            "orders",
            order("o2", "p002", "2026-05-04", -12.5),
            Some("amount"),
            "negative",
        )
        .await;
    }
}

dual_test! {
    async fn an_unparseable_date_is_rejected(app: TestApp) {
        refuses(
            &app,
            "orders",
            order("o2", "p002", "04/05/2026", 10.0),
            Some("ordered_at"),
            "is not a timestamp",
        )
        .await;
    }
}

dual_test! {
    async fn a_timestamp_without_offset_is_rejected(app: TestApp) {
        let mut bad = review("r2", 4);
        bad["reviewed_at"] = json!("2026-05-04T10:30:00");
        refuses(&app, "reviews", bad, Some("reviewed_at"), "no UTC offset").await;
    }
}

dual_test! {
    async fn a_missing_id_is_rejected(app: TestApp) {
        let mut bad = good("orders", "x");
        bad.as_object_mut().unwrap().remove("order_id");
        refuses(&app, "orders", bad, Some("order_id"), "missing").await;
    }
}

dual_test! {
    async fn a_blank_id_is_rejected(app: TestApp) {
        refuses(
            &app,
            "surveys",
            survey("  ", "csat", 4),
            Some("response_id"),
            "missing",
        )
        .await;
    }
}

dual_test! {
    async fn an_item_that_is_not_an_object_is_rejected(app: TestApp) {
        refuses(
            &app,
            "orders",
            json!("o2,p002,2026-05-04,10"),
            None,
            "must be a JSON object",
        )
        .await;
    }
}

dual_test! {
    async fn an_unknown_field_is_rejected(app: TestApp) {
        let mut bad = good("orders", "o2");
        bad["discount"] = json!(5);
        refuses(
            &app,
            "orders",
            bad,
            Some("discount"),
            "is not a field of orders",
        )
        .await;
    }
}

dual_test! {
    async fn a_body_that_is_not_an_array_is_rejected(app: TestApp) {
        let user = manager(&app).await;

        let response = send(&app, &user, "orders", &good("orders", "o1")).await;

        let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&problem), [""]);
        assert!(
            problem["detail"].as_str().unwrap().contains("JSON array"),
            "{problem}"
        );
        assert_eq!(stored(&app).await, [0, 0, 0]);
    }
}

dual_test! {
    async fn a_body_that_is_not_json_is_a_bad_request(app: TestApp) {
        let user = manager(&app).await;

        let response = app
            .post_raw(
                &events_path("orders", user.team_id),
                &user.token,
                "[{\"order_id\": ",
            )
            .await;

        problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(stored(&app).await, [0, 0, 0]);
    }
}

dual_test! {
    async fn every_problem_of_a_row_is_reported(app: TestApp) {
        let user = manager(&app).await;
        let bad = json!({"review_id": "r2", "rating": 9, "reviewed_at": "yesterday"});

        let problem =
            rejected(send(&app, &user, "reviews", &json!([review("r1", 5), bad])).await).await;

        assert_row_error(&problem, 1, Some("rating"), "from 1 to 5");
        assert_row_error(&problem, 1, Some("source"), "missing");
        assert_row_error(&problem, 1, Some("reviewed_at"), "is not a timestamp");
        assert_eq!(problem["total_errors"], 3);
    }
}

dual_test! {
    async fn at_most_100_errors_are_listed_with_the_total(app: TestApp) {
        let user = manager(&app).await;
        let mut items: Vec<Value> = (0..300)
            .map(|i| good("reviews", &format!("r{i}")))
            .collect();
        for item in items.iter_mut().skip(50).take(250) {
            item["rating"] = json!(0);
        }

        let problem = rejected(send(&app, &user, "reviews", &json!(items)).await).await;

        assert_eq!(problem["total_errors"], 250);
        let listed = rows(&problem);
        assert_eq!(listed.len(), 100);
        assert_eq!(listed[0], (50, Some("rating".into())));
        assert_eq!(listed[99], (149, Some("rating".into())));
        assert!(
            problem["detail"].as_str().unwrap().contains("250"),
            "{problem}"
        );
        assert_eq!(stored(&app).await, [0, 0, 0]);
    }
}
