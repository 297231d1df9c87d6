//! Findings and reports: the data every check produces (JSON is the canonical form,
//! described by `schemas/report.schema.json`; text renderings come from the same data).

mod render;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use render::{render_text, Lang};

/// The four properties of DA/T 70-2018 (四性).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Property {
    /// 真实性
    Authenticity,
    /// 完整性
    Integrity,
    /// 可用性
    Usability,
    /// 安全性
    Security,
}

impl Property {
    /// The digit used in DA/T 70 item codes (1 真实性 … 4 安全性).
    pub fn digit(self) -> u8 {
        match self {
            Property::Authenticity => 1,
            Property::Integrity => 2,
            Property::Usability => 3,
            Property::Security => 4,
        }
    }
    /// Property from its DA/T 70 digit.
    pub fn from_digit(d: u8) -> Option<Self> {
        Some(match d {
            1 => Property::Authenticity,
            2 => Property::Integrity,
            3 => Property::Usability,
            4 => Property::Security,
            _ => return None,
        })
    }
    /// Chinese name (真实性 …).
    pub fn zh(self) -> &'static str {
        match self {
            Property::Authenticity => "真实性",
            Property::Integrity => "完整性",
            Property::Usability => "可用性",
            Property::Security => "安全性",
        }
    }
    /// Machine name (authenticity …).
    pub fn as_str(self) -> &'static str {
        match self {
            Property::Authenticity => "authenticity",
            Property::Integrity => "integrity",
            Property::Usability => "usability",
            Property::Security => "security",
        }
    }
}

/// The three DA/T 70 stages: 归档 (GD), 移交与接收 (YJ), 长期保存 (BC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    /// 归档环节 (archiving / capture)
    #[serde(rename = "GD")]
    Archiving,
    /// 移交与接收环节 (transfer and receipt)
    #[serde(rename = "YJ")]
    Transfer,
    /// 长期保存环节 (long-term preservation)
    #[serde(rename = "BC")]
    Preservation,
}

impl Stage {
    /// Code prefix (`GD`, `YJ`, `BC`).
    pub fn prefix(self) -> &'static str {
        match self {
            Stage::Archiving => "GD",
            Stage::Transfer => "YJ",
            Stage::Preservation => "BC",
        }
    }
    /// Stage from a prefix or a CLI word (`gd`, `yj`, `bc`, case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "GD" => Some(Stage::Archiving),
            "YJ" => Some(Stage::Transfer),
            "BC" | "CQ" => Some(Stage::Preservation),
            _ => None,
        }
    }
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Stage::Archiving => "归档",
            Stage::Transfer => "移交与接收",
            Stage::Preservation => "长期保存",
        }
    }
}

/// Outcome of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The check ran and the record satisfies it.
    Pass,
    /// The check ran and the record does not satisfy it.
    Fail,
    /// Satisfied with reservations (e.g. trust indeterminate, non-archival but allowed format).
    Warn,
    /// The library cannot judge this alone: a person must (e.g. antivirus installed, carrier inspection).
    Manual,
    /// The check does not apply to this record (e.g. no fixity information, no metadata).
    NotApplicable,
}

impl Outcome {
    /// snake_case name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Warn => "warn",
            Outcome::Manual => "manual",
            Outcome::NotApplicable => "not_applicable",
        }
    }
    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            Outcome::Pass => "通过",
            Outcome::Fail => "不通过",
            Outcome::Warn => "警告",
            Outcome::Manual => "需人工检查",
            Outcome::NotApplicable => "不适用",
        }
    }
}

/// Overall verdict of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No failure and no warning.
    Pass,
    /// No blocking failure, but warnings or non-blocking failures.
    Warn,
    /// At least one blocking finding failed.
    Fail,
}

impl Verdict {
    /// snake_case name as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// One result of one check item on one subject. Findings are data, not exceptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Catalogue item code, e.g. `GD-1-1`.
    pub code: String,
    /// Stable fine-grained rule id inside the item, e.g. `metadata.required` or `ofd.reference_digest`.
    pub rule: String,
    /// The DA/T 70 property.
    pub property: Property,
    /// The DA/T 70 stage.
    pub stage: Stage,
    /// What happened.
    pub outcome: Outcome,
    /// Whether the scheme makes a failure of this item block archiving (set by the engine).
    pub blocking: bool,
    /// The standard clause the item comes from (filled from the catalogue by the engine).
    #[serde(default)]
    pub clause: String,
    /// What was checked: a record id, a component file name, a metadata element path...
    pub subject: String,
    /// Chinese message.
    pub message_zh: String,
    /// English message.
    pub message_en: String,
    /// Structured evidence (digests, expected/actual values, signer subjects...).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub evidence: Map<String, Value>,
}

impl Finding {
    /// A finding for catalogue item `code` (e.g. `GD-2-4`). Property and stage are read off the code;
    /// an unparsable code is a programming error and maps to authenticity/archiving.
    pub fn new(
        code: &str,
        rule: &str,
        outcome: Outcome,
        subject: impl Into<String>,
        message_zh: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        let (stage, property) =
            parse_code(code).unwrap_or((Stage::Archiving, Property::Authenticity));
        Finding {
            code: code.to_string(),
            rule: rule.to_string(),
            property,
            stage,
            outcome,
            blocking: false,
            clause: String::new(),
            subject: subject.into(),
            message_zh: message_zh.into(),
            message_en: message_en.into(),
            evidence: Map::new(),
        }
    }

