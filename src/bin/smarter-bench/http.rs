//! Plain HTTP/1.1 requests over fresh connections, enough to check a server
//! before loading it and to time single calls (the library's HTTP client is
//! a test-only dependency).

use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// GETs `path` from 127.0.0.1:`port` over a fresh connection, with an extra
/// header line if given; returns the status, the content type and the body.
pub async fn get_once(
    port: u16,
    path: &str,
    header: Option<&str>,
) -> anyhow::Result<(u16, Option<String>, Vec<u8>)> {
    let headers: Vec<&str> = header.into_iter().collect();
    request_once(port, "GET", path, &headers, &[], Duration::from_secs(10)).await
}

/// One request over a fresh connection, with extra header lines and a body
/// (sent with its length when not empty), answered within `limit`.
pub async fn request_once(
    port: u16,
    method: &str,
    path: &str,
    headers: &[&str],
    body: &[u8],
    limit: Duration,
) -> anyhow::Result<(u16, Option<String>, Vec<u8>)> {
    let answer = request(port, method, path, headers, body, limit).await?;
    let content_type = answer.header("content-type").map(str::to_string);
    Ok((answer.status, content_type, answer.body))
}

/// An answer with all its headers.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Names in lower case, in the order received (`set-cookie` may repeat).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The first header of that name (given in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of the cookie `name` the answer sets, if it sets one.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .filter_map(|(_, v)| v.split(';').next()?.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// Like [`request_once`], keeping every header of the answer.
pub async fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[&str],
    body: &[u8],
    limit: Duration,
) -> anyhow::Result<Answer> {
    let exchange = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
        for header in headers {
            head.push_str(header);
            head.push_str("\r\n");
        }
        if !body.is_empty() {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("Connection: close\r\n\r\n");
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        anyhow::Ok(raw)
    };
    let raw = tokio::time::timeout(limit, exchange)
        .await
        .with_context(|| format!("{method} {path} on port {port} took over {limit:?}"))?
        .with_context(|| format!("{method} {path} on port {port}"))?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> anyhow::Result<Answer> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("the answer has no end of headers")?;
    let head = std::str::from_utf8(&raw[..split]).context("the headers are not text")?;
    let body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .context("the answer has no status line")?;
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.to_ascii_lowercase(), value.trim());
        match name.as_str() {
            "content-length" if value.parse() != Ok(body.len()) => {
                bail!("the body is not the {value} bytes announced")
            }
            "transfer-encoding" => bail!("a {value} body is not supported here"),
            _ => {}
        }
        headers.push((name, value.to_string()));
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_response;

    #[test]
    fn a_response_splits_into_status_type_and_body() {
        let raw =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        let answer = parse_response(raw).unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(answer.body, b"{}");
    }

    #[test]
    fn each_cookie_an_answer_sets_is_found_by_name() {
        let raw = b"HTTP/1.1 303 See Other\r\nlocation: /goals\r\n\
            Set-Cookie: smarter_csrf=; Max-Age=0; Path=/\r\n\
            Set-Cookie: smarter_session=abc=def; HttpOnly; SameSite=Lax; Path=/\r\n\
            content-length: 0\r\n\r\n";
        let answer = parse_response(raw).unwrap();
        assert_eq!(answer.header("location"), Some("/goals"));
        assert_eq!(answer.cookie("smarter_session"), Some("abc=def"));
        assert_eq!(answer.cookie("smarter_csrf"), Some(""));
        assert_eq!(answer.cookie("other"), None);
    }

    #[test]
    fn a_short_body_is_refused() {
        let raw = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n{}";
        assert!(parse_response(raw).is_err());
    }
}
