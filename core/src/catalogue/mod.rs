//! The DA/T 70-2018 check catalogue as data (`schemas/dat70-catalogue.toml`, embedded) and the
//! 检测方案 (schemes) that select items and make each blocking or a warning.

mod scheme;

pub use scheme::{ItemMode, Scheme, SchemeOptions, BUILTIN_SCHEMES};

use crate::report::{Property, Stage};
use crate::{Error, Result};
use serde::Deserialize;
use std::path::Path;
use std::sync::OnceLock;

const CATALOGUE_TOML: &str = include_str!("../../../schemas/dat70-catalogue.toml");

/// How far guidang can judge an item itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Automatable {
    /// Judged by guidang.
    Yes,
    /// Judged as far as possible; the rest is said to be manual.
    Partial,
    /// Always `manual`.
    No,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    seq: String,
    stages: Vec<String>,
    name_zh: String,
    name_en: String,
    purpose: String,
    clause: String,
    automatable: Automatable,
    #[serde(default = "yes")]
    confirmed: bool,
    #[serde(default)]
    extension: bool,
    #[serde(default)]
    package_only: bool,
    #[serde(default)]
    carrier: bool,
    #[serde(default)]
    manual_reason: Option<String>,
    #[serde(default)]
    manual_reason_en: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct RawCatalogue {
    item: Vec<RawItem>,
}

/// One catalogue item in one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Full code, e.g. `GD-1-1`.
    pub code: String,
    /// Code without the stage, e.g. `1-1`.
    pub seq: String,
    /// Stage.
    pub stage: Stage,
    /// Property.
    pub property: Property,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Purpose (检测目的).
    pub purpose: String,
    /// Standard clause.
    pub clause: String,
    /// Whether guidang can judge it.
    pub automatable: Automatable,
    /// Whether the item number is confirmed from the standard's text (see standards digest).
    pub confirmed: bool,
    /// guidang's own item, not in DA/T 70.
    pub extension: bool,
    /// Only meaningful for a package (归档信息包), not a loose record.
    pub package_only: bool,
    /// Only for offline carrier archiving.
    pub carrier: bool,
    /// Why it is manual (zh), for non-automatable items.
    pub manual_reason: Option<String>,
    /// Why it is manual (en).
    pub manual_reason_en: Option<String>,
}

/// All items of all stages, in catalogue order.
#[derive(Debug, Clone)]
pub struct Catalogue {
    items: Vec<Item>,
}

fn seq_key(seq: &str) -> (u32, u32) {
    let mut it = seq.split('-').map(|p| p.parse::<u32>().unwrap_or(u32::MAX));
    (it.next().unwrap_or(u32::MAX), it.next().unwrap_or(u32::MAX))
}

impl Catalogue {
    /// Parses a catalogue TOML (the embedded one, or a user's replacement).
    pub fn parse(text: &str, path: &Path) -> Result<Catalogue> {
        let raw: RawCatalogue = toml::from_str(text).map_err(|e| Error::Schema {
            path: path.into(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
            reason: e.message().to_string(),
        })?;
        let mut items = Vec::new();
        for r in raw.item {
            let prop_digit: u8 = r
                .seq
                .split('-')
                .next()
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            let property = Property::from_digit(prop_digit).ok_or_else(|| Error::Schema {
                path: path.into(),
                line: None,
                reason: format!("item {}: the first number must be a property 1-4", r.seq),
            })?;
            for s in &r.stages {
                let stage = Stage::parse(s).ok_or_else(|| Error::Schema {
                    path: path.into(),
                    line: None,
                    reason: format!("item {}: unknown stage {s}", r.seq),
                })?;
                items.push(Item {
                    code: format!("{}-{}", stage.prefix(), r.seq),
                    seq: r.seq.clone(),
                    stage,
                    property,
                    name_zh: r.name_zh.clone(),
                    name_en: r.name_en.clone(),
                    purpose: r.purpose.clone(),
                    clause: r.clause.clone(),
                    automatable: r.automatable,
                    confirmed: r.confirmed,
                    extension: r.extension,
                    package_only: r.package_only,
                    carrier: r.carrier,
                    manual_reason: r.manual_reason.clone(),
                    manual_reason_en: r.manual_reason_en.clone(),
                });
            }
        }
        items.sort_by(|a, b| (a.stage, seq_key(&a.seq)).cmp(&(b.stage, seq_key(&b.seq))));
        Ok(Catalogue { items })
    }

    /// The built-in DA/T 70-2018 catalogue.
    pub fn builtin() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| {
            Catalogue::parse(CATALOGUE_TOML, Path::new("schemas/dat70-catalogue.toml"))
                .unwrap_or_else(|e| {
                    panic!("built-in catalogue is invalid (a build defect, caught by tests): {e}")
                })
        })
    }

    /// All items.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Items of one stage.
    pub fn stage(&self, stage: Stage) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.stage == stage)
    }

    /// Item by full code.
    pub fn get(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_has_all_stages() {
        let c = Catalogue::builtin();
        for st in [Stage::Archiving, Stage::Transfer, Stage::Preservation] {
            let n = c.stage(st).count();
            assert!(n >= 35, "{st:?} has only {n} items");
        }
        let i = c.get("GD-1-1").unwrap();
        assert_eq!(i.property, Property::Authenticity);
        assert_eq!(i.name_zh, "固化信息有效性检测");
        assert_eq!(c.get("YJ-4-1").unwrap().automatable, Automatable::No);
        // catalogue order: 1-2 before 1-10
        let codes: Vec<&str> = c.stage(Stage::Archiving).map(|i| i.seq.as_str()).collect();
        let p2 = codes.iter().position(|s| *s == "1-2").unwrap();
        let p10 = codes.iter().position(|s| *s == "1-10").unwrap();
        assert!(p2 < p10);
    }

    #[test]
    fn bad_catalogue_names_line() {
        let e = Catalogue::parse("[[item]]\nseq = \"1-1\"\nstages = 5\n", Path::new("c.toml"))
            .unwrap_err();
        match e {
            Error::Schema { line, .. } => assert_eq!(line, Some(3)),
            other => panic!("{other}"),
        }
    }
}
