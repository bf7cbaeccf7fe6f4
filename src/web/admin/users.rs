//! `GET /admin/users?team=T`: the team's members, with the forms to add a
//! new account or an existing one, change a member's role and remove a
//! member. A team always keeps at least one admin.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use super::{admin_team, team_param};
use crate::domain::account::{NewUser, Role, parse_email};
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::accounts::{self, Member};
use crate::web::auth::hash_bounded;
use crate::web::chrome::Chrome;
use crate::web::csrf::SessionForm;
use crate::web::error::WebResult;
use crate::web::messages::FormMessages;
use crate::web::render::{html, see_other};
use crate::web::review_form::view::at;
use crate::web::session::WebUser;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    team: Option<String>,
    /// What the last form did, by a fixed key (never shown as sent).
    done: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    team: String,
    email: String,
    name: String,
    password: String,
    role: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExistingForm {
    team: String,
    email: String,
    role: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    team: String,
    role: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    members: Vec<Member>,
    new_user: NewUserForm,
    new_messages: FormMessages,
    existing: ExistingForm,
    existing_messages: FormMessages,
    notice: Option<&'static str>,
    alert: Option<String>,
    /// The signed-in admin's user id.
    me: i32,
}

impl UsersPage {
    fn roles(&self) -> &'static [Role] {
        Role::ALL
    }

    fn joined(&self, m: &Member) -> String {
        at(m.joined_at)
    }

    fn is_me(&self, m: &Member) -> bool {
        m.user_id == self.me
    }
}

fn notice_of(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "added" => Some("The account was added to the team."),
        "role" => Some("The role was changed."),
        "removed" => Some("The member was removed from the team."),
        "team" => Some("The team was created; you are its admin."),
        _ => None,
    }
}

/// The page for `team_id` with the given forms, messages and status.
async fn users_page(
    state: &AppState,
    user: &WebUser,
    team_id: i32,
    status: StatusCode,
    fill: impl FnOnce(&mut UsersPage),
) -> WebResult {
    let mut page = UsersPage {
        chrome: Chrome::load(&state.db, user, team_id, "admin").await?,
        members: accounts::team_members(&state.db, team_id).await?,
        new_user: NewUserForm::default(),
        new_messages: FormMessages::new(),
        existing: ExistingForm::default(),
        existing_messages: FormMessages::new(),
        notice: None,
        alert: None,
        me: user.caller.user_id,
    };
    fill(&mut page);
    Ok(html(status, &page))
}

pub async fn list(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let team_id = admin_team(&user, team_param(q.team.as_deref())?)?;
    let notice = notice_of(q.done.as_deref());
    users_page(&state, &user, team_id, StatusCode::OK, |p| {
        p.notice = notice
    })
    .await
}

fn done(team_id: i32, what: &str) -> Response {
    see_other(&format!("/admin/users?team={team_id}&done={what}"))
}

fn parse_role(raw: &str, messages: &mut FormMessages) -> Option<Role> {
    raw.parse::<Role>()
        .map_err(|_| messages.add("role", "choose admin, manager or viewer"))
        .ok()
}

/// Field errors of the store, beside the page's fields.
fn messages_of(err: AppError, to_field: fn(&str) -> String) -> Result<FormMessages, AppError> {
    match err {
        AppError::Validation(errors) => Ok(FormMessages::from_errors(&errors, to_field)),
        other => Err(other),
    }
}

fn new_user_field(pointer: &str) -> String {
    match pointer {
        "/display_name" => "name",
        "/password" => "password",
        _ => "email",
    }
    .into()
}

