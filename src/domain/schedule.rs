//! When a goal's reviews fall due: the occurrences of its cadence at the
//! review time of day in its time zone, as UTC instants.
//!
//! Calendar cadences count from an anchor date (the goal's start): weekly
//! and biweekly on the anchor's weekday, monthly and quarterly on its day of
//! the month (the month's last day when shorter). The wall-clock time stays
//! put across daylight-saving changes: a 09:00 Europe/Warsaw review is at
//! 09:00 Warsaw time in winter and in summer. A time that does not exist on
//! the day (inside a spring-forward gap) moves to the first moment after the
//! gap; a time that happens twice (fall back) fires once, at the first.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::cadence::{Cadence, ReviewSettings};
use super::goal::{GoalSpec, GoalStatus};

/// The most missed occurrences a catch-up lists one by one; the rest are counted.
pub const MAX_LISTED_SKIPS: usize = 100;

/// What to do about a goal's reviews at `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuePlan {
    /// The latest occurrence at or before `now`, to run now.
    pub run: Option<DateTime<Utc>>,
    /// Older occurrences missed while nothing ran: recorded, not replayed
    /// (the oldest first, at most `MAX_LISTED_SKIPS`).
    pub skipped: Vec<DateTime<Utc>>,
    /// How many were skipped in all.
    pub skipped_total: u64,
    /// The first occurrence after `now`; `None` when the cadence has no more.
    pub next_due: Option<DateTime<Utc>>,
}

/// A goal's review rhythm, ready to compute dates.
#[derive(Clone, Debug)]
pub struct Schedule<'a> {
    pub settings: &'a ReviewSettings,
    /// The date calendar cadences count from.
    pub anchor: NaiveDate,
}

impl Schedule<'_> {
    /// The first occurrence strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let tz = self.settings.timezone;
        let step = match &self.settings.cadence {
            Cadence::Cron(_, cron) => {
                let local = after.with_timezone(&tz);
                return cron
                    .find_next_occurrence(&local, false)
                    .ok()
                    .map(|t| t.with_timezone(&Utc));
            }
            Cadence::Weekly => Step::Days(7),
            Cadence::Biweekly => Step::Days(14),
            Cadence::Monthly => Step::Months(1),
            Cadence::Quarterly => Step::Months(3),
        };
        // Start a little before the answer and walk forward: the local date
        // of `after` gives the number of steps to within one. The first
        // review is one step after the anchor, not on it.
        let local_day = after.with_timezone(&tz).date_naive();
        let mut k = step
            .index_near(self.anchor, local_day)
            .saturating_sub(1)
            .max(1);
        loop {
            let day = step.nth(self.anchor, k)?;
            let at = resolve(tz, day.and_time(self.settings.time_of_day))?;
            if at > after {
                return Some(at);
            }
            k += 1;
        }
    }

    /// Plans the reviews at `now` for a goal whose next review was due at
    /// `due` (UTC): every occurrence from `due` up to `now` is missed but
    /// the latest, which runs; the next one after `now` becomes due.
    pub fn plan(&self, due: DateTime<Utc>, now: DateTime<Utc>) -> DuePlan {
        let mut plan = DuePlan {
            run: None,
            skipped: Vec::new(),
            skipped_total: 0,
            next_due: Some(due),
        };
        while let Some(at) = plan.next_due.filter(|at| *at <= now) {
            if let Some(earlier) = plan.run.replace(at) {
                plan.skipped_total += 1;
                if plan.skipped.len() < MAX_LISTED_SKIPS {
                    plan.skipped.push(earlier);
                }
            }
            plan.next_due = self.next_after(at);
        }
        plan
    }
}

/// The settings a goal's schedule follows, as text; `None` unless the goal
/// is active. An edit that keeps the key keeps the next review date.
pub fn schedule_key(spec: &GoalSpec) -> Option<String> {
    if spec.status != GoalStatus::Active {
        return None;
    }
    let r = &spec.review;
    Some(format!(
        "{}|{}|{}|{}|{}",
        r.cadence.kind(),
        r.cadence.cron_expression().unwrap_or(""),
        r.timezone.name(),
        r.time_of_day.format("%H:%M"),
        spec.time_bound
            .start
            .map(|d| d.to_string())
            .unwrap_or_default()
    ))
}

/// The first review of an active goal after `now`; calendar cadences count
/// from the goal's start (or from today, in the goal's time zone).
pub fn first_review(spec: &GoalSpec, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if spec.status != GoalStatus::Active {
        return None;
    }
    let today = now.with_timezone(&spec.review.timezone).date_naive();
    let schedule = Schedule {
        settings: &spec.review,
        anchor: spec.time_bound.start.unwrap_or(today),
    };
    schedule.next_after(now)
}

/// How far apart calendar occurrences are.
#[derive(Clone, Copy, Debug)]
enum Step {
    Days(u32),
    Months(u32),
}

impl Step {
    /// Occurrence `k` (from 0) counted from `anchor`; month steps keep the
    /// anchor's day, or the month's last day when it has fewer.
    fn nth(self, anchor: NaiveDate, k: u32) -> Option<NaiveDate> {
        match self {
            Step::Days(days) => {
                anchor.checked_add_signed(Duration::days(i64::from(days) * i64::from(k)))
            }
            Step::Months(months) => anchor.checked_add_months(Months::new(months.checked_mul(k)?)),
        }
    }

    /// The number of whole steps from `anchor` to `day` (0 before the anchor).
    fn index_near(self, anchor: NaiveDate, day: NaiveDate) -> u32 {
        if day <= anchor {
            return 0;
        }
        let n = match self {
            Step::Days(days) => (day - anchor).num_days() / i64::from(days),
            Step::Months(months) => {
                let total =
                    (day.year() - anchor.year()) * 12 + day.month() as i32 - anchor.month() as i32;
                i64::from(total) / i64::from(months)
            }
        };
        u32::try_from(n.max(0)).unwrap_or(u32::MAX)
    }
}

/// A local wall-clock time in `tz` as a UTC instant: the first of two when
/// the clock falls back, the first moment after the gap when it springs forward.
pub fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(at) = tz.from_local_datetime(&local).earliest() {
        return Some(at.with_timezone(&Utc));
    }
    // Inside a gap: walk forward a minute at a time to the end of it (gaps
    // are at most a few hours).
    (1..=24 * 60).find_map(|minutes| {
        let later = local + Duration::minutes(minutes);
        tz.from_local_datetime(&later)
            .earliest()
            .map(|at| at.with_timezone(&Utc))
    })
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
