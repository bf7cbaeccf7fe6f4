//! HTML pages, each module with its routes and templates.

pub mod review_form;
