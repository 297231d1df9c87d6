//! 检测方案 (check schemes): which catalogue items run in a stage, and whether a failure blocks.
//! Built-in schemes live in `schemas/schemes/`; a user scheme file has the same shape.

use super::Catalogue;
use crate::report::Stage;
use crate::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Built-in scheme ids and their TOML text.
pub const BUILTIN_SCHEMES: &[(&str, &str)] = &[
    (
        "gd-default",
        include_str!("../../../schemas/schemes/gd-default.toml"),
    ),
    (
        "yj-default",
        include_str!("../../../schemas/schemes/yj-default.toml"),
    ),
    (
        "bc-default",
        include_str!("../../../schemas/schemes/bc-default.toml"),
    ),
];

/// What a scheme does with one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemMode {
    /// A failure makes the verdict `fail` (and refuses capture).
    Blocking,
    /// A failure makes the verdict `warn`.
    Warning,
    /// Not run.
    Off,
}

/// Options that checks read from the scheme.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeOptions {
    /// Allowed archival format families per component role (`正文`, `附件`, …, and `default`).
    #[serde(default)]
    pub allowed_formats: BTreeMap<String, Vec<String>>,
    /// Office formats: `warn` or `fail`.
    #[serde(default = "warn")]
    pub office: String,
    /// Classified records (秘密/机密/绝密): `refuse` or `allow`.
    #[serde(default = "refuse")]
    pub classified: String,
    /// Minimum scan resolution in dpi for digitised records.
    #[serde(default)]
    pub min_scan_dpi: Option<u32>,
    /// Require OFD files to be OFD-A (GB/T 42133-2022).
    #[serde(default)]
    pub require_ofda: bool,
}

fn warn() -> String {
    "warn".into()
}
fn refuse() -> String {
    "refuse".into()
}

impl Default for SchemeOptions {
    fn default() -> Self {
        SchemeOptions {
            allowed_formats: BTreeMap::new(),
            office: warn(),
            classified: refuse(),
            min_scan_dpi: None,
            require_ofda: false,
        }
    }
}

impl SchemeOptions {
    /// Allowed format families for a role (falls back to `default`; empty = no restriction).
    pub fn allowed_for(&self, role: &str) -> &[String] {
        self.allowed_formats
            .get(role)
            .or_else(|| self.allowed_formats.get("default"))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheme {
    id: String,
    name: String,
    #[serde(default)]
    name_en: Option<String>,
    stage: String,
    #[serde(default = "default_mode")]
    default: ItemMode,
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    items: BTreeMap<String, ItemMode>,
    #[serde(default)]
    options: Option<SchemeOptions>,
}

fn default_mode() -> ItemMode {
    ItemMode::Warning
}

/// A 检测方案.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    /// Scheme id.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Stage it applies to.
    pub stage: Stage,
    /// Mode of items not listed.
    pub default: ItemMode,
    /// Mode per item (`1-1` style, without the stage).
    pub items: BTreeMap<String, ItemMode>,
    /// Options read by the checks.
    pub options: SchemeOptions,
}

fn toml_err(path: &Path, text: &str, e: toml::de::Error) -> Error {
    Error::Schema {
        path: path.into(),
        line: e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
        reason: e.message().to_string(),
    }
}

impl Scheme {
    /// Parses scheme TOML. `extends` names a built-in scheme whose items and options are the base.
    pub fn parse(text: &str, path: &Path) -> Result<Scheme> {
        let raw: RawScheme = toml::from_str(text).map_err(|e| toml_err(path, text, e))?;
        let stage = Stage::parse(&raw.stage).ok_or_else(|| Error::Schema {
            path: path.into(),
            line: None,
            reason: format!("unknown stage `{}` (use GD, YJ or BC)", raw.stage),
        })?;
        let mut base = match &raw.extends {
            Some(id) => Scheme::builtin(id)?,
            None => Scheme {
                id: String::new(),
                name: String::new(),
                name_en: String::new(),
                stage,
                default: raw.default,
                items: BTreeMap::new(),
                options: SchemeOptions::default(),
            },
        };
        let cat = Catalogue::builtin();
        for seq in raw.items.keys() {
            if cat.get(&format!("{}-{seq}", stage.prefix())).is_none() {
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with(&format!("\"{seq}\"")))
                    .map(|i| i + 1);
                return Err(Error::Schema {
                    path: path.into(),
                    line,
                    reason: format!(
                        "item `{seq}` is not in the catalogue for stage {}",
                        stage.prefix()
                    ),
                });
            }
        }
        base.items.extend(raw.items);
        if let Some(o) = raw.options {
            base.options = o;
        }
        for (k, v) in [
            ("office", base.options.office.as_str()),
            ("classified", base.options.classified.as_str()),
        ] {
            let ok = match k {
                "office" => matches!(v, "warn" | "fail"),
                _ => matches!(v, "refuse" | "allow"),
            };
            if !ok {
                return Err(Error::Schema {
                    path: path.into(),
                    line: None,
                    reason: format!("options.{k} has the unknown value `{v}`"),
                });
            }
        }
        Ok(Scheme {
            id: raw.id,
            name: raw.name,
            name_en: raw.name_en.unwrap_or_default(),
            stage,
            default: if raw.extends.is_some() {
                base.default
            } else {
                raw.default
            },
            items: base.items,
            options: base.options,
        })
    }

