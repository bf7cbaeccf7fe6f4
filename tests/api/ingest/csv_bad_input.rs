//! Broken CSV files: a clear 422 naming the line and column, nothing stored.

use super::*;
use crate::helpers::dual_test;

/// Uploads `csv` as `kind`; it must be refused with nothing stored.
async fn refused(app: &TestApp, kind: &str, csv: impl Into<reqwest::Body>) -> Value {
    let user = manager(app).await;
    let problem = rejected(import(app, &user, kind, csv).await).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was stored"),
        "{problem}"
    );
    assert_eq!(stored(app).await, [0, 0, 0]);
    problem
}

dual_test! {
    async fn a_csv_missing_a_required_column_is_rejected(app: TestApp) {
        let csv = "order_id,customer_id,ordered_at,channel\no1,p001,2026-05-04,phone\n";

        let problem = refused(&app, "orders", csv).await;

        assert_eq!(rows(&problem), [(1, Some("amount".into()))]);
        assert_row_error(&problem, 1, Some("amount"), "missing");
    }
}

dual_test! {
    async fn a_csv_with_an_extra_column_is_rejected(app: TestApp) {
        let csv = "review_id,rating,source,reviewed_at,stars_total\nr1,5,google,2026-05-04,5\n";

        let problem = refused(&app, "reviews", csv).await;

        assert_eq!(rows(&problem), [(1, Some("stars_total".into()))]);
        assert_row_error(
            &problem,
            1,
            Some("stars_total"),
            "is not a column of reviews",
        );
    }
}

dual_test! {
    async fn a_csv_naming_a_column_twice_is_rejected(app: TestApp) {
        let csv = "order_id,customer_id,ordered_at,amount,amount\no1,p001,2026-05-04,1,2\n";

        let problem = refused(&app, "orders", csv).await;

        assert_row_error(&problem, 1, Some("amount"), "twice");
    }
}

dual_test! {
    async fn an_empty_file_is_rejected(app: TestApp) {
        let problem = refused(&app, "orders", "").await;

        assert_row_error(&problem, 1, None, "empty");
    }
}

dual_test! {
    async fn a_file_of_only_a_header_is_rejected(app: TestApp) {
        let problem = refused(&app, "surveys", "response_id,kind,score,responded_at\n").await;

        assert_row_error(&problem, 0, None, "no rows");
    }
}

dual_test! {
    async fn a_non_utf8_byte_is_reported_with_its_line_and_column(app: TestApp) {
        let mut csv = b"review_id,rating,source,reviewed_at,text\nr1,5,google,2026-05-04,ok\n".to_vec();
        csv.extend(b"r2,5,google,2026-05-04,Z\xE9 dobrze\n");

        let problem = refused(&app, "reviews", csv).await;

        assert_eq!(rows(&problem), [(3, Some("text".into()))]);
        assert_row_error(&problem, 3, Some("text"), "UTF-8");
    }
}

dual_test! {
    async fn a_file_with_lines_ending_in_cr_alone_is_rejected_with_a_hint(app: TestApp) {
        let csv = "order_id,customer_id,ordered_at,amount\ro1,p001,2026-05-04,1\r";

        let problem = refused(&app, "orders", csv).await;

        assert_row_error(&problem, 1, None, "save the file with LF or CRLF line ends");
    }
}

dual_test! {
    async fn a_row_with_too_few_fields_is_rejected(app: TestApp) {
        let csv = "order_id,customer_id,ordered_at,amount\no1,p001,2026-05-04,1\no2,p002,2026-05-04\n";

        let problem = refused(&app, "orders", csv).await;

        assert_row_error(&problem, 3, None, "has 3 fields, but the header has 4");
    }
}

dual_test! {
    async fn bad_values_are_reported_by_line_and_column(app: TestApp) {
        let csv = "response_id,kind,score,responded_at,touchpoint\n\
                   s1,nps,11,2026-05-04,reception\n\
                   s2,ces,0,2026-05-04,phone\n\
                   s3,nps,9,2026-05-04,phone\n\
                   s4,promoter,9,2026-05-04,phone\n\
                   s5,csat,5,2026-05-04 10:00,phone\n\
                   ,csat,5,2026-05-04,phone\n";

        let problem = refused(&app, "surveys", csv).await;

        assert_eq!(
            rows(&problem),
            [
                (2, Some("score".into())),
                (3, Some("score".into())),
                (5, Some("kind".into())),
                (6, Some("responded_at".into())),
                (7, Some("response_id".into())),
            ]
        );
        assert_row_error(&problem, 2, Some("score"), "from 0 to 10");
        assert_row_error(&problem, 3, Some("score"), "from 1 to 7");
        assert_row_error(&problem, 5, Some("kind"), "unknown value \"promoter\"");
    }
}

dual_test! {
    async fn a_negative_amount_and_a_bad_date_in_a_csv_are_rejected(app: TestApp) {
        let csv = "order_id,customer_id,ordered_at,amount\n\
                   o1,p001,2026-05-04,-3\n\
                   o2,p001,2026-13-40,3\n\
                   o3,p001,2026-05-04T10:00:00,3\n";

        let problem = refused(&app, "orders", csv).await;

        assert_row_error(&problem, 2, Some("amount"), "negative");
        assert_row_error(&problem, 3, Some("ordered_at"), "is not a timestamp");
        assert_row_error(&problem, 4, Some("ordered_at"), "no UTC offset");
    }
}

dual_test! {
    async fn a_duplicate_id_with_other_content_in_a_csv_is_rejected(app: TestApp) {
        let csv = "order_id,customer_id,ordered_at,amount\no1,p001,2026-05-04,1\no2,p001,2026-05-04,1\no1,p001,2026-05-04,2\n";

        let problem = refused(&app, "orders", csv).await;

        assert_eq!(rows(&problem), [(4, Some("order_id".into()))]);
        assert_row_error(&problem, 4, Some("order_id"), "first at row 2");
    }
}
