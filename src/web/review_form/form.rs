//! The review form as the browser sends it, and its translation into the
//! API's answer, so both go through the same rules.
//!
//! The readjust fields come prefilled with the goal's current values; only
//! those the manager changed become part of the readjustment.

use serde::Deserialize;

use crate::domain::FieldErrors;
use crate::domain::cadence::CadenceKind;
use crate::domain::goal::{GoalInput, MilestoneInput};
use crate::domain::review::{
    AcceptSuggestion, AnswerInput, AssessmentInput, Decision, ReadjustInput,
};

/// Every field of the form, as text. Unknown fields (a submit button's
/// name, say) are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReviewForm {
    pub went_well: Option<String>,
    pub blocked: Option<String>,
    pub confidence: Option<String>,
    pub decision: Option<String>,
    pub reason: Option<String>,
    pub target: Option<String>,
    pub baseline: Option<String>,
    pub deadline: Option<String>,
    pub metric: Option<String>,
    pub cadence: Option<String>,
    pub cron: Option<String>,
    /// One milestone a line: `YYYY-MM-DD value note`.
    pub milestones: Option<String>,
    /// `target` or `deadline`, from the one-click buttons.
    pub accept_suggestion: Option<String>,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn number(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// Milestones as the textarea shows them.
fn milestone_lines(milestones: &[MilestoneInput]) -> String {
    milestones
        .iter()
        .map(|m| {
            let note = m.note.as_deref().unwrap_or("").trim();
            format!("{} {} {note}", m.date, m.target).trim().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn normalized(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

impl ReviewForm {
    /// The form as first shown: the readjust fields hold the goal's values.
    pub fn prefilled(goal: &GoalInput) -> ReviewForm {
        let m = &goal.measurable;
        ReviewForm {
            target: Some(number(m.target)),
            baseline: Some(number(m.baseline)),
            deadline: goal.time_bound.deadline.clone(),
            metric: m.metric.clone(),
            cadence: goal.review.cadence.map(|c| c.to_string()),
            cron: goal.review.cron.clone(),
            milestones: Some(milestone_lines(&m.milestones)),
            ..Default::default()
        }
    }

    /// The answer this form gives for a goal that is now `goal`; errors use
    /// the API's pointers.
    pub fn to_answer(&self, goal: &GoalInput) -> Result<AnswerInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let decision = match filled(&self.decision).map(str::parse::<Decision>) {
            Some(Ok(decision)) => Some(decision),
            Some(Err(message)) => {
                errors.push("/decision", message);
                None
            }
            None => {
                errors.push("/decision", "choose what happens with the goal");
                None
            }
        };
        let confidence = filled(&self.confidence).and_then(|raw| {
            raw.parse::<i64>()
                .map_err(|_| {
                    errors.push(
                        "/confidence",
                        format!("\"{raw}\" is not a rating from 1 to 5"),
                    )
                })
                .ok()
        });
        let readjust = match decision {
            Some(Decision::Readjust) => Some(self.readjust(goal, &mut errors)),
            _ => None,
        };
        let decision = errors.is_empty().then_some(decision).flatten();
        let Some(decision) = decision else {
            return Err(errors);
        };
        Ok(AnswerInput {
            assessment: AssessmentInput {
                went_well: self.went_well.clone(),
                blocked: self.blocked.clone(),
            },
            confidence,
            decision,
            reason: self.reason.clone(),
            readjust,
        })
    }

    /// The fields that differ from the goal's.
    fn readjust(&self, goal: &GoalInput, errors: &mut FieldErrors) -> ReadjustInput {
        let m = &goal.measurable;
        let mut float = |value: &Option<String>, name: &str, now: Option<f64>| {
            let raw = filled(value)?;
            match raw.parse::<f64>() {
                Ok(v) if Some(v) == now => None,
                Ok(v) => Some(v),
                Err(_) => {
                    errors.push(
                        format!("/readjust/{name}"),
                        format!("\"{raw}\" is not a number"),
                    );
                    None
                }
            }
        };
        let target = float(&self.target, "target", m.target);
        let baseline = float(&self.baseline, "baseline", m.baseline);
        let changed = |value: &Option<String>, now: Option<&str>| {
            filled(value)
                .filter(|v| Some(*v) != now)
                .map(str::to_string)
        };
        let cadence = match filled(&self.cadence).map(str::parse::<CadenceKind>) {
            Some(Ok(kind)) if Some(kind) != goal.review.cadence => Some(kind),
            Some(Err(message)) => {
                errors.push("/readjust/cadence", message);
                None
            }
            _ => None,
        };
        let accept_suggestion = match filled(&self.accept_suggestion) {
            Some("target") | Some("true") => AcceptSuggestion::Target,
            Some("deadline") => AcceptSuggestion::Deadline,
            _ => AcceptSuggestion::No,
        };
        ReadjustInput {
            target,
            baseline,
            deadline: changed(&self.deadline, goal.time_bound.deadline.as_deref()),
            milestones: self.milestones(&m.milestones, errors),
            cadence,
            cron: changed(&self.cron, goal.review.cron.as_deref()),
            metric: changed(&self.metric, m.metric.as_deref()),
            accept_suggestion,
        }
    }

    /// The milestones, when the text differs from the goal's.
    fn milestones(
        &self,
        now: &[MilestoneInput],
        errors: &mut FieldErrors,
    ) -> Option<Vec<MilestoneInput>> {
        let text = self.milestones.as_deref()?;
        let lines = normalized(text);
        if lines == normalized(&milestone_lines(now)) {
            return None;
        }
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let mut parts = line.splitn(3, ' ');
            let date = parts.next().unwrap_or_default().to_string();
            let raw = parts.next().unwrap_or_default();
            let Ok(target) = raw.parse::<f64>() else {
                errors.push(
                    format!("/readjust/milestones/{i}/target"),
                    format!("line {}: write the date, then the value, then any note (\"{raw}\" is not a number)", i + 1),
                );
                continue;
            };
            let note = parts.next().map(str::to_string);
            out.push(MilestoneInput { date, target, note });
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal() -> GoalInput {
        serde_json::from_value(serde_json::json!({
            "team_id": 1, "title": "t",
            "measurable": {"metric": "churn_rate", "baseline": 12.0, "target": 8.0,
                "milestones": [{"date": "2027-03-29", "target": 10.0, "note": "halfway"}]},
            "time_bound": {"start": "2027-01-04", "deadline": "2027-06-28"},
            "review": {"cadence": "weekly"}
        }))
        .unwrap()
    }

    #[test]
    fn an_untouched_prefilled_form_readjusts_nothing() {
        let mut form = ReviewForm::prefilled(&goal());
        form.decision = Some("readjust".into());
        let answer = form.to_answer(&goal()).unwrap();
        let r = answer.readjust.unwrap();
        assert!(r.target.is_none() && r.deadline.is_none() && r.milestones.is_none());
        assert!(r.metric.is_none() && r.cadence.is_none() && r.cron.is_none());
    }

    #[test]
    fn only_changed_fields_become_the_readjustment() {
        let mut form = ReviewForm::prefilled(&goal());
        form.decision = Some("readjust".into());
        form.target = Some("9.5".into());
        form.milestones = Some("2027-03-29 10.5 later\n".into());
        let r = form.to_answer(&goal()).unwrap().readjust.unwrap();
        assert_eq!(r.target, Some(9.5));
        let m = r.milestones.unwrap();
        assert_eq!((m[0].target, m[0].note.as_deref()), (10.5, Some("later")));
    }

    #[test]
    fn unreadable_fields_are_named() {
        let form = ReviewForm {
            decision: Some("readjust".into()),
            confidence: Some("lots".into()),
            target: Some("nine".into()),
            ..Default::default()
        };
        let errors = form.to_answer(&goal()).unwrap_err();
        let pointers: Vec<_> = errors.0.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/confidence", "/readjust/target"]);
        let form = ReviewForm {
            decision: Some("maybe".into()),
            ..Default::default()
        };
        assert_eq!(
            form.to_answer(&goal()).unwrap_err().0[0].pointer,
            "/decision"
        );
    }
}
