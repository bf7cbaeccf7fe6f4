//! What the reviews API reads and sends.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::goals::GoalResponse;
use crate::api::goals::evaluations::EvaluationResponse;
use crate::domain::goal::GoalStatus;
use crate::domain::review::AssessmentInput;
use crate::entities::{goal_revision, review_answer, review_request};
use crate::store::review_answers::ReviewState;

/// Filters for the review list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReviewListQuery {
    /// Only this team's reviews (default: all your teams).
    pub team: Option<i32>,
    /// `pending`, `answered` or `expired` (a pending review past its expiry).
    #[param(value_type = Option<String>)]
    pub status: Option<ReviewState>,
    /// 1-200, default 50.
    pub limit: Option<u64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A review request: the evaluation it asks about and, once given, the answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewResponse {
    pub id: i64,
    pub goal_id: i32,
    pub team_id: i32,
    pub goal_title: String,
    pub goal_status: GoalStatus,
    /// `pending`, `answered` or `expired`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    /// The review (and its emailed link) can be answered until then.
    pub expires_at: DateTime<Utc>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    /// What the evaluation found, with its readjust suggestion.
    pub evaluation: Option<EvaluationResponse>,
    pub answer: Option<AnswerResponse>,
}

impl ReviewResponse {
    pub fn new(
        request: review_request::Model,
        goal: (&str, GoalStatus),
        evaluation: Option<EvaluationResponse>,
        answer: Option<AnswerResponse>,
        now: DateTime<Utc>,
    ) -> Self {
        ReviewResponse {
            status: ReviewState::of(&request, now).as_str().to_string(),
            id: request.id,
            goal_id: request.goal_id,
            team_id: request.team_id,
            goal_title: goal.0.to_string(),
            goal_status: goal.1,
            created_at: request.created_at,
            expires_at: request.expires_at,
            reminded_at: request.reminded_at,
            answered_at: request.answered_at,
            evaluation,
            answer,
        }
    }
}

/// One page of reviews, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewPage {
    pub items: Vec<ReviewResponse>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The answer a review got.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerResponse {
    #[schema(value_type = String)]
    pub decision: String,
    pub assessment: AssessmentInput,
    pub confidence: Option<i16>,
    pub reason: String,
    /// The user who answered through the API; `null` for the emailed link.
    pub answered_by: Option<i32>,
    /// `api` or `link`.
    pub answered_via: String,
    pub created_at: DateTime<Utc>,
}

impl From<review_answer::Model> for AnswerResponse {
    fn from(a: review_answer::Model) -> Self {
        AnswerResponse {
            decision: a.decision,
            assessment: AssessmentInput {
                went_well: Some(a.assessment_went_well),
                blocked: Some(a.assessment_blocked),
            },
            confidence: a.confidence,
            reason: a.reason,
            answered_by: a.answered_by,
            answered_via: a.answered_via,
            created_at: a.created_at,
        }
    }
}

/// What answering a review did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerOutcome {
    pub review: ReviewResponse,
    /// The goal as the answer left it.
    pub goal: GoalResponse,
    /// The change a readjustment or a closing made; `null` for `continue`.
    pub revision: Option<RevisionResponse>,
}

/// One decided change of a goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionResponse {
    pub id: i64,
    /// The review whose answer made the change.
    pub review_id: Option<i64>,
    /// Who made it; `null` when it came through an emailed link.
    pub changed_by: Option<i32>,
    pub reason: String,
    /// The changed fields before, e.g. `{"target": 8}`.
    #[schema(value_type = Object)]
    pub old: serde_json::Map<String, serde_json::Value>,
    /// The changed fields after, e.g. `{"target": 9.9}`.
    #[schema(value_type = Object)]
    pub new: serde_json::Map<String, serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<goal_revision::Model> for RevisionResponse {
    type Error = anyhow::Error;

    fn try_from(r: goal_revision::Model) -> anyhow::Result<Self> {
        Ok(RevisionResponse {
            id: r.id,
            review_id: r.review_request_id,
            changed_by: r.changed_by,
            reason: r.reason,
            old: serde_json::from_str(&r.old_values)?,
            new: serde_json::from_str(&r.new_values)?,
            created_at: r.created_at,
        })
    }
}

/// A goal's revisions, and how far it has come against the target it
/// started with and the one it has now.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionsResponse {
    pub goal_id: i32,
    /// The metric now; `null` without enough data.
    pub current_value: Option<f64>,
    /// The target before the first revision that changed it.
    pub original_target: Option<f64>,
    pub current_target: Option<f64>,
    pub attainment: Attainment,
    /// Newest first.
    pub revisions: Vec<RevisionResponse>,
}

/// Share of the way from the baseline to a target covered by the current
/// value, in percent (not clamped: 120 means past the target).
#[derive(Debug, Serialize, ToSchema)]
pub struct Attainment {
    /// Against the original target (and baseline); `null` when the metric
    /// has changed since, or without a current value.
    pub original: Option<f64>,
    pub current: Option<f64>,
}
