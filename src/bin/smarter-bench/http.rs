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

fn parse_response(raw: &[u8]) -> anyhow::Result<(u16, Option<String>, Vec<u8>)> {
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
    let mut content_type = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(value.to_string()),
            "content-length" if value.parse() != Ok(body.len()) => {
                bail!("the body is not the {value} bytes announced")
            }
            "transfer-encoding" => bail!("a {value} body is not supported here"),
            _ => {}
        }
    }
    Ok((status, content_type, body))
}

#[cfg(test)]
mod tests {
    use super::parse_response;

    #[test]
    fn a_response_splits_into_status_type_and_body() {
        let raw =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        let (status, content_type, body) = parse_response(raw).unwrap();
        assert_eq!(status, 200);
        assert_eq!(content_type.as_deref(), Some("application/json"));
        assert_eq!(body, b"{}");
    }

    #[test]
    fn a_short_body_is_refused() {
        let raw = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n{}";
        assert!(parse_response(raw).is_err());
    }
}
