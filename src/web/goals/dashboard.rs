//! `GET /goals?team=T`: every goal of the team with its status badge,
//! progress, current value against target, next review and trend; the
//! goals waiting for the manager's answer first.
//!
//! Built for large teams: it reads stored values, never the raw events of
//! evaluated goals. One query each loads the goals, their recent
//! evaluations (the newest gives status, value and progress; the rest the
//! trend line), the open review requests, the metrics and the members. Only
//! active goals not evaluated yet are measured live, once per distinct
//! (metric, window), however many goals share it. The rows are then kept
//! per team (see `cache`) until something they rest on changes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use askama::Template;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::cache::{self, Freshness, Snapshot};
use crate::domain::evaluation::{EvaluationInput, EvaluationStatus, evaluate};
use crate::domain::goal::{Direction, GoalSpec, GoalStatus};
use crate::domain::metric::MetricDef;
use crate::domain::progress::progress_percent;
use crate::entities::{evaluation, goal};
use crate::error::{AppError, AppResult};
use crate::measure::{self, Measurement};
use crate::startup::AppState;
use crate::store::goals::{self, GoalFilter};
use crate::store::review_answers::{self, ReviewFilter, ReviewState};
use crate::store::{accounts, evaluations, metrics};
use crate::web::chart::{format_number, sparkline};
use crate::web::chrome::Chrome;
use crate::web::error::WebResult;
use crate::web::render::page;
use crate::web::session::WebUser;

/// Evaluations per goal read for the trend line.
const TREND_POINTS: u64 = 12;
/// The most goals one dashboard shows.
const MAX_GOALS: u64 = 5000;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    team: Option<String>,
    status: Option<String>,
    metric: Option<String>,
    owner: Option<String>,
}

/// A goal's badge: its evaluation status, or its life-cycle status when it
/// is not being evaluated (drafts, closed goals).
#[derive(Clone, Debug)]
pub struct Badge {
    pub key: String,
    pub label: String,
}

fn badge_of_evaluation(status: EvaluationStatus) -> Badge {
    let label = match status {
        EvaluationStatus::OnTrack => "on track",
        EvaluationStatus::AtRisk => "at risk",
        EvaluationStatus::OffTrack => "off track",
        EvaluationStatus::InsufficientData => "insufficient data",
        EvaluationStatus::Stale => "stale",
    };
    Badge {
        key: status.to_string(),
        label: label.into(),
    }
}

fn badge_of_goal(status: GoalStatus) -> Badge {
    Badge {
        key: status.to_string(),
        label: status.to_string(),
    }
}

/// One line of the dashboard.
pub struct Row {
    pub id: i32,
    pub title: String,
    pub owner_id: i32,
    pub owner: String,
    pub metric_key: String,
    pub metric: String,
    pub badge: Badge,
    /// The open review waiting for an answer.
    pub review_id: Option<i64>,
    pub current: Option<String>,
    pub target: Option<String>,
    pub percent: Option<f64>,
    pub next_review: Option<String>,
    /// Inline SVG built and escaped by `chart::sparkline`.
    pub trend: String,
}

impl Row {
    pub fn percent_text(&self) -> String {
        self.percent.map(|p| format!("{p:.0}")).unwrap_or_default()
    }
}

/// A dashboard line with its HTML, rendered once per computation of the
/// team's rows rather than on every request.
pub struct Card {
    pub row: Row,
    pub html: String,
}

#[derive(Template)]
#[template(path = "goals/dashboard_card.html")]
struct CardHtml<'a> {
    row: &'a Row,
    team_id: i32,
}

impl Card {
    fn render(row: Row, team_id: i32) -> AppResult<Card> {
        let html = CardHtml { row: &row, team_id }
            .render()
            .map_err(|e| anyhow::anyhow!("dashboard card: {e}"))?;
        Ok(Card { row, html })
    }
}

#[derive(Template)]
#[template(path = "goals/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    rows: Vec<Arc<Card>>,
    total: usize,
    filter_status: String,
    filter_metric: String,
    filter_owner: String,
    metrics: Vec<(String, String)>,
    owners: Vec<(i32, String)>,
    statuses: Vec<Badge>,
}

impl DashboardPage {
    fn filtered(&self) -> bool {
        !(self.filter_status.is_empty()
            && self.filter_metric.is_empty()
            && self.filter_owner.is_empty())
    }
}

fn bad_filter(name: &str, raw: &str) -> AppError {
    AppError::BadRequest {
        detail: format!("the {name} filter \"{raw}\" is not one of the choices"),
        errors: crate::domain::FieldErrors::single(format!("/{name}"), "not one of the choices"),
    }
}

