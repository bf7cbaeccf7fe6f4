//! What the review pages show, for both the emailed link and a signed-in
//! manager: the email's facts, the suggestion's one-click buttons, the
//! answer form with a message beside each wrong field, and after the
//! answer, what changed. The templates (`review/*.html`) escape every text.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::form::ReviewForm;
use crate::domain::FieldErrors;
use crate::domain::cadence::CadenceKind;
use crate::domain::evaluation::ReadjustSuggestion;
use crate::domain::review::{Changes, Decision};
use crate::entities::review_answer;
use crate::web::chart::format_number;
use crate::web::messages::FormMessages;

/// The review page's content.
pub struct ReviewView {
    pub goal_title: String,
    pub metric_name: String,
    /// The email's fact lines, as (label, value).
    pub facts: Vec<(&'static str, String)>,
    /// 0 to 100.
    pub progress: String,
    pub expires_at: String,
    /// One button per part of the evaluation's suggestion.
    pub one_clicks: Vec<OneClick>,
    pub form: ReviewForm,
    /// Messages beside the fields, by field name.
    pub messages: FormMessages,
    /// Every message, as (field words, message), above the form.
    pub summary: Vec<(&'static str, String)>,
    /// The session's CSRF token when a signed-in manager answers; the
    /// emailed link's token in the URL is its own proof.
    pub csrf: Option<String>,
    /// Whether the form is shown (a viewer sees the facts only).
    pub can_answer: bool,
}

/// A button that accepts one part of the suggestion: it sends a complete
/// answer (readjust, the part, a reason) in one click.
pub struct OneClick {
    pub part: &'static str,
    pub button: String,
    pub reason: String,
}

impl ReviewView {
    /// The form's value of a field, as sent or prefilled.
    pub fn value(&self, name: &str) -> &str {
        let f = &self.form;
        let v = match name {
            "went_well" => &f.went_well,
            "blocked" => &f.blocked,
            "reason" => &f.reason,
            "target" => &f.target,
            "baseline" => &f.baseline,
            "deadline" => &f.deadline,
            "metric" => &f.metric,
            "cron" => &f.cron,
            "milestones" => &f.milestones,
            _ => &None,
        };
        v.as_deref().unwrap_or("")
    }

    pub fn message(&self, name: &str) -> Option<String> {
        self.messages.get(name)
    }

    pub fn decisions(&self) -> Vec<Choice> {
        Decision::ALL
            .iter()
            .map(|d| {
                Choice::new(
                    d.as_str(),
                    decision_words(*d),
                    self.form.decision.as_deref(),
                )
            })
            .collect()
    }

    pub fn ratings(&self) -> Vec<Choice> {
        ["1", "2", "3", "4", "5"]
            .into_iter()
            .map(|r| Choice::new(r, r, self.form.confidence.as_deref()))
            .collect()
    }

    pub fn cadences(&self) -> Vec<Choice> {
        CadenceKind::ALL
            .iter()
            .map(|c| Choice::new(c.as_str(), c.as_str(), self.form.cadence.as_deref()))
            .collect()
    }
}

/// A radio button or an option of a select.
pub struct Choice {
    pub value: &'static str,
    pub words: &'static str,
    pub chosen: bool,
}

impl Choice {
    fn new(value: &'static str, words: &'static str, chosen: Option<&str>) -> Choice {
        Choice {
            value,
            words,
            chosen: chosen == Some(value),
        }
    }
}

fn decision_words(d: Decision) -> &'static str {
    match d {
        Decision::Continue => "Continue: keep the course",
        Decision::Readjust => "Readjust the goal (below)",
        Decision::CloseAchieved => "Close: achieved",
        Decision::CloseMissed => "Close: missed",
        Decision::Abandon => "Abandon the goal",
    }
}

/// The buttons for an evaluation's suggestion.
pub fn one_clicks(
    s: &ReadjustSuggestion,
    target: Option<f64>,
    deadline: Option<&str>,
) -> Vec<OneClick> {
    let deadline = deadline.unwrap_or("the deadline");
    let suggested = format_number(s.target);
    let mut out = vec![OneClick {
        part: "target",
        button: format!("Accept: target {suggested} by {deadline}"),
        reason: format!(
            "Accepted the evaluation's suggestion: the target {suggested}, which the trend reaches by the deadline {deadline}."
        ),
    }];
    if let (Some(day), Some(target)) = (s.deadline, target) {
        let target = format_number(target);
        out.push(OneClick {
            part: "deadline",
            button: format!("Accept: keep target {target}, deadline {day}"),
            reason: format!("Accepted the evaluation's suggestion: the deadline {day}, when the trend reaches the target {target}."),
        });
    }
    out
}

/// The messages of a refused answer: beside each field and in a summary.
pub fn messages_of(errors: &FieldErrors) -> (FormMessages, Vec<(&'static str, String)>) {
    let beside = FormMessages::from_errors(errors, |p| field_of(p).to_string());
    let summary = errors
        .0
        .iter()
        .map(|e| (label_of(&e.pointer), e.message.clone()))
        .collect();
    (beside, summary)
}

/// The form field a pointer names: `/readjust/milestones/0/date` is `milestones`.
pub fn field_of(pointer: &str) -> &str {
    let rest = pointer.trim_start_matches('/');
    let rest = rest
        .strip_prefix("readjust/")
        .or_else(|| rest.strip_prefix("assessment/"))
        .unwrap_or(rest);
    rest.split('/').next().unwrap_or("")
}

/// The words a field's pointer stands for on the page.
pub fn label_of(pointer: &str) -> &'static str {
    match field_of(pointer) {
        "went_well" => "What went well",
        "blocked" => "What blocked",
        "confidence" => "Confidence",
        "decision" => "Decision",
        "reason" => "Reason",
        "target" => "New target",
        "baseline" => "New baseline",
        "deadline" => "New deadline",
        "metric" => "Metric",
        "cadence" => "Review cadence",
        "cron" => "Cron expression",
        "milestones" => "Milestones",
        "accept_suggestion" => "Suggestion",
        "readjust" => "Readjust",
        _ => "Answer",
    }
}

/// An answered review: what was decided, why, and what changed.
pub struct AnsweredView {
    pub goal_id: i32,
    pub goal_title: String,
    pub decision: String,
    pub reason: String,
    pub went_well: String,
    pub blocked: String,
    pub confidence: Option<i16>,
    pub answered_at: String,
    /// Who answered: a member's name, or the emailed link.
    pub answered_by: String,
    /// Each changed field as (words, before, after).
    pub changes: Vec<(&'static str, String, String)>,
    pub next_review: Option<String>,
}

impl AnsweredView {
    /// `who` is the name of the member who answered; `None` for the link.
    pub fn new(
        goal: &crate::entities::goal::Model,
        answer: &review_answer::Model,
        changes: Option<&Changes>,
        who: Option<&str>,
    ) -> AnsweredView {
        let changes = changes
            .map(|c| {
                c.new
                    .iter()
                    .map(|(field, after)| {
                        let before = c.old.get(field).map(show).unwrap_or_default();
                        (changed_words(field), before, show(after))
                    })
                    .collect()
            })
            .unwrap_or_default();
        AnsweredView {
            goal_id: goal.id,
            goal_title: goal.title.clone(),
            decision: decision_of(&answer.decision),
            reason: answer.reason.clone(),
            went_well: answer.assessment_went_well.clone(),
            blocked: answer.assessment_blocked.clone(),
            confidence: answer.confidence,
            answered_at: at(answer.created_at),
            answered_by: who.map_or_else(|| "the emailed link".into(), str::to_string),
            changes,
            next_review: goal.next_review_at.map(at),
        }
    }
}

/// A stored decision in words.
pub fn decision_of(stored: &str) -> String {
    match stored.parse::<Decision>() {
        Ok(Decision::Continue) => "continue".into(),
        Ok(Decision::Readjust) => "readjust".into(),
        Ok(Decision::CloseAchieved) => "close: achieved".into(),
        Ok(Decision::CloseMissed) => "close: missed".into(),
        Ok(Decision::Abandon) => "abandon".into(),
        Err(_) => stored.to_string(),
    }
}

/// A time as the pages show it.
pub fn at(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn changed_words(field: &str) -> &'static str {
    match field {
        "status" => "Status",
        "metric" => "Metric",
        "direction" => "Direction",
        "baseline" => "Baseline",
        "target" => "Target",
        "milestones" => "Milestones",
        "deadline" => "Deadline",
        "cadence" => "Review cadence",
        "cron" => "Cron expression",
        _ => "Other",
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        Value::Number(n) => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
        Value::Array(items) if items.is_empty() => "none".into(),
        Value::Array(items) => items
            .iter()
            .map(|m| format!("{} {}", show(&m["date"]), show(&m["target"])))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_name_their_form_fields() {
        assert_eq!(field_of("/readjust/milestones/0/date"), "milestones");
        assert_eq!(field_of("/assessment/went_well"), "went_well");
        assert_eq!(label_of("/readjust/target"), "New target");
        assert_eq!(label_of("/nonsense"), "Answer");
    }

    #[test]
    fn a_suggestion_without_a_deadline_offers_the_target_only() {
        let s = ReadjustSuggestion {
            target: 9.899999,
            deadline: None,
        };
        let buttons = one_clicks(&s, Some(8.0), Some("2027-06-28"));
        assert_eq!(buttons.len(), 1);
        assert_eq!(buttons[0].part, "target");
        assert_eq!(buttons[0].button, "Accept: target 9.9 by 2027-06-28");
        let s = ReadjustSuggestion {
            deadline: "2027-11-08".parse().ok(),
            ..s
        };
        let parts: Vec<_> = one_clicks(&s, Some(8.0), None)
            .iter()
            .map(|b| b.part)
            .collect();
        assert_eq!(parts, ["target", "deadline"]);
    }

    #[test]
    fn changed_values_read_as_words() {
        assert_eq!(show(&serde_json::json!(9.5)), "9.5");
        assert_eq!(show(&serde_json::json!(null)), "—");
        assert_eq!(
            show(&serde_json::json!([{"date": "2027-03-29", "target": 10.0}])),
            "2027-03-29 10"
        );
    }
}
