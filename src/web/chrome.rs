//! What every signed-in page shows around its content: who is signed in,
//! the team being looked at, the navigation and the logout form.

use sea_orm::ConnectionTrait;

use super::session::WebUser;
use crate::domain::account::Role;
use crate::error::AppResult;
use crate::store::accounts;

/// A team in the team switcher.
#[derive(Clone, Debug)]
pub struct TeamChoice {
    pub id: i32,
    pub name: String,
    pub role: Role,
}

/// The frame of a signed-in page.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub user_name: String,
    pub user_email: String,
    pub csrf: String,
    pub teams: Vec<TeamChoice>,
    /// The team the page is about.
    pub team_id: i32,
    pub team_name: String,
    pub role: Role,
    /// Which navigation entry is current.
    pub nav: &'static str,
}

impl Chrome {
    /// The frame for a page about `team_id`, which must be one of the user's teams.
    pub async fn load<C: ConnectionTrait>(
        db: &C,
        user: &WebUser,
        team_id: i32,
        nav: &'static str,
    ) -> AppResult<Chrome> {
        let role = user.role_in(team_id)?;
        let teams = accounts::teams_by_ids(db, &user.caller.team_ids()).await?;
        let teams: Vec<TeamChoice> = teams
            .into_iter()
            .filter_map(|t| {
                Some(TeamChoice {
                    role: user.caller.role_in(t.id)?,
                    id: t.id,
                    name: t.name,
                })
            })
            .collect();
        let team_name = teams
            .iter()
            .find(|t| t.id == team_id)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        Ok(Chrome {
            user_name: user.caller.display_name.clone(),
            user_email: user.caller.email.clone(),
            csrf: user.csrf.clone(),
            teams,
            team_id,
            team_name,
            role,
            nav,
        })
    }

    pub fn can_write(&self) -> bool {
        self.role.can_write()
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the user is an admin of any team (the admin pages are theirs).
    pub fn admin_anywhere(&self) -> bool {
        self.teams.iter().any(|t| t.role == Role::Admin)
    }

    pub fn is_nav(&self, entry: &str) -> bool {
        self.nav == entry
    }

    /// The `aria-current` attribute for a navigation entry.
    pub fn current(&self, entry: &str) -> &'static str {
        if self.nav == entry { "page" } else { "false" }
    }
}
