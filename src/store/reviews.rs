//! Review requests and the mail that asks for them, written in the
//! evaluation's transaction (a transactional outbox).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::domain::evaluation::Findings;
use crate::domain::goal::GoalSpec;
use crate::entities::{goal, outbox_message, review_request, user};
use crate::error::AppResult;
use crate::mail::compose::{ReviewFacts, review_email};
use crate::store::metrics;
use crate::store::tokens::hash_token;

/// Opens a review request for an evaluation and queues its email to the
/// goal's owner and reviewers; returns the request.
pub async fn open_review<C: ConnectionTrait>(
    db: &C,
    goal: &goal::Model,
    spec: &GoalSpec,
    evaluation_id: i64,
    findings: &Findings,
    link_ttl: Duration,
    now: DateTime<Utc>,
) -> AppResult<review_request::Model> {
    let token = new_review_token();
    let request = review_request::ActiveModel {
        goal_id: Set(goal.id),
        team_id: Set(goal.team_id),
        evaluation_id: Set(evaluation_id),
        token_hash: Set(hash_token(&token)),
        status: Set("pending".into()),
        expires_at: Set(now + link_ttl),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let m = &spec.measurable;
    let metric_name = match m.metric_key.as_deref() {
        Some(key) => metrics::metrics_for_team(db, goal.team_id)
            .await?
            .into_iter()
            .find(|d| d.key == key)
            .map_or_else(|| key.to_string(), |d| d.name),
        None => "no metric".into(),
    };
    let mail = review_email(&ReviewFacts {
        goal_title: &spec.title,
        metric_name: &metric_name,
        baseline: m.baseline,
        target: m.target,
        deadline: spec.time_bound.deadline,
        findings,
        reminder: false,
    });
    for recipient in recipients(db, goal, spec).await? {
        outbox_message::ActiveModel {
            message_key: Set(format!("review-{}-{recipient}", request.id)),
            team_id: Set(goal.team_id),
            review_request_id: Set(Some(request.id)),
            kind: Set("review".into()),
            recipient: Set(recipient),
            subject: Set(mail.subject.clone()),
            text_body: Set(mail.text.clone()),
            html_body: Set(mail.html.clone()),
            review_token: Set(Some(token.clone())),
            status: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(request)
}

/// The owner first, then the reviewers, each once.
async fn recipients<C: ConnectionTrait>(
    db: &C,
    goal: &goal::Model,
    spec: &GoalSpec,
) -> AppResult<Vec<String>> {
    let mut all = Vec::new();
    if let Some(owner) = user::Entity::find_by_id(goal.owner_id).one(db).await? {
        all.push(owner.email.to_lowercase());
    }
    for reviewer in &spec.review.reviewers {
        let reviewer = reviewer.to_lowercase();
        if !all.contains(&reviewer) {
            all.push(reviewer);
        }
    }
    Ok(all)
}

/// 256 random bits, URL-safe.
fn new_review_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("rv_{}", URL_SAFE_NO_PAD.encode(bytes))
}
