use serde::Serialize;

/// One problem with one input field, located by a JSON pointer (RFC 6901).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// JSON pointer to the field, e.g. `/measurable/target`; empty for the whole document.
    pub pointer: String,
    /// What is wrong, in words a manager understands.
    pub message: String,
}

/// Every problem found in one input; validation collects them all rather
/// than stopping at the first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.push(pointer, message);
        errors
    }

    pub fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn extend(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    /// `Ok(value)` when nothing was wrong, otherwise every error found.
    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// Escapes one segment of a JSON pointer (RFC 6901 section 4).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Checks a free-text field: trimmed, at most `max` characters.
pub fn check_text(
    errors: &mut FieldErrors,
    pointer: &str,
    value: Option<String>,
    max: usize,
) -> String {
    let value = value.unwrap_or_default().trim().to_string();
    if value.chars().count() > max {
        errors.push(pointer, format!("is longer than {max} characters"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(pointer, "contains control characters");
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_segments_are_escaped() {
        assert_eq!(pointer_segment("a/b~c"), "a~1b~0c");
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            check_text(&mut errors, "/x", Some("  hi ".into()), 10),
            "hi"
        );
        assert!(errors.is_empty());
        check_text(&mut errors, "/x", Some("x".repeat(11)), 10);
        check_text(&mut errors, "/y", Some("bell\u{7}".into()), 10);
        assert_eq!(errors.0.len(), 2);
        assert_eq!(errors.0[1].pointer, "/y");
    }
}
