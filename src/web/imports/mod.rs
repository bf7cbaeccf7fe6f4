//! The data page: one CSV upload form per kind of data, the result of an
//! upload (counts, or the row-by-row errors with nothing stored) and the
//! team's last imports.

mod upload;

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use futures_util::TryStreamExt;
use serde::Deserialize;

use crate::domain::events::{EventKind, RowError};
use crate::entities::ingest_batch;
use crate::error::{AppError, AppResult};
use crate::ingest::{self, IngestReport, IngestRequest, Ingestion, Source, Started};
use crate::startup::AppState;
use crate::store::accounts;
use crate::web::chart::csv_response;
use crate::web::chrome::Chrome;
use crate::web::error::{WebError, WebResult};
use crate::web::metrics::team_param;
use crate::web::render::html;
use crate::web::session::WebUser;
use upload::{SessionUpload, too_large};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", get(imports_page))
        // The upload counts its own bytes against `Config::web_upload_limit`.
        .route(
            "/imports/{kind}",
            post(upload_file).layer(DefaultBodyLimit::disable()),
        )
        .route("/examples/{file}", get(example))
}

/// Imports listed on the page.
const LISTED_IMPORTS: u64 = 20;

const EXAMPLES: &[(&str, &str)] = &[
    ("orders.csv", include_str!("../../../examples/orders.csv")),
    ("reviews.csv", include_str!("../../../examples/reviews.csv")),
    ("surveys.csv", include_str!("../../../examples/surveys.csv")),
];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TeamQuery {
    team: Option<String>,
}

/// One upload form.
struct KindForm {
    kind: EventKind,
    required: &'static [&'static str],
    optional: Vec<&'static str>,
}

/// One past import.
struct ImportRow {
    at: String,
    kind: String,
    source: String,
    file_name: String,
    status: String,
    received: i64,
    new: i64,
    updated: i64,
    unchanged: i64,
    errors: i64,
    who: String,
}

/// What the upload just did.
enum Outcome {
    Stored {
        file_name: String,
        report: IngestReport,
    },
    Refused {
        file_name: String,
        detail: String,
        rows: Vec<RowError>,
        total: u64,
    },
}

#[derive(Template)]
#[template(path = "imports/page.html")]
struct ImportsPage {
    chrome: Chrome,
    kinds: Vec<KindForm>,
    outcome: Option<Outcome>,
    imports: Vec<ImportRow>,
    limit_mib: u64,
}

fn kind_forms() -> Vec<KindForm> {
    [EventKind::Orders, EventKind::Reviews, EventKind::Surveys]
        .into_iter()
        .map(|kind| KindForm {
            kind,
            required: kind.required(),
            optional: kind
                .columns()
                .iter()
                .copied()
                .filter(|c| !kind.required().contains(c))
                .collect(),
        })
        .collect()
}

async fn import_rows(state: &AppState, team_id: i32) -> AppResult<Vec<ImportRow>> {
    let batches = ingest::recent_batches(&state.db, team_id, LISTED_IMPORTS).await?;
    let ids: Vec<i32> = batches.iter().filter_map(|b| b.created_by).collect();
    let names = accounts::display_names(&state.db, &ids).await?;
    Ok(batches.into_iter().map(|b| import_row(b, &names)).collect())
}

fn import_row(b: ingest_batch::Model, names: &HashMap<i32, String>) -> ImportRow {
    ImportRow {
        at: b.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        who: b
            .created_by
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| "—".into()),
        kind: b.kind,
        source: b.source,
        file_name: b.file_name.unwrap_or_default(),
        status: b.status,
        received: b.received,
        new: b.new_count,
        updated: b.updated_count,
        unchanged: b.unchanged_count,
        errors: b.error_count,
    }
}

async fn show(
    state: &AppState,
    user: &WebUser,
    team_id: i32,
    outcome: Option<Outcome>,
    status: StatusCode,
) -> WebResult {
    let page = ImportsPage {
        chrome: Chrome::load(&state.db, user, team_id, "data").await?,
        kinds: kind_forms(),
        outcome,
        imports: import_rows(state, team_id).await?,
        limit_mib: state.config.web_upload_limit / (1024 * 1024),
    };
    Ok(html(status, &page))
}

