//! Time windows and series buckets in UTC: days, ISO weeks (from Monday)
//! and calendar months. Times are milliseconds since the Unix epoch.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate};

use crate::domain::text_enum::text_enum;

text_enum! {
    /// The length of one step of a series.
    Bucket {
        Day => "day",
        /// An ISO week, Monday 00:00 UTC to the next Monday.
        Week => "week",
        /// A calendar month in UTC.
        Month => "month",
    }
}

const DAY_MS: i64 = 86_400_000;

fn date_of(ms: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(ms).map(|t| t.date_naive())
}

fn millis_of(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp_millis()
}

impl Bucket {
    /// The start of the bucket that holds `ms`.
    pub fn floor(self, ms: i64) -> Option<i64> {
        let date = date_of(ms)?;
        let start = match self {
            Bucket::Day => date,
            Bucket::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            Bucket::Month => date.with_day(1)?,
        };
        Some(millis_of(start))
    }

    /// The start of the bucket after the one that starts at `start`.
    pub fn next(self, start: i64) -> Option<i64> {
        let date = date_of(start)?;
        let next = match self {
            Bucket::Day => date.checked_add_days(Days::new(1))?,
            Bucket::Week => date.checked_add_days(Days::new(7))?,
            Bucket::Month => date.checked_add_months(Months::new(1))?,
        };
        Some(millis_of(next))
    }

    /// The start of the bucket before the one that starts at `start`.
    pub fn previous(self, start: i64) -> Option<i64> {
        let date = date_of(start)?;
        let previous = match self {
            Bucket::Day => date.checked_sub_days(Days::new(1))?,
            Bucket::Week => date.checked_sub_days(Days::new(7))?,
            Bucket::Month => date.checked_sub_months(Months::new(1))?,
        };
        Some(millis_of(previous))
    }
}

/// A half-open window `[from, to)` with `from < to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: i64,
    pub to: i64,
}

impl Window {
    /// `None` unless `from` is before `to`.
    pub fn new(from: i64, to: i64) -> Option<Window> {
        (from < to).then_some(Window { from, to })
    }

    pub fn duration(self) -> i64 {
        self.to - self.from
    }

    /// The window of the same length just before this one.
    pub fn previous(self) -> Window {
        Window {
            from: self.from.saturating_sub(self.duration()),
            to: self.from,
        }
    }
}

/// Why a series cannot be laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutError {
    /// More buckets than allowed (at least this many were needed).
    TooManyBuckets(usize),
    /// A date outside what the calendar handles.
    OutOfRange,
}

/// Consecutive buckets, plus the period just before the first one (churn
/// compares each bucket with the one before it).
///
/// Bucket `j` is `[bounds[j + 1], bounds[j + 2])`; the period before is
/// `[bounds[0], bounds[1])` and has index −1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    bounds: Vec<i64>,
}

impl Layout {
    /// One window, preceded by the window of the same length before it.
    pub fn single(window: Window) -> Layout {
        Layout {
            bounds: vec![window.previous().from, window.from, window.to],
        }
    }

    /// Whole buckets covering `window`: the first holds `window.from`, the
    /// last holds the moment before `window.to`.
    pub fn series(bucket: Bucket, window: Window, max: usize) -> Result<Layout, LayoutError> {
        let first = bucket.floor(window.from).ok_or(LayoutError::OutOfRange)?;
        let mut bounds = vec![
            bucket.previous(first).ok_or(LayoutError::OutOfRange)?,
            first,
        ];
        let mut end = first;
        while end < window.to {
            if bounds.len() - 2 == max {
                return Err(LayoutError::TooManyBuckets(max + 1));
            }
            end = bucket.next(end).ok_or(LayoutError::OutOfRange)?;
            bounds.push(end);
        }
        Ok(Layout { bounds })
    }

