//! The goal list: filters and keyset pages.

use reqwest::StatusCode;
use serde_json::{Value, json};
use smarter::domain::account::Role;

use super::{create_titled, goal_path, id_of};
use crate::helpers::{TestApp, TestUser, complete_goal, dual_test};

/// One page of the list for `query`.
async fn page(app: &TestApp, user: &TestUser, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/goals{query}"), &user.token).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

async fn ids(app: &TestApp, user: &TestUser, query: &str) -> Vec<i64> {
    page(app, user, query).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect()
}

/// Walks every page of `limit` goals; returns the ids and the page sizes.
async fn walk(app: &TestApp, user: &TestUser, limit: u32) -> (Vec<i64>, Vec<usize>) {
    let (mut all, mut sizes) = (Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("?limit={limit}&cursor={c}"),
            None => format!("?limit={limit}"),
        };
        let page = page(app, user, &query).await;
        let items = page["items"].as_array().unwrap();
        sizes.push(items.len());
        all.extend(items.iter().map(id_of));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return (all, sizes),
        }
        assert!(sizes.len() < 100, "the pages never end");
    }
}

dual_test! {
    async fn the_list_filters_by_team_status_metric_owner_and_archived(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let bob = app.user("bob@example.com", "Support", Role::Manager).await;
        let reviews = app.join(&ann, "Reviews", Role::Manager).await;
        let outsider = app.user("olga@example.com", "Sales", Role::Manager).await;
        app.create_goal(&outsider, &complete_goal(outsider.team_id)).await;

        let active = id_of(&app.create_goal(&ann, &complete_goal(ann.team_id)).await);
        let nps_draft = id_of(&app.create_goal(&ann, &json!({
            "team_id": ann.team_id, "title": "Promoters", "owner_id": bob.id,
            "measurable": {"metric": "nps"}
        })).await);
        let in_reviews = id_of(&app.create_goal(&ann, &complete_goal(reviews)).await);
        let archived = create_titled(&app, &ann, ann.team_id, "Old idea").await;
        assert_eq!(app.delete(&goal_path(archived), &ann.token).await.status(), StatusCode::NO_CONTENT);

        let support = ann.team_id;
        let cases: Vec<(String, Vec<i64>)> = vec![
            (String::new(), vec![active, nps_draft, in_reviews]),
            (format!("?team={support}"), vec![active, nps_draft]),
            (format!("?team={reviews}"), vec![in_reviews]),
            ("?status=draft".into(), vec![nps_draft]),
            ("?status=active".into(), vec![active, in_reviews]),
            ("?status=achieved".into(), vec![]),
            ("?metric=nps".into(), vec![nps_draft]),
            ("?metric=churn_rate".into(), vec![active, in_reviews]),
            (format!("?owner={}", bob.id), vec![nps_draft]),
            (format!("?owner={}", ann.id), vec![active, in_reviews]),
            ("?archived=true".into(), vec![active, nps_draft, in_reviews, archived]),
            ("?archived=true&status=draft".into(), vec![nps_draft, archived]),
            (format!("?team={support}&status=active&metric=churn_rate&owner={}", ann.id), vec![active]),
        ];
        for (query, expected) in cases {
            assert_eq!(ids(&app, &ann, &query).await, expected, "{query}");
        }
        // Bob sees his own team only.
        assert_eq!(ids(&app, &bob, "").await, [active, nps_draft]);
    }
}

dual_test! {
    async fn keyset_pages_walk_every_goal_once(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let mut created = Vec::new();
        for n in 0..7 {
            created.push(create_titled(&app, &ann, ann.team_id, &format!("Goal {n}")).await);
        }

        let (all, sizes) = walk(&app, &ann, 3).await;
        assert_eq!(all, created);
        assert_eq!(sizes, [3, 3, 1]);
        let (all, sizes) = walk(&app, &ann, 7).await;
        assert_eq!(all, created);
        assert_eq!(sizes, [7], "a full last page has no next cursor");
        let (_, sizes) = walk(&app, &ann, 1).await;
        assert_eq!(sizes, [1; 7]);

        let first = page(&app, &ann, "?limit=50").await;
        assert!(first["next_cursor"].is_null(), "the default page holds them all");
    }
}

dual_test! {
    async fn a_goal_created_while_paging_shows_up_on_a_later_page(app: TestApp) {
        let ann = app.user("ann@example.com", "Support", Role::Manager).await;
        let mut created = Vec::new();
        for n in 0..4 {
            created.push(create_titled(&app, &ann, ann.team_id, &format!("Goal {n}")).await);
        }
        let first = page(&app, &ann, "?limit=2").await;
        let cursor = first["next_cursor"].as_str().unwrap().to_string();
        let late = create_titled(&app, &ann, ann.team_id, "Late goal").await;

        let rest = ids(&app, &ann, &format!("?limit=10&cursor={cursor}")).await;
        assert_eq!(rest, [created[2], created[3], late]);
    }
}
