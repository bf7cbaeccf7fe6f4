//! `smarter evaluate`: every review cycle due at a moment, once.

use chrono::{Duration, Utc};

use super::{count, stderr};

cli_test! {
    async fn evaluate_runs_the_demo_reviews_due_at_a_moment_once(db: Db) {
        db.ok(&["demo"], None).await;
        // The demo's three active goals are reviewed monthly from the first
        // of this month; forty days on, each has one review due.
        let at = (Utc::now() + Duration::days(40)).to_rfc3339();
        let first = db.ok(&["evaluate", "--at", &at], None).await;
        assert!(first.starts_with("evaluated 3 goal(s)"), "{first}");
        let again = db.ok(&["evaluate", "--at", &at], None).await;
        assert!(again.starts_with("evaluated 0 goal(s)"), "{again}");
        let conn = db.connect().await;
        assert_eq!(count(&conn, "SELECT COUNT(*) AS n FROM evaluations WHERE skipped = false").await, 3);
    }
}

cli_test! {
    async fn evaluate_refuses_a_moment_it_cannot_read(db: Db) {
        for bad in ["tomorrow", "2027-03-01", "2027-03-01T09:00:00"] {
            let output = db.smarter(&["evaluate", "--at", bad], None).await;
            assert!(!output.status.success());
            let err = stderr(&output);
            assert!(err.contains("--at") && err.contains(bad), "{err}");
        }
    }
}
