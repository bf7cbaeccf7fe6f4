use chrono::{NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Warsaw;

use super::*;
use crate::domain::FieldErrors;
use crate::domain::cadence::CadenceKind;

fn settings(kind: CadenceKind, cron: Option<&str>, at: &str) -> ReviewSettings {
    let mut errors = FieldErrors::new();
    let s = ReviewSettings::parse(
        Some(kind),
        cron,
        Some("Europe/Warsaw"),
        Some(at),
        &[],
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:?}");
    s
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The first `n` occurrences after `from`.
fn occurrences(schedule: &Schedule, from: &str, n: usize) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    let mut at = utc(from);
    for _ in 0..n {
        at = schedule.next_after(at).expect("another occurrence");
        out.push(at);
    }
    out
}

fn local_times(times: &[DateTime<Utc>]) -> Vec<String> {
    times
        .iter()
        .map(|t| {
            t.with_timezone(&Warsaw)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string()
        })
        .collect()
}

#[test]
fn a_monthly_warsaw_review_stays_at_nine_local_on_both_sides_of_the_clock_changes() {
    let s = settings(CadenceKind::Monthly, None, "09:00");
    let schedule = Schedule {
        settings: &s,
        anchor: day("2027-01-15"),
    };
    let times = occurrences(&schedule, "2027-01-01T00:00:00Z", 11);
    let utc_hours: Vec<u32> = times.iter().map(|t| t.hour_utc()).collect();
    // CET (UTC+1) until the last Sunday of March, CEST (UTC+2) until the last of October.
    assert_eq!(utc_hours, [8, 8, 7, 7, 7, 7, 7, 7, 7, 8, 8]);
    assert!(
        local_times(&times).iter().all(|t| t.contains(" 09:00 ")),
        "{:?}",
        local_times(&times)
    );
    assert_eq!(times[0], utc("2027-02-15T08:00:00Z"));
    assert_eq!(times[2], utc("2027-04-15T07:00:00Z"));
}

#[test]
fn a_weekly_review_in_the_week_of_each_change_is_at_nine_local() {
    let s = settings(CadenceKind::Weekly, None, "09:00");
    // 2027: the clocks go forward on Sunday 28 March and back on Sunday 31 October.
    let spring = Schedule {
        settings: &s,
        anchor: day("2027-03-15"),
    };
    assert_eq!(
        occurrences(&spring, "2027-03-16T00:00:00Z", 2),
        [utc("2027-03-22T08:00:00Z"), utc("2027-03-29T07:00:00Z")]
    );
    let autumn = Schedule {
        settings: &s,
        anchor: day("2027-10-18"),
    };
    assert_eq!(
        occurrences(&autumn, "2027-10-19T00:00:00Z", 2),
        [utc("2027-10-25T07:00:00Z"), utc("2027-11-01T08:00:00Z")]
    );
}

#[test]
fn a_time_inside_the_spring_gap_moves_to_the_end_of_the_gap_and_a_repeated_time_fires_once() {
    let s = settings(CadenceKind::Weekly, None, "02:30");
    let spring = Schedule {
        settings: &s,
        anchor: day("2027-03-21"),
    };
    // 02:30 does not exist on 28 March: 03:00 CEST is the first moment after.
    assert_eq!(
        spring.next_after(utc("2027-03-22T00:00:00Z")),
        Some(utc("2027-03-28T01:00:00Z"))
    );
    let autumn = Schedule {
        settings: &s,
        anchor: day("2027-10-24"),
    };
    // 02:30 happens twice on 31 October: the first (CEST) only.
    let times = occurrences(&autumn, "2027-10-25T00:00:00Z", 2);
    assert_eq!(
        times,
        [utc("2027-10-31T00:30:00Z"), utc("2027-11-07T01:30:00Z")]
    );
}

#[test]
fn monthly_reviews_from_the_31st_use_the_last_day_of_shorter_months() {
    let s = settings(CadenceKind::Monthly, None, "09:00");
    let schedule = Schedule {
        settings: &s,
        anchor: day("2027-01-31"),
    };
    let days: Vec<String> = occurrences(&schedule, "2027-01-31T12:00:00Z", 4)
        .iter()
        .map(|t| t.with_timezone(&Warsaw).date_naive().to_string())
        .collect();
    assert_eq!(
        days,
        ["2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]
    );
}

#[test]
fn biweekly_and_quarterly_count_from_the_anchor() {
    let s = settings(CadenceKind::Biweekly, None, "09:00");
    let schedule = Schedule {
        settings: &s,
        anchor: day("2027-01-04"),
    };
    assert_eq!(
        schedule.next_after(utc("2027-01-20T00:00:00Z")),
        Some(utc("2027-02-01T08:00:00Z"))
    );
    let s = settings(CadenceKind::Quarterly, None, "09:00");
    let schedule = Schedule {
        settings: &s,
        anchor: day("2027-01-10"),
    };
    let times = occurrences(&schedule, "2027-01-01T00:00:00Z", 3);
    assert_eq!(
        times,
        [
            utc("2027-04-10T07:00:00Z"),
            utc("2027-07-10T07:00:00Z"),
            utc("2027-10-10T07:00:00Z")
        ]
    );
}

#[test]
fn the_first_review_is_one_step_after_the_anchor_and_never_at_or_before_the_given_time() {
    let s = settings(CadenceKind::Weekly, None, "09:00");
    let schedule = Schedule {
        settings: &s,
        anchor: day("2027-01-04"),
    };
    assert_eq!(
        schedule.next_after(utc("2026-12-01T00:00:00Z")),
        Some(utc("2027-01-11T08:00:00Z"))
    );
    let exactly = utc("2027-01-18T08:00:00Z");
    assert_eq!(
        schedule.next_after(exactly),
        Some(utc("2027-01-25T08:00:00Z"))
    );
}

#[test]
fn a_cron_cadence_keeps_its_local_time_across_the_change() {
    let s = settings(CadenceKind::Cron, Some("0 9 * * MON"), "09:00");
    let schedule = Schedule {
        settings: &s,
        anchor: day("2027-03-01"),
    };
    let times = occurrences(&schedule, "2027-03-20T00:00:00Z", 2);
    assert_eq!(
        times,
        [utc("2027-03-22T08:00:00Z"), utc("2027-03-29T07:00:00Z")]
    );
}

#[test]
fn six_weeks_of_downtime_run_the_latest_review_once_and_record_five_as_skipped() {
    let s = settings(CadenceKind::Weekly, None, "09:00");
    let schedule = Schedule {
        settings: &s,
        anchor: day("2027-01-04"),
    };
    let due = utc("2027-01-11T08:00:00Z");
    let plan = schedule.plan(due, utc("2027-02-15T12:00:00Z"));
    assert_eq!(plan.run, Some(utc("2027-02-15T08:00:00Z")));
    assert_eq!(plan.skipped_total, 5);
    assert_eq!(plan.skipped.first(), Some(&due));
    assert_eq!(plan.skipped.last(), Some(&utc("2027-02-08T08:00:00Z")));
    assert_eq!(plan.next_due, Some(utc("2027-02-22T08:00:00Z")));
}

#[test]
fn nothing_runs_before_the_due_time_and_a_long_outage_lists_at_most_a_hundred_skips() {
    let s = settings(CadenceKind::Weekly, None, "09:00");
    let schedule = Schedule {
        settings: &s,
        anchor: day("2020-01-06"),
    };
    let due = utc("2020-01-13T08:00:00Z");
    let early = schedule.plan(due, utc("2020-01-13T07:59:59Z"));
    assert_eq!(
        early,
        DuePlan {
            run: None,
            skipped: vec![],
            skipped_total: 0,
            next_due: Some(due)
        }
    );
    let years = schedule.plan(due, utc("2027-01-01T00:00:00Z"));
    assert_eq!(years.skipped.len(), MAX_LISTED_SKIPS);
    assert!(years.skipped_total > 300);
    assert!(years.run.unwrap() < utc("2027-01-01T00:00:00Z"));
    assert!(years.next_due.unwrap() > utc("2027-01-01T00:00:00Z"));
}

#[test]
fn resolving_a_plain_local_time_is_its_offset() {
    let local = day("2027-07-01").and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap());
    assert_eq!(
        resolve(Warsaw, local),
        Some(Utc.with_ymd_and_hms(2027, 7, 1, 7, 0, 0).unwrap())
    );
}

trait HourUtc {
    fn hour_utc(&self) -> u32;
}

impl HourUtc for DateTime<Utc> {
    fn hour_utc(&self) -> u32 {
        chrono::Timelike::hour(self)
    }
}
