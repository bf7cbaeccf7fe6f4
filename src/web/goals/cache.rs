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

use super::dashboard::Card;
use crate::error::AppResult;

/// The age after which a team's rows are computed again, however unchanged
/// they look. Until then they are served as they are.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Past `MAX_AGE` and up to this age, unchanged rows are still served while
/// one request computes them again in the background, so that no visitor
/// waits for a recomputation that only the clock asked for. Older rows
/// (say, the background computation failed) are computed before answering.
pub const STALE_LIMIT: Duration = Duration::from_secs(60);
/// Teams kept at most; the oldest entry goes first beyond this.
const MAX_TEAMS: usize = 256;

/// What the dashboard shows of a team, before filtering.
pub struct Snapshot {
    pub fingerprint: String,
    pub taken: Instant,
    pub rows: Vec<Arc<Card>>,
    /// The metrics to filter by: key and name.
    pub metrics: Vec<(String, String)>,
    /// The members to filter by: id and name.
    pub owners: Vec<(i32, String)>,
}

/// How a matching snapshot may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Younger than `MAX_AGE`: serve it.
    Fresh,
    /// Between `MAX_AGE` and `STALE_LIMIT`: serve it, and compute it again.
    Aged,
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

    /// The team's snapshot, if it was taken with this fingerprint and is
    /// younger than `STALE_LIMIT`, with how fresh it is.
    pub fn get(&self, team_id: i32, fingerprint: &str) -> Option<(Arc<Snapshot>, Freshness)> {
        let teams = self.teams.lock().unwrap_or_else(|e| e.into_inner());
        let found = teams
            .get(&team_id)
            .filter(|s| s.fingerprint == fingerprint)?;
        let age = found.taken.elapsed();
        let freshness = if age < MAX_AGE {
            Freshness::Fresh
        } else if age < STALE_LIMIT {
            Freshness::Aged
        } else {
            return None;
        };
        Some((found.clone(), freshness))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(fingerprint: &str, age: Duration) -> Arc<Snapshot> {
        Arc::new(Snapshot {
            fingerprint: fingerprint.to_string(),
            taken: Instant::now() - age,
            rows: Vec::new(),
            metrics: Vec::new(),
            owners: Vec::new(),
        })
    }

    fn freshness(cache: &DashboardCache, fingerprint: &str) -> Option<Freshness> {
        cache.get(1, fingerprint).map(|(_, f)| f)
    }

    #[test]
    fn rows_are_fresh_then_aged_then_gone() {
        let cache = DashboardCache::default();
        assert_eq!(freshness(&cache, "a"), None);
        cache.put(1, snapshot("a", Duration::ZERO));
        assert_eq!(freshness(&cache, "a"), Some(Freshness::Fresh));
        cache.put(1, snapshot("a", MAX_AGE + Duration::from_secs(1)));
        assert_eq!(freshness(&cache, "a"), Some(Freshness::Aged));
        cache.put(1, snapshot("a", STALE_LIMIT + Duration::from_secs(1)));
        assert_eq!(freshness(&cache, "a"), None);
    }

    #[test]
    fn another_fingerprint_is_never_served() {
        let cache = DashboardCache::default();
        cache.put(1, snapshot("a", Duration::ZERO));
        assert_eq!(freshness(&cache, "b"), None);
        assert!(cache.get(2, "a").is_none());
    }

    #[test]
    fn one_computation_per_team_at_a_time() {
        let cache = DashboardCache::default();
        let held = cache.computing(1).try_lock_owned().expect("free");
        assert!(cache.computing(1).try_lock_owned().is_err());
        assert!(cache.computing(2).try_lock_owned().is_ok());
        drop(held);
        assert!(cache.computing(1).try_lock_owned().is_ok());
    }
}
