use super::*;
use chrono::TimeZone;

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, 0, 0, 0).unwrap()
}

fn chart() -> LineChart {
    LineChart {
        title: "NPS <weekly>".into(),
        description: "NPS rose from 10 to 30 & more".into(),
        y_label: "NPS".into(),
        x_range: None,
        series: vec![Series {
            label: "measured".into(),
            points: vec![
                Point {
                    at: day(1),
                    value: 10.0,
                },
                Point {
                    at: day(8),
                    value: 20.0,
                },
                Point {
                    at: day(15),
                    value: 30.0,
                },
            ],
            style: Style::Line,
            class: "series-main",
        }],
        levels: vec![Level {
            label: "target".into(),
            value: 40.0,
            class: "level-target",
        }],
        markers: vec![Marker {
            at: day(8),
            label: "readjusted: <b>".into(),
            class: "marker-readjust",
        }],
    }
}

#[test]
fn ticks_are_round_and_cover_the_range() {
    assert_eq!(
        nice_ticks(0.0, 100.0, 5),
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    assert_eq!(nice_ticks(3.2, 4.7, 5), vec![3.0, 3.5, 4.0, 4.5, 5.0]);
    let flat = nice_ticks(5.0, 5.0, 5);
    assert!(flat.first().unwrap() < &5.0 && flat.last().unwrap() > &5.0);
    let negative = nice_ticks(-12.0, 7.0, 5);
    assert!(negative[0] <= -12.0 && *negative.last().unwrap() >= 7.0);
}

#[test]
fn numbers_lose_trailing_zeros() {
    assert_eq!(format_number(40.0), "40");
    assert_eq!(format_number(4.5), "4.5");
    assert_eq!(format_number(1.0 / 3.0), "0.33");
    assert_eq!(format_number(-2.0), "-2");
}

#[test]
fn the_chart_has_its_text_alternative_and_escapes_all_text() {
    let svg = chart().to_svg();
    assert!(svg.starts_with("<svg class=\"chart\""));
    assert!(svg.contains("<title id=") && svg.contains("NPS &lt;weekly&gt;"));
    assert!(svg.contains("<desc id=") && svg.contains("30 &amp; more"));
    assert!(svg.contains("readjusted: &lt;b&gt;"));
    assert!(!svg.contains("<b>") && !svg.contains("<weekly>"));
    assert!(svg.ends_with("</svg>"));
}

#[test]
fn points_levels_and_markers_land_where_their_values_say() {
    let svg = chart().to_svg();
    // Values 10..40 give ticks 10..40; the plot spans y 16..236, x 56..624.
    assert!(
        svg.contains("<polyline fill=\"none\" points=\"56.0,236.0 340.0,162.7 624.0,89.3 \"/>")
    );
    assert!(
        svg.contains("y1=\"16.0\" y2=\"16.0\""),
        "the target sits on the top tick"
    );
    assert!(
        svg.contains("<line x1=\"340.0\" x2=\"340.0\" y1=\"16\""),
        "the marker is mid-way"
    );
    assert_eq!(svg.matches("<circle").count(), 3);
    assert!(svg.contains("measured: 20 on 2026-03-08"));
}

#[test]
fn projections_are_dashed_and_milestones_are_dots() {
    let mut c = chart();
    c.series.push(Series {
        label: "projection".into(),
        points: vec![
            Point {
                at: day(15),
                value: 30.0,
            },
            Point {
                at: day(29),
                value: 50.0,
            },
        ],
        style: Style::Dashed,
        class: "series-projection",
    });
    c.series.push(Series {
        label: "milestones".into(),
        points: vec![Point {
            at: day(22),
            value: 35.0,
        }],
        style: Style::Dots,
        class: "series-milestone",
    });
    let svg = c.to_svg();
    assert!(svg.contains("stroke-dasharray=\"6 4\""));
    assert!(svg.contains("milestones: 35 on 2026-03-22"));
    assert_eq!(svg.matches("<polyline").count(), 2, "dots draw no line");
}

#[test]
fn an_empty_chart_says_so() {
    let mut c = chart();
    c.series.clear();
    c.markers.clear();
    let svg = c.to_svg();
    assert!(svg.contains("No data in this period"));
    assert!(c.is_empty());
}

#[test]
fn sparklines_scale_to_their_box() {
    let svg = sparkline(&[1.0, 3.0, 2.0], "trend <up>");
    assert!(svg.contains("aria-label=\"trend &lt;up&gt;\""));
    assert!(svg.contains("points=\"0.0,22.0 50.0,2.0 100.0,12.0 \""));
    assert!(
        sparkline(&[], "none").ends_with("\"></svg>")
            || !sparkline(&[], "none").contains("polyline")
    );
    assert!(sparkline(&[4.0], "one").contains("<circle"));
}

#[test]
fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
    let doc = csv(
        &["week", "value"],
        vec![
            vec!["2026-03-02".to_string(), "-12.5".to_string()],
            vec!["a,b".to_string(), "=HYPERLINK(\"x\")".to_string()],
        ],
    );
    assert_eq!(
        doc,
        "week,value\r\n2026-03-02,-12.5\r\n\"a,b\",\"'=HYPERLINK(\"\"x\"\")\"\r\n"
    );
}
