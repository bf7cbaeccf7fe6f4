//! Evaluate/Readjust settings: how often a goal is reviewed, where and by whom.

use std::str::FromStr;

use chrono::NaiveTime;
use chrono_tz::Tz;
use croner::Cron;

use super::account::parse_email;
use super::text_enum::text_enum;
use super::{FieldErrors, field_errors::pointer_segment};

text_enum! {
    /// How often a goal is evaluated.
    CadenceKind {
        Weekly => "weekly",
        Biweekly => "biweekly",
        Monthly => "monthly",
        Quarterly => "quarterly",
        /// A cron expression given in `review.cron`.
        Cron => "cron",
    }
}

/// The review rhythm, with a parsed cron expression when the kind is `cron`.
#[derive(Clone, Debug)]
pub enum Cadence {
    Weekly,
    Biweekly,
    Monthly,
    Quarterly,
    /// The expression as the manager wrote it, and its parsed form.
    Cron(String, Box<Cron>),
}

impl Cadence {
    pub fn kind(&self) -> CadenceKind {
        match self {
            Cadence::Weekly => CadenceKind::Weekly,
            Cadence::Biweekly => CadenceKind::Biweekly,
            Cadence::Monthly => CadenceKind::Monthly,
            Cadence::Quarterly => CadenceKind::Quarterly,
            Cadence::Cron(..) => CadenceKind::Cron,
        }
    }

    /// The cron expression as written, for `cron` cadences.
    pub fn cron_expression(&self) -> Option<&str> {
        match self {
            Cadence::Cron(expr, _) => Some(expr.as_str()),
            _ => None,
        }
    }
}

impl PartialEq for Cadence {
    fn eq(&self, other: &Self) -> bool {
        self.kind() == other.kind() && self.cron_expression() == other.cron_expression()
    }
}

/// Parses a cron expression (5 or 6 fields, as `croner` reads them).
pub fn parse_cron(expr: &str) -> Result<Cron, String> {
    let expr = expr.trim();
    if expr.is_empty() {
        return Err("is empty; give a cron expression such as \"0 9 * * MON\"".into());
    }
    Cron::from_str(expr).map_err(|e| format!("\"{expr}\" is not a valid cron expression: {e}"))
}

/// Parses an IANA time zone name.
pub fn parse_timezone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!(
            "unknown time zone \"{name}\"; use an IANA name such as \"Europe/Warsaw\" or \"UTC\""
        )
    })
}

/// Review settings, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewSettings {
    pub cadence: Cadence,
    pub timezone: Tz,
    /// Local time of day at which reviews are due.
    pub time_of_day: NaiveTime,
    /// Extra people who receive the review besides the owner.
    pub reviewers: Vec<String>,
}

/// The most reviewers one goal may have.
pub const MAX_REVIEWERS: usize = 20;

impl ReviewSettings {
    /// Checks raw settings; defaults are monthly, UTC, 09:00, no extra reviewers.
    pub fn parse(
        kind: Option<CadenceKind>,
        cron: Option<&str>,
        timezone: Option<&str>,
        time_of_day: Option<&str>,
        reviewers: &[String],
        errors: &mut FieldErrors,
    ) -> ReviewSettings {
        let cron = cron.map(str::trim).filter(|c| !c.is_empty());
        let cadence = match (kind.unwrap_or(CadenceKind::Monthly), cron) {
            (CadenceKind::Cron, Some(expr)) => match parse_cron(expr) {
                Ok(cron) => Cadence::Cron(expr.to_string(), Box::new(cron)),
                Err(message) => {
                    errors.push("/review/cron", message);
                    Cadence::Monthly
                }
            },
            (CadenceKind::Cron, None) => {
                errors.push("/review/cron", "is required when the cadence is \"cron\"");
                Cadence::Monthly
            }
            (other, Some(_)) => {
                errors.push(
                    "/review/cron",
                    format!("is only used with cadence \"cron\", but the cadence is \"{other}\""),
                );
                Cadence::Monthly
            }
            (CadenceKind::Weekly, None) => Cadence::Weekly,
            (CadenceKind::Biweekly, None) => Cadence::Biweekly,
            (CadenceKind::Monthly, None) => Cadence::Monthly,
            (CadenceKind::Quarterly, None) => Cadence::Quarterly,
        };
        let timezone = parse_timezone(timezone.unwrap_or("UTC")).unwrap_or_else(|message| {
            errors.push("/review/timezone", message);
            Tz::UTC
        });
        let time_of_day =
            parse_time_of_day(time_of_day.unwrap_or("09:00")).unwrap_or_else(|message| {
                errors.push("/review/time_of_day", message);
                NaiveTime::MIN
            });
        ReviewSettings {
            cadence,
            timezone,
            time_of_day,
            reviewers: parse_reviewers(reviewers, errors),
        }
    }
}

