//! A team's members as its admins manage them: listing, adding a new or an
//! existing account, changing roles and removing members (a team always
//! keeps one admin), and creating teams.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::{add_member, find_user_by_email, raced};
use crate::domain::account::{NewUser, Role};
use crate::entities::{membership, team, user};
use crate::error::{AppError, AppResult};

/// A member of a team, as the admin pages list them.
#[derive(Clone, Debug)]
pub struct Member {
    pub user_id: i32,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

/// The members of one team, by name.
pub async fn team_members<C: ConnectionTrait>(db: &C, team_id: i32) -> AppResult<Vec<Member>> {
    let memberships = membership::Entity::find()
        .filter(membership::Column::TeamId.eq(team_id))
        .all(db)
        .await?;
    let ids: Vec<i32> = memberships.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::DisplayName)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    users
        .into_iter()
        .filter_map(|u| {
            let m = memberships.iter().find(|m| m.user_id == u.id)?;
            Some((u, m))
        })
        .map(|(u, m)| {
            Ok(Member {
                user_id: u.id,
                display_name: u.display_name,
                email: u.email,
                role: stored_role(&m.role)?,
                joined_at: m.created_at,
            })
        })
        .collect()
}

fn stored_role(raw: &str) -> AppResult<Role> {
    raw.parse::<Role>()
        .map_err(|e| anyhow::anyhow!("stored role: {e}").into())
}

/// How many members each of these teams has.
pub async fn member_counts<C: ConnectionTrait>(
    db: &C,
    team_ids: &[i32],
) -> AppResult<HashMap<i32, u64>> {
    let mut counts = HashMap::new();
    for m in membership::Entity::find()
        .filter(membership::Column::TeamId.is_in(team_ids.iter().copied()))
        .all(db)
        .await?
    {
        *counts.entry(m.team_id).or_insert(0) += 1;
    }
    Ok(counts)
}

/// A new account that joins `team_id` with `role`; a taken email is a conflict.
pub async fn create_member<C: TransactionTrait>(
    db: &C,
    team_id: i32,
    new: NewUser,
    password_hash: String,
    role: Role,
    now: DateTime<Utc>,
) -> AppResult<user::Model> {
    let txn = crate::store::db::begin_write(db).await?;
    if find_user_by_email(&txn, &new.email).await?.is_some() {
        return Err(email_taken(&new.email));
    }
    let user = user::ActiveModel {
        email: Set(new.email.clone()),
        display_name: Set(new.display_name),
        password_hash: Set(password_hash),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if crate::store::is_unique_violation(&e) {
            email_taken(&new.email)
        } else {
            e.into()
        }
    })?;
    add_member(&txn, user.id, team_id, role, now).await?;
    txn.commit().await?;
    Ok(user)
}

fn email_taken(email: &str) -> AppError {
    AppError::field(
        "/email",
        format!(
            "an account with the email {email} already exists; add it as an existing account instead"
        ),
    )
}

/// Makes an existing account a member of `team_id` with `role`.
pub async fn add_existing_member<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    email: &str,
    role: Role,
    now: DateTime<Utc>,
) -> AppResult<user::Model> {
    let user = find_user_by_email(db, email).await?.ok_or_else(|| {
        AppError::field(
            "/email",
            format!("no account has the email {email}; create a new account instead"),
        )
    })?;
    if membership::Entity::find_by_id((user.id, team_id))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::field(
            "/email",
            format!("{email} is already a member of this team; change their role in the list"),
        ));
    }
    membership::ActiveModel {
        user_id: Set(user.id),
        team_id: Set(team_id),
        role: Set(role.as_str().to_string()),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| raced(e, "this account was added at the same moment"))?;
    Ok(user)
}

/// Changes a member's role (`Some`) or removes them (`None`), refusing to
/// leave the team without an admin. The team's admin rows are locked, so
/// two admins demoting each other at once cannot both succeed.
pub async fn change_membership<C: TransactionTrait>(
    db: &C,
    team_id: i32,
    user_id: i32,
    role: Option<Role>,
) -> AppResult<()> {
    let txn = crate::store::db::begin_write(db).await?;
    let admins: Vec<i32> = membership::Entity::find()
        .filter(membership::Column::TeamId.eq(team_id))
        .filter(membership::Column::Role.eq(Role::Admin.as_str()))
        .lock_exclusive()
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let row = membership::Entity::find_by_id((user_id, team_id))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!("user {user_id} is not a member of this team"))
        })?;
    let stays_admin = role == Some(Role::Admin);
    if admins == [user_id] && !stays_admin {
        return Err(AppError::Conflict(
            "this is the team's last admin; make another member an admin first, so someone can still manage the team".into(),
        ));
    }
    match role {
        Some(role) => {
            let mut row: membership::ActiveModel = row.into();
            row.role = Set(role.as_str().to_string());
            row.update(&txn).await?;
        }
        None => {
            membership::Entity::delete_by_id((user_id, team_id))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// A new team with `admin_id` as its admin; a taken name is a field error.
pub async fn create_team<C: TransactionTrait>(
    db: &C,
    name: &str,
    admin_id: i32,
    now: DateTime<Utc>,
) -> AppResult<team::Model> {
    let taken = || {
        AppError::field(
            "/name",
            format!("a team called \"{name}\" already exists; choose another name"),
        )
    };
    let txn = crate::store::db::begin_write(db).await?;
    if team::Entity::find()
        .filter(team::Column::Name.eq(name))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let team = team::ActiveModel {
        name: Set(name.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if crate::store::is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    add_member(&txn, admin_id, team.id, Role::Admin, now).await?;
    txn.commit().await?;
    Ok(team)
}