async fn imports_page(
    State(state): State<AppState>,
    user: WebUser,
    Query(query): Query<TeamQuery>,
) -> WebResult {
    let (team_id, _) = user.team(team_param(query.team.as_deref())?)?;
    show(&state, &user, team_id, None, StatusCode::OK).await
}

/// Streams the `file` part into the CSV ingestion: all rows stored, or none.
async fn upload_file(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Query(query): Query<TeamQuery>,
    mut upload: SessionUpload,
) -> WebResult {
    let result = ingest_upload(&state, &kind, query.team.as_deref(), &mut upload).await;
    if upload.is_over_limit() {
        upload.finish_reading().await;
        return Err(too_large(upload.limit));
    }
    let (team_id, file_name, result) = match result {
        Ok(done) => done,
        Err(e) => {
            upload.finish_reading().await;
            return Err(e);
        }
    };
    let (outcome, status) = match result {
        Ok(report) => (Outcome::Stored { file_name, report }, StatusCode::OK),
        Err(AppError::Rows {
            detail,
            rows,
            total,
        }) => {
            let outcome = Outcome::Refused {
                file_name,
                detail,
                rows,
                total,
            };
            (outcome, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::Validation(errors)) => {
            let detail = errors
                .0
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            let outcome = Outcome::Refused {
                file_name,
                detail: format!("{detail}; nothing was stored"),
                rows: Vec::new(),
                total: 0,
            };
            (outcome, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::PayloadTooLarge(_)) => return Err(too_large(upload.limit)),
        Err(e) => return Err(e.into()),
    };
    show(&state, &upload.user, team_id, Some(outcome), status).await
}

/// Checks who may upload what, then feeds the file; the inner result is the
/// ingestion's own answer (counts or row errors), shown on the page.
async fn ingest_upload(
    state: &AppState,
    kind: &str,
    team: Option<&str>,
    upload: &mut SessionUpload,
) -> Result<(i32, String, AppResult<IngestReport>), WebError> {
    let (team_id, role) = upload.user.team(team_param(team)?)?;
    if !role.can_write() {
        return Err(WebError(AppError::Forbidden(
            "viewers can see the team's data but not upload any; ask a manager of the team".into(),
        )));
    }
    let kind: EventKind = kind.parse().map_err(|_| {
        AppError::not_found(format!(
            "there is no kind of data \"{kind}\"; upload orders, reviews or surveys"
        ))
    })?;
    let no_file = || {
        WebError(AppError::field(
            "/file",
            "choose a CSV file to upload; nothing was stored",
        ))
    };
    let field = upload
        .multipart
        .next_field()
        .await
        .map_err(|_| no_file())?
        .filter(|f| f.name() == Some("file"))
        .ok_or_else(no_file)?;
    let file_name = field
        .file_name()
        .map(|n| n.chars().take(200).collect::<String>())
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(no_file)?;
    let request = IngestRequest {
        team_id,
        kind,
        source: Source::Csv,
        file_name: Some(file_name.clone()),
        idempotency_key: None,
        fingerprint: None,
        created_by: Some(upload.user.caller.user_id),
    };
    let Started::Fresh(mut ingestion) = Ingestion::begin(&state.db, request).await? else {
        unreachable!("uploads carry no Idempotency-Key, so there is nothing to replay")
    };
    let reader = tokio_util::io::StreamReader::new(field.map_err(std::io::Error::other));
    let result = match ingest::csv::feed(&mut ingestion, reader).await {
        Ok(()) => ingestion.finish().await,
        Err(e) => Err(e),
    };
    Ok((team_id, file_name, result))
}

/// The demo files shipped in `examples/`.
async fn example(Path(file): Path<String>) -> WebResult<Response> {
    let (name, body) = EXAMPLES
        .iter()
        .find(|(name, _)| *name == file)
        .ok_or_else(|| {
            AppError::not_found(format!(
                "there is no example \"{file}\"; try orders.csv, reviews.csv or surveys.csv"
            ))
        })?;
    Ok(csv_response(name, body.to_string()))
}
