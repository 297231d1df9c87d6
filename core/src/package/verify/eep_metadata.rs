//! The EEP's own elements (封装元数据, DA/T 48 附录C): declaration and version (1-12), the
//! structure of 被签名对象 (1-13) and the package metadata (2-10).

use super::findings::Findings;
use crate::package::eep::EEP_NS;
use crate::package::eep_read::EepDocument;
use crate::report::Outcome;

/// 1-12 / 1-13 / 2-10 on the EEP's own elements (封装元数据, DA/T 48 附录C).
pub(super) fn eep_metadata(doc: &EepDocument, name: &str, fs: &mut Findings) {
    let root = &doc.root;
    if root.ns.as_deref() != Some(EEP_NS) {
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
