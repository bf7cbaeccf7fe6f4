//! The review page's HTML: the facts the email gave, the form, the result
//! and the error pages. Every text from users or the database is escaped.

use chrono::{DateTime, Utc};

use super::form::ReviewForm;
use crate::domain::FieldErrors;
use crate::domain::evaluation::ReadjustSuggestion;
use crate::domain::review::Changes;
use crate::mail::compose::escape;

/// Inline, because the page's Content-Security-Policy allows nothing else.
const STYLE: &str = "body{font-family:sans-serif;color:#111827;max-width:640px;margin:24px auto;padding:0 16px}\
    h1{font-size:1.4em}.muted{color:#4b5563}th{text-align:left;padding:4px 12px 4px 0;vertical-align:top}\
    fieldset{border:1px solid #d1d5db;border-radius:6px;margin:16px 0;padding:8px 12px}\
    label{display:block;margin:8px 0 2px}textarea,input[type=text],input[type=number],input[type=date],select{width:100%;box-sizing:border-box}\
    .inline label{display:inline;margin-right:12px}.error{color:#b91c1c}.box{background:#eff6ff;border-radius:6px;padding:8px 12px}\
    button{background:#2563eb;color:#fff;border:0;border-radius:6px;padding:8px 14px;margin:4px 4px 4px 0}\
    .bar{position:relative;background:#e5e7eb;border-radius:6px;height:14px}.bar div{background:#2563eb;border-radius:6px;height:14px}";

/// A whole page.
pub fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        escape(title)
    )
}

/// A page that says why the link cannot be used.
pub fn error_page(heading: &str, message: &str) -> String {
    layout(
        heading,
        &format!("<h1>{}</h1><p>{}</p>", escape(heading), escape(message)),
    )
}

/// What the review page shows.
pub struct ReviewView<'a> {
    pub goal_title: &'a str,
    pub metric_name: &'a str,
    /// The email's fact lines, as (label, value).
    pub facts: &'a [(&'static str, String)],
    pub progress: f64,
    pub expires_at: DateTime<Utc>,
    pub suggestion: Option<&'a ReadjustSuggestion>,
    /// The goal's target and deadline now, for the suggestion's buttons.
    pub target: Option<f64>,
    pub deadline: Option<&'a str>,
    pub form: &'a ReviewForm,
    pub errors: &'a FieldErrors,
}

pub fn review_page(v: &ReviewView) -> String {
    let mut body = format!(
        "<h1>Review: {}</h1><p class=\"muted\">{} · answer by {}</p>\
         <div class=\"bar\" role=\"img\" aria-label=\"progress {p:.0} %\"><div style=\"width:{p:.1}%\"></div></div><table>",
        escape(v.goal_title),
        escape(v.metric_name),
        v.expires_at.format("%Y-%m-%d %H:%M UTC"),
        p = v.progress.clamp(0.0, 100.0),
    );
    for (label, value) in v.facts {
        body.push_str(&format!(
            "<tr><th>{label}</th><td>{}</td></tr>",
            escape(value)
        ));
    }
    body.push_str("</table>");
    if !v.errors.is_empty() {
        body.push_str("<div class=\"error\"><p>The answer was not saved:</p><ul>");
        for e in &v.errors.0 {
            body.push_str(&format!(
                "<li>{}: {}</li>",
                escape(label_of(&e.pointer)),
                escape(&e.message)
            ));
        }
        body.push_str("</ul></div>");
    }
    if let Some(s) = v.suggestion {
        body.push_str(&suggestion_box(s, v.target, v.deadline));
    }
    body.push_str(&super::fields::answer_form(v.form, v.errors));
    layout(&format!("Review: {}", v.goal_title), &body)
}

/// The one-click acceptance: each button posts a complete answer.
fn suggestion_box(s: &ReadjustSuggestion, target: Option<f64>, deadline: Option<&str>) -> String {
    let deadline = deadline.unwrap_or("the deadline");
    let mut out = String::from(
        "<div class=\"box\"><p><strong>Suggestion</strong> from this evaluation's trend:</p>",
    );
    out.push_str(&one_click(
        "target",
        &format!("Accept: target {} by {deadline}", s.target),
        &format!("Accepted the evaluation's suggestion: the target {}, which the trend reaches by the deadline {deadline}.", s.target),
    ));
    if let (Some(day), Some(target)) = (s.deadline, target) {
        out.push_str(&one_click(
            "deadline",
            &format!("Accept: keep target {target}, deadline {day}"),
            &format!("Accepted the evaluation's suggestion: the deadline {day}, when the trend reaches the target {target}."),
        ));
    }
    out.push_str("</div>");
    out
}

fn one_click(part: &str, button: &str, reason: &str) -> String {
    format!(
        "<form method=\"post\" style=\"display:inline\">\
         <input type=\"hidden\" name=\"decision\" value=\"readjust\">\
         <input type=\"hidden\" name=\"accept_suggestion\" value=\"{part}\">\
         <input type=\"hidden\" name=\"reason\" value=\"{}\">\
         <button type=\"submit\">{}</button></form>",
        escape(reason),
        escape(button)
    )
}

/// The words a field's pointer stands for on the page.
pub fn label_of(pointer: &str) -> &'static str {
    let field = pointer
        .trim_start_matches('/')
        .trim_start_matches("readjust/")
        .trim_start_matches("assessment/");
    match field.split('/').next().unwrap_or("") {
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

/// The page after an answer: what was decided and what changed.
pub fn answered_page(
    goal_title: &str,
    decision: &str,
    changes: Option<&Changes>,
    next_review: Option<DateTime<Utc>>,
) -> String {
    let mut body = format!(
        "<h1>Thank you: your answer is recorded</h1><p>Review of <strong>{}</strong>: {}.</p>",
        escape(goal_title),
        escape(decision)
    );
    if let Some(c) = changes.filter(|c| !c.is_empty()) {
        body.push_str("<table><tr><th>Changed</th><th>Before</th><th>After</th></tr>");
        for (field, after) in &c.new {
            let before = c.old.get(field).map(show).unwrap_or_default();
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(field),
                escape(&before),
                escape(&show(after))
            ));
        }
        body.push_str("</table>");
    }
    if let Some(at) = next_review {
        body.push_str(&format!(
            "<p class=\"muted\">Next review: {}.</p>",
            at.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    body.push_str(
        "<p class=\"muted\">This link is now used up; the next review brings a new one.</p>",
    );
    layout("Answer recorded", &body)
}

fn show(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Number(n) => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
        serde_json::Value::Array(items) if items.is_empty() => "none".into(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|m| format!("{} {}", show(&m["date"]), show(&m["target"])))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
