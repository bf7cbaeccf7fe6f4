//! What the list endpoints share: the teams a list covers and its keyset page.

use std::str::FromStr;

use super::auth::require_member;
use crate::domain::account::Caller;
use crate::error::{AppError, AppResult};

/// The teams to list: the one asked for (the caller must belong to it), or all of the caller's.
pub fn listed_teams(caller: &Caller, team: Option<i32>) -> AppResult<Vec<i32>> {
    match team {
        Some(team) => {
            require_member(caller, team)?;
            Ok(vec![team])
        }
        None => Ok(caller.team_ids()),
    }
}

/// The page size (1-200, default 50) and the cursor of a keyset page.
pub fn page<K: FromStr>(limit: Option<u64>, cursor: Option<&str>) -> AppResult<(u64, Option<K>)> {
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::field("/limit", "must be between 1 and 200"));
    }
    let cursor = match cursor {
        Some(cursor) => Some(
            cursor
                .parse::<K>()
                .map_err(|_| AppError::field("/cursor", "is not a cursor from a previous page"))?,
        ),
        None => None,
    };
    Ok((limit, cursor))
}
