//! Raw CX events as a business sends them (orders, reviews, survey
//! responses), and the rules every ingestion path applies to them.

use chrono::{DateTime, NaiveDate, Utc};

use super::text_enum::text_enum;

text_enum! {
    /// The three kinds of raw CX data.
    EventKind {
        Orders => "orders",
        Reviews => "reviews",
        Surveys => "surveys",
    }
}

text_enum! {
    /// Which survey question a response answers.
    SurveyKind {
        /// "How likely are you to recommend us?" 0-10.
        Nps => "nps",
        /// "How satisfied were you?" 1-5.
        Csat => "csat",
        /// "It was easy to handle my request." 1-7.
        Ces => "ces",
    }
}

impl SurveyKind {
    /// The lowest and highest score of the scale.
    pub fn scale(self) -> (i16, i16) {
        match self {
            SurveyKind::Nps => (0, 10),
            SurveyKind::Csat => (1, 5),
            SurveyKind::Ces => (1, 7),
        }
    }
}

impl EventKind {
    /// The columns of this kind, required ones first, in CSV header order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            EventKind::Orders => &[
                "order_id",
                "customer_id",
                "ordered_at",
                "amount",
                "channel",
                "referred_by",
            ],
            EventKind::Reviews => &[
                "review_id",
                "customer_id",
                "rating",
                "source",
                "reviewed_at",
                "text",
            ],
            EventKind::Surveys => &[
                "response_id",
                "customer_id",
                "kind",
                "score",
                "responded_at",
                "touchpoint",
            ],
        }
    }

    /// The columns a row must have.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            EventKind::Orders => &["order_id", "customer_id", "ordered_at", "amount"],
            EventKind::Reviews => &["review_id", "rating", "source", "reviewed_at"],
            EventKind::Surveys => &["response_id", "kind", "score", "responded_at"],
        }
    }
}

/// One order.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub order_id: String,
    pub customer_id: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub ordered_at: i64,
    pub amount: f64,
    pub channel: Option<String>,
    /// The referring customer's id; meaningful on a customer's first order.
    pub referred_by: Option<String>,
}

/// One review.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    pub review_id: String,
    pub customer_id: Option<String>,
    pub rating: i16,
    pub source: String,
    pub reviewed_at: i64,
    pub text: Option<String>,
}

/// One survey answer.
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyResponse {
    pub response_id: String,
    pub customer_id: Option<String>,
    pub kind: SurveyKind,
    pub score: i16,
    pub responded_at: i64,
    pub touchpoint: Option<String>,
}

/// A checked event of any kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Order(Order),
    Review(Review),
    Survey(SurveyResponse),
}

impl Event {
    /// The caller-supplied id that makes resending the same data a no-op.
    pub fn id(&self) -> &str {
        match self {
            Event::Order(o) => &o.order_id,
            Event::Review(r) => &r.review_id,
            Event::Survey(s) => &s.response_id,
        }
    }
}

/// A field value as it arrived: text (CSV, JSON strings) or a JSON number.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    Text(String),
    Number(f64),
}

/// One problem in one row of a batch.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RowError {
    /// Array index (JSON, from 0) or line number (CSV, from 1, the header is line 1).
    pub row: u64,
    /// The column, when the problem is about one.
    pub column: Option<String>,
    pub message: String,
}

/// The longest id, source, channel or touchpoint accepted.
pub const MAX_SHORT_TEXT: usize = 200;
/// The longest review text accepted.
pub const MAX_LONG_TEXT: usize = 20_000;
/// The largest order amount accepted.
pub const MAX_AMOUNT: f64 = 1e12;

/// Reads one row: `get(column)` returns the raw value, `None` when absent or empty.
pub fn parse_event(
    kind: EventKind,
    row: u64,
    get: impl Fn(&str) -> Option<RawValue>,
) -> Result<Event, Vec<RowError>> {
    let mut p = RowParser {
        row,
        errors: Vec::new(),
        get,
    };
    let event = match kind {
        EventKind::Orders => Event::Order(Order {
            order_id: p.id("order_id"),
            customer_id: p.id("customer_id"),
            ordered_at: p.time("ordered_at"),
            amount: p.amount("amount"),
            channel: p.opt_text("channel", MAX_SHORT_TEXT),
            referred_by: p.opt_text("referred_by", MAX_SHORT_TEXT),
        }),
        EventKind::Reviews => Event::Review(Review {
            review_id: p.id("review_id"),
            customer_id: p.opt_text("customer_id", MAX_SHORT_TEXT),
            rating: p.score("rating", (1, 5)),
            source: p.required_text("source"),
            reviewed_at: p.time("reviewed_at"),
            text: p.opt_text("text", MAX_LONG_TEXT),
        }),
        EventKind::Surveys => {
            let survey_kind = p.survey_kind("kind");
            Event::Survey(SurveyResponse {
                response_id: p.id("response_id"),
                customer_id: p.opt_text("customer_id", MAX_SHORT_TEXT),
                score: survey_kind
                    .map(|k| p.score("score", k.scale()))
                    .unwrap_or_default(),
                kind: survey_kind.unwrap_or(SurveyKind::Nps),
                responded_at: p.time("responded_at"),
                touchpoint: p.opt_text("touchpoint", MAX_SHORT_TEXT),
            })
        }
    };
    if p.errors.is_empty() {
        Ok(event)
    } else {
        Err(p.errors)
    }
}

