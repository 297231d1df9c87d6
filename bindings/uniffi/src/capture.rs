//! Capture and verification for the JVM: the `Capturer` object over
//! [`guidang::capture::Capturer`] and its `Receipt`, `verify_package`
//! ([`guidang::package::verify_package`]), `verify_signatures`
//! ([`guidang::authenticity::verify_source`], as JSON) and `extract_invoice`
//! ([`guidang::invoice::extract`], as JSON).

use crate::error::guard;
use crate::{build_record, load_one, GuidangError, RecordInput, Report};
use std::path::PathBuf;
use std::sync::Arc;

/// Options of a [`Capturer`]; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct CaptureOptions {
    /// Package format: `zip` (default), `dir`, `eep` or `bagit`.
    #[uniffi(default = None)]
    pub format: Option<String>,
    /// Metadata schema id or file; default: the record's own.
    #[uniffi(default = None)]
    pub schema: Option<String>,
    /// 检测方案 id or scheme file; default `gd-default`.
    #[uniffi(default = None)]
    pub scheme: Option<String>,
    /// Folder of trusted root certificates.
    #[uniffi(default = None)]
    pub trust_dir: Option<String>,
    /// clamd address (`unix:/path` or `tcp:host:port`) for the virus scan (4-2).
    #[uniffi(default = None)]
    pub clamd: Option<String>,
    /// fsync packages and journal (default true; false only for tests).
    #[uniffi(default = None)]
    pub fsync: Option<bool>,
}

/// Proof that a record was captured (see [`guidang::capture::Receipt`]).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Receipt {
    /// Record id (电子文件号).
    pub record_id: String,
    /// Revision number (1 = first package).
    pub version: i64,
    /// Path of the package in the outbox.
    pub package_path: String,
    /// SM3 digest of the package (hex).
    pub package_sm3: String,
    /// SM3 content key of the record.
    pub content_key: String,
    /// Package format.
    pub format: String,
    /// The package this one revises, if any.
    pub revises: Option<String>,
    /// Capture time (RFC 3339).
    pub created: String,
    /// Position in the outbox journal.
    pub journal_seq: i64,
    /// The 归档 check report.
    pub report: Report,
}

impl From<guidang::capture::Receipt> for Receipt {
    fn from(r: guidang::capture::Receipt) -> Self {
        Receipt {
            record_id: r.record_id,
            version: i64::from(r.version),
            package_path: r.package_path.display().to_string(),
            package_sm3: r.package_sm3,
            content_key: r.content_key,
            format: r.format,
            revises: r.revises,
            created: r.created,
            journal_seq: i64::try_from(r.journal_seq).unwrap_or(i64::MAX),
            report: Report::from(r.report),
        }
    }
}

/// Captures records into one outbox (即时归档). Same record again → the earlier receipt; same
/// id with different content → `Conflict`; a blocking check failure → `Refused` with the report.
/// Safe to share between threads; `close()` (or `use {}`) releases the outbox.
#[derive(Debug, uniffi::Object)]
pub struct Capturer {
    inner: guidang::capture::Capturer,
}

#[uniffi::export]
impl Capturer {
    /// Opens (creating) the outbox.
    #[uniffi::constructor]
    pub fn new(outbox: String, options: CaptureOptions) -> Result<Arc<Self>, GuidangError> {
        guard(|| {
            let mut cfg = guidang::capture::CaptureConfig::new(PathBuf::from(&outbox));
            if let Some(f) = &options.format {
                cfg.format = guidang::package::PackageFormat::parse(f).ok_or_else(|| {
                    guidang::Error::Config(format!(
                        "unknown package format `{f}` (zip, dir, eep, bagit)"
                    ))
                })?;
            }
            cfg.schema = options
                .schema
                .as_deref()
                .map(guidang::Schema::resolve)
                .transpose()?;
            if let Some(s) = &options.scheme {
                cfg.scheme = guidang::Scheme::resolve(s)?;
            }
            cfg.check.trust_dir = options.trust_dir.map(PathBuf::from);
            cfg.check.clamd = options.clamd;
            cfg.package.fsync = options.fsync.unwrap_or(true);
            Ok(Arc::new(Capturer {
                inner: guidang::capture::Capturer::open(cfg)?,
            }))
        })
    }

