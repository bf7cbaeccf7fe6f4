//! Accounts, teams and roles.

use super::text_enum::text_enum;
use super::{FieldErrors, field_errors::check_text};

text_enum! {
    /// A member's role in one team.
    Role {
        /// Manages the team's members and everything a manager can do.
        Admin => "admin",
        /// Creates and changes goals, metrics and data.
        Manager => "manager",
        /// Reads only.
        Viewer => "viewer",
    }
}

impl Role {
    /// Whether this role may create or change the team's goals, metrics and data.
    pub fn can_write(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}

/// A user's role in one team.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Membership {
    pub team_id: i32,
    pub role: Role,
}

/// The authenticated user behind a request, with every team they belong to.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i32,
    pub email: String,
    pub display_name: String,
    pub memberships: Vec<Membership>,
}

impl Caller {
    pub fn role_in(&self, team_id: i32) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.team_id == team_id)
            .map(|m| m.role)
    }

    pub fn team_ids(&self) -> Vec<i32> {
        self.memberships.iter().map(|m| m.team_id).collect()
    }
}

/// Lower-cases and trims an email address and checks its shape.
pub fn parse_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email
        .split_once('@')
        .ok_or_else(|| format!("\"{raw}\" is not an email address"))?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\",;".contains(c));
    if valid {
        Ok(email)
    } else {
        Err(format!("\"{raw}\" is not an email address"))
    }
}

/// A new user's details, checked.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

impl NewUser {
    pub fn parse(email: &str, display_name: &str, password: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = parse_email(email).unwrap_or_else(|message| {
            errors.push("/email", message);
            String::new()
        });
        let display_name = check_text(&mut errors, "/display_name", Some(display_name.into()), 100);
        if display_name.is_empty() {
            errors.push("/display_name", "must not be empty");
        }
        if password.chars().count() < MIN_PASSWORD_LEN {
            errors.push(
                "/password",
                format!("must be at least {MIN_PASSWORD_LEN} characters"),
            );
        }
        if password.len() > 1024 {
            errors.push("/password", "must be at most 1024 bytes");
        }
        errors.finish(NewUser {
            email,
            display_name,
            password: password.to_string(),
        })
    }
}

/// Checks a team name: 1 to 100 characters after trimming.
pub fn parse_team_name(raw: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = check_text(&mut errors, "/team", Some(raw.into()), 100);
    if name.is_empty() {
        errors.push("/team", "must not be empty");
    }
    errors.finish(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_and_managers_write() {
        assert!(Role::Admin.can_write());
        assert!(Role::Manager.can_write());
        assert!(!Role::Viewer.can_write());
    }

    #[test]
    fn roles_parse_from_their_words() {
        assert_eq!("viewer".parse::<Role>(), Ok(Role::Viewer));
        assert!("owner".parse::<Role>().unwrap_err().contains("\"admin\""));
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(parse_email(" Ann@Example.COM ").unwrap(), "ann@example.com");
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "ann@x",
            "a b@x.com",
            "a@b@c.com",
            "<a@b.com>",
        ] {
            assert!(parse_email(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn new_user_reports_every_wrong_field() {
        let errors = NewUser::parse("nope", " ", "short").unwrap_err();
        let pointers: Vec<_> = errors.0.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/email", "/display_name", "/password"]);
    }
}
