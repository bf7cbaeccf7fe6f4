//! The benchmark's CX data: deterministic orders, reviews and survey
//! answers spread evenly over a span of time, and the two ways a business
//! sends them (a JSON batch, a CSV file).
//!
//! Times strictly increase with the row index, so no customer has two
//! orders at one moment and the hand-written floor queries need no
//! tie-breaking.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use chrono::SecondsFormat;
use serde_json::{Value, json};
use smarter::domain::events::{
    Event, EventKind, Order, Review, SurveyKind, SurveyResponse, from_millis,
};

/// What to generate: `count` events of one kind over `[from, to)`.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub kind: Kind,
    pub count: usize,
    pub from: i64,
    pub to: i64,
    /// Tells apart the ids (and customers' habits) of two specs.
    pub salt: u64,
    /// Customers are numbered from here: two specs over the same numbers
    /// share customers, so one year's customers may return or churn in the next.
    pub first_customer: u64,
}

/// Which events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Orders,
    Reviews,
    Surveys(SurveyKind),
}

impl Kind {
    pub fn event_kind(self) -> EventKind {
        match self {
            Kind::Orders => EventKind::Orders,
            Kind::Reviews => EventKind::Reviews,
            Kind::Surveys(_) => EventKind::Surveys,
        }
    }
}

/// Customers per order: ten orders a customer over a year, on average.
const ORDERS_PER_CUSTOMER: usize = 10;
const CHANNELS: [&str; 3] = ["web", "phone", "booking portal"];
const SOURCES: [&str; 3] = ["google", "facebook", "booking portal"];
const TOUCHPOINTS: [&str; 4] = ["website form", "phone", "Messenger", "visit"];

/// SplitMix64: a fast, well-mixed hash of the row index.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

impl Spec {
    /// The time of row `i`: evenly spaced, strictly increasing.
    fn at(&self, i: usize) -> i64 {
        let span = i128::from(self.to - self.from);
        self.from + (span * i as i128 / self.count as i128) as i64
    }

    /// Row `i` of the spec.
    pub fn event(&self, i: usize) -> Event {
        let h = mix(self.salt.wrapping_mul(0x1_0000_0001) ^ i as u64);
        let pick = |options: &[&str], shift: u32| {
            options[(h >> shift) as usize % options.len()].to_string()
        };
        let customers = (self.count / ORDERS_PER_CUSTOMER).max(1) as u64;
        let customer = format!("c{}", self.first_customer + (h >> 8) % customers);
        let at = self.at(i);
        match self.kind {
            Kind::Orders => Event::Order(Order {
                order_id: format!("o{}-{i}", self.salt),
                customer_id: customer,
                ordered_at: at,
                amount: (h % 40_000) as f64 / 100.0,
                channel: Some(pick(&CHANNELS, 40)),
                referred_by: (h >> 44)
                    .is_multiple_of(8)
                    .then(|| format!("c{}", (h >> 20) % customers)),
            }),
            Kind::Reviews => Event::Review(Review {
                review_id: format!("r{}-{i}", self.salt),
                customer_id: (h >> 50).is_multiple_of(2).then_some(customer),
                // Mostly good, some bad: 1..=5 with more weight on 4 and 5.
                rating: [1, 2, 3, 4, 4, 5, 5, 5][(h % 8) as usize],
                source: pick(&SOURCES, 40),
                reviewed_at: at,
                text: (h >> 52)
                    .is_multiple_of(4)
                    .then(|| "Friendly reception, short wait".to_string()),
            }),
            Kind::Surveys(kind) => {
                let (low, high) = kind.scale();
                let score = low + (h % (high - low + 1) as u64) as i16;
                Event::Survey(SurveyResponse {
                    response_id: format!("s{}-{}-{i}", kind.as_str(), self.salt),
                    customer_id: (h >> 50).is_multiple_of(2).then_some(customer),
                    kind,
                    score,
                    responded_at: at,
                    touchpoint: Some(pick(&TOUCHPOINTS, 40)),
                })
            }
        }
    }

    /// Rows `range` as a JSON array, as `POST /api/v1/events/{kind}` takes it.
    pub fn json_batch(&self, range: std::ops::Range<usize>) -> Vec<u8> {
        let rows: Vec<Value> = range.map(|i| event_json(&self.event(i))).collect();
        serde_json::to_vec(&rows).expect("JSON values serialize")
    }

    /// Every row as a CSV file with a header row, as `smarter import` reads it.
    pub fn write_csv(&self, path: &Path) -> anyhow::Result<()> {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        let columns = self.kind.event_kind().columns();
        writeln!(out, "{}", columns.join(","))?;
        for i in 0..self.count {
            let row = event_json(&self.event(i));
            let cells: Vec<String> = columns.iter().map(|c| csv_cell(&row[*c])).collect();
            writeln!(out, "{}", cells.join(","))?;
        }
        out.flush()?;
        Ok(())
    }
}

fn time(ms: i64) -> String {
    from_millis(ms).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn event_json(event: &Event) -> Value {
    match event {
        Event::Order(o) => json!({
            "order_id": o.order_id, "customer_id": o.customer_id, "ordered_at": time(o.ordered_at),
            "amount": o.amount, "channel": o.channel, "referred_by": o.referred_by,
        }),
        Event::Review(r) => json!({
            "review_id": r.review_id, "customer_id": r.customer_id, "rating": r.rating,
            "source": r.source, "reviewed_at": time(r.reviewed_at), "text": r.text,
        }),
        Event::Survey(s) => json!({
            "response_id": s.response_id, "customer_id": s.customer_id, "kind": s.kind.as_str(),
            "score": s.score, "responded_at": time(s.responded_at), "touchpoint": s.touchpoint,
        }),
    }
}

/// A JSON value as one CSV cell (quoted when it holds a comma).
fn csv_cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: Kind) -> Spec {
        Spec {
            kind,
            count: 1000,
            from: 0,
            to: 86_400_000 * 364,
            salt: 7,
            first_customer: 0,
        }
    }

    #[test]
    fn rows_are_the_same_every_time_and_times_strictly_increase() {
        let orders = spec(Kind::Orders);
        assert_eq!(orders.event(5), orders.event(5));
        let times: Vec<i64> = (0..orders.count).map(|i| orders.at(i)).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        assert!(times[0] >= orders.from && *times.last().unwrap() < orders.to);
    }

    #[test]
    fn scores_stay_in_their_ranges() {
        for kind in [SurveyKind::Nps, SurveyKind::Csat, SurveyKind::Ces] {
            let (low, high) = kind.scale();
            let s = spec(Kind::Surveys(kind));
            let scores: Vec<i16> = (0..s.count)
                .map(|i| match s.event(i) {
                    Event::Survey(r) => r.score,
                    _ => unreachable!(),
                })
                .collect();
            assert!(scores.iter().all(|x| (low..=high).contains(x)));
            assert!(scores.contains(&low) && scores.contains(&high));
        }
    }

    #[test]
    fn csv_cells_with_commas_are_quoted() {
        assert_eq!(csv_cell(&json!("a,b")), "\"a,b\"");
        assert_eq!(csv_cell(&json!(null)), "");
        assert_eq!(csv_cell(&json!(4.5)), "4.5");
    }
}
