//! The 件级 package of DA/T 93-2022 附录B, as a folder or a zip:
//!
//! ```text
//! 说明文件.TXT                      descriptor (UTF-8): package type, counts, bytes, algorithms
//! 目录文件.XML                      catalogue: one <件> per record (档号, 电子文件号, 题名, path, files)
//! <全宗号>/<分类>/<档号>/元数据.XML   per-record metadata (record-folder format, re-readable)
//! <全宗号>/<分类>/<档号>/<content>   content files, byte-identical to the sources
//! 其他/manifest-sm3.txt             fixity: `<sm3 hex>  <path>` for every file above
//! 其他/manifest-sha256.txt          (on request) the same with SHA-256
//! 其他/tagmanifest-sm3.txt          SM3 of each manifest file
//! ```

use super::builder::{PackageBuilder, Parts};
use super::sink::Sink;
use super::xmlw::{esc, leaf};
use super::{
    archival_code, now_rfc3339, record_metadata_xml, PackageFormat, PackageInput, PackageOptions,
    WrittenPackage,
};
use crate::digest::DigestAlg;
use crate::Result;
use std::path::Path;

/// Name of the descriptor file.
pub const JIANJI_DESCRIPTOR: &str = "说明文件.TXT";
/// Name of the catalogue file.
pub const JIANJI_CATALOGUE: &str = "目录文件.XML";
/// Path of the SM3 fixity manifest.
pub const JIANJI_MANIFEST_SM3: &str = "其他/manifest-sm3.txt";
/// Path of the optional SHA-256 fixity manifest.
pub const JIANJI_MANIFEST_SHA256: &str = "其他/manifest-sha256.txt";
/// Path of the manifest of manifests.
pub const JIANJI_TAGMANIFEST: &str = "其他/tagmanifest-sm3.txt";
/// Name of the per-record metadata file.
pub const RECORD_METADATA: &str = "元数据.XML";

/// Writes a 件级 package (folder or zip) of one record at `dest`.
pub fn write_jianji(
    format: PackageFormat,
    input: &PackageInput<'_>,
    dest: &Path,
    opts: &PackageOptions,
) -> Result<WrittenPackage> {
    let mut b = PackageBuilder::begin(format, input.record, dest, opts)?;
    b.copy_sources(input)?;
    b.finish(input)
}

/// Writes everything after the content files (already in `sink`) and finishes the package.
pub(crate) fn finish_jianji(mut sink: Box<dyn Sink>, parts: &Parts<'_>) -> Result<WrittenPackage> {
    let (input, opts, folder, names) = (parts.input, parts.opts, parts.folder, parts.names);
    let record = input.record;
    let mut algs = vec![DigestAlg::Sm3];
    if opts.sha256 {
        algs.push(DigestAlg::Sha256);
    }
    // (path, sm3, sha256): the content files with the SM3 and SHA-256 the checks measured (the
    // copies were compared with them).
    let mut listed: Vec<(String, String, String)> = names
        .iter()
        .zip(parts.digests())
        .map(|(name, d)| (format!("{folder}/{name}"), d.sm3.clone(), d.sha256.clone()))
        .collect();
    let content_bytes = parts.content_bytes();
    let mut add = |sink: &mut Box<dyn Sink>, rel: String, bytes: &[u8]| -> Result<()> {
        let d = sink.add_bytes(&rel, bytes, &[DigestAlg::Sm3, DigestAlg::Sha256])?;
        listed.push((rel, d.hex(DigestAlg::Sm3), d.hex(DigestAlg::Sha256)));
        Ok(())
    };
    let md = record_metadata_xml(record, names, input.digests);
    add(
        &mut sink,
        format!("{folder}/{RECORD_METADATA}"),
        md.as_bytes(),
    )?;
    let created = opts.created.clone().unwrap_or_else(now_rfc3339);
    let catalogue = catalogue_xml(input, folder, names, &created);
    add(
        &mut sink,
        JIANJI_CATALOGUE.to_string(),
        catalogue.as_bytes(),
    )?;
    let descriptor = descriptor_txt(input, content_bytes, &created, opts);
    add(
        &mut sink,
        JIANJI_DESCRIPTOR.to_string(),
        descriptor.as_bytes(),
    )?;

    listed.sort_by(|a, b| a.0.cmp(&b.0));
    let manifest: String = listed
        .iter()
        .map(|(p, sm3, _)| format!("{sm3}  {p}\n"))
        .collect();
    let m = sink.add_bytes(JIANJI_MANIFEST_SM3, manifest.as_bytes(), &algs_sm3())?;
    let mut tags = vec![(JIANJI_MANIFEST_SM3, m)];
    if opts.sha256 {
        let manifest: String = listed
            .iter()
            .map(|(p, _, sha)| format!("{sha}  {p}\n"))
            .collect();
        let d = sink.add_bytes(JIANJI_MANIFEST_SHA256, manifest.as_bytes(), &algs_sm3())?;
        tags.push((JIANJI_MANIFEST_SHA256, d));
    }
    let tag: String = tags
        .iter()
        .map(|(p, d)| format!("{}  {p}\n", d.hex(DigestAlg::Sm3)))
        .collect();
    sink.add_bytes(JIANJI_TAGMANIFEST, tag.as_bytes(), &[])?;
    sink.finish()?;
    Ok(WrittenPackage {
        path: parts.dest.to_path_buf(),
        sm3: tags[0].1.hex(DigestAlg::Sm3),
        content_bytes,
    })
}

