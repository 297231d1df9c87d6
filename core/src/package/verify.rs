//! Re-verification of an existing package at 移交与接收 (YJ) or 长期保存 (BC): structure against
//! 说明文件/目录文件 (1-12, 1-13), fixity recomputed against the manifest or signatures (1-14, 1-1),
//! package metadata incl. EEP 封装元数据 (2-10), content counts and bytes (2-11), compression and
//! encryption (3-8), then the normal record checks on every packaged record with the stage's
//! scheme. The result is a [`Report`] in the same format as `check`.

use super::bagit::validate_bag;
use super::eep_read::{read_eep, EepDocument};
use super::jianji::{
    parse_descriptor, parse_manifest, JIANJI_CATALOGUE, JIANJI_DESCRIPTOR, JIANJI_MANIFEST_SHA256,
    JIANJI_MANIFEST_SM3, JIANJI_TAGMANIFEST,
};
use crate::catalogue::{Catalogue, ItemMode, Scheme};
use crate::checks::{CheckOptions, Checker};
use crate::container::{ZipContainer, ZipLimits};
use crate::digest::{digest_file, DigestAlg};
use crate::record::{Component, Declared, MetaNode, Origin, Record, Role, Source};
use crate::report::{Finding, Outcome, Report, ReportKind, Stage, ToolInfo};
use crate::schema::Schema;
use crate::xml::{self, Element, XmlLimits};
use crate::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
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

/// Collects findings in one stage and applies the scheme's blocking rules.
struct Findings {
    stage: Stage,
    list: Vec<Finding>,
}

impl Findings {
    fn add(
        &mut self,
        seq: &str,
        rule: &str,
        outcome: Outcome,
        subject: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> &mut Finding {
        let f = Finding::new(
            &format!("{}-{seq}", self.stage.prefix()),
            rule,
            outcome,
            subject,
            zh,
            en,
        );
        self.list.push(f);
        let n = self.list.len() - 1;
        &mut self.list[n]
    }
    fn has(&self, seq: &str, outcome: Outcome) -> bool {
        let code = format!("{}-{seq}", self.stage.prefix());
        self.list
            .iter()
            .any(|f| f.code == code && f.outcome == outcome)
    }
    fn pass_unless_failed(&mut self, seq: &str, rule: &str, subject: &str, zh: &str, en: &str) {
        if !self.has(seq, Outcome::Fail) {
            self.add(seq, rule, Outcome::Pass, subject, zh, en);
        }
    }
}

/// A temporary folder removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Result<TempDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "guidang-{tag}-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
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
            verify_bag(path, opts, &scheme, &mut fs, &mut records)?;
        } else if path.join(JIANJI_CATALOGUE).is_file() || path.join(JIANJI_DESCRIPTOR).is_file() {
            kind = "jianji";
            verify_jianji(path, opts, &scheme, &mut fs, &mut records)?;
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
                    verify_jianji(&root, opts, &scheme, &mut fs, &mut records)?;
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
            .skip_while(|b| **b == 0xEF || **b == 0xBB || **b == 0xBF || b.is_ascii_whitespace())
            .next()
            == Some(&b'<')
            || lower.ends_with(".xml")
        {
            kind = "eep";
            verify_eep(path, opts, &scheme, &mut fs, &mut records)?;
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

fn extract_zip(zip: &Path, dest: &Path, limits: ZipLimits) -> Result<()> {
    let mut c = ZipContainer::open(zip, limits)?;
    let names: Vec<(String, bool)> = c.entries().map(|e| (e.name.clone(), e.is_dir)).collect();
    for (name, is_dir) in names {
        let n = crate::container::normalize(&name)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Error::invalid(zip, format!("entry `{name}` leaves the package")))?;
        let p = dest.join(&n);
        if is_dir {
            std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))?;
            continue;
        }
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut f =
            std::io::BufWriter::new(std::fs::File::create(&p).map_err(|e| Error::io(&p, e))?);
        c.copy_to(&name, &mut f)?;
        use std::io::Write;
        f.flush().map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

fn checker(opts: &VerifyOptions, scheme: &Scheme) -> Checker {
    Checker::new(opts.schema.clone(), scheme.clone(), opts.check.clone())
}

/// Reads a text file as UTF-8, falling back to GB18030.
fn read_text(p: &Path) -> Result<String> {
    let b = std::fs::read(p).map_err(|e| Error::io(p, e))?;
    let b = b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&b);
    Ok(match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(b).0.into_owned(),
    })
}

