//! 归档 guidang — capture electronic records for single-track (单套制) and instant (即时归档) archiving.
//!
//! Layers (see `ARCHITECTURE.md`): [`record`] (what a record is and how it is read) →
//! [`checks`] (the DA/T 70 four-properties checks, driven by the [`catalogue`] and a [`schema`]) →
//! [`report`] (findings as data). Shared safe readers: [`xml`], [`container`], [`digest`], [`formats`].
#![forbid(unsafe_code)]

pub mod authenticity;
pub mod capture;
pub mod catalogue;
pub mod checks;
pub mod container;
pub mod digest;
pub mod error;
pub mod formats;
pub mod invoice;
pub mod package;
pub mod record;
pub mod report;
pub mod scan;
pub mod schema;
pub mod xml;

pub use catalogue::{Catalogue, Scheme};
pub use checks::{check_path, CheckOptions, Checker};
pub use error::{Error, Result};
pub use record::{Component, Record, RecordBuilder, Role};
pub use report::{Finding, Outcome, Property, Report, Stage, Verdict};
pub use schema::Schema;
