//! The review answer form, shared by the emailed link (`link`, no login)
//! and the signed-in manager's review pages (`crate::web::reviews`): the
//! same facts, form, one-click suggestion and answered page, and the same
//! rules through `crate::answering`. Only how the answer is authorised
//! differs: the link's token, or the session with its CSRF token.

pub(crate) mod form;
mod link;
pub(crate) mod view;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

use crate::answering::{self, Outcome};
use crate::domain::FieldErrors;
use crate::domain::evaluation::Findings;
use crate::domain::goal::GoalInput;
use crate::domain::review::Changes;
use crate::entities::{evaluation, goal, goal_revision, review_request};
use crate::error::{AppError, AppResult};
use crate::mail::compose::{ReviewFacts, facts};
use crate::store::{evaluations, goals, metrics};
pub(crate) use form::ReviewForm;
pub use link::router;
use view::{AnsweredView, ReviewView, messages_of, one_clicks};

/// A review and what its page shows besides the form.
pub(crate) struct Context {
    pub goal: goal::Model,
    pub input: GoalInput,
    pub metric_name: String,
    pub findings: Findings,
    pub request: review_request::Model,
}

/// The goal, its values and the evaluation's findings behind a review.
pub(crate) async fn context<C: ConnectionTrait>(
    db: &C,
    request: review_request::Model,
) -> AppResult<Context> {
    let goal = goal::Entity::find_by_id(request.goal_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("the goal of this review no longer exists"))?;
    let spec = goals::spec_from_model(&goal)?;
    let evaluation = evaluation::Entity::find_by_id(request.evaluation_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("review {} without its evaluation", request.id))?;
    let metric_name = match spec.measurable.metric_key.as_deref() {
        Some(key) => metrics::find_metric(db, goal.team_id, key)
            .await?
            .map_or_else(|| key.to_string(), |m| m.name),
        None => "no metric".into(),
    };
    Ok(Context {
        input: spec.to_input(goal.team_id),
        findings: evaluations::findings_of(&evaluation),
        goal,
        metric_name,
        request,
    })
}

impl Context {
    /// The form as first shown: the readjust fields hold the goal's values.
    pub fn prefilled(&self) -> ReviewForm {
        ReviewForm::prefilled(&self.input)
    }

    /// The page's content for `form` with its `errors`. `csrf` is the
    /// session's token (none for the emailed link).
    pub fn view(
        &self,
        form: ReviewForm,
        errors: &FieldErrors,
        csrf: Option<String>,
        can_answer: bool,
    ) -> ReviewView {
        let m = &self.input.measurable;
        let deadline = self.input.time_bound.deadline.as_deref();
        let facts = facts(&ReviewFacts {
            goal_title: &self.goal.title,
            metric_name: &self.metric_name,
            baseline: m.baseline,
            target: m.target,
            deadline: deadline.and_then(|d| d.parse().ok()),
            findings: &self.findings,
            reminder: false,
        });
        let (messages, summary) = messages_of(errors);
        ReviewView {
            goal_title: self.goal.title.clone(),
            metric_name: self.metric_name.clone(),
            facts,
            progress: format!(
                "{:.0}",
                self.findings.progress.unwrap_or(0.0).clamp(0.0, 100.0)
            ),
            expires_at: view::at(self.request.expires_at),
            one_clicks: self
                .findings
                .suggestion
                .as_ref()
                .map(|s| one_clicks(s, m.target, deadline))
                .unwrap_or_default(),
            form,
            messages,
            summary,
            csrf,
            can_answer,
        }
    }
}

/// Answers the review with the form: the outcome, or the messages for the
/// form to come back with (nothing changed then). Other refusals (already
/// answered, expired, goal closed) are errors.
pub(crate) async fn answer(
    db: &DatabaseConnection,
    ctx: &Context,
    form: &ReviewForm,
    answered_by: Option<i32>,
) -> AppResult<Result<Outcome, FieldErrors>> {
    let input = match form.to_answer(&ctx.input) {
        Ok(input) => input,
        Err(errors) => return Ok(Err(errors)),
    };
    match answering::answer_review(db, &ctx.request, input, answered_by, Utc::now()).await {
        Ok(outcome) => Ok(Ok(outcome)),
        Err(AppError::Validation(errors)) => Ok(Err(errors)),
        Err(other) => Err(other),
    }
}

/// What a revision changed, from its stored JSON.
pub(crate) fn changes_of(revision: &goal_revision::Model) -> AppResult<Changes> {
    Ok(Changes {
        old: serde_json::from_str(&revision.old_values).map_err(anyhow::Error::from)?,
        new: serde_json::from_str(&revision.new_values).map_err(anyhow::Error::from)?,
    })
}

/// The answered page's content for an outcome; `who` answered (`None`
/// for the emailed link).
pub(crate) fn answered_view(outcome: &Outcome, who: Option<&str>) -> AppResult<AnsweredView> {
    let changes = outcome.revision.as_ref().map(changes_of).transpose()?;
    Ok(AnsweredView::new(
        &outcome.goal,
        &outcome.answer,
        changes.as_ref(),
        who,
    ))
}
