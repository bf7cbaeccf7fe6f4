//! `smarter migrate`: up, status, and a working `down` for every migration.

use migration::MigratorTrait;

use super::{CORE_TABLES, count, migration_count, tables};

cli_test! {
    async fn migrate_applies_everything_and_status_lists_it(db: Db) {
        let before = db.ok(&["migrate", "status"], None).await;
        let pending: Vec<&str> = before.lines().filter(|l| l.starts_with("pending")).collect();
        assert_eq!(pending.len(), migration_count(), "{before}");

        let up = db.ok(&["migrate"], None).await;
        assert!(up.contains("up to date"), "{up}");
        let status = db.ok(&["migrate", "status"], None).await;
        let lines: Vec<&str> = status.lines().collect();
        assert_eq!(lines.len(), migration_count(), "{status}");
        assert!(lines.iter().all(|l| l.starts_with("applied ")), "{status}");
        for name in migration::Migrator::migrations().iter().map(|m| m.name().to_string()) {
            assert!(status.contains(&name), "{name} missing from {status}");
        }

        // Running it again is a no-op, and `migrate up` is the same command.
        db.ok(&["migrate"], None).await;
        db.ok(&["migrate", "up"], None).await;
        assert_eq!(db.ok(&["migrate", "status"], None).await, status);

        let present = tables(&db.connect().await).await;
        for table in CORE_TABLES {
            assert!(present.iter().any(|t| t == table), "{table} missing from {present:?}");
        }
    }
}

cli_test! {
    async fn every_migration_can_be_reverted_and_reapplied(db: Db) {
        db.ok(&["migrate"], None).await;
        let conn = db.connect().await;
        let migrated = tables(&conn).await;
        // Some data, so the downs must cope with rows and foreign keys.
        db.ok(&["demo"], None).await;

        let steps = migration_count().to_string();
        let down = db.ok(&["migrate", "down", "--steps", &steps], None).await;
        assert!(down.contains(&format!("reverted {steps}")), "{down}");
        let left = tables(&conn).await;
        assert!(
            left.iter().all(|t| t == "seaql_migrations"),
            "tables left after reverting every migration: {left:?}"
        );
        let status = db.ok(&["migrate", "status"], None).await;
        assert_eq!(status.lines().filter(|l| l.starts_with("pending ")).count(), migration_count(), "{status}");
        assert!(!status.contains("applied"), "{status}");

        db.ok(&["migrate"], None).await;
        assert_eq!(tables(&conn).await, migrated);
        let status = db.ok(&["migrate", "status"], None).await;
        assert_eq!(status.lines().filter(|l| l.starts_with("applied ")).count(), migration_count(), "{status}");
        // The schema works again from scratch.
        db.ok(&["demo"], None).await;
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM goals").await, 4);
    }
}

cli_test! {
    async fn migrations_revert_one_step_at_a_time(db: Db) {
        db.ok(&["migrate"], None).await;
        for applied in (0..migration_count()).rev() {
            db.ok(&["migrate", "down"], None).await;
            let status = db.ok(&["migrate", "status"], None).await;
            assert_eq!(status.lines().filter(|l| l.starts_with("applied ")).count(), applied, "{status}");
        }
        db.ok(&["migrate"], None).await;
        let present = tables(&db.connect().await).await;
        for table in CORE_TABLES {
            assert!(present.iter().any(|t| t == table), "{table} missing from {present:?}");
        }
    }
}
