//! Archival packages: the 件级 package of DA/T 93-2022 附录B (folder or zip), the DA/T 48-2009
//! EEP (streamed, signed), BagIt (RFC 8493) — writers, readers and [`verify_package`], which re-runs
//! the DA/T 70 items of the 移交与接收 (YJ) and 长期保存 (BC) stages on an existing package.
//!
//! Every writer copies each source byte exactly once and hashes while copying; sources are never
//! moved or modified. Content digests measured by the checks are passed in ([`ContentDigest`]) and
//! the copy is compared against them, so a source that changes between check and copy is refused.

pub mod bagit;
mod builder;
mod durable;
pub mod eep;
mod eep_read;
mod jianji;
mod sign;
mod sink;
mod verify;
mod xmlw;

pub use bagit::{validate_bag, write_bag, BagReport};
pub use builder::PackageBuilder;
pub use eep::write_eep;
pub use eep_read::{read_eep, EepDocument, EepLayer, EepSignature};
pub use jianji::{write_jianji, JIANJI_CATALOGUE, JIANJI_DESCRIPTOR, JIANJI_MANIFEST_SM3};
pub use sign::{SignatureAlg, SigningKey};
pub(crate) use sink::{fsync_dir, DirSink, Sink};
pub use verify::{verify_package, VerifyOptions};

use crate::digest::{DigestAlg, Digests};
use crate::record::{MetaNode, Record};
use crate::report::Report;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// Which kind of package to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageFormat {
    /// 件级 package (DA/T 93 附录B) as a single zip file.
    Zip,
    /// 件级 package as a folder.
    Dir,
    /// DA/T 48-2009 EEP (one XML file, content Base64-encoded).
    Eep,
    /// BagIt (RFC 8493) folder.
    Bagit,
}

impl PackageFormat {
    /// Parses `zip`, `dir`, `eep`, `bagit` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "zip" => PackageFormat::Zip,
            "dir" | "folder" => PackageFormat::Dir,
            "eep" => PackageFormat::Eep,
            "bagit" | "bag" => PackageFormat::Bagit,
            _ => return None,
        })
    }
    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            PackageFormat::Zip => "zip",
            PackageFormat::Dir => "dir",
            PackageFormat::Eep => "eep",
            PackageFormat::Bagit => "bagit",
        }
    }
    /// File-name suffix of a package of this format (`.zip`, `.eep.xml`, `.bag`, none for a folder).
    pub fn suffix(self) -> &'static str {
        match self {
            PackageFormat::Zip => ".zip",
            PackageFormat::Dir => "",
            PackageFormat::Eep => ".eep.xml",
            PackageFormat::Bagit => ".bag",
        }
    }
    /// Whether the package is a folder.
    pub fn is_dir(self) -> bool {
        matches!(self, PackageFormat::Dir | PackageFormat::Bagit)
    }
}

/// Options shared by the writers.
#[derive(Debug, Clone)]
pub struct PackageOptions {
    /// Also write SHA-256 fixity (件级: `manifest-sha256.txt`; EEP: 数字摘要). SM3 is always written.
    /// BagIt always writes SHA-256 and SHA-512 (the standard manifests); SM3 there is [`Self::bagit_sm3`].
    pub sha256: bool,
    /// BagIt: also write `manifest-sm3.txt`.
    pub bagit_sm3: bool,
    /// Zip: deflate entries (default: stored). Packages are never encrypted.
    pub deflate: bool,
    /// fsync every written file and folder before returning.
    pub fsync: bool,
    /// EEP: signing key for 电子签名块 (none: the EEP is written unsigned).
    pub signing_key: Option<std::sync::Arc<SigningKey>>,
    /// 封装包创建单位 / 移交单位 (defaults to 立档单位名称 from the metadata).
    pub creator: Option<String>,
    /// Creation time (RFC 3339); default now.
    pub created: Option<String>,
}

impl Default for PackageOptions {
    fn default() -> Self {
        PackageOptions {
            sha256: false,
            bagit_sm3: true,
            deflate: false,
            fsync: true,
            signing_key: None,
            creator: None,
            created: None,
        }
    }
}