    /// Adds one evidence entry.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.evidence.insert(key.to_string(), value.into());
        self
    }

    /// Same finding re-coded for another stage (items repeat across stages).
    pub fn in_stage(mut self, stage: Stage) -> Self {
        if let Some(rest) = self.code.split_once('-').map(|(_, r)| r.to_string()) {
            self.code = format!("{}-{}", stage.prefix(), rest);
        }
        self.stage = stage;
        self
    }
}

/// Splits `GD-1-10` into its stage and property.
pub fn parse_code(code: &str) -> Option<(Stage, Property)> {
    let mut it = code.split('-');
    let stage = Stage::parse(it.next()?)?;
    let prop = Property::from_digit(it.next()?.parse().ok()?)?;
    Some((stage, prop))
}

/// Whether the report covers one record or a whole batch (batch-level checks and totals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// One record (件).
    Record,
    /// A batch (a transfer of many records): counts, bytes, continuity, duplicates.
    Batch,
}

/// Digest and identification of one input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputDigest {
    /// Component role (正文, 附件 …) or `metadata`.
    pub role: String,
    /// File name as archived.
    pub name: String,
    /// Where it was read from (path, or `memory:`).
    pub source: String,
    /// Size in bytes.
    pub size: u64,
    /// SM3 digest, lowercase hex.
    pub sm3: String,
    /// SHA-256 digest, lowercase hex.
    pub sha256: String,
    /// Format identified by content (e.g. `PDF 1.7`, `OFD`), if identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// Name and version of the tool that wrote the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// Always `guidang`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: "guidang".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// Count of findings per outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Findings that passed.
    pub pass: usize,
    /// Findings that failed.
    pub fail: usize,
    /// Warnings.
    pub warn: usize,
    /// Items left to a person.
    pub manual: usize,
    /// Items not applicable.
    pub not_applicable: usize,
}

/// The result of checking one record (or one batch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// `record` or `batch`.
    pub kind: ReportKind,
    /// Record id (电子文件号 / manifest id / derived), or the batch path for a batch report.
    pub id: String,
    /// Where the record came from (folder, manifest, file, memory).
    pub source: String,
    /// The DA/T 70 stage the checks belong to.
    pub stage: Stage,
    /// pass | warn | fail.
    pub verdict: Verdict,
    /// Schema id used for metadata (or `none`).
    pub schema: String,
    /// 检测方案 id used.
    pub scheme: String,
    /// Tool name and version.
    pub tool: ToolInfo,
    /// When the report was made (RFC 3339, UTC).
    pub created: String,
    /// Digests of every input file.
    pub inputs: Vec<InputDigest>,
    /// Wall-clock timings in milliseconds by phase.
    pub timings_ms: std::collections::BTreeMap<String, f64>,
    /// Findings per outcome.
    pub summary: Summary,
    /// All findings, in catalogue order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Recomputes `summary` and `verdict` from the findings.
    pub fn finish(&mut self) {
        let mut s = Summary::default();
        for f in &self.findings {
            match f.outcome {
                Outcome::Pass => s.pass += 1,
                Outcome::Fail => s.fail += 1,
                Outcome::Warn => s.warn += 1,
                Outcome::Manual => s.manual += 1,
                Outcome::NotApplicable => s.not_applicable += 1,
            }
        }
        self.verdict = verdict_of(&self.findings);
        self.summary = s;
    }

    /// Findings that failed.
    pub fn failed(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.outcome == Outcome::Fail)
    }

    /// Codes of blocking failures, comma-separated (for error messages).
    pub fn blocking_failures(&self) -> String {
        let mut codes: Vec<&str> = self
            .failed()
            .filter(|f| f.blocking)
            .map(|f| f.code.as_str())
            .collect();
        codes.dedup();
        codes.join(",")
    }

    /// The canonical JSON form (one line).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Pretty-printed JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

/// Verdict rule: fail if any blocking finding fails; warn if anything else failed or warned; else pass.
pub fn verdict_of(findings: &[Finding]) -> Verdict {
    if findings
        .iter()
        .any(|f| f.outcome == Outcome::Fail && f.blocking)
    {
        Verdict::Fail
    } else if findings
        .iter()
        .any(|f| matches!(f.outcome, Outcome::Fail | Outcome::Warn))
    {
        Verdict::Warn
    } else {
        Verdict::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_parsing() {
        assert_eq!(
            parse_code("GD-1-10"),
            Some((Stage::Archiving, Property::Authenticity))
        );
        assert_eq!(
            parse_code("YJ-3-4"),
            Some((Stage::Transfer, Property::Usability))
        );
        assert_eq!(
            parse_code("BC-4-2"),
            Some((Stage::Preservation, Property::Security))
        );
        assert_eq!(parse_code("XX-1-1"), None);
        assert_eq!(parse_code("GD-9-1"), None);
    }

    #[test]
    fn verdict_rules() {
        let mut f = Finding::new("GD-2-4", "r", Outcome::Fail, "s", "z", "e");
        assert_eq!(verdict_of(std::slice::from_ref(&f)), Verdict::Warn);
        f.blocking = true;
        assert_eq!(verdict_of(std::slice::from_ref(&f)), Verdict::Fail);
        let m = Finding::new("GD-4-1", "r", Outcome::Manual, "s", "z", "e");
        assert_eq!(verdict_of(&[m]), Verdict::Pass);
    }

    #[test]
    fn restage() {
        let f = Finding::new("GD-2-7", "r", Outcome::Pass, "s", "z", "e").in_stage(Stage::Transfer);
        assert_eq!(f.code, "YJ-2-7");
        assert_eq!(f.stage, Stage::Transfer);
    }
}
