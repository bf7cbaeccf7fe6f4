use super::*;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn milestone_rows_pair_up_in_order_and_blank_rows_drop() {
    let form = GoalForm::from_pairs(pairs(&[
        ("milestone_date", "2099-03-01"),
        ("milestone_target", "10"),
        ("milestone_note", "halfway"),
        ("milestone_date", ""),
        ("milestone_target", ""),
        ("milestone_note", ""),
    ]));
    let (input, errors) = form.to_input(1, GoalStatus::Draft);
    assert!(errors.is_empty());
    assert_eq!(input.measurable.milestones.len(), 1);
    assert_eq!(input.measurable.milestones[0].target, 10.0);
}

#[test]
fn unreadable_numbers_name_their_field() {
    let form = GoalForm::from_pairs(pairs(&[("target", "ten"), ("owner", "x")]));
    let (_, errors) = form.to_input(1, GoalStatus::Draft);
    let fields: Vec<String> = errors.0.iter().map(|e| field_of(&e.pointer)).collect();
    assert_eq!(fields, vec!["owner", "target"]);
}

#[test]
fn pointers_map_to_fields() {
    assert_eq!(field_of("/measurable/target"), "target");
    assert_eq!(field_of("/measurable/milestones/2/date"), "milestone.2");
    assert_eq!(field_of("/review/reviewers/0"), "reviewers");
    assert_eq!(field_of("/nonsense"), "form");
}