fn parse_id(name: &str, raw: Option<&str>) -> AppResult<Option<i32>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| bad_filter(name, s)),
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<DashboardQuery>,
) -> WebResult {
    let (team_id, _) = user.team(parse_id("team", q.team.as_deref())?)?;
    let owner = parse_id("owner", q.owner.as_deref())?;
    let statuses = status_choices();
    let status = q.status.clone().filter(|s| !s.is_empty());
    if let Some(s) = &status
        && !statuses.iter().any(|b| &b.key == s)
    {
        return Err(bad_filter("status", s).into());
    }
    let metric = q.metric.clone().filter(|s| !s.is_empty());
    let chrome = Chrome::load(&state.db, &user, team_id, "goals").await?;
    let snapshot = snapshot(&state, team_id).await?;
    let rows: Vec<Arc<Card>> = snapshot
        .rows
        .iter()
        .filter(|c| metric.as_ref().is_none_or(|m| &c.row.metric_key == m))
        .filter(|c| owner.is_none_or(|o| c.row.owner_id == o))
        .filter(|c| status.as_ref().is_none_or(|s| &c.row.badge.key == s))
        .cloned()
        .collect();
    let page_data = DashboardPage {
        chrome,
        total: rows.len(),
        rows,
        filter_status: status.unwrap_or_default(),
        filter_metric: metric.unwrap_or_default(),
        filter_owner: owner.map(|o| o.to_string()).unwrap_or_default(),
        metrics: snapshot.metrics.clone(),
        owners: snapshot.owners.clone(),
        statuses,
    };
    Ok(page(&page_data))
}

/// The team's rows, from this process's cache while the database says
/// nothing they rest on has changed (see `cache`).
async fn snapshot(state: &AppState, team_id: i32) -> AppResult<Arc<Snapshot>> {
    let fingerprint = cache::fingerprint(&state.db, team_id).await?;
    match state.dashboards.get(team_id, &fingerprint) {
        Some((found, Freshness::Fresh)) => return Ok(found),
        Some((found, Freshness::Aged)) => {
            // Computed again in the background by one request; the others
            // (and this one) are served the unchanged rows meanwhile.
            if let Ok(computing) = state.dashboards.computing(team_id).try_lock_owned() {
                let state = state.clone();
                tokio::spawn(async move {
                    let _computing = computing;
                    if let Err(err) = compute(&state, team_id, fingerprint).await {
                        tracing::warn!(team_id, error = %err, "dashboard rows not refreshed");
                    }
                });
            }
            return Ok(found);
        }
        None => {}
    }
    let lock = state.dashboards.computing(team_id);
    let _computing = lock.lock().await;
    if let Some((found, _)) = state.dashboards.get(team_id, &fingerprint) {
        return Ok(found);
    }
    compute(state, team_id, fingerprint).await
}

/// Computes the team's rows and keeps them in the cache.
async fn compute(state: &AppState, team_id: i32, fingerprint: String) -> AppResult<Arc<Snapshot>> {
    let filter = GoalFilter {
        team_ids: vec![team_id],
        limit: MAX_GOALS,
        ..Default::default()
    };
    let now = Utc::now();
    let models = goals::list(&state.db, &filter).await?;
    let defs = metrics::metrics_for_team(&state.db, team_id).await?;
    let members = accounts::members_named(&state.db, team_id).await?;
    let rows = rows(state, team_id, models, (&defs, &members), now).await?;
    let snapshot = Arc::new(Snapshot {
        fingerprint,
        taken: Instant::now(),
        rows: rows
            .into_iter()
            .map(|row| Card::render(row, team_id).map(Arc::new))
            .collect::<AppResult<_>>()?,
        metrics: defs.into_iter().map(|d| (d.key, d.name)).collect(),
        owners: members,
    });
    state.dashboards.put(team_id, snapshot.clone());
    Ok(snapshot)
}

fn status_choices() -> Vec<Badge> {
    EvaluationStatus::ALL
        .iter()
        .map(|s| badge_of_evaluation(*s))
        .chain(
            [
                GoalStatus::Draft,
                GoalStatus::Achieved,
                GoalStatus::Missed,
                GoalStatus::Abandoned,
            ]
            .into_iter()
            .map(badge_of_goal),
        )
        .collect()
}