fn walk(dir: &Path, rel: &str, out: &mut BTreeSet<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&e.path(), &r, out),
            Ok(_) => {
                out.insert(r);
            }
            Err(_) => {}
        }
    }
}

/// 件级 package in a folder.
fn verify_jianji(
    root: &Path,
    opts: &VerifyOptions,
    scheme: &Scheme,
    fs: &mut Findings,
    records: &mut Vec<(String, Report)>,
) -> Result<()> {
    let mut files = BTreeSet::new();
    walk(root, "", &mut files);
    // 1-12 说明文件
    let descriptor = match read_text(&root.join(JIANJI_DESCRIPTOR)) {
        Ok(t) => parse_descriptor(&t),
        Err(_) => {
            fs.add(
                "1-12",
                "package.descriptor_missing",
                Outcome::Fail,
                JIANJI_DESCRIPTOR,
                "信息包缺少说明文件",
                "the package has no descriptor file 说明文件.TXT",
            );
            Vec::new()
        }
    };
    let dget = |k: &str| {
        descriptor
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.as_str())
    };
    // 1-12 目录文件
    let catalogue = match xml::parse_file(&root.join(JIANJI_CATALOGUE), &XmlLimits::default()) {
        Ok(d) if d.root.name == "目录文件" => Some(d.root),
        Ok(d) => {
            fs.add(
                "1-12",
                "package.catalogue_root",
                Outcome::Fail,
                JIANJI_CATALOGUE,
                format!("目录文件根元素为 <{}>，应为 <目录文件>", d.root.name),
                format!(
                    "the catalogue's root element is <{}>, not <目录文件>",
                    d.root.name
                ),
            );
            None
        }
        Err(e) => {
            fs.add(
                "1-12",
                "package.catalogue_unreadable",
                Outcome::Fail,
                JIANJI_CATALOGUE,
                format!("目录文件缺失或无法解析：{e}"),
                format!("the catalogue is missing or unreadable: {e}"),
            );
            None
        }
    };
    let items: Vec<&Element> = catalogue
        .as_ref()
        .map(|c| c.children_named("件").collect())
        .unwrap_or_default();
    if let Some(n) = dget("件数") {
        if n.parse::<usize>().ok() != Some(items.len()) && catalogue.is_some() {
            fs.add(
                "1-12",
                "package.count_mismatch",
                Outcome::Fail,
                JIANJI_DESCRIPTOR,
                format!("说明文件登记 {n} 件，目录文件列出 {} 件", items.len()),
                format!(
                    "the descriptor declares {n} records, the catalogue lists {}",
                    items.len()
                ),
            );
        }
    }
    // 1-14 fixity: manifest and tag manifest.
    let mut listed: BTreeSet<String> = BTreeSet::new();
    let manifests = [
        JIANJI_MANIFEST_SM3,
        JIANJI_MANIFEST_SHA256,
        JIANJI_TAGMANIFEST,
    ];
    match read_text(&root.join(JIANJI_MANIFEST_SM3)) {
        Err(_) => {
            fs.add(
                "1-14",
                "package.manifest_missing",
                Outcome::Fail,
                JIANJI_MANIFEST_SM3,
                "信息包缺少固化信息清单 (SM3)",
                "the package has no SM3 fixity manifest",
            );
        }
        Ok(_) => {
            if let Some(exp) = &opts.expected_sm3 {
                let got = super::sm3_file(&root.join(JIANJI_MANIFEST_SM3))?;
                if !got.eq_ignore_ascii_case(exp) {
                    fs.add(
                        "1-14",
                        "package.digest_mismatch",
                        Outcome::Fail,
                        JIANJI_MANIFEST_SM3,
                        "信息包摘要与归档时登记值不符",
                        "the package digest differs from the one recorded at capture",
                    )
                    .evidence
                    .insert("expected".into(), exp.clone().into());
                }
            }
        }
    }
    for (mf, alg) in [
        (JIANJI_MANIFEST_SM3, DigestAlg::Sm3),
        (JIANJI_MANIFEST_SHA256, DigestAlg::Sha256),
        (JIANJI_TAGMANIFEST, DigestAlg::Sm3),
    ] {
        let Ok(text) = read_text(&root.join(mf)) else {
            continue;
        };
        let entries = match parse_manifest(&text) {
            Ok(e) => e,
            Err(e) => {
                fs.add(
                    "1-14",
                    "package.manifest_syntax",
                    Outcome::Fail,
                    mf,
                    format!("固化信息清单格式错误：{e}"),
                    format!("the fixity manifest is malformed: {e}"),
                );
                continue;
            }
        };
        for (want, rel) in entries {
            let Some(n) = crate::container::normalize(&rel)
                .filter(|n| !n.is_empty() && !rel.starts_with('/'))
            else {
                fs.add(
                    "1-14",
                    "package.manifest_path",
                    Outcome::Fail,
                    mf,
                    format!("清单路径 `{rel}` 超出信息包"),
                    format!("manifest path `{rel}` leaves the package"),
                );
                continue;
            };
            if mf != JIANJI_TAGMANIFEST {
                listed.insert(n.clone());
            }
            let p = root.join(&n);
            if !p.is_file() {
                fs.add(
                    "1-14",
                    "package.file_missing",
                    Outcome::Fail,
                    &n,
                    format!("清单 {mf} 登记的文件缺失"),
                    format!("file listed in {mf} is missing"),
                );
                continue;
            }
            let got = digest_file(&p, &[alg])?.hex(alg);
            if got != want {
                fs.add(
                    "1-14",
                    "package.fixity_mismatch",
                    Outcome::Fail,
                    &n,
                    format!("{} 摘要与清单 {mf} 登记值不符，文件已被修改", alg.name()),
                    format!(
                        "{} digest differs from {mf}: the file was altered",
                        alg.name()
                    ),
                )
                .evidence
                .insert("manifest".into(), mf.into());
            }
        }
    }
    for f in &files {
        if !listed.contains(f) && !manifests.contains(&f.as_str()) {
            fs.add(
                "1-13",
                "package.unlisted_file",
                Outcome::Fail,
                f,
                "信息包中有未登记在固化信息清单中的文件",
                "a file in the package is not listed in the fixity manifest",
            );
        }
    }
    fs.pass_unless_failed(
        "1-14",
        "package.fixity_ok",
        JIANJI_MANIFEST_SM3,
        "信息包中全部文件的摘要与固化信息清单一致",
        "every file of the package matches its fixity manifest",
    );

    // Each 件.
    let mut total_files = 0usize;
    let mut total_bytes = 0u64;
    for (i, item) in items.iter().enumerate() {
        let code = item.text_at("档号").unwrap_or("").trim().to_string();
        let rel = item
            .text_at("路径")
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let subject = if rel.is_empty() {
            format!("件 #{}", i + 1)
        } else {
            rel.clone()
        };
        let folder = crate::container::normalize(&rel)
            .filter(|n| {
                !n.is_empty() && n.rsplit('/').next() == Some(&super::safe_component(&code))
            })
            .map(|n| root.join(n))
            // Other producers: the folder named after the 档号 at <全宗号>/<分类>/<档号>.
            .or_else(|| {
                files
                    .iter()
                    .filter_map(|f| f.rsplit_once('/').map(|(d, _)| d))
                    .find(|d| {
                        d.split('/').count() == 3 && d.rsplit('/').next() == Some(code.as_str())
                    })
                    .map(|d| root.join(d))
            });
        let rel = match (&folder, rel.is_empty()) {
            (Some(f), true) => f
                .strip_prefix(root)
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            _ => rel,
        };
        let Some(folder) = folder.filter(|f| f.is_dir()) else {
            fs.add(
                "1-13",
                "package.item_folder",
                Outcome::Fail,
                &subject,
                format!("目录文件中的档号 {code} 没有对应的同名件文件夹"),
                format!("档号 {code} in the catalogue has no item folder of the same name"),
            );
            continue;
        };
        let record = match crate::record::read_record_folder(&folder) {
            Ok(r) => r,
            Err(e) => {
                fs.add(
                    "2-10",
                    "package.item_metadata_missing",
                    Outcome::Fail,
                    &subject,
                    format!("件文件夹缺少元数据文件：{e}"),
                    format!("the item folder has no metadata file: {e}"),
                );
                continue;
            }
        };
        if let Some(p) = &record.metadata_problem {
            fs.add(
                "2-10",
                "package.item_metadata_unreadable",
                Outcome::Fail,
                &subject,
                format!("件元数据无法读取：{p}"),
                format!("the item metadata cannot be read: {p}"),
            );
        } else {
            fs.add(
                "2-10",
                "package.item_metadata",
                Outcome::Pass,
                &subject,
                "件元数据存在且可读",
                "the item metadata is present and readable",
            );
        }
        // 2-11 content count vs metadata vs catalogue.
        let declared_n = item
            .text_at("文件数")
            .and_then(|s| s.trim().parse::<usize>().ok());
        let in_meta =
            record.components.len() + record.link_problems.iter().filter(|l| l.missing).count();
        for lp in &record.link_problems {
            let (zh, en) = if lp.missing {
                (
                    "元数据登记的内容文件在信息包中缺失",
                    "a content file named in the metadata is missing from the package",
                )
            } else {
                (
                    "信息包中有元数据未登记的内容文件",
                    "a content file in the package is not named in the metadata",
                )
            };
            fs.add(
                "2-11",
                "package.content_link",
                Outcome::Fail,
                format!("{rel}/{}", lp.name),
                zh,
                en,
            );
        }
        if declared_n.is_some_and(|n| n != in_meta) {
            fs.add(
                "2-11",
                "package.content_count",
                Outcome::Fail,
                &subject,
                format!(
                    "目录文件登记 {} 个文件，元数据登记 {in_meta} 个",
                    declared_n.unwrap_or(0)
                ),
                format!(
                    "the catalogue declares {} files, the metadata {in_meta}",
                    declared_n.unwrap_or(0)
                ),
            );
        }
        for c in &record.components {
            total_bytes += c.source.size().unwrap_or(0);
        }
        total_files += record.components.len();
        let rep = checker(opts, scheme).check(&record)?;
        records.push((rel, rep));
    }
    if catalogue.is_some() && items.is_empty() {
        fs.add(
            "1-12",
            "package.catalogue_empty",
            Outcome::Fail,
            JIANJI_CATALOGUE,
            "目录文件未列出任何件",
            "the catalogue lists no records",
        );
    }
    if let Some(n) = dget("文件数").and_then(|s| s.parse::<usize>().ok()) {
        if n != total_files {
            fs.add(
                "2-11",
                "package.total_files",
                Outcome::Fail,
                JIANJI_DESCRIPTOR,
                format!("说明文件登记 {n} 个文件，信息包中有 {total_files} 个"),
                format!("the descriptor declares {n} files, the package holds {total_files}"),
            );
        }
    }
    if let Some(n) = dget("总字节数").and_then(|s| s.parse::<u64>().ok()) {
        if n != total_bytes {
            fs.add(
                "1-12",
                "package.total_bytes",
                Outcome::Fail,
                JIANJI_DESCRIPTOR,
                format!("说明文件登记 {n} 字节，信息包内容共 {total_bytes} 字节"),
                format!("the descriptor declares {n} bytes, the package content has {total_bytes}"),
            );
        }
    }
    fs.pass_unless_failed(
        "1-12",
        "package.descriptor_ok",
        JIANJI_DESCRIPTOR,
        "说明文件与目录文件存在、可读，件数与字节数相符",
        "descriptor and catalogue are present, readable and agree on counts and bytes",
    );
    fs.pass_unless_failed(
        "1-13",
        "package.structure_ok",
        JIANJI_CATALOGUE,
        "目录结构符合 <全宗号>/<分类>/<档号>，每个档号对应一个件文件夹",
        "the folder tree follows <全宗号>/<分类>/<档号>, one folder per 档号",
    );
    fs.pass_unless_failed(
        "2-11",
        "package.content_ok",
        JIANJI_CATALOGUE,
        "内容文件数与元数据、目录文件登记一致",
        "content files match the counts in the metadata and the catalogue",
    );
    if !fs.has("2-10", Outcome::Pass) && !fs.has("2-10", Outcome::Fail) {
        fs.add(
            "2-10",
            "package.no_items",
            Outcome::Fail,
            JIANJI_CATALOGUE,
            "信息包中没有可检测的件元数据",
            "the package holds no record metadata to check",
        );
    }
    Ok(())
}

