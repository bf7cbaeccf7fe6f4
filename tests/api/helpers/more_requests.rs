//! Reading stored values and requests with raw bodies, headers or chunks.

#![allow(dead_code)]

use super::*;

impl TestApp {
    /// The first column of every row `sql` returns, as text (to read stored values).
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        self.db
            .query_all_raw(Statement::from_string(
                self.db.get_database_backend(),
                sql.to_string(),
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).unwrap())
            .collect()
    }

    /// Sends a GET with a raw `Authorization` header value, or none.
    pub async fn get_with_authorization(
        &self,
        path: &str,
        authorization: Option<reqwest::header::HeaderValue>,
    ) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(value) = authorization {
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        request.send().await.expect("request sent")
    }
}

impl TestApp {
    /// Posts a raw body with its content type and any extra headers.
    pub async fn post_body(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", content_type);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(body).send().await.expect("request sent")
    }

    /// Posts `chunks` as a chunked body (no Content-Length, so the server has
    /// to read it as a stream) over a plain TCP connection; returns the
    /// status and the raw response text.
    pub async fn post_chunked(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        chunks: &[Vec<u8>],
    ) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.address.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        .into_bytes();
        for chunk in chunks {
            request.extend(format!("{:x}\r\n", chunk.len()).into_bytes());
            request.extend(chunk);
            request.extend(b"\r\n");
        }
        request.extend(b"0\r\n\r\n");
        // The server may answer and close before it has read everything.
        let _ = stream.write_all(&request).await;
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response).await;
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no HTTP status in {text:?}"));
        (status, text)
    }
}

impl TestApp {
    /// Sends a JSON Merge Patch with an `If-Match` header.
    pub async fn patch_if_match(
        &self,
        path: &str,
        token: &str,
        if_match: &str,
        body: &Value,
    ) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/merge-patch+json")
            .header("if-match", if_match)
            .body(body.to_string())
            .send()
            .await
            .expect("request sent")
    }

    /// Sends a DELETE with an `If-Match` header.
    pub async fn delete_if_match(&self, path: &str, token: &str, if_match: &str) -> Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .header("if-match", if_match)
            .send()
            .await
            .expect("request sent")
    }

    /// Sends raw text with any method and content type (for malformed bodies).
    pub async fn send_raw(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: &str,
    ) -> Response {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body.to_string())
            .send()
            .await
            .expect("request sent")
    }

    /// Posts JSON with a raw `Authorization` header value, or none.
    pub async fn post_with_authorization(
        &self,
        path: &str,
        authorization: Option<reqwest::header::HeaderValue>,
        body: &Value,
    ) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(value) = authorization {
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        request.send().await.expect("request sent")
    }

    /// Records a metric's value for the user's team on `date`; panics unless stored.
    pub async fn record_observation(&self, user: &TestUser, key: &str, date: &str, value: f64) {
        let body = json!({"team_id": user.team_id, "date": date, "value": value});
        let response = self
            .post(
                &format!("/api/v1/metrics/{key}/observations"),
                &user.token,
                &body,
            )
            .await;
        assert!(
            response.status().is_success(),
            "{}",
            response.text().await.unwrap()
        );
    }
}
