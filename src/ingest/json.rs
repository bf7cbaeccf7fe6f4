//! JSON arrays and NDJSON streams of events.

use serde_json::Value;

use super::Ingestion;
use crate::domain::events::{EventKind, RawValue, RowError, parse_event};
use crate::error::{AppError, AppResult};

/// The most items one JSON batch may hold.
pub const MAX_BATCH: usize = 10_000;

/// Feeds a JSON array (rows numbered by index from 0) or, when `ndjson`, one
/// object per line (rows numbered by line from 1) into the ingestion.
pub async fn feed(ingestion: &mut Ingestion, body: &[u8], ndjson: bool) -> AppResult<()> {
    let kind = ingestion.kind();
    if ndjson {
        let text = std::str::from_utf8(body)
            .map_err(|e| bad_body(format!("the body is not UTF-8: {e}")))?;
        let lines: Vec<(u64, &str)> = text
            .lines()
            .enumerate()
            .map(|(i, line)| (i as u64 + 1, line.trim()))
            .filter(|(_, line)| !line.is_empty())
            .collect();
        check_size(lines.len())?;
        for (line_no, line) in lines {
            let parsed = match serde_json::from_str::<Value>(line) {
                Ok(value) => item(kind, line_no, value),
                Err(e) => Err(vec![RowError {
                    row: line_no,
                    column: None,
                    message: format!("not valid JSON: {e}"),
                }]),
            };
            ingestion.push(line_no, parsed).await?;
        }
        return Ok(());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| bad_body(format!("the body is not valid JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(AppError::field(
            "",
            "the body must be a JSON array of events (or NDJSON, one event per line)",
        ));
    };
    check_size(items.len())?;
    for (index, value) in items.into_iter().enumerate() {
        ingestion
            .push(index as u64, item(kind, index as u64, value))
            .await?;
    }
    Ok(())
}

fn check_size(len: usize) -> AppResult<()> {
    if len > MAX_BATCH {
        return Err(AppError::PayloadTooLarge(format!(
            "{len} events in one batch; at most {MAX_BATCH} are accepted, so split the batch"
        )));
    }
    Ok(())
}

fn bad_body(detail: String) -> AppError {
    AppError::BadRequest {
        errors: crate::domain::FieldErrors::single("", detail.clone()),
        detail,
    }
}

/// One JSON object as an event; unknown keys and non-scalar values are row errors.
fn item(
    kind: EventKind,
    row: u64,
    value: Value,
) -> Result<crate::domain::events::Event, Vec<RowError>> {
    let Value::Object(map) = value else {
        return Err(vec![RowError {
            row,
            column: None,
            message: "must be a JSON object".into(),
        }]);
    };
    let mut errors = Vec::new();
    for (key, value) in &map {
        if !kind.columns().contains(&key.as_str()) {
            errors.push(RowError {
                row,
                column: Some(key.clone()),
                message: format!(
                    "is not a field of {kind}; expected {}",
                    kind.columns().join(", ")
                ),
            });
        } else if matches!(value, Value::Bool(_) | Value::Array(_) | Value::Object(_)) {
            errors.push(RowError {
                row,
                column: Some(key.clone()),
                message: "must be text or a number".into(),
            });
        }
    }
    let parsed = parse_event(kind, row, |column| match map.get(column) {
        Some(Value::String(s)) => Some(RawValue::Text(s.clone())),
        Some(Value::Number(n)) => n.as_f64().map(RawValue::Number),
        _ => None,
    });
    match parsed {
        Ok(event) if errors.is_empty() => Ok(event),
        Ok(_) => Err(errors),
        Err(more) => {
            let fresh: Vec<RowError> = more
                .into_iter()
                .filter(|e| !errors.iter().any(|x| x.column == e.column))
                .collect();
            errors.extend(fresh);
            Err(errors)
        }
    }
}
