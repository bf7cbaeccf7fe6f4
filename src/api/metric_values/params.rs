//! Reading a metric query: team, window, filters; and answering custom
//! metrics from their observations.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::require_member;
use crate::domain::account::Caller;
use crate::domain::cx_formulas::buckets::{Bucket, Layout, Window};
use crate::domain::cx_formulas::{
    CxMetric, Filters, MetricSettings, MetricValue, latest_observation, observation_mean,
};
use crate::domain::events::{MAX_SHORT_TEXT, from_millis, parse_timestamp};
use crate::domain::metric::MetricDef;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::store::cx_metrics::{self, bad_param};
use crate::store::metrics;

/// What a value was computed from.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Computed {
    /// A built-in metric, from the team's orders, reviews or survey answers.
    Events,
    /// A custom metric, from its manual observations.
    Observations,
}

/// The filters a value was computed with.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AppliedFilters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

impl From<&Filters> for AppliedFilters {
    fn from(f: &Filters) -> Self {
        AppliedFilters {
            touchpoint: f.touchpoint.clone(),
            source: f.source.clone(),
            channel: f.channel.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ValueQuery {
    /// The team whose data to use (required).
    pub team: Option<i32>,
    /// The window's start, inclusive (required): RFC 3339 with an offset, or a date (00:00 UTC).
    pub from: Option<String>,
    /// The window's end, exclusive (required), after `from`.
    pub to: Option<String>,
    /// Survey metrics: only answers given at this touchpoint.
    pub touchpoint: Option<String>,
    /// Review metrics: only reviews from this source.
    pub source: Option<String>,
    /// Order metrics: only customers who ordered through this channel.
    pub channel: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// The team whose data to use (required).
    pub team: Option<i32>,
    /// The first bucket is the one holding this moment (required): RFC 3339 or a date.
    pub from: Option<String>,
    /// The last bucket is the one holding the moment before this (required).
    pub to: Option<String>,
    /// `day`, `week` (ISO, from Monday) or `month` (calendar), in UTC (required).
    pub bucket: Option<Bucket>,
    /// Survey metrics: only answers given at this touchpoint.
    pub touchpoint: Option<String>,
    /// Review metrics: only reviews from this source.
    pub source: Option<String>,
    /// Order metrics: only customers who ordered through this channel.
    pub channel: Option<String>,
}

/// The parameters `value` and `series` share.
pub struct Common {
    team: Option<i32>,
    from: Option<String>,
    to: Option<String>,
    filters: Filters,
}

impl ValueQuery {
    pub fn common(self) -> Common {
        Common {
            team: self.team,
            from: self.from,
            to: self.to,
            filters: Filters {
                touchpoint: self.touchpoint,
                source: self.source,
                channel: self.channel,
            },
        }
    }
}

impl SeriesQuery {
    pub fn common(self) -> Common {
        Common {
            team: self.team,
            from: self.from,
            to: self.to,
            filters: Filters {
                touchpoint: self.touchpoint,
                source: self.source,
                channel: self.channel,
            },
        }
    }
}

/// A checked metric query.
pub struct MetricRequest {
    state: AppState,
    pub key: String,
    pub team_id: i32,
    /// The built-in metric, or `None` for a custom one.
    pub builtin: Option<CxMetric>,
    pub window: Window,
    pub filters: Filters,
    pub settings: MetricSettings,
}

fn required<T>(value: Option<T>, param: &str, what: &str) -> AppResult<T> {
    value.ok_or_else(|| bad_param(param, format!("is required: {what}")))
}

fn time_param(value: Option<String>, param: &str) -> AppResult<i64> {
    let raw = required(
        value,
        param,
        "RFC 3339 (2026-05-04T10:30:00Z) or a date (2026-05-04)",
    )?;
    parse_timestamp(&raw).map_err(|message| bad_param(param, message))
}

fn check_filter(value: &Option<String>, param: &str) -> AppResult<()> {
    match value.as_deref().map(str::trim) {
        Some("") => Err(bad_param(
            param,
            "must not be empty; leave it out to use all data",
        )),
        Some(v) if v.chars().count() > MAX_SHORT_TEXT => Err(bad_param(
            param,
            format!("is longer than {MAX_SHORT_TEXT} characters"),
        )),
        _ => Ok(()),
    }
}

/// The metric `key` as `team` sees it; another team's or an unknown key is a 404.
pub async fn find_metric(state: &AppState, team_id: i32, key: &str) -> AppResult<MetricDef> {
    metrics::find_metric(&state.db, team_id, key)
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!("there is no metric \"{key}\" in team {team_id}"))
        })
}

