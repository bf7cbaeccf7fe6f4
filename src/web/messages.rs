//! Messages beside form fields: a field's name to what is wrong with it.

use crate::domain::FieldErrors;

/// The messages of a form, keyed by field name.
#[derive(Clone, Debug, Default)]
pub struct FormMessages(Vec<(String, String)>);

impl FormMessages {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// Messages from field errors, naming each field by `to_field(pointer)`.
    pub fn from_errors(errors: &FieldErrors, to_field: impl Fn(&str) -> String) -> Self {
        FormMessages(
            errors
                .0
                .iter()
                .map(|e| (to_field(&e.pointer), e.message.clone()))
                .collect(),
        )
    }

    /// What is wrong with a field, all messages joined.
    pub fn get(&self, field: &str) -> Option<String> {
        let found: Vec<&str> = self
            .0
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect();
        (!found.is_empty()).then(|| found.join("; "))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn all(&self) -> &[(String, String)] {
        &self.0
    }
}
