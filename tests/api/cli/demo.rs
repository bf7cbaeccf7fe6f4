//! `smarter demo`: the dental clinic, loaded once or twice.

use serde_json::Value;

use super::{count, start_app, text};

/// The password `smarter demo` printed.
fn printed_password(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("password:"))
        .unwrap_or_else(|| panic!("no password in {stdout}"))
        .trim()
        .to_string()
}

cli_test! {
    async fn demo_loads_a_clinic_and_prints_a_login(db: Db) {
        let first = db.ok(&["demo"], None).await;
        assert!(first.contains("login:"), "{first}");
        assert!(first.contains("demo@smile-dental.example"), "{first}");
        let password = printed_password(&first);
        assert!(password.len() >= 10, "{first}");

        let conn = db.connect().await;
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM goals").await, 4);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM goals WHERE status = 'active'").await, 3);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM goals WHERE status = 'draft'").await, 1);
        assert!(count(&conn, "SELECT COUNT(*) FROM metric_observations").await > 0);
        let hash_of_demo = "SELECT password_hash FROM users WHERE email = 'demo@smile-dental.example'";
        assert!(smarter::store::accounts::verify_password(password.clone(), text(&conn, hash_of_demo).await).await);

        // Twice: nothing is duplicated and the login gets a new password.
        let second = db.ok(&["demo"], None).await;
        assert!(second.contains("demo@smile-dental.example"), "{second}");
        let new_password = printed_password(&second);
        assert_ne!(new_password, password);
        let stored = text(&conn, hash_of_demo).await;
        assert!(smarter::store::accounts::verify_password(new_password, stored.clone()).await);
        assert!(!smarter::store::accounts::verify_password(password, stored).await);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM goals").await, 4);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM users").await, 2);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM custom_metrics").await, 1);

        // The printed login works through the API once it has a token.
        let token = db.ok(&["token", "create", "--email", "demo@smile-dental.example"], None).await;
        let address = start_app(&db.url).await;
        let me: Value = reqwest::Client::new()
            .get(format!("{address}/api/v1/me"))
            .bearer_auth(token.trim())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["teams"][0]["name"], "Smile Dental Clinic");
        assert_eq!(me["teams"][0]["role"], "admin");
    }
}
