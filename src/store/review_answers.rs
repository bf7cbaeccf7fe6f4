//! Finding review requests, claiming one for an answer, and the answers.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::review::Answer;
use crate::entities::{review_answer, review_request};
use crate::error::AppResult;
use crate::store::tokens::hash_token;

/// Where a review request stands, as the API shows it. A pending request
/// past its `expires_at` is expired, whatever its stored status says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewState {
    Pending,
    Answered,
    Expired,
}

impl ReviewState {
    pub fn of(request: &review_request::Model, now: DateTime<Utc>) -> ReviewState {
        match request.status.as_str() {
            "answered" => ReviewState::Answered,
            "pending" if request.expires_at > now => ReviewState::Pending,
            _ => ReviewState::Expired,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Pending => "pending",
            ReviewState::Answered => "answered",
            ReviewState::Expired => "expired",
        }
    }
}

/// The request, if it belongs to one of `team_ids`.
pub async fn find_in_teams<C: ConnectionTrait>(
    db: &C,
    id: i64,
    team_ids: &[i32],
) -> AppResult<Option<review_request::Model>> {
    Ok(review_request::Entity::find_by_id(id)
        .filter(review_request::Column::TeamId.is_in(team_ids.iter().copied()))
        .one(db)
        .await?)
}

/// The request an emailed link's token opens.
pub async fn find_by_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> AppResult<Option<review_request::Model>> {
    Ok(review_request::Entity::find()
        .filter(review_request::Column::TokenHash.eq(hash_token(token)))
        .one(db)
        .await?)
}

/// Marks the request answered if it is still pending and unexpired at
/// `now`; `false` when it was not (answered meanwhile, or expired). The
/// conditional update is the claim: of two answers racing, one wins.
pub async fn claim<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> AppResult<bool> {
    let result = review_request::Entity::update_many()
        .col_expr(review_request::Column::Status, Expr::value("answered"))
        .col_expr(review_request::Column::AnsweredAt, Expr::value(now))
        .filter(review_request::Column::Id.eq(id))
        .filter(review_request::Column::Status.eq("pending"))
        .filter(review_request::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Who answered a review, and through which door.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answerer {
    /// The emailed link: no account, the token is the proof.
    Link,
    /// A signed-in user of the web pages.
    Web(i32),
    /// An API token's owner.
    Api(i32),
}

impl Answerer {
    pub fn user_id(self) -> Option<i32> {
        match self {
            Answerer::Link => None,
            Answerer::Web(id) | Answerer::Api(id) => Some(id),
        }
    }

    pub fn via(self) -> &'static str {
        match self {
            Answerer::Link => "link",
            Answerer::Web(_) => "web",
            Answerer::Api(_) => "api",
        }
    }
}

/// Records an answer.
pub async fn insert_answer<C: ConnectionTrait>(
    db: &C,
    request: &review_request::Model,
    answer: &Answer,
    answerer: Answerer,
    now: DateTime<Utc>,
) -> AppResult<review_answer::Model> {
    Ok(review_answer::ActiveModel {
        review_request_id: Set(request.id),
        goal_id: Set(request.goal_id),
        team_id: Set(request.team_id),
        decision: Set(answer.decision.as_str().to_string()),
        assessment_went_well: Set(answer.went_well.clone()),
        assessment_blocked: Set(answer.blocked.clone()),
        confidence: Set(answer.confidence),
        reason: Set(answer.reason.clone()),
        answered_by: Set(answerer.user_id()),
        answered_via: Set(answerer.via().into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Which requests a list shows.
#[derive(Clone, Debug)]
pub struct ReviewFilter {
    pub team_ids: Vec<i32>,
    pub state: Option<ReviewState>,
    /// Only requests older than this one (keyset pagination, newest first).
    pub before_id: Option<i64>,
    pub limit: u64,
}

/// Requests matching the filter, newest first; at most `limit`.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &ReviewFilter,
    now: DateTime<Utc>,
) -> AppResult<Vec<review_request::Model>> {
    use review_request::Column as C;
    let mut query =
        review_request::Entity::find().filter(C::TeamId.is_in(filter.team_ids.iter().copied()));
    query = match filter.state {
        None => query,
        Some(ReviewState::Answered) => query.filter(C::Status.eq("answered")),
        Some(ReviewState::Pending) => query
            .filter(C::Status.eq("pending"))
            .filter(C::ExpiresAt.gt(now)),
        Some(ReviewState::Expired) => query.filter(
            Condition::any()
                .add(C::Status.eq("expired"))
                .add(C::Status.eq("pending").and(C::ExpiresAt.lte(now))),
        ),
    };
    if let Some(before) = filter.before_id {
        query = query.filter(C::Id.lt(before));
    }
    Ok(query
        .order_by_desc(C::Id)
        .limit(filter.limit)
        .all(db)
        .await?)
}

/// The answers to these requests.
pub async fn answers_for<C: ConnectionTrait>(
    db: &C,
    request_ids: &[i64],
) -> AppResult<Vec<review_answer::Model>> {
    if request_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(review_answer::Entity::find()
        .filter(review_answer::Column::ReviewRequestId.is_in(request_ids.iter().copied()))
        .all(db)
        .await?)
}

/// Every answer a goal's reviews got, newest first.
pub async fn answers_for_goal<C: ConnectionTrait>(
    db: &C,
    goal_id: i32,
) -> AppResult<Vec<review_answer::Model>> {
    Ok(review_answer::Entity::find()
        .filter(review_answer::Column::GoalId.eq(goal_id))
        .order_by_desc(review_answer::Column::Id)
        .all(db)
        .await?)
}
