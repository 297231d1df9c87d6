//! Reads a record folder: a metadata XML using DA/T 46-2009 Chinese element names plus the content
//! files it names under `文件数据/文档` (the DA/T 48 structure; `组件` is accepted as an alias).
//! The format is documented in `schemas/README.md`.

use super::{
    Component, Declared, Digitization, LinkProblem, MetaNode, Origin, Record, Role, Source,
};
use crate::xml::{self, XmlLimits};
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// File names recognised as the record's metadata XML, in order of preference.
pub const METADATA_FILE_NAMES: &[&str] =
    &["元数据.xml", "元数据.XML", "metadata.xml", "METADATA.XML"];

/// Root element names accepted for a metadata XML found by content.
const ROOT_NAMES: &[&str] = &[
    "电子文件元数据",
    "文件实体",
    "元数据",
    "电子档案元数据",
    "电子文件",
];

/// Finds the metadata XML of a record folder, if it has one.
pub fn find_metadata_file(dir: &Path) -> Option<PathBuf> {
    for n in METADATA_FILE_NAMES {
        let p = dir.join(n);
        if p.is_file() {
            return Some(p);
        }
    }
    // DA/T 93 names the per-item file "…元数据.XML"; accept any *元数据.xml.
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .map(|n| n.to_string_lossy().to_lowercase())
                    .is_some_and(|n| n.ends_with("元数据.xml"))
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// Declared attributes of one `文档` (or of the record root for a flat single-file record).
fn declared_of(doc: &MetaNode) -> Declared {
    let ea = doc.child("电子属性");
    let get = |n: &str| {
        ea.and_then(|e| e.text_at(n))
            .or_else(|| doc.text_at(n))
            .map(str::to_string)
    };
    let digitization = doc.child("数字化属性").map(|d| Digitization {
        physical_form: d.text_at("数字化对象形态").map(Into::into),
        resolution: d.text_at("扫描分辨率").map(Into::into),
        color_mode: d.text_at("扫描色彩模式").map(Into::into),
        compression: d.text_at("图像压缩方案").map(Into::into),
    });
    let digests = doc
        .children_named("数字摘要")
        .filter_map(|n| {
            let alg = n
                .attrs
                .iter()
                .find(|(k, _)| k == "算法" || k == "algorithm")
                .map(|(_, v)| v.clone())?;
            Some((alg, n.text.clone()?))
        })
        .collect();
    Declared {
        format: get("格式信息"),
        file_name: get("计算机文件名"),
        size: get("计算机文件大小"),
        creating_application: get("文档创建程序"),
        digitization,
        digests,
        line: doc.line,
    }
}

/// Reads a record folder. Unreadable metadata does not fail the load: it is kept as
/// `metadata_problem` so that DA/T 70 3-1 reports it; a missing folder is an error.
pub fn read_record_folder(dir: &Path) -> Result<Record> {
    if !dir.is_dir() {
        return Err(Error::invalid(dir, "not a folder"));
    }
    let folder_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let md_path = find_metadata_file(dir).ok_or_else(|| {
        Error::invalid(
            dir,
            format!(
                "no metadata XML ({} or *元数据.xml)",
                METADATA_FILE_NAMES.join(", ")
            ),
        )
    })?;
    let mut record = Record {
        id: folder_name,
        metadata: None,
        metadata_path: Some(md_path.clone()),
        metadata_problem: None,
        schema_hint: None,
        components: Vec::new(),
        link_problems: Vec::new(),
        origin: Origin::Folder(dir.to_path_buf()),
    };
    let doc = match xml::parse_file(
        &md_path,
        &XmlLimits {
            max_bytes: 32 << 20,
            ..Default::default()
        },
    ) {
        Ok(d) => d,
        Err(e) => {
            record.metadata_problem = Some(e.to_string());
            collect_undeclared(dir, &md_path, &mut record)?;
            return Ok(record);
        }
    };
    if !ROOT_NAMES.contains(&doc.root.name.as_str()) {
        record.metadata_problem = Some(format!(
            "{}: root element <{}> is not a metadata root (expected one of {})",
            md_path.display(),
            doc.root.name,
            ROOT_NAMES.join(", ")
        ));
    }
    let mut md = MetaNode::from_xml(&doc.root);
    record.schema_hint = doc
        .root
        .attr("方案")
        .or_else(|| doc.root.attr("schema"))
        .map(str::to_string);
    if let Some(id) = md.text_at("电子文件号") {
        record.id = id.to_string();
    }
    // Components: 文件数据/文档 (DA/T 48 naming) or 组件/文档; a flat record keeps 电子属性 at the root.
    let container = md.child("文件数据").or_else(|| md.child("组件")).cloned();
    let docs: Vec<MetaNode> = match &container {
        Some(c) => c.children_named("文档").cloned().collect(),
        None if md.child("电子属性").is_some() => vec![md.clone()],
        None => Vec::new(),
    };
    for (i, d) in docs.iter().enumerate() {
        let declared = declared_of(d);
        let name = declared.file_name.clone().unwrap_or_default();
        let role = d
            .text_at("组件类型")
            .or_else(|| d.text_at("文档主从声明"))
            .map(Role::parse)
            .unwrap_or(if i == 0 { Role::Main } else { Role::Attachment });
        let sequence = d
            .text_at("文档序号")
            .and_then(|s| s.parse().ok())
            .unwrap_or(i as u32 + 1);
        let path = safe_join(dir, &name);
        match path {
            Some(p) if !name.is_empty() && p.is_file() => record.components.push(Component {
                role,
                name,
                sequence,
                title: d.text_at("题名").map(Into::into),
                source: Source::Path(p),
                declared,
            }),
            _ => record.link_problems.push(LinkProblem {
                name: if name.is_empty() {
                    format!("文档 #{} (计算机文件名 missing)", i + 1)
                } else {
                    name
                },
                missing: true,
                role: Some(role),
            }),
        }
    }
    if container.is_none() && docs.is_empty() {
        // No component section: leave the record without components; 2-7 reports it.
        md.children.retain(|_| true);
    }
    record.metadata = Some(md);
    collect_undeclared(dir, &md_path, &mut record)?;
    Ok(record)
}

/// Joins a declared file name to the record folder, refusing absolute names and `..`.
fn safe_join(dir: &Path, name: &str) -> Option<PathBuf> {
    let n = crate::container::normalize(name)?;
    if n.is_empty() || name.starts_with('/') || name.starts_with('\\') || name.contains(':') {
        return None;
    }
    Some(dir.join(n))
}

fn collect_undeclared(dir: &Path, md_path: &Path, record: &mut Record) -> Result<()> {
    let declared: Vec<PathBuf> = record
        .components
        .iter()
        .filter_map(|c| c.source.path().map(Path::to_path_buf))
        .collect();
    let mut extra = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let p = e.map_err(|e| Error::io(dir, e))?.path();
        if !p.is_file() || p == md_path || declared.contains(&p) {
            continue;
        }
        let n = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if n.starts_with('.') || n.ends_with(".expected.json") || n == "record.json" {
            continue;
        }
        extra.push(n);
    }
    extra.sort();
    record
        .link_problems
        .extend(extra.into_iter().map(|name| LinkProblem {
            name,
            missing: false,
            role: None,
        }));
    Ok(())
}
