//! The review email: the same facts as text and as HTML (inline styles, a
//! progress bar of plain boxes, no remote images, every user text escaped).

use chrono::NaiveDate;

use crate::domain::evaluation::{EvaluationStatus, Findings};

/// Stands for the review link in stored bodies; the link's token is put in
/// only when the message is sent, so the outbox does not keep it afterwards.
pub const REVIEW_LINK: &str = "{{review_link}}";

/// What a review email says.
pub struct ReviewFacts<'a> {
    pub goal_title: &'a str,
    pub metric_name: &'a str,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub deadline: Option<NaiveDate>,
    pub findings: &'a Findings,
    /// Whether this is the reminder of an unanswered review.
    pub reminder: bool,
}

/// A composed message.
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn status_words(status: EvaluationStatus) -> &'static str {
    match status {
        EvaluationStatus::OnTrack => "on track",
        EvaluationStatus::AtRisk => "at risk",
        EvaluationStatus::OffTrack => "off track",
        EvaluationStatus::InsufficientData => "not enough data to judge",
        EvaluationStatus::Stale => "no recent data",
    }
}

fn number(x: Option<f64>) -> String {
    match x {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.2}"),
        None => "—".into(),
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The lines both parts share, as (label, value).
pub fn facts(f: &ReviewFacts) -> Vec<(&'static str, String)> {
    let x = f.findings;
    let mut lines = vec![
        ("Status", status_words(x.status).to_string()),
        (
            "Current value",
            format!(
                "{} (baseline {}, target {})",
                number(x.current),
                number(f.baseline),
                number(f.target)
            ),
        ),
        (
            "Progress",
            format!(
                "{} % of the way; {} % expected by now",
                number(x.progress.map(|p| p.round())),
                number(Some(x.expected_progress.round()))
            ),
        ),
    ];
    if let Some(p) = x.projected {
        let by = f.deadline.map(|d| format!(" by {d}")).unwrap_or_default();
        lines.push((
            "Projection",
            format!("{}{by} at the current trend", number(Some(p))),
        ));
    }
    if let Some(m) = &x.next_milestone {
        let course = if m.on_course {
            "on course"
        } else {
            "not on course"
        };
        lines.push((
            "Next milestone",
            format!("{} by {} ({course})", number(Some(m.target)), m.date),
        ));
    }
    if let Some(s) = &x.suggestion {
        let when = s
            .deadline
            .map(|d| format!(", or keep the target and move the deadline to {d}"))
            .unwrap_or_else(|| {
                ", or rethink the plan: the trend moves away from the target".into()
            });
        lines.push((
            "Suggestion",
            format!("readjust the target to {}{when}", number(Some(s.target))),
        ));
    }
    lines
}

pub fn review_email(f: &ReviewFacts) -> Composed {
    let status = status_words(f.findings.status);
    let prefix = if f.reminder {
        "Reminder: review"
    } else {
        "Review"
    };
    let subject = format!("{prefix} \"{}\": {status}", f.goal_title);
    let lines = facts(f);
    let mut text = format!("{prefix} of \"{}\" ({})\n\n", f.goal_title, f.metric_name);
    for (label, value) in &lines {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!(
        "\nAnswer the review: keep the course, readjust the goal, or close it:\n{REVIEW_LINK}\n"
    ));
    let percent = f.findings.progress.unwrap_or(0.0).clamp(0.0, 100.0);
    let expected = f.findings.expected_progress.clamp(0.0, 100.0);
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;color:#111827;max-width:560px\">\
         <h2 style=\"margin:0 0 4px\">{prefix}: {}</h2><p style=\"margin:0 0 16px;color:#4b5563\">{}</p>\
         <div role=\"img\" aria-label=\"progress {percent:.0} % of the way, {expected:.0} % expected\" \
         style=\"position:relative;background:#e5e7eb;border-radius:6px;height:14px;width:100%\">\
         <div style=\"background:#2563eb;border-radius:6px;height:14px;width:{percent:.1}%\"></div>\
         <div style=\"position:absolute;top:-3px;left:{expected:.1}%;width:2px;height:20px;background:#111827\"></div></div>\
         <table style=\"margin-top:16px;border-collapse:collapse\">",
        escape(f.goal_title),
        escape(f.metric_name)
    );
    for (label, value) in &lines {
        html.push_str(&format!(
            "<tr><th style=\"text-align:left;padding:4px 12px 4px 0;vertical-align:top\">{label}</th><td style=\"padding:4px 0\">{}</td></tr>",
            escape(value)
        ));
    }
    html.push_str(&format!(
        "</table><p style=\"margin-top:20px\"><a href=\"{REVIEW_LINK}\" style=\"background:#2563eb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none\">Answer the review</a></p></body></html>"
    ));
    Composed {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evaluation::ReadjustSuggestion;

    fn findings() -> Findings {
        Findings {
            status: EvaluationStatus::OffTrack,
            current: Some(11.5),
            progress: Some(12.5),
            expected_progress: 40.0,
            projected: Some(9.9),
            projected_attainment: Some(52.5),
            next_milestone: None,
            suggestion: Some(ReadjustSuggestion {
                target: 9.9,
                deadline: NaiveDate::from_ymd_opt(2027, 11, 8),
            }),
        }
    }

    #[test]
    fn both_parts_carry_the_facts_and_the_link_placeholder() {
        let f = findings();
        let mail = review_email(&ReviewFacts {
            goal_title: "Fewer <b>lost</b> customers & more",
            metric_name: "Churn rate",
            baseline: Some(12.0),
            target: Some(8.0),
            deadline: NaiveDate::from_ymd_opt(2027, 6, 28),
            findings: &f,
            reminder: false,
        });
        assert_eq!(
            mail.subject,
            "Review \"Fewer <b>lost</b> customers & more\": off track"
        );
        for part in [&mail.text, &mail.html] {
            assert!(part.contains("11.50 (baseline 12, target 8)"), "{part}");
            assert!(part.contains("readjust the target to 9.90"));
            assert!(part.contains("2027-11-08"));
            assert!(part.contains(REVIEW_LINK));
        }
        assert!(
            mail.html
                .contains("Fewer &lt;b&gt;lost&lt;/b&gt; customers &amp; more")
        );
        assert!(!mail.html.contains("<b>lost"));
        assert!(mail.html.contains("width:12.5%"), "the bar is the progress");
        assert!(!mail.html.contains("<img") && !mail.html.contains("<script"));
    }

    #[test]
    fn escaping_covers_quotes_for_attributes() {
        assert_eq!(
            escape("\"a\" 'b' <c> &"),
            "&quot;a&quot; &#39;b&#39; &lt;c&gt; &amp;"
        );
    }
}
