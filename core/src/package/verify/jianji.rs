//! Verification of a 件级 package (DA/T 93 附录B) in a folder, or extracted from its zip:
//! 说明文件 and 目录文件 (1-12), the folder tree (1-13), the fixity manifests (1-14), each 件's
//! metadata (2-10) and content counts and bytes (2-11), then the record checks on every 件.

use super::files::{read_text, walk};
use super::findings::Findings;
use super::{checker, VerifyOptions};
use crate::catalogue::Scheme;
use crate::digest::{digest_file, DigestAlg};
use crate::package::jianji::{
    parse_descriptor, parse_manifest, JIANJI_CATALOGUE, JIANJI_DESCRIPTOR, JIANJI_MANIFEST_SHA256,
    JIANJI_MANIFEST_SM3, JIANJI_TAGMANIFEST,
};
use crate::report::{Outcome, Report};
use crate::xml::{self, Element, XmlLimits};
use crate::Result;
use std::collections::BTreeSet;
use std::path::Path;

/// 件级 package in a folder.
pub(super) fn verify_jianji(
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
                let got = crate::package::sm3_file(&root.join(JIANJI_MANIFEST_SM3))?;
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
                !n.is_empty()
                    && n.rsplit('/').next() == Some(&crate::package::safe_component(&code))
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
