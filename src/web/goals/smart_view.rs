//! What the form shows beside the fields: the SMART checklist (with the
//! Achievable advice from the metric's history) and the metric picker with
//! each metric's current value.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::domain::cx_formulas::CxMetric;
use crate::domain::goal::{DEFAULT_WINDOW_DAYS, GoalSpec};
use crate::domain::metric::MetricDef;
use crate::domain::smart::{self, Criterion};
use crate::error::AppResult;
use crate::measure;
use crate::store::{cx_metrics, metrics};
use crate::web::chart::format_number;

/// One line of the checklist.
#[derive(Clone, Debug)]
pub struct CheckItem {
    pub label: &'static str,
    pub met: bool,
    pub missing: Vec<String>,
    pub advice: Option<String>,
}

/// The SMART check of `spec`, with the history-based Achievable advice.
pub async fn checklist<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    spec: &GoalSpec,
    now: DateTime<Utc>,
) -> AppResult<Vec<CheckItem>> {
    let mut check = smart::check(spec, now.date_naive());
    let measurement = measure::measure(db, team_id, spec, now).await?;
    let advice = measure::achievability(db, team_id, spec, measurement.as_ref(), now).await?;
    if let Some(c) = check
        .criteria
        .iter_mut()
        .find(|c| c.criterion == Criterion::Achievable)
    {
        c.advice = advice;
    }
    Ok(check
        .criteria
        .into_iter()
        .map(|c| CheckItem {
            label: c.criterion.label(),
            met: c.met,
            missing: c.missing.into_iter().map(|m| m.message).collect(),
            advice: c.advice.map(|a| a.message),
        })
        .collect())
}

/// A metric in the picker.
#[derive(Clone, Debug)]
pub struct MetricChoice {
    pub key: String,
    pub name: String,
    /// Its current value in words, so the baseline is not guessed.
    pub now: String,
}

/// Every metric of the team with where it stands now: built-in metrics
/// over the default trailing window, custom ones by their latest observation.
pub async fn metric_choices<C: ConnectionTrait>(
    db: &C,
    team_id: i32,
    defs: &[MetricDef],
    now: DateTime<Utc>,
) -> AppResult<Vec<MetricChoice>> {
    let mut out = Vec::with_capacity(defs.len());
    for def in defs {
        let text = match def.key.parse::<CxMetric>() {
            Ok(metric)
                if cx_metrics::newest_event_at(db, team_id, metric)
                    .await?
                    .is_some() =>
            {
                let (value, _) =
                    measure::trailing_value(db, team_id, metric, DEFAULT_WINDOW_DAYS, now).await?;
                match value.value {
                    Some(v) => format!(
                        "now {} (last {DEFAULT_WINDOW_DAYS} days, n={})",
                        format_number(v),
                        value.n
                    ),
                    None => format!(
                        "too little data now: {} of {} needed",
                        value.n, value.min_sample
                    ),
                }
            }
            Ok(_) => "no data yet".to_string(),
            Err(_) => match metrics::latest_observation(db, team_id, &def.key).await? {
                Some(obs) => format!(
                    "now {} (recorded {})",
                    format_number(obs.value),
                    obs.observed_on
                ),
                None => "no data yet".to_string(),
            },
        };
        out.push(MetricChoice {
            key: def.key.clone(),
            name: def.name.clone(),
            now: text,
        });
    }
    Ok(out)
}
