//! Re-verification of an existing package at 移交与接收 (YJ) or 长期保存 (BC): structure against
//! 说明文件/目录文件 (1-12, 1-13), fixity recomputed against the manifest or signatures (1-14, 1-1),
//! package metadata incl. EEP 封装元数据 (2-10), content counts and bytes (2-11), compression and
//! encryption (3-8), then the normal record checks on every packaged record with the stage's
//! scheme. The result is a [`Report`] in the same format as `check`.
//!
//! This file owns [`VerifyOptions`] and [`verify_package`]: it recognises the kind of package,
//! hands it to the verifier of that kind and assembles the report. The kinds live in
//! `jianji.rs` (件级 folder or zip), `bagit.rs` (BagIt), `eep.rs` and `eep_metadata.rs` (DA/T 48
//! EEP); `findings.rs` collects package findings and `files.rs` holds the file helpers.

mod bagit;
mod eep;
mod eep_metadata;
mod files;
mod findings;
mod jianji;

use self::files::{extract_zip, TempDir};
use self::findings::Findings;
use super::jianji::{JIANJI_CATALOGUE, JIANJI_DESCRIPTOR};
use crate::catalogue::{Catalogue, ItemMode, Scheme};
use crate::checks::{CheckOptions, Checker};
use crate::container::ZipLimits;
use crate::record::Source;
use crate::report::{Finding, Outcome, Report, ReportKind, Stage, ToolInfo};
use crate::schema::Schema;
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// How to verify.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Stage: [`Stage::Transfer`] (YJ, default) or [`Stage::Preservation`] (BC).
    pub stage: Stage,
    /// Scheme; default: the stage's default scheme.
    pub scheme: Option<Scheme>,
    /// Metadata schema; default: the record's own hint.
    pub schema: Option<Schema>,
    /// Options of the record checks.
    pub check: CheckOptions,
    /// The package digest recorded at capture (receipt / journal), checked by 1-14.
    pub expected_sm3: Option<String>,
    /// Limits for zip packages (defaults allow large content: 64 GiB per entry).
    pub zip_limits: ZipLimits,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            stage: Stage::Transfer,
            scheme: None,
            schema: None,
            check: CheckOptions::default(),
            expected_sm3: None,
            zip_limits: ZipLimits {
                max_entries: 100_000,
                max_entry_bytes: 64 << 30,
                max_total_bytes: 256 << 30,
                max_ratio: 1000,
            },
        }
    }
}

