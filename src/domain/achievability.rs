//! The Achievable criterion, checked against history: is the pace a goal
//! needs one the metric has ever shown?

use serde::Serialize;
use utoipa::ToSchema;

use super::goal::Direction;

/// What the history says about the pace a goal needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The needed pace has been reached before.
    WithinHistory,
    /// Faster than the best pace on record.
    Stretch,
    /// The metric never improved over a period of this length.
    NoPrecedent,
    /// Too little history to judge.
    NotEnoughHistory,
    /// The current value already meets the target.
    AlreadyReached,
}

/// The comparison behind the verdict, per week, in the metric's unit.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct PaceAdvice {
    pub verdict: Verdict,
    /// In words and numbers, for the manager.
    pub message: String,
    /// Improvement per week the goal needs from now to the deadline.
    pub needed_per_week: Option<f64>,
    /// The best improvement per week over any past period of the same length.
    pub best_per_week: Option<f64>,
    /// The median improvement per week over those periods.
    pub typical_per_week: Option<f64>,
    /// Length of the compared periods, in weeks.
    pub period_weeks: usize,
    /// How many past periods were compared.
    pub periods: usize,
}

/// Fewest weekly values that make a history.
const MIN_WEEKS: usize = 4;

/// Compares the pace needed to go from `current` to `target` in
/// `weeks_left` with the rolling changes of `weekly` values (oldest first;
/// `None` for weeks without enough data) over periods of the same length.
pub fn advise(
    weekly: &[Option<f64>],
    direction: Direction,
    current: f64,
    target: f64,
    weeks_left: f64,
) -> PaceAdvice {
    let sign = match direction {
        Direction::Increase => 1.0,
        Direction::Decrease => -1.0,
    };
    let gain = (target - current) * sign;
    let known = weekly.iter().flatten().count();
    let mut advice = PaceAdvice {
        verdict: Verdict::NotEnoughHistory,
        message: String::new(),
        needed_per_week: None,
        best_per_week: None,
        typical_per_week: None,
        period_weeks: 0,
        periods: 0,
    };
    if gain <= 0.0 {
        advice.verdict = Verdict::AlreadyReached;
        advice.message = format!(
            "the current value {} already meets the target {}",
            round(current),
            round(target)
        );
        return advice;
    }
    let weeks_left = weeks_left.max(1.0);
    let needed = gain / weeks_left;
    advice.needed_per_week = Some(needed);
    if known < MIN_WEEKS {
        advice.message =
            format!("not enough history to judge: {known} weeks with data, {MIN_WEEKS} needed");
        return advice;
    }
    let k = (weeks_left.round() as usize).clamp(1, weekly.len() - 1);
    let mut paces: Vec<f64> = (0..weekly.len() - k)
        .filter_map(|i| match (weekly[i], weekly[i + k]) {
            (Some(a), Some(b)) => Some((b - a) * sign / k as f64),
            _ => None,
        })
        .collect();
    advice.period_weeks = k;
    advice.periods = paces.len();
    if paces.is_empty() {
        advice.message =
            format!("not enough history to judge: no two weeks {k} weeks apart both have data");
        return advice;
    }
    paces.sort_by(f64::total_cmp);
    let best = paces[paces.len() - 1];
    let typical = paces[paces.len() / 2];
    advice.best_per_week = Some(best);
    advice.typical_per_week = Some(typical);
    let numbers = format!(
        "it needs {} per week; over {} past {k}-week periods the best was {} and the typical {}",
        round(needed),
        paces.len(),
        round(best),
        round(typical)
    );
    (advice.verdict, advice.message) = if best <= 0.0 {
        (
            Verdict::NoPrecedent,
            format!(
                "no precedent in the data: the metric never improved over {k} weeks; {numbers}"
            ),
        )
    } else if needed <= best {
        (
            Verdict::WithinHistory,
            format!("within what the data has done before: {numbers}"),
        )
    } else {
        (
            Verdict::Stretch,
            format!(
                "stretch: {:.1}× the best pace on record; {numbers}",
                needed / best
            ),
        )
    };
    advice
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0 + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().copied().map(Some).collect()
    }

    #[test]
    fn a_pace_seen_before_is_within_history() {
        // Rises 1 point a week; the goal needs 0.5 a week.
        let history = weeks(&[10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0]);
        let advice = advise(&history, Direction::Increase, 17.0, 19.0, 4.0);
        assert_eq!(advice.verdict, Verdict::WithinHistory);
        assert_eq!(advice.needed_per_week, Some(0.5));
        assert_eq!(advice.best_per_week, Some(1.0));
        assert_eq!(advice.period_weeks, 4);
        assert!(
            advice
                .message
                .starts_with("within what the data has done before")
        );
    }

    #[test]
    fn a_faster_pace_is_a_stretch_with_its_ratio() {
        let history = weeks(&[10.0, 11.0, 12.0, 13.0, 14.0, 15.0]);
        let advice = advise(&history, Direction::Increase, 15.0, 27.0, 5.0);
        assert_eq!(advice.verdict, Verdict::Stretch);
        assert!(
            advice
                .message
                .starts_with("stretch: 2.4× the best pace on record"),
            "{}",
            advice.message
        );
    }

    #[test]
    fn a_metric_that_never_improved_has_no_precedent() {
        // Churn only ever went up; the goal wants it down.
        let history = weeks(&[5.0, 5.5, 6.0, 6.5, 7.0, 7.5]);
        let advice = advise(&history, Direction::Decrease, 7.5, 5.0, 2.0);
        assert_eq!(advice.verdict, Verdict::NoPrecedent);
        assert!(advice.message.starts_with("no precedent in the data"));
    }

    #[test]
    fn decrease_goals_count_falls_as_progress() {
        let history = weeks(&[9.0, 8.5, 8.0, 7.5, 7.0]);
        let advice = advise(&history, Direction::Decrease, 7.0, 6.0, 2.0);
        assert_eq!(advice.verdict, Verdict::WithinHistory);
        assert_eq!(advice.best_per_week, Some(0.5));
    }

    #[test]
    fn short_or_patchy_history_is_not_judged() {
        let advice = advise(&weeks(&[1.0, 2.0]), Direction::Increase, 2.0, 3.0, 4.0);
        assert_eq!(advice.verdict, Verdict::NotEnoughHistory);
        let patchy = vec![Some(1.0), None, Some(2.0), None, Some(3.0), None, Some(4.0)];
        let advice = advise(&patchy, Direction::Increase, 4.0, 5.0, 1.0);
        assert_eq!(advice.verdict, Verdict::NotEnoughHistory);
    }

    #[test]
    fn a_reached_target_needs_no_pace() {
        let advice = advise(&weeks(&[1.0; 8]), Direction::Decrease, 3.0, 4.0, 4.0);
        assert_eq!(advice.verdict, Verdict::AlreadyReached);
    }
}
