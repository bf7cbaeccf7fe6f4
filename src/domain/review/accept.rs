//! Accepting an evaluation's readjust suggestion in one click.
//!
//! A suggestion offers two alternatives, not one change: the target the
//! trend reaches by the current deadline, or the day the trend reaches the
//! current target. Taking both would set a target the trend beats long
//! before the new deadline, so one of them is taken: the target by default.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

use super::ReadjustInput;
use crate::domain::FieldErrors;
use crate::domain::evaluation::ReadjustSuggestion;

/// Which part of the suggestion a readjustment takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AcceptSuggestion {
    /// None: the readjustment says what changes.
    #[default]
    No,
    /// The target the trend reaches by the deadline.
    Target,
    /// The day the trend reaches the current target.
    Deadline,
}

impl<'de> serde::Deserialize<'de> for AcceptSuggestion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Accept;

        impl Visitor<'_> for Accept {
            type Value = AcceptSuggestion;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("true, false, \"target\" or \"deadline\"")
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AcceptSuggestion, E> {
                Ok(if v {
                    AcceptSuggestion::Target
                } else {
                    AcceptSuggestion::No
                })
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<AcceptSuggestion, E> {
                match v {
                    "target" => Ok(AcceptSuggestion::Target),
                    "deadline" => Ok(AcceptSuggestion::Deadline),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }

            fn visit_unit<E: de::Error>(self) -> Result<AcceptSuggestion, E> {
                Ok(AcceptSuggestion::No)
            }
        }

        deserializer.deserialize_any(Accept)
    }
}

/// The target and deadline the readjustment sets, the suggestion's part
/// included; `None` leaves the goal's own.
pub(super) fn apply(
    r: &ReadjustInput,
    suggestion: Option<&ReadjustSuggestion>,
    errors: &mut FieldErrors,
) -> (Option<f64>, Option<String>) {
    const AT: &str = "/readjust/accept_suggestion";
    let (mut target, mut deadline) = (r.target, r.deadline.clone());
    if r.accept_suggestion == AcceptSuggestion::No {
        return (target, deadline);
    }
    let Some(s) = suggestion else {
        errors.push(
            AT,
            "this review's evaluation made no suggestion (the trend reaches the target, or there is no trend); give the changes yourself",
        );
        return (target, deadline);
    };
    match r.accept_suggestion {
        AcceptSuggestion::Target if target.is_some() => errors.push(
            "/readjust/target",
            "give a target or accept the suggested one, not both",
        ),
        AcceptSuggestion::Target => target = Some(s.target),
        AcceptSuggestion::Deadline if deadline.is_some() => errors.push(
            "/readjust/deadline",
            "give a deadline or accept the suggested one, not both",
        ),
        AcceptSuggestion::Deadline => match s.deadline {
            Some(day) => deadline = Some(day.to_string()),
            None => errors.push(
                AT,
                "the suggestion has no deadline: the trend moves away from the target; accept the suggested target or change the plan",
            ),
        },
        AcceptSuggestion::No => {}
    }
    (target, deadline)
}
