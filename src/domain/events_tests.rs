use std::collections::HashMap;

use super::*;

fn row(pairs: &[(&str, &str)]) -> HashMap<String, RawValue> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), RawValue::Text(v.to_string())))
        .collect()
}

fn parse(kind: EventKind, pairs: &[(&str, &str)]) -> Result<Event, Vec<RowError>> {
    let map = row(pairs);
    parse_event(kind, 7, |c| map.get(c).cloned())
}

fn columns(result: Result<Event, Vec<RowError>>) -> Vec<String> {
    result
        .unwrap_err()
        .into_iter()
        .map(|e| e.column.unwrap_or_default())
        .collect()
}

#[test]
fn an_order_with_a_plain_date_is_midnight_utc() {
    let event = parse(
        EventKind::Orders,
        &[
            ("order_id", "o1"),
            ("customer_id", "c1"),
            ("ordered_at", "2026-05-04"),
            ("amount", "12.50"),
        ],
    )
    .unwrap();
    let Event::Order(order) = event else { panic!() };
    assert_eq!(order.ordered_at, 1_777_852_800_000);
    assert_eq!(order.amount, 12.5);
    assert_eq!(order.channel, None);
}

#[test]
fn offsets_are_converted_to_utc() {
    assert_eq!(
        parse_timestamp("2026-05-04T02:00:00+02:00"),
        parse_timestamp("2026-05-04")
    );
    assert!(
        parse_timestamp("2026-05-04T02:00:00")
            .unwrap_err()
            .contains("no UTC offset")
    );
    assert!(
        parse_timestamp("yesterday")
            .unwrap_err()
            .contains("not a timestamp")
    );
    assert!(parse_timestamp("2026-02-30").is_err());
}

#[test]
fn negative_amounts_and_missing_ids_are_named() {
    let cols = columns(parse(
        EventKind::Orders,
        &[
            ("customer_id", "c1"),
            ("ordered_at", "2026-05-04"),
            ("amount", "-3"),
        ],
    ));
    assert_eq!(cols, ["order_id", "amount"]);
}

#[test]
fn ratings_must_be_one_to_five() {
    for bad in ["0", "6", "4.5", "five"] {
        let cols = columns(parse(
            EventKind::Reviews,
            &[
                ("review_id", "r"),
                ("rating", bad),
                ("source", "google"),
                ("reviewed_at", "2026-05-04"),
            ],
        ));
        assert_eq!(cols, ["rating"], "{bad}");
    }
}

#[test]
fn survey_scores_follow_their_scale() {
    let base = |kind: &'static str, score: &'static str| {
        parse(
            EventKind::Surveys,
            &[
                ("response_id", "s"),
                ("kind", kind),
                ("score", score),
                ("responded_at", "2026-05-04"),
            ],
        )
    };
    assert!(base("nps", "0").is_ok());
    assert!(base("nps", "10").is_ok());
    assert_eq!(columns(base("nps", "11")), ["score"]);
    assert_eq!(columns(base("ces", "0")), ["score"]);
    assert_eq!(columns(base("csat", "6")), ["score"]);
    assert_eq!(columns(base("happiness", "3")), ["kind"]);
}

#[test]
fn json_numbers_are_accepted_for_numeric_columns() {
    let mut map = row(&[
        ("order_id", "o1"),
        ("customer_id", "c1"),
        ("ordered_at", "2026-05-04"),
    ]);
    map.insert("amount".into(), RawValue::Number(99.0));
    assert!(parse_event(EventKind::Orders, 0, |c| map.get(c).cloned()).is_ok());
}
