use crate::domain::text_enum::text_enum;

text_enum! {
    /// Where a goal is in its life.
    GoalStatus {
        /// Being written; may be incomplete.
        Draft => "draft",
        /// Every SMART criterion is met and the goal is being pursued.
        Active => "active",
        Achieved => "achieved",
        Missed => "missed",
        Abandoned => "abandoned",
    }
}

impl GoalStatus {
    /// Achieved, missed and abandoned goals are closed for good.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            GoalStatus::Achieved | GoalStatus::Missed | GoalStatus::Abandoned
        )
    }

    /// Why the goal may not go from `self` to `next`, if it may not.
    pub fn transition_to(self, next: GoalStatus) -> Result<(), String> {
        use GoalStatus::*;
        let allowed = match self {
            Draft => matches!(next, Draft | Active | Abandoned),
            Active => matches!(next, Active | Achieved | Missed | Abandoned),
            Achieved | Missed | Abandoned => next == self,
        };
        if allowed {
            Ok(())
        } else if self.is_closed() {
            Err(format!(
                "the goal is {self} and closed; it cannot become {next}"
            ))
        } else {
            Err(format!("a {self} goal cannot become {next}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::GoalStatus::*;

    #[test]
    fn drafts_activate_and_active_goals_close() {
        assert!(Draft.transition_to(Active).is_ok());
        assert!(Active.transition_to(Achieved).is_ok());
        assert!(Draft.transition_to(Achieved).is_err());
        assert!(Active.transition_to(Draft).is_err());
    }

    #[test]
    fn closed_goals_stay_closed() {
        let message = Achieved.transition_to(Active).unwrap_err();
        assert!(message.contains("closed"));
        assert!(Missed.transition_to(Missed).is_ok());
    }
}
