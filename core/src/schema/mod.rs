//! Metadata schemas (DA/T 46 文书 `dat46-wenshu`, 会计 `kuaiji`, user schemas): declarative TOML
//! files (format in `schemas/README.md`), their loading with file/line errors, and the validation
//! of one record's metadata (DA/T 70 1-2 … 1-7, 2-3, 2-4).

pub mod archival_code;
pub mod datatype;
mod finalize;
mod loader;
pub mod model;
mod validate;
mod view;

pub use archival_code::{Agreement, ArchivalCodeRule, CodeIssue, CodePart};
pub use datatype::{DatePattern, DateValue};
pub use loader::{MAX_ELEMENTS, MAX_EXTENDS_DEPTH, MAX_SCHEMA_BYTES};
pub use model::{
    CharRule, Condition, Constraint, DataType, DomainValue, ElementDef, ElementKind, Origin,
    Pattern, ReasonableKind, ReasonableRule, RetentionRule,
};
pub use view::metadata_view;

use crate::record::{Metadata, Record};
use crate::report::Finding;
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const DAT46_WENSHU_TOML: &str = include_str!("../../../schemas/dat46-wenshu.toml");
const KUAIJI_TOML: &str = include_str!("../../../schemas/kuaiji.toml");

/// A group of numbered elements that must be continuous (DA/T 70 2-6), e.g. 件号 within
/// 全宗号+年度+保管期限+机构.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContinuityGroup {
    /// Path of the numbered element (e.g. `档号/室编件号`).
    pub element: String,
    /// Paths of the elements whose values form the group key.
    pub scope: Vec<String>,
    /// First number of a group.
    pub start: u64,
}

/// A loaded metadata schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// Schema id (`dat46-wenshu`, `kuaiji`, or the user's).
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Paths of elements whose values must be unique in a batch (DA/T 70 1-8).
    pub unique: Vec<String>,
    /// Continuity groups (DA/T 70 2-6).
    pub continuity: Vec<ContinuityGroup>,
    /// Version of the standard or of the schema.
    pub version: Option<String>,
    /// What the schema is for.
    pub description: Option<String>,
    /// Sources and confidence of the description.
    pub source: Option<String>,
    /// The schema this one extends (built-in id or file path as written).
    pub extends: Option<String>,
    /// The file it was read from (`schemas/<id>.toml` for built-ins).
    pub origin: PathBuf,
    /// Element definitions in schema order.
    pub elements: Vec<ElementDef>,
    /// Schema-wide forbidden characters (DA/T 70 1-6); elements may add or allow characters.
    pub forbidden: CharRule,
    /// Date patterns of `date` elements without their own.
    pub date_formats: Vec<DatePattern>,
    /// Datetime patterns of `datetime` elements without their own.
    pub datetime_formats: Vec<DatePattern>,
    /// The 档号 rule (DA/T 70 1-7), if the schema has one.
    pub archival_code: Option<ArchivalCodeRule>,
    /// Reasonableness rules (DA/T 70 1-5).
    pub reasonable: Vec<ReasonableRule>,
    /// Retention table (保管期限表).
    pub retention: Vec<RetentionRule>,
    pub(crate) archival_code_raw: Option<loader::RawArchivalDef>,
    pub(crate) continuity_origins: Vec<(ContinuityGroup, Origin)>,
    /// Every path an element may appear at (canonical and `also_in`) → index into `elements`.
    pub(crate) index: BTreeMap<String, usize>,
}

fn builtin_cache(
    id: &str,
) -> Option<&'static std::result::Result<Schema, (Option<usize>, String)>> {
    static WENSHU: OnceLock<std::result::Result<Schema, (Option<usize>, String)>> = OnceLock::new();
    static KUAIJI: OnceLock<std::result::Result<Schema, (Option<usize>, String)>> = OnceLock::new();
    let (cell, text) = match id {
        "dat46-wenshu" => (&WENSHU, DAT46_WENSHU_TOML),
        "kuaiji" => (&KUAIJI, KUAIJI_TOML),
        _ => return None,
    };
    Some(cell.get_or_init(|| {
        loader::parse(text, &loader::builtin_path(id), 0).map_err(|e| match e {
            Error::Schema { line, reason, .. } => (line, reason),
            other => (None, other.to_string()),
        })
    }))
}

impl Schema {
    pub(crate) fn empty() -> Schema {
        Schema {
            id: String::new(),
            name: String::new(),
            unique: Vec::new(),
            continuity: Vec::new(),
            version: None,
            description: None,
            source: None,
            extends: None,
            origin: PathBuf::new(),
            elements: Vec::new(),
            forbidden: CharRule {
                control: true,
                chars: vec!['<', '>'],
            },
            date_formats: loader::default_patterns(false),
            datetime_formats: loader::default_patterns(true),
            archival_code: None,
            reasonable: Vec::new(),
            retention: Vec::new(),
            archival_code_raw: None,
            continuity_origins: Vec::new(),
            index: BTreeMap::new(),
        }
    }