/// Size and digests of one component, measured before packaging (by the checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentDigest {
    /// Bytes.
    pub size: u64,
    /// SM3, lowercase hex.
    pub sm3: String,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Identified format label (`OFD`, `PDF/A-2b` …), if known.
    pub format: Option<String>,
}

impl ContentDigest {
    /// Measures a component by reading it (for use outside a capture, where no check ran).
    pub fn measure(c: &crate::record::Component) -> Result<ContentDigest> {
        let mut r = c.source.open()?;
        let d = crate::digest::digest_reader(&mut r, &[DigestAlg::Sm3, DigestAlg::Sha256])
            .map_err(|e| Error::io(c.source.display_path(), e))?;
        Ok(ContentDigest {
            size: d.size,
            sm3: d.hex(DigestAlg::Sm3),
            sha256: d.hex(DigestAlg::Sha256),
            format: Some(crate::formats::identify(&c.source).label()),
        })
    }

    /// Digests from a check report's `inputs` (same order as the record's components).
    pub fn from_report(record: &Record, report: &Report) -> Result<Vec<ContentDigest>> {
        if report.inputs.len() != record.components.len() {
            return Err(Error::invalid(
                record.origin.describe(),
                format!(
                    "the check measured {} of {} components: a component could not be read",
                    report.inputs.len(),
                    record.components.len()
                ),
            ));
        }
        Ok(report
            .inputs
            .iter()
            .map(|i| ContentDigest {
                size: i.size,
                sm3: i.sm3.clone(),
                sha256: i.sha256.clone(),
                format: i.format.clone(),
            })
            .collect())
    }
}

/// What to package: a record, the digests of its components, and (for a revision) the package it
/// replaces.
#[derive(Debug, Clone)]
pub struct PackageInput<'a> {
    /// The record.
    pub record: &'a Record,
    /// One per component, same order.
    pub digests: &'a [ContentDigest],
    /// Revision number (1 for the first package of a record).
    pub version: u32,
    /// The earlier package this one revises (its path), if any. An EEP revision wraps it as a
    /// 修改型 package; other formats reference it by name and SM3.
    pub revises: Option<(PathBuf, String)>,
}

/// A package that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenPackage {
    /// Path written (the temporary path while a capture is in progress).
    pub path: PathBuf,
    /// The package digest: SM3 of the file for zip/EEP, SM3 of the primary manifest file
    /// (`其他/manifest-sm3.txt`, BagIt `tagmanifest-sha256.txt`) for folders — the manifest binds
    /// every other byte of the package.
    pub sm3: String,
    /// Bytes of content written (sum of component sizes).
    pub content_bytes: u64,
}

/// Writes a package of `format` at `dest` (which must not exist).
pub fn write_package(
    format: PackageFormat,
    input: &PackageInput<'_>,
    dest: &Path,
    opts: &PackageOptions,
) -> Result<WrittenPackage> {
    if input.digests.len() != input.record.components.len() {
        return Err(Error::invalid(
            dest,
            "one content digest per component is required",
        ));
    }
    match format {
        PackageFormat::Zip | PackageFormat::Dir => write_jianji(format, input, dest, opts),
        PackageFormat::Eep => write_eep(input, dest, opts),
        PackageFormat::Bagit => write_bag(input, dest, opts),
    }
}

/// 档号 of a record (metadata `档号`, else the record id).
pub fn archival_code(record: &Record) -> String {
    record
        .meta("档号")
        .map(str::to_string)
        .unwrap_or_else(|| record.id.clone())
}

