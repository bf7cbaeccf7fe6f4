//! Progress of a goal from its baseline towards its target.

use super::goal::Direction;

/// Share of the way from `baseline` to `target` that `current` has covered,
/// in percent, clamped to 0..=100.
///
/// `(current - baseline) / (target - baseline)` is direction-aware by itself:
/// for a decrease goal both differences are negative. When baseline equals
/// target there is no way to cover, so the goal is either reached (100) or
/// not (0), judged by its direction.
pub fn progress_percent(direction: Direction, baseline: f64, target: f64, current: f64) -> f64 {
    if target == baseline {
        let reached = match direction {
            Direction::Increase => current >= target,
            Direction::Decrease => current <= target,
        };
        return if reached { 100.0 } else { 0.0 };
    }
    // Adding 0.0 turns a -0.0 (no progress on a decrease goal) into 0.
    ((current - baseline) / (target - baseline) * 100.0).clamp(0.0, 100.0) + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;

    #[test]
    fn increase_goals_measure_the_way_up() {
        assert_eq!(progress_percent(Increase, 20.0, 40.0, 30.0), 50.0);
        assert_eq!(progress_percent(Increase, 20.0, 40.0, 20.0), 0.0);
        assert_eq!(progress_percent(Increase, 20.0, 40.0, 40.0), 100.0);
    }

    #[test]
    fn decrease_goals_measure_the_way_down() {
        // Churn from 12 % to 8 %: 11 % is a quarter of the way.
        assert_eq!(progress_percent(Decrease, 12.0, 8.0, 11.0), 25.0);
        assert_eq!(progress_percent(Decrease, 12.0, 8.0, 8.0), 100.0);
    }

    #[test]
    fn progress_is_clamped_both_ways() {
        assert_eq!(progress_percent(Increase, 20.0, 40.0, 10.0), 0.0);
        assert_eq!(progress_percent(Increase, 20.0, 40.0, 55.0), 100.0);
        assert_eq!(progress_percent(Decrease, 12.0, 8.0, 15.0), 0.0);
        assert_eq!(progress_percent(Decrease, 12.0, 8.0, 2.0), 100.0);
    }

    #[test]
    fn baseline_equal_to_target_is_reached_or_not() {
        assert_eq!(progress_percent(Increase, 10.0, 10.0, 10.0), 100.0);
        assert_eq!(progress_percent(Increase, 10.0, 10.0, 9.0), 0.0);
        assert_eq!(progress_percent(Decrease, 10.0, 10.0, 9.0), 100.0);
        assert_eq!(progress_percent(Decrease, 10.0, 10.0, 11.0), 0.0);
    }
}
