//! Pure types and rules: SMART check, progress math, metric catalog, review
//! settings. Nothing here touches HTTP or the database.

pub mod account;
pub mod achievability;
pub mod cadence;
pub mod cx_formulas;
pub mod evaluation;
pub mod events;
pub mod field_errors;
pub mod goal;
pub mod metric;
pub mod progress;
pub mod review;
pub mod schedule;
pub mod smart;
mod text_enum;

pub use field_errors::{FieldError, FieldErrors};
