//! Verification of a BagIt bag (RFC 8493, any producer): the bag's own validation mapped to
//! 1-12, 1-13 and 1-14, and the guidang record folders found inside `data/`.

use super::files::walk;
use super::findings::Findings;
use super::{checker, VerifyOptions};
use crate::catalogue::Scheme;
use crate::package::bagit::validate_bag;
use crate::report::{Outcome, Report};
use crate::Result;
use std::collections::BTreeSet;
use std::path::Path;

/// BagIt bag (any producer); a guidang record inside `data/` is checked too.
pub(super) fn verify_bag(
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
        let got = crate::package::sm3_file(&tm).unwrap_or_default();
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