/// `POST /admin/users`: a new account, member of the team.
pub async fn create(
    State(state): State<AppState>,
    SessionForm { user, form }: SessionForm<NewUserForm>,
) -> WebResult {
    let team_id = admin_team(&user, team_param(Some(&form.team))?)?;
    let mut messages = FormMessages::new();
    let new = NewUser::parse(&form.email, &form.name, &form.password)
        .map_err(|errors| {
            for e in errors.0 {
                messages.add(new_user_field(&e.pointer), e.message);
            }
        })
        .ok();
    let role = parse_role(&form.role, &mut messages);
    let refused = |messages: FormMessages, form: NewUserForm| {
        let form = NewUserForm {
            password: String::new(),
            ..form
        };
        users_page(
            &state,
            &user,
            team_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            |p| {
                p.new_user = form;
                p.new_messages = messages;
            },
        )
    };
    let (Some(new), Some(role), true) = (new, role, messages.is_empty()) else {
        return refused(messages, form).await;
    };
    // A taken email is refused before the (slow) password hash.
    if accounts::find_user_by_email(&state.db, &new.email)
        .await?
        .is_some()
    {
        messages.add("email", format!("an account with the email {} already exists; add it as an existing account instead", new.email));
        return refused(messages, form).await;
    }
    let hash = hash_bounded(&state, new.password.clone()).await?;
    match accounts::create_member(&state.db, team_id, new, hash, role, Utc::now()).await {
        Ok(_) => Ok(done(team_id, "added")),
        Err(err) => refused(messages_of(err, new_user_field)?, form).await,
    }
}

/// `POST /admin/users/existing`: an existing account joins the team.
pub async fn add_existing(
    State(state): State<AppState>,
    SessionForm { user, form }: SessionForm<ExistingForm>,
) -> WebResult {
    let team_id = admin_team(&user, team_param(Some(&form.team))?)?;
    let mut messages = FormMessages::new();
    let email = parse_email(&form.email)
        .map_err(|m| messages.add("email", m))
        .ok();
    let role = parse_role(&form.role, &mut messages);
    if let (Some(email), Some(role)) = (email, role) {
        match accounts::add_existing_member(&state.db, team_id, &email, role, Utc::now()).await {
            Ok(_) => return Ok(done(team_id, "added")),
            Err(err) => messages = messages_of(err, |_| "email".into())?,
        }
    }
    users_page(
        &state,
        &user,
        team_id,
        StatusCode::UNPROCESSABLE_ENTITY,
        |p| {
            p.existing = form;
            p.existing_messages = messages;
        },
    )
    .await
}

fn member_id(raw: &str) -> Result<i32, AppError> {
    raw.parse()
        .map_err(|_| AppError::not_found(format!("no member {raw} in this team")))
}

/// `POST /admin/users/{id}/role`.
pub async fn change_role(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SessionForm { user, form }: SessionForm<MemberForm>,
) -> WebResult {
    let team_id = admin_team(&user, team_param(Some(&form.team))?)?;
    let member = member_id(&id)?;
    let Ok(role) = form.role.parse::<Role>() else {
        let alert = format!(
            "\"{}\" is not a role; choose admin, manager or viewer",
            form.role
        );
        return users_page(
            &state,
            &user,
            team_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            |p| p.alert = Some(alert),
        )
        .await;
    };
    changed(&state, &user, team_id, member, Some(role)).await
}

/// `POST /admin/users/{id}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SessionForm { user, form }: SessionForm<MemberForm>,
) -> WebResult {
    let team_id = admin_team(&user, team_param(Some(&form.team))?)?;
    let member = member_id(&id)?;
    changed(&state, &user, team_id, member, None).await
}

async fn changed(
    state: &AppState,
    user: &WebUser,
    team_id: i32,
    member: i32,
    role: Option<Role>,
) -> WebResult {
    match accounts::change_membership(&state.db, team_id, member, role).await {
        // An admin who removed or demoted themselves cannot see this page any more.
        Ok(()) if member == user.caller.user_id && role != Some(Role::Admin) => Ok(see_other("/")),
        Ok(()) => Ok(done(
            team_id,
            if role.is_some() { "role" } else { "removed" },
        )),
        Err(AppError::Conflict(message)) => {
            users_page(state, user, team_id, StatusCode::CONFLICT, |p| {
                p.alert = Some(message)
            })
            .await
        }
        Err(other) => Err(other.into()),
    }
}
