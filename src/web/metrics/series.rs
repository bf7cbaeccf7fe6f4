//! The query of a metric page (and of its CSV): the filter form with its
//! defaults, read and computed exactly as the JSON API's series.

use chrono::{Datelike, Days, NaiveDate};
use serde::Deserialize;

use crate::api::metric_values::params::{MetricRequest, SeriesQuery};
use crate::domain::cx_formulas::MetricValue;
use crate::domain::cx_formulas::buckets::Bucket;
use crate::domain::events::from_millis;
use crate::error::AppResult;
use crate::startup::AppState;
use crate::store::cx_metrics::{self, bad_param};
use crate::web::session::{WebUser, urlencode};

/// The page's query: every field optional, checked here so that a bad one
/// gets a message on the page.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PageQuery {
    pub team: Option<String>,
    pub bucket: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub touchpoint: Option<String>,
    pub source: Option<String>,
    pub channel: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The filter form as filled in (defaults where left empty).
#[derive(Clone, Debug)]
pub(super) struct SeriesForm {
    pub bucket: String,
    pub from: String,
    pub to: String,
    pub touchpoint: Option<String>,
    pub source: Option<String>,
    pub channel: Option<String>,
}

impl SeriesForm {
    pub fn read(query: &PageQuery, today: NaiveDate) -> SeriesForm {
        let bucket = given(&query.bucket).unwrap_or_else(|| "week".into());
        let back = match bucket.as_str() {
            "day" => 30,
            "month" => 365,
            _ => 26 * 7,
        };
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let tomorrow = today + Days::new(1);
        SeriesForm {
            from: given(&query.from).unwrap_or_else(|| day(tomorrow - Days::new(back))),
            to: given(&query.to).unwrap_or_else(|| day(tomorrow)),
            touchpoint: given(&query.touchpoint),
            source: given(&query.source),
            channel: given(&query.channel),
            bucket,
        }
    }

    /// The value of the filter called `param`, as typed.
    pub fn filter(&self, param: &str) -> &str {
        match param {
            "touchpoint" => self.touchpoint.as_deref(),
            "source" => self.source.as_deref(),
            "channel" => self.channel.as_deref(),
            _ => None,
        }
        .unwrap_or("")
    }

    /// The query string of this form, for the CSV link.
    pub fn query_string(&self, team_id: i32) -> String {
        let mut q = format!(
            "team={team_id}&bucket={}&from={}&to={}",
            urlencode(&self.bucket),
            urlencode(&self.from),
            urlencode(&self.to)
        );
        for (param, value) in [
            ("touchpoint", &self.touchpoint),
            ("source", &self.source),
            ("channel", &self.channel),
        ] {
            if let Some(v) = value {
                q.push_str(&format!("&{param}={}", urlencode(v)));
            }
        }
        q
    }
}

/// A metric's series, checked and computed as the JSON API does.
pub(super) struct Loaded {
    pub bucket: Bucket,
    pub start: i64,
    pub end: i64,
    pub min_sample: i64,
    pub points: Vec<(i64, i64, MetricValue)>,
}

pub(super) async fn load(
    state: &AppState,
    user: &WebUser,
    key: &str,
    team_id: i32,
    form: &SeriesForm,
) -> AppResult<Loaded> {
    let bucket: Bucket = form.bucket.parse().map_err(|_| {
        bad_param(
            "bucket",
            format!(
                "\"{}\" is not a bucket; use week, month or day",
                form.bucket
            ),
        )
    })?;
    let query = SeriesQuery {
        team: Some(team_id),
        from: Some(form.from.clone()),
        to: Some(form.to.clone()),
        bucket: Some(bucket),
        touchpoint: form.touchpoint.clone(),
        source: form.source.clone(),
        channel: form.channel.clone(),
    };
    let request = MetricRequest::read(state, &user.caller, key, query.common()).await?;
    let layout = cx_metrics::series_layout(bucket, request.window)?;
    let points = match request.builtin {
        Some(metric) => {
            cx_metrics::series(
                &state.db,
                team_id,
                metric,
                request.window,
                bucket,
                &request.filters,
                request.settings.min_sample,
            )
            .await?
        }
        None => request.observed_series(&layout).await?,
    };
    Ok(Loaded {
        bucket,
        start: layout.start(),
        end: layout.end(),
        min_sample: request.settings.min_sample,
        points,
    })
}

/// The name of a bucket starting at `ms`.
pub(super) fn period(bucket: Bucket, ms: i64) -> String {
    let day = from_millis(ms).date_naive();
    match bucket {
        Bucket::Day => day.format("%Y-%m-%d").to_string(),
        Bucket::Week => format!("week of {}", day.format("%Y-%m-%d")),
        Bucket::Month => format!("{}-{:02}", day.year(), day.month()),
    }
}
