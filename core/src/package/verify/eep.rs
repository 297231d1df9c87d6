//! Verification of a DA/T 48 EEP: its signatures (1-1, 1-14), the fixity recorded in 附注,
//! the Base64 encoding (3-8) and content sizes (2-11), then the record checks on the current
//! 文件实体. The 封装元数据 checks are in `eep_metadata.rs`.

use super::eep_metadata::eep_metadata;
use super::files::TempDir;
use super::findings::Findings;
use super::{checker, VerifyOptions};
use crate::catalogue::Scheme;
use crate::package::eep_read::read_eep;
use crate::record::{Component, Declared, MetaNode, Origin, Record, Role, Source};
use crate::report::{Outcome, Report};
use crate::Result;
use std::collections::BTreeMap;
use std::path::Path;

/// DA/T 48 EEP.
pub(super) fn verify_eep(
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
