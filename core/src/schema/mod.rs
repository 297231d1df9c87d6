//! Metadata schemas (DA/T 46 文书, 会计 kuaiji, user schemas): loading and validation.
//! PLACEHOLDER API — the full implementation replaces this file.

use crate::record::Metadata;
use crate::report::Finding;
use crate::{Error, Result};
use std::path::Path;

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
}

impl Schema {
    /// Ids of the built-in schemas.
    pub fn builtin_ids() -> &'static [&'static str] {
        &["dat46-wenshu", "kuaiji"]
    }
    /// A built-in schema.
    pub fn builtin(id: &str) -> Result<Schema> {
        if Self::builtin_ids().contains(&id) {
            Ok(Schema {
                id: id.into(),
                name: id.into(),
                unique: vec!["档号".into(), "电子文件号".into()],
                continuity: vec![],
            })
        } else {
            Err(Error::Config(format!("unknown schema `{id}`")))
        }
    }
    /// A built-in id or a schema file path.
    pub fn resolve(id_or_path: &str) -> Result<Schema> {
        if Self::builtin_ids().contains(&id_or_path) {
            return Self::builtin(id_or_path);
        }
        Self::from_file(Path::new(id_or_path))
    }
    /// Loads a schema file.
    pub fn from_file(path: &Path) -> Result<Schema> {
        Err(Error::Schema {
            path: path.into(),
            line: None,
            reason: "schema files are not supported yet".into(),
        })
    }
    /// Validates one record's metadata: DA/T 70 GD 1-2…1-7, 2-3, 2-4 findings.
    pub fn validate(&self, _md: &Metadata) -> Vec<Finding> {
        Vec::new()
    }
}
