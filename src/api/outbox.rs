//! `/api/v1/outbox`: the team's review mail, so nobody has to guess what
//! was sent, what waits and what failed (and why).

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::auth::require_member;
use super::extract::ApiQuery;
use crate::domain::account::Caller;
use crate::entities::outbox_message as outbox;
use crate::error::{AppResult, Problem};
use crate::mail::compose::REVIEW_LINK;
use crate::startup::AppState;
use crate::store::cx_metrics::bad_param;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_outbox))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// The team whose mail to list.
    pub team: i32,
    /// `pending`, `sent` or `failed`; all when absent.
    pub status: Option<String>,
    /// At most this many, newest first (1-500, default 100).
    pub limit: Option<u64>,
}

/// One email and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    /// The plain-text part; the review link shows as `[review link]`.
    pub text: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// The last failure, as the mail server said it.
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The team's review mail, newest first.
#[utoipa::path(get, path = "/outbox", tag = "mail", params(OutboxQuery),
    responses((status = 200, body = Vec<OutboxMessage>), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn list_outbox(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<OutboxQuery>,
) -> AppResult<Json<Vec<OutboxMessage>>> {
    require_member(&caller, query.team)?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(bad_param("limit", "must be from 1 to 500"));
    }
    let mut find = outbox::Entity::find().filter(outbox::Column::TeamId.eq(query.team));
    if let Some(status) = query.status.as_deref() {
        if !["pending", "sent", "failed"].contains(&status) {
            return Err(bad_param(
                "status",
                format!(
                    "unknown status \"{status}\"; expected \"pending\", \"sent\" or \"failed\""
                ),
            ));
        }
        find = find.filter(outbox::Column::Status.eq(status));
    }
    let rows = find
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| OutboxMessage {
                id: m.id,
                kind: m.kind,
                recipient: m.recipient,
                subject: m.subject,
                text: m.text_body.replace(REVIEW_LINK, "[review link]"),
                status: m.status,
                attempts: m.attempts,
                next_attempt_at: m.next_attempt_at,
                last_error: m.last_error,
                sent_at: m.sent_at,
                created_at: m.created_at,
            })
            .collect(),
    ))
}
