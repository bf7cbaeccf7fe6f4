//! The admin pages: a team's members (add, change role, remove; the last
//! admin stays) and the admin's teams. Only the team's admins get in.

use reqwest::StatusCode;
use smarter::domain::account::Role;

use crate::helpers::web::{PASSWORD, WebClient};
use crate::helpers::{TestApp, TestUser, dual_test};

const XSS: &str = "<script>alert(1)</script>";
const XSS_ESCAPED: &str = "&#60;script&#62;alert(1)&#60;/script&#62;";

async fn admin(app: &TestApp) -> (TestUser, WebClient) {
    let root = app.user("root@example.com", "Clinic", Role::Admin).await;
    let web = WebClient::signed_in(app, &root).await;
    (root, web)
}

fn users_path(team: i32) -> String {
    format!("/admin/users?team={team}")
}

/// The role a user has in a team, read from the database.
async fn role_of(app: &TestApp, user_id: i32, team_id: i32) -> Option<String> {
    use sea_orm::EntityTrait;
    smarter::entities::membership::Entity::find_by_id((user_id, team_id))
        .one(&app.db)
        .await
        .unwrap()
        .map(|m| m.role)
}

dual_test! {
    async fn managers_and_viewers_get_403_on_every_admin_page(app: TestApp) {
        let (root, _) = admin(&app).await;
        for (email, role) in [("mgr@example.com", Role::Manager), ("view@example.com", Role::Viewer)] {
            let user = app.user(email, "Clinic", role).await;
            let web = WebClient::signed_in(&app, &user).await;
            for path in [users_path(root.team_id), format!("/admin/teams?team={}", root.team_id), "/admin/users".into()] {
                let page = web.get(&path).await;
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}: {}", page.body);
                page.assert_contains("only the team&#39;s admins");
            }
            let team = root.team_id.to_string();
            let before = app.count("users").await;
            let fields = [("team", team.as_str()), ("email", "x@example.com"), ("name", "X"), ("password", "long enough password"), ("role", "admin")];
            assert_eq!(web.post("/admin/users", &fields).await.status, StatusCode::FORBIDDEN);
            let promote = [("team", team.as_str()), ("role", "admin")];
            assert_eq!(web.post(&format!("/admin/users/{}/role", user.id), &promote).await.status, StatusCode::FORBIDDEN);
            assert_eq!(app.count("users").await, before);
            assert_eq!(role_of(&app, user.id, root.team_id).await.as_deref(), Some(role.as_str()));
        }
        let stranger = app.user("other@example.com", "Other", Role::Admin).await;
        let web = WebClient::signed_in(&app, &stranger).await;
        assert_eq!(web.get(&users_path(root.team_id)).await.status, StatusCode::NOT_FOUND);
    }
}

dual_test! {
    async fn an_admin_adds_a_new_account_that_can_log_in(app: TestApp) {
        let (root, web) = admin(&app).await;
        let list = web.get(&users_path(root.team_id)).await;
        assert_eq!(list.status, StatusCode::OK);
        list.assert_contains("root@example.com").assert_contains("name=\"password\"");
        let team = root.team_id.to_string();
        let fields = [("team", team.as_str()), ("email", "Bea@Example.com"), ("name", "Bea Kowalska"), ("password", "a long enough secret"), ("role", "viewer")];
        let created = web.post("/admin/users", &fields).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let list = web.get(created.location.as_deref().unwrap()).await;
        list.assert_contains("The account was added").assert_contains("Bea Kowalska").assert_contains("bea@example.com");
        let bea = WebClient::new(&app);
        assert_eq!(bea.login("bea@example.com", "a long enough secret").await.status, StatusCode::SEE_OTHER);
    }
}