/// BagIt bag (any producer); a guidang record inside `data/` is checked too.
fn verify_bag(
    root: &Path,
    opts: &VerifyOptions,
    scheme: &Scheme,
    fs: &mut Findings,
    records: &mut Vec<(String, Report)>,
) -> Result<()> {
    let rep = validate_bag(root)?;
    for (subject, msg) in &rep.errors {
        let fixity =
            msg.contains("checksum") || msg.contains("missing") || msg.contains("not listed");
        let (seq, rule) = if fixity {
            ("1-14", "bagit.fixity")
        } else {
            ("1-13", "bagit.structure")
        };
        fs.add(
            seq,
            rule,
            Outcome::Fail,
            subject,
            format!("BagIt 校验失败：{msg}"),
            format!("BagIt: {msg}"),
        );
    }
    for (subject, msg) in &rep.warnings {
        fs.add(
            "1-13",
            "bagit.warning",
            Outcome::Warn,
            subject,
            format!("BagIt 警告：{msg}"),
            format!("BagIt warning: {msg}"),
        );
    }
    if let Some(exp) = &opts.expected_sm3 {
        let tm = root.join("tagmanifest-sha256.txt");
        let got = super::sm3_file(&tm).unwrap_or_default();
        if !got.eq_ignore_ascii_case(exp) {
            fs.add(
                "1-14",
                "package.digest_mismatch",
                Outcome::Fail,
                "tagmanifest-sha256.txt",
                "信息包摘要与归档时登记值不符",
                "the package digest differs from the one recorded at capture",
            );
        }
    }
    fs.pass_unless_failed(
        "1-14",
        "bagit.fixity_ok",
        "manifest",
        format!("BagIt 清单 ({}) 与全部文件一致", rep.algorithms.join(", ")).as_str(),
        format!(
            "every file matches the BagIt manifests ({})",
            rep.algorithms.join(", ")
        )
        .as_str(),
    );
    fs.pass_unless_failed(
        "1-12",
        "bagit.declaration",
        "bagit.txt",
        "bagit.txt 声明有效",
        "bagit.txt is a valid declaration",
    );
    if !fs.has("1-13", Outcome::Fail) && !fs.has("1-13", Outcome::Warn) {
        fs.add(
            "1-13",
            "bagit.structure_ok",
            Outcome::Pass,
            ".",
            "BagIt 目录结构有效",
            "the BagIt structure is valid",
        );
    }
    fs.add(
        "3-8",
        "package.folder",
        Outcome::Pass,
        ".",
        "文件夹形式信息包，未压缩、未加密",
        "folder package: not compressed, not encrypted",
    );
    // guidang record folders inside data/.
    let mut files = BTreeSet::new();
    walk(&root.join("data"), "data", &mut files);
    let folders: BTreeSet<String> = files
        .iter()
        .filter(|f| f.ends_with("/元数据.XML") || f.ends_with("/元数据.xml"))
        .filter_map(|f| f.rsplit_once('/').map(|(d, _)| d.to_string()))
        .collect();
    if folders.is_empty() {
        fs.add("2-10", "bagit.no_record_metadata", Outcome::NotApplicable, "data",
            "该 BagIt 包不含 guidang 件元数据，仅校验 BagIt 结构与固化信息", "the bag carries no guidang record metadata: only BagIt structure and fixity were checked");
        fs.add(
            "2-11",
            "bagit.no_record_metadata",
            Outcome::NotApplicable,
            "data",
            "该 BagIt 包不含件元数据，无法比对内容文件数",
            "the bag carries no record metadata to compare the content count with",
        );
    }
    for rel in folders {
        let record = crate::record::read_record_folder(&root.join(&rel))?;
        match &record.metadata_problem {
            Some(p) => fs.add(
                "2-10",
                "package.item_metadata_unreadable",
                Outcome::Fail,
                &rel,
                format!("件元数据无法读取：{p}"),
                format!("the item metadata cannot be read: {p}"),
            ),
            None => fs.add(
                "2-10",
                "package.item_metadata",
                Outcome::Pass,
                &rel,
                "件元数据存在且可读",
                "the item metadata is present and readable",
            ),
        };
        for lp in &record.link_problems {
            fs.add(
                "2-11",
                "package.content_link",
                Outcome::Fail,
                format!("{rel}/{}", lp.name),
                if lp.missing {
                    "元数据登记的内容文件缺失"
                } else {
                    "有元数据未登记的内容文件"
                },
                if lp.missing {
                    "a content file named in the metadata is missing"
                } else {
                    "a content file is not named in the metadata"
                },
            );
        }
        fs.pass_unless_failed(
            "2-11",
            "package.content_ok",
            &rel,
            "内容文件与元数据登记一致",
            "content files match the metadata",
        );
        let rep = checker(opts, scheme).check(&record)?;
        records.push((rel, rep));
    }
    Ok(())
}

