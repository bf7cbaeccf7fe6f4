//! API tokens: random, shown once, stored as a SHA-256 hash, revocable.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use crate::domain::account::{Caller, Membership, Role};
use crate::entities::{api_token, membership, user};
use crate::error::{AppError, AppResult};

/// Every token starts with this, so leaked tokens are easy to spot.
pub const TOKEN_PREFIX: &str = "smt_";
/// How many characters of a token are kept to tell tokens apart.
const SHOWN_PREFIX_LEN: usize = 12;
/// `last_used_at` is refreshed at most this often, to keep reads read-only.
const LAST_USED_RESOLUTION: Duration = Duration::minutes(5);

/// SHA-256 of a token, hex. Tokens carry 256 random bits, so a fast hash is enough.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Creates a token for a user; returns the row and the token itself, which
/// is never stored and cannot be shown again.
pub async fn create_token<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    name: &str,
    now: DateTime<Utc>,
) -> AppResult<(api_token::Model, String)> {
    let token = generate_token();
    let row = api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.to_string()),
        token_hash: Set(hash_token(&token)),
        token_prefix: Set(token[..SHOWN_PREFIX_LEN].to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((row, token))
}

/// The caller a bearer token stands for, if the token is known and not revoked.
///
/// This runs before every API request, so the token, its user and their
/// memberships come back in one query: one row per membership, ordered by
/// team, or a single row without a team for a user who has none.
pub async fn caller_for_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<Caller>> {
    let rows = api_token::Entity::find()
        .select_only()
        .column_as(api_token::Column::Id, "token_id")
        .column(api_token::Column::LastUsedAt)
        .column_as(user::Column::Id, "user_id")
        .column(user::Column::Email)
        .column(user::Column::DisplayName)
        .column(membership::Column::TeamId)
        .column(membership::Column::Role)
        .join(
            JoinType::InnerJoin,
            api_token::Entity::belongs_to(user::Entity)
                .from(api_token::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .join_rev(
            JoinType::LeftJoin,
            membership::Entity::belongs_to(user::Entity)
                .from(membership::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .filter(api_token::Column::TokenHash.eq(hash_token(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_asc(membership::Column::TeamId)
        .into_model::<CallerRow>()
        .all(db)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    if first
        .last_used_at
        .is_none_or(|t| now - t > LAST_USED_RESOLUTION)
    {
        api_token::Entity::update_many()
            .set(api_token::ActiveModel {
                last_used_at: Set(Some(now)),
                ..Default::default()
            })
            .filter(api_token::Column::Id.eq(first.token_id))
            .exec(db)
            .await?;
    }
    let memberships = rows
        .iter()
        .filter_map(|row| Some((row.team_id?, row.role.as_deref()?)))
        .map(|(team_id, role)| {
            let role = role
                .parse::<Role>()
                .map_err(|e| anyhow::anyhow!("stored role: {e}"))?;
            Ok(Membership { team_id, role })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Some(Caller {
        user_id: first.user_id,
        email: first.email.clone(),
        display_name: first.display_name.clone(),
        memberships,
    }))
}

/// A row of `caller_for_token`'s query: the team columns are empty for a
/// user without teams.
#[derive(Debug, FromQueryResult)]
struct CallerRow {
    token_id: i32,
    last_used_at: Option<DateTime<Utc>>,
    user_id: i32,
    email: String,
    display_name: String,
    team_id: Option<i32>,
    role: Option<String>,
}

/// The user's tokens, newest first (hashes are never returned to callers).
pub async fn list_tokens<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
) -> AppResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes one of the user's tokens. Revoking twice is harmless.
pub async fn revoke_token<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    token_id: i32,
    now: DateTime<Utc>,
) -> AppResult<api_token::Model> {
    let row = api_token::Entity::find_by_id(token_id)
        .filter(api_token::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("you have no token {token_id}")))?;
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    let mut active: api_token::ActiveModel = row.into();
    active.revoked_at = Set(Some(now));
    Ok(active.update(db).await?)
}
