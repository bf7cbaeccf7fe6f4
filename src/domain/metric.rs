//! CX metric definitions: the built-in catalog and custom metrics.

use super::text_enum::text_enum;
use super::{FieldErrors, field_errors::check_text};

mod formula;
pub use formula::{CUSTOM_FORMULA, Formula, formula};

text_enum! {
    /// What a metric's number means.
    Unit {
        Percent => "percent",
        Score => "score",
        Count => "count",
        Currency => "currency",
    }
}

text_enum! {
    /// Which way a metric is better.
    Better {
        Higher => "higher",
        Lower => "lower",
    }
}

text_enum! {
    /// The stages of the customer journey.
    JourneyStage {
        Awareness => "awareness",
        Research => "research",
        Purchase => "purchase",
        Retention => "retention",
        Advocacy => "advocacy",
    }
}

/// A metric's definition, built-in or custom.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricDef {
    pub key: String,
    pub name: String,
    pub description: String,
    pub unit: Unit,
    pub better: Better,
    pub journey_stage: Option<JourneyStage>,
    pub touchpoint: Option<String>,
    /// The lowest value the metric can take, when it has one.
    pub min: Option<f64>,
    /// The highest value the metric can take, when it has one.
    pub max: Option<f64>,
    pub builtin: bool,
}

impl MetricDef {
    /// Checks that `value` is finite and inside the metric's range.
    pub fn check_value(&self, value: f64) -> Result<(), String> {
        if !value.is_finite() {
            return Err("must be a finite number".into());
        }
        if let Some(min) = self.min.filter(|min| value < *min) {
            return Err(format!(
                "{value} is below the lowest possible {} ({min})",
                self.name
            ));
        }
        if let Some(max) = self.max.filter(|max| value > *max) {
            return Err(format!(
                "{value} is above the highest possible {} ({max})",
                self.name
            ));
        }
        if self.unit == Unit::Count && value.fract() != 0.0 {
            return Err(format!(
                "{value} is not a whole number, and {} is a count",
                self.name
            ));
        }
        Ok(())
    }
}

struct Builtin {
    key: &'static str,
    name: &'static str,
    description: &'static str,
    unit: Unit,
    better: Better,
    stage: JourneyStage,
    touchpoint: &'static str,
    min: Option<f64>,
    max: Option<f64>,
}

const PCT: (Option<f64>, Option<f64>) = (Some(0.0), Some(100.0));

const BUILTINS: &[Builtin] = &[
    Builtin {
        key: "nps",
        name: "Net Promoter Score",
        description: "% promoters (9-10) minus % detractors (0-6) of \"how likely are you to recommend us?\" answers (0-10).",
        unit: Unit::Score,
        better: Better::Higher,
        stage: JourneyStage::Advocacy,
        touchpoint: "survey",
        min: Some(-100.0),
        max: Some(100.0),
    },
    Builtin {
        key: "csat",
        name: "Customer satisfaction (CSAT)",
        description: "% of satisfaction answers scoring 4 or 5 on a 1-5 scale.",
        unit: Unit::Percent,
        better: Better::Higher,
        stage: JourneyStage::Retention,
        touchpoint: "survey",
        min: PCT.0,
        max: PCT.1,
    },
    Builtin {
        key: "ces",
        name: "Customer effort score (CES)",
        description: "Mean \"it was easy to handle my request\" score, 1-7; higher is easier.",
        unit: Unit::Score,
        better: Better::Higher,
        stage: JourneyStage::Purchase,
        touchpoint: "survey",
        min: Some(1.0),
        max: Some(7.0),
    },
    Builtin {
        key: "avg_rating",
        name: "Average review rating",
        description: "Mean star rating of reviews, 1-5.",
        unit: Unit::Score,
        better: Better::Higher,
        stage: JourneyStage::Advocacy,
        touchpoint: "review portal",
        min: Some(1.0),
        max: Some(5.0),
    },
    Builtin {
        key: "positive_review_share",
        name: "Positive review share",
        description: "% of reviews with 4 or 5 stars.",
        unit: Unit::Percent,
        better: Better::Higher,
        stage: JourneyStage::Advocacy,
        touchpoint: "review portal",
        min: PCT.0,
        max: PCT.1,
    },
    Builtin {
        key: "review_count",
        name: "Review count",
        description: "Reviews received in the period.",
        unit: Unit::Count,
        better: Better::Higher,
        stage: JourneyStage::Advocacy,
        touchpoint: "review portal",
        min: Some(0.0),
        max: None,
    },
    Builtin {
        key: "repeat_purchase_rate",
        name: "Repeat purchase rate",
        description: "% of the period's customers with two or more orders in the period.",
        unit: Unit::Percent,
        better: Better::Higher,
        stage: JourneyStage::Retention,
        touchpoint: "orders",
        min: PCT.0,
        max: PCT.1,
    },
    Builtin {
        key: "returning_customer_rate",
        name: "Returning customer rate",
        description: "% of the period's customers who had ordered before the period.",
        unit: Unit::Percent,
        better: Better::Higher,
        stage: JourneyStage::Retention,
        touchpoint: "orders",
        min: PCT.0,
        max: PCT.1,
    },
    Builtin {
        key: "churn_rate",
        name: "Churn rate",
        description: "% of the previous period's customers who did not order in this period.",
        unit: Unit::Percent,
        better: Better::Lower,
        stage: JourneyStage::Retention,
        touchpoint: "orders",
        min: PCT.0,
        max: PCT.1,
    },
    Builtin {
        key: "referral_rate",
        name: "Referral rate",
        description: "% of new customers whose first order came through a referral.",
        unit: Unit::Percent,
        better: Better::Higher,
        stage: JourneyStage::Advocacy,
        touchpoint: "orders",
        min: PCT.0,
        max: PCT.1,
    },
];

