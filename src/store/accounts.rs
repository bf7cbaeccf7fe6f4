//! Users, teams and memberships.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

use crate::domain::account::{Caller, Membership, NewUser, Role};
use crate::entities::{membership, team, user};
use crate::error::{AppError, AppResult};

mod members;

pub use members::{
    Member, add_existing_member, change_membership, create_member, create_team, member_counts,
    team_members,
};

/// Hashes a password with argon2id on a blocking thread.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
    })
    .await
    .context("password hashing task failed")?
}

/// Checks a password against a stored argon2 hash on a blocking thread.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// Creates a user and makes them a member of `team_name` (created if new)
/// with `role`, all in one transaction.
pub async fn create_user<C: TransactionTrait>(
    db: &C,
    new: NewUser,
    team_name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> AppResult<(user::Model, team::Model)> {
    let password_hash = hash_password(new.password.clone()).await?;
    let txn = super::db::begin_write(db).await?;
    let created = insert_user(&txn, new, password_hash, team_name, role, now).await?;
    txn.commit().await?;
    Ok(created)
}

/// Creates the very first user, an admin of a new team, only while nobody
/// has an account (the first-run setup); a second attempt is a conflict.
pub async fn create_first_admin<C: TransactionTrait>(
    db: &C,
    new: NewUser,
    team_name: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> AppResult<(user::Model, team::Model)> {
    let txn = super::db::begin_write(db).await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Two setups at once must not both see an empty table.
        txn.execute_unprepared("LOCK TABLE users IN EXCLUSIVE MODE")
            .await?;
    }
    if user::Entity::find().one(&txn).await?.is_some() {
        return Err(AppError::Conflict(
            "the first account has already been set up; log in instead".into(),
        ));
    }
    let created = insert_user(&txn, new, password_hash, team_name, Role::Admin, now).await?;
    txn.commit().await?;
    Ok(created)
}

async fn insert_user<C: ConnectionTrait>(
    txn: &C,
    new: NewUser,
    password_hash: String,
    team_name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> AppResult<(user::Model, team::Model)> {
    if find_user_by_email(txn, &new.email).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "a user with the email {} already exists",
            new.email
        )));
    }
    let user = user::ActiveModel {
        email: Set(new.email),
        display_name: Set(new.display_name),
        password_hash: Set(password_hash),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| raced(e, "a user with this email was created at the same moment"))?;
    let team = find_or_create_team(txn, team_name, now).await?;
    add_member(txn, user.id, team.id, role, now).await?;
    Ok((user, team))
}

pub async fn find_user_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

pub async fn find_or_create_team<C: ConnectionTrait>(
    db: &C,
    name: &str,
    now: DateTime<Utc>,
) -> AppResult<team::Model> {
    if let Some(team) = team::Entity::find()
        .filter(team::Column::Name.eq(name))
        .one(db)
        .await?
    {
        return Ok(team);
    }
    team::ActiveModel {
        name: Set(name.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| {
        raced(
            e,
            "a team with this name was created at the same moment; try again",
        )
    })
}

/// A unique violation from a concurrent insert is a conflict, not a failure.
fn raced(e: sea_orm::DbErr, message: &str) -> AppError {
    if super::is_unique_violation(&e) {
        AppError::Conflict(message.to_string())
    } else {
        e.into()
    }
}

/// A team by id (all digits) or by name.
pub async fn find_team<C: ConnectionTrait>(
    db: &C,
    id_or_name: &str,
) -> AppResult<Option<team::Model>> {
    let by_name = team::Entity::find()
        .filter(team::Column::Name.eq(id_or_name.trim()))
        .one(db)
        .await?;
    match (by_name, id_or_name.trim().parse::<i32>()) {
        (Some(team), _) => Ok(Some(team)),
        (None, Ok(id)) => Ok(team::Entity::find_by_id(id).one(db).await?),
        (None, Err(_)) => Ok(None),
    }
}

/// Adds `user_id` to a team, or changes their role if already a member.
pub async fn add_member<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    team_id: i32,
    role: Role,
    now: DateTime<Utc>,
) -> AppResult<()> {
    match membership::Entity::find_by_id((user_id, team_id))
        .one(db)
        .await?
    {
        Some(existing) => {
            let mut row: membership::ActiveModel = existing.into();
            row.role = Set(role.as_str().to_string());
            row.update(db).await?;
        }
        None => {
            membership::ActiveModel {
                user_id: Set(user_id),
                team_id: Set(team_id),
                role: Set(role.as_str().to_string()),
                created_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Every team the user belongs to, with their role there.
pub async fn memberships_of<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
) -> AppResult<Vec<Membership>> {
    membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(membership::Column::TeamId)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let role = m
                .role
                .parse::<Role>()
                .map_err(|e| anyhow::anyhow!("stored role: {e}"))?;
            Ok(Membership {
                team_id: m.team_id,
                role,
            })
        })
        .collect()
}

/// The caller for a user id, with their memberships.
pub async fn caller_for_user<C: ConnectionTrait>(db: &C, user: user::Model) -> AppResult<Caller> {
    let memberships = memberships_of(db, user.id).await?;
    Ok(Caller {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        memberships,
    })
}

/// User ids of every member of a team.
pub async fn member_ids<C: ConnectionTrait>(db: &C, team_id: i32) -> AppResult<Vec<i32>> {
    Ok(membership::Entity::find()
        .filter(membership::Column::TeamId.eq(team_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

/// The teams with these ids, by name.
pub async fn teams_by_ids<C: ConnectionTrait>(db: &C, ids: &[i32]) -> AppResult<Vec<team::Model>> {
    Ok(team::Entity::find()
        .filter(team::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?)
}

/// Every member of a team as (user id, display name), by name.
pub async fn members_named<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
) -> AppResult<Vec<(i32, String)>> {
    let ids = member_ids(db, team_id).await?;
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// The display names of these users, by id.
pub async fn display_names<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, String>> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}
