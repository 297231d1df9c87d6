//! uniffi binding of guidang for the JVM (Kotlin, Java), Swift and Python: an opinionated, thin
//! subset of the Rust API. Every exported function converts its arguments, calls the core (panics
//! caught) and converts the result; errors map to one [`GuidangError`] (`error.rs`).

mod capture;
mod error;

pub use capture::{CaptureOptions, Capturer, Receipt};

use error::guard;
pub use error::GuidangError;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

uniffi::setup_scaffolding!("guidang");

/// Overall verdict of a report (see [`guidang::Verdict`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Verdict {
    /// No failure and no warning.
    Pass,
    /// No blocking failure, but warnings or non-blocking failures.
    Warn,
    /// At least one blocking finding failed.
    Fail,
}

impl From<guidang::Verdict> for Verdict {
    fn from(v: guidang::Verdict) -> Self {
        match v {
            guidang::Verdict::Pass => Verdict::Pass,
            guidang::Verdict::Warn => Verdict::Warn,
            guidang::Verdict::Fail => Verdict::Fail,
        }
    }
}

/// Outcome of one finding (see [`guidang::Outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Outcome {
    /// The check ran and the record satisfies it.
    Pass,
    /// The check ran and the record does not satisfy it.
    Fail,
    /// Satisfied with reservations.
    Warn,
    /// A person must judge this.
    Manual,
    /// The check does not apply to this record.
    NotApplicable,
}

impl From<guidang::Outcome> for Outcome {
    fn from(o: guidang::Outcome) -> Self {
        match o {
            guidang::Outcome::Pass => Outcome::Pass,
            guidang::Outcome::Fail => Outcome::Fail,
            guidang::Outcome::Warn => Outcome::Warn,
            guidang::Outcome::Manual => Outcome::Manual,
            guidang::Outcome::NotApplicable => Outcome::NotApplicable,
        }
    }
}

/// One finding of one check item (see [`guidang::Finding`]).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Finding {
    /// Catalogue item code, e.g. `GD-1-1`.
    pub code: String,
    /// Stable fine-grained rule id, e.g. `metadata.required`.
    pub rule: String,
    /// `authenticity`, `integrity`, `usability` or `security`.
    pub property: String,
    /// `GD`, `YJ` or `BC`.
    pub stage: String,
    /// What happened.
    pub outcome: Outcome,
    /// Whether a failure blocks archiving under the scheme.
    pub blocking: bool,
    /// Standard clause of the item.
    pub clause: String,
    /// What was checked.
    pub subject: String,
    /// Chinese message.
    pub message_zh: String,
    /// English message.
    pub message_en: String,
    /// Structured evidence as a JSON object.
    pub evidence_json: String,
}

impl From<&guidang::Finding> for Finding {
    fn from(f: &guidang::Finding) -> Self {
        Finding {
            code: f.code.clone(),
            rule: f.rule.clone(),
            property: f.property.as_str().to_string(),
            stage: f.stage.prefix().to_string(),
            outcome: f.outcome.into(),
            blocking: f.blocking,
            clause: f.clause.clone(),
            subject: f.subject.clone(),
            message_zh: f.message_zh.clone(),
            message_en: f.message_en.clone(),
            evidence_json: serde_json::Value::Object(f.evidence.clone()).to_string(),
        }
    }
}

/// The result of checking one record (see [`guidang::Report`]); `json` is the canonical form.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Report {
    /// Record id (电子文件号).
    pub id: String,
    /// Where the record came from.
    pub source: String,
    /// `GD`, `YJ` or `BC`.
    pub stage: String,
    /// pass | warn | fail.
    pub verdict: Verdict,
    /// Schema id used (or `none`).
    pub schema: String,
    /// 检测方案 id used.
    pub scheme: String,
    /// All findings, in catalogue order.
    pub findings: Vec<Finding>,
    /// Sorted, de-duplicated codes of the failed findings.
    pub failed_codes: Vec<String>,
    /// The canonical JSON form of the whole report.
    pub json: String,
}

impl From<guidang::Report> for Report {
    fn from(r: guidang::Report) -> Self {
        let mut failed: Vec<String> = r.failed().map(|f| f.code.clone()).collect();
        failed.sort();
        failed.dedup();
        Report {
            id: r.id.clone(),
            source: r.source.clone(),
            stage: r.stage.prefix().to_string(),
            verdict: r.verdict.into(),
            schema: r.schema.clone(),
            scheme: r.scheme.clone(),
            findings: r.findings.iter().map(Finding::from).collect(),
            failed_codes: failed,
            json: r.to_json(),
        }
    }
}