impl MetricRequest {
    /// Checks the parameters in the order a reader fixes them: team, window, filters.
    pub async fn read(
        state: &AppState,
        caller: &Caller,
        key: &str,
        common: Common,
    ) -> AppResult<MetricRequest> {
        let team_id = required(common.team, "team", "the id of one of your teams")?;
        require_member(caller, team_id)?;
        let def = find_metric(state, team_id, key).await?;
        let from = time_param(common.from, "from")?;
        let to = time_param(common.to, "to")?;
        let window = Window::new(from, to).ok_or_else(|| {
            bad_param(
                "to",
                format!(
                    "must be after from ({}); the window is [from, to)",
                    from_millis(from).to_rfc3339()
                ),
            )
        })?;
        let filters = common.filters;
        check_filter(&filters.touchpoint, "touchpoint")?;
        check_filter(&filters.source, "source")?;
        check_filter(&filters.channel, "channel")?;
        let builtin = def
            .builtin
            .then(|| def.key.parse::<CxMetric>().ok())
            .flatten();
        match builtin {
            Some(metric) => {
                filters
                    .for_metric(metric)
                    .map_err(|e| bad_param(e.param, e.message))?;
            }
            None => {
                for (param, value) in [
                    ("touchpoint", &filters.touchpoint),
                    ("source", &filters.source),
                    ("channel", &filters.channel),
                ] {
                    if value.is_some() {
                        return Err(bad_param(
                            param,
                            "custom metrics are recorded by hand and cannot be filtered",
                        ));
                    }
                }
            }
        }
        Ok(MetricRequest {
            settings: cx_metrics::settings(&state.db, team_id, &def.key).await?,
            state: state.clone(),
            key: def.key,
            team_id,
            builtin,
            window,
            filters,
        })
    }

    /// The newest event behind a built-in metric, or the newest observation.
    pub async fn newest_data_at(&self) -> AppResult<Option<chrono::DateTime<chrono::Utc>>> {
        let newest = match self.builtin {
            Some(metric) => {
                cx_metrics::newest_event_at(&self.state.db, self.team_id, metric).await?
            }
            None => metrics::latest_observation(&self.state.db, self.team_id, &self.key)
                .await?
                .map(|o| day_millis(o.observed_on)),
        };
        Ok(newest.map(from_millis))
    }

    /// Observations in `[from, to)` as (time, value), oldest first; an
    /// observation's time is its day at 00:00 UTC.
    async fn observations(&self, from: i64, to: i64) -> AppResult<Vec<(i64, f64)>> {
        let first = from_millis(from).date_naive();
        let last = from_millis(to - 1).date_naive();
        let rows = metrics::observations(
            &self.state.db,
            self.team_id,
            &self.key,
            Some(first),
            Some(last),
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|o| (day_millis(o.observed_on), o.value))
            .filter(|(t, _)| (from..to).contains(t))
            .collect())
    }

    /// A custom metric's latest observation in the window.
    pub async fn observed_value(&self) -> AppResult<MetricValue> {
        let values: Vec<f64> = self
            .observations(self.window.from, self.window.to)
            .await?
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        Ok(latest_observation(&values, self.settings.min_sample))
    }

    /// A custom metric's mean observation per bucket.
    pub async fn observed_series(
        &self,
        layout: &Layout,
    ) -> AppResult<Vec<(i64, i64, MetricValue)>> {
        let observations = self.observations(layout.start(), layout.end()).await?;
        Ok((0..layout.len())
            .map(|j| {
                let b = layout.bucket(j);
                let lo = observations.partition_point(|(t, _)| *t < b.from);
                let hi = observations.partition_point(|(t, _)| *t < b.to);
                let values: Vec<f64> = observations[lo..hi].iter().map(|(_, v)| *v).collect();
                (
                    b.from,
                    b.to,
                    observation_mean(&values, self.settings.min_sample),
                )
            })
            .collect())
    }
}

fn day_millis(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp_millis()
}
