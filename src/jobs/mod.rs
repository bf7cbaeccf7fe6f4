//! Work that runs on a schedule. Each job is a plain async function taking
//! `now`; the scheduler only triggers it.

pub mod cycles;
pub mod scheduler;