fn parse_time_of_day(raw: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| format!("\"{raw}\" is not a time of day; use HH:MM, e.g. \"09:00\""))
}

fn parse_reviewers(raw: &[String], errors: &mut FieldErrors) -> Vec<String> {
    if raw.len() > MAX_REVIEWERS {
        errors.push(
            "/review/reviewers",
            format!("at most {MAX_REVIEWERS} reviewers"),
        );
    }
    let mut reviewers = Vec::new();
    for (i, email) in raw.iter().enumerate() {
        match parse_email(email) {
            Ok(email) if !reviewers.contains(&email) => reviewers.push(email),
            Ok(_) => {}
            Err(message) => errors.push(
                format!("/review/reviewers/{}", pointer_segment(&i.to_string())),
                message,
            ),
        }
    }
    reviewers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        kind: Option<CadenceKind>,
        cron: Option<&str>,
        tz: Option<&str>,
    ) -> (ReviewSettings, FieldErrors) {
        let mut errors = FieldErrors::new();
        let settings = ReviewSettings::parse(kind, cron, tz, None, &[], &mut errors);
        (settings, errors)
    }

    #[test]
    fn defaults_are_monthly_utc_at_nine() {
        let (settings, errors) = parse(None, None, None);
        assert!(errors.is_empty());
        assert_eq!(settings.cadence, Cadence::Monthly);
        assert_eq!(settings.timezone, Tz::UTC);
        assert_eq!(
            settings.time_of_day,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap()
        );
    }

    #[test]
    fn cron_cadence_needs_a_valid_expression() {
        let (settings, errors) = parse(Some(CadenceKind::Cron), Some("0 9 * * MON"), None);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(settings.cadence.cron_expression(), Some("0 9 * * MON"));
        let (_, errors) = parse(Some(CadenceKind::Cron), Some("every tuesday"), None);
        assert_eq!(errors.0[0].pointer, "/review/cron");
        let (_, errors) = parse(Some(CadenceKind::Cron), None, None);
        assert!(errors.0[0].message.contains("required"));
        let (_, errors) = parse(Some(CadenceKind::Weekly), Some("0 9 * * MON"), None);
        assert!(errors.0[0].message.contains("only used"));
    }

    #[test]
    fn unknown_time_zones_are_named() {
        let (_, errors) = parse(None, None, Some("Mars/Olympus"));
        assert_eq!(errors.0[0].pointer, "/review/timezone");
        assert!(errors.0[0].message.contains("Mars/Olympus"));
        let (settings, errors) = parse(None, None, Some("Europe/Warsaw"));
        assert!(errors.is_empty());
        assert_eq!(settings.timezone, chrono_tz::Europe::Warsaw);
    }

    #[test]
    fn reviewers_are_checked_one_by_one_and_deduplicated() {
        let mut errors = FieldErrors::new();
        let raw = ["a@x.com".to_string(), "A@X.com".into(), "nope".into()];
        let settings = ReviewSettings::parse(None, None, None, Some("25:00"), &raw, &mut errors);
        assert_eq!(settings.reviewers, ["a@x.com"]);
        let pointers: Vec<_> = errors.0.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/review/time_of_day", "/review/reviewers/2"]);
    }
}