/// The dashboard lines of these goals, waiting-for-an-answer first.
async fn rows(
    state: &AppState,
    team_id: i32,
    models: Vec<goal::Model>,
    (defs, members): (&[MetricDef], &[(i32, String)]),
    now: DateTime<Utc>,
) -> AppResult<Vec<Row>> {
    let db = &state.db;
    let ids: Vec<i32> = models.iter().map(|g| g.id).collect();
    let mut history: HashMap<i32, Vec<evaluation::Model>> = HashMap::new();
    for e in evaluations::recent_for_goals(db, &ids, TREND_POINTS).await? {
        history.entry(e.goal_id).or_default().push(e);
    }
    let open: HashMap<i32, i64> = review_answers::list(
        db,
        &ReviewFilter {
            team_ids: vec![team_id],
            state: Some(ReviewState::Pending),
            before_id: None,
            limit: MAX_GOALS,
        },
        now,
    )
    .await?
    .into_iter()
    .map(|r| (r.goal_id, r.id))
    .collect();
    let names: HashMap<&str, &str> = defs
        .iter()
        .map(|d| (d.key.as_str(), d.name.as_str()))
        .collect();
    let owners: HashMap<i32, &str> = members.iter().map(|(id, n)| (*id, n.as_str())).collect();
    let mut live = LiveValues::default();
    let mut out = Vec::with_capacity(models.len());
    for model in models {
        let spec = goals::spec_from_model(&model)?;
        let mut evals = history.remove(&model.id).unwrap_or_default();
        evals.sort_by_key(|e| std::cmp::Reverse(e.scheduled_for));
        let (badge, current, percent) = match (spec.status, evals.first()) {
            (GoalStatus::Active, Some(latest)) => {
                let status = evaluations::findings_of(latest).status;
                (
                    badge_of_evaluation(status),
                    latest.current_value,
                    latest.progress,
                )
            }
            (GoalStatus::Active, None) => live.judge(db, &model, &spec, now).await?,
            (status, _) => {
                let latest = evals.first();
                (
                    badge_of_goal(status),
                    latest.and_then(|e| e.current_value),
                    latest.and_then(|e| e.progress),
                )
            }
        };
        let values: Vec<f64> = evals.iter().rev().filter_map(|e| e.current_value).collect();
        let key = spec.measurable.metric_key.clone().unwrap_or_default();
        out.push(Row {
            id: model.id,
            trend: sparkline(&values, &format!("trend of {}", model.title)),
            title: model.title,
            owner_id: model.owner_id,
            owner: owners
                .get(&model.owner_id)
                .map(|n| n.to_string())
                .unwrap_or_default(),
            metric: names
                .get(key.as_str())
                .map(|n| n.to_string())
                .unwrap_or_else(|| key.clone()),
            metric_key: key,
            badge,
            review_id: open.get(&model.id).copied(),
            current: current.map(format_number),
            target: spec.measurable.target.map(format_number),
            percent,
            next_review: model
                .next_review_at
                .map(|t| t.format("%Y-%m-%d").to_string()),
        });
    }
    out.sort_by_key(|r| (r.review_id.is_none(), r.id));
    Ok(out)
}

/// Live measurements of goals without an evaluation yet, one per
/// (metric, window) for the whole page.
#[derive(Default)]
struct LiveValues {
    cache: HashMap<(String, u32), Option<Measurement>>,
}

impl LiveValues {
    async fn judge<C: sea_orm::ConnectionTrait>(
        &mut self,
        db: &C,
        model: &goal::Model,
        spec: &GoalSpec,
        now: DateTime<Utc>,
    ) -> AppResult<(Badge, Option<f64>, Option<f64>)> {
        let m = &spec.measurable;
        let key = (m.metric_key.clone().unwrap_or_default(), m.window_days);
        let measurement = match self.cache.get(&key) {
            Some(found) => found.clone(),
            None => {
                let fresh = measure::measure(db, model.team_id, spec, now).await?;
                self.cache.insert(key, fresh.clone());
                fresh
            }
        };
        let current = measurement.as_ref().and_then(|x| x.current);
        let stale = measurement.as_ref().is_some_and(|x| x.stale);
        let direction = m.direction.unwrap_or(Direction::Increase);
        let today = now.date_naive();
        let plan = (m.baseline, m.target, spec.time_bound.deadline);
        let status = match plan {
            (Some(baseline), Some(target), Some(deadline)) => {
                evaluate(&EvaluationInput {
                    direction,
                    baseline,
                    target,
                    start: spec
                        .time_bound
                        .start
                        .unwrap_or(model.created_at.date_naive()),
                    deadline,
                    today,
                    current,
                    stale,
                    history: &[],
                    milestones: &[],
                })
                .status
            }
            _ if stale => EvaluationStatus::Stale,
            _ => EvaluationStatus::InsufficientData,
        };
        let percent = match (m.baseline, m.target, current) {
            (Some(b), Some(t), Some(c)) => Some(progress_percent(direction, b, t, c)),
            _ => None,
        };
        Ok((badge_of_evaluation(status), current, percent))
    }
}
