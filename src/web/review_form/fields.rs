//! The answer form's fields, filled with what was sent (or the goal's
//! values) and each with its error messages.

use super::form::ReviewForm;
use super::page::label_of;
use crate::domain::FieldErrors;
use crate::domain::cadence::CadenceKind;
use crate::domain::review::{Decision, MAX_ASSESSMENT, MAX_REASON};
use crate::mail::compose::escape;

/// The messages about one form field.
fn messages(errors: &FieldErrors, name: &str) -> String {
    errors
        .0
        .iter()
        .filter(|e| field_of(&e.pointer) == name)
        .map(|e| format!("<div class=\"error\">{}</div>", escape(&e.message)))
        .collect()
}

/// The form field a pointer names: `/readjust/milestones/0/date` is `milestones`.
fn field_of(pointer: &str) -> &str {
    let rest = pointer.trim_start_matches('/');
    let rest = rest
        .strip_prefix("readjust/")
        .or_else(|| rest.strip_prefix("assessment/"))
        .unwrap_or(rest);
    rest.split('/').next().unwrap_or("")
}

fn value(v: &Option<String>) -> String {
    escape(v.as_deref().unwrap_or(""))
}

fn textarea(name: &str, v: &Option<String>, max: usize, errors: &FieldErrors) -> String {
    format!(
        "<label for=\"{name}\">{}</label><textarea id=\"{name}\" name=\"{name}\" rows=\"3\" maxlength=\"{max}\">{}</textarea>{}",
        label_of(name),
        value(v),
        messages(errors, name)
    )
}

fn input(kind: &str, name: &str, v: &Option<String>, errors: &FieldErrors) -> String {
    let step = if kind == "number" {
        " step=\"any\""
    } else {
        ""
    };
    format!(
        "<label for=\"{name}\">{}</label><input type=\"{kind}\"{step} id=\"{name}\" name=\"{name}\" value=\"{}\">{}",
        label_of(name),
        value(v),
        messages(errors, name)
    )
}

fn radios(name: &str, options: &[(&str, &str)], chosen: Option<&str>) -> String {
    options
        .iter()
        .map(|(v, words)| {
            let checked = if chosen == Some(*v) { " checked" } else { "" };
            format!(
                "<label><input type=\"radio\" name=\"{name}\" value=\"{v}\"{checked}> {words}</label>"
            )
        })
        .collect()
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

/// The whole answer form.
pub fn answer_form(f: &ReviewForm, errors: &FieldErrors) -> String {
    let decisions: Vec<(&str, &str)> = Decision::ALL
        .iter()
        .map(|d| (d.as_str(), decision_words(*d)))
        .collect();
    let ratings = [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")];
    let cadences: String = CadenceKind::ALL
        .iter()
        .map(|c| {
            let selected = if f.cadence.as_deref() == Some(c.as_str()) {
                " selected"
            } else {
                ""
            };
            format!("<option value=\"{c}\"{selected}>{c}</option>")
        })
        .collect();
    let mut html = String::from("<form method=\"post\">");
    html.push_str(&format!(
        "<fieldset><legend>Evaluate</legend>{}{}\
         <label>How confident are you that the goal will be reached? (1 not at all, 5 fully)</label>\
         <div class=\"inline\">{}</div>{}</fieldset>",
        textarea("went_well", &f.went_well, MAX_ASSESSMENT, errors),
        textarea("blocked", &f.blocked, MAX_ASSESSMENT, errors),
        radios("confidence", &ratings, f.confidence.as_deref()),
        messages(errors, "confidence"),
    ));
    html.push_str(&format!(
        "<fieldset><legend>Decision</legend>{}{}{}\
         <p class=\"muted\">Every decision but continue needs a reason the team can look back on.</p></fieldset>",
        radios("decision", &decisions, f.decision.as_deref()),
        messages(errors, "decision"),
        textarea("reason", &f.reason, MAX_REASON, errors),
    ));
    html.push_str(&format!(
        "<fieldset><legend>Readjust: change what needs changing</legend>{}{}{}{}{}\
         <label for=\"cadence\">{}</label><select id=\"cadence\" name=\"cadence\">{cadences}</select>{}{}\
         <label for=\"milestones\">{} (one a line: date, value, note)</label>\
         <textarea id=\"milestones\" name=\"milestones\" rows=\"3\">{}</textarea>{}</fieldset>",
        messages(errors, "readjust"),
        input("number", "target", &f.target, errors),
        input("date", "deadline", &f.deadline, errors),
        input("text", "metric", &f.metric, errors),
        input("number", "baseline", &f.baseline, errors),
        label_of("cadence"),
        messages(errors, "cadence"),
        input("text", "cron", &f.cron, errors),
        label_of("milestones"),
        value(&f.milestones),
        messages(errors, "milestones"),
    ));
    html.push_str("<button type=\"submit\">Send the answer</button></form>");
    html
}
