use super::*;
use Direction::*;

fn d(days: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + Duration::days(days)
}

/// A goal from day 0 to day 100 from `baseline` to `target`, evaluated on day 50.
fn input<'a>(
    direction: Direction,
    baseline: f64,
    target: f64,
    current: Option<f64>,
    history: &'a [(NaiveDate, f64)],
) -> EvaluationInput<'a> {
    EvaluationInput {
        direction,
        baseline,
        target,
        start: d(0),
        deadline: d(100),
        today: d(50),
        current,
        stale: false,
        history,
        milestones: &[],
    }
}

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-9,
        "{actual} is not {expected}"
    );
}

#[test]
fn a_trend_is_the_least_squares_line_and_needs_three_days() {
    let t = Trend::fit(&[(d(0), 10.0), (d(7), 12.0), (d(14), 14.0)]).unwrap();
    close(t.slope, 2.0 / 7.0);
    close(t.at(d(21)), 16.0);
    // Noisy points: the line through the middle.
    let t = Trend::fit(&[(d(0), 1.0), (d(1), 3.0), (d(2), 2.0), (d(3), 4.0)]).unwrap();
    close(t.slope, 0.8);
    assert!(Trend::fit(&[(d(0), 1.0), (d(1), 2.0)]).is_none());
    assert!(Trend::fit(&[(d(5), 1.0), (d(5), 2.0), (d(5), 3.0)]).is_none());
}

#[test]
fn a_trend_reaching_the_target_by_the_deadline_is_on_track_with_no_suggestion() {
    // 10 → 20 over 100 days, a tenth a day: exactly on target.
    let history: Vec<_> = (0..=5).map(|w| (d(w * 10), 10.0 + w as f64)).collect();
    let f = evaluate(&input(Increase, 10.0, 20.0, Some(15.0), &history));
    assert_eq!(f.status, EvaluationStatus::OnTrack);
    close(f.projected.unwrap(), 20.0);
    close(f.projected_attainment.unwrap(), 100.0);
    close(f.progress.unwrap(), 50.0);
    close(f.expected_progress, 50.0);
    assert_eq!(f.suggestion, None);
}

#[test]
fn a_slow_trend_is_off_track_and_suggests_the_reachable_target_and_a_later_deadline() {
    // Half the pace: 14 at the deadline (40 % of the way), 20 on day 200.
    let history: Vec<_> = (0..=5)
        .map(|w| (d(w * 10), 10.0 + 0.4 * w as f64))
        .collect();
    let f = evaluate(&input(Increase, 10.0, 20.0, Some(12.0), &history));
    assert_eq!(f.status, EvaluationStatus::OffTrack);
    close(f.projected_attainment.unwrap(), 40.0);
    let s = f.suggestion.unwrap();
    close(s.target, 14.0);
    assert_eq!(s.deadline, Some(d(250)));
}

#[test]
fn three_quarters_of_the_way_by_the_deadline_is_at_risk() {
    let history: Vec<_> = (0..=5)
        .map(|w| (d(w * 10), 10.0 + 0.8 * w as f64))
        .collect();
    let f = evaluate(&input(Increase, 10.0, 20.0, Some(14.0), &history));
    close(f.projected_attainment.unwrap(), 80.0);
    assert_eq!(f.status, EvaluationStatus::AtRisk);
}

#[test]
fn decrease_goals_are_judged_the_other_way_round() {
    // Churn 12 % → 8 %: falling fast enough is on track.
    let falling: Vec<_> = (0..=5)
        .map(|w| (d(w * 10), 12.0 - 0.4 * w as f64))
        .collect();
    let f = evaluate(&input(Decrease, 12.0, 8.0, Some(10.0), &falling));
    assert_eq!(f.status, EvaluationStatus::OnTrack);
    // Rising churn: off track, and no date ever reaches the target.
    let rising: Vec<_> = (0..=5)
        .map(|w| (d(w * 10), 12.0 + 0.1 * w as f64))
        .collect();
    let f = evaluate(&input(Decrease, 12.0, 8.0, Some(12.5), &rising));
    assert_eq!(f.status, EvaluationStatus::OffTrack);
    let s = f.suggestion.unwrap();
    close(s.target, 13.0);
    assert_eq!(s.deadline, None);
}

#[test]
fn without_a_trend_progress_is_compared_with_the_time_elapsed() {
    let status = |current| evaluate(&input(Increase, 0.0, 100.0, Some(current), &[])).status;
    assert_eq!(status(40.0), EvaluationStatus::OnTrack);
    assert_eq!(status(25.0), EvaluationStatus::AtRisk);
    assert_eq!(status(24.0), EvaluationStatus::OffTrack);
    assert_eq!(
        evaluate(&input(Increase, 0.0, 100.0, Some(24.0), &[])).suggestion,
        None
    );
}

#[test]
fn no_value_is_insufficient_data_and_old_data_is_stale() {
    let f = evaluate(&input(Increase, 10.0, 20.0, None, &[]));
    assert_eq!(f.status, EvaluationStatus::InsufficientData);
    assert_eq!(f.progress, None);
    let history: Vec<_> = (0..=5).map(|w| (d(w * 10), 10.0 + w as f64)).collect();
    let stale = EvaluationInput {
        stale: true,
        ..input(Increase, 10.0, 20.0, Some(15.0), &history)
    };
    assert_eq!(evaluate(&stale).status, EvaluationStatus::Stale);
}

#[test]
fn the_next_milestone_is_checked_against_the_trend() {
    let history: Vec<_> = (0..=5)
        .map(|w| (d(w * 10), 10.0 + 0.5 * w as f64))
        .collect();
    let milestones = [(d(30), 12.0), (d(70), 14.0), (d(90), 20.0)];
    let f = evaluate(&EvaluationInput {
        milestones: &milestones,
        ..input(Increase, 10.0, 20.0, Some(12.5), &history)
    });
    let next = f.next_milestone.unwrap();
    assert_eq!(next.date, d(70));
    close(next.expected.unwrap(), 13.5);
    assert!(!next.on_course);
    let easier = [(d(70), 13.0)];
    let f = evaluate(&EvaluationInput {
        milestones: &easier,
        ..input(Increase, 10.0, 20.0, Some(12.5), &history)
    });
    assert!(f.next_milestone.unwrap().on_course);
}

#[test]
fn before_the_start_nothing_is_expected_and_after_the_deadline_everything_is() {
    let early = EvaluationInput {
        today: d(-5),
        ..input(Increase, 0.0, 10.0, Some(0.0), &[])
    };
    close(evaluate(&early).expected_progress, 0.0);
    let late = EvaluationInput {
        today: d(120),
        ..input(Increase, 0.0, 10.0, Some(10.0), &[])
    };
    let f = evaluate(&late);
    close(f.expected_progress, 100.0);
    assert_eq!(f.status, EvaluationStatus::OnTrack);
}
