use super::*;
use lettre::transport::smtp::{Error, response::Response};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

const WAIT: Duration = Duration::from_secs(5);

type Mailer = AsyncSmtpTransport<Tokio1Executor>;

/// Configured the way the service configures its mailer.
fn mailer(server: &SmtpServer) -> Mailer {
    Mailer::builder_dangerous("127.0.0.1")
        .port(server.port())
        .build()
}

async fn send(mailer: &Mailer, body: &str) -> Result<Response, Error> {
    let message = Message::builder()
        .from("Smarter <reviews@smarter.test>".parse().unwrap())
        .to("Lead <lead@example.test>".parse().unwrap())
        .subject("Weekly goal review")
        .body(body.to_string())
        .unwrap();
    mailer.send(message).await
}

#[tokio::test]
async fn accepted_mail_is_stored_with_envelope_headers_and_body() {
    let server = SmtpServer::start().await;
    send(&mailer(&server), "On track.").await.unwrap();
    let received = &server.wait_for(1, WAIT).await[0];
    assert_eq!(received.from, "reviews@smarter.test");
    assert_eq!(received.to, ["lead@example.test"]);
    let data = &received.data;
    assert!(data.contains("Subject: Weekly goal review\r\n"), "{data}");
    assert!(data.ends_with("\r\n\r\nOn track.\r\n"), "{data}");
    assert_eq!(server.attempts(), 1);
}

#[tokio::test]
async fn concurrent_connections_are_all_served() {
    let server = SmtpServer::start().await;
    let mut senders = JoinSet::new();
    for i in 0..5 {
        let mailer = mailer(&server);
        senders.spawn(async move { send(&mailer, &format!("message {i}")).await.unwrap() });
    }
    senders.join_all().await;
    assert_eq!(server.wait_for(5, WAIT).await.len(), 5);
}

#[tokio::test]
async fn temp_fail_gives_transient_errors_then_accepts() {
    let server = SmtpServer::start().await;
    server.set_mode(Mode::TempFail { remaining: 2 });
    let mailer = mailer(&server);
    for _ in 0..2 {
        let err = send(&mailer, "retry me").await.unwrap_err();
        assert!(err.is_transient(), "{err}");
    }
    send(&mailer, "retry me").await.unwrap();
    assert_eq!((server.attempts(), server.mode()), (3, Mode::Accept));
    assert_eq!(server.wait_for(1, WAIT).await.len(), 1);
}

#[tokio::test]
async fn perm_fail_gives_permanent_error_carrying_the_reply() {
    let server = SmtpServer::start().await;
    server.set_mode(Mode::PermFail);
    let err = send(&mailer(&server), "nobody home").await.unwrap_err();
    assert!(err.is_permanent(), "{err}");
    assert!(
        err.to_string().contains("5.1.1 mailbox unavailable"),
        "{err}"
    );
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn stopped_server_refuses_connections_until_restarted_on_the_same_port() {
    let server = SmtpServer::start().await;
    let mailer = mailer(&server);
    send(&mailer, "before").await.unwrap();
    server.stop().await;
    let refused = TcpStream::connect(("127.0.0.1", server.port())).await;
    assert_eq!(
        refused.unwrap_err().kind(),
        std::io::ErrorKind::ConnectionRefused
    );
    let err = send(&mailer, "while down").await.unwrap_err();
    assert!(!err.is_permanent(), "{err}");
    server.restart().await;
    send(&mailer, "after").await.unwrap();
    assert!(server.wait_for(2, WAIT).await[1].data.contains("after"));
}

#[tokio::test]
async fn body_lines_starting_with_a_dot_survive_dot_stuffing() {
    let server = SmtpServer::start().await;
    let body = "First\r\n.hidden\r\n..two dots\r\n.\r\nlast";
    send(&mailer(&server), body).await.unwrap();
    let data = &server.wait_for(1, WAIT).await[0].data;
    assert!(data.contains(&format!("\r\n{body}")), "{data}");
}

#[tokio::test]
async fn raw_client_gets_a_reply_to_every_command() {
    let server = SmtpServer::start().await;
    let stream = TcpStream::connect(("127.0.0.1", server.port()))
        .await
        .unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let greeting = lines.next_line().await.unwrap().unwrap();
    assert!(greeting.starts_with("220 "), "{greeting}");
    for (command, expected) in [
        ("HELO me", "250 "),
        ("NOOP", "250 "),
        ("RCPT TO:<a@b.test>", "503 "),
        ("mail from: <>", "250 "),
        ("RSET", "250 "),
        ("DATA", "503 "),
        ("VRFY someone", "502 "),
        ("QUIT", "221 "),
    ] {
        write
            .write_all(format!("{command}\r\n").as_bytes())
            .await
            .unwrap();
        let reply = lines.next_line().await.unwrap().unwrap();
        assert!(reply.starts_with(expected), "{command} -> {reply}");
    }
    assert!(lines.next_line().await.unwrap().is_none());
}
