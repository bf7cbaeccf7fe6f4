//! The goal pages: dashboard, SMART form (new and edit), goal page with its
//! chart, timeline, revisions and CSV; access and bad input.

use reqwest::StatusCode;
use serde_json::json;
use smarter::domain::account::Role;

use crate::helpers::web::{Page, WebClient};
use crate::helpers::{TestApp, TestUser, complete_goal, dual_test};

const XSS: &str = "<script>alert(1)</script>";
const XSS_ESCAPED: &str = "&#60;script&#62;alert(1)&#60;/script&#62;";

/// The fields of a goal that meets every SMART criterion, as the form sends them.
fn complete_form(title: &str) -> Vec<(&str, String)> {
    [
        ("title", title),
        ("what", "Call every customer who has not ordered in 60 days"),
        ("why", "Churn eats the growth we pay for in marketing"),
        ("metric", "churn_rate"),
        ("direction", ""),
        ("baseline", "12"),
        ("target", "8"),
        ("window_days", "30"),
        ("milestone_date", "2099-03-01"),
        ("milestone_target", "10"),
        ("milestone_note", "halfway"),
        ("milestone_date", ""),
        ("milestone_target", ""),
        ("milestone_note", ""),
        ("resources", "Two hours a day of reception time"),
        ("strategy", "Retention first"),
        ("journey_stage", "retention"),
        ("start", "2099-01-01"),
        ("deadline", "2099-06-30"),
        ("cadence", "weekly"),
        ("timezone", "Europe/Warsaw"),
        ("time_of_day", "09:00"),
        ("reviewers", "lead@example.com"),
        ("intent", "activate"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

fn with(
    mut fields: Vec<(&'static str, String)>,
    key: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    match fields.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value.to_string(),
        None => fields.push((key, value.to_string())),
    }
    fields
}

fn refs<'a>(fields: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn manager(app: &TestApp) -> (TestUser, WebClient) {
    let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
    let web = WebClient::signed_in(app, &ann).await;
    (ann, web)
}

async fn api_goal(app: &TestApp, user: &TestUser, title: &str) -> i64 {
    let mut body = complete_goal(user.team_id);
    body["title"] = json!(title);
    app.create_goal(user, &body).await["id"].as_i64().unwrap()
}

async fn post_form(web: &WebClient, path: &str, fields: &[(&str, String)]) -> Page {
    web.post(path, &refs(fields)).await
}

dual_test! {
    async fn the_dashboard_lists_goals_with_badges_and_filters_narrow_it(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let empty = web.get(&format!("/goals?team={}", ann.team_id)).await;
        assert_eq!(empty.status, StatusCode::OK);
        empty.assert_contains("Create the first goal").assert_contains("/goals/new?team=");

        api_goal(&app, &ann, "Fewer lost customers").await;
        let mut draft = json!({"team_id": ann.team_id, "title": "Happier patients", "measurable": {"metric": "nps"}});
        draft["status"] = json!("draft");
        app.create_goal(&ann, &draft).await;

        let page = web.get(&format!("/goals?team={}", ann.team_id)).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Fewer lost customers")
            .assert_contains("Happier patients")
            .assert_contains("badge draft")
            .assert_contains("insufficient data")
            .assert_contains("target 8")
            .assert_contains("class=\"sparkline\"");

        let nps = web.get(&format!("/goals?team={}&metric=nps", ann.team_id)).await;
        assert!(nps.body.contains("Happier patients") && !nps.body.contains("Fewer lost customers"));
        let drafts = web.get(&format!("/goals?team={}&status=draft", ann.team_id)).await;
        assert!(drafts.body.contains("Happier patients") && !drafts.body.contains("Fewer lost customers"));
        let nobody = web.get(&format!("/goals?team={}&owner=999999", ann.team_id)).await;
        assert!(!nobody.body.contains("Happier patients"));
        nobody.assert_contains("No goal matches these filters");
        let bad = web.get(&format!("/goals?team={}&status=bogus", ann.team_id)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    }
}

dual_test! {
    async fn goals_waiting_for_an_answer_come_first_and_are_marked(app: TestApp) {
        let (ann, web) = manager(&app).await;
        api_goal(&app, &ann, "Older goal").await;
        let reviewed = crate::reviews::reviewed(&app, Some(ann.clone()), "Answer me").await;
        let page = web.get(&format!("/goals?team={}", ann.team_id)).await;
        let first = page.body.find("Answer me").expect("reviewed goal listed");
        let older = page.body.find("Older goal").expect("older goal listed");
        assert!(first < older, "the goal needing an answer comes first");
        page.assert_contains("needs your answer").assert_contains("off track");
        page.assert_contains("href=\"/reviews/");
        let detail = web.get(&format!("/goals/{}", reviewed.goal_id)).await;
        detail.assert_contains("Evaluated: off track");
    }
}

dual_test! {
    async fn a_complete_goal_created_through_the_form_is_stored_and_shown(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let form = web.get(&format!("/goals/new?team={}", ann.team_id)).await;
        assert_eq!(form.status, StatusCode::OK);
        for legend in ["Specific", "Measurable", "Achievable", "Relevant", "Time-bound", "Evaluate and Readjust"] {
            form.assert_contains(legend);
        }
        form.assert_contains("What do you want to do? Why do you set this goal?")
            .assert_contains("name=\"intent\" value=\"draft\"")
            .assert_contains("Churn rate — no data yet");

        let done = post_form(&web, &format!("/goals?team={}", ann.team_id), &complete_form("Fewer lost customers")).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let location = done.location.unwrap();
        assert!(location.starts_with("/goals/"));
        assert_eq!(app.count("goals").await, 1);
        let id: i64 = location.trim_start_matches("/goals/").parse().unwrap();
        let row = app.goal_row(id).await.unwrap();
        assert_eq!(row.status, "active");
        assert_eq!(row.target, Some(8.0));
        let page = web.get(&location).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Fewer lost customers").assert_contains("2099-03-01");
    }
}

dual_test! {
    async fn each_bad_field_comes_back_with_422_its_message_and_the_input_kept(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let path = format!("/goals?team={}", ann.team_id);
        let cases: Vec<(&str, &str, &str)> = vec![
            ("title", "", "must not be empty"),
            ("target", "ten", "is not a number"),
            ("baseline", "abc", "is not a number"),
            ("deadline", "2098-01-01", "must be after the start date"),
            ("metric", "no_such_metric", "unknown metric"),
            ("cadence", "hourly", "not one of the choices"),
            ("timezone", "Mars/Olympus", "Mars/Olympus"),
            ("target", "15", "above the baseline"),
            ("window_days", "9999", "1 to 366"),
        ];
        for (field, value, message) in cases {
            let page = post_form(&web, &path, &with(complete_form("Bad goal"), field, value)).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}: {}", page.body);
            page.assert_contains(&format!("id=\"f-{field}-error\""))
                .assert_contains(message)
                .assert_contains("Call every customer who has not ordered in 60 days");
            if !value.is_empty() && field != "metric" && field != "cadence" {
                page.assert_contains(&format!("value=\"{value}\""));
            }
        }
        let missing = post_form(&web, &path, &with(complete_form("Incomplete"), "what", "")).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        missing.assert_contains("cannot activate the goal").assert_contains("SMART check");
        assert_eq!(app.count("goals").await, 0, "nothing stored");
    }
}

dual_test! {
    async fn a_draft_saves_incomplete_and_check_stores_nothing(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let path = format!("/goals?team={}", ann.team_id);
        let check = post_form(&web, &path, &with(complete_form("Checked"), "intent", "check")).await;
        assert_eq!(check.status, StatusCode::OK, "{}", check.body);
        check.assert_contains("SMART check").assert_contains("✓ Specific");
        assert_eq!(app.count("goals").await, 0);

        let fields = vec![("title", "Just an idea".to_string()), ("intent", "draft".to_string())];
        let done = post_form(&web, &path, &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let id: i64 = done.location.unwrap().trim_start_matches("/goals/").parse().unwrap();
        assert_eq!(app.goal_row(id).await.unwrap().status, "draft");
    }
}

dual_test! {
    async fn an_edit_from_a_stale_version_is_refused_and_changes_nothing(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let id = api_goal(&app, &ann, "Versioned").await;
        let edit = web.get(&format!("/goals/{id}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK);
        edit.assert_contains("name=\"version\" value=\"1\"").assert_contains("SMART check");
        let fields = with(with(complete_form("Versioned again"), "version", "0"), "intent", "save");
        let page = post_form(&web, &format!("/goals/{id}"), &fields).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
        page.assert_contains("Someone changed this goal").assert_contains("Versioned again");
        assert_eq!(app.goal_row(id).await.unwrap().title, "Versioned");
    }
}

dual_test! {
    async fn readjusting_an_active_target_needs_a_reason_and_shows_as_a_revision(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let id = api_goal(&app, &ann, "Readjusted").await;
        let base = with(with(complete_form("Readjusted"), "version", "1"), "intent", "save");
        let no_reason = post_form(&web, &format!("/goals/{id}"), &with(base.clone(), "target", "9")).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_reason.body);
        no_reason.assert_contains("id=\"f-reason-error\"");
        assert_eq!(app.goal_row(id).await.unwrap().target, Some(8.0));

        let fields = with(with(base, "target", "9"), "reason", "Reception is short-staffed until May");
        let done = post_form(&web, &format!("/goals/{id}"), &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(app.goal_row(id).await.unwrap().target, Some(9.0));
        assert_eq!(app.count("goal_revisions").await, 1);
        let page = web.get(&format!("/goals/{id}")).await;
        page.assert_contains("Reception is short-staffed until May")
            .assert_contains("target: 8 → 9")
            .assert_contains("Original target: 8")
            .assert_contains("marker-readjust");
    }
}

dual_test! {
    async fn forms_without_this_sessions_csrf_token_are_refused(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let id = api_goal(&app, &ann, "Guarded").await;
        let other = WebClient::signed_in(&app, &ann).await;
        let forged = complete_form("Forged");
        let mut fields = refs(&forged);
        let none = web.post_raw(&format!("/goals?team={}", ann.team_id), &fields).await;
        assert_eq!(none.status, StatusCode::FORBIDDEN);
        fields.insert(0, ("csrf", other.csrf.as_str()));
        let foreign = web.post_raw(&format!("/goals/{id}"), &fields).await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        let archive = web.post_raw(&format!("/goals/{id}/archive"), &[("csrf", other.csrf.as_str())]).await;
        assert_eq!(archive.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("goals").await, 1);
        let row = app.goal_row(id).await.unwrap();
        assert_eq!((row.title.as_str(), row.version, row.archived_at), ("Guarded", 1, None));
    }
}

dual_test! {
    async fn a_viewer_sees_goals_but_cannot_open_or_send_the_forms(app: TestApp) {
        let (ann, _) = manager(&app).await;
        let id = api_goal(&app, &ann, "Watched").await;
        let vic = app.user("vic@example.com", "Clinic", Role::Viewer).await;
        let web = WebClient::signed_in(&app, &vic).await;
        assert_eq!(web.get(&format!("/goals?team={}", ann.team_id)).await.status, StatusCode::OK);
        let detail = web.get(&format!("/goals/{id}")).await;
        assert_eq!(detail.status, StatusCode::OK);
        assert!(!detail.body.contains("/archive"), "no archive button for a viewer");
        assert_eq!(web.get(&format!("/goals/new?team={}", ann.team_id)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(web.get(&format!("/goals/{id}/edit")).await.status, StatusCode::FORBIDDEN);
        let create = post_form(&web, &format!("/goals?team={}", ann.team_id), &complete_form("Viewer's")).await;
        assert_eq!(create.status, StatusCode::FORBIDDEN);
        let fields = with(with(complete_form("Changed"), "version", "1"), "intent", "save");
        assert_eq!(post_form(&web, &format!("/goals/{id}"), &fields).await.status, StatusCode::FORBIDDEN);
        assert_eq!(web.post(&format!("/goals/{id}/archive"), &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("goals").await, 1);
        let row = app.goal_row(id).await.unwrap();
        assert_eq!((row.title.as_str(), row.version, row.archived_at), ("Watched", 1, None));
    }
}

dual_test! {
    async fn another_teams_goal_is_not_found(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let bob = app.user("bob@example.com", "Rival", Role::Manager).await;
        let id = api_goal(&app, &bob, "Secret").await;
        for path in [format!("/goals/{id}"), format!("/goals/{id}/edit"), format!("/goals/{id}/chart.csv")] {
            let page = web.get(&path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!page.body.contains("Secret"));
        }
        let fields = with(with(complete_form("Taken"), "version", "1"), "intent", "save");
        assert_eq!(post_form(&web, &format!("/goals/{id}"), &fields).await.status, StatusCode::NOT_FOUND);
        assert_eq!(web.get(&format!("/goals?team={}", bob.team_id)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.goal_row(id).await.unwrap().title, "Secret");
        let _ = ann;
    }
}

dual_test! {
    async fn a_hostile_title_is_shown_escaped_on_every_goal_page(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let id = api_goal(&app, &ann, XSS).await;
        for path in [format!("/goals?team={}", ann.team_id), format!("/goals/{id}"), format!("/goals/{id}/edit")] {
            let page = web.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            page.assert_contains(XSS_ESCAPED);
            assert!(!page.body.contains(XSS), "{path} shows the script raw");
        }
        let bad = post_form(&web, &format!("/goals?team={}", ann.team_id), &with(complete_form(XSS), "target", "x")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!bad.body.contains(XSS));
    }
}

dual_test! {
    async fn the_goal_page_has_an_accessible_chart_and_its_numbers_as_csv(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let id = api_goal(&app, &ann, "Charted").await;
        for (day, value) in [("2026-10-05", 12.0), ("2026-10-12", 11.5), ("2026-10-19", 11.0)] {
            app.record_observation(&ann, "churn_rate", day, value).await;
        }
        let page = web.get(&format!("/goals/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("<svg class=\"chart\"")
            .assert_contains("<title id=")
            .assert_contains("<desc id=")
            .assert_contains("level-target")
            .assert_contains("series-milestone")
            .assert_contains("<table class=\"points\">")
            .assert_contains("Download the numbers (CSV)");
        let csv = web.get(&format!("/goals/{id}/chart.csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(csv.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert!(csv.body.starts_with("date,series,value\r\n"), "{}", csv.body);
        assert!(csv.body.contains("2099-03-01,milestones,10"));
        assert!(csv.body.contains(",target,8"));
    }
}

dual_test! {
    async fn the_dashboard_shows_every_change_at_once_whoever_made_it(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let first = api_goal(&app, &ann, "Fewer lost customers").await;
        web.get(&format!("/goals?team={}", ann.team_id)).await.assert_contains("Fewer lost customers");

        // Changes made outside this page (another process, the API) show on the next view.
        let mut body = complete_goal(ann.team_id);
        body["title"] = json!("Fewer lost patients");
        body["version"] = json!(1);
        let response = app.put(&format!("/api/v1/goals/{first}"), &ann.token, &body).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = web.get(&format!("/goals?team={}", ann.team_id)).await;
        page.assert_contains("Fewer lost patients");
        assert!(!page.body.contains("Fewer lost customers"));

        api_goal(&app, &ann, "More five-star reviews").await;
        let page = web.get(&format!("/goals?team={}", ann.team_id)).await;
        page.assert_contains("More five-star reviews").assert_contains("Fewer lost patients");

        let leo = app.user("leo@example.com", "Other team", Role::Manager).await;
        app.join(&leo, "Clinic", Role::Manager).await;
        let page = web.get(&format!("/goals?team={}", ann.team_id)).await;
        page.assert_contains(&format!("<option value=\"{}\"", leo.id));

        let response = app.delete(&format!("/api/v1/goals/{first}"), &ann.token).await;
        assert!(response.status().is_success(), "{}", response.status());
        let page = web.get(&format!("/goals?team={}", ann.team_id)).await;
        assert!(!page.body.contains("Fewer lost patients"), "an archived goal leaves the dashboard");
    }
}