    /// Ids of the built-in schemas.
    pub fn builtin_ids() -> &'static [&'static str] {
        &["dat46-wenshu", "kuaiji"]
    }

    /// A built-in schema (parsed once, then cloned).
    pub fn builtin(id: &str) -> Result<Schema> {
        match builtin_cache(id) {
            Some(Ok(s)) => Ok(s.clone()),
            Some(Err((line, reason))) => Err(Error::Schema {
                path: loader::builtin_path(id),
                line: *line,
                reason: reason.clone(),
            }),
            None => Err(Error::Config(format!(
                "unknown schema `{id}` (built-in: {})",
                Self::builtin_ids().join(", ")
            ))),
        }
    }

    /// A built-in id or a schema file path.
    pub fn resolve(id_or_path: &str) -> Result<Schema> {
        if Self::builtin_ids().contains(&id_or_path) {
            return Self::builtin(id_or_path);
        }
        let p = Path::new(id_or_path);
        if !p.exists() && !id_or_path.contains(['/', '\\', '.']) {
            return Err(Error::Config(format!(
                "unknown schema `{id_or_path}`: not a built-in ({}) and no such file",
                Self::builtin_ids().join(", ")
            )));
        }
        Self::from_file(p)
    }

    /// Loads a schema file (TOML, see `schemas/README.md`), following `extends`.
    /// A mistake is an [`Error::Schema`] naming the file, the line and the reason.
    pub fn from_file(path: &Path) -> Result<Schema> {
        loader::load_file(path, 0)
    }

    /// Parses schema text; `path` is used in errors and to resolve a relative `extends`.
    pub fn from_toml(text: &str, path: &Path) -> Result<Schema> {
        loader::parse(text, path, 0)
    }

    /// The definition of an element by name (`题名`) or path (`内容描述/题名`,
    /// `文件数据/文档/电子属性/格式信息`). A name shared by several elements gives the first.
    pub fn element(&self, name_or_path: &str) -> Option<&ElementDef> {
        let key = name_or_path.trim().trim_matches('/');
        if let Some(&i) = self.index.get(key) {
            return self.elements.get(i);
        }
        if key.contains('/') {
            return None;
        }
        self.elements.iter().find(|d| d.name == key)
    }

    /// The canonical path of an element given by name or path.
    pub fn path_of(&self, name_or_path: &str) -> Option<&str> {
        self.element(name_or_path).map(|d| d.path.as_str())
    }

    /// The default value (缺省值) of an element by name or path (kuaiji `保管期限` → `定期30年`).
    pub fn default_value(&self, name_or_path: &str) -> Option<&str> {
        self.element(name_or_path)
            .and_then(|d| d.default.as_deref())
    }

    /// The retention period the schema's retention table gives a category (`会计凭证` → `定期30年`).
    pub fn retention_for(&self, category: &str) -> Option<&str> {
        self.retention
            .iter()
            .find(|r| r.category == category)
            .map(|r| r.period.as_str())
    }

    /// Date patterns in effect for an element (its own, else the schema's for its type).
    pub fn date_patterns<'a>(&'a self, def: &'a ElementDef) -> &'a [DatePattern] {
        if !def.formats.is_empty() {
            &def.formats
        } else if def.data_type == DataType::DateTime {
            &self.datetime_formats
        } else {
            &self.date_formats
        }
    }

    /// Validates one record's metadata: DA/T 70 GD 1-2…1-7, 2-3, 2-4 findings, dated today
    /// (China standard time, UTC+8) for the "not in the future" rules.
    pub fn validate(&self, md: &Metadata) -> Vec<Finding> {
        self.validate_at(md, today_cst())
    }

    /// Validates a record: its metadata, with the component attributes it declared outside the
    /// metadata (manifest, builder) folded in as `文件数据/文档` entries ([`metadata_view`]).
    /// `today` dates the "not in the future" rules. A record without metadata gives no findings.
    pub fn validate_record(&self, record: &Record, today: chrono::NaiveDate) -> Vec<Finding> {
        match metadata_view(record) {
            Some(md) => self.validate_at(&md, today),
            None => Vec::new(),
        }
    }

    /// Same as [`Schema::validate`] with an explicit "today" (reproducible reports, `CheckOptions::now`).
    pub fn validate_at(&self, md: &Metadata, today: chrono::NaiveDate) -> Vec<Finding> {
        validate::run(self, md, today)
    }
}

/// Today in China standard time (UTC+8), the default "now" of validation.
pub fn today_cst() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Parses `CheckOptions::now` (an RFC 3339 date `2024-05-01` or datetime) into a date.
pub fn parse_today(now: &str) -> Option<chrono::NaiveDate> {
    let now = now.trim();
    chrono::NaiveDate::parse_from_str(now, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(now)
                .ok()
                .map(|d| d.date_naive())
        })
        .or_else(|| {
            now.get(..10)
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        })
}