/// The built-in CX metrics, in catalog order.
pub fn builtin_metrics() -> Vec<MetricDef> {
    BUILTINS.iter().map(to_def).collect()
}

/// The built-in metric with this key, if any.
pub fn builtin_metric(key: &str) -> Option<MetricDef> {
    BUILTINS.iter().find(|b| b.key == key).map(to_def)
}

fn to_def(b: &Builtin) -> MetricDef {
    MetricDef {
        key: b.key.into(),
        name: b.name.into(),
        description: b.description.into(),
        unit: b.unit,
        better: b.better,
        journey_stage: Some(b.stage),
        touchpoint: Some(b.touchpoint.into()),
        min: b.min,
        max: b.max,
        builtin: true,
    }
}

/// A custom metric as a manager submits it, before checks.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomMetricInput {
    /// The team that owns the metric.
    pub team_id: i32,
    /// Lower-case letters, digits and `_`, starting with a letter; unique in the team.
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub unit: Unit,
    pub better: Better,
    #[serde(default)]
    pub journey_stage: Option<JourneyStage>,
    /// Where customers meet it: "website form", "phone", "Messenger", "review portal"…
    #[serde(default)]
    pub touchpoint: Option<String>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

impl MetricDef {
    /// Checks a custom metric. Percent metrics get the range 0-100 unless given.
    pub fn parse_custom(input: CustomMetricInput) -> Result<MetricDef, FieldErrors> {
        let mut errors = FieldErrors::new();
        let key = input.key.trim().to_string();
        let key_ok = key.len() >= 2
            && key.len() <= 63
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            errors.push(
                "/key",
                "must be 2-63 lower-case letters, digits or _, starting with a letter",
            );
        } else if builtin_metric(&key).is_some() {
            errors.push(
                "/key",
                format!("\"{key}\" is a built-in metric; choose another key"),
            );
        }
        let name = check_text(&mut errors, "/name", Some(input.name), 100);
        if name.is_empty() {
            errors.push("/name", "must not be empty");
        }
        let description = check_text(&mut errors, "/description", input.description, 2000);
        let touchpoint = check_text(&mut errors, "/touchpoint", input.touchpoint, 100);
        let (mut min, mut max) = (input.min, input.max);
        if input.unit == Unit::Percent {
            min = min.or(Some(0.0));
            max = max.or(Some(100.0));
        }
        for (pointer, value) in [("/min", min), ("/max", max)] {
            if value.is_some_and(|v| !v.is_finite()) {
                errors.push(pointer, "must be a finite number");
            }
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo >= hi
        {
            errors.push("/max", format!("must be greater than min ({lo})"));
        }
        errors.finish(MetricDef {
            key,
            name,
            description,
            unit: input.unit,
            better: input.better,
            journey_stage: input.journey_stage,
            touchpoint: (!touchpoint.is_empty()).then_some(touchpoint),
            min,
            max,
            builtin: false,
        })
    }
}

#[cfg(test)]
mod tests;
