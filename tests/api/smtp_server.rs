//! A real SMTP server inside the test process, so mail tests go over the wire
//! instead of mocking the transport. It speaks enough plain SMTP (no TLS, no
//! AUTH) for lettre, stores what it accepts, and can be told to fail or to go
//! away and come back on the same port.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

/// The reply to `MAIL FROM` while in [`Mode::TempFail`].
pub const TEMP_FAIL_REPLY: &str = "451 4.3.0 try again later";
/// The reply to `RCPT TO` while in [`Mode::PermFail`]; clients should keep its text.
pub const PERM_FAIL_REPLY: &str = "550 5.1.1 mailbox unavailable";

/// How the server answers; shared by all connections and switchable mid-test.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Accept and store every message.
    #[default]
    Accept,
    /// Refuse the next `remaining` transactions at `MAIL FROM` with a 4xx, then accept.
    TempFail { remaining: u32 },
    /// Refuse every recipient with a 5xx.
    PermFail,
}

/// One accepted message: the envelope and the raw data, dot-unstuffed, CRLF kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Default)]
struct State {
    mode: Mode,
    messages: Vec<Received>,
    attempts: usize,
}

type Shared = Arc<Mutex<State>>;

/// The stop signal and the accept loop of a listening server.
type Running = (oneshot::Sender<()>, JoinHandle<()>);

/// A listening SMTP server on 127.0.0.1; it shuts down when dropped.
pub struct SmtpServer {
    port: u16,
    state: Shared,
    running: tokio::sync::Mutex<Option<Running>>,
}

impl SmtpServer {
    /// Binds a free port and starts serving in [`Mode::Accept`].
    pub async fn start() -> Self {
        let state = Shared::default();
        let (port, running) = listen(0, &state).expect("bind the test SMTP server");
        let running = Some(running).into();
        Self {
            port,
            state,
            running,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn set_mode(&self, mode: Mode) {
        lock(&self.state).mode = mode;
    }

    pub fn mode(&self) -> Mode {
        lock(&self.state).mode
    }

    /// Every message accepted so far, in arrival order.
    pub fn messages(&self) -> Vec<Received> {
        lock(&self.state).messages.clone()
    }

    /// How many `MAIL FROM` commands arrived, refused ones included: one per delivery attempt.
    pub fn attempts(&self) -> usize {
        lock(&self.state).attempts
    }

    /// Waits until at least `n` messages arrived and returns them all; panics after `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            let (port, got, attempts) = (self.port, messages.len(), self.attempts());
            assert!(
                Instant::now() < deadline,
                "expected at least {n} messages on SMTP port {port} within {timeout:?}, \
                 got {got} after {attempts} MAIL FROM attempts: {messages:#?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Closes the port and every open connection; connecting fails until [`Self::restart`].
    pub async fn stop(&self) {
        if let Some((stop, task)) = self.running.lock().await.take() {
            let _ = stop.send(());
            let _ = task.await;
        }
    }

    /// Serves again on the same port, keeping the mode and the messages.
    pub async fn restart(&self) {
        let mut running = self.running.lock().await;
        if running.is_none() {
            let port = self.port;
            let (_, listening) = listen(port, &self.state)
                .unwrap_or_else(|e| panic!("rebind SMTP port {port}: {e}"));
            *running = Some(listening);
        }
    }
}

fn lock(state: &Shared) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Binds 127.0.0.1:`port` (0 for any) and serves it. SO_REUSEADDR lets a
/// restarted server take its port back at once.
fn listen(port: u16, state: &Shared) -> std::io::Result<(u16, Running)> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
    let listener = socket.listen(128)?;
    let port = listener.local_addr()?.port();
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(accept_loop(listener, state.clone(), stopped));
    Ok((port, (stop, task)))
}

/// Runs until told to stop (or the server is dropped), then closes every session.
async fn accept_loop(listener: TcpListener, state: Shared, mut stopped: oneshot::Receiver<()>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    sessions.spawn(session(stream, state.clone()));
                }
                while sessions.try_join_next().is_some() {}
            }
        }
    }
    drop(listener);
    sessions.shutdown().await;
}

