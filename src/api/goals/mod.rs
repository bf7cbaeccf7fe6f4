//! `/api/v1/goals`: create, list, read, update (optimistic), archive.

mod dto;
pub(super) mod evaluations;
pub(crate) mod service;

pub use dto::{GoalListQuery, GoalPage, GoalResponse};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::auth::require_writer;
use super::extract::{ApiJson, ApiPath, ApiQuery, parse_json_value};
use super::paging::{listed_teams, page};
use crate::domain::account::Caller;
use crate::domain::goal::GoalInput;
use crate::error::{AppError, AppResult, Problem};
use crate::startup::AppState;
use crate::store::goals::{self, GoalFilter};
use service::{expected_version, find_visible, to_response};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_goals, create_goal))
        .routes(routes!(get_goal, replace_goal, patch_goal, archive_goal))
        .routes(routes!(evaluations::list_evaluations))
}

fn with_etag(status: StatusCode, goal: GoalResponse) -> Response {
    let etag =
        HeaderValue::from_str(&format!("\"{}\"", goal.version)).expect("digits are a valid header");
    let location = HeaderValue::from_str(&format!("/api/v1/goals/{}", goal.id))
        .expect("a path is a valid header");
    let mut response = (status, Json(goal)).into_response();
    response.headers_mut().insert(header::ETAG, etag);
    if status == StatusCode::CREATED {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Lists the goals of your teams, oldest first, with filters and keyset pages.
#[utoipa::path(get, path = "/goals", tag = "goals", params(GoalListQuery),
    responses((status = 200, body = GoalPage), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn list_goals(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<GoalListQuery>,
) -> AppResult<Json<GoalPage>> {
    let team_ids = listed_teams(&caller, query.team)?;
    let (limit, after_id) = page::<i32>(query.limit, query.cursor.as_deref())?;
    let filter = GoalFilter {
        team_ids,
        status: query.status,
        metric_key: query.metric,
        owner_id: query.owner,
        include_archived: query.archived,
        after_id,
        limit: limit + 1,
    };
    let mut rows = goals::list(&state.db, &filter).await?;
    let next_cursor = (rows.len() as u64 > limit).then(|| {
        rows.truncate(limit as usize);
        rows.last().map(|g| g.id.to_string()).unwrap_or_default()
    });
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(to_response(&state.db, row, false).await?);
    }
    Ok(Json(GoalPage { items, next_cursor }))
}

/// Creates a goal. Drafts may be incomplete; `active` needs every SMART criterion met.
#[utoipa::path(post, path = "/goals", tag = "goals", request_body = GoalInput,
    responses((status = 201, body = GoalResponse), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_goal(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<GoalInput>,
) -> AppResult<Response> {
    let row = service::create(&state.db, &caller, input).await?;
    Ok(with_etag(
        StatusCode::CREATED,
        to_response(&state.db, row, true).await?,
    ))
}

/// Reads one goal with its SMART check and progress.
#[utoipa::path(get, path = "/goals/{id}", tag = "goals", params(("id" = i32, Path, description = "Goal id")),
    responses((status = 200, body = GoalResponse), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn get_goal(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
) -> AppResult<Response> {
    let row = find_visible(&state.db, &caller, id).await?;
    Ok(with_etag(
        StatusCode::OK,
        to_response(&state.db, row, true).await?,
    ))
}

/// Replaces a goal. Send the `version` you edited (or `If-Match`); a stale one gets 409.
#[utoipa::path(put, path = "/goals/{id}", tag = "goals", params(("id" = i32, Path, description = "Goal id")),
    request_body = GoalInput,
    responses((status = 200, body = GoalResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn replace_goal(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<GoalInput>,
) -> AppResult<Response> {
    save_update(&state, &caller, id, &headers, input).await
}

/// Changes some fields of a goal (JSON Merge Patch, RFC 7396). Versioned like PUT.
#[utoipa::path(patch, path = "/goals/{id}", tag = "goals", params(("id" = i32, Path, description = "Goal id")),
    request_body(content = Object, content_type = "application/merge-patch+json"),
    responses((status = 200, body = GoalResponse), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn patch_goal(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<serde_json::Value>,
) -> AppResult<Response> {
    if !patch.is_object() {
        return Err(AppError::field("", "a merge patch must be a JSON object"));
    }
    let row = find_visible(&state.db, &caller, id).await?;
    let current = goals::spec_from_model(&row)?.to_input(row.team_id);
    let mut merged = serde_json::to_value(current).map_err(anyhow::Error::from)?;
    merge_patch(&mut merged, patch);
    let input: GoalInput = parse_json_value(merged)?;
    save_update(&state, &caller, id, &headers, input).await
}

async fn save_update(
    state: &AppState,
    caller: &Caller,
    id: i32,
    headers: &HeaderMap,
    input: GoalInput,
) -> AppResult<Response> {
    let row = find_visible(&state.db, caller, id).await?;
    require_writer(caller, row.team_id)?;
    let version = expected_version(headers, input.version)?;
    let reason = input
        .reason
        .clone()
        .unwrap_or_else(|| service::NO_REASON_GIVEN.to_string());
    let (updated, _) =
        service::update(&state.db, caller, row, version, input, Some(&reason)).await?;
    Ok(with_etag(
        StatusCode::OK,
        to_response(&state.db, updated, true).await?,
    ))
}

/// RFC 7396: objects merge key by key, `null` removes, anything else replaces.
fn merge_patch(target: &mut serde_json::Value, patch: serde_json::Value) {
    match patch {
        serde_json::Value::Object(fields) => {
            if !target.is_object() {
                *target = serde_json::Value::Object(Default::default());
            }
            let map = target.as_object_mut().expect("made an object above");
            for (key, value) in fields {
                if value.is_null() {
                    map.remove(&key);
                } else {
                    merge_patch(map.entry(key).or_insert(serde_json::Value::Null), value);
                }
            }
        }
        other => *target = other,
    }
}

/// Archives a goal: it leaves lists (see `archived=true`) but keeps its history.
/// With `If-Match`, only if the goal is still at that version.
#[utoipa::path(delete, path = "/goals/{id}", tag = "goals", params(("id" = i32, Path, description = "Goal id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
async fn archive_goal(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i32>,
    headers: HeaderMap,
) -> AppResult<StatusCode> {
    let row = find_visible(&state.db, &caller, id).await?;
    require_writer(&caller, row.team_id)?;
    if row.archived_at.is_some() {
        return Ok(StatusCode::NO_CONTENT);
    }
    // Archiving is safe to repeat, so If-Match is optional here.
    let version = if headers.contains_key(header::IF_MATCH) {
        expected_version(&headers, None)?
    } else {
        row.version
    };
    goals::archive(&state.db, id, version, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut doc, json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
        merge_patch(&mut doc, json!({"list": [1, 2]}));
        assert_eq!(doc["list"], json!([1, 2]));
    }
}