    /// Checks and captures the record at `path` (record folder, manifest or content file).
    pub fn capture_path(&self, path: String) -> Result<Receipt, GuidangError> {
        guard(|| self.inner.capture(&load_one(&PathBuf::from(&path))?)).map(Receipt::from)
    }

    /// Checks and captures a record built in memory.
    pub fn capture_record(&self, record: RecordInput) -> Result<Receipt, GuidangError> {
        guard(|| self.inner.capture(&build_record(record)?)).map(Receipt::from)
    }

    /// Captures a new version of a record captured before with different content.
    pub fn capture_revision(&self, record: RecordInput) -> Result<Receipt, GuidangError> {
        guard(|| self.inner.capture_revision(&build_record(record)?)).map(Receipt::from)
    }

    /// The latest receipt of a record id, if it was captured.
    pub fn receipt(&self, record_id: String) -> Result<Option<Receipt>, GuidangError> {
        guard(|| self.inner.receipt(&record_id)).map(|r| r.map(Receipt::from))
    }
}

/// Verifies an archival package in the transfer (`YJ`) or preservation (`BC`) stage;
/// `expected_sm3` is the package digest from the capture receipt, `scheme` a 检测方案 id or TOML
/// file (default: the stage's), `trust_dir` a folder of trusted root certificates.
#[uniffi::export(default(stage = "YJ", expected_sm3 = None, scheme = None, trust_dir = None))]
pub fn verify_package(
    path: String,
    stage: String,
    expected_sm3: Option<String>,
    scheme: Option<String>,
    trust_dir: Option<String>,
) -> Result<Report, GuidangError> {
    guard(|| {
        let stage = guidang::Stage::parse(&stage)
            .ok_or_else(|| guidang::Error::Config(format!("unknown stage `{stage}` (YJ or BC)")))?;
        let mut opts = guidang::package::VerifyOptions {
            stage,
            expected_sm3,
            scheme: scheme
                .as_deref()
                .map(guidang::Scheme::resolve)
                .transpose()?,
            ..Default::default()
        };
        opts.check.trust_dir = trust_dir.map(PathBuf::from);
        guidang::package::verify_package(&PathBuf::from(&path), &opts)
    })
    .map(Report::from)
}

/// Verifies the signatures and e-seals of one document (OFD, PDF, 数电票 XML); the result as
/// JSON (`format`, `signatures`, `notes`). Without `trust_dir`, trust is indeterminate;
/// `signer_certs` are certificates for bare signatures (OFD `Type=Sign` without a certificate).
#[uniffi::export(default(trust_dir = None, signer_certs = []))]
pub fn verify_signatures(
    path: String,
    trust_dir: Option<String>,
    signer_certs: Vec<String>,
) -> Result<String, GuidangError> {
    guard(|| {
        let opts = guidang::CheckOptions {
            trust_dir: trust_dir.map(PathBuf::from),
            signer_certs: signer_certs.into_iter().map(PathBuf::from).collect(),
            ..Default::default()
        };
        let trust = guidang::authenticity::Trust::from_options(&opts)?;
        let v = guidang::authenticity::verify_source(
            &guidang::record::Source::Path(PathBuf::from(&path)),
            &trust,
        )?;
        serde_json::to_string(&v).map_err(|e| guidang::Error::Crypto(e.to_string()))
    })
}

/// Extracts an e-invoice (OFD, 数电票 XML or PDF) as JSON: number, date, parties, amounts, items
/// and the provenance of every field.
#[uniffi::export]
pub fn extract_invoice(path: String) -> Result<String, GuidangError> {
    guard(|| {
        let p = PathBuf::from(&path);
        let inv = guidang::invoice::extract(&p)?;
        serde_json::to_string(&inv).map_err(|e| guidang::Error::invalid(&p, e.to_string()))
    })
}
