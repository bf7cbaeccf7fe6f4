//! The built-in CX metrics as formulas: from counts of responses, reviews
//! or customers to a value, with the sample it rests on and an honest
//! "not enough data" below a minimum sample.
//!
//! The store counts; this module decides what the counts mean.

pub mod buckets;
pub mod customers;

use serde::Serialize;
use utoipa::ToSchema;

use super::events::SurveyKind;
use super::text_enum::text_enum;

text_enum! {
    /// The built-in metrics computed from raw CX events (the keys of the built-in catalog).
    CxMetric {
        Nps => "nps",
        Csat => "csat",
        Ces => "ces",
        AvgRating => "avg_rating",
        PositiveReviewShare => "positive_review_share",
        ReviewCount => "review_count",
        RepeatPurchaseRate => "repeat_purchase_rate",
        ReturningCustomerRate => "returning_customer_rate",
        ChurnRate => "churn_rate",
        ReferralRate => "referral_rate",
    }
}

/// Which events a metric is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataSource {
    Surveys(SurveyKind),
    Reviews,
    Orders,
}

/// The default minimum sample of survey, review and customer-rate metrics.
pub const DEFAULT_MIN_SAMPLE: i64 = 30;
/// The default minimum sample of counts.
pub const DEFAULT_MIN_SAMPLE_COUNT: i64 = 1;
/// The z value of a two-sided 95 % confidence interval.
const Z_95: f64 = 1.96;

impl CxMetric {
    pub fn source(self) -> DataSource {
        use CxMetric::*;
        match self {
            Nps => DataSource::Surveys(SurveyKind::Nps),
            Csat => DataSource::Surveys(SurveyKind::Csat),
            Ces => DataSource::Surveys(SurveyKind::Ces),
            AvgRating | PositiveReviewShare | ReviewCount => DataSource::Reviews,
            RepeatPurchaseRate | ReturningCustomerRate | ChurnRate | ReferralRate => {
                DataSource::Orders
            }
        }
    }

    /// The one query filter that applies to the metric: `touchpoint` for
    /// survey metrics, `source` for review metrics, `channel` for order metrics.
    pub fn filter_param(self) -> &'static str {
        match self.source() {
            DataSource::Surveys(_) => "touchpoint",
            DataSource::Reviews => "source",
            DataSource::Orders => "channel",
        }
    }

    pub fn default_min_sample(self) -> i64 {
        match self {
            CxMetric::ReviewCount => DEFAULT_MIN_SAMPLE_COUNT,
            _ => DEFAULT_MIN_SAMPLE,
        }
    }

    /// Whether the metric compares a window with the one before it.
    pub fn needs_previous_window(self) -> bool {
        self == CxMetric::ChurnRate
    }
}

/// Optional narrowing of the events behind a metric; each applies to one
/// kind of metric.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// Survey metrics: only answers given at this touchpoint.
    pub touchpoint: Option<String>,
    /// Review metrics: only reviews from this source.
    pub source: Option<String>,
    /// Order metrics: only customers who ordered through this channel.
    pub channel: Option<String>,
}

/// A filter given for a metric it does not apply to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MisplacedFilter {
    /// The query parameter: `touchpoint`, `source` or `channel`.
    pub param: &'static str,
    pub message: String,
}

impl Filters {
    /// The value of the filter that applies to `metric`, if given; any
    /// other filter is an error naming it.
    pub fn for_metric(&self, metric: CxMetric) -> Result<Option<&str>, MisplacedFilter> {
        let given = [
            (
                "touchpoint",
                &self.touchpoint,
                "survey metrics (nps, csat, ces)",
            ),
            (
                "source",
                &self.source,
                "review metrics (avg_rating, positive_review_share, review_count)",
            ),
            (
                "channel",
                &self.channel,
                "order metrics (repeat_purchase_rate, returning_customer_rate, churn_rate, referral_rate)",
            ),
        ];
        let mut applies = None;
        for (param, value, metrics) in given {
            let Some(value) = value else { continue };
            if param != metric.filter_param() {
                return Err(MisplacedFilter {
                    param,
                    message: format!(
                        "filters {metrics} only; {metric} can be filtered by {}",
                        metric.filter_param()
                    ),
                });
            }
            applies = Some(value.as_str());
        }
        Ok(applies)
    }
}

