//! Reads a JSON record manifest (shape documented in `schemas/record-manifest.md` and
//! `schemas/record-manifest.schema.json`): an id, an optional schema id, DA/T 46 metadata as JSON,
//! and the components with their declared attributes.

use super::{
    Component, Declared, Digitization, LinkProblem, MetaNode, Origin, Record, Role, Source,
};
use crate::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    id: String,
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
    #[serde(default)]
    components: Vec<ManifestComponent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestComponent {
    #[serde(default)]
    role: Option<String>,
    path: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    sequence: Option<u32>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    digitization: Option<Digitization>,
    #[serde(default)]
    digests: BTreeMap<String, String>,
}

fn text(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads a record manifest; component paths are relative to the manifest's folder.
pub fn read_manifest(path: &Path) -> Result<Record> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
        Error::invalid(
            path,
            format!("line {}: not a valid record manifest: {e}", e.line()),
        )
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let metadata = m
        .metadata
        .as_ref()
        .and_then(|v| MetaNode::from_json("文件实体", v).into_iter().next());
    let mut record = Record {
        id: m.id,
        metadata,
        metadata_path: Some(path.to_path_buf()),
        metadata_problem: None,
        schema_hint: m.schema,
        components: Vec::new(),
        link_problems: Vec::new(),
        origin: Origin::Manifest(path.to_path_buf()),
    };
    for (i, c) in m.components.into_iter().enumerate() {
        let file = match crate::container::normalize(&c.path) {
            Some(n) if !n.is_empty() && !c.path.starts_with('/') => base.join(n),
            _ => {
                return Err(Error::invalid(
                    path,
                    format!(
                        "component path `{}` must be relative and stay inside the manifest folder",
                        c.path
                    ),
                ))
            }
        };
        let name = c.name.clone().unwrap_or_else(|| {
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let declared = Declared {
            format: text(c.attributes.get("格式信息")),
            file_name: text(c.attributes.get("计算机文件名")),
            size: text(c.attributes.get("计算机文件大小")),
            creating_application: text(c.attributes.get("文档创建程序")),
            digitization: c.digitization,
            digests: c.digests.into_iter().collect(),
            line: None,
        };
        let role = c.role.as_deref().map(Role::parse).unwrap_or(if i == 0 {
            Role::Main
        } else {
            Role::Attachment
        });
        if !file.is_file() {
            record.link_problems.push(LinkProblem {
                name,
                missing: true,
                role: Some(role),
            });
            continue;
        }
        record.components.push(Component {
            role,
            name,
            sequence: c.sequence.unwrap_or(i as u32 + 1),
            title: c.title,
            source: Source::Path(file),
            declared,
        });
    }
    Ok(record)
}
