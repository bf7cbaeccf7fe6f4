//! `/api/v1/events/{kind}` (JSON or NDJSON batches) and
//! `/api/v1/imports/{kind}` (CSV files, streamed), plus the list of imports.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::auth::{require_member, require_writer};
use super::extract::{ApiPath, ApiQuery};
use crate::domain::account::Caller;
use crate::domain::events::{EventKind, RowError};
use crate::error::{AppError, AppResult, Problem};
use crate::ingest::{self, IngestReport, IngestRequest, Ingestion, Source, Started};
use crate::startup::AppState;

/// JSON batches (limited like any JSON body, but larger).
pub fn events_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_events))
}

/// CSV uploads, streamed (their own, larger limit).
pub fn imports_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_import))
}

/// The import history.
pub fn history_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_imports))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TeamParam {
    /// The team the data belongs to.
    pub team: i32,
    /// A name for the upload, shown in the import list.
    pub file_name: Option<String>,
}

const MAX_KEY_LEN: usize = 200;

fn idempotency_key(headers: &HeaderMap) -> AppResult<Option<String>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("").trim().to_string();
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(AppError::BadRequest {
            detail: format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} visible characters"),
            errors: Default::default(),
        });
    }
    Ok(Some(key))
}

fn is_ndjson(headers: &HeaderMap) -> AppResult<bool> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => Ok(false),
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/jsonlines" => Ok(true),
        _ => Err(AppError::UnsupportedMediaType(format!(
            "send a JSON array as application/json or one event per line as application/x-ndjson (got \"{content_type}\")"
        ))),
    }
}

fn answer(report: IngestReport) -> Response {
    let replayed = report.replayed;
    let mut response = Json(report).into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// Stores a batch of up to 10,000 events, all or nothing. Sending the same
/// events again changes nothing; the answer counts new, updated and unchanged rows.
#[utoipa::path(post, path = "/events/{kind}", tag = "data", params(("kind" = EventKind, Path), TeamParam,
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely: the second answer is the first one")),
    request_body(content = Vec<Object>, content_type = "application/json"),
    responses((status = 200, body = IngestReport), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn post_events(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(kind): ApiPath<EventKind>,
    ApiQuery(params): ApiQuery<TeamParam>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    require_writer(&caller, params.team)?;
    let ndjson = is_ndjson(&headers)?;
    let request = IngestRequest {
        team_id: params.team,
        kind,
        source: Source::Api,
        file_name: params.file_name,
        idempotency_key: idempotency_key(&headers)?,
        fingerprint: Some(hex::encode(Sha256::digest(&body))),
        created_by: Some(caller.user_id),
    };
    let mut ingestion = match Ingestion::begin(&state.db, request).await? {
        Started::Replay(report) => return Ok(answer(report)),
        Started::Fresh(ingestion) => ingestion,
    };
    ingest::json::feed(&mut ingestion, &body, ndjson).await?;
    Ok(answer(ingestion.finish().await?))
}

/// Imports a CSV file (header row with the kind's column names, any order),
/// all or nothing, read as a stream so files of any size fit.
#[utoipa::path(post, path = "/imports/{kind}", tag = "data", params(("kind" = EventKind, Path), TeamParam),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = IngestReport), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn post_import(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(kind): ApiPath<EventKind>,
    ApiQuery(params): ApiQuery<TeamParam>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    require_writer(&caller, params.team)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("text/csv") {
        return Err(AppError::UnsupportedMediaType(format!(
            "send the file as text/csv (got \"{content_type}\")"
        )));
    }
    let request = IngestRequest {
        team_id: params.team,
        kind,
        source: Source::Csv,
        file_name: params.file_name,
        idempotency_key: None,
        fingerprint: None,
        created_by: Some(caller.user_id),
    };
    let Started::Fresh(mut ingestion) = Ingestion::begin(&state.db, request).await? else {
        unreachable!("imports carry no Idempotency-Key, so there is nothing to replay")
    };
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    ingest::csv::feed(&mut ingestion, tokio_util::io::StreamReader::new(stream)).await?;
    Ok(answer(ingestion.finish().await?))
}

/// One past ingestion, for the import list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportSummary {
    pub id: i64,
    pub kind: String,
    pub source: String,
    pub file_name: Option<String>,
    pub status: String,
    pub received: i64,
    pub new: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub error_count: i64,
    /// The first row errors of a failed import.
    pub errors: Vec<RowError>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportListQuery {
    pub team: i32,
    /// 1-200, default 50.
    pub limit: Option<u64>,
}

/// The team's latest ingestions, newest first, failed ones with their errors.
#[utoipa::path(get, path = "/imports", tag = "data", params(ImportListQuery),
    responses((status = 200, body = Vec<ImportSummary>), (status = 404, body = Problem)), security(("bearer" = [])))]
async fn list_imports(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ImportListQuery>,
) -> AppResult<Json<Vec<ImportSummary>>> {
    require_member(&caller, query.team)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::field("/limit", "must be between 1 and 200"));
    }
    let rows = ingest::recent_batches(&state.db, query.team, limit).await?;
    Ok(Json(
        rows.into_iter()
            .map(|b| ImportSummary {
                errors: b
                    .errors
                    .as_deref()
                    .and_then(|e| serde_json::from_str(e).ok())
                    .unwrap_or_default(),
                id: b.id,
                kind: b.kind,
                source: b.source,
                file_name: b.file_name,
                status: b.status,
                received: b.received,
                new: b.new_count,
                updated: b.updated_count,
                unchanged: b.unchanged_count,
                error_count: b.error_count,
                created_at: b.created_at,
                finished_at: b.finished_at,
            })
            .collect(),
    ))
}