/// DA/T 48 EEP.
fn verify_eep(
    path: &Path,
    opts: &VerifyOptions,
    scheme: &Scheme,
    fs: &mut Findings,
    records: &mut Vec<(String, Report)>,
) -> Result<()> {
    let tmp = TempDir::new("eep")?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let doc = match read_eep(path, Some(&tmp.0)) {
        Ok(d) => d,
        Err(e) => {
            fs.add(
                "3-1",
                "eep.unreadable",
                Outcome::Fail,
                &name,
                format!("EEP 无法解析：{e}"),
                format!("the EEP cannot be parsed: {e}"),
            );
            fs.add(
                "1-13",
                "eep.unreadable",
                Outcome::Fail,
                &name,
                "EEP 结构无法读取",
                "the EEP structure cannot be read",
            );
            return Ok(());
        }
    };
    eep_metadata(&doc, &name, fs);
    // 1-14 / 1-1: signatures and fixity.
    if let Some(exp) = &opts.expected_sm3 {
        if !doc.file_sm3.eq_ignore_ascii_case(exp) {
            fs.add(
                "1-14",
                "package.digest_mismatch",
                Outcome::Fail,
                &name,
                "EEP 摘要与归档时登记值不符，文件已被修改",
                "the EEP digest differs from the one recorded at capture: the file was altered",
            );
        }
    }
    for s in &doc.signatures {
        let what = if s.lock {
            "锁定签名"
        } else {
            "电子签名"
        };
        match &s.valid {
            Ok(true) => {
                fs.add(
                    "1-1",
                    "eep.signature_valid",
                    Outcome::Pass,
                    format!("{name}#{}", s.id),
                    format!("{what}验证通过（签名者证书信任未评估）"),
                    format!("{what} verifies (signer trust not evaluated)"),
                )
                .evidence
                .insert("algorithm".into(), s.algorithm.clone().into());
            }
            Ok(false) => {
                fs.add(
                    "1-1",
                    "eep.signature_invalid",
                    Outcome::Fail,
                    format!("{name}#{}", s.id),
                    format!("{what}验证失败：被签名内容已被修改"),
                    format!("{what} does not verify: the signed content was altered"),
                );
                fs.add(
                    "1-14",
                    "eep.signature_invalid",
                    Outcome::Fail,
                    format!("{name}#{}", s.id),
                    "EEP 签名对象与签名不符",
                    "the EEP's signed object does not match its signature",
                );
            }
            Err(e) => {
                fs.add(
                    "1-1",
                    "eep.signature_unverifiable",
                    Outcome::Fail,
                    format!("{name}#{}", s.id),
                    format!("{what}无法验证：{e}"),
                    format!("{what} cannot be verified: {e}"),
                );
            }
        }
    }
    // Fixity recorded in 附注 (固化信息 SM3 <编码ID> <hex>).
    let mut notes = Vec::new();
    doc.root.find_all("附注", &mut notes);
    let mut fixity: BTreeMap<String, String> = BTreeMap::new();
    for n in notes {
        let parts: Vec<&str> = n.text.split_whitespace().collect();
        if parts.len() == 4 && parts[0] == "固化信息" && parts[1].eq_ignore_ascii_case("SM3") {
            fixity.insert(parts[2].to_string(), parts[3].to_ascii_lowercase());
        }
    }
    for f in &doc.files {
        if let Some(p) = &f.problem {
            fs.add(
                "3-8",
                "eep.encoding",
                Outcome::Fail,
                format!("{name}#{}", f.id),
                format!("编码数据无法按 Base64 反编码：{p}"),
                format!("编码数据 cannot be Base64-decoded: {p}"),
            );
        }
        if let Some(want) = fixity.get(&f.id) {
            if *want != f.sm3 {
                fs.add("1-14", "eep.fixity_mismatch", Outcome::Fail, format!("{name}#{}", f.id),
                    "编码数据的 SM3 与附注中的固化信息不符，内容已被修改", "the SM3 of the 编码数据 differs from the fixity in 附注: the content was altered");
            }
        }
    }
    if doc.signatures.is_empty() && fixity.is_empty() && opts.expected_sm3.is_none() {
        fs.add(
            "1-14",
            "eep.no_fixity",
            Outcome::Manual,
            &name,
            "EEP 未签名且无固化信息，无法证明与移交时一致",
            "the EEP is unsigned and carries no fixity: its consistency cannot be shown",
        );
    } else {
        fs.pass_unless_failed(
            "1-14",
            "eep.consistent",
            &name,
            "EEP 签名与固化信息均与内容一致",
            "the EEP's signatures and fixity match its content",
        );
    }
    fs.pass_unless_failed(
        "3-8",
        "eep.encoding_ok",
        &name,
        "EEP 内容以 Base64 编码，无加密、无非公开压缩",
        "EEP content is Base64 without encryption or non-public compression",
    );

    // The current record, re-checked.
    let Some(entity) = doc.current_entity() else {
        fs.add(
            "1-13",
            "eep.no_entity",
            Outcome::Fail,
            &name,
            "EEP 缺少文件实体",
            "the EEP has no 文件实体",
        );
        return Ok(());
    };
    let mut codings = Vec::new();
    entity.find_all("编码", &mut codings);
    let mut components = Vec::new();
    let mut seq = 0u32;
    for (k, c) in codings.iter().enumerate() {
        let id = c.attr("编码ID").unwrap_or("").to_string();
        let Some(file) = doc.files.iter().find(|f| f.id == id) else {
            fs.add(
                "2-11",
                "eep.coding_without_data",
                Outcome::Fail,
                format!("{name}#{id}"),
                "编码缺少编码数据",
                "a 编码 has no 编码数据",
            );
            continue;
        };
        let declared_size = c.text_at("电子属性/计算机文件大小").map(str::trim);
        if declared_size.is_some_and(|s| s.parse::<u64>().ok() != Some(file.size)) {
            fs.add(
                "2-11",
                "eep.size_mismatch",
                Outcome::Fail,
                format!("{name}#{id}"),
                format!(
                    "计算机文件大小登记 {} 字节，编码数据反编码后为 {} 字节",
                    declared_size.unwrap_or(""),
                    file.size
                ),
                format!(
                    "计算机文件大小 declares {} bytes, the decoded data has {}",
                    declared_size.unwrap_or(""),
                    file.size
                ),
            );
        }
        let Some(p) = &file.extracted else { continue };
        seq += 1;
        let fname = c
            .text_at("电子属性/计算机文件名")
            .unwrap_or("content.bin")
            .trim()
            .to_string();
        let mut digests = Vec::new();
        if let Some(h) = fixity.get(&id) {
            digests.push(("SM3".to_string(), h.clone()));
        }
        let role = if k == 0 { Role::Main } else { Role::Attachment };
        components.push(Component {
            role,
            name: fname,
            sequence: seq,
            title: None,
            source: Source::Path(p.clone()),
            declared: Declared {
                format: c.text_at("电子属性/格式信息").map(|s| s.trim().to_string()),
                file_name: c
                    .text_at("电子属性/计算机文件名")
                    .map(|s| s.trim().to_string()),
                size: declared_size.map(str::to_string),
                creating_application: c
                    .text_at("电子属性/文档创建程序")
                    .map(|s| s.trim().to_string()),
                digitization: None,
                digests,
                line: Some(c.line),
            },
        });
    }
    fs.pass_unless_failed(
        "2-11",
        "eep.content_ok",
        &name,
        "每个编码均有编码数据，大小与登记一致",
        "every 编码 has its 编码数据 and the declared size",
    );
    let mut md = MetaNode::from_xml(entity);
    md.children.retain(|c| c.name != "文件数据");
    let id = md
        .text_at("电子文件号")
        .map(str::to_string)
        .unwrap_or_else(|| name.clone());
    let record = Record {
        id,
        metadata: Some(md),
        metadata_path: Some(path.to_path_buf()),
        metadata_problem: None,
        schema_hint: None,
        components,
        link_problems: Vec::new(),
        origin: Origin::File(path.to_path_buf()),
    };
    let mut rep = checker(opts, scheme).check(&record)?;
    // Name embedded files by package and 编码ID, not by the temporary extraction path.
    for i in &mut rep.inputs {
        if let Some(f) = doc.files.iter().find(|f| {
            f.extracted
                .as_ref()
                .is_some_and(|p| p.display().to_string() == i.source)
        }) {
            i.source = format!("{name}#{}", f.id);
        }
    }
    records.push((String::new(), rep));
    Ok(())
}

