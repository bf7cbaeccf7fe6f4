use super::*;

#[test]
fn catalog_has_the_ten_builtins_and_churn_is_lower_better() {
    let keys: Vec<_> = builtin_metrics().into_iter().map(|m| m.key).collect();
    assert_eq!(keys.len(), 10);
    assert_eq!(builtin_metric("churn_rate").unwrap().better, Better::Lower);
    assert!(builtin_metric("nope").is_none());
}

#[test]
fn every_builtin_has_its_formula_in_words() {
    for def in builtin_metrics() {
        assert_ne!(formula(&def.key), CUSTOM_FORMULA, "{}", def.key);
    }
    assert_eq!(formula("no_show_rate"), CUSTOM_FORMULA);
}

#[test]
fn values_outside_the_range_are_refused() {
    let nps = builtin_metric("nps").unwrap();
    assert!(nps.check_value(-100.0).is_ok());
    assert!(nps.check_value(101.0).unwrap_err().contains("above"));
    assert!(nps.check_value(f64::NAN).is_err());
    let count = builtin_metric("review_count").unwrap();
    assert!(count.check_value(2.5).unwrap_err().contains("whole number"));
}

fn custom(key: &str) -> CustomMetricInput {
    CustomMetricInput {
        team_id: 1,
        key: key.into(),
        name: "No-show rate".into(),
        unit: Unit::Percent,
        better: Better::Lower,
        description: None,
        journey_stage: None,
        touchpoint: None,
        min: None,
        max: None,
    }
}

#[test]
fn custom_percent_metrics_get_a_0_to_100_range() {
    let def = MetricDef::parse_custom(custom("no_show_rate")).unwrap();
    assert_eq!((def.min, def.max), (Some(0.0), Some(100.0)));
}

#[test]
fn custom_keys_must_be_new_and_well_formed() {
    for bad in ["nps", "No Show", "1abc", "x", ""] {
        let errors = MetricDef::parse_custom(custom(bad)).unwrap_err();
        assert_eq!(errors.0[0].pointer, "/key", "{bad}");
    }
}
