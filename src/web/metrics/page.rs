//! `GET /metrics/{key}`: one metric per day, week or month with the sample
//! behind each point, its filters and its formula in words; the same
//! numbers as CSV at `/metrics/{key}/series.csv`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;

use super::observations::{ObservationForm, ObservationRow, observation_rows};
use super::series::{Loaded, PageQuery, SeriesForm, load, period};
use super::{better_text, find_def, team_param, value_text, with_unit};
use crate::domain::cx_formulas::{CxMetric, MetricValue};
use crate::domain::events::from_millis;
use crate::domain::metric::{Formula, MetricDef, formula};
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::cx_metrics;
use crate::web::chart::{LineChart, Point, Series, Style, csv, csv_response, format_number};
use crate::web::chrome::Chrome;
use crate::web::error::WebResult;
use crate::web::messages::FormMessages;
use crate::web::render::html;
use crate::web::session::WebUser;

/// One point of the table under the chart.
struct PointRow {
    period: String,
    value: String,
    ok: bool,
    n: i64,
    denominator: Option<i64>,
}

fn value_with_margin(def: &MetricDef, v: &MetricValue) -> String {
    match v.margin_of_error.filter(|_| v.is_ok()) {
        Some(margin) => format!("{} ± {}", value_text(def.unit, v), format_number(margin)),
        None => value_text(def.unit, v),
    }
}

fn chart(def: &MetricDef, loaded: &Loaded) -> String {
    let points: Vec<Point> = loaded
        .points
        .iter()
        .filter_map(|(start, _, v)| {
            v.value.filter(|_| v.is_ok()).map(|value| Point {
                at: from_millis(*start),
                value,
            })
        })
        .collect();
    let description = format!(
        "{} per {} from {} to {}: {} of {} points have enough data. The table below lists every point with its sample size.",
        def.name,
        loaded.bucket,
        period(loaded.bucket, loaded.start),
        from_millis(loaded.end - 1).date_naive(),
        points.len(),
        loaded.points.len()
    );
    LineChart {
        title: def.name.clone(),
        description,
        y_label: format!("{} ({})", def.name, def.unit),
        x_range: Some((from_millis(loaded.start), from_millis(loaded.end))),
        series: vec![Series {
            label: def.name.clone(),
            points,
            style: Style::Line,
            class: "series-main",
        }],
        levels: vec![],
        markers: vec![],
    }
    .to_svg()
}

#[derive(Template)]
#[template(path = "metrics/metric.html")]
struct MetricPage {
    chrome: Chrome,
    /// The value over the last `trailing_days`, as the catalog shows it.
    current: String,
    trailing_days: i64,
    def: MetricDef,
    formula: Formula,
    better: &'static str,
    min_sample: i64,
    /// The filter that applies to the metric, if any.
    filter_param: Option<&'static str>,
    form: SeriesForm,
    problem: Option<String>,
    field_messages: FormMessages,
    /// Built by `LineChart::to_svg`, which escapes its text.
    chart: String,
    rows: Vec<PointRow>,
    csv_link: String,
    observations: Vec<ObservationRow>,
    obs_form: ObservationForm,
    obs_messages: FormMessages,
}

/// What the page needs besides the series: the observation form's state.
pub(super) struct Extra {
    pub obs_form: ObservationForm,
    pub obs_messages: FormMessages,
    pub status: StatusCode,
}

pub(super) async fn metric_page(
    State(state): State<AppState>,
    user: WebUser,
    Path(key): Path<String>,
    Query(query): Query<PageQuery>,
) -> WebResult {
    let extra = Extra {
        obs_form: ObservationForm::today(Utc::now().date_naive()),
        obs_messages: FormMessages::new(),
        status: StatusCode::OK,
    };
    render(&state, &user, &key, &query, extra).await
}

