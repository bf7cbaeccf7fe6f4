//! Review requests and the mail that asks for them, written in the
//! evaluation's transaction (a transactional outbox).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};

use crate::domain::evaluation::Findings;
use crate::domain::goal::GoalSpec;
use crate::entities::{evaluation, goal, outbox_message, review_request, user};
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
    queue_mail(db, goal, spec, &request, findings, &token, false, now).await?;
    Ok(request)
}

/// Queues the review email (or its reminder) to the goal's people; the
/// message key makes queueing the same mail twice a no-op.
#[allow(clippy::too_many_arguments)]
async fn queue_mail<C: ConnectionTrait>(
    db: &C,
    goal: &goal::Model,
    spec: &GoalSpec,
    request: &review_request::Model,
    findings: &Findings,
    token: &str,
    reminder: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
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
        reminder,
    });
    let kind = if reminder { "reminder" } else { "review" };
    for recipient in recipients(db, goal, spec).await? {
        outbox_message::ActiveModel {
            message_key: Set(format!("{kind}-{}-{recipient}", request.id)),
            team_id: Set(goal.team_id),
            review_request_id: Set(Some(request.id)),
            kind: Set(kind.into()),
            recipient: Set(recipient),
            subject: Set(mail.subject.clone()),
            text_body: Set(mail.text.clone()),
            html_body: Set(mail.html.clone()),
            review_token: Set(Some(token.to_string())),
            status: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Sends one reminder for each review still unanswered `after` it was
/// asked for (and not expired). The reminder carries a new link, which
/// replaces the first one (only one token hash is kept). Returns how many.
pub async fn send_reminders(
    db: &DatabaseConnection,
    after: Duration,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let due = review_request::Entity::find()
        .filter(review_request::Column::Status.eq("pending"))
        .filter(review_request::Column::RemindedAt.is_null())
        .filter(review_request::Column::CreatedAt.lte(now - after))
        .filter(review_request::Column::ExpiresAt.gt(now))
        .all(db)
        .await?;
    let mut sent = 0;
    for request in due {
        let txn = db.begin().await?;
        let token = new_review_token();
        let claimed = review_request::Entity::update_many()
            .col_expr(review_request::Column::RemindedAt, Expr::value(Some(now)))
            .col_expr(
                review_request::Column::TokenHash,
                Expr::value(hash_token(&token)),
            )
            .filter(review_request::Column::Id.eq(request.id))
            .filter(review_request::Column::Status.eq("pending"))
            .filter(review_request::Column::RemindedAt.is_null())
            .exec(&txn)
            .await?;
        let goal = goal::Entity::find_by_id(request.goal_id).one(&txn).await?;
        let evaluation = evaluation::Entity::find_by_id(request.evaluation_id)
            .one(&txn)
            .await?;
        let (Some(goal), Some(evaluation), 1) = (goal, evaluation, claimed.rows_affected) else {
            txn.rollback().await?;
            continue;
        };
        let spec = crate::store::goals::spec_from_model(&goal)?;
        let findings = crate::store::evaluations::findings_of(&evaluation);
        queue_mail(&txn, &goal, &spec, &request, &findings, &token, true, now).await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
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
