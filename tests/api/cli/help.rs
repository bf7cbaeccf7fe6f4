//! `--help` everywhere, and configuration the binary refuses.

use super::{smarter_with_url, stderr};

#[tokio::test]
async fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("unused.db").display());
    let commands: [&[&str]; 14] = [
        &["--help"],
        &["help"],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["migrate", "up", "--help"],
        &["migrate", "down", "--help"],
        &["migrate", "status", "--help"],
        &["user", "--help"],
        &["user", "create", "--help"],
        &["token", "--help"],
        &["token", "create", "--help"],
        &["demo", "--help"],
        &["import", "--help"],
        &["help", "user", "create"],
    ];
    for args in commands {
        let output = smarter_with_url(&url, dir.path(), args, None).await;
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("Usage: smarter"), "{args:?}: {text}");
    }
    let user_create = smarter_with_url(&url, dir.path(), &["user", "create", "--help"], None).await;
    let text = String::from_utf8(user_create.stdout).unwrap();
    for flag in [
        "--email",
        "--name",
        "--team",
        "--role",
        "--password-stdin",
        "--database-url",
    ] {
        assert!(text.contains(flag), "{flag} missing from {text}");
    }
    let serve = smarter_with_url(&url, dir.path(), &["serve", "--help"], None).await;
    let text = String::from_utf8(serve.stdout).unwrap();
    for flag in [
        "--bind",
        "--base-url",
        "--body-limit",
        "SMARTER_BIND",
        "DATABASE_URL",
    ] {
        assert!(text.contains(flag), "{flag} missing from {text}");
    }
    let version = smarter_with_url(&url, dir.path(), &["--version"], None).await;
    assert!(version.status.success());
    assert!(
        String::from_utf8(version.stdout)
            .unwrap()
            .starts_with("smarter ")
    );
    assert!(
        !dir.path().join("unused.db").exists(),
        "--help touched the database"
    );

    let unknown = smarter_with_url(&url, dir.path(), &["frobnicate"], None).await;
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("frobnicate"));
}

#[tokio::test]
async fn serve_refuses_an_unsupported_database_url() {
    let dir = tempfile::tempdir().unwrap();
    // Hold the port serve would bind to, so a regression fails instead of serving forever.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    for url in ["mysql://smarter:secret@localhost/smarter", "smarter.db"] {
        for args in [&["serve", "--bind", bind.as_str()][..], &["migrate"][..]] {
            let output = smarter_with_url(url, dir.path(), args, None).await;
            assert!(!output.status.success(), "{url} {args:?}");
            let message = stderr(&output);
            assert!(
                message.contains("DATABASE_URL"),
                "{url} {args:?}: {message}"
            );
            assert!(
                message.contains("sqlite://") && message.contains("postgres://"),
                "{url}: {message}"
            );
            assert!(
                !message.contains("secret"),
                "the password leaked: {message}"
            );
            assert!(!message.contains("panicked"), "{message}");
        }
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing was created"
    );
}
