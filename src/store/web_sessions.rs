//! Browser sessions and the per-account limit on failed logins.
//!
//! The cookie carries 256 random bits; the table keeps only their SHA-256,
//! like API tokens. A session ends when it has been idle too long, at its
//! absolute expiry, or at logout.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use super::tokens::hash_token;
use crate::domain::account::Caller;
use crate::entities::{login_failure, user, web_session};
use crate::error::AppResult;

/// `last_seen_at` is refreshed at most this often, so that page views stay reads.
const LAST_SEEN_RESOLUTION: Duration = Duration::seconds(60);

/// How long sessions last.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// A session unused this long ends.
    pub idle: Duration,
    /// A session ends this long after login, however active.
    pub absolute: Duration,
}

/// Failed logins allowed per account within `LOGIN_WINDOW`.
pub const MAX_LOGIN_FAILURES: u64 = 10;
/// The window over which failed logins are counted.
pub const LOGIN_WINDOW: Duration = Duration::minutes(15);

/// 256 random bits, URL-safe.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A live session and the user behind it.
#[derive(Clone, Debug)]
pub struct Session {
    pub caller: Caller,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Starts a session for a user; returns the cookie value, which is not stored.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let token = random_secret();
    web_session::ActiveModel {
        id: Set(hash_token(&token)),
        user_id: Set(user_id),
        csrf_token: Set(random_secret()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + policy.absolute),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The session a cookie stands for, if it is live. An expired one is removed.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    token: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> AppResult<Option<Session>> {
    let id = hash_token(token);
    let Some(row) = web_session::Entity::find_by_id(id.clone()).one(db).await? else {
        return Ok(None);
    };
    if now >= row.expires_at || now - row.last_seen_at > policy.idle {
        web_session::Entity::delete_by_id(id).exec(db).await?;
        return Ok(None);
    }
    let Some(user) = user::Entity::find_by_id(row.user_id).one(db).await? else {
        return Ok(None);
    };
    if now - row.last_seen_at > LAST_SEEN_RESOLUTION {
        web_session::Entity::update_many()
            .set(web_session::ActiveModel {
                last_seen_at: Set(now),
                ..Default::default()
            })
            .filter(web_session::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(Some(Session {
        caller: super::accounts::caller_for_user(db, user).await?,
        csrf_token: row.csrf_token,
        expires_at: row.expires_at,
    }))
}

/// Ends a session (logout). Ending it twice is harmless.
pub async fn delete<C: ConnectionTrait>(db: &C, token: &str) -> AppResult<()> {
    web_session::Entity::delete_by_id(hash_token(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user (password change, removal).
pub async fn delete_all_of<C: ConnectionTrait>(db: &C, user_id: i32) -> AppResult<u64> {
    Ok(web_session::Entity::delete_many()
        .filter(web_session::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Removes the sessions that have ended, by age or idleness, so the table
/// holds only live ones even for users who never come back.
pub async fn purge_ended<C: ConnectionTrait>(
    db: &C,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    Ok(web_session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(web_session::Column::ExpiresAt.lte(now))
                .add(web_session::Column::LastSeenAt.lt(now - policy.idle)),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// How many failed logins an email has within the window before `now`.
pub async fn recent_failures<C: ConnectionTrait>(
    db: &C,
    email: &str,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    Ok(login_failure::Entity::find()
        .filter(login_failure::Column::Email.eq(email))
        .filter(login_failure::Column::FailedAt.gt(now - LOGIN_WINDOW))
        .count(db)
        .await?)
}

/// Records a failed login, and forgets failures older than the window.
pub async fn record_failure<C: ConnectionTrait>(
    db: &C,
    email: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    login_failure::ActiveModel {
        email: Set(email.to_string()),
        failed_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::FailedAt.lte(now - LOGIN_WINDOW))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets an email's failed logins after a successful one.
pub async fn clear_failures<C: ConnectionTrait>(db: &C, email: &str) -> AppResult<()> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Email.eq(email))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether anyone has an account yet (the first-run setup is offered until then).
pub async fn any_user<C: ConnectionTrait>(db: &C) -> AppResult<bool> {
    Ok(user::Entity::find().count(db).await? > 0)
}
