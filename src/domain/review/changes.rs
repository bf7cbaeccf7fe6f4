//! What a revision records: the fields a decision changed, before and after.

use serde_json::{Map, Value};

use crate::domain::goal::GoalInput;

/// The changed fields only, as JSON objects keyed by field name
/// (`status`, `metric`, `direction`, `baseline`, `target`, `milestones`,
/// `deadline`, `cadence`, `cron`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    pub old: Map<String, Value>,
    pub new: Map<String, Value>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.new.is_empty()
    }
}

/// The fields a revision tracks, read from a goal's input.
fn tracked(goal: &GoalInput) -> [(&'static str, Value); 9] {
    let m = &goal.measurable;
    let json = |v: serde_json::Result<Value>| v.unwrap_or(Value::Null);
    [
        ("status", json(serde_json::to_value(goal.status))),
        ("metric", json(serde_json::to_value(&m.metric))),
        ("direction", json(serde_json::to_value(m.direction))),
        ("baseline", json(serde_json::to_value(m.baseline))),
        ("target", json(serde_json::to_value(m.target))),
        ("milestones", json(serde_json::to_value(&m.milestones))),
        (
            "deadline",
            json(serde_json::to_value(&goal.time_bound.deadline)),
        ),
        ("cadence", json(serde_json::to_value(goal.review.cadence))),
        ("cron", json(serde_json::to_value(&goal.review.cron))),
    ]
}

/// The tracked fields that differ between two goals. Compare inputs made by
/// `GoalSpec::to_input`, so that equal goals have equal inputs.
pub fn changes(old: &GoalInput, new: &GoalInput) -> Changes {
    let mut out = Changes::default();
    for ((name, before), (_, after)) in tracked(old).into_iter().zip(tracked(new)) {
        if before != after {
            out.old.insert(name.into(), before);
            out.new.insert(name.into(), after);
        }
    }
    out
}

/// A field's value before any revision: the old value in the oldest
/// revision that changed it, or `current` when none did.
pub fn original_value<'a>(
    oldest_first: impl IntoIterator<Item = &'a Map<String, Value>>,
    field: &str,
    current: Value,
) -> Value {
    oldest_first
        .into_iter()
        .find_map(|old| old.get(field).cloned())
        .unwrap_or(current)
}