dual_test! {
    async fn a_bad_new_account_comes_back_with_messages_and_nothing_is_stored(app: TestApp) {
        let (root, web) = admin(&app).await;
        let before = app.count("users").await;
        let team = root.team_id.to_string();
        let fields = [("team", team.as_str()), ("email", "not an email"), ("name", "Bea"), ("password", "short"), ("role", "viewer")];
        let page = web.post("/admin/users", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("id=\"new-email-error\"")
            .assert_contains("is not an email address")
            .assert_contains("id=\"new-password-error\"")
            .assert_contains("at least 10 characters")
            .assert_contains("value=\"Bea\"");
        assert!(!page.body.contains("value=\"short\""), "the password is not sent back");
        let fields = [("team", team.as_str()), ("email", "root@example.com"), ("name", "Again"), ("password", "a long enough secret"), ("role", "owner")];
        let page = web.post("/admin/users", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("choose admin, manager or viewer");
        let fields = [("team", team.as_str()), ("email", "ROOT@example.com"), ("name", "Again"), ("password", "a long enough secret"), ("role", "manager")];
        let page = web.post("/admin/users", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("already exists; add it as an existing account");
        assert_eq!(app.count("users").await, before);
    }
}

dual_test! {
    async fn an_existing_account_joins_the_team_once(app: TestApp) {
        let (root, web) = admin(&app).await;
        let other = app.user("cleo@example.com", "Other", Role::Manager).await;
        let team = root.team_id.to_string();
        let fields = [("team", team.as_str()), ("email", "cleo@example.com"), ("role", "manager")];
        assert_eq!(web.post("/admin/users/existing", &fields).await.status, StatusCode::SEE_OTHER);
        assert_eq!(role_of(&app, other.id, root.team_id).await.as_deref(), Some("manager"));
        let again = web.post("/admin/users/existing", &fields).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        again.assert_contains("already a member");
        let nobody = [("team", team.as_str()), ("email", "nobody@example.com"), ("role", "viewer")];
        web.post("/admin/users/existing", &nobody).await.assert_contains("no account has the email");
    }
}

dual_test! {
    async fn roles_change_and_the_last_admin_cannot_go(app: TestApp) {
        let (root, web) = admin(&app).await;
        let dan = app.user("dan@example.com", "Clinic", Role::Viewer).await;
        let team = root.team_id.to_string();
        let to_manager = [("team", team.as_str()), ("role", "manager")];
        let changed = web.post(&format!("/admin/users/{}/role", dan.id), &to_manager).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER);
        assert_eq!(role_of(&app, dan.id, root.team_id).await.as_deref(), Some("manager"));

        let demote = web.post(&format!("/admin/users/{}/role", root.id), &to_manager).await;
        assert_eq!(demote.status, StatusCode::CONFLICT);
        demote.assert_contains("last admin");
        let remove = web.post(&format!("/admin/users/{}/remove", root.id), &[("team", team.as_str())]).await;
        assert_eq!(remove.status, StatusCode::CONFLICT);
        remove.assert_contains("last admin");
        assert_eq!(role_of(&app, root.id, root.team_id).await.as_deref(), Some("admin"));

        let removed = web.post(&format!("/admin/users/{}/remove", dan.id), &[("team", team.as_str())]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        assert_eq!(role_of(&app, dan.id, root.team_id).await, None);
        let stranger = app.user("eve@example.com", "Other", Role::Viewer).await;
        let foreign = web.post(&format!("/admin/users/{}/remove", stranger.id), &[("team", team.as_str())]).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        assert!(role_of(&app, stranger.id, stranger.team_id).await.is_some());

        let fay = app.user("fay@example.com", "Clinic", Role::Admin).await;
        let step_down = web.post(&format!("/admin/users/{}/role", root.id), &to_manager).await;
        assert_eq!(step_down.status, StatusCode::SEE_OTHER, "another admin remains: {}", step_down.body);
        assert_eq!(step_down.location.as_deref(), Some("/"));
        assert_eq!(role_of(&app, root.id, root.team_id).await.as_deref(), Some("manager"));
        assert_eq!(web.get(&users_path(root.team_id)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(role_of(&app, fay.id, root.team_id).await.as_deref(), Some("admin"));
    }
}

dual_test! {
    async fn admin_forms_without_a_valid_csrf_token_change_nothing(app: TestApp) {
        let (root, web) = admin(&app).await;
        let dan = app.user("dan@example.com", "Clinic", Role::Viewer).await;
        let team = root.team_id.to_string();
        let path = format!("/admin/users/{}/role", dan.id);
        let missing = web.post_raw(&path, &[("team", team.as_str()), ("role", "admin")]).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN);
        let other = WebClient::signed_in(&app, &dan).await;
        let foreign = web.post_raw(&path, &[("csrf", other.csrf.as_str()), ("team", team.as_str()), ("role", "admin")]).await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        assert_eq!(role_of(&app, dan.id, root.team_id).await.as_deref(), Some("viewer"));
        let before = app.count("teams").await;
        assert_eq!(web.post_raw("/admin/teams", &[("name", "Sneaky")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("teams").await, before);
    }
}

dual_test! {
    async fn a_hostile_user_name_is_shown_escaped(app: TestApp) {
        let (root, web) = admin(&app).await;
        let team = root.team_id.to_string();
        let fields = [("team", team.as_str()), ("email", "x@example.com"), ("name", XSS), ("password", PASSWORD), ("role", "viewer")];
        assert_eq!(web.post("/admin/users", &fields).await.status, StatusCode::SEE_OTHER);
        let page = web.get(&users_path(root.team_id)).await;
        page.assert_contains(XSS_ESCAPED);
        assert!(!page.body.contains(XSS));
    }
}

dual_test! {
    async fn an_admin_lists_their_teams_and_creates_one(app: TestApp) {
        let (root, web) = admin(&app).await;
        app.user("mgr@example.com", "Clinic", Role::Manager).await;
        let viewed = app.join(&root, "Viewed only", Role::Viewer).await;
        let page = web.get("/admin/teams").await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Clinic").assert_contains("<td class=\"num\">2</td>");
        assert!(!page.body.contains(&format!("href=\"/admin/users?team={viewed}\"")), "only the teams they administer");
        let team = root.team_id.to_string();
        let created = web.post("/admin/teams", &[("team", team.as_str()), ("name", "Front desk")]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let members = web.get(created.location.as_deref().unwrap()).await;
        assert_eq!(members.status, StatusCode::OK);
        members.assert_contains("Members of Front desk").assert_contains("root@example.com");
        let taken = web.post("/admin/teams", &[("team", team.as_str()), ("name", "Clinic")]).await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
        taken.assert_contains("id=\"team-name-error\"").assert_contains("already exists");
        let empty = web.post("/admin/teams", &[("team", team.as_str()), ("name", "  ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        empty.assert_contains("must not be empty");
    }
}
