//! CSV files, read as a stream: a file of any size is never held in memory.

use std::collections::HashMap;

use csv_async::{AsyncReaderBuilder, ByteRecord};
use tokio::io::AsyncRead;

use super::Ingestion;
use crate::domain::events::{EventKind, RawValue, RowError, parse_event};
use crate::error::{AppError, AppResult};

/// Reads a CSV with a header row (column names of the kind, in any order)
/// into the ingestion. Rows are numbered by the line they start on.
pub async fn feed<R: AsyncRead + Unpin + Send>(
    ingestion: &mut Ingestion,
    reader: R,
) -> AppResult<()> {
    let kind = ingestion.kind();
    let mut csv = AsyncReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .create_reader(reader);
    let mut record = ByteRecord::new();
    let header = match csv.read_byte_record(&mut record).await {
        Ok(true) => read_header(kind, &record)?,
        Ok(false) => return Err(empty_file(kind)),
        Err(e) => return Err(read_error(e)),
    };
    let width = header.len();
    loop {
        match csv.read_byte_record(&mut record).await {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(read_error(e)),
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
            continue; // a blank line
        }
        let parsed = row(kind, line, &header, width, &record);
        ingestion.push(line, parsed).await?;
    }
    Ok(())
}

fn empty_file(kind: EventKind) -> AppError {
    AppError::field(
        "",
        format!(
            "the file is empty; it needs a header row such as: {}",
            kind.columns().join(",")
        ),
    )
}

fn read_error(e: csv_async::Error) -> AppError {
    match e.kind() {
        csv_async::ErrorKind::Io(io)
            if io.kind() == std::io::ErrorKind::Other
                && io.to_string().contains("length limit") =>
        {
            AppError::PayloadTooLarge(
                "the file is larger than this server accepts for imports".into(),
            )
        }
        _ => AppError::field("", format!("the file cannot be read as CSV: {e}")),
    }
}

/// Column positions by name, checked against the kind's columns.
fn read_header(kind: EventKind, record: &ByteRecord) -> AppResult<HashMap<&'static str, usize>> {
    let mut positions = HashMap::new();
    let mut errors = Vec::new();
    for (i, raw) in record.iter().enumerate() {
        let raw = if i == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
        match kind.columns().iter().find(|c| **c == name) {
            Some(column) if positions.contains_key(column) => {
                errors.push(format!("column \"{name}\" appears twice in the header"))
            }
            Some(column) => {
                positions.insert(*column, i);
            }
            None => errors.push(format!(
                "column {} of the header, \"{name}\", is not a column of {kind}; expected {}",
                i + 1,
                kind.columns().join(", ")
            )),
        }
    }
    let missing: Vec<_> = kind
        .required()
        .iter()
        .filter(|c| !positions.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        errors.push(format!(
            "the header lacks the required column(s) {}",
            missing
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if errors.is_empty() {
        Ok(positions)
    } else {
        let rows = errors
            .into_iter()
            .map(|message| RowError {
                row: 1,
                column: None,
                message,
            })
            .collect::<Vec<_>>();
        Err(AppError::Rows {
            detail: "the header row is wrong; nothing was stored".into(),
            total: rows.len() as u64,
            rows,
        })
    }
}

fn row(
    kind: EventKind,
    line: u64,
    header: &HashMap<&'static str, usize>,
    width: usize,
    record: &ByteRecord,
) -> Result<crate::domain::events::Event, Vec<RowError>> {
    if record.len() != width {
        return Err(vec![RowError {
            row: line,
            column: None,
            message: format!("has {} fields, but the header has {width}", record.len()),
        }]);
    }
    let mut errors = Vec::new();
    let mut fields: HashMap<&str, String> = HashMap::with_capacity(width);
    for (name, &i) in header {
        let bytes = record.get(i).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(text) if !text.is_empty() => {
                fields.insert(name, text.to_string());
            }
            Ok(_) => {}
            Err(e) => errors.push(RowError {
                row: line,
                column: Some(name.to_string()),
                message: format!(
                    "is not valid UTF-8 (byte {} of the field); save the file as UTF-8",
                    e.valid_up_to() + 1
                ),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    parse_event(kind, line, |column| {
        fields.get(column).map(|s| RawValue::Text(s.clone()))
    })
}