/// A goal on a metric is flagged stale when its newest event is older than
/// this many days, unless the team chose otherwise.
pub const DEFAULT_STALE_AFTER_DAYS: i64 = 14;
/// The largest minimum sample a team may set.
pub const MAX_MIN_SAMPLE: i64 = 1_000_000;
/// The longest staleness limit a team may set.
pub const MAX_STALE_AFTER_DAYS: i64 = 3650;

/// A team's settings for one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct MetricSettings {
    /// The smallest sample that gives a value (custom metrics: observations).
    pub min_sample: i64,
    /// Data older than this many days counts as stale.
    pub stale_after_days: i64,
}

impl MetricSettings {
    /// The defaults: 30 for survey, review and customer metrics, 1 for counts
    /// and custom metrics; 14 days.
    pub fn defaults(key: &str) -> MetricSettings {
        MetricSettings {
            min_sample: key
                .parse::<CxMetric>()
                .map_or(DEFAULT_MIN_SAMPLE_COUNT, CxMetric::default_min_sample),
            stale_after_days: DEFAULT_STALE_AFTER_DAYS,
        }
    }

    /// A manager's choice, checked; `None` keeps the default.
    pub fn chosen(
        key: &str,
        min_sample: Option<i64>,
        stale_after_days: Option<i64>,
    ) -> Result<MetricSettings, super::FieldErrors> {
        let mut errors = super::FieldErrors::new();
        if let Some(m) = min_sample.filter(|m| !(0..=MAX_MIN_SAMPLE).contains(m)) {
            errors.push(
                "/min_sample",
                format!("{m} is not from 0 to {MAX_MIN_SAMPLE}"),
            );
        }
        if let Some(d) = stale_after_days.filter(|d| !(1..=MAX_STALE_AFTER_DAYS).contains(d)) {
            errors.push(
                "/stale_after_days",
                format!("{d} is not from 1 to {MAX_STALE_AFTER_DAYS}"),
            );
        }
        let defaults = MetricSettings::defaults(key);
        errors.finish(MetricSettings {
            min_sample: min_sample.unwrap_or(defaults.min_sample),
            stale_after_days: stale_after_days.unwrap_or(defaults.stale_after_days),
        })
    }
}

text_enum! {
    /// Whether a value could be computed.
    MetricStatus {
        Ok => "ok",
        /// The sample is below the minimum: no value is given.
        InsufficientData => "insufficient_data",
    }
}

/// A metric's value over one window, with the sample behind it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct MetricValue {
    /// The value; `null` when the sample is below the minimum.
    pub value: Option<f64>,
    /// The sample the value rests on: responses, reviews or customers.
    pub n: i64,
    /// The base of a percentage or NPS (the number divided by), when the metric has one.
    pub denominator: Option<i64>,
    /// NPS only: half the width of the 95 % confidence interval, in NPS points.
    pub margin_of_error: Option<f64>,
    pub status: MetricStatus,
    /// The smallest `n` that gives a value.
    pub min_sample: i64,
}

impl MetricValue {
    fn ok(value: f64, n: i64, denominator: Option<i64>, min_sample: i64) -> MetricValue {
        MetricValue {
            value: Some(value),
            n,
            denominator,
            margin_of_error: None,
            status: MetricStatus::Ok,
            min_sample,
        }
    }

    fn insufficient(n: i64, denominator: Option<i64>, min_sample: i64) -> MetricValue {
        MetricValue {
            value: None,
            n,
            denominator,
            margin_of_error: None,
            status: MetricStatus::InsufficientData,
            min_sample,
        }
    }

    pub fn is_ok(&self) -> bool {
        self.status == MetricStatus::Ok
    }
}

