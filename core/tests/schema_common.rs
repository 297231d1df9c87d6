//! Shared helpers for the schema tests (included with `#[path]`, not a test target of its own).
#![allow(dead_code, clippy::unwrap_used)]

use guidang::record::{read_record_folder, MetaNode};
use guidang::report::{Finding, Outcome};
use std::path::PathBuf;

pub fn examples_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/examples"))
}

/// Reads a metadata XML through the record-folder reader (the real path metadata takes).
pub fn metadata_from_xml(xml: &str) -> MetaNode {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("元数据.xml"), xml).unwrap();
    let r = read_record_folder(dir.path()).unwrap();
    assert!(r.metadata_problem.is_none(), "{:?}", r.metadata_problem);
    r.metadata.unwrap()
}

pub fn example(name: &str) -> MetaNode {
    let xml = std::fs::read_to_string(examples_dir().join(name)).unwrap();
    metadata_from_xml(&xml)
}

pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
}

pub fn fails(fs: &[Finding]) -> Vec<&Finding> {
    fs.iter().filter(|f| f.outcome == Outcome::Fail).collect()
}

pub fn with_rule<'a>(fs: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    fs.iter().filter(|f| f.rule == rule).collect()
}

pub fn describe(fs: &[Finding]) -> String {
    fs.iter()
        .map(|f| {
            format!(
                "{} {} {:?} {} — {}",
                f.code, f.rule, f.outcome, f.subject, f.message_en
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