/// 1-12 / 1-13 / 2-10 on the EEP's own elements (封装元数据, DA/T 48 附录C).
fn eep_metadata(doc: &EepDocument, name: &str, fs: &mut Findings) {
    let root = &doc.root;
    if root.ns.as_deref() != Some(super::eep::EEP_NS) {
        fs.add(
            "1-12",
            "eep.namespace",
            Outcome::Warn,
            name,
            "EEP 根元素未使用 DA/T 48 命名空间",
            "the EEP root does not use the DA/T 48 namespace",
        );
    }
    if root
        .text_at("封装包格式描述")
        .is_none_or(|t| t.trim().is_empty())
    {
        fs.add(
            "2-10",
            "eep.format_description",
            Outcome::Fail,
            format!("{name}#封装包格式描述"),
            "封装元数据缺少封装包格式描述",
            "封装包格式描述 is missing",
        );
    }
    if root.text_at("版本").map(str::trim) != Some("2009") {
        fs.add(
            "1-12",
            "eep.version",
            Outcome::Fail,
            format!("{name}#版本"),
            "EEP 版本应为 2009",
            "the EEP version must be 2009",
        );
    }
    let Some(so) = root.child("被签名对象") else {
        fs.add(
            "1-13",
            "eep.signed_object",
            Outcome::Fail,
            name,
            "EEP 缺少被签名对象",
            "the EEP has no 被签名对象",
        );
        return;
    };
    if so.attr("eep版本").map(str::trim) != Some("2009") {
        fs.add(
            "2-10",
            "eep.signed_version",
            Outcome::Fail,
            format!("{name}#被签名对象/@eep版本"),
            "被签名对象的 eep版本 应为 2009 且与版本一致",
            "被签名对象/@eep版本 must be 2009 and equal 版本",
        );
    }
    let ty = so.text_at("封装包类型").map(str::trim).unwrap_or("");
    let content = so.child("封装内容");
    let revised = so.child("修改封装内容");
    match ty {
        "原始型" if content.is_some() => {}
        "修改型" if revised.is_some() => {
            if revised
                .and_then(|r| r.child("原封装包"))
                .and_then(|o| o.child("被签名对象"))
                .is_none()
            {
                fs.add(
                    "2-10",
                    "eep.revision_without_original",
                    Outcome::Fail,
                    format!("{name}#修改封装内容"),
                    "修改型封装包缺少原封装包",
                    "a 修改型 package lacks its 原封装包",
                );
            }
            if revised.and_then(|r| r.text_at("修改标识符")).is_none() {
                fs.add(
                    "2-10",
                    "eep.revision_id",
                    Outcome::Fail,
                    format!("{name}#修改标识符"),
                    "修改型封装包缺少修改标识符",
                    "a 修改型 package lacks 修改标识符",
                );
            }
        }
        other => {
            fs.add("2-10", "eep.package_type", Outcome::Fail, format!("{name}#封装包类型"),
                format!("封装包类型 `{other}` 与封装内容不符（原始型↔封装内容，修改型↔修改封装内容）"),
                format!("封装包类型 `{other}` does not match the content (原始型↔封装内容, 修改型↔修改封装内容)"));
        }
    }
    for (el, zh) in [
        ("封装包类型描述", "封装包类型描述"),
        ("封装包创建单位", "封装包创建单位"),
    ] {
        if so.text_at(el).is_none_or(|t| t.trim().is_empty()) {
            fs.add(
                "2-10",
                "eep.missing_element",
                Outcome::Fail,
                format!("{name}#{el}"),
                format!("封装元数据缺少{zh}"),
                format!("封装元数据 element {el} is missing"),
            );
        }
    }
    match so.text_at("封装包创建时间").map(str::trim) {
        Some(t)
            if chrono::DateTime::parse_from_rfc3339(t).is_ok()
                || chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").is_ok() => {}
        other => {
            fs.add(
                "2-10",
                "eep.created",
                Outcome::Fail,
                format!("{name}#封装包创建时间"),
                format!("封装包创建时间 `{}` 不是 xs:dateTime", other.unwrap_or("")),
                format!(
                    "封装包创建时间 `{}` is not an xs:dateTime",
                    other.unwrap_or("")
                ),
            );
        }
    }
    let body = content.or_else(|| revised.and_then(|r| r.child("修订内容")));
    for block in ["文件实体块", "业务实体块", "机构人员实体块"] {
        if body.and_then(|b| b.child(block)).is_none() {
            fs.add(
                "1-13",
                "eep.block_missing",
                Outcome::Fail,
                format!("{name}#{block}"),
                format!("EEP 缺少{block}"),
                format!("the EEP has no {block}"),
            );
        }
    }
    fs.pass_unless_failed(
        "1-12",
        "eep.declaration_ok",
        name,
        "封装包格式描述与版本符合 DA/T 48-2009",
        "format description and version follow DA/T 48-2009",
    );
    fs.pass_unless_failed(
        "1-13",
        "eep.structure_ok",
        name,
        "EEP 结构完整：被签名对象含文件实体块、业务实体块、机构人员实体块",
        "the EEP structure is complete: 被签名对象 with 文件实体块, 业务实体块, 机构人员实体块",
    );
    fs.pass_unless_failed(
        "2-10",
        "eep.package_metadata_ok",
        name,
        "封装元数据完整（DA/T 48 附录C）",
        "the package metadata (封装元数据, DA/T 48 附录C) is complete",
    );
    let _ = &doc.layers;
}
