use super::*;
use crate::domain::metric::builtin_metrics;

fn close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a value");
    assert!(
        (actual - expected).abs() < 1e-9,
        "{actual} is not {expected}"
    );
}

#[test]
fn every_builtin_catalog_metric_has_a_formula() {
    let keys: Vec<String> = builtin_metrics().into_iter().map(|m| m.key).collect();
    let formulas: Vec<&str> = CxMetric::ALL.iter().map(|m| m.as_str()).collect();
    assert_eq!(keys, formulas);
}

#[test]
fn nps_subtracts_detractor_share_from_promoter_share() {
    // 5 promoters, 3 passives, 2 detractors: 50 % − 20 % = 30.
    let v = nps(5, 2, 10, 10);
    close(v.value, 30.0);
    assert_eq!(
        (v.n, v.denominator, v.status),
        (10, Some(10), MetricStatus::Ok)
    );
    // p = .5, d = .2: 1.96 × √((.7 − .09) / 10) × 100 = 48.4085…
    close(v.margin_of_error, 1.96 * (0.61f64 / 10.0).sqrt() * 100.0);
    assert!((v.margin_of_error.unwrap() - 48.4085).abs() < 1e-3);
}

#[test]
fn nps_of_all_promoters_is_100_and_of_all_detractors_minus_100() {
    let all_promoters = nps(30, 0, 30, 30);
    close(all_promoters.value, 100.0);
    close(all_promoters.margin_of_error, 0.0);
    close(nps(0, 30, 30, 30).value, -100.0);
    close(nps(0, 0, 30, 30).value, 0.0); // all passives
}

#[test]
fn the_minimum_sample_is_inclusive() {
    assert!(nps(10, 0, 30, 30).is_ok());
    let short = nps(10, 0, 29, 30);
    assert_eq!(short.status, MetricStatus::InsufficientData);
    assert_eq!(
        (short.value, short.margin_of_error, short.n),
        (None, None, 29)
    );
    assert!(percentage(1, 30, 30).is_ok());
    assert!(!percentage(1, 29, 30).is_ok());
    assert!(mean(90, 30, 30).is_ok());
    assert!(!mean(87, 29, 30).is_ok());
}

#[test]
fn an_empty_window_never_divides_by_zero() {
    for v in [nps(0, 0, 0, 0), percentage(0, 0, 0), mean(0, 0, 0)] {
        assert_eq!(v.status, MetricStatus::InsufficientData);
        assert_eq!((v.value, v.n), (None, 0));
    }
}

#[test]
fn percentages_and_means_are_hand_computed() {
    // CSAT: 3 of 4 answers are 4 or 5.
    let csat = percentage(3, 4, 1);
    close(csat.value, 75.0);
    assert_eq!(csat.denominator, Some(4));
    // CES: scores 7, 5, 6 → 6.
    let ces = mean(18, 3, 1);
    close(ces.value, 6.0);
    assert_eq!((ces.n, ces.denominator), (3, None));
    // One customer of three came back: 33.3…
    close(percentage(1, 3, 1).value, 100.0 / 3.0);
}

#[test]
fn counts_need_one_by_default_and_may_count_zero() {
    assert!(!count(0, DEFAULT_MIN_SAMPLE_COUNT).is_ok());
    close(count(1, DEFAULT_MIN_SAMPLE_COUNT).value, 1.0);
    close(count(0, 0).value, 0.0);
}

#[test]
fn evaluate_reads_the_fields_each_metric_needs() {
    let tally = Tally {
        base: 40,
        hits: 20,
        detractors: 8,
        sum: 160,
    };
    close(evaluate(CxMetric::Nps, tally, 30).value, 30.0);
    close(evaluate(CxMetric::Csat, tally, 30).value, 50.0);
    close(evaluate(CxMetric::ChurnRate, tally, 30).value, 50.0);
    close(evaluate(CxMetric::Ces, tally, 30).value, 4.0);
    close(evaluate(CxMetric::ReviewCount, tally, 1).value, 40.0);
    assert_eq!(evaluate(CxMetric::Ces, tally, 30).margin_of_error, None);
}

#[test]
fn a_filter_for_another_kind_of_metric_is_named() {
    let by_source = Filters {
        source: Some("google".into()),
        ..Filters::default()
    };
    assert_eq!(
        by_source.for_metric(CxMetric::AvgRating),
        Ok(Some("google"))
    );
    let err = by_source.for_metric(CxMetric::Nps).unwrap_err();
    assert_eq!(err.param, "source");
    assert!(err.message.contains("by touchpoint"), "{}", err.message);
    assert_eq!(Filters::default().for_metric(CxMetric::Nps), Ok(None));
}

#[test]
fn settings_default_per_metric_and_are_checked() {
    assert_eq!(MetricSettings::defaults("nps").min_sample, 30);
    assert_eq!(MetricSettings::defaults("review_count").min_sample, 1);
    assert_eq!(MetricSettings::defaults("no_show_rate").min_sample, 1);
    let chosen = MetricSettings::chosen("nps", Some(50), None).unwrap();
    assert_eq!((chosen.min_sample, chosen.stale_after_days), (50, 14));
    let errors = MetricSettings::chosen("nps", Some(-1), Some(0)).unwrap_err();
    let pointers: Vec<_> = errors.0.iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(pointers, ["/min_sample", "/stale_after_days"]);
}

#[test]
fn custom_metrics_use_their_observations() {
    let latest = latest_observation(&[4.0, 6.0, 5.0], 1);
    close(latest.value, 5.0);
    assert_eq!(latest.n, 3);
    assert!(!latest_observation(&[], 1).is_ok());
    close(observation_mean(&[4.0, 6.0, 5.0], 1).value, 5.0);
    assert!(!observation_mean(&[], 0).is_ok());
}

#[test]
fn each_metric_has_one_filter_and_a_default_minimum() {
    assert_eq!(CxMetric::Nps.filter_param(), "touchpoint");
    assert_eq!(CxMetric::AvgRating.filter_param(), "source");
    assert_eq!(CxMetric::ChurnRate.filter_param(), "channel");
    assert_eq!(CxMetric::ReviewCount.default_min_sample(), 1);
    assert_eq!(CxMetric::ReferralRate.default_min_sample(), 30);
}
