//! The demo CSVs shipped under examples/ import cleanly.

use super::*;
use crate::helpers::dual_test;

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

dual_test! {
    async fn the_example_files_import_without_errors(app: TestApp) {
        let user = manager(&app).await;
        let mut expected = [0; 3];

        for (i, (kind, file)) in [
            ("orders", "orders.csv"),
            ("reviews", "reviews.csv"),
            ("surveys", "surveys.csv"),
        ]
        .into_iter()
        .enumerate()
        {
            let csv = example(file);
            let lines = csv.lines().count() as u64 - 1;
            assert!(lines >= 100, "{file} has {lines} rows");
            let report = import_ok(&app, &user, kind, csv).await;
            assert_eq!(counts(&report), (lines, 0, 0), "{file}");
            expected[i] = lines as i64;
        }

        assert_eq!(stored(&app).await, expected);
    }
}
