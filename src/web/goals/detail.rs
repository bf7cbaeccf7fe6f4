//! `GET /goals/{id}`: the goal's chart (metric over time, baseline and
//! target, milestones, the projection to the deadline, a marker at each
//! readjustment) with its text alternative and CSV download, the timeline
//! of evaluations and answers, and the revision history.

use askama::Template;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::goal_chart::{chart_of, point_rows};
use super::read_only;
use crate::api::goals::service::find_visible;
use crate::domain::goal::GoalSpec;
use crate::domain::review::original_value;
use crate::entities::goal;
use crate::error::AppResult;
use crate::measure;
use crate::startup::AppState;
use crate::store::{evaluations, goals, metrics, review_answers, revisions};
use crate::web::chart::{csv_response, format_number};
use crate::web::chrome::Chrome;
use crate::web::csrf::SessionForm;
use crate::web::error::WebResult;
use crate::web::render::{page, see_other};
use crate::web::session::WebUser;

/// A revision as the page shows it.
pub struct RevisionView {
    pub at: String,
    pub reason: String,
    /// "target: 8 → 9", one per changed field.
    pub changes: Vec<String>,
    pub via_review: bool,
}

/// One entry of the timeline: an evaluation or an answer.
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub kind: &'static str,
    pub heading: String,
    pub lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "goals/detail.html")]
struct DetailPage {
    chrome: Chrome,
    goal: goal::Model,
    spec: GoalSpec,
    metric_name: String,
    current: Option<String>,
    chart_svg: String,
    points: Vec<(String, String, String)>,
    summary: String,
    timeline: Vec<TimelineEntry>,
    revisions: Vec<RevisionView>,
    original_target: Option<String>,
}

impl DetailPage {
    fn number(&self, v: &Option<f64>) -> String {
        v.map(format_number).unwrap_or_else(|| "—".into())
    }

    fn can_change(&self) -> bool {
        self.chrome.can_write() && !self.spec.status.is_closed() && self.goal.archived_at.is_none()
    }
}

pub async fn show(State(state): State<AppState>, user: WebUser, Path(id): Path<i32>) -> WebResult {
    let model = find_visible(&state.db, &user.caller, id).await?;
    let chrome = Chrome::load(&state.db, &user, model.team_id, "goals").await?;
    let spec = goals::spec_from_model(&model)?;
    let data = chart_of(&state, &model, &spec).await?;
    let current = measure::measure(&state.db, model.team_id, &spec, Utc::now())
        .await?
        .and_then(|m| m.current)
        .map(format_number);
    let key = spec.measurable.metric_key.clone().unwrap_or_default();
    let metric_name = match metrics::find_metric(&state.db, model.team_id, &key).await {
        Ok(Some(def)) => def.name,
        _ => key,
    };
    let revs = revisions::for_goal(&state.db, model.id).await?;
    let olds: Vec<Map<String, Value>> = revs
        .iter()
        .rev()
        .map(|r| serde_json::from_str(&r.old_values).unwrap_or_default())
        .collect();
    let original_target = original_value(olds.iter(), "target", json!(spec.measurable.target))
        .as_f64()
        .map(format_number);
    let page_data = DetailPage {
        chart_svg: data.chart.to_svg(),
        points: point_rows(&data.chart),
        summary: data.chart.description.clone(),
        timeline: timeline(&state, model.id).await?,
        revisions: revs.into_iter().map(revision_view).collect(),
        original_target,
        current,
        metric_name,
        chrome,
        goal: model,
        spec,
    };
    Ok(page(&page_data))
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::Number(n) => n
            .as_f64()
            .map(format_number)
            .unwrap_or_else(|| n.to_string()),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("{} item(s)", a.len()),
        other => other.to_string(),
    }
}

fn revision_view(r: crate::entities::goal_revision::Model) -> RevisionView {
    let old: Map<String, Value> = serde_json::from_str(&r.old_values).unwrap_or_default();
    let new: Map<String, Value> = serde_json::from_str(&r.new_values).unwrap_or_default();
    RevisionView {
        at: r.created_at.format("%Y-%m-%d %H:%M").to_string(),
        changes: new
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}: {} → {}",
                    show_value(old.get(k).unwrap_or(&Value::Null)),
                    show_value(v)
                )
            })
            .collect(),
        reason: r.reason,
        via_review: r.review_request_id.is_some(),
    }
}

async fn timeline(state: &AppState, goal_id: i32) -> AppResult<Vec<TimelineEntry>> {
    let mut out = Vec::new();
    for e in evaluations::for_goal(&state.db, goal_id).await? {
        if e.skipped {
            out.push(TimelineEntry {
                at: e.scheduled_for,
                kind: "skipped",
                heading: "Review cycle skipped (nothing ran then)".into(),
                lines: Vec::new(),
            });
            continue;
        }
        let f = evaluations::findings_of(&e);
        let mut lines = vec![format!(
            "value {}, progress {} % (expected {} %)",
            f.current.map(format_number).unwrap_or_else(|| "—".into()),
            f.progress
                .map(|p| format!("{p:.0}"))
                .unwrap_or_else(|| "—".into()),
            format!("{:.0}", f.expected_progress)
        )];
        if let Some(p) = f.projected {
            lines.push(format!("projected at the deadline: {}", format_number(p)));
        }
        if let Some(s) = f.suggestion {
            lines.push(format!("suggested target: {}", format_number(s.target)));
        }
        out.push(TimelineEntry {
            at: e.scheduled_for,
            kind: "evaluation",
            heading: format!("Evaluated: {}", f.status.to_string().replace('_', " ")),
            lines,
        });
    }
    for a in review_answers::answers_for_goal(&state.db, goal_id).await? {
        let mut lines = Vec::new();
        for (label, text) in [
            ("went well", &a.assessment_went_well),
            ("blocked", &a.assessment_blocked),
            ("reason", &a.reason),
        ] {
            if !text.is_empty() {
                lines.push(format!("{label}: {text}"));
            }
        }
        if let Some(c) = a.confidence {
            lines.push(format!("confidence {c} of 5"));
        }
        out.push(TimelineEntry {
            at: a.created_at,
            kind: "answer",
            heading: format!("Answered: {}", a.decision.replace('_', " ")),
            lines,
        });
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    Ok(out)
}

pub async fn csv(State(state): State<AppState>, user: WebUser, Path(id): Path<i32>) -> WebResult {
    let model = find_visible(&state.db, &user.caller, id).await?;
    let spec = goals::spec_from_model(&model)?;
    let data = chart_of(&state, &model, &spec).await?;
    let mut rows: Vec<Vec<String>> = point_rows(&data.chart)
        .into_iter()
        .map(|(d, s, v)| vec![d, s, v])
        .collect();
    for level in &data.chart.levels {
        rows.push(vec![
            String::new(),
            level.label.clone(),
            format_number(level.value),
        ]);
    }
    let body = crate::web::chart::csv(&["date", "series", "value"], rows);
    Ok(csv_response(&format!("goal-{}-chart.csv", model.id), body))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ArchiveForm {
    version: Option<i32>,
}

pub async fn archive(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    SessionForm { user, form }: SessionForm<ArchiveForm>,
) -> WebResult {
    let model = find_visible(&state.db, &user.caller, id).await?;
    if !user.role_in(model.team_id)?.can_write() {
        return Err(read_only().into());
    }
    if model.archived_at.is_none() {
        let version = form.version.unwrap_or(model.version);
        goals::archive(&state.db, id, version, Utc::now()).await?;
    }
    Ok(see_other(&format!("/goals?team={}", model.team_id)))
}