/// One component of a record to build: exactly one of `path` (a file, read when checked) or
/// `data` (bytes in memory) must be given.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ComponentInput {
    /// Role: 正文, 附件, 处理单, 原始凭证, 记账凭证 (or main, attachment…).
    pub role: String,
    /// Name the file is archived under (defaults to the file name for a path).
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// A file on disk.
    #[uniffi(default = None)]
    pub path: Option<String>,
    /// Bytes in memory.
    #[uniffi(default = None)]
    pub data: Option<Vec<u8>>,
    /// Declared DA/T 46 electronic attributes: 格式信息, 计算机文件名, 计算机文件大小, 文档创建程序.
    #[uniffi(default = None)]
    pub declared: Option<HashMap<String, String>>,
    /// Declared digests: algorithm (`sm3`, `sha256`…) → hex.
    #[uniffi(default = None)]
    pub digests: Option<HashMap<String, String>>,
}

fn declared_of(
    id: &str,
    declared: Option<HashMap<String, String>>,
    digests: Option<HashMap<String, String>>,
) -> guidang::Result<guidang::record::Declared> {
    let mut d = guidang::record::Declared::default();
    for (k, v) in declared.unwrap_or_default() {
        match k.as_str() {
            "格式信息" => d.format = Some(v),
            "计算机文件名" => d.file_name = Some(v),
            "计算机文件大小" => d.size = Some(v),
            "文档创建程序" => d.creating_application = Some(v),
            other => {
                return Err(guidang::Error::invalid(
                    format!("memory:{id}"),
                    format!("unknown declared attribute `{other}`"),
                ))
            }
        }
    }
    let mut digests: Vec<(String, String)> = digests.unwrap_or_default().into_iter().collect();
    digests.sort();
    d.digests = digests;
    Ok(d)
}

/// A record (件) to build in memory (see [`guidang::RecordBuilder`]).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RecordInput {
    /// Record id (电子文件号).
    pub id: String,
    /// DA/T 46 metadata as a JSON object by Chinese element names (`{"题名": "…", "档号": {…}}`).
    #[uniffi(default = None)]
    pub metadata_json: Option<String>,
    /// Metadata schema id (default: `dat46-wenshu`).
    #[uniffi(default = None)]
    pub schema: Option<String>,
    /// Components in order.
    pub components: Vec<ComponentInput>,
}

pub(crate) fn build_record(input: RecordInput) -> guidang::Result<guidang::Record> {
    let mut b = guidang::RecordBuilder::new(input.id.clone());
    if let Some(md) = &input.metadata_json {
        let v: serde_json::Value = serde_json::from_str(md).map_err(|e| {
            guidang::Error::invalid(
                format!("memory:{}", input.id),
                format!("metadata_json is not valid JSON: {e}"),
            )
        })?;
        if !v.is_object() {
            return Err(guidang::Error::invalid(
                format!("memory:{}", input.id),
                "metadata_json must be a JSON object",
            ));
        }
        b = b.metadata_json(&v);
    }
    if let Some(s) = input.schema {
        b = b.schema(s);
    }
    for (i, c) in input.components.into_iter().enumerate() {
        let role = guidang::Role::parse(&c.role);
        let declared = declared_of(&input.id, c.declared, c.digests)?;
        let mut comp = match (c.path, c.data) {
            (Some(p), None) => {
                let mut comp = guidang::record::Component::from_path(role, PathBuf::from(p));
                if let Some(n) = c.name {
                    comp.name = n;
                }
                comp
            }
            (None, Some(d)) => {
                let name = c.name.unwrap_or_else(|| format!("component-{}", i + 1));
                guidang::record::Component::from_bytes(role, name, d)
            }
            _ => {
                return Err(guidang::Error::invalid(
                    format!("memory:{}", input.id),
                    format!(
                        "component {} must have exactly one of `path` and `data`",
                        i + 1
                    ),
                ))
            }
        };
        comp.declared = declared;
        b = b.component(comp);
    }
    Ok(b.build())
}