/// Net Promoter Score: 100 × (promoters − detractors) / responses, with the
/// 95 % margin of error 1.96 × √((p + d − (p − d)²) / n) × 100.
pub fn nps(promoters: i64, detractors: i64, responses: i64, min_sample: i64) -> MetricValue {
    if responses < min_sample.max(1) {
        return MetricValue::insufficient(responses, Some(responses), min_sample);
    }
    let n = responses as f64;
    let (p, d) = (promoters as f64 / n, detractors as f64 / n);
    let variance = (p + d - (p - d).powi(2)).max(0.0);
    MetricValue {
        margin_of_error: Some(Z_95 * (variance / n).sqrt() * 100.0),
        ..MetricValue::ok(100.0 * (p - d), responses, Some(responses), min_sample)
    }
}

/// 100 × part / whole: CSAT, positive review share and the customer rates.
/// `whole` is both the sample and the denominator.
pub fn percentage(part: i64, whole: i64, min_sample: i64) -> MetricValue {
    if whole < min_sample.max(1) {
        return MetricValue::insufficient(whole, Some(whole), min_sample);
    }
    MetricValue::ok(
        100.0 * part as f64 / whole as f64,
        whole,
        Some(whole),
        min_sample,
    )
}

/// The mean score: CES and average rating.
pub fn mean(sum: i64, count: i64, min_sample: i64) -> MetricValue {
    if count < min_sample.max(1) {
        return MetricValue::insufficient(count, None, min_sample);
    }
    MetricValue::ok(sum as f64 / count as f64, count, None, min_sample)
}

/// A plain count (review count). With a minimum sample of 0 an empty
/// window counts 0 rather than "not enough data".
pub fn count(n: i64, min_sample: i64) -> MetricValue {
    if n < min_sample {
        return MetricValue::insufficient(n, None, min_sample);
    }
    MetricValue::ok(n as f64, n, None, min_sample)
}

/// A custom metric over a window: its latest manual observation (`values`
/// oldest first); `n` counts the observations in the window.
pub fn latest_observation(values: &[f64], min_sample: i64) -> MetricValue {
    let n = values.len() as i64;
    match values.last() {
        Some(&last) if n >= min_sample => MetricValue::ok(last, n, None, min_sample),
        _ => MetricValue::insufficient(n, None, min_sample),
    }
}

/// A bucket of a custom metric's series: the mean of its manual observations.
pub fn observation_mean(values: &[f64], min_sample: i64) -> MetricValue {
    let n = values.len() as i64;
    if n < min_sample.max(1) {
        return MetricValue::insufficient(n, None, min_sample);
    }
    MetricValue::ok(values.iter().sum::<f64>() / n as f64, n, None, min_sample)
}

/// What the store counted for one window. Which fields a metric reads:
///
/// | metric | `base` | `hits` | `detractors` | `sum` |
/// |---|---|---|---|---|
/// | nps | responses | promoters (9–10) | detractors (0–6) | |
/// | csat | responses | answers 4–5 | | |
/// | ces | responses | | | sum of scores |
/// | avg_rating | reviews | | | sum of ratings |
/// | positive_review_share | reviews | ratings 4–5 | | |
/// | review_count | reviews | | | |
/// | repeat_purchase_rate | customers ordering in the window | those with 2+ orders in it | | |
/// | returning_customer_rate | customers ordering in the window | those whose first order is before it | | |
/// | churn_rate | customers ordering in the previous window | those with no order in this one | | |
/// | referral_rate | new customers (first order in the window) | those whose first order was referred | | |
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub base: i64,
    pub hits: i64,
    pub detractors: i64,
    pub sum: i64,
}

/// The metric's value from its tally.
pub fn evaluate(metric: CxMetric, tally: Tally, min_sample: i64) -> MetricValue {
    use CxMetric::*;
    match metric {
        Nps => nps(tally.hits, tally.detractors, tally.base, min_sample),
        Ces | AvgRating => mean(tally.sum, tally.base, min_sample),
        ReviewCount => count(tally.base, min_sample),
        Csat
        | PositiveReviewShare
        | RepeatPurchaseRate
        | ReturningCustomerRate
        | ChurnRate
        | ReferralRate => percentage(tally.hits, tally.base, min_sample),
    }
}

#[cfg(test)]
mod tests;
