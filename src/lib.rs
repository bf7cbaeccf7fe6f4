//! `smarter`: SMART goals for customer-experience work, linked to CX metrics
//! and evaluated on a schedule (the SMARTER extension).

pub mod answering;
pub mod api;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod entities;
pub mod error;
pub mod ingest;
pub mod jobs;
pub mod mail;
pub mod measure;
pub mod startup;
pub mod store;
pub mod web;
