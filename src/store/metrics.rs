//! Custom metric definitions and manual observations.

use anyhow::anyhow;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TryInsertResult,
};

use crate::domain::metric::{MetricDef, builtin_metric, builtin_metrics};
use crate::entities::{custom_metric, metric_observation};
use crate::error::{AppError, AppResult};

use super::is_unique_violation;

fn def_from_row(row: custom_metric::Model) -> AppResult<MetricDef> {
    let parse_err = |e: String| AppError::Internal(anyhow!("stored metric {}: {e}", row.key));
    Ok(MetricDef {
        unit: row.unit.parse().map_err(parse_err)?,
        better: row.better.parse().map_err(parse_err)?,
        journey_stage: row
            .journey_stage
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(parse_err)?,
        key: row.key,
        name: row.name,
        description: row.description,
        touchpoint: row.touchpoint,
        min: row.min_value,
        max: row.max_value,
        builtin: false,
    })
}

/// The team's custom metrics, by key.
pub async fn custom_metrics<C: ConnectionTrait>(db: &C, team_id: i32) -> AppResult<Vec<MetricDef>> {
    custom_metric::Entity::find()
        .filter(custom_metric::Column::TeamId.eq(team_id))
        .order_by_asc(custom_metric::Column::Key)
        .all(db)
        .await?
        .into_iter()
        .map(def_from_row)
        .collect()
}

/// Every metric the team can use: the built-in catalog, then its own.
pub async fn metrics_for_team<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
) -> AppResult<Vec<MetricDef>> {
    let mut all = builtin_metrics();
    all.extend(custom_metrics(db, team_id).await?);
    Ok(all)
}

/// The metric with this key as the team sees it.
pub async fn find_metric<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    key: &str,
) -> AppResult<Option<MetricDef>> {
    if let Some(def) = builtin_metric(key) {
        return Ok(Some(def));
    }
    custom_metric::Entity::find()
        .filter(custom_metric::Column::TeamId.eq(team_id))
        .filter(custom_metric::Column::Key.eq(key))
        .one(db)
        .await?
        .map(def_from_row)
        .transpose()
}

pub async fn create_custom<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    def: &MetricDef,
    created_by: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let row = custom_metric::ActiveModel {
        team_id: Set(team_id),
        key: Set(def.key.clone()),
        name: Set(def.name.clone()),
        description: Set(def.description.clone()),
        unit: Set(def.unit.as_str().into()),
        better: Set(def.better.as_str().into()),
        journey_stage: Set(def.journey_stage.map(|s| s.as_str().into())),
        touchpoint: Set(def.touchpoint.clone()),
        min_value: Set(def.min),
        max_value: Set(def.max),
        created_by: Set(created_by),
        created_at: Set(now),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(AppError::field(
            "/key",
            format!("the team already has a metric \"{}\"", def.key),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A value of a metric on a day, as recorded by hand.
#[derive(Clone, Debug)]
pub struct NewObservation {
    pub team_id: i32,
    pub metric_key: String,
    pub observed_on: NaiveDate,
    pub value: f64,
    pub note: Option<String>,
}

/// Records an observation; a second one for the same metric and day
/// replaces the first. Returns the row and whether it was new.
pub async fn upsert_observation<C: ConnectionTrait>(
    db: &C,
    obs: NewObservation,
    created_by: i32,
    now: DateTime<Utc>,
) -> AppResult<(metric_observation::Model, bool)> {
    use metric_observation::Column;
    let find = || {
        metric_observation::Entity::find()
            .filter(Column::TeamId.eq(obs.team_id))
            .filter(Column::MetricKey.eq(obs.metric_key.as_str()))
            .filter(Column::ObservedOn.eq(obs.observed_on))
    };
    if let Some(existing) = find().one(db).await? {
        return Ok((replace_value(db, existing, obs, now).await?, false));
    }
    // ON CONFLICT DO NOTHING: when a concurrent request stores the same day
    // first, this one replaces its value below, as a later request would.
    let inserted = metric_observation::Entity::insert(metric_observation::ActiveModel {
        team_id: Set(obs.team_id),
        metric_key: Set(obs.metric_key.clone()),
        observed_on: Set(obs.observed_on),
        value: Set(obs.value),
        note: Set(obs.note.clone()),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([Column::TeamId, Column::MetricKey, Column::ObservedOn])
    .exec_without_returning(db)
    .await?;
    let created = matches!(inserted, TryInsertResult::Inserted(n) if n > 0);
    let existing = find()
        .one(db)
        .await?
        .ok_or_else(|| anyhow!("observation neither inserted nor found"))?;
    if created {
        return Ok((existing, true));
    }
    Ok((replace_value(db, existing, obs, now).await?, false))
}

async fn replace_value<C: ConnectionTrait>(
    db: &C,
    existing: metric_observation::Model,
    obs: NewObservation,
    now: DateTime<Utc>,
) -> AppResult<metric_observation::Model> {
    let mut row: metric_observation::ActiveModel = existing.into();
    row.value = Set(obs.value);
    row.note = Set(obs.note);
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// The team's observations of a metric between two days (inclusive), oldest first.
pub async fn observations<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    key: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Vec<metric_observation::Model>> {
    let mut query = metric_observation::Entity::find()
        .filter(metric_observation::Column::TeamId.eq(team_id))
        .filter(metric_observation::Column::MetricKey.eq(key));
    if let Some(from) = from {
        query = query.filter(metric_observation::Column::ObservedOn.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(metric_observation::Column::ObservedOn.lte(to));
    }
    Ok(query
        .order_by_asc(metric_observation::Column::ObservedOn)
        .limit(10_000)
        .all(db)
        .await?)
}

/// The newest observation of a metric for a team.
pub async fn latest_observation<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    key: &str,
) -> AppResult<Option<metric_observation::Model>> {
    Ok(metric_observation::Entity::find()
        .filter(metric_observation::Column::TeamId.eq(team_id))
        .filter(metric_observation::Column::MetricKey.eq(key))
        .order_by_desc(metric_observation::Column::ObservedOn)
        .one(db)
        .await?)
}
