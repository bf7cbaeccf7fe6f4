//! CSV files, read as a stream: a file of any size is never held in memory.

use std::collections::HashMap;

use csv_async::{AsyncReaderBuilder, ByteRecord, Terminator};
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
    // Records end at LF only: with the default (CR, LF or CRLF) the reader
    // counts a CRLF's LF with the next record, so every line number after the
    // header would be one short. The CR left at the end of a line is dropped
    // below.
    let mut csv = AsyncReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(Terminator::Any(b'\n'))
        .create_reader(reader);
    let mut record = ByteRecord::new();
    let header = match csv.read_byte_record(&mut record).await {
        Ok(true) => read_header(kind, &record),
        Ok(false) => Err(vec![empty_file(kind)]),
        Err(e) => return Err(read_error(e)),
    };
    let header = match header {
        Ok(header) => header,
        Err(errors) => {
            // Reported like bad rows, so the failed import is listed too.
            ingestion.reject(errors);
            return Ok(());
        }
    };
    let width = header.len();
    loop {
        match csv.read_byte_record(&mut record).await {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(read_error(e)),
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() == 1 && matches!(record.get(0), Some(b"" | b"\r")) {
            continue; // a blank line
        }
        let parsed = row(kind, line, &header, width, &record);
        ingestion.push(line, parsed).await?;
    }
    Ok(())
}

/// A field without the CR of a CRLF line end.
fn field(record: &ByteRecord, i: usize) -> &[u8] {
    let bytes = record.get(i).unwrap_or_default();
    if i + 1 == record.len() {
        bytes.strip_suffix(b"\r").unwrap_or(bytes)
    } else {
        bytes
    }
}

fn empty_file(kind: EventKind) -> RowError {
    RowError {
        row: 1,
        column: None,
        message: format!(
            "the file is empty; it needs a header row such as: {}",
            kind.columns().join(",")
        ),
    }
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

/// Column positions by name, checked against the kind's columns. Problems
/// are errors of line 1, each naming its column.
fn read_header(
    kind: EventKind,
    record: &ByteRecord,
) -> Result<HashMap<&'static str, usize>, Vec<RowError>> {
    let mut positions = HashMap::new();
    let mut errors = Vec::new();
    let mut fail = |column: &str, message: String| {
        errors.push(RowError {
            row: 1,
            column: Some(column.to_string()),
            message,
        })
    };
    for i in 0..record.len() {
        let raw = field(record, i);
        if raw.contains(&b'\r') {
            return Err(vec![RowError {
                row: 1,
                column: None,
                message: "the lines end in CR alone (the old Mac format); save the file with LF or CRLF line ends".into(),
            }]);
        }
        let raw = if i == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
        match kind.columns().iter().find(|c| **c == name) {
            Some(column) if positions.contains_key(column) => {
                fail(&name, "appears twice in the header".into())
            }
            Some(column) => {
                positions.insert(*column, i);
            }
            None => fail(
                &name,
                format!(
                    "column {} of the header is not a column of {kind}; expected {}",
                    i + 1,
                    kind.columns().join(", ")
                ),
            ),
        }
    }
    for missing in kind
        .required()
        .iter()
        .filter(|c| !positions.contains_key(*c))
    {
        fail(
            missing,
            format!(
                "is missing from the header; {kind} need the columns {}",
                kind.required().join(", ")
            ),
        );
    }
    if errors.is_empty() {
        Ok(positions)
    } else {
        Err(errors)
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
        let bytes = field(record, i);
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
