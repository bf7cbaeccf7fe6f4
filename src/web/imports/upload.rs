//! A file upload from a signed-in form: `multipart/form-data` whose FIRST
//! part is the session's CSRF token, checked before any of the file is
//! read, and a body that may not grow past `Config::web_upload_limit`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use crate::error::AppError;
use crate::startup::AppState;
use crate::web::csrf::{FIELD, same_secret};
use crate::web::error::WebError;
use crate::web::session::WebUser;

/// The longest CSRF part read; the token is far shorter.
const MAX_TOKEN_LEN: usize = 256;
/// How much of an oversized upload is still read (and thrown away) so the
/// browser gets the 413 page instead of a reset connection.
const DRAIN_AT_MOST: u64 = 256 * 1024 * 1024;

/// A signed-in user's upload whose CSRF part matched the session; the
/// remaining parts are still unread.
pub struct SessionUpload {
    pub user: WebUser,
    pub multipart: Multipart,
    /// Set once the body has gone past the limit.
    pub over_limit: Arc<AtomicBool>,
    pub limit: u64,
}

/// The page for an upload above the limit.
pub fn too_large(limit: u64) -> WebError {
    WebError(AppError::PayloadTooLarge(format!(
        "The file is larger than the {} MiB this form accepts. Split it into smaller files, \
         or import it with the API (POST /api/v1/imports/{{kind}}) or `smarter import`, \
         which take files of any size.",
        limit / (1024 * 1024)
    )))
}

fn refused() -> WebError {
    WebError(AppError::Forbidden(
        "this form is out of date or did not come from this site; reload the page and send it again".into(),
    ))
}

/// Reads and throws away what is left of a body, up to `DRAIN_AT_MOST`.
async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    let mut read = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        read += chunk.len() as u64;
        if read > DRAIN_AT_MOST {
            break;
        }
    }
}

/// The body, cut off with an error once it passes `limit` bytes (the rest
/// is drained first, so the answer reaches the browser).
fn limited(body: Body, limit: u64, over: Arc<AtomicBool>) -> Body {
    let state = (body.into_data_stream(), 0u64, false);
    let stream = futures_util::stream::unfold(state, move |(mut inner, seen, done)| {
        let over = over.clone();
        async move {
            if done {
                return None;
            }
            match inner.next().await {
                None => None,
                Some(Err(e)) => Some((Err(std::io::Error::other(e)), (inner, seen, true))),
                Some(Ok(chunk)) => {
                    let seen = seen + chunk.len() as u64;
                    if seen <= limit {
                        return Some((Ok::<Bytes, std::io::Error>(chunk), (inner, seen, false)));
                    }
                    over.store(true, Ordering::SeqCst);
                    let mut drained = seen;
                    while drained < DRAIN_AT_MOST {
                        match inner.next().await {
                            Some(Ok(c)) => drained += c.len() as u64,
                            _ => break,
                        }
                    }
                    let error = std::io::Error::other("the upload passed its length limit");
                    Some((Err(error), (inner, seen, true)))
                }
            }
        }
    });
    Body::from_stream(stream)
}

impl SessionUpload {
    /// Reads what is left of the upload (bounded), so an early answer
    /// reaches the browser rather than a reset connection.
    pub async fn finish_reading(&mut self) {
        while let Ok(Some(mut field)) = self.multipart.next_field().await {
            while let Ok(Some(_)) = field.chunk().await {}
        }
    }

    pub fn is_over_limit(&self) -> bool {
        self.over_limit.load(Ordering::SeqCst)
    }
}

async fn token_part(multipart: &mut Multipart) -> Option<String> {
    let mut field = multipart.next_field().await.ok()??;
    if field.name() != Some(FIELD) {
        return None;
    }
    let mut token = Vec::new();
    while let Some(chunk) = field.chunk().await.ok()? {
        token.extend_from_slice(&chunk);
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
    }
    String::from_utf8(token).ok()
}

impl FromRequest<AppState> for SessionUpload {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let user = WebUser::from_request_parts(&mut parts, state).await?;
        let limit = state.config.web_upload_limit;
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit) {
            drain(body).await;
            return Err(too_large(limit).into_response());
        }
        let over_limit = Arc::new(AtomicBool::new(false));
        let body = limited(body, limit, over_limit.clone());
        let multipart = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| {
                WebError(AppError::UnsupportedMediaType(
                    "send the upload form as multipart/form-data".into(),
                ))
                .into_response()
            })?;
        let mut upload = SessionUpload {
            user,
            multipart,
            over_limit,
            limit,
        };
        let token = token_part(&mut upload.multipart).await;
        if !token.is_some_and(|t| same_secret(&t, &upload.user.csrf)) {
            upload.finish_reading().await;
            if upload.is_over_limit() {
                return Err(too_large(limit).into_response());
            }
            return Err(refused().into_response());
        }
        Ok(upload)
    }
}