    /// The number of buckets (without the period before them).
    pub fn len(&self) -> usize {
        self.bounds.len() - 2
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bucket `j`, from 0.
    pub fn bucket(&self, j: usize) -> Window {
        Window {
            from: self.bounds[j + 1],
            to: self.bounds[j + 2],
        }
    }

    /// Where the period before the first bucket starts.
    pub fn previous_start(&self) -> i64 {
        self.bounds[0]
    }

    /// Where the first bucket starts.
    pub fn start(&self) -> i64 {
        self.bounds[1]
    }

    /// Where the last bucket ends.
    pub fn end(&self) -> i64 {
        self.bounds[self.bounds.len() - 1]
    }

    /// Every boundary, from the start of the period before to the end.
    pub fn bounds(&self) -> &[i64] {
        &self.bounds
    }

    /// The common length when every step (the period before included) is as
    /// long as the others: days, weeks, a single window.
    pub fn uniform_len(&self) -> Option<i64> {
        let len = self.bounds[1] - self.bounds[0];
        self.bounds
            .windows(2)
            .all(|w| w[1] - w[0] == len)
            .then_some(len)
    }

    /// The bucket holding `ms`: −1 for the period before, −2 before that,
    /// `len()` from the end on.
    pub fn index_of(&self, ms: i64) -> i64 {
        self.bounds.partition_point(|&b| b <= ms) as i64 - 2
    }
}

/// Milliseconds in a day, for callers that build windows of days.
pub const fn days(n: i64) -> i64 {
    n * DAY_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::parse_timestamp;

    fn t(s: &str) -> i64 {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn weeks_start_on_monday_in_utc() {
        // 2026-01-01 is a Thursday; its ISO week starts on Monday 2025-12-29.
        assert_eq!(
            Bucket::Week.floor(t("2026-01-01T15:00:00Z")),
            Some(t("2025-12-29"))
        );
        assert_eq!(Bucket::Week.floor(t("2025-12-29")), Some(t("2025-12-29")));
        // Sunday 23:59 belongs to the week that started six days before.
        assert_eq!(
            Bucket::Week.floor(t("2026-01-04T23:59:59Z")),
            Some(t("2025-12-29"))
        );
        // An offset is converted to UTC first: Monday 00:30 in Warsaw is Sunday in UTC.
        assert_eq!(
            Bucket::Week.floor(t("2026-01-05T00:30:00+01:00")),
            Some(t("2025-12-29"))
        );
    }

    #[test]
    fn months_are_calendar_months() {
        assert_eq!(
            Bucket::Month.floor(t("2024-02-29T10:00:00Z")),
            Some(t("2024-02-01"))
        );
        assert_eq!(Bucket::Month.next(t("2024-02-01")), Some(t("2024-03-01")));
        assert_eq!(
            Bucket::Month.previous(t("2024-03-01")),
            Some(t("2024-02-01"))
        );
        assert_eq!(
            Bucket::Month.previous(t("2024-01-01")),
            Some(t("2023-12-01"))
        );
    }

    #[test]
    fn a_series_covers_the_window_with_whole_buckets() {
        let window = Window::new(t("2026-01-01"), t("2026-01-13")).unwrap();
        let layout = Layout::series(Bucket::Week, window, 1000).unwrap();
        assert_eq!(layout.len(), 3);
        assert_eq!(layout.previous_start(), t("2025-12-22"));
        assert_eq!(
            layout.bucket(0),
            Window::new(t("2025-12-29"), t("2026-01-05")).unwrap()
        );
        assert_eq!(layout.end(), t("2026-01-19"));
        assert_eq!(layout.uniform_len(), Some(days(7)));
        // A window ending exactly on a boundary needs no extra bucket.
        let exact = Window::new(t("2026-01-05"), t("2026-01-19")).unwrap();
        assert_eq!(Layout::series(Bucket::Week, exact, 1000).unwrap().len(), 2);
    }

    #[test]
    fn month_series_are_not_uniform() {
        let window = Window::new(t("2026-01-15"), t("2026-03-01")).unwrap();
        let layout = Layout::series(Bucket::Month, window, 1000).unwrap();
        assert_eq!(
            layout.bounds(),
            &[
                t("2025-12-01"),
                t("2026-01-01"),
                t("2026-02-01"),
                t("2026-03-01")
            ]
        );
        assert_eq!(layout.uniform_len(), None);
    }

    #[test]
    fn too_many_buckets_are_refused() {
        let window = Window::new(t("2020-01-01"), t("2026-01-01")).unwrap();
        assert!(matches!(
            Layout::series(Bucket::Day, window, 1000),
            Err(LayoutError::TooManyBuckets(n)) if n > 1000
        ));
        let exactly = Window::new(t("2026-01-01"), t("2026-01-01") + days(1000)).unwrap();
        assert_eq!(
            Layout::series(Bucket::Day, exactly, 1000).unwrap().len(),
            1000
        );
        let one_more = Window::new(exactly.from, exactly.to + 1).unwrap();
        assert!(Layout::series(Bucket::Day, one_more, 1000).is_err());
    }

    #[test]
    fn a_single_window_is_compared_with_the_one_before() {
        let window = Window::new(t("2026-02-01"), t("2026-03-01")).unwrap();
        let layout = Layout::single(window);
        assert_eq!(layout.len(), 1);
        assert_eq!(layout.previous_start(), t("2026-02-01") - days(28));
        assert_eq!(layout.uniform_len(), Some(days(28)));
        assert_eq!(layout.index_of(t("2026-01-04") - 1), -2);
        assert_eq!(layout.index_of(t("2026-01-04")), -1);
        assert_eq!(layout.index_of(t("2026-02-01")), 0);
        assert_eq!(layout.index_of(t("2026-03-01") - 1), 0);
        assert_eq!(layout.index_of(t("2026-03-01")), 1);
    }

    #[test]
    fn windows_must_move_forward() {
        assert!(Window::new(5, 5).is_none());
        assert_eq!(
            Window::new(10, 15).unwrap().previous(),
            Window { from: 5, to: 10 }
        );
    }
}
