//! `smarter user create` and `smarter token create`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{count, start_app, stderr, text};

cli_test! {
    async fn a_user_made_on_the_command_line_gets_a_working_token(db: Db) {
        let created = db
            .ok(
                &["user", "create", "--email", "Ann@Example.com", "--name", "Ann", "--team", "Support", "--role", "manager", "--password-stdin"],
                Some("a long password\n"),
            )
            .await;
        assert!(created.contains("ann@example.com"), "{created}");
        assert!(created.contains("Support"), "{created}");

        let output = db.smarter(&["token", "create", "--email", "ann@example.com", "--name", "scripts"], None).await;
        assert!(output.status.success(), "{}", stderr(&output));
        let stdout = String::from_utf8(output.stdout.clone()).unwrap();
        assert_eq!(stdout.lines().count(), 1, "only the token on stdout: {stdout}");
        let token = stdout.trim().to_string();
        assert!(token.starts_with("smt_"), "{token}");
        assert!(stderr(&output).contains("only once"), "{}", stderr(&output));

        let conn = db.connect().await;
        let hash = text(&conn, "SELECT password_hash FROM users").await;
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(smarter::store::accounts::verify_password("a long password".into(), hash).await);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM api_tokens WHERE name = 'scripts'").await, 1);

        let address = start_app(&db.url).await;
        let me = reqwest::Client::new()
            .get(format!("{address}/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::OK);
        let me: Value = me.json().await.unwrap();
        assert_eq!(me["email"], "ann@example.com");
        assert_eq!(me["display_name"], "Ann");
        assert_eq!(me["teams"][0]["name"], "Support");
        assert_eq!(me["teams"][0]["role"], "manager");
        let bad = reqwest::Client::new()
            .get(format!("{address}/api/v1/me"))
            .bearer_auth(format!("{token}x"))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);

        // Without --password-stdin a piped password is read the same way; the team is shared.
        db.ok(
            &["user", "create", "--email", "vic@example.com", "--name", "Vic", "--team", "Support", "--role", "viewer"],
            Some("another long password\r\n"),
        )
        .await;
        let vic = db.ok(&["token", "create", "--email", "VIC@example.com"], None).await;
        let me: Value = reqwest::Client::new()
            .get(format!("{address}/api/v1/me"))
            .bearer_auth(vic.trim())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["teams"], json!([{"id": me["teams"][0]["id"], "name": "Support", "role": "viewer"}]));
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM teams").await, 1);
    }
}

cli_test! {
    async fn user_create_refuses_bad_input_naming_the_flag(db: Db) {
        db.ok(&["migrate"], None).await;
        let base = |email: &'static str, role: &'static str, team: &'static str| {
            vec!["user", "create", "--email", email, "--name", "Ann", "--team", team, "--role", role, "--password-stdin"]
        };
        let cases: Vec<(Vec<&str>, &str, &str)> = vec![
            (base("not-an-email", "manager", "Support"), "a long password\n", "--email"),
            (base("ann@example", "manager", "Support"), "a long password\n", "--email"),
            (base("ann@example.com", "manager", "Support"), "short\n", "--password"),
            (base("ann@example.com", "manager", "Support"), "\n", "password"),
            (base("ann@example.com", "manager", "Support"), "", "password"),
            (base("ann@example.com", "owner", "Support"), "a long password\n", "--role"),
            (base("ann@example.com", "manager", "   "), "a long password\n", "--team"),
            (
                vec!["user", "create", "--email", "ann@example.com", "--name", " ", "--team", "Support", "--password-stdin"],
                "a long password\n",
                "--name",
            ),
            (
                vec!["user", "create", "--name", "Ann", "--team", "Support", "--password-stdin"],
                "a long password\n",
                "--email",
            ),
        ];
        for (args, stdin, flag) in cases {
            let output = db.smarter(&args, Some(stdin)).await;
            assert!(!output.status.success(), "{args:?} succeeded");
            let message = stderr(&output);
            assert!(message.contains(flag), "{args:?}: {message}");
            assert!(!message.contains("panicked"), "{args:?}: {message}");
        }
        let conn = db.connect().await;
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM users").await, 0);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM teams").await, 0);

        // A second user with the same email is refused, and the first is kept.
        db.ok(&base("ann@example.com", "manager", "Support"), Some("a long password\n")).await;
        let again = db.smarter(&base("ANN@example.com", "viewer", "Sales"), Some("a long password\n")).await;
        assert!(!again.status.success());
        assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM users").await, 1);
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM teams").await, 1);

        let nobody = db.smarter(&["token", "create", "--email", "nobody@example.com"], None).await;
        assert!(!nobody.status.success());
        assert!(stderr(&nobody).contains("nobody@example.com"), "{}", stderr(&nobody));
        assert!(nobody.stdout.is_empty());
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM api_tokens").await, 0);
    }
}