/// Verifies a package (件级 folder or zip, EEP, BagIt) and returns the report. Fails only when
/// the path cannot be read at all or is not a package of a known kind.
pub fn verify_package(path: &Path, opts: &VerifyOptions) -> Result<Report> {
    let t0 = Instant::now();
    let scheme = opts
        .scheme
        .clone()
        .unwrap_or_else(|| Scheme::default_for(opts.stage));
    let mut fs = Findings {
        stage: scheme.stage,
        list: Vec::new(),
    };
    let mut records: Vec<(String, Report)> = Vec::new();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let subject = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind;
    if meta.is_dir() {
        let bag_like = path.join("bagit.txt").is_file()
            || (path.join("data").is_dir() && !path.join(JIANJI_CATALOGUE).is_file())
            || std::fs::read_dir(path)
                .map_err(|e| Error::io(path, e))?
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("manifest-"));
        if bag_like {
            kind = "bagit";
            bagit::verify_bag(path, opts, &scheme, &mut fs, &mut records)?;
        } else if path.join(JIANJI_CATALOGUE).is_file() || path.join(JIANJI_DESCRIPTOR).is_file() {
            kind = "jianji";
            jianji::verify_jianji(path, opts, &scheme, &mut fs, &mut records)?;
            fs.add(
                "3-8",
                "package.folder",
                Outcome::Pass,
                &subject,
                "文件夹形式信息包，未压缩、未加密",
                "folder package: not compressed, not encrypted",
            );
        } else {
            return Err(Error::invalid(
                path,
                "not a package: no bagit.txt, 目录文件.XML or 说明文件.TXT",
            ));
        }
    } else {
        let head = Source::Path(path.to_path_buf()).head(64)?;
        let lower = subject.to_lowercase();
        if head.starts_with(b"PK") || lower.ends_with(".zip") {
            kind = "zip";
            let tmp = TempDir::new("verify")?;
            match extract_zip(path, &tmp.0, opts.zip_limits) {
                Ok(()) => {
                    fs.add(
                        "3-8",
                        "package.zip_public_methods",
                        Outcome::Pass,
                        &subject,
                        "zip 信息包仅使用存储/Deflate 压缩，未加密",
                        "zip package uses only stored/deflate entries and no encryption",
                    );
                    let root = tmp.0.clone();
                    jianji::verify_jianji(&root, opts, &scheme, &mut fs, &mut records)?;
                    for f in &mut fs.list {
                        f.subject = f.subject.replace(&root.display().to_string(), &subject);
                    }
                    let tmp_root = root.display().to_string();
                    for (_, r) in &mut records {
                        for f in &mut r.findings {
                            f.subject = f.subject.replace(&tmp_root, &subject);
                        }
                        for i in &mut r.inputs {
                            i.source = i.source.replace(&tmp_root, &subject);
                        }
                    }
                }
                Err(e) => {
                    fs.add("3-8", "package.zip_unreadable", Outcome::Fail, &subject,
                        format!("zip 信息包无法安全读取（加密、非公开压缩算法或损坏）：{e}"),
                        format!("the zip package cannot be read safely (encrypted, non-public compression or corrupt): {e}"));
                }
            }
        } else if head
            .iter()
            .find(|b| !(**b == 0xEF || **b == 0xBB || **b == 0xBF || b.is_ascii_whitespace()))
            == Some(&b'<')
            || lower.ends_with(".xml")
        {
            kind = "eep";
            eep::verify_eep(path, opts, &scheme, &mut fs, &mut records)?;
        } else {
            return Err(Error::invalid(
                path,
                "not a package: neither a zip, an EEP (XML) nor a folder",
            ));
        }
    }
    // Package findings + record findings (record subjects prefixed by their folder).
    let cat = Catalogue::builtin();
    let mut findings = fs.list;
    let mut inputs = Vec::new();
    let mut schema_id = "none".to_string();
    for (prefix, r) in records {
        schema_id = r.schema.clone();
        for mut f in r.findings {
            if f.rule == "package.only" {
                continue;
            }
            if !prefix.is_empty() && !f.subject.starts_with(&prefix) {
                f.subject = format!("{prefix}/{}", f.subject);
            }
            findings.push(f);
        }
        inputs.extend(r.inputs);
    }
    findings.retain(|f| scheme.selects(&f.code));
    for f in &mut findings {
        if let Some(item) = cat.get(&f.code) {
            f.clause = item.clause.clone();
            f.blocking = scheme.mode(&item.seq) == ItemMode::Blocking;
        }
    }
    // Items nobody judged (package-only ones always are judged above).
    for item in cat.stage(scheme.stage) {
        if scheme.mode(&item.seq) == ItemMode::Off || findings.iter().any(|f| f.code == item.code) {
            continue;
        }
        let mut f = Finding::new(
            &item.code,
            "engine.no_conclusion",
            if item.carrier {
                Outcome::NotApplicable
            } else {
                Outcome::Manual
            },
            &subject,
            item.manual_reason
                .clone()
                .unwrap_or_else(|| "guidang 未对该项形成结论，需人工检查".into()),
            item.manual_reason_en.clone().unwrap_or_else(|| {
                "guidang reached no conclusion on this item: a person must check it".into()
            }),
        );
        f.clause = item.clause.clone();
        f.blocking = scheme.mode(&item.seq) == ItemMode::Blocking;
        findings.push(f);
    }
    findings.sort_by_key(|f| order_key(&f.code));
    let mut timings = BTreeMap::new();
    timings.insert(
        "total".to_string(),
        (t0.elapsed().as_secs_f64() * 1e6).round() / 1e3,
    );
    let mut report = Report {
        kind: ReportKind::Record,
        id: subject,
        source: format!("{} ({kind})", path.display()),
        stage: scheme.stage,
        verdict: crate::report::Verdict::Pass,
        schema: schema_id,
        scheme: scheme.id.clone(),
        tool: ToolInfo::default(),
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        inputs,
        timings_ms: timings,
        summary: Default::default(),
        findings,
    };
    report.finish();
    Ok(report)
}

fn order_key(code: &str) -> (u32, u32) {
    let mut it = code
        .split('-')
        .skip(1)
        .map(|p| p.parse::<u32>().unwrap_or(u32::MAX));
    (it.next().unwrap_or(u32::MAX), it.next().unwrap_or(u32::MAX))
}

fn checker(opts: &VerifyOptions, scheme: &Scheme) -> Checker {
    Checker::new(opts.schema.clone(), scheme.clone(), opts.check.clone())
}