/// What the connection loop does after a command.
enum Next {
    Reply(&'static str),
    ReadData,
    Quit,
}

/// The envelope of the mail transaction in progress on one connection.
#[derive(Default)]
struct Transaction {
    from: Option<String>,
    to: Vec<String>,
}

async fn session(stream: TcpStream, state: Shared) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut tx = Transaction::default();
    write
        .write_all(b"220 localhost test SMTP ready\r\n")
        .await?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line);
        let reply = match handle(command.trim_end_matches(['\r', '\n']), &state, &mut tx) {
            Next::Reply(reply) => reply,
            Next::Quit => return write.write_all(b"221 2.0.0 bye\r\n").await,
            Next::ReadData => {
                write
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let data = read_data(&mut reader).await?;
                let Transaction { from, to } = std::mem::take(&mut tx);
                let from = from.unwrap_or_default();
                lock(&state).messages.push(Received { from, to, data });
                "250 2.0.0 queued"
            }
        };
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

fn handle(command: &str, state: &Shared, tx: &mut Transaction) -> Next {
    let (verb, args) = command.split_once(' ').unwrap_or((command, ""));
    let verb = verb.to_ascii_uppercase();
    if matches!(verb.as_str(), "EHLO" | "HELO" | "RSET") {
        *tx = Transaction::default();
    }
    Next::Reply(match verb.as_str() {
        "EHLO" => "250-localhost\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760",
        "HELO" => "250 localhost",
        "MAIL" => mail(args, state, tx),
        "RCPT" => rcpt(args, state, tx),
        "DATA" if tx.to.is_empty() => "503 5.5.1 need RCPT TO first",
        "DATA" => return Next::ReadData,
        "RSET" | "NOOP" => "250 2.0.0 ok",
        "QUIT" => return Next::Quit,
        _ => "502 5.5.2 command not recognised",
    })
}

fn mail(args: &str, state: &Shared, tx: &mut Transaction) -> &'static str {
    let mut state = lock(state);
    state.attempts += 1;
    if tx.from.is_some() {
        return "503 5.5.1 nested MAIL command";
    }
    let Some(from) = path(args, "FROM:") else {
        return "501 5.5.4 syntax: MAIL FROM:<address>";
    };
    if let Mode::TempFail { remaining } = &mut state.mode
        && *remaining > 0
    {
        *remaining -= 1;
        if *remaining == 0 {
            state.mode = Mode::Accept;
        }
        return TEMP_FAIL_REPLY;
    }
    tx.from = Some(from);
    "250 2.1.0 sender ok"
}

fn rcpt(args: &str, state: &Shared, tx: &mut Transaction) -> &'static str {
    if tx.from.is_none() {
        return "503 5.5.1 need MAIL FROM first";
    }
    let Some(to) = path(args, "TO:") else {
        return "501 5.5.4 syntax: RCPT TO:<address>";
    };
    if lock(state).mode == Mode::PermFail {
        return PERM_FAIL_REPLY;
    }
    tx.to.push(to);
    "250 2.1.5 recipient ok"
}

/// The address in `<...>` after `keyword`; ESMTP parameters after it are ignored.
fn path(args: &str, keyword: &str) -> Option<String> {
    let (head, rest) = args.trim_start().split_at_checked(keyword.len())?;
    let (address, _params) = rest.trim_start().strip_prefix('<')?.split_once('>')?;
    head.eq_ignore_ascii_case(keyword)
        .then(|| address.to_string())
}

/// Reads message data up to the lone "." line, undoing dot-stuffing.
async fn read_data(reader: &mut BufReader<OwnedReadHalf>) -> std::io::Result<String> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(String::from_utf8_lossy(&data).into_owned());
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(unstuffed);
    }
}

mod tests;