struct RowParser<F> {
    row: u64,
    errors: Vec<RowError>,
    get: F,
}

impl<F: Fn(&str) -> Option<RawValue>> RowParser<F> {
    fn fail(&mut self, column: &str, message: impl Into<String>) {
        self.errors.push(RowError {
            row: self.row,
            column: Some(column.into()),
            message: message.into(),
        });
    }

    fn text_of(&mut self, column: &str) -> Option<String> {
        match (self.get)(column) {
            Some(RawValue::Text(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Some(RawValue::Number(n)) => Some(n.to_string()),
            None => None,
        }
    }

    fn checked(&mut self, column: &str, value: String, max: usize) -> String {
        if value.chars().count() > max {
            self.fail(column, format!("is longer than {max} characters"));
        } else if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.fail(column, "contains control characters");
        }
        value
    }

    fn id(&mut self, column: &str) -> String {
        match self.text_of(column) {
            Some(v) => self.checked(column, v, MAX_SHORT_TEXT),
            None => {
                self.fail(column, "is missing: every row needs an id");
                String::new()
            }
        }
    }

    fn required_text(&mut self, column: &str) -> String {
        match self.text_of(column) {
            Some(v) => self.checked(column, v, MAX_SHORT_TEXT),
            None => {
                self.fail(column, "is missing");
                String::new()
            }
        }
    }

    fn opt_text(&mut self, column: &str, max: usize) -> Option<String> {
        self.text_of(column).map(|v| self.checked(column, v, max))
    }

    fn number(&mut self, column: &str) -> Option<f64> {
        match (self.get)(column) {
            Some(RawValue::Number(n)) => Some(n),
            Some(RawValue::Text(s)) if s.trim().is_empty() => None,
            Some(RawValue::Text(s)) => match s.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    self.fail(column, format!("\"{s}\" is not a number"));
                    Some(f64::NAN)
                }
            },
            None => None,
        }
    }

    fn amount(&mut self, column: &str) -> f64 {
        match self.number(column) {
            Some(n) if n.is_nan() => 0.0,
            Some(n) if n < 0.0 => {
                self.fail(column, format!("{n} is negative; refunds are not orders"));
                0.0
            }
            Some(n) if n > MAX_AMOUNT => {
                self.fail(column, format!("{n} is larger than {MAX_AMOUNT}"));
                0.0
            }
            Some(n) => n,
            None => {
                self.fail(column, "is missing");
                0.0
            }
        }
    }

    fn score(&mut self, column: &str, (lo, hi): (i16, i16)) -> i16 {
        match self.number(column) {
            Some(n) if n.is_nan() => 0,
            Some(n) if n.fract() != 0.0 || n < f64::from(lo) || n > f64::from(hi) => {
                self.fail(
                    column,
                    format!("{n} is not a whole number from {lo} to {hi}"),
                );
                0
            }
            Some(n) => n as i16,
            None => {
                self.fail(column, "is missing");
                0
            }
        }
    }

    fn survey_kind(&mut self, column: &str) -> Option<SurveyKind> {
        match self.text_of(column) {
            Some(v) => match v.to_ascii_lowercase().parse() {
                Ok(kind) => Some(kind),
                Err(message) => {
                    self.fail(column, message);
                    None
                }
            },
            None => {
                self.fail(
                    column,
                    format!("is missing; expected one of {}", SurveyKind::expected()),
                );
                None
            }
        }
    }

    fn time(&mut self, column: &str) -> i64 {
        match self.text_of(column) {
            Some(v) => parse_timestamp(&v).unwrap_or_else(|message| {
                self.fail(column, message);
                0
            }),
            None => {
                self.fail(column, "is missing");
                0
            }
        }
    }
}

/// Reads an RFC 3339 timestamp with offset, or a plain date (00:00 UTC),
/// as milliseconds since the Unix epoch.
pub fn parse_timestamp(raw: &str) -> Result<i64, String> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc).timestamp_millis());
    }
    if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Ok(d
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
            .timestamp_millis());
    }
    if chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f").is_ok() {
        return Err(format!(
            "\"{raw}\" has no UTC offset; add Z or +01:00, or give a plain date"
        ));
    }
    Err(format!(
        "\"{raw}\" is not a timestamp; use RFC 3339 (2026-05-04T10:30:00Z) or a date (2026-05-04)"
    ))
}

/// Milliseconds since the epoch as a UTC time.
pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
