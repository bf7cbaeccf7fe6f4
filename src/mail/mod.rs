//! Email: the review messages (plain text and HTML) and their delivery from
//! the outbox.

pub mod compose;
pub mod deliver;
