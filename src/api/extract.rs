//! Extractors whose failures are problem documents naming the field.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::domain::FieldErrors;
use crate::domain::field_errors::pointer_segment;
use crate::error::AppError;

/// A JSON body, read within the body limit and parsed with the path of
/// any wrong field kept.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if mime != "application/json" && !mime.ends_with("+json") {
            return Err(AppError::UnsupportedMediaType(format!(
                "send the body as application/json (got \"{content_type}\")"
            )));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge(
                    "the request body is larger than this server accepts".into(),
                )
            } else {
                AppError::BadRequest {
                    detail: rejection.body_text(),
                    errors: FieldErrors::new(),
                }
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON text into `T`: syntax errors are 400, wrong shapes 422, both
/// with a JSON pointer to the place.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(&mut de) {
        Ok(value) => {
            de.end().map_err(|e| syntax_error(&e))?;
            Ok(value)
        }
        Err(err) => {
            // serde may meet a wrong field before the broken part of the text
            // (`{"a": 1} junk`); a body that is not JSON is still a 400.
            if let Err(syntax) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                return Err(syntax_error(&syntax));
            }
            // The text is JSON, so whatever serde says is about the shape
            // (serde reports some wrong types, such as a number for an enum,
            // as syntax errors).
            let pointer = pointer_of(err.path());
            field_error(pointer, &strip_location(&err.into_inner().to_string()))
        }
    }
}

fn syntax_error(inner: &serde_json::Error) -> AppError {
    let message = strip_location(&inner.to_string());
    AppError::BadRequest {
        detail: format!(
            "the body is not valid JSON: {message} (line {}, column {})",
            inner.line(),
            inner.column()
        ),
        errors: FieldErrors::single("", format!("not valid JSON: {message}")),
    }
}

/// Parses an already-read JSON value into `T`, as `parse_json` does.
pub fn parse_json_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).or_else(|err| {
        let pointer = pointer_of(err.path());
        field_error(pointer, &strip_location(&err.into_inner().to_string()))
    })
}

fn field_error<T>(mut pointer: String, message: &str) -> Result<T, AppError> {
    // serde names a missing or unknown field in the message, not the path.
    for prefix in ["missing field `", "unknown field `"] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some(name) = rest.split('`').next()
        {
            let segment = format!("/{}", pointer_segment(name));
            if !pointer.ends_with(&segment) {
                pointer.push_str(&segment);
            }
        }
    }
    let message = message
        .replace("missing field", "is required: missing field")
        .replace("unknown field", "is not a known field: unknown field");
    Err(AppError::Validation(FieldErrors::single(pointer, message)))
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => Some(format!("/{}", pointer_segment(key))),
            Segment::Enum { variant } => Some(format!("/{}", pointer_segment(variant))),
            Segment::Unknown => None,
        })
        .collect()
}

fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// A query string, parsed with the name of any wrong parameter kept.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|err| {
                let name = err.path().to_string();
                let message = err.into_inner().to_string();
                let (pointer, detail) = if name.is_empty() || name == "." {
                    (
                        String::new(),
                        format!("the query string is invalid: {message}"),
                    )
                } else {
                    (
                        format!("/{name}"),
                        format!("query parameter \"{name}\": {message}"),
                    )
                };
                AppError::BadRequest {
                    detail,
                    errors: FieldErrors::single(pointer, message),
                }
            })
    }
}

fn form_urlencoded_parse(query: &str) -> url::form_urlencoded::Parse<'_> {
    url::form_urlencoded::parse(query.as_bytes())
}

/// A path parameter; a wrong one (say, a word where an id belongs) is a 404.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|rejection| {
                AppError::NotFound(format!("no such resource: {}", rejection.body_text()))
            })
    }
}
