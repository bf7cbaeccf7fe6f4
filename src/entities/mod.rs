//! sea-orm entities, one per table. Plain data; the rules live in `domain`.

pub mod api_token;
pub mod custom_metric;
pub mod evaluation;
pub mod goal;
pub mod goal_revision;
pub mod ingest_batch;
pub mod login_failure;
pub mod membership;
pub mod metric_observation;
pub mod outbox_message;
pub mod review_answer;
pub mod review_request;
pub mod team;
pub mod user;
pub mod web_session;