/// The metric page; a bad query parameter is shown on it with a 400.
pub(super) async fn render(
    state: &AppState,
    user: &WebUser,
    key: &str,
    query: &PageQuery,
    extra: Extra,
) -> WebResult {
    let (team_id, _) = user.team(team_param(query.team.as_deref())?)?;
    let def = find_def(state, team_id, key).await?;
    let chrome = Chrome::load(&state.db, user, team_id, "metrics").await?;
    let form = SeriesForm::read(query, Utc::now().date_naive());
    let settings = cx_metrics::settings(&state.db, team_id, &def.key).await?;
    let filter_param = def
        .builtin
        .then(|| def.key.parse::<CxMetric>().ok())
        .flatten()
        .map(|m| m.filter_param());
    let (_, now_value) = super::catalog::trailing(
        state,
        user,
        team_id,
        &def.key,
        Utc::now().timestamp_millis(),
    )
    .await?;
    let current = match now_value.value.filter(|_| now_value.is_ok()) {
        Some(_) => format!(
            "{} (n = {})",
            value_with_margin(&def, &now_value),
            now_value.n
        ),
        None => value_text(def.unit, &now_value),
    };
    let observations = if def.builtin {
        Vec::new()
    } else {
        observation_rows(state, team_id, &def).await?
    };
    let mut page = MetricPage {
        current,
        trailing_days: super::catalog::TRAILING_DAYS,
        formula: formula(&def.key),
        better: better_text(def.better),
        min_sample: settings.min_sample,
        filter_param,
        csv_link: format!(
            "/metrics/{}/series.csv?{}",
            def.key,
            form.query_string(team_id)
        ),
        form,
        problem: None,
        field_messages: FormMessages::new(),
        chart: String::new(),
        rows: Vec::new(),
        observations,
        obs_form: extra.obs_form,
        obs_messages: extra.obs_messages,
        chrome,
        def,
    };
    let mut status = extra.status;
    match load(state, user, &page.def.key, team_id, &page.form).await {
        Ok(loaded) => {
            page.chart = chart(&page.def, &loaded);
            page.rows = loaded
                .points
                .iter()
                .map(|(start, _, v)| PointRow {
                    period: period(loaded.bucket, *start),
                    value: value_with_margin(&page.def, v),
                    ok: v.is_ok(),
                    n: v.n,
                    denominator: v.denominator,
                })
                .collect();
        }
        Err(AppError::BadRequest { detail, errors }) => {
            page.field_messages =
                FormMessages::from_errors(&errors, |p| p.trim_start_matches('/').to_string());
            page.problem = Some(detail);
            status = StatusCode::BAD_REQUEST;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(html(status, &page))
}

/// The series as CSV: one row per bucket, with its sample size.
pub(super) async fn series_csv(
    State(state): State<AppState>,
    user: WebUser,
    Path(key): Path<String>,
    Query(query): Query<PageQuery>,
) -> WebResult<Response> {
    let (team_id, _) = user.team(team_param(query.team.as_deref())?)?;
    let def = find_def(&state, team_id, &key).await?;
    let form = SeriesForm::read(&query, Utc::now().date_naive());
    let loaded = load(&state, &user, &def.key, team_id, &form).await?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    let rows = loaded.points.iter().map(|(start, end, v)| {
        vec![
            from_millis(*start).to_rfc3339(),
            from_millis(*end).to_rfc3339(),
            opt(v.value.filter(|_| v.is_ok()).map(format_number)),
            v.n.to_string(),
            opt(v.denominator.map(|d| d.to_string())),
            opt(v.margin_of_error.map(format_number)),
            v.status.to_string(),
            loaded.min_sample.to_string(),
        ]
    });
    let body = csv(
        &[
            "start",
            "end",
            "value",
            "n",
            "denominator",
            "margin_of_error",
            "status",
            "min_sample",
        ],
        rows,
    );
    Ok(csv_response(
        &format!("{}-{}.csv", def.key, loaded.bucket),
        body,
    ))
}

/// The metric's value shown with its unit (for templates).
pub(super) fn unit_value(def: &MetricDef, value: &f64) -> String {
    with_unit(def.unit, *value)
}
