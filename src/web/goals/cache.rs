//! The dashboard's rows, kept per team between requests while the team's
//! goals, evaluations, reviews, members and data stay as they were.
//!
//! Every request still asks the database for a fingerprint of those (one
//! small query on indexed columns), so a change made by any process
//! sharing the database shows at once; time alone (a review link expiring,
//! a renamed user) is caught by a short maximum age.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::dashboard::Row;
use crate::error::AppResult;

/// The longest a team's rows are reused, however unchanged they look.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Teams kept at most; the oldest entry goes first beyond this.
const MAX_TEAMS: usize = 256;

/// What the dashboard shows of a team, before filtering.
pub struct Snapshot {
    pub fingerprint: String,
    pub taken: Instant,
    pub rows: Vec<Arc<Row>>,
    /// The metrics to filter by: key and name.
    pub metrics: Vec<(String, String)>,
    /// The members to filter by: id and name.
    pub owners: Vec<(i32, String)>,
}

/// The teams' snapshots of this process.
#[derive(Default)]
pub struct DashboardCache {
    teams: Mutex<HashMap<i32, Arc<Snapshot>>>,
    /// One computation per team at a time: the others wait for its result
    /// instead of all computing the same rows at once.
    computing: Mutex<HashMap<i32, Arc<tokio::sync::Mutex<()>>>>,
}

impl DashboardCache {
    /// The lock to hold while computing a team's rows.
    pub fn computing(&self, team_id: i32) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.computing.lock().unwrap_or_else(|e| e.into_inner());
        if locks.len() > MAX_TEAMS {
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        locks.entry(team_id).or_default().clone()
    }

    /// The team's snapshot, if it was taken with this fingerprint and is young enough.
    pub fn get(&self, team_id: i32, fingerprint: &str) -> Option<Arc<Snapshot>> {
        let teams = self.teams.lock().unwrap_or_else(|e| e.into_inner());
        teams
            .get(&team_id)
            .filter(|s| s.fingerprint == fingerprint && s.taken.elapsed() < MAX_AGE)
            .cloned()
    }

    pub fn put(&self, team_id: i32, snapshot: Arc<Snapshot>) {
        let mut teams = self.teams.lock().unwrap_or_else(|e| e.into_inner());
        if teams.len() >= MAX_TEAMS && !teams.contains_key(&team_id) {
            let oldest = teams.iter().min_by_key(|(_, s)| s.taken).map(|(id, _)| *id);
            if let Some(id) = oldest {
                teams.remove(&id);
            }
        }
        teams.insert(team_id, snapshot);
    }
}

/// A fingerprint of everything the team's dashboard is computed from: its
/// goals (count and versions: every change bumps one), the newest
/// evaluation and review request anywhere, the team's waiting reviews, the
/// newest data batch anywhere (goals not evaluated yet are measured live),
/// its members and its custom metrics.
pub async fn fingerprint<C: ConnectionTrait>(db: &C, team_id: i32) -> AppResult<String> {
    let backend = db.get_database_backend();
    let p = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    let sql = format!(
        "SELECT \
         (SELECT CAST(COUNT(*) AS TEXT) || '/' || CAST(COALESCE(SUM(version), 0) AS TEXT) \
            FROM goals WHERE team_id = {p}) || '|' || \
         (SELECT CAST(COALESCE(MAX(id), 0) AS TEXT) FROM evaluations) || '|' || \
         (SELECT CAST(COALESCE(MAX(id), 0) AS TEXT) FROM review_requests) || '|' || \
         (SELECT CAST(COUNT(*) AS TEXT) FROM review_requests \
            WHERE team_id = {p} AND status = 'pending') || '|' || \
         (SELECT CAST(COALESCE(MAX(id), 0) AS TEXT) FROM ingest_batches) || '|' || \
         (SELECT CAST(COUNT(*) AS TEXT) FROM memberships WHERE team_id = {p}) || '|' || \
         (SELECT CAST(COUNT(*) AS TEXT) FROM custom_metrics WHERE team_id = {p}) AS fingerprint"
    );
    let values: Vec<sea_orm::Value> = match backend {
        DbBackend::Postgres => vec![team_id.into()],
        _ => vec![team_id.into(); 4],
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(row
        .map(|r| r.try_get::<String>("", "fingerprint"))
        .transpose()?
        .unwrap_or_default())
}