fn algs_sm3() -> [DigestAlg; 1] {
    [DigestAlg::Sm3]
}

fn catalogue_xml(
    input: &PackageInput<'_>,
    folder: &str,
    names: &[String],
    created: &str,
) -> String {
    let r = input.record;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<目录文件 件数=\"1\" 创建时间=\"{}\" 生成工具=\"guidang {}\">\n",
        esc(created),
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str("  <件 序号=\"1\">\n");
    leaf(&mut out, 2, "档号", &archival_code(r));
    leaf(&mut out, 2, "电子文件号", &r.id);
    for (tag, path) in [
        ("题名", "内容描述/题名"),
        ("责任者", "内容描述/责任者"),
        ("日期", "内容描述/日期"),
        ("年度", "年度"),
        ("保管期限", "保管期限"),
        ("密级", "密级"),
        ("页数", "形式特征/页数"),
    ] {
        if let Some(v) = r.meta(path).or_else(|| r.meta(tag)) {
            leaf(&mut out, 2, tag, v);
        }
    }
    leaf(&mut out, 2, "路径", folder);
    leaf(&mut out, 2, "元数据文件", RECORD_METADATA);
    leaf(&mut out, 2, "文件数", &names.len().to_string());
    let bytes: u64 = input.digests.iter().map(|d| d.size).sum();
    leaf(&mut out, 2, "字节数", &bytes.to_string());
    leaf(&mut out, 2, "版本", &input.version.to_string());
    for (n, d) in names.iter().zip(input.digests) {
        out.push_str(&format!(
            "    <文件 文件名=\"{}\" 字节数=\"{}\" SM3=\"{}\"/>\n",
            esc(n),
            d.size,
            d.sm3
        ));
    }
    out.push_str("  </件>\n</目录文件>\n");
    out
}

fn descriptor_txt(
    input: &PackageInput<'_>,
    content_bytes: u64,
    created: &str,
    opts: &PackageOptions,
) -> String {
    let r = input.record;
    let mut lines = vec![
        "信息包类型: 件级归档信息包 (DA/T 93-2022 附录B)".to_string(),
        format!("生成工具: guidang {}", env!("CARGO_PKG_VERSION")),
        format!("创建时间: {created}"),
    ];
    if let Some(c) = opts
        .creator
        .clone()
        .or_else(|| r.meta("来源/立档单位名称").map(str::to_string))
    {
        lines.push(format!("创建单位: {c}"));
    }
    lines.push("件数: 1".into());
    lines.push(format!("文件数: {}", r.components.len()));
    lines.push(format!("总字节数: {content_bytes}"));
    lines.push(format!(
        "摘要算法: SM3{}",
        if opts.sha256 { ", SHA-256" } else { "" }
    ));
    lines.push(format!("固化信息清单: {JIANJI_MANIFEST_SM3}"));
    lines.push(format!("电子文件号: {}", r.id));
    lines.push(format!("版本: {}", input.version));
    if let Some((p, sm3)) = &input.revises {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        lines.push(format!("修订: 替代 {name} (SM3 {sm3})"));
    }
    let mut s = lines.join("\r\n");
    s.push_str("\r\n");
    s
}

/// Parses `说明文件.TXT` into `key: value` pairs (full-width colon accepted).
pub(crate) fn parse_descriptor(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            let (k, v) = l.split_once(':').or_else(|| l.split_once('：'))?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// Parses a manifest (`<hex>  <path>` per line; `*path` binary marker accepted).
pub(crate) fn parse_manifest(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((h, p)) = line.split_once(char::is_whitespace) else {
            return Err(format!("line {}: expected `<digest> <path>`", i + 1));
        };
        let p = p.trim_start().trim_start_matches('*');
        if h.is_empty() || !h.chars().all(|c| c.is_ascii_hexdigit()) || p.is_empty() {
            return Err(format!("line {}: expected `<digest> <path>`", i + 1));
        }
        out.push((h.to_ascii_lowercase(), p.to_string()));
    }
    Ok(out)
}