/// Makes a string safe as one path component: no separators, no `..`, no control characters,
/// not empty, at most 120 characters.
pub fn safe_component(s: &str) -> String {
    let mut out: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(120)
        .collect();
    while out.starts_with('.') {
        out.replace_range(0..1, "_");
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// The record folder of a record inside a 件级 package: `<全宗号>/<分类>/<档号>`.
pub fn record_folder(record: &Record) -> String {
    let fonds = record
        .meta("档号/全宗号")
        .or_else(|| record.meta("全宗号"))
        .unwrap_or("未著录全宗号");
    let class = record
        .meta("档号/类别号")
        .or_else(|| record.meta("类别号"))
        .or_else(|| record.meta("分类号"))
        .or_else(|| record.meta("实体分类号"))
        .unwrap_or("未分类");
    format!(
        "{}/{}/{}",
        safe_component(fonds),
        safe_component(class),
        safe_component(&archival_code(record))
    )
}

/// File names of the components inside a package folder: the component name made safe and
/// unique (a clash gets the 文档序号 as prefix). Never the metadata file's name.
pub fn content_names(record: &Record) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for c in &record.components {
        let base = Path::new(&c.name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut n = safe_component(&base);
        let clash = |n: &str, names: &[String]| {
            names.iter().any(|x| x.eq_ignore_ascii_case(n))
                || crate::record::METADATA_FILE_NAMES
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(n))
        };
        if clash(&n, &names) {
            n = format!("{}-{}", c.sequence, n);
            let mut k = 2;
            while clash(&n, &names) {
                n = format!("{}-{}-{}", c.sequence, k, safe_component(&base));
                k += 1;
            }
        }
        names.push(n);
    }
    names
}

/// The per-record metadata XML of a package: the record's metadata tree (same Chinese element
/// format as a record folder, so [`crate::record::read_record_folder`] reads it back) with
/// `文件数据` rewritten to describe the packaged files, each with its SM3 `数字摘要`.
pub fn record_metadata_xml(record: &Record, names: &[String], digests: &[ContentDigest]) -> String {
    let mut md = record
        .metadata
        .clone()
        .unwrap_or_else(|| MetaNode::container("文件实体"));
    strip_lines(&mut md);
    const ROOTS: &[&str] = &[
        "电子文件元数据",
        "文件实体",
        "元数据",
        "电子档案元数据",
        "电子文件",
    ];
    if !ROOTS.contains(&md.name.as_str()) {
        md.name = "电子文件元数据".into();
    }
    if md.text_at("电子文件号").is_none() {
        md.children
            .insert(0, MetaNode::leaf("电子文件号", record.id.clone()));
    }
    md.children
        .retain(|c| c.name != "文件数据" && c.name != "组件");
    // Inside a package the record is stored in its own folder: a local 当前位置 (DA/T 46 M66)
    // becomes `.` so that it points at where the packaged record really is.
    if let Some(loc) = md
        .child_mut("存储位置")
        .and_then(|s| s.child_mut("当前位置"))
    {
        if loc.text.as_deref().is_some_and(|t| !t.contains("://")) {
            loc.text = Some(".".into());
        }
    }
    let mut data = MetaNode::container("文件数据");
    for ((c, name), d) in record.components.iter().zip(names).zip(digests) {
        let mut doc = MetaNode::container("文档")
            .push(MetaNode::leaf("文档序号", c.sequence.to_string()))
            .push(MetaNode::leaf("组件类型", c.role.zh()))
            .push(MetaNode::leaf(
                "文档主从声明",
                if c.role == crate::record::Role::Main {
                    "主文档"
                } else {
                    "附属文档"
                },
            ));
        if let Some(t) = &c.title {
            doc = doc.push(MetaNode::leaf("题名", t.clone()));
        }
        let mut ea = MetaNode::container("电子属性");
        if let Some(f) = c.declared.format.clone().or_else(|| d.format.clone()) {
            ea = ea.push(MetaNode::leaf("格式信息", f));
        }
        ea = ea
            .push(MetaNode::leaf("计算机文件名", name.clone()))
            .push(MetaNode::leaf("计算机文件大小", d.size.to_string()));
        if let Some(a) = &c.declared.creating_application {
            ea = ea.push(MetaNode::leaf("文档创建程序", a.clone()));
        }
        doc = doc.push(ea);
        if let Some(dz) = &c.declared.digitization {
            let mut n = MetaNode::container("数字化属性");
            for (k, v) in [
                ("数字化对象形态", &dz.physical_form),
                ("扫描分辨率", &dz.resolution),
                ("扫描色彩模式", &dz.color_mode),
                ("图像压缩方案", &dz.compression),
            ] {
                if let Some(v) = v {
                    n = n.push(MetaNode::leaf(k, v.clone()));
                }
            }
            doc = doc.push(n);
        }
        let mut sm3 = MetaNode::leaf("数字摘要", d.sm3.clone());
        sm3.attrs.push(("算法".into(), "SM3".into()));
        doc = doc.push(sm3);
        for (alg, v) in &c.declared.digests {
            if DigestAlg::parse(alg) == Some(DigestAlg::Sm3) {
                continue;
            }
            let mut n = MetaNode::leaf("数字摘要", v.clone());
            n.attrs.push(("算法".into(), alg.clone()));
            doc = doc.push(n);
        }
        data = data.push(doc);
    }
    md.children.push(data);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xmlw::write_node(&mut out, &md, 0);
    out
}

fn strip_lines(n: &mut MetaNode) {
    n.line = None;
    for c in &mut n.children {
        strip_lines(c);
    }
}

/// The content key used for idempotency: SM3 over the canonical record — the metadata tree as
/// canonical JSON (source lines removed, `文件数据` removed because it is regenerated), then for
/// each component its role, name, 文档序号, size and SM3 — each part length-prefixed.
pub fn content_key(record: &Record, digests: &[ContentDigest]) -> String {
    let mut h = crate::digest::MultiHasher::new(&[DigestAlg::Sm3]);
    let mut part = |b: &[u8]| {
        h.update(&(b.len() as u64).to_be_bytes());
        h.update(b);
    };
    part(b"guidang-record-v1");
    part(record.id.as_bytes());
    match &record.metadata {
        Some(md) => {
            let mut md = md.clone();
            strip_lines(&mut md);
            md.children
                .retain(|c| c.name != "文件数据" && c.name != "组件");
            part(serde_json::to_string(&md).unwrap_or_default().as_bytes());
        }
        None => part(b""),
    }
    for (c, d) in record.components.iter().zip(digests) {
        part(c.role.zh().as_bytes());
        part(c.name.as_bytes());
        part(&c.sequence.to_be_bytes());
        part(&d.size.to_be_bytes());
        part(d.sm3.as_bytes());
    }
    h.finish().hex(DigestAlg::Sm3)
}

/// Lowercase-hex SM3 of a file, streamed.
pub(crate) fn sm3_file(path: &Path) -> Result<String> {
    Ok(crate::digest::digest_file(path, &[DigestAlg::Sm3])?.hex(DigestAlg::Sm3))
}

/// Copies `src` into `dst` in 256 KiB blocks, hashing with `algs` while copying (SM3 on a helper
/// thread, see [`crate::digest::OffloadHasher`]). Errors name the source or the destination.
pub(crate) fn copy_hashing(
    src: &mut dyn std::io::Read,
    src_label: &Path,
    dst: &mut dyn std::io::Write,
    dst_label: &Path,
    algs: &[DigestAlg],
) -> Result<Digests> {
    let mut h = crate::digest::OffloadHasher::new(algs);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(src_label, e)),
        };
        h.update(&buf[..n]);
        dst.write_all(&buf[..n])
            .map_err(|e| Error::io(dst_label, e))?;
    }
    h.finish().map_err(|e| Error::io(src_label, e))
}

/// Compares a copy's digests with what the checks measured; a difference means the source changed
/// between the check and the copy.
pub(crate) fn ensure_unchanged(
    c: &crate::record::Component,
    expected: &ContentDigest,
    got: &Digests,
) -> Result<()> {
    let sha = got.hex(DigestAlg::Sha256);
    let sm3 = got.hex(DigestAlg::Sm3);
    let same = got.size == expected.size
        && (sha.is_empty() || sha == expected.sha256)
        && (sm3.is_empty() || sm3 == expected.sm3);
    if same {
        Ok(())
    } else {
        Err(Error::invalid(
            c.source.display_path(),
            format!(
                "the file changed while it was being captured ({} bytes checked, {} bytes copied, digests differ)",
                expected.size, got.size
            ),
        ))
    }
}

/// Removes a file or folder, ignoring errors (cleanup of a partial package).
pub(crate) fn remove_any(p: &Path) {
    let _ = if p.is_dir() {
        std::fs::remove_dir_all(p)
    } else {
        std::fs::remove_file(p)
    };
}

/// Current time as RFC 3339 (seconds, with offset).
pub(crate) fn now_rfc3339() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}