    /// A built-in scheme by id (`gd-default`, `yj-default`, `bc-default`).
    pub fn builtin(id: &str) -> Result<Scheme> {
        let (_, text) = BUILTIN_SCHEMES
            .iter()
            .find(|(i, _)| *i == id)
            .ok_or_else(|| {
                Error::Config(format!(
                    "unknown scheme `{id}` (built-in: gd-default, yj-default, bc-default)"
                ))
            })?;
        Scheme::parse(text, Path::new(&format!("schemas/schemes/{id}.toml")))
    }

    /// The default scheme of a stage.
    pub fn default_for(stage: Stage) -> Scheme {
        let id = format!("{}-default", stage.prefix().to_ascii_lowercase());
        Scheme::builtin(&id).unwrap_or_else(|e| {
            panic!("built-in scheme {id} is invalid (a build defect, caught by tests): {e}")
        })
    }

    /// A built-in id or a path to a scheme file.
    pub fn resolve(id_or_path: &str) -> Result<Scheme> {
        if BUILTIN_SCHEMES.iter().any(|(i, _)| *i == id_or_path) {
            return Scheme::builtin(id_or_path);
        }
        let p = Path::new(id_or_path);
        if !p.exists() {
            return Err(Error::Config(format!(
                "scheme `{id_or_path}` is neither a built-in id nor an existing file"
            )));
        }
        let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
        Scheme::parse(&text, p)
    }

    /// Mode of an item, by `1-1` style sequence.
    pub fn mode(&self, seq: &str) -> ItemMode {
        self.items.get(seq).copied().unwrap_or(self.default)
    }

    /// Whether an item (full code or seq) runs.
    pub fn selects(&self, code: &str) -> bool {
        let seq = code
            .split_once('-')
            .filter(|(p, _)| Stage::parse(p).is_some())
            .map(|(_, s)| s)
            .unwrap_or(code);
        self.mode(seq) != ItemMode::Off
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse() {
        for (id, _) in BUILTIN_SCHEMES {
            let s = Scheme::builtin(id).unwrap();
            assert_eq!(&s.id, id);
        }
        let gd = Scheme::default_for(Stage::Archiving);
        assert_eq!(gd.mode("1-1"), ItemMode::Blocking);
        assert_eq!(gd.mode("4-1"), ItemMode::Warning);
        assert!(gd.selects("GD-2-4"));
        assert!(gd.options.allowed_for("正文").contains(&"OFD".to_string()));
        assert_eq!(Scheme::default_for(Stage::Transfer).stage, Stage::Transfer);
    }

    #[test]
    fn user_scheme_extends_and_errors() {
        let s = Scheme::parse(
            "id='x'\nname='x'\nstage='GD'\nextends='gd-default'\n[items]\n\"4-2\"='off'\n",
            Path::new("x.toml"),
        )
        .unwrap();
        assert!(!s.selects("4-2"));
        assert_eq!(s.mode("1-1"), ItemMode::Blocking);
        let e = Scheme::parse(
            "id='x'\nname='x'\nstage='GD'\n[items]\n\"9-9\"='off'\n",
            Path::new("bad.toml"),
        )
        .unwrap_err();
        assert!(matches!(e, Error::Schema { line: Some(5), .. }), "{e}");
        let e = Scheme::parse(
            "id='x'\nname='x'\nstage='GD'\n[items]\n\"1-1\"='sometimes'\n",
            Path::new("bad.toml"),
        )
        .unwrap_err();
        assert!(matches!(e, Error::Schema { line: Some(5), .. }), "{e}");
    }
}