pub(crate) fn load_one(path: &std::path::Path) -> guidang::Result<guidang::Record> {
    match guidang::record::load(path)? {
        guidang::record::Input::Record(r) => Ok(*r),
        guidang::record::Input::Batch(_) => Err(guidang::Error::invalid(
            path,
            "this is a batch folder, not one record",
        )),
    }
}

/// Options of a [`Checker`]; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct CheckerOptions {
    /// Schema id (`dat46-wenshu`, `kuaiji`) or schema file; default: the record's own.
    #[uniffi(default = None)]
    pub schema: Option<String>,
    /// 检测方案 id or scheme TOML file; default `gd-default`.
    #[uniffi(default = None)]
    pub scheme: Option<String>,
    /// Folder of trusted root certificates.
    #[uniffi(default = None)]
    pub trust_dir: Option<String>,
    /// clamd address (`unix:/path` or `tcp:host:port`).
    #[uniffi(default = None)]
    pub clamd: Option<String>,
    /// "Today" for date checks (RFC 3339).
    #[uniffi(default = None)]
    pub now: Option<String>,
}

/// A configured checker (see [`guidang::Checker`]); safe to share between threads.
#[derive(Debug, uniffi::Object)]
pub struct Checker {
    inner: guidang::Checker,
}

#[uniffi::export]
impl Checker {
    /// A checker with the given options.
    #[uniffi::constructor]
    pub fn new(options: CheckerOptions) -> Result<Arc<Self>, GuidangError> {
        guard(|| {
            let schema = options
                .schema
                .as_deref()
                .map(guidang::Schema::resolve)
                .transpose()?;
            let scheme =
                guidang::Scheme::resolve(options.scheme.as_deref().unwrap_or("gd-default"))?;
            let opts = guidang::CheckOptions {
                trust_dir: options.trust_dir.map(PathBuf::from),
                clamd: options.clamd,
                now: options.now,
                ..Default::default()
            };
            Ok(Arc::new(Checker {
                inner: guidang::Checker::new(schema, scheme, opts),
            }))
        })
    }

    /// The 检测方案 id in use.
    pub fn scheme(&self) -> String {
        self.inner.scheme().id.clone()
    }

    /// Checks one record at `path` (record folder, JSON manifest or content file).
    pub fn check_path(&self, path: String) -> Result<Report, GuidangError> {
        guard(|| self.inner.check(&load_one(&PathBuf::from(&path))?)).map(Report::from)
    }

    /// Checks a record built in memory.
    pub fn check_record(&self, record: RecordInput) -> Result<Report, GuidangError> {
        guard(|| self.inner.check(&build_record(record)?)).map(Report::from)
    }
}

/// Checks one record at `path` with the default archiving checker (gd-default).
#[uniffi::export]
pub fn check_path(path: String) -> Result<Report, GuidangError> {
    guard(|| guidang::check_path(&PathBuf::from(&path))).map(Report::from)
}

/// Checks a record built in memory with the default archiving checker.
#[uniffi::export]
pub fn check_record(record: RecordInput) -> Result<Report, GuidangError> {
    guard(|| guidang::Checker::archiving().check(&build_record(record)?)).map(Report::from)
}

/// One DA/T 70-2018 catalogue item in one stage.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CatalogueItem {
    /// Full code, e.g. `GD-1-1`.
    pub code: String,
    /// `GD`, `YJ` or `BC`.
    pub stage: String,
    /// Property name.
    pub property: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Standard clause.
    pub clause: String,
}

/// All catalogue items of all stages, in catalogue order.
#[uniffi::export]
pub fn catalogue() -> Vec<CatalogueItem> {
    guidang::Catalogue::builtin()
        .items()
        .iter()
        .map(|i| CatalogueItem {
            code: i.code.clone(),
            stage: i.stage.prefix().to_string(),
            property: i.property.as_str().to_string(),
            name_zh: i.name_zh.clone(),
            name_en: i.name_en.clone(),
            clause: i.clause.clone(),
        })
        .collect()
}

/// Ids of the built-in metadata schemas.
#[uniffi::export]
pub fn schemas() -> Vec<String> {
    guidang::Schema::builtin_ids()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Ids of the built-in 检测方案.
#[uniffi::export]
pub fn schemes() -> Vec<String> {
    guidang::catalogue::BUILTIN_SCHEMES
        .iter()
        .map(|(id, _)| id.to_string())
        .collect()
}

/// Version of the guidang library.
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
